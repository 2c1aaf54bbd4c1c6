#include "lib/http/request_parser.h"

#include <algorithm>

#include "lib/core/format.h"
#include "lib/core/strings.h"

namespace bp {
namespace {

// RFC 9110 section 5.6.2.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool is_token(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

// field-value characters: VCHAR, obs-text, SP and HTAB.
bool is_field_value_char(unsigned char c) { return c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7f); }

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string printable_prefix(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 40)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u >= 0x7f) ? '?' : c;
  }
  if (text.size() > 40) out += "...";
  return out;
}

}  // namespace

HttpRequestParser::State HttpRequestParser::fail(int status, std::string message) {
  state_ = State::failed;
  error_status_ = status;
  error_message_ = std::move(message);
  head_.clear();
  return state_;
}

HttpRequestParser::State HttpRequestParser::feed(ByteView data) {
  if (state_ != State::need_more) return state_;
  if (head_done_) return take_body(data);

  // Append no more than the head may hold; the terminator must arrive within
  // max_head_bytes.
  size_t room = limits_.max_head_bytes - head_.size();
  size_t take = std::min(room, data.size());
  size_t search_from = head_.size() >= 3 ? head_.size() - 3 : 0;
  head_.append(reinterpret_cast<const char *>(data.data()), take);

  size_t end = head_.find("\r\n\r\n", search_from);
  // A bare LF or CR is refused as soon as it arrives, not after waiting for
  // a CRLFCRLF that such a client will never send. Only the head is checked:
  // what follows the blank line in the same chunk is body, which may hold
  // any byte.
  size_t check_end = end == std::string::npos ? head_.size() : end + 4;
  for (size_t i = search_from; i < check_end; ++i) {
    if (head_[i] == '\n' && (i == 0 || head_[i - 1] != '\r'))
      return fail(400, "a line of the request head does not end in CRLF (bare CR or LF)");
    if (head_[i] == '\r' && i + 1 < head_.size() && head_[i + 1] != '\n')
      return fail(400, "a line of the request head does not end in CRLF (bare CR or LF)");
  }
  if (end == std::string::npos) {
    size_t first_line_end = head_.find("\r\n");
    // Without its CRLF yet, a CR at the end may be the first half of it.
    size_t first_line = first_line_end != std::string::npos      ? first_line_end
                        : !head_.empty() && head_.back() == '\r' ? head_.size() - 1
                                                                 : head_.size();
    if (first_line > limits_.max_request_line)
      return fail(414, format("request line longer than %zu bytes", limits_.max_request_line));
    if (head_.size() >= limits_.max_head_bytes)
      return fail(431, format("request head larger than %zu bytes", limits_.max_head_bytes));
    return state_;
  }

  size_t head_end = end + 4;
  // Body bytes: what followed the blank line in this chunk.
  std::string after = head_.substr(head_end);
  head_.resize(end + 2);  // keep the CRLF of the last line
  std::string head = std::move(head_);
  head_.clear();
  if (parse_head(head) == State::failed) return state_;
  head_done_ = true;
  Bytes rest(after.begin(), after.end());
  rest.insert(rest.end(), data.begin() + take, data.end());
  return take_body(rest);
}

HttpRequestParser::State HttpRequestParser::take_body(ByteView data) {
  size_t want = body_expected_ - request_.body.size();
  size_t take = std::min(want, data.size());
  request_.body.insert(request_.body.end(), data.begin(), data.begin() + take);
  if (request_.body.size() == body_expected_) state_ = State::complete;
  return state_;
}

