// A LUKS2 volume on a device, read and checked in one place: both header
// copies (header_reader.h), then the JSON metadata against the allow-list and
// the device size (metadata_parser.h).
#pragma once

#include <stdint.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/core/result.h"
#include "lib/luks2/header_reader.h"
#include "lib/luks2/metadata.h"

namespace bp {

struct Luks2Volume {
  Luks2HeaderRead headers;  // state valid or secondary_only
  Luks2Metadata metadata;
  uint64_t device_size = 0;
};

struct Luks2VolumeCheck {
  bool blank = false;                 // no header at all (see header_reader.h)
  std::optional<Luks2Volume> volume;  // set when nothing is wrong
  std::vector<std::string> problems;  // every reason the device is refused
};

Luks2VolumeCheck check_luks2_volume(int fd);

// The volume, or one error with every problem (a blank device is an error
// here too: "no LUKS2 header").
Result<Luks2Volume> read_luks2_volume(int fd);

}  // namespace bp
