// parse_json with limits, then every typed accessor on every value of the
// document, and both serialisers. Checked beyond "no crash": a parsed
// document is never deeper than the limit, the accessors agree with the
// value's type, and compact and canonical output parse back to themselves.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <string>

#include "lib/json/json.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr size_t kMaxSize = size_t{64} * 1024;
constexpr size_t kMaxDepth = 16;

enum class Colour { red, green };

// Accessors on one value, whatever its type; returns the nesting depth below it.
size_t walk(const bp::Json &value) {
  std::string type = value.type_name();
  FUZZ_CHECK(value.as_string().ok() == (type == "string"));
  FUZZ_CHECK(value.as_bool().ok() == (type == "boolean"));
  FUZZ_CHECK(value.as_i64().ok() == (type == "integer"));
  auto u64 = value.as_u64();
  if (u64.ok()) FUZZ_CHECK(static_cast<int64_t>(u64.value()) == value.as_i64().value());
  if (u64.ok() && u64.value() > 0) FUZZ_CHECK(!value.as_u64(u64.value() - 1).ok());
  (void)value.as_byte_array();
  (void)value.as_byte_array(32);
  (void)value.as_strings();
  (void)value.as_enum<Colour>({{"red", Colour::red}, {"green", Colour::green}});

  size_t depth = 0;
  if (value.is_array()) {
    auto elements = value.elements();
    FUZZ_CHECK(elements.ok() && elements.value().size() == value.size());
    FUZZ_CHECK(!value.at(value.size()).ok());
    for (const bp::Json &element : elements.value()) {
      FUZZ_CHECK(element.path().compare(0, value.path().size(), value.path()) == 0);
      depth = std::max(depth, walk(element));
    }
    if (value.size() > 0) FUZZ_CHECK(value.at(value.size() - 1).ok());
    return depth + 1;
  }
  if (value.is_object()) {
    auto members = value.members();
    FUZZ_CHECK(members.ok() && members.value().size() == value.size());
    FUZZ_CHECK(value.only_keys({}).ok() == (value.size() == 0));
    (void)value.only_keys({"a", "b", "c"});
    for (const bp::JsonMember &member : members.value()) {
      // Keys hold no NUL (parse_json rejects them), so C-string lookups work.
      const char *key = member.key.c_str();
      FUZZ_CHECK(member.key.size() == strlen(key));
      FUZZ_CHECK(value.has(key) && value.member(key).ok());
      (void)value.get_string(key);
      (void)value.get_bool(key);
      (void)value.get_u64(key, 1000);
      (void)value.get_i64(key);
      (void)value.get_strings(key);
      (void)value.get_byte_array(key);
      (void)value.get_hex(key);
      (void)value.get_hex(key, 32);
      (void)value.get_base64(key);
      (void)value.get_base64url(key);
      (void)value.object(key);
      (void)value.array(key);
      (void)value.optional_string(key);
      (void)value.optional_bool(key);
      (void)value.optional_u64(key);
      (void)value.optional_i64(key);
      (void)value.optional_object(key);
      (void)value.optional_array(key);
      (void)value.optional_enum<Colour>(key, {{"red", Colour::red}, {"green", Colour::green}});
      depth = std::max(depth, walk(member.value));
    }
    FUZZ_CHECK(!value.member("\x01 not a key in any seed").ok());
    return depth + 1;
  }
  FUZZ_CHECK(!value.members().ok() && !value.elements().ok() && value.size() == 0);
  return 0;
}

// Compact output must read back (limits loose enough for any valid output)
// and give itself again.
void check_compact_round_trip(const std::string &out) {
  auto again = bp::parse_json(out, SIZE_MAX, 4096);
  if (!again.ok()) {
    (void)fprintf(stderr, "compact output does not parse: %s\n", again.error().message().c_str());
    FUZZ_CHECK(again.ok());
  }
  auto rewritten = bp::json_compact(again.value());
  FUZZ_CHECK(rewritten.ok() && rewritten.value() == out);
}

// Canonical output is a hash input, written as ECMAScript writes numbers:
// a real of 2^63 or more below 1e21 has no exponent ("1e20" gives
// 100000000000000000000), which jansson refuses as "too big integer", and
// one from 2^53 reads back as an integer the canonical writer refuses. So
// canonical output need not read back; when it does and writes again, the
// text must be the same.
void check_canonical_round_trip(const std::string &out) {
  auto again = bp::parse_json(out, SIZE_MAX, 4096);
  if (!again.ok()) return;
  auto rewritten = bp::json_canonical(again.value());
  if (rewritten.ok()) FUZZ_CHECK(rewritten.value() == out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto parsed = bp::parse_json(bp::as_text(data, size), kMaxSize, kMaxDepth);
  if (!parsed.ok()) return 0;
  const bp::Json &root = parsed.value();
  FUZZ_CHECK(root.path() == "$");
  FUZZ_CHECK(walk(root) <= kMaxDepth);

  // A parsed document has no NaN or infinity, so the compact form always exists.
  auto compact = bp::json_compact(root);
  FUZZ_CHECK(compact.ok());
  check_compact_round_trip(compact.value());
  auto canonical = bp::json_canonical(root);
  if (canonical.ok()) check_canonical_round_trip(canonical.value());
  return 0;
}
