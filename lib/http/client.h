// An HTTP/1.1 client on one persistent connection: every request of a boot
// goes over the same (TLS) connection while the server keeps it open. A
// request that finds a kept-alive connection closed by the server before any
// byte of the response is sent again once on a new connection. Whole
// requests end by the caller's deadline, however slowly the server sends.
//
// Errors carry an errno that tells what failed: the connection (ECONNREFUSED,
// ECONNRESET, ETIMEDOUT, EIO, ...: worth a retry), the server's certificate
// (EACCES) or the protocol (EPROTO: a malformed or oversized response).
#pragma once

#include <stdint.h>

#include <memory>
#include <string>

#include "lib/core/result.h"
#include "lib/http/message.h"
#include "lib/net/stream.h"
#include "lib/net/tls.h"

namespace bp {

// Opens a new stream to the server.
class Connector {
 public:
  virtual ~Connector() = default;
  virtual Result<std::unique_ptr<Stream>> connect(Deadline deadline) = 0;
};

class TcpConnector : public Connector {
 public:
  TcpConnector(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}
  Result<std::unique_ptr<Stream>> connect(Deadline deadline) override;

 private:
  std::string host_;
  uint16_t port_;
};

// tls must outlive the connector.
class TlsConnector : public Connector {
 public:
  TlsConnector(std::string host, uint16_t port, TlsClient &tls)
      : host_(std::move(host)), port_(port), tls_(tls) {}
  Result<std::unique_ptr<Stream>> connect(Deadline deadline) override;

 private:
  std::string host_;
  uint16_t port_;
  TlsClient &tls_;
};

struct HttpStats {
  uint32_t connections = 0;  // streams opened (TLS handshakes over https)
  uint32_t round_trips = 0;  // requests that got a complete response
};

class HttpClient {
 public:
  // host: the Host header value (Url::authority()).
  HttpClient(std::unique_ptr<Connector> connector, std::string host, HttpLimits limits = HttpLimits{})
      : connector_(std::move(connector)), host_(std::move(host)), limits_(limits) {}

  Result<HttpClientResponse> send(const HttpClientRequest &request, Deadline deadline);
  // Drops the connection (the next request opens a new one).
  void disconnect() { stream_.reset(); }
  bool connected() const { return stream_ != nullptr; }
  const HttpStats &stats() const { return stats_; }

 private:
  // One request/response on the current stream. `responded` tells whether
  // any byte of a response arrived.
  Result<HttpClientResponse> exchange(ByteView wire, Deadline deadline, bool *responded);

  std::unique_ptr<Connector> connector_;
  std::string host_;
  HttpLimits limits_;
  std::unique_ptr<Stream> stream_;
  HttpStats stats_;
};

}  // namespace bp
