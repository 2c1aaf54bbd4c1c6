#include "measure/options.h"

#include "lib/core/strings.h"

namespace bp::measure {

namespace {

const OptionSpec *find_spec(const std::vector<OptionSpec> &specs, std::string_view name) {
  for (const OptionSpec &s : specs) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

Result<uint64_t> parse_digits(std::string_view text, unsigned base) {
  if (text.empty()) return Error("no digits");
  uint64_t value = 0;
  for (char c : text) {
    unsigned digit;
    if (c >= '0' && c <= '9')
      digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'z')
      digit = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'Z')
      digit = static_cast<unsigned>(c - 'A' + 10);
    else
      return Error("invalid digit");
    if (digit >= base) return Error("invalid digit");
    if (value > (UINT64_MAX - digit) / base) return Error("too large");
    value = value * base + digit;
  }
  return value;
}

Error invalid_value(std::string_view name, std::string_view text, const char *expected) {
  return Error("argument " + std::string(name) + ": invalid value '" + std::string(text) + "' (expected " +
               expected + ")");
}

}  // namespace

std::optional<std::string> ParsedOptions::get(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ParsedOptions::get_all(std::string_view name) const {
  auto it = lists_.find(std::string(name));
  if (it == lists_.end()) return {};
  return it->second;
}

Result<ParsedOptions> parse_options(const Arguments &args, const std::vector<OptionSpec> &specs) {
  ParsedOptions out;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      out.positionals.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_ended = true;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    size_t eq = arg.find('=');
    if (starts_with(arg, "--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const OptionSpec *spec = find_spec(specs, name);
    if (!spec) return Error("unrecognized argument: " + std::string(arg));
    switch (spec->kind) {
      case OptionKind::flag:
        if (inline_value) return Error("argument " + std::string(name) + ": ignored explicit argument");
        out.values_[std::string(name)] = "";
        break;
      case OptionKind::value:
        if (!inline_value) {
          if (i + 1 >= args.size()) return Error("argument " + std::string(name) + ": expected one argument");
          inline_value = args[++i];
        }
        out.values_[std::string(name)] = std::string(*inline_value);
        break;
      case OptionKind::optional_value:
        if (!inline_value && i + 1 < args.size() && !starts_with(args[i + 1], "-")) inline_value = args[++i];
        out.values_[std::string(name)] = std::string(inline_value ? *inline_value : "");
        break;
      case OptionKind::multi_value: {
        std::vector<std::string> &list = out.lists_[std::string(name)];
        if (inline_value) {
          list.emplace_back(*inline_value);
        } else {
          size_t first = list.size();
          while (i + 1 < args.size() && !starts_with(args[i + 1], "-")) list.emplace_back(args[++i]);
          if (list.size() == first)
            return Error("argument " + std::string(name) + ": expected at least one argument");
        }
        out.values_[std::string(name)] = list.back();
        break;
      }
    }
  }
  return out;
}

Result<uint64_t> parse_decimal_option(std::string_view name, std::string_view text) {
  auto value = parse_digits(text, 10);
  if (!value.ok()) return invalid_value(name, text, "a decimal number");
  return value.release_value();
}

Result<uint64_t> parse_integer_option(std::string_view name, std::string_view text) {
  std::string lower = to_lower(text);
  unsigned base = 10;
  std::string_view digits = text;
  if (starts_with(lower, "0x")) {
    base = 16;
  } else if (starts_with(lower, "0o")) {
    base = 8;
  } else if (starts_with(lower, "0b")) {
    base = 2;
  }
  if (base != 10) {
    digits.remove_prefix(2);
  } else if (digits.size() > 1 && digits[0] == '0') {
    return invalid_value(name, text, "a number: 0x for hexadecimal, no leading zeros in decimal");
  }
  auto value = parse_digits(digits, base);
  if (!value.ok()) return invalid_value(name, text, "a number such as 0x21 or 33");
  return value.release_value();
}

}  // namespace bp::measure
