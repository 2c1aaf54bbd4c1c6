#include "lib/snp/provider_tsm.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/core/clock.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp::snp {

namespace {

constexpr size_t kAttributeMax = 64;

bool exists(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

Result<std::string> read_attribute(const std::string &path) {
  std::string text = TRY(read_text_file(path, kAttributeMax));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

Result<uint64_t> read_number(const std::string &path) {
  std::string text = TRY(read_attribute(path));
  return TRY_CONTEXT(parse_u64(text), path);
}

// One write() call: configfs binary attributes take the buffer as a whole.
Status write_attribute(const std::string &path, ByteView data) {
  UniqueFd fd = TRY(open_file(path, O_WRONLY));
  TRY_CONTEXT(write_all(fd.get(), data), path);
  if (close(fd.release()) != 0) return Error::from_errno("close " + path, errno);
  return {};
}

// Removes the entry on every path out of get_report.
class EntryGuard {
 public:
  explicit EntryGuard(std::string path) : path_(std::move(path)) {}
  EntryGuard(const EntryGuard &) = delete;
  EntryGuard &operator=(const EntryGuard &) = delete;
  ~EntryGuard() { rmdir(path_.c_str()); }

 private:
  std::string path_;
};

}  // namespace

Result<TsmBlobs> tsm_exchange(const std::string &dir, ByteView report_data, uint32_t vmpl) {
  TRY(check_report_request(report_data, vmpl));
  std::string provider = TRY(read_attribute(dir + "/provider"));
  if (provider != "sev_guest") {
    return Error(format("configfs-tsm provider is '%.32s', expected 'sev_guest'", provider.c_str()));
  }
  bool has_privlevel = exists(dir + "/privlevel");
  if (has_privlevel && exists(dir + "/privlevel_floor")) {
    uint64_t floor = TRY(read_number(dir + "/privlevel_floor"));
    if (vmpl < floor) {
      return Error(format("VMPL %u is below the kernel's privlevel_floor %llu", vmpl,
                          static_cast<unsigned long long>(floor)));
    }
  }
  if (!has_privlevel && vmpl != 0) {
    return Error(format("configfs-tsm has no privlevel attribute, cannot request VMPL %u", vmpl));
  }
  uint64_t before = TRY(read_number(dir + "/generation"));
  uint64_t writes = 0;
  if (has_privlevel) {
    TRY(write_attribute(dir + "/privlevel", ByteView::of_string(format("%u\n", vmpl))));
    ++writes;
  }
  TRY(write_attribute(dir + "/inblob", report_data));
  ++writes;
  uint64_t written = TRY(read_number(dir + "/generation"));
  if (written != before + writes) {
    return Error(format("configfs-tsm generation went from %llu to %llu over our %llu writes: another writer",
                        static_cast<unsigned long long>(before), static_cast<unsigned long long>(written),
                        static_cast<unsigned long long>(writes)));
  }
  TsmBlobs blobs;
  blobs.outblob = TRY_CONTEXT(read_file(dir + "/outblob", kTsmOutblobMax),
                              "configfs-tsm outblob (the firmware status is in the kernel log)");
  if (exists(dir + "/auxblob")) {
    blobs.auxblob = TRY_CONTEXT(read_file(dir + "/auxblob", kCertTableMaxSize), "configfs-tsm auxblob");
  }
  uint64_t after = TRY(read_number(dir + "/generation"));
  if (after != written) {
    return Error(format("configfs-tsm generation changed from %llu to %llu while reading: another writer",
                        static_cast<unsigned long long>(written), static_cast<unsigned long long>(after)));
  }
  return blobs;
}

TsmProvider::TsmProvider(std::string configfs_root) : report_dir_(std::move(configfs_root) + "/tsm/report") {}

bool TsmProvider::usable(const std::string &configfs_root) {
  std::string probe = format("%s/tsm/report/bp-probe-%d", configfs_root.c_str(), getpid());
  if (mkdir(probe.c_str(), 0700) != 0) return false;
  rmdir(probe.c_str());
  return true;
}

Result<Evidence> TsmProvider::get_report(ByteView report_data, uint32_t vmpl) {
  TRY(check_report_request(report_data, vmpl));
  std::string entry = format("%s/bp-%d-%llu-%u", report_dir_.c_str(), getpid(),
                             static_cast<unsigned long long>(monotonic_us()), counter_++);
  if (mkdir(entry.c_str(), 0700) != 0) return Error::from_errno("mkdir " + entry, errno);
  EntryGuard guard(entry);
  TsmBlobs blobs = TRY(tsm_exchange(entry, report_data, vmpl));
  if (blobs.outblob.size() != kReportSize) {
    return Error(format("configfs-tsm outblob is %zu bytes, expected a %zu-byte report", blobs.outblob.size(),
                        kReportSize));
  }
  return TRY_CONTEXT(make_evidence(std::move(blobs.outblob), std::move(blobs.auxblob), report_data, vmpl),
                     "configfs-tsm");
}

}  // namespace bp::snp
