// TLS 1.2 client connections over mbedtls 2.28: the server's certificate
// must chain to the configured CA(s) and name the host (DNS name through
// mbedtls, IP address through our subjectAltName check). Only ECDHE key
// exchange with AEAD ciphers. Every handshake, read and write ends by a
// deadline; a TlsClient counts its handshakes (the benchmark's figure).
#pragma once

#include <stdint.h>

#include <memory>
#include <string>
#include <string_view>

#include "lib/core/unique_fd.h"
#include "lib/crypto/random.h"
#include "lib/net/stream.h"

namespace bp {

class TlsClient {
 public:
  // ca_pem: one or more PEM certificates. random must outlive the client,
  // and the client every stream it makes.
  static Result<std::unique_ptr<TlsClient>> create(std::string_view ca_pem, Random &random);
  ~TlsClient();
  TlsClient(const TlsClient &) = delete;
  TlsClient &operator=(const TlsClient &) = delete;

  // Runs the handshake on a connected (non-blocking) TCP socket and checks
  // the server's certificate for `host` (a DNS name or an IP literal).
  Result<std::unique_ptr<Stream>> connect(UniqueFd tcp, const std::string &host, Deadline deadline);

  uint32_t handshakes() const { return handshakes_; }

 private:
  struct State;
  explicit TlsClient(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
  uint32_t handshakes_ = 0;
};

}  // namespace bp
