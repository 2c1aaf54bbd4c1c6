#include "lib/net/tls.h"

#include <errno.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/x509_crt.h>
#include <poll.h>

#include "lib/core/format.h"
#include "lib/crypto/pem.h"
#include "lib/crypto/x509.h"
#include "lib/net/tcp.h"
#include "lib/net/tls_names.h"

namespace bp {

namespace {

// ECDHE (forward secrecy) with AEAD ciphers only.
const int kCipherSuites[] = {
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    0,
};

// errno tells the caller's retry logic what kind of failure this was: EIO
// for the connection (worth retrying), EPROTO for TLS itself (not).
Error tls_error(const std::string &what, int code) {
  char text[160];
  mbedtls_strerror(code, text, sizeof text);
  bool connection = code == MBEDTLS_ERR_NET_SEND_FAILED || code == MBEDTLS_ERR_NET_RECV_FAILED ||
                    code == MBEDTLS_ERR_SSL_CONN_EOF || code == MBEDTLS_ERR_NET_CONN_RESET;
  return Error(format("%s: %s (-0x%04x)", what.c_str(), text, static_cast<unsigned>(-code)),
               connection ? EIO : EPROTO);
}

int bio_send(void *context, const unsigned char *data, size_t size) {
  int fd = *static_cast<int *>(context);
  bool would_block;
  Result<size_t> n = socket_send(fd, data, size, &would_block);
  if (!n.ok()) return MBEDTLS_ERR_NET_SEND_FAILED;
  if (would_block) return MBEDTLS_ERR_SSL_WANT_WRITE;
  return static_cast<int>(n.value());
}

int bio_recv(void *context, unsigned char *out, size_t size) {
  int fd = *static_cast<int *>(context);
  bool would_block;
  Result<size_t> n = socket_recv(fd, out, size, &would_block);
  if (!n.ok()) return MBEDTLS_ERR_NET_RECV_FAILED;
  if (would_block) return MBEDTLS_ERR_SSL_WANT_READ;
  return static_cast<int>(n.value());
}

class TlsStream : public Stream {
 public:
  TlsStream(UniqueFd fd, mbedtls_ssl_config *config) : fd_(std::move(fd)), fd_value_(fd_.get()) {
    mbedtls_ssl_init(&ssl_);
    setup_ = mbedtls_ssl_setup(&ssl_, config);
    mbedtls_ssl_set_bio(&ssl_, &fd_value_, bio_send, bio_recv, nullptr);
  }
  ~TlsStream() override {
    if (handshake_done_) mbedtls_ssl_close_notify(&ssl_);  // best effort, never blocks
    mbedtls_ssl_free(&ssl_);
  }
  TlsStream(const TlsStream &) = delete;
  TlsStream &operator=(const TlsStream &) = delete;

  Status handshake(const std::string &host, Deadline deadline);
  Result<size_t> read_some(uint8_t *out, size_t size, Deadline deadline) override;
  Status write_all(ByteView data, Deadline deadline) override;

 private:
  // After WANT_READ/WANT_WRITE: wait for the socket, or time out.
  Status wait(int code, Deadline deadline, const char *what) {
    return wait_for_fd(fd_.get(), code == MBEDTLS_ERR_SSL_WANT_WRITE ? POLLOUT : POLLIN, deadline, what);
  }
  Status check_ip_name(ByteView ip);

  UniqueFd fd_;
  int fd_value_;
  mbedtls_ssl_context ssl_;
  int setup_ = 0;
  bool handshake_done_ = false;
};

Status TlsStream::handshake(const std::string &host, Deadline deadline) {
  if (setup_ != 0) return tls_error("TLS setup", setup_);
  std::optional<Bytes> ip = ip_literal_bytes(host);
  if (!ip) {
    int rc = mbedtls_ssl_set_hostname(&ssl_, host.c_str());
    if (rc != 0) return tls_error("TLS server name " + host, rc);
  }
  for (;;) {
    int rc = mbedtls_ssl_handshake(&ssl_);
    if (rc == 0) break;
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
      TRY(wait(rc, deadline, "in the TLS handshake"));
      continue;
    }
    uint32_t flags = mbedtls_ssl_get_verify_result(&ssl_);
    if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED && flags != 0 && flags != static_cast<uint32_t>(-1)) {
      char info[512];
      mbedtls_x509_crt_verify_info(info, sizeof info, "", flags);
      std::string text(info);
      for (char &c : text) {
        if (c == '\n') c = ';';
      }
      while (!text.empty() && text.back() == ';') text.pop_back();
      return Error(format("TLS: the certificate of %s is not accepted: %s", host.c_str(), text.c_str()),
                   EACCES);
    }
    return tls_error("TLS handshake with " + host, rc);
  }
  handshake_done_ = true;
  if (ip) TRY(check_ip_name(*ip));
  return {};
}

