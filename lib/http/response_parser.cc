#include "lib/http/response_parser.h"

#include <string.h>

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {

namespace {

constexpr int kMaxInterimResponses = 8;

// RFC 9110 section 5.6.2 tchar.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

// Field values and reason phrases: visible ASCII, SP, HT and obs-text; no
// other control characters.
bool is_field_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether a comma-separated header value lists the token (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  for (std::string_view part : split(value, ',')) {
    if (to_lower(trim_ows(part)) == token) return true;
  }
  return false;
}

}  // namespace

Error HttpResponseParser::fail(const std::string &message) {
  state_ = State::failed;
  return Error("HTTP response: " + message);
}

Result<size_t> HttpResponseParser::feed(ByteView data) {
  if (state_ == State::failed) return Error("HTTP response: parser already failed");
  size_t used = 0;
  if (!data.empty()) started_ = true;
  while (used < data.size() && state_ != State::done) {
    const uint8_t *p = data.data() + used;
    size_t available = data.size() - used;
    switch (state_) {
      case State::body_length:
      case State::chunk_data:
      case State::body_until_close: {
        size_t n = available;
        if (state_ != State::body_until_close && remaining_ < n) n = static_cast<size_t>(remaining_);
        if (state_ == State::body_until_close && response_.body.size() + n > limits_.max_body) {
          return fail(format("body is larger than the limit of %zu bytes", limits_.max_body));
        }
        response_.body.insert(response_.body.end(), p, p + n);
        used += n;
        if (state_ != State::body_until_close) {
          remaining_ -= n;
          if (remaining_ == 0) state_ = state_ == State::chunk_data ? State::chunk_data_end : State::done;
        }
        break;
      }
      case State::done:
      case State::failed:
        break;
      default: {
        // A line state: collect up to LF; the line must end in CRLF.
        const uint8_t *lf = static_cast<const uint8_t *>(memchr(p, '\n', available));
        size_t n = lf != nullptr ? static_cast<size_t>(lf - p) : available;
        if (line_.size() + n > limits_.max_line) {
          return fail(format("a line is longer than the limit of %zu bytes", limits_.max_line));
        }
        line_.append(reinterpret_cast<const char *>(p), n);
        used += n;
        if (lf == nullptr) break;
        used += 1;  // the LF
        if (line_.empty() || line_.back() != '\r') return fail("a line ends in LF without CR");
        line_.pop_back();
        if (line_.find('\r') != std::string::npos) return fail("a bare CR inside a line");
        std::string line = std::move(line_);
        line_.clear();
        TRY(on_line(line));
        break;
      }
    }
  }
  return used;
}

Status HttpResponseParser::on_line(std::string_view line) {
  switch (state_) {
    case State::status_line:
      return on_status_line(line);
    case State::header_line:
      if (line.empty()) return on_headers_complete();
      return on_field_line(line, false);
    case State::chunk_size:
      return on_chunk_size_line(line);
    case State::chunk_data_end:
      if (!line.empty()) return fail("chunk data is longer than its size");
      state_ = State::chunk_size;
      return {};
    case State::trailer_line:
      if (line.empty()) {
        state_ = State::done;
        return {};
      }
      return on_field_line(line, true);
    default:
      return fail("internal parser state");
  }
}

Status HttpResponseParser::on_status_line(std::string_view line) {
  // HTTP-version SP 3DIGIT SP [reason-phrase]
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') ||
      line[8] != ' ' || !(line[9] >= '1' && line[9] <= '5') || !(line[10] >= '0' && line[10] <= '9') ||
      !(line[11] >= '0' && line[11] <= '9') || (line.size() > 12 && line[12] != ' ')) {
    std::string shown(line.substr(0, 40));
    for (char &c : shown) {
      if (!is_field_char(c) || c == '\t') c = '?';
    }
    return fail("malformed status line '" + shown + "'");
  }
  std::string_view reason = line.size() > 13 ? line.substr(13) : std::string_view();
  for (char c : reason) {
    if (!is_field_char(c)) return fail("control character in the reason phrase");
  }
  response_.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  response_.reason = std::string(reason);
  response_.keep_alive = line[7] == '1';
  state_ = State::header_line;
  return {};
}

