#include "lib/luks2/volume.h"

#include "lib/core/file_io.h"
#include "lib/core/strings.h"
#include "lib/luks2/metadata_parser.h"

namespace bp {

Luks2VolumeCheck check_luks2_volume(int fd) {
  Luks2VolumeCheck check;
  Result<uint64_t> size = file_size(fd);
  if (!size.ok()) {
    check.problems.push_back(size.error().message());
    return check;
  }
  Result<Luks2HeaderRead> headers = read_luks2_headers(fd);
  if (!headers.ok()) {
    check.problems.push_back(headers.error().message());
    return check;
  }
  if (headers.value().state == Luks2HeaderState::blank) {
    check.blank = true;
    check.problems.push_back("no LUKS2 header: the device is blank");
    return check;
  }
  const Luks2HeaderCopy &copy = headers.value().header;
  Luks2MetadataCheck metadata = check_luks2_metadata(copy.json, copy.header.hdr_size, size.value());
  if (!metadata.metadata) {
    check.problems = std::move(metadata.problems);
    return check;
  }
  check.volume = Luks2Volume{headers.release_value(), std::move(*metadata.metadata), size.value()};
  return check;
}

Result<Luks2Volume> read_luks2_volume(int fd) {
  Luks2VolumeCheck check = check_luks2_volume(fd);
  if (check.volume) return std::move(*check.volume);
  return Error(join(check.problems, "; "));
}

}  // namespace bp
