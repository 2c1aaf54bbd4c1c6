// bp-measure: what a correct Buckypaper guest measures to, computed on the
// host before any VM boots.
#include <stdio.h>
#include <string.h>

#include "measure/command.h"

namespace {

const bp::measure::Command kCommands[] = {
    {"snp", "SNP launch digest of an OVMF guest (options of virtee's sev-snp-measure)",
     bp::measure::run_snp_command},
    {"verity", "dm-verity hash tree: format (write tree, print root hash) and verify",
     bp::measure::run_verity_command},
    {"report", "SNP attestation report: show its fields, verify its chain, signature and policy",
     bp::measure::run_report_command},
    {"reference-values", "the reference values JSON of an image (launch digests, policy, TCB, root hash)",
     bp::measure::run_reference_values_command},
};

void print_usage(FILE *out) {
  (void)fputs("usage: bp-measure COMMAND [ARGS...]\n\ncommands:\n", out);
  for (const bp::measure::Command &c : kCommands) (void)fprintf(out, "  %-17s %s\n", c.name, c.summary);
  (void)fputs("\n`bp-measure COMMAND --help` describes a command.\n", out);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return bp::measure::kExitUsage;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    print_usage(stdout);
    return bp::measure::kExitOk;
  }
  for (const bp::measure::Command &c : kCommands) {
    if (strcmp(argv[1], c.name) == 0) return c.run(bp::measure::Arguments(argv + 2, argv + argc));
  }
  (void)fprintf(stderr, "bp-measure: unknown command '%s'\n", argv[1]);
  print_usage(stderr);
  return bp::measure::kExitUsage;
}
