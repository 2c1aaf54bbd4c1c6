// Query strings as application/x-www-form-urlencoded, and socket addresses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "lib/http/query.h"
#include "lib/net/socket_address.h"
#include "tests/unit/test_support.h"

namespace {

void test_percent_decode(void **) {
  assert_string_equal(ASSERT_OK(bp::percent_decode("a%20b+c%2Fd", true)).c_str(), "a b c/d");
  assert_string_equal(ASSERT_OK(bp::percent_decode("a+b", false)).c_str(), "a+b");
  assert_string_equal(ASSERT_OK(bp::percent_decode("%e2%82%AC", true)).c_str(), "\xe2\x82\xac");
  std::string nul = ASSERT_OK(bp::percent_decode("x%00y", true));
  assert_int_equal(nul.size(), 3);
  ASSERT_ERROR_CONTAINS(bp::percent_decode("abc%", true), "offset 3");
  ASSERT_ERROR_CONTAINS(bp::percent_decode("abc%4", true), "offset 3");
  ASSERT_ERROR_CONTAINS(bp::percent_decode("%zz", true), "offset 0");
  ASSERT_ERROR_CONTAINS(bp::percent_decode("%4g", true), "offset 0");
}

void test_parse_query(void **) {
  bp::QueryParameters p = ASSERT_OK(bp::parse_query("runtime_data=hello+world&encoding=base64&flag&&empty="));
  assert_int_equal(p.size(), 4);
  assert_string_equal(bp::find_parameter(p, "runtime_data")->c_str(), "hello world");
  assert_string_equal(bp::find_parameter(p, "encoding")->c_str(), "base64");
  assert_string_equal(bp::find_parameter(p, "flag")->c_str(), "");
  assert_string_equal(bp::find_parameter(p, "empty")->c_str(), "");
  assert_null(bp::find_parameter(p, "missing"));
  assert_int_equal(ASSERT_OK(bp::parse_query("")).size(), 0);
  // a=b=c: the value is everything after the first '='.
  p = ASSERT_OK(bp::parse_query("a=b=c"));
  assert_string_equal(bp::find_parameter(p, "a")->c_str(), "b=c");
  ASSERT_ERROR_CONTAINS(bp::parse_query("a=1&a=2"), "'a' is given more than once");
  ASSERT_ERROR_CONTAINS(bp::parse_query("a%=1"), "query parameter name");
  ASSERT_ERROR_CONTAINS(bp::parse_query("a=%G1"), "query parameter 'a'");
}

bp::SocketAddress ipv6(const char *text) {
  bp::SocketAddress address;
  auto *in6 = reinterpret_cast<sockaddr_in6 *>(&address.storage);
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(8006);
  assert_int_equal(inet_pton(AF_INET6, text, &in6->sin6_addr), 1);
  address.length = sizeof(sockaddr_in6);
  return address;
}

void test_loopback_addresses(void **) {
  assert_true(bp::SocketAddress::ipv4_loopback(8006).is_loopback());
  assert_true(bp::SocketAddress::ipv4(0x7f0000fe, 1).is_loopback());   // 127.0.0.254
  assert_true(bp::SocketAddress::ipv4(0x7fffffff, 1).is_loopback());   // 127.255.255.255
  assert_false(bp::SocketAddress::ipv4(0x0a00020f, 1).is_loopback());  // 10.0.2.15
  assert_false(bp::SocketAddress::ipv4(0x80000001, 1).is_loopback());  // 128.0.0.1
  assert_false(bp::SocketAddress::ipv4(0, 1).is_loopback());           // 0.0.0.0
  assert_true(ipv6("::1").is_loopback());
  assert_true(ipv6("::ffff:127.0.0.1").is_loopback());
  assert_false(ipv6("::ffff:10.0.0.1").is_loopback());
  assert_false(ipv6("::2").is_loopback());
  assert_false(ipv6("fe80::1").is_loopback());
  bp::SocketAddress unix_address;
  unix_address.storage.ss_family = AF_UNIX;
  unix_address.length = sizeof(sa_family_t);
  assert_false(unix_address.is_loopback());
  // A truncated IPv4 address is not trusted as loopback.
  bp::SocketAddress truncated = bp::SocketAddress::ipv4_loopback(1);
  truncated.length = 4;
  assert_false(truncated.is_loopback());
  assert_string_equal(bp::SocketAddress::ipv4_loopback(8006).to_string().c_str(), "127.0.0.1:8006");
  assert_string_equal(ipv6("::1").to_string().c_str(), "[::1]:8006");
}

void test_parse_endpoint(void **) {
  bp::SocketAddress a = ASSERT_OK(bp::parse_ipv4_endpoint("1024", 0));
  assert_string_equal(a.to_string().c_str(), "0.0.0.0:1024");
  a = ASSERT_OK(bp::parse_ipv4_endpoint("10.0.2.15:99", 0));
  assert_string_equal(a.to_string().c_str(), "10.0.2.15:99");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4_endpoint("65536", 0), "port number");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4_endpoint("x", 0), "port number");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4_endpoint("1.2.3:4", 0), "IPv4 address");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4_endpoint("1.2.3.4:", 0), "port number");
}

}  // namespace

RUN_TESTS("http_query", cmocka_unit_test(test_percent_decode), cmocka_unit_test(test_parse_query),
          cmocka_unit_test(test_loopback_addresses), cmocka_unit_test(test_parse_endpoint))