HttpRequestParser::State HttpRequestParser::parse_head(std::string_view head) {
  // Every line ends in CRLF; a CR or LF anywhere else is an error.
  size_t line_start = 0;
  bool first = true;
  size_t header_count = 0;
  while (line_start < head.size()) {
    size_t cr = head.find('\r', line_start);
    size_t lf = head.find('\n', line_start);
    if (cr == std::string_view::npos || lf != cr + 1)
      return fail(400, "a line of the request head does not end in CRLF (bare CR or LF)");
    std::string_view line = head.substr(line_start, cr - line_start);
    line_start = lf + 1;
    if (first) {
      if (parse_request_line(line) == State::failed) return state_;
      first = false;
      continue;
    }
    if (++header_count > limits_.max_header_count)
      return fail(431, format("more than %zu header fields", limits_.max_header_count));
    if (parse_header_line(line) == State::failed) return state_;
  }
  return check_framing();
}

HttpRequestParser::State HttpRequestParser::parse_request_line(std::string_view line) {
  if (line.size() > limits_.max_request_line)
    return fail(414, format("request line longer than %zu bytes", limits_.max_request_line));
  if (line.empty()) return fail(400, "empty request line");
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return fail(400, format("malformed request line '%s': expected 'METHOD /target HTTP/1.1'",
                            printable_prefix(line).c_str()));
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);

  if (!is_token(method)) return fail(400, format("malformed method '%s'", printable_prefix(method).c_str()));
  if (target.empty() || target.front() != '/')
    return fail(400, format("request target '%s' is not an absolute path", printable_prefix(target).c_str()));
  for (char c : target) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f)
      return fail(400, format("request target contains byte 0x%02x", static_cast<unsigned>(u)));
  }
  if (version.size() != 8 || !starts_with(version, "HTTP/") || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9')
    return fail(400, format("malformed protocol version '%s'", printable_prefix(version).c_str()));
  if (version[5] != '1')
    return fail(505, format("HTTP version %c.%c is not supported", version[5], version[7]));

  request_.method = std::string(method);
  request_.target = std::string(target);
  size_t question = target.find('?');
  request_.path = std::string(target.substr(0, question));
  request_.query =
      question == std::string_view::npos ? std::string() : std::string(target.substr(question + 1));
  request_.minor_version = version[7] - '0';
  return state_;
}

HttpRequestParser::State HttpRequestParser::parse_header_line(std::string_view line) {
  if (line.empty()) return fail(400, "empty header line");
  if (line.front() == ' ' || line.front() == '\t') return fail(400, "obsolete line folding in the header");
  size_t colon = line.find(':');
  if (colon == std::string_view::npos)
    return fail(400, format("header line '%s' has no colon", printable_prefix(line).c_str()));
  std::string_view name = line.substr(0, colon);
  if (!is_token(name)) return fail(400, format("malformed header name '%s'", printable_prefix(name).c_str()));
  std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    if (!is_field_value_char(static_cast<unsigned char>(c)))
      return fail(400, format("header '%s' contains byte 0x%02x", printable_prefix(name).c_str(),
                              static_cast<unsigned>(static_cast<unsigned char>(c))));
  }
  request_.headers.push_back(HttpHeader{to_lower(name), std::string(value)});
  return state_;
}

HttpRequestParser::State HttpRequestParser::check_framing() {
  size_t hosts = 0;
  const std::string *content_length = nullptr;
  for (const HttpHeader &h : request_.headers) {
    if (h.name == "host") ++hosts;
    if (h.name == "transfer-encoding") return fail(501, "Transfer-Encoding is not supported");
    if (h.name == "content-length") {
      if (content_length && *content_length != h.value)
        return fail(400, "conflicting Content-Length headers");
      content_length = &h.value;
    }
  }
  if (hosts > 1) return fail(400, "more than one Host header");
  if (hosts == 0 && request_.minor_version >= 1) return fail(400, "HTTP/1.1 request without a Host header");
  if (content_length) {
    auto length = parse_u64(*content_length);
    if (!length.ok()) return fail(400, "malformed Content-Length: " + length.error().message());
    if (length.value() > limits_.max_body_bytes)
      return fail(413, format("request body of %llu bytes exceeds the limit of %zu",
                              static_cast<unsigned long long>(length.value()), limits_.max_body_bytes));
    body_expected_ = static_cast<size_t>(length.value());
  }
  return state_;
}

}  // namespace bp
