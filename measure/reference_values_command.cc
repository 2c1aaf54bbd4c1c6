// `bp-measure reference-values`: the command line around reference_values.h.
#include <stdio.h>

#include "lib/core/file_io.h"
#include "lib/json/json_write.h"
#include "lib/snp/vcpu_types.h"
#include "measure/command.h"
#include "measure/reference_values.h"

namespace bp::measure {

namespace {

const char kUsage[] =
    "usage: bp-measure reference-values --ovmf PATH [--kernel PATH [--initrd PATH] [--append CMDLINE]]\n"
    "                                   --vcpus LIST --vcpu-type LIST [--vmm-type LIST]\n"
    "                                   [--guest-features VALUE] [--policy VALUE] [--allow-debug]\n"
    "                                   [--host-data HEX64] [--verity-root-hash HEX]\n"
    "                                   [--min-tcb bootloader=N,tee=N,snp=N,microcode=N[,fmc=N]]\n"
    "                                   [--format buckypaper|trustee] [--output FILE]\n";

const char kHelp[] =
    "\nWrites the reference values of an image: the SNP launch digest for every combination of the\n"
    "vCPU counts, vCPU types and VMM types (computed as `bp-measure snp` does), the guest policy,\n"
    "whether debugging is allowed, HOST_DATA, the minimum TCB and the dm-verity root hash.\n\n"
    "  --vcpus LIST           vCPU counts: 1,2,4 or ranges 1-8 (commas or several values)\n"
    "  --vcpu-type LIST       QEMU CPU models, e.g. EPYC-v4,EPYC-Genoa\n"
    "  --vmm-type LIST        QEMU (default), ec2, gce\n"
    "  --guest-features VALUE SEV_FEATURES (default 0x1)\n"
    "  --policy VALUE         guest policy QEMU is given (default 0x30000); bit 19 needs --allow-debug\n"
    "  --allow-debug          accept guests whose policy allows debugging (debug images)\n"
    "  --host-data HEX64      HOST_DATA the VMM sets (32 bytes); checked by the broker when given\n"
    "  --verity-root-hash HEX root hash of the root disk's dm-verity tree\n"
    "  --min-tcb ...          lowest acceptable REPORTED_TCB per component (default all 0)\n"
    "  --format FMT           buckypaper (default): the document qemu-tests/broker reads;\n"
    "                         trustee: a Trustee RVPS sample message (measure/README.md)\n"
    "  --output FILE          write there (atomically) instead of standard output\n";

}  // namespace

int run_reference_values_command(const Arguments &args) {
  for (std::string_view a : args) {
    if (a == "-h" || a == "--help") {
      (void)fputs((std::string(kUsage) + kHelp).c_str(), stdout);
      return kExitOk;
    }
    if (a == "--") break;
  }
  Result<ReferenceValuesRequest> request = parse_reference_values_request(args);
  if (!request.ok()) {
    (void)fprintf(stderr, "%sbp-measure reference-values: error: %s\n", kUsage,
                  request.error().message().c_str());
    return kExitUsage;
  }
  const ReferenceValuesRequest &r = request.value();
  auto run = [&]() -> Result<std::string> {
    std::vector<LaunchDigest> digests = TRY(compute_launch_digests(r));
    Json doc = r.format == ReferenceValuesFormat::trustee ? TRY(trustee_reference_values_json(r, digests))
                                                          : TRY(reference_values_json(r, digests));
    return TRY(json_compact(doc)) + "\n";
  };
  Result<std::string> text = run();
  if (!text.ok()) {
    (void)fprintf(stderr, "bp-measure reference-values: %s\n", text.error().message().c_str());
    return kExitFailure;
  }
  if (r.output) {
    Status written = write_file_atomic(*r.output, ByteView::of_string(text.value()));
    if (!written.ok()) {
      (void)fprintf(stderr, "bp-measure reference-values: %s\n", written.error().message().c_str());
      return kExitFailure;
    }
    return kExitOk;
  }
  if (fputs(text.value().c_str(), stdout) < 0 || fflush(stdout) != 0) return kExitFailure;
  return kExitOk;
}

}  // namespace bp::measure
