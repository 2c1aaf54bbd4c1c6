// `bp-measure snp`: the SNP launch digest, with the options, defaults and
// output of virtee's sev-snp-measure --mode snp.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>

#include "lib/core/result.h"
#include "lib/snp/launch_measurement.h"
#include "measure/command.h"

namespace bp::measure {

struct SnpRequest {
  bool ovmf_hash_only = false;  // --mode snp:ovmf-hash
  std::string ovmf;
  std::optional<std::string> kernel;
  std::optional<std::string> initrd;
  std::optional<std::string> append;
  SnpLaunchConfig config;  // without kernel_hashes: those come from the files
  bool base64 = false;
  bool verbose = false;
  std::optional<std::string> dump_vmsa_dir;
};

// Usage errors (exit status 2).
Result<SnpRequest> parse_snp_request(const Arguments &args);
// Reads the files and returns the line to print.
Result<std::string> run_snp_request(const SnpRequest &request);

}  // namespace bp::measure
