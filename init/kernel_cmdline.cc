#include "init/kernel_cmdline.h"

#include "lib/core/format.h"

namespace bp {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

Result<std::vector<KernelParam>> parse_kernel_cmdline(std::string_view cmdline) {
  constexpr size_t kMaxCmdline = 4096;
  if (cmdline.size() > kMaxCmdline) {
    return Error(format("kernel command line is %zu bytes, more than %zu", cmdline.size(), kMaxCmdline));
  }
  std::vector<KernelParam> params;
  size_t i = 0;
  for (;;) {
    while (i < cmdline.size() && is_space(cmdline[i])) ++i;
    if (i == cmdline.size()) break;
    // One argument: up to the next space outside double quotes.
    std::string raw;
    bool quoted = false;
    size_t start = i;
    for (; i < cmdline.size(); ++i) {
      char c = cmdline[i];
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      if (!quoted && is_space(c)) break;
      if (c == '\0') return Error(format("kernel command line has a NUL byte at offset %zu", i));
      raw += c;
    }
    if (quoted)
      return Error(format("kernel command line: unterminated quote in argument at offset %zu", start));
    if (raw == "--") break;  // the rest belongs to init's argv
    KernelParam param;
    size_t eq = raw.find('=');
    if (eq == std::string::npos) {
      param.key = raw;
    } else {
      param.key = raw.substr(0, eq);
      param.value = raw.substr(eq + 1);
      param.has_value = true;
    }
    params.push_back(std::move(param));
  }
  return params;
}

}  // namespace bp
