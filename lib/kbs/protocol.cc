#include "lib/kbs/protocol.h"

#include <algorithm>

#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_path.h"
#include "lib/json/json_write.h"

namespace bp::kbs {

namespace {

constexpr size_t kMaxNonce = 1024;
constexpr size_t kMaxToken = size_t{64} * 1024;
constexpr size_t kMaxErrorText = 300;
constexpr size_t kMaxErrorBody = size_t{64} * 1024;
constexpr const char *kErrorTypePrefix = "https://github.com/confidential-containers/kbs/errors/";

bool valid_segment(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-'))) return false;
  }
  return true;
}

// Printable ASCII only, shortened: broker text goes into our messages.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() >= kMaxErrorText) {
      out += "...";
      break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

}  // namespace

Result<ResourcePath> make_resource_path(std::string_view repository, std::string_view type,
                                        std::string_view tag) {
  for (std::string_view s : {repository, type, tag}) {
    if (!valid_segment(s)) {
      return Error(
          format("resource path segment %s: expected [A-Za-z0-9][A-Za-z0-9._-]*", json_quoted(s).c_str()));
    }
  }
  return ResourcePath{std::string(repository), std::string(type), std::string(tag)};
}

Result<ResourcePath> parse_resource_uri(std::string_view uri) {
  constexpr std::string_view kScheme = "kbs:///";
  if (!starts_with(uri, kScheme)) {
    return Error(
        format("resource URI %s: expected kbs:///<repository>/<type>/<tag>", json_quoted(uri).c_str()));
  }
  std::vector<std::string_view> parts = split(uri.substr(kScheme.size()), '/');
  if (parts.size() != 3) {
    return Error(
        format("resource URI %s: expected kbs:///<repository>/<type>/<tag>", json_quoted(uri).c_str()));
  }
  return TRY_CONTEXT(make_resource_path(parts[0], parts[1], parts[2]), "resource URI " + json_quoted(uri));
}

Result<std::string> auth_request_body() {
  JsonArrayBuilder hashes;
  hashes.add_string("sha384");  // the only one we implement; Trustee uses it for SNP
  JsonObjectBuilder extra;
  extra.add_array("supported-hash-algorithms", std::move(hashes));
  JsonObjectBuilder body;
  body.add_string("version", kProtocolVersion)
      .add_string("tee", "snp")
      .add_object("extra-params", std::move(extra));
  return json_compact(TRY(body.build()));
}

Result<std::string> parse_challenge(const Json &challenge) {
  std::string nonce = TRY(challenge.get_string("nonce"));
  if (nonce.empty() || nonce.size() > kMaxNonce) {
    return Error(format("$.nonce: expected 1 to %zu characters, got %zu", kMaxNonce, nonce.size()));
  }
  for (char c : nonce) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return Error("$.nonce: expected printable ASCII");
  }
  std::optional<Json> extra = TRY(challenge.optional_member("extra-params"));
  if (extra && extra->is_object()) {
    std::optional<std::string> hash = TRY(extra->optional_string("selected-hash-algorithm"));
    if (hash && *hash != "sha384") {
      return Error(format("%s.selected-hash-algorithm: %s is not supported (sha384 only)",
                          extra->path().c_str(), json_quoted(*hash).c_str()));
    }
  } else if (extra && !extra->is_string()) {
    return Error(format("%s: expected a string or an object", extra->path().c_str()));
  }
  return nonce;
}

Result<std::string> attest_request_body(const Json &runtime_data, const Json &primary_evidence) {
  JsonObjectBuilder evidence;
  evidence.add_value("primary_evidence", primary_evidence).add_string("additional_evidence", "");
  JsonObjectBuilder body;
  body.add_value("runtime-data", runtime_data).add_object("tee-evidence", std::move(evidence));
  return json_compact(TRY(body.build()));
}

Result<SecretBytes> parse_attest_response(const Json &response) {
  std::string token = TRY(response.get_string("token"));
  if (token.empty() || token.size() > kMaxToken) {
    return Error(format("$.token: expected 1 to %zu characters, got %zu", kMaxToken, token.size()));
  }
  for (char c : token) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.' || c == '=';
    if (!ok) return Error("$.token: not a JWT (base64url segments separated by dots)");
  }
  SecretBytes out = TRY(SecretBytes::copy_of(ByteView::of_string(token)));
  // The std::string copy is heap memory: clear it before it is freed.
  std::fill(token.begin(), token.end(), '\0');
  return out;
}

std::string BrokerError::describe() const {
  if (type.empty()) return detail;
  return detail.empty() ? type : type + ": " + detail;
}

BrokerError parse_error_body(ByteView body) {
  BrokerError e;
  if (body.empty()) {
    e.detail = "(empty body)";
    return e;
  }
  Result<Json> parsed = parse_json(body.as_string_view(), kMaxErrorBody, 8);
  if (!parsed.ok() || !parsed.value().is_object()) {
    e.detail = format("(a body of %zu bytes that is not a JSON object)", body.size());
    return e;
  }
  const Json &o = parsed.value();
  Result<std::string> type = o.get_string("type");
  if (type.ok()) {
    std::string_view t = type.value();
    if (starts_with(t, kErrorTypePrefix)) t.remove_prefix(std::string_view(kErrorTypePrefix).size());
    e.type = printable(t);
  }
  Result<std::string> detail = o.get_string("detail");
  if (detail.ok()) e.detail = printable(detail.value());
  return e;
}

}  // namespace bp::kbs
