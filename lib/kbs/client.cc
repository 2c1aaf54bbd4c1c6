#include "lib/kbs/client.h"

#include <errno.h>
#include <time.h>

#include <algorithm>

#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/http/cookie.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_path.h"

namespace bp::kbs {

namespace {

constexpr size_t kMaxJsonDepth = 32;

// Failures of the connection rather than of the broker's answer.
bool retryable_errno(int err) {
  switch (err) {
    case ECONNREFUSED:
    case ECONNRESET:
    case ECONNABORTED:
    case ETIMEDOUT:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case ENETDOWN:
    case EPIPE:
    case EIO:
    case EAGAIN:
    case ENOTCONN:
      return true;
    default:
      return false;
  }
}

bool retryable_status(int status) { return status >= 500 || status == 408 || status == 429; }

bool is_json(const HttpClientResponse &r) {
  const std::string *type = r.header("content-type");
  if (type == nullptr) return false;
  std::string_view media(*type);
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return to_lower(media) == "application/json";
}

void sleep_ms(uint64_t ms) {
  struct timespec ts = {static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

}  // namespace

KbsClient::~KbsClient() = default;

Result<std::unique_ptr<KbsClient>> KbsClient::create(const KbsClientConfig &config, Random &random,
                                                     const Log &log) {
  Url url = TRY_CONTEXT(parse_url(config.url), "KBS");
  if (!url.is_https() && !config.allow_plain_http) {
    return Error("KBS URL " + url.scheme + "://" + url.authority() +
                 ": plain http is not allowed (https, or allow_plain_http in the config)");
  }
  std::unique_ptr<KbsClient> client(new KbsClient(config, url, log));
  std::unique_ptr<Connector> connector;
  if (url.is_https()) {
    if (config.ca_pem.empty()) return Error("KBS: https needs the broker's CA certificate");
    client->tls_ = TRY_CONTEXT(TlsClient::create(config.ca_pem, random), "KBS");
    connector = std::make_unique<TlsConnector>(url.host, url.port, *client->tls_);
  } else {
    connector = std::make_unique<TcpConnector>(url.host, url.port);
  }
  client->http_ = std::make_unique<HttpClient>(std::move(connector), url.authority(), config.limits);
  return client;
}

KbsStats KbsClient::stats() const {
  KbsStats s;
  s.handshakes = tls_ ? tls_->handshakes() : 0;
  s.connections = http_->stats().connections;
  s.round_trips = http_->stats().round_trips;
  s.retries = retries_;
  return s;
}

Result<Json> KbsClient::call(const char *method, const std::string &path, const std::string &body,
                             Deadline deadline) {
  std::string what = format("%s %s", method, path.c_str());
  uint64_t backoff = config_.initial_backoff_ms;
  for (int attempt = 1;; ++attempt) {
    HttpClientRequest request{method, url_.path + path, {}, Bytes(body.begin(), body.end())};
    if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    request.headers.push_back({"Accept", "application/json"});
    if (cookie_) request.headers.push_back({"Cookie", std::string(kSessionCookie) + "=" + *cookie_});
    if (!token_.empty()) {
      std::string bearer = "Bearer ";
      bearer.append(reinterpret_cast<const char *>(token_.view().data()), token_.size());
      request.headers.push_back({"Authorization", std::move(bearer)});
    }
    Deadline attempt_deadline = Deadline::after_ms(config_.attempt_timeout_ms).earlier(deadline);
    Result<HttpClientResponse> sent = http_->send(request, attempt_deadline);
    for (HttpHeader &h : request.headers) std::fill(h.value.begin(), h.value.end(), '\0');

    Error failure("");
    last_status_ = sent.ok() ? sent.value().status : 0;
    if (sent.ok()) {
      HttpClientResponse &response = sent.value();
      if (response.status >= 200 && response.status < 300) {
        std::optional<std::string> cookie =
            TRY_CONTEXT(find_set_cookie(response, kSessionCookie), "KBS " + what);
        if (cookie) cookie_ = std::move(cookie);
        if (!is_json(response)) {
          const std::string *type = response.header("content-type");
          return Error(format("KBS %s: the answer's content type is %s, expected application/json",
                              what.c_str(), type ? json_quoted(*type).c_str() : "missing"));
        }
        Result<Json> json =
            parse_json(ByteView(response.body).as_string_view(), config_.limits.max_body, kMaxJsonDepth);
        // The body may hold the token: clear it before it is freed.
        std::fill(response.body.begin(), response.body.end(), 0);
        return TRY_CONTEXT(std::move(json), "KBS " + what);
      }
      BrokerError e = parse_error_body(response.body);
      failure = Error(format("KBS %s: HTTP %d %s", what.c_str(), response.status, e.describe().c_str()));
      if (!retryable_status(response.status)) return failure;
    } else {
      failure = Error(format("KBS %s: %s", what.c_str(), sent.error().message().c_str()),
                      sent.error().errno_value());
      if (!retryable_errno(sent.error().errno_value())) return failure;
    }
    if (deadline.remaining_ms() <= backoff) {
      return Error(format("%s (gave up after %d attempts: the deadline is reached)",
                          failure.message().c_str(), attempt),
                   failure.errno_value());
    }
    log_.warning("%s; retrying in %llu ms", failure.message().c_str(),
                 static_cast<unsigned long long>(backoff));
    sleep_ms(backoff);
    ++retries_;
    backoff = std::min(backoff * 2, config_.max_backoff_ms);
  }
}

Result<std::string> KbsClient::auth(Deadline deadline) {
  std::string body = TRY(auth_request_body());
  Json challenge = TRY(call("POST", std::string(kApiPrefix) + "/auth", body, deadline));
  std::string nonce = TRY_CONTEXT(parse_challenge(challenge), "KBS challenge");
  if (!cookie_) return Error("KBS POST /kbs/v0/auth: no kbs-session-id cookie in the answer");
  return nonce;
}

Result<SecretBytes> KbsClient::attest(const Json &runtime_data, const Json &primary_evidence,
                                      Deadline deadline) {
  std::string body = TRY(attest_request_body(runtime_data, primary_evidence));
  Json answer = TRY(call("POST", std::string(kApiPrefix) + "/attest", body, deadline));
  SecretBytes token = TRY_CONTEXT(parse_attest_response(answer), "KBS attestation answer");
  token_ = TRY(SecretBytes::copy_of(token.view()));
  return token;
}

Status KbsClient::set_token(ByteView token) {
  if (token.empty()) return Error("KBS: an empty token");
  token_ = TRY(SecretBytes::copy_of(token));
  return {};
}

Result<Json> KbsClient::resource(const ResourcePath &path, Deadline deadline) {
  return call("GET", std::string(kApiPrefix) + "/resource/" + path.to_string(), "", deadline);
}

}  // namespace bp::kbs
