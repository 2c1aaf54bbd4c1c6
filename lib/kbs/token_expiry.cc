#include "lib/kbs/token_expiry.h"

#include <algorithm>

#include "lib/core/encoding.h"
#include "lib/json/json_parse.h"

namespace bp::kbs {

namespace {
constexpr size_t kMaxPayload = size_t{64} * 1024;
constexpr size_t kMaxDepth = 16;
}  // namespace

Result<std::optional<int64_t>> token_expiry(ByteView token) {
  std::string_view text = token.as_string_view();
  size_t first = text.find('.');
  size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos)
    return Error("token: not a JWT (expected three dot-separated segments)");
  std::string_view payload_text = text.substr(first + 1, second - first - 1);
  if (payload_text.size() > kMaxPayload * 4 / 3 + 4) return Error("token: payload too large");
  Bytes payload = TRY_CONTEXT(base64url_decode(payload_text), "token payload");
  Result<Json> claims = parse_json(ByteView(payload).as_string_view(), kMaxPayload, kMaxDepth);
  std::fill(payload.begin(), payload.end(), 0);
  if (!claims.ok()) return Error("token payload: " + claims.error().message());
  if (!claims.value().is_object()) return Error("token payload: not a JSON object");
  std::optional<uint64_t> exp = TRY_CONTEXT(claims.value().optional_u64("exp", INT64_MAX), "token payload");
  if (!exp) return std::optional<int64_t>();
  return std::optional<int64_t>(static_cast<int64_t>(*exp));
}

}  // namespace bp::kbs
