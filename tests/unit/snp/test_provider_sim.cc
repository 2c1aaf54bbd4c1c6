// The simulator channel: frame encoding, port discovery on a fake sysfs, and
// the provider against a fake host over a socketpair (truncated, oversized,
// garbled, stale and failing responses).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <thread>

#include "lib/core/byte_order.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "lib/snp/provider_sim.h"
#include "lib/snp/sim_protocol.h"
#include "tests/unit/snp/fake_report.h"
#include "tests/unit/test_support.h"

namespace {

using namespace bp::snp::testing;
using bp::snp::SimResponseHeader;

void test_request_encoding(void **) {
  bp::snp::SimRequest r;
  r.request_id = 0x01020304;
  r.vmpl = 2;
  for (size_t i = 0; i < 64; ++i) r.report_data[i] = static_cast<uint8_t>(i);
  bp::Bytes raw = bp::snp::encode_sim_request(r);
  assert_int_equal(raw.size(), 80);
  // "BSIM", version 1, request id, vmpl, then report_data.
  ASSERT_BYTES_EQUAL(bp::ByteView(raw.data(), 16), "4253494d010000000403020102000000");
  assert_memory_equal(raw.data() + 16, r.report_data.data(), 64);
  bp::snp::SimRequest back = ASSERT_OK(bp::snp::parse_sim_request(raw));
  assert_int_equal(back.request_id, 0x01020304);
  assert_int_equal(back.vmpl, 2);
  raw[0] = 'X';
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_request(raw), "magic");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_request(bp::ByteView(raw.data(), 79)), "79 bytes, expected 80");
}

bp::Bytes header_bytes(uint32_t magic, uint32_t version, uint32_t id, uint32_t status, uint32_t report_len,
                       uint32_t certs_len) {
  bp::Bytes h(24);
  uint32_t fields[] = {magic, version, id, status, report_len, certs_len};
  for (int i = 0; i < 6; ++i) bp::store_le32(h.data() + size_t{4} * i, fields[i]);
  return h;
}

void test_response_header(void **) {
  const uint32_t m = bp::snp::kSimMagic;
  SimResponseHeader h = ASSERT_OK(bp::snp::parse_sim_response_header(header_bytes(m, 1, 7, 0, 1184, 65536)));
  assert_int_equal(h.request_id, 7);
  assert_int_equal(h.payload_size(), 1184 + 65536);
  h = ASSERT_OK(bp::snp::parse_sim_response_header(header_bytes(m, 1, 7, 0x16, 0, 0)));
  assert_int_equal(h.status, 0x16);
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_response_header(header_bytes(0x4d495343, 1, 7, 0, 1184, 0)),
                        "magic 0x4d495343, expected 0x4d495342");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_response_header(header_bytes(m, 2, 7, 0, 1184, 0)),
                        "version 2, expected 1");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_response_header(header_bytes(m, 1, 7, 0, 1183, 0)),
                        "report_len 1183, expected 1184");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_response_header(header_bytes(m, 1, 7, 5, 1185, 0)),
                        "report_len 1185, expected at most 1184");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_response_header(header_bytes(m, 1, 7, 0, 1184, 65537)),
                        "certs_len 65537, more than the limit of 65536");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_sim_response_header(header_bytes(m, 1, 7, 0, 1184, 0xffffffff)),
                        "certs_len 4294967295");
  ASSERT_ERROR_CONTAINS(
      bp::snp::parse_sim_response_header(bp::ByteView(header_bytes(m, 1, 7, 0, 1184, 0).data(), 23)),
      "23 bytes, expected 24");
}

