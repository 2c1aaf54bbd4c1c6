// The workload API, compatible with Confidential Containers' api-server-rest
// (guest-components/api-server-rest) so that a workload written for CoCo runs
// unchanged:
//
//   GET /cdh/resource/<repository>/<type>/<tag>
//       200 application/octet-stream: the resource's plaintext
//   GET /aa/evidence?runtime_data=<text>[&encoding=base64]
//       200 application/octet-stream: SNP evidence JSON whose report_data is
//       the runtime data (raw bytes, or URL-safe base64 decoded), at most 64
//       bytes, zero-padded to 64: exactly as CoCo's attestation agent binds it
//   GET /aa/token?token_type=kbs
//       200 application/octet-stream: {"token": "...", "tee_keypair": "<PEM>"}
//   GET /info
//       200 application/json: {"version", "tee", "feature"}
//
// Errors: 400 bad parameters or resource path, 403 a peer that is not
// loopback or a boot-only resource (disk keys are never served), 404 unknown
// URL or a feature that is off, 405 a method other than GET, 500 the
// backend failed (with its message).
#pragma once

#include <string_view>
#include <vector>

#include "agent/agent_backend.h"
#include "lib/core/log.h"
#include "lib/http/request.h"
#include "lib/http/response.h"
#include "lib/net/socket_address.h"

namespace bp {

// Which routes are on. "/aa/token" hands the workload a token and its key:
// with it the workload can ask the broker for anything the broker's policy
// releases to this image, boot-only resources included. Images that rely on
// boot-only being absolute leave "token" off.
struct WorkloadApiFeatures {
  bool resource = true;
  bool evidence = true;
  bool token = true;
};

// "all", or a comma-separated list of "resource", "evidence", "token".
Result<WorkloadApiFeatures> parse_workload_api_features(std::string_view text);
std::string workload_api_features_text(const WorkloadApiFeatures &features);

constexpr size_t kMaxRuntimeData = 64;

class WorkloadApi {
 public:
  WorkloadApi(AgentBackend &backend, std::vector<ResourcePath> boot_only, WorkloadApiFeatures features,
              Log log)
      : backend_(backend), boot_only_(std::move(boot_only)), features_(features), log_(std::move(log)) {}

  // Thread-safe when the backend is.
  HttpReply handle(const ParsedHttpRequest &request, const SocketAddress &peer) const;

 private:
  HttpReply resource(std::string_view path_text) const;
  HttpReply evidence(const ParsedHttpRequest &request) const;
  HttpReply token(const ParsedHttpRequest &request) const;
  HttpReply info() const;

  AgentBackend &backend_;
  const std::vector<ResourcePath> boot_only_;
  const WorkloadApiFeatures features_;
  const Log log_;
};

// {"token": ..., "tee_keypair": ...} written straight into locked memory.
Result<SecretBytes> token_response_json(const KbsToken &token);

}  // namespace bp
