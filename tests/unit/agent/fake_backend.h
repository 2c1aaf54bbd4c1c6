// An AgentBackend for tests: resources from a map, evidence that records
// the report_data it was asked for, a fixed token; counts every call.
#pragma once

#include <atomic>
#include <map>
#include <string>

#include "agent/agent_backend.h"
#include "lib/core/encoding.h"

namespace test {

class FakeBackend : public bp::AgentBackend {
 public:
  std::map<std::string, std::string> resources;  // "repo/type/tag" -> plaintext
  std::string token = "eyJhbGciOiJFUzI1NiJ9.e30.sig";
  std::string key_pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEA\"\\x\n-----END PRIVATE KEY-----\n";
  bool fail = false;
  std::atomic<int> calls{0};
  std::string last_report_data_hex;

  bp::Result<bp::SecretBytes> get_resource(const bp::ResourcePath &path) override {
    ++calls;
    if (fail) return bp::Error("broker unreachable");
    auto it = resources.find(path.path());
    if (it == resources.end()) return bp::Error(path.uri() + " not found");
    return bp::SecretBytes::copy_of(bp::ByteView::of_string(it->second));
  }
  bp::Result<std::string> get_evidence(bp::ByteView report_data) override {
    ++calls;
    if (fail) return bp::Error("no provider");
    last_report_data_hex = bp::hex_encode(report_data);
    return std::string("{\"report_data\":\"") + last_report_data_hex + "\"}";
  }
  bp::Result<bp::KbsToken> get_token() override {
    ++calls;
    if (fail) return bp::Error("attestation failed");
    bp::KbsToken t;
    t.token = token;
    t.tee_keypair_pem = bp::SecretBytes::copy_of(bp::ByteView::of_string(key_pem)).release_value();
    return t;
  }
};

}  // namespace test