void test_find_port(void **) {
  bp::TempDir root = ASSERT_OK(bp::TempDir::create("sysfs"));
  ASSERT_ERROR_CONTAINS(bp::snp::find_virtio_port(bp::snp::kSimPortName, root.path(), "/dev"),
                        "virtio-ports");
  std::string ports = root.file("class/virtio-ports");
  assert_int_equal(mkdir(root.file("class").c_str(), 0700), 0);
  assert_int_equal(mkdir(ports.c_str(), 0700), 0);
  for (const char *port : {"vport0p1", "vport1p3", "vport2p0"}) {
    assert_int_equal(mkdir((ports + "/" + port).c_str(), 0700), 0);
  }
  ASSERT_OK(
      bp::write_file_atomic(ports + "/vport0p1/name", bp::ByteView::of_string("org.qemu.guest_agent.0\n")));
  ASSERT_OK(
      bp::write_file_atomic(ports + "/vport1p3/name", bp::ByteView::of_string("org.buckypaper.snp-sim.0\n")));
  // vport2p0 has no name (an unnamed port).
  std::string path = ASSERT_OK(bp::snp::find_virtio_port(bp::snp::kSimPortName, root.path(), "/fake/dev"));
  assert_string_equal(path.c_str(), "/fake/dev/vport1p3");
  ASSERT_ERROR_CONTAINS(bp::snp::find_virtio_port("org.buckypaper.other", root.path(), "/dev"),
                        "no virtio-serial port named org.buckypaper.other");
  // The provider opens the device node it found (here: missing).
  ASSERT_ERROR_CONTAINS(bp::snp::SimProvider::open({}, root.path(), root.file("dev")), "dev/vport1p3");
}

// A fake host on the other end of a socketpair, running `script`.
class FakeHost {
 public:
  explicit FakeHost(const std::function<void(int)> &script) {
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    guest_ = bp::UniqueFd(fds[0]);
    host_ = bp::UniqueFd(fds[1]);
    fcntl(guest_.get(), F_SETFL, O_NONBLOCK);
    thread_ = std::thread([this, script] { script(host_.get()); });
  }
  ~FakeHost() { thread_.join(); }
  bp::UniqueFd take_guest_end() { return std::move(guest_); }

 private:
  bp::UniqueFd guest_;
  bp::UniqueFd host_;
  std::thread thread_;
};

bool read_request(int fd, bp::snp::SimRequest *out) {
  uint8_t raw[80];
  size_t done = 0;
  while (done < sizeof raw) {
    ssize_t n = read(fd, raw + done, sizeof raw - done);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  auto parsed = bp::snp::parse_sim_request(bp::ByteView(raw, sizeof raw));
  if (!parsed.ok()) return false;
  *out = parsed.release_value();
  return true;
}

void send(int fd, bp::ByteView data) { (void)!write(fd, data.data(), data.size()); }

bp::Bytes good_response(const bp::snp::SimRequest &r, bp::ByteView certs) {
  bp::Bytes report = fake_report(bp::ByteView(r.report_data.data(), 64), r.vmpl);
  SimResponseHeader h{r.request_id, 0, static_cast<uint32_t>(report.size()),
                      static_cast<uint32_t>(certs.size())};
  return bp::snp::encode_sim_response(h, report, certs);
}

bp::snp::SimOptions fast() {
  bp::snp::SimOptions o;
  o.timeout_ms = 300;
  return o;
}

void test_happy_path(void **) {
  bp::Bytes certs = fake_cert_table();
  FakeHost host([&](int fd) {
    bp::snp::SimRequest r;
    for (int i = 0; i < 2 && read_request(fd, &r); ++i)
      send(fd, good_response(r, i == 0 ? certs : bp::Bytes()));
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 100);
  assert_string_equal(provider.name(), "sim");
  bp::Bytes data = report_data_pattern(0x40);
  bp::snp::Evidence e = ASSERT_OK(provider.get_report(data, 0));
  assert_memory_equal(e.report.report_data.data(), data.data(), 64);
  assert_true(e.cert_table_bytes == certs);
  assert_int_equal(e.certs.entries.size(), 2);
  e = ASSERT_OK(provider.get_report(report_data_pattern(0x41), 3));  // a second request on the same port
  assert_int_equal(e.report.vmpl, 3);
  assert_true(e.certs.empty());
}

void test_skips_stale_responses(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    bp::snp::SimRequest old = r;
    old.request_id = r.request_id - 1;
    old.report_data[0] ^= 0xff;
    send(fd, good_response(old, bp::Bytes()));  // late answer to an earlier request
    SimResponseHeader failed{r.request_id - 2, 0x16, 0, 0};
    send(fd, bp::snp::encode_sim_response(failed, {}, {}));
    send(fd, good_response(r, fake_cert_table()));
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 50);
  bp::snp::Evidence e = ASSERT_OK(provider.get_report(report_data_pattern(1), 0));
  assert_int_equal(e.certs.entries.size(), 2);
}

void test_only_stale_responses(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    bp::snp::SimRequest old = r;
    for (int i = 0; i < 5; ++i) {
      old.request_id = r.request_id + 1000 + i;
      send(fd, good_response(old, bp::Bytes()));
    }
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 50);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(1), 0),
                        "5 responses for other requests, none for request 50");
}

