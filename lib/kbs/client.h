// A Trustee KBS (protocol 0.4.0) client for one boot: auth, attest, then any
// number of resources, all over one kept-alive HTTP/1.1 connection (TLS with
// the configured CA; plain http:// only when the config allows it). The
// session cookie from auth and the token from attest go with every later
// request. Connection failures, timeouts and 5xx answers are retried with
// exponential backoff until the caller's deadline; any other answer (401,
// 403, 404, ...) is final and reported with the broker's error type and
// detail. Tokens and keys never appear in logs or error messages.
#pragma once

#include <stdint.h>

#include <memory>
#include <optional>
#include <string>

#include "lib/core/log.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/random.h"
#include "lib/http/client.h"
#include "lib/http/url.h"
#include "lib/json/json.h"
#include "lib/kbs/protocol.h"

namespace bp::kbs {

struct KbsClientConfig {
  std::string url;     // https://host:port[/base]
  std::string ca_pem;  // the CA the broker's certificate must chain to (https)
  bool allow_plain_http = false;
  uint64_t attempt_timeout_ms = 15000;  // one connection attempt or request
  uint64_t initial_backoff_ms = 250;
  uint64_t max_backoff_ms = 4000;
  HttpLimits limits = {8192, 100, size_t{64} * 1024, size_t{4} * 1024 * 1024};
};

struct KbsStats {
  uint32_t handshakes = 0;   // TLS handshakes (0 over plain http)
  uint32_t connections = 0;  // TCP connections opened
  uint32_t round_trips = 0;  // requests answered
  uint32_t retries = 0;
};

class KbsClient {
 public:
  // random must outlive the client.
  static Result<std::unique_ptr<KbsClient>> create(const KbsClientConfig &config, Random &random,
                                                   const Log &log);
  ~KbsClient();

  // POST /kbs/v0/auth: the challenge nonce; keeps the session cookie.
  Result<std::string> auth(Deadline deadline);
  // POST /kbs/v0/attest: the attestation token (also kept for resources).
  Result<SecretBytes> attest(const Json &runtime_data, const Json &primary_evidence, Deadline deadline);
  // GET /kbs/v0/resource/...: the JWE the resource comes in.
  Result<Json> resource(const ResourcePath &path, Deadline deadline);

  // Sends this token as "Authorization: Bearer" from now on (a token from an
  // earlier attestation, e.g. bp-init's, handed to bp-agent); no session
  // cookie is needed then (KBS 0.4.0 accepts either).
  Status set_token(ByteView token);
  // Forgets the session cookie, so later requests authenticate with the
  // bearer token alone.
  void clear_session() { cookie_.reset(); }
  // The HTTP status of the broker's last answer (0 when none came), so a
  // caller can tell 401 (the token is no longer accepted) from other errors.
  int last_status() const { return last_status_; }

  KbsStats stats() const;

 private:
  KbsClient(KbsClientConfig config, Url url, const Log &log)
      : config_(std::move(config)), url_(std::move(url)), log_(log) {}
  // Sends with retries; a 2xx JSON answer comes back parsed.
  Result<Json> call(const char *method, const std::string &path, const std::string &body, Deadline deadline);

  KbsClientConfig config_;
  Url url_;
  Log log_;
  std::unique_ptr<TlsClient> tls_;
  std::unique_ptr<HttpClient> http_;
  std::optional<std::string> cookie_;
  SecretBytes token_;
  uint32_t retries_ = 0;
  int last_status_ = 0;
};

}  // namespace bp::kbs
