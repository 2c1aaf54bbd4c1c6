#include "lib/http/response.h"

#include "lib/core/format.h"

namespace bp {

HttpReply HttpReply::text(int status, std::string body) {
  HttpReply response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(body);
  return response;
}

const char *http_reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string http_response_head(const HttpReply &response) {
  std::string head = format("HTTP/1.1 %d %s\r\n", response.status, http_reason_phrase(response.status));
  if (!response.content_type.empty()) head += "Content-Type: " + response.content_type + "\r\n";
  for (const HttpHeader &h : response.headers) head += h.name + ": " + h.value + "\r\n";
  head += format("Content-Length: %zu\r\nConnection: close\r\n\r\n", response.body_view().size());
  return head;
}

}  // namespace bp
