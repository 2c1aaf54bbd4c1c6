// Address parsing, and the static configuration applied for real to the
// loopback interface of a private network namespace (as root).
#include <sched.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/network.h"
#include "lib/core/file_io.h"
#include "tests/unit/test_support.h"

namespace {

void test_parse_addresses(void **) {
  assert_int_equal(ASSERT_OK(bp::parse_ipv4("10.0.2.15")), 0x0a00020f);
  assert_int_equal(ASSERT_OK(bp::parse_ipv4("255.255.255.255")), 0xffffffff);
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4("10.0.2"), "not an IPv4 address");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4("10.0.2.256"), "not an IPv4 address");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4("10.0.02.1"), "not an IPv4 address");  // no octal ambiguity
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4("10.0..1"), "not an IPv4 address");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4("a.b.c.d"), "not an IPv4 address");
  bp::Ipv4Cidr cidr = ASSERT_OK(bp::parse_ipv4_cidr("10.0.2.15/24"));
  assert_int_equal(cidr.address, 0x0a00020f);
  assert_int_equal(cidr.prefix_length, 24);
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4_cidr("10.0.2.15"), "no prefix length");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4_cidr("10.0.2.15/33"), "invalid prefix length");
  ASSERT_ERROR_CONTAINS(bp::parse_ipv4_cidr("10.0.2.15/"), "invalid prefix length");
  assert_string_equal(bp::format_ipv4(0x0a000264).c_str(), "10.0.2.100");
}

int configure_in_namespace() {
  if (unshare(CLONE_NEWNET) != 0) return 10;
  bp::Log log("test", bp::Log::Sinks{-1, -1, bp::LogLevel::info});
  bp::NetworkConfig config;
  config.mode = bp::NetworkConfig::Mode::static_address;
  config.interface = "lo";
  config.address = bp::parse_ipv4_cidr("127.0.0.5/8").release_value();
  config.gateway = bp::parse_ipv4("127.0.0.1").release_value();
  auto status = bp::run_network_stage(config, log);
  if (!status.ok()) {
    fprintf(stderr, "network: %s\n", status.error().message().c_str());
    return 11;
  }
  // The kernel now reports our address, and the default route via the gateway.
  auto routes = bp::read_text_file("/proc/net/route", 1 << 16);
  if (!routes.ok() || routes.value().find("lo\t00000000\t0100007F") == std::string::npos) return 12;
  config.mode = bp::NetworkConfig::Mode::kernel;
  if (!bp::run_network_stage(config, log).ok()) return 13;  // lo has an address now
  config.interface = "eth9";
  config.wait_ms = 100;
  auto missing = bp::run_network_stage(config, log);
  if (missing.ok() ||
      missing.error().message().find("eth9 did not appear within 100 ms") == std::string::npos) {
    return 14;
  }
  config.interface = "an-interface-name-too-long";
  if (bp::run_network_stage(config, log).ok()) return 15;
  return 0;
}

void test_static_configuration(void **) {
  if (geteuid() != 0) {
    SKIP_TEST();
    return;
  }
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) _exit(configure_in_namespace());
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

}  // namespace

RUN_TESTS("init/network", cmocka_unit_test(test_parse_addresses), cmocka_unit_test(test_static_configuration))
