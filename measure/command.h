// A bp-measure subcommand: a name, a one-line summary for `bp-measure --help`
// and the function that runs it. main.cc holds the table; each subcommand
// lives in its own file.
#pragma once

#include <string_view>
#include <vector>

namespace bp::measure {

// Exit statuses: 1 for a failed check or operation, 2 for bad usage (as
// Python's argparse, which sev-snp-measure uses).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

using Arguments = std::vector<std::string_view>;

struct Command {
  const char *name;
  const char *summary;
  int (*run)(const Arguments &args);  // args after the subcommand name
};

int run_snp_command(const Arguments &args);
int run_verity_command(const Arguments &args);
int run_report_command(const Arguments &args);
int run_reference_values_command(const Arguments &args);

}  // namespace bp::measure