void test_garbage_then_retry(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    send(fd, bp::ByteView::of_string("this is not a frame at all"));
    if (!read_request(fd, &r)) return;  // the guest retries once with a new id
    send(fd, good_response(r, bp::Bytes()));
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  bp::snp::Evidence e = ASSERT_OK(provider.get_report(report_data_pattern(2), 0));
  assert_int_equal(e.report_bytes.size(), 1184);
}

void test_garbage_twice(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    for (int i = 0; i < 2 && read_request(fd, &r); ++i) {
      send(fd, header_bytes(0x12345678, 1, r.request_id, 0, 1184, 0));
    }
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(2), 0),
                        "retry: simulator response: magic 0x12345678");
}

void test_oversized_lengths(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    for (int i = 0; i < 2 && read_request(fd, &r); ++i) {
      send(fd, header_bytes(bp::snp::kSimMagic, 1, r.request_id, 0, 1184, 0x7fffffff));
    }
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(2), 0),
                        "certs_len 2147483647, more than the limit");
}

void test_truncated_then_silent(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    bp::Bytes frame = good_response(r, bp::Bytes());
    send(fd, bp::ByteView(frame.data(), 500));
    // Stay silent until the guest gives up and closes its end.
    uint8_t b;
    while (read(fd, &b, 1) > 0) {
    }
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(2), 0),
                        "timed out reading the simulator response");
}

void test_truncated_then_closed(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    bp::Bytes frame = good_response(r, bp::Bytes());
    send(fd, bp::ByteView(frame.data(), 500));
    shutdown(fd, SHUT_WR);
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(2), 0),
                        "the port closed after 476 of 1184 bytes");
}

void test_error_status(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    send(fd, bp::snp::encode_sim_response({r.request_id, 0x16, 0, 0}, {}, {}));
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(2), 0),
                        "firmware status 0x16 (INVALID_PARAM)");
}

void test_report_for_other_data(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    r.report_data[63] ^= 1;  // the host answers with a report over different data
    send(fd, good_response(r, bp::Bytes()));
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(2), 0),
                        "report_data differs from the request");
}

void test_bad_cert_table(void **) {
  FakeHost host([](int fd) {
    bp::snp::SimRequest r;
    if (!read_request(fd, &r)) return;
    bp::Bytes certs = fake_cert_table();
    certs.resize(100);  // entries point past the end
    send(fd, good_response(r, certs));
  });
  bp::snp::SimProvider provider(host.take_guest_end(), fast(), 7);
  ASSERT_ERROR_CONTAINS(provider.get_report(report_data_pattern(2), 0),
                        "simulator: certificate table entry 0");
}

}  // namespace

RUN_TESTS("snp/provider_sim", cmocka_unit_test(test_request_encoding), cmocka_unit_test(test_response_header),
          cmocka_unit_test(test_find_port), cmocka_unit_test(test_happy_path),
          cmocka_unit_test(test_skips_stale_responses), cmocka_unit_test(test_only_stale_responses),
          cmocka_unit_test(test_garbage_then_retry), cmocka_unit_test(test_garbage_twice),
          cmocka_unit_test(test_oversized_lengths), cmocka_unit_test(test_truncated_then_silent),
          cmocka_unit_test(test_truncated_then_closed), cmocka_unit_test(test_error_status),
          cmocka_unit_test(test_report_for_other_data), cmocka_unit_test(test_bad_cert_table))
