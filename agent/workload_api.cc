#include "agent/workload_api.h"

#include <errno.h>
#include <string.h>

#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/http/query.h"

namespace bp {
namespace {

constexpr char kAgentVersion[] = "bp-agent 0.1";
constexpr std::string_view kResourcePrefix = "/cdh/resource/";

HttpReply octet_stream(SecretBytes body) {
  HttpReply response;
  response.content_type = "application/octet-stream";
  response.secret_body = std::move(body);
  return response;
}

HttpReply method_not_allowed() {
  HttpReply response = HttpReply::text(405, "Method Not Allowed\n");
  response.headers.push_back({"Allow", "GET"});
  return response;
}

// JSON string escaping (RFC 8259 section 7), counted first so the output can
// go into a buffer of the exact size.
size_t escaped_size(ByteView text) {
  size_t n = 0;
  for (uint8_t c : text) {
    if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f')
      n += 2;
    else if (c < 0x20)
      n += 6;
    else
      n += 1;
  }
  return n;
}

uint8_t *escape_into(uint8_t *out, ByteView text) {
  static const char kHex[] = "0123456789abcdef";
  for (uint8_t c : text) {
    const char *named = nullptr;
    switch (c) {
      case '"':
        named = "\\\"";
        break;
      case '\\':
        named = "\\\\";
        break;
      case '\n':
        named = "\\n";
        break;
      case '\r':
        named = "\\r";
        break;
      case '\t':
        named = "\\t";
        break;
      case '\b':
        named = "\\b";
        break;
      case '\f':
        named = "\\f";
        break;
      default:
        break;
    }
    if (named) {
      *out++ = static_cast<uint8_t>(named[0]);
      *out++ = static_cast<uint8_t>(named[1]);
    } else if (c < 0x20) {
      static const uint8_t kEscape[4] = {'\\', 'u', '0', '0'};
      memcpy(out, kEscape, sizeof(kEscape));
      out[4] = static_cast<uint8_t>(kHex[c >> 4]);
      out[5] = static_cast<uint8_t>(kHex[c & 15]);
      out += 6;
    } else {
      *out++ = c;
    }
  }
  return out;
}

uint8_t *put(uint8_t *out, std::string_view text) {
  memcpy(out, text.data(), text.size());
  return out + text.size();
}

}  // namespace

Result<WorkloadApiFeatures> parse_workload_api_features(std::string_view text) {
  if (text == "all") return WorkloadApiFeatures{};
  WorkloadApiFeatures features{false, false, false};
  for (std::string_view name : split(text, ',')) {
    bool *flag = name == "resource"   ? &features.resource
                 : name == "evidence" ? &features.evidence
                 : name == "token"    ? &features.token
                                      : nullptr;
    if (!flag)
      return Error(format("unknown workload API feature '%.*s' (expected all, or resource, evidence, token)",
                          static_cast<int>(name.size()), name.data()));
    *flag = true;
  }
  return features;
}

std::string workload_api_features_text(const WorkloadApiFeatures &features) {
  if (features.resource && features.evidence && features.token) return "all";
  std::string text;
  auto add = [&text](bool on, const char *name) {
    if (!on) return;
    if (!text.empty()) text += ",";
    text += name;
  };
  add(features.resource, "resource");
  add(features.evidence, "evidence");
  add(features.token, "token");
  return text.empty() ? "none" : text;
}

Result<SecretBytes> token_response_json(const KbsToken &token) {
  ByteView jwt = ByteView::of_string(token.token);
  ByteView key = token.tee_keypair_pem.view();
  constexpr std::string_view kOpen = "{\"token\":\"";
  constexpr std::string_view kMiddle = "\",\"tee_keypair\":\"";
  constexpr std::string_view kClose = "\"}";
  size_t total = kOpen.size() + escaped_size(jwt) + kMiddle.size() + escaped_size(key) + kClose.size();
  SecretBytes out = TRY(SecretBytes::allocate(total));
  uint8_t *p = out.data();
  p = put(p, kOpen);
  p = escape_into(p, jwt);
  p = put(p, kMiddle);
  p = escape_into(p, key);
  put(p, kClose);
  return out;
}

HttpReply WorkloadApi::handle(const ParsedHttpRequest &request, const SocketAddress &peer) const {
  if (!peer.is_loopback()) {
    log_.warning("workload API: refused %s: only loopback clients are served", peer.to_string().c_str());
    return HttpReply::text(403, "Forbidden\n");
  }
  const std::string &path = request.path;
  enum class Route { resource, evidence, token, info, none } route = Route::none;
  if (starts_with(path, kResourcePrefix))
    route = Route::resource;
  else if (path == "/aa/evidence")
    route = Route::evidence;
  else if (path == "/aa/token")
    route = Route::token;
  else if (path == "/info")
    route = Route::info;
  if (route == Route::none) return HttpReply::text(404, "URL NOT FOUND\n");
  if (request.method != "GET") return method_not_allowed();

  switch (route) {
    case Route::resource:
      if (!features_.resource) return HttpReply::text(404, "Resource Feature Not Enabled\n");
      return resource(std::string_view(path).substr(kResourcePrefix.size()));
    case Route::evidence:
      if (!features_.evidence) return HttpReply::text(404, "Attestation Feature Not Enabled\n");
      return evidence(request);
    case Route::token:
      if (!features_.token) return HttpReply::text(404, "Attestation Feature Not Enabled\n");
      return token(request);
    case Route::info:
      return info();
    case Route::none:
      break;
  }
  return HttpReply::text(404, "URL NOT FOUND\n");
}

HttpReply WorkloadApi::resource(std::string_view path_text) const {
  auto parsed = parse_resource_path(path_text);
  if (!parsed.ok()) {
    log_.info("workload API: refused a resource request: %s", parsed.error().message().c_str());
    return HttpReply::text(400, parsed.error().message() + "\n");
  }
  const ResourcePath &path = parsed.value();
  for (const ResourcePath &boot_only : boot_only_) {
    if (boot_only == path) {
      log_.warning(
          "workload API: refused %s: a boot-only resource (disk key) is never served to the workload",
          path.uri().c_str());
      return HttpReply::text(403,
                             path.uri() + " is a boot-only resource and is never served to the workload\n");
    }
  }
  auto data = backend_.get_resource(path);
  if (!data.ok()) {
    log_.warning("workload API: %s: %s", path.uri().c_str(), data.error().message().c_str());
    // EBUSY: too many broker fetches at once; the workload may retry.
    return HttpReply::text(data.error().errno_value() == EBUSY ? 503 : 500, data.error().message() + "\n");
  }
  log_.debug("workload API: served %s (%zu bytes)", path.uri().c_str(), data.value().size());
  return octet_stream(data.release_value());
}

HttpReply WorkloadApi::evidence(const ParsedHttpRequest &request) const {
  auto parameters = parse_query(request.query);
  if (!parameters.ok()) return HttpReply::text(400, "BAD REQUEST: " + parameters.error().message() + "\n");
  const std::string *runtime_data = find_parameter(parameters.value(), "runtime_data");
  if (!runtime_data) return HttpReply::text(400, "BAD REQUEST: missing runtime_data\n");
  const std::string *encoding = find_parameter(parameters.value(), "encoding");
  Bytes data;
  if (!encoding) {
    data.assign(runtime_data->begin(), runtime_data->end());
  } else if (*encoding == "base64") {
    auto decoded = base64url_decode(*runtime_data);
    if (!decoded.ok())
      return HttpReply::text(
          400, "BAD REQUEST: runtime_data is not URL-safe base64: " + decoded.error().message() + "\n");
    data = decoded.release_value();
  } else {
    return HttpReply::text(400, "BAD REQUEST: unsupported runtime_data encoding (only base64)\n");
  }
  if (data.size() > kMaxRuntimeData)
    return HttpReply::text(
        400, format("BAD REQUEST: runtime_data is %zu bytes; an SNP report binds at most %zu\n", data.size(),
                    kMaxRuntimeData));
  data.resize(kMaxRuntimeData, 0);
  auto evidence = backend_.get_evidence(data);
  if (!evidence.ok()) {
    log_.warning("workload API: evidence: %s", evidence.error().message().c_str());
    return HttpReply::text(500, evidence.error().message() + "\n");
  }
  HttpReply response;
  response.content_type = "application/octet-stream";
  response.body = evidence.release_value();
  return response;
}

HttpReply WorkloadApi::token(const ParsedHttpRequest &request) const {
  auto parameters = parse_query(request.query);
  if (!parameters.ok()) return HttpReply::text(400, "BAD REQUEST: " + parameters.error().message() + "\n");
  const std::string *type = find_parameter(parameters.value(), "token_type");
  if (!type) return HttpReply::text(400, "BAD REQUEST: missing token_type\n");
  if (*type != "kbs") return HttpReply::text(400, "BAD REQUEST: unsupported token_type (only kbs)\n");
  auto token = backend_.get_token();
  if (!token.ok()) {
    log_.warning("workload API: token: %s", token.error().message().c_str());
    return HttpReply::text(500, token.error().message() + "\n");
  }
  auto body = token_response_json(token.value());
  if (!body.ok()) return HttpReply::text(500, body.error().message() + "\n");
  log_.info("workload API: handed out a kbs token");
  return octet_stream(body.release_value());
}

HttpReply WorkloadApi::info() const {
  HttpReply response;
  response.content_type = "application/json";
  response.body = format("{\"version\":\"%s\",\"tee\":\"snp\",\"feature\":\"%s\"}", kAgentVersion,
                         workload_api_features_text(features_).c_str());
  return response;
}

}  // namespace bp
