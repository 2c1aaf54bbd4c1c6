// The messages of the Trustee KBS attestation protocol 0.4.0 ("RCAR"):
//   POST /kbs/v0/auth    {"version":"0.4.0","tee":"snp","extra-params":{...}}
//                        -> {"nonce":..,"extra-params":..} + Set-Cookie kbs-session-id
//   POST /kbs/v0/attest  {"runtime-data":{nonce,tee-pubkey},
//                         "tee-evidence":{"primary_evidence":<SNP evidence>,"additional_evidence":""}}
//                        -> {"token":<JWT>}
//   GET  /kbs/v0/resource/<repository>/<type>/<tag>  -> flattened JWE
//   errors: {"type":"https://github.com/confidential-containers/kbs/errors/<Variant>","detail":..}
// Everything parsed here comes from the broker and is checked.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/json/json.h"

namespace bp::kbs {

constexpr const char *kProtocolVersion = "0.4.0";
constexpr const char *kSessionCookie = "kbs-session-id";
constexpr const char *kApiPrefix = "/kbs/v0";

// <repository>/<type>/<tag>, each segment [A-Za-z0-9][A-Za-z0-9._-]* (so no
// "..", no '/', nothing that needs escaping in a URL).
struct ResourcePath {
  std::string repository;
  std::string type;
  std::string tag;

  std::string to_string() const { return repository + "/" + type + "/" + tag; }
};

Result<ResourcePath> make_resource_path(std::string_view repository, std::string_view type,
                                        std::string_view tag);
// "kbs:///<repository>/<type>/<tag>" (an empty authority: the configured broker).
Result<ResourcePath> parse_resource_uri(std::string_view uri);

Result<std::string> auth_request_body();

// The challenge's nonce (non-empty, at most 1024 printable characters). An
// "extra-params" that selects a hash other than sha384 is refused.
Result<std::string> parse_challenge(const Json &challenge);

Result<std::string> attest_request_body(const Json &runtime_data, const Json &primary_evidence);

// The attestation token (a JWT: base64url segments and dots, at most 64 KiB).
Result<SecretBytes> parse_attest_response(const Json &response);

// A broker error body, reduced to printable text for a message: the variant
// from "type" ("AttestationError") and "detail", shortened.
struct BrokerError {
  std::string type;
  std::string detail;
  std::string describe() const;  // "AttestationError: <detail>"
};
BrokerError parse_error_body(ByteView body);

}  // namespace bp::kbs
