// The configfs-tsm provider (Linux 6.7+): mkdir a report entry under
// <configfs>/tsm/report/, write the 64-byte inblob (and privlevel), read the
// report from outblob and the certificate table from auxblob, rmdir. The
// entry's generation counter, read before and after, exposes a concurrent
// writer, which would make outblob answer someone else's inblob.
#pragma once

#include <string>

#include "lib/snp/provider.h"

namespace bp::snp {

constexpr size_t kTsmOutblobMax = size_t{32} * 1024;

struct TsmBlobs {
  Bytes outblob;
  Bytes auxblob;  // empty when the host supplied no certificates
};

// The exchange on an existing report entry directory (the part that does not
// depend on configfs creating the attribute files, so tests can run it on a
// fake directory).
Result<TsmBlobs> tsm_exchange(const std::string &entry_dir, ByteView report_data, uint32_t vmpl);

class TsmProvider : public Provider {
 public:
  // configfs_root is where configfs is mounted; tests pass a fake tree.
  explicit TsmProvider(std::string configfs_root = "/sys/kernel/config");

  // Whether the report directory exists and accepts a new entry (configfs-tsm
  // built in but no SEV guest driver refuses the mkdir).
  static bool usable(const std::string &configfs_root = "/sys/kernel/config");

  const char *name() const override { return "tsm"; }
  Result<Evidence> get_report(ByteView report_data, uint32_t vmpl) override;

 private:
  std::string report_dir_;
  unsigned counter_ = 0;
};

}  // namespace bp::snp