Status HttpResponseParser::on_field_line(std::string_view line, bool trailer) {
  if (is_ows(line[0])) return fail("obsolete line folding in a header");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return fail("a header line without a name and ':'");
  std::string_view name = line.substr(0, colon);
  for (char c : name) {
    if (!is_tchar(c)) return fail("invalid character in a header name (or whitespace before ':')");
  }
  std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    if (!is_field_char(c)) return fail("control character in a header value");
  }
  if (++header_count_ > limits_.max_headers) {
    return fail(format("more than %zu header fields", limits_.max_headers));
  }
  header_bytes_ += line.size() + 2;
  if (header_bytes_ > limits_.max_header_bytes) {
    return fail(format("header fields exceed the limit of %zu bytes", limits_.max_header_bytes));
  }
  if (trailer) return {};  // trailers carry nothing the client uses
  response_.headers.push_back({to_lower(name), std::string(value)});
  return {};
}

Status HttpResponseParser::on_headers_complete() {
  int status = response_.status;
  if (status >= 100 && status < 200) {
    if (status == 101) return fail("unexpected 101 Switching Protocols");
    if (++interim_responses_ > kMaxInterimResponses) return fail("too many interim (1xx) responses");
    response_ = HttpClientResponse{};
    state_ = State::status_line;
    return {};
  }
  for (const std::string &v : response_.headers_named("connection")) {
    if (has_token(v, "close")) response_.keep_alive = false;
    if (has_token(v, "keep-alive") && !has_token(v, "close")) response_.keep_alive = true;
  }
  std::vector<std::string> te = response_.headers_named("transfer-encoding");
  std::vector<std::string> cl = response_.headers_named("content-length");
  if (status == 204 || status == 304) {
    state_ = State::done;
    return {};
  }
  if (!te.empty()) {
    if (!cl.empty()) return fail("both Transfer-Encoding and Content-Length");
    if (te.size() != 1 || to_lower(te[0]) != "chunked") {
      return fail("unsupported Transfer-Encoding (only 'chunked')");
    }
    state_ = State::chunk_size;
    return {};
  }
  if (!cl.empty()) {
    for (const std::string &v : cl) {
      if (v != cl[0]) return fail("conflicting Content-Length values");
    }
    Result<uint64_t> length = parse_u64(cl[0]);
    if (!length.ok()) return fail("invalid Content-Length");
    if (length.value() > limits_.max_body) {
      return fail(format("Content-Length %llu is larger than the limit of %zu bytes",
                         static_cast<unsigned long long>(length.value()), limits_.max_body));
    }
    remaining_ = length.value();
    response_.body.reserve(static_cast<size_t>(remaining_));
    state_ = remaining_ == 0 ? State::done : State::body_length;
    return {};
  }
  // No framing: the body runs until the server closes the connection.
  response_.keep_alive = false;
  state_ = State::body_until_close;
  return {};
}

Status HttpResponseParser::on_chunk_size_line(std::string_view line) {
  // chunk-size [ BWS ";" chunk-ext ]
  uint64_t size = 0;
  size_t i = 0;
  for (; i < line.size() && hex_value(line[i]) >= 0; ++i) {
    if (size > (UINT64_MAX >> 4)) return fail("chunk size overflows");
    size = size << 4 | static_cast<uint64_t>(hex_value(line[i]));
  }
  if (i == 0) return fail("malformed chunk size line");
  while (i < line.size() && is_ows(line[i])) ++i;
  if (i < line.size()) {
    if (line[i] != ';') return fail("malformed chunk size line");
    for (; i < line.size(); ++i) {
      if (!is_field_char(line[i])) return fail("control character in a chunk extension");
    }
  }
  if (size == 0) {
    state_ = State::trailer_line;
    return {};
  }
  if (size > limits_.max_body - response_.body.size()) {
    return fail(format("chunked body is larger than the limit of %zu bytes", limits_.max_body));
  }
  remaining_ = size;
  state_ = State::chunk_data;
  return {};
}

Status HttpResponseParser::end_of_stream() {
  switch (state_) {
    case State::done:
      return {};
    case State::body_until_close:
      state_ = State::done;
      return {};
    case State::failed:
      return Error("HTTP response: parser already failed");
    case State::status_line:
      if (!started_) return fail("the server closed the connection without responding");
      return fail("the connection closed inside the status line");
    case State::body_length:
      return fail(format("the connection closed with %llu bytes of the body missing",
                         static_cast<unsigned long long>(remaining_)));
    default:
      return fail("the connection closed before the response was complete");
  }
}

}  // namespace bp
