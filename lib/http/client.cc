#include "lib/http/client.h"

#include <errno.h>

#include "lib/http/request_writer.h"
#include "lib/http/response_parser.h"
#include "lib/net/tcp.h"

namespace bp {

namespace {

constexpr size_t kReadChunk = size_t{16} * 1024;

// A connection-level failure keeps its errno; anything without one is EIO.
Error as_connection_error(Error e) {
  if (e.errno_value() != 0) return e;
  return Error(e.message(), EIO);
}

}  // namespace

Result<std::unique_ptr<Stream>> TcpConnector::connect(Deadline deadline) {
  UniqueFd fd = TRY(tcp_connect(host_, port_, deadline));
  return std::unique_ptr<Stream>(std::make_unique<TcpStream>(std::move(fd)));
}

Result<std::unique_ptr<Stream>> TlsConnector::connect(Deadline deadline) {
  UniqueFd fd = TRY(tcp_connect(host_, port_, deadline));
  return tls_.connect(std::move(fd), host_, deadline);
}

Result<HttpClientResponse> HttpClient::send(const HttpClientRequest &request, Deadline deadline) {
  Bytes wire = TRY(serialize_request(request, host_));
  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    if (!stream_) {
      ++stats_.connections;
      Result<std::unique_ptr<Stream>> opened = connector_->connect(deadline);
      if (!opened.ok()) return as_connection_error(opened.release_error());
      stream_ = opened.release_value();
      fresh = true;
    }
    bool responded = false;
    Result<HttpClientResponse> response = exchange(wire, deadline, &responded);
    if (response.ok()) {
      ++stats_.round_trips;
      if (!response.value().keep_alive) stream_.reset();
      return response;
    }
    stream_.reset();
    // A kept-alive connection the server had already closed: the request
    // never reached it, so sending it again on a new connection is safe.
    if (!fresh && !responded && attempt == 0 && !deadline.expired() &&
        response.error().errno_value() != EPROTO) {
      continue;
    }
    return response;
  }
}

Result<HttpClientResponse> HttpClient::exchange(ByteView wire, Deadline deadline, bool *responded) {
  Status sent = stream_->write_all(wire, deadline);
  if (!sent.ok()) return as_connection_error(sent.release_error());
  HttpResponseParser parser(limits_);
  Bytes buffer(kReadChunk);
  for (;;) {
    Result<size_t> n = stream_->read_some(buffer.data(), buffer.size(), deadline);
    if (!n.ok()) return as_connection_error(n.release_error());
    if (n.value() == 0) {
      Status end = parser.end_of_stream();
      *responded = parser.started();
      if (!end.ok()) return Error(end.error().message(), parser.started() ? EPROTO : ECONNRESET);
      break;
    }
    *responded = true;
    Result<size_t> used = parser.feed(ByteView(buffer.data(), n.value()));
    if (!used.ok()) return Error(used.error().message(), EPROTO);
    if (parser.complete()) {
      HttpClientResponse response = parser.take();
      // Bytes after the response were never asked for: do not trust the
      // connection with the next request.
      if (used.value() < n.value()) response.keep_alive = false;
      return response;
    }
  }
  return parser.take();
}

}  // namespace bp
