// Command-line options parsed the way Python's argparse accepts them (which
// sev-snp-measure uses, so scripts can switch): "--name value" and
// "--name=value", the last repeat of an option wins, "--" ends the options.
#pragma once

#include <stdint.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/result.h"
#include "measure/command.h"

namespace bp::measure {

enum class OptionKind {
  flag,            // no value
  value,           // always takes one value
  optional_value,  // "--name=value", or "--name value" when value does not start with '-'
  // One or more values: "--name=value", or every following argument up to the
  // next one that starts with '-'. Repeats add to the list (get_all).
  multi_value,
};

struct OptionSpec {
  const char *name;  // with the dashes: "--vcpus", "-v"
  OptionKind kind;
};

class ParsedOptions {
 public:
  bool has(std::string_view name) const { return values_.count(std::string(name)) != 0; }
  // The value of the last occurrence (empty for a flag).
  std::optional<std::string> get(std::string_view name) const;
  // Every value of every occurrence, in order (for multi_value options).
  std::vector<std::string> get_all(std::string_view name) const;

  std::vector<std::string> positionals;

 private:
  friend Result<ParsedOptions> parse_options(const Arguments &args, const std::vector<OptionSpec> &specs);
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> lists_;
};

Result<ParsedOptions> parse_options(const Arguments &args, const std::vector<OptionSpec> &specs);

// Python's int(text): decimal digits only.
Result<uint64_t> parse_decimal_option(std::string_view name, std::string_view text);
// Python's int(text, 0): 0x / 0o / 0b prefixes, otherwise decimal without
// leading zeros.
Result<uint64_t> parse_integer_option(std::string_view name, std::string_view text);

}  // namespace bp::measure