Status TlsStream::check_ip_name(ByteView ip) {
  const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&ssl_);
  if (peer == nullptr) return Error("TLS: the server sent no certificate", EACCES);
  Result<Certificate> cert = Certificate::parse_der(ByteView(peer->raw.p, peer->raw.len));
  if (!cert.ok()) return Error("TLS server certificate: " + cert.error().message(), EACCES);
  Result<ByteView> san = cert.value().extension("2.5.29.17");
  if (!san.ok()) return Error("TLS: the server certificate has no subjectAltName for its IP address", EACCES);
  Result<bool> found = subject_alt_names_contain_ip(san.value(), ip);
  if (!found.ok()) return Error("TLS server certificate: " + found.error().message(), EACCES);
  if (!found.value())
    return Error("TLS: the server certificate does not name the server's IP address", EACCES);
  return {};
}

Result<size_t> TlsStream::read_some(uint8_t *out, size_t size, Deadline deadline) {
  for (;;) {
    int rc = mbedtls_ssl_read(&ssl_, out, size);
    if (rc > 0) return static_cast<size_t>(rc);
    // The HTTP framing tells a truncated response from a complete one.
    if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_SSL_CONN_EOF)
      return size_t{0};
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
      TRY(wait(rc, deadline, "waiting for data from the server"));
      continue;
    }
    return tls_error("TLS read", rc);
  }
}

Status TlsStream::write_all(ByteView data, Deadline deadline) {
  size_t done = 0;
  while (done < data.size()) {
    int rc = mbedtls_ssl_write(&ssl_, data.data() + done, data.size() - done);
    if (rc > 0) {
      done += static_cast<size_t>(rc);
      continue;
    }
    if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE) {
      TRY(wait(rc, deadline, "sending to the server"));
      continue;
    }
    return tls_error("TLS write", rc);
  }
  return {};
}

}  // namespace

struct TlsClient::State {
  mbedtls_ssl_config config;
  mbedtls_x509_crt ca;
  State() {
    mbedtls_ssl_config_init(&config);
    mbedtls_x509_crt_init(&ca);
  }
  ~State() {
    mbedtls_ssl_config_free(&config);
    mbedtls_x509_crt_free(&ca);
  }
  State(const State &) = delete;
  State &operator=(const State &) = delete;
};

TlsClient::TlsClient(std::unique_ptr<State> state) : state_(std::move(state)) {}
TlsClient::~TlsClient() = default;

Result<std::unique_ptr<TlsClient>> TlsClient::create(std::string_view ca_pem, Random &random) {
  auto state = std::make_unique<State>();
  std::vector<Bytes> certs = TRY_CONTEXT(pem_decode_certificates(ca_pem), "TLS CA certificates");
  for (const Bytes &der : certs) {
    int rc = mbedtls_x509_crt_parse_der(&state->ca, der.data(), der.size());
    if (rc != 0) return tls_error("TLS CA certificate", rc);
  }
  int rc = mbedtls_ssl_config_defaults(&state->config, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                       MBEDTLS_SSL_PRESET_DEFAULT);
  if (rc != 0) return tls_error("TLS configuration", rc);
  mbedtls_ssl_conf_authmode(&state->config, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(&state->config, &state->ca, nullptr);
  mbedtls_ssl_conf_rng(&state->config, Random::generate, &random);
  mbedtls_ssl_conf_min_version(&state->config, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_ciphersuites(&state->config, kCipherSuites);
  mbedtls_ssl_conf_renegotiation(&state->config, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
  return std::unique_ptr<TlsClient>(new TlsClient(std::move(state)));
}

Result<std::unique_ptr<Stream>> TlsClient::connect(UniqueFd tcp, const std::string &host, Deadline deadline) {
  auto stream = std::make_unique<TlsStream>(std::move(tcp), &state_->config);
  ++handshakes_;
  TRY(stream->handshake(host, deadline));
  return std::unique_ptr<Stream>(std::move(stream));
}

}  // namespace bp
