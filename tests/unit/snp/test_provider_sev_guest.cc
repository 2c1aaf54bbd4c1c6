// /dev/sev-guest request/response encoding, and the provider's call sequence
// against a fake device that behaves like the kernel driver on the same
// buffers (the real ioctl needs an SNP guest).
#include <errno.h>
#include <string.h>

#include <memory>
#include <optional>
#include <vector>

#include "lib/core/byte_order.h"
#include "lib/snp/provider_sev_guest.h"
#include "lib/snp/sev_guest_abi.h"
#include "tests/unit/snp/fake_report.h"
#include "tests/unit/test_support.h"

namespace {

using namespace bp::snp::testing;

void test_request_layouts(void **) {
  bp::Bytes data = report_data_pattern(0x10);
  uint8_t req[bp::snp::kReportReqSize];
  memset(req, 0xee, sizeof req);
  bp::snp::encode_report_req(req, data, 2);
  assert_memory_equal(req, data.data(), 64);
  assert_int_equal(bp::load_le32(req + 64), 2);
  assert_true(bp::is_all_zero(bp::ByteView(req + 68, 28)));

  uint8_t ext[bp::snp::kExtReportReqSize];
  bp::snp::encode_ext_report_req(ext, data, 3, 0x1122334455667788, 0x4000);
  assert_memory_equal(ext, data.data(), 64);
  assert_int_equal(bp::load_le32(ext + 64), 3);
  assert_int_equal(bp::load_le64(ext + 96), 0x1122334455667788);
  assert_int_equal(bp::load_le32(ext + 104), 0x4000);
  assert_int_equal(bp::snp::ext_report_req_certs_len(ext), 0x4000);
  assert_true(bp::is_all_zero(bp::ByteView(ext + 108, 4)));

  uint8_t ioctl_arg[bp::snp::kGuestRequestSize];
  memset(ioctl_arg, 0xee, sizeof ioctl_arg);
  bp::snp::encode_guest_request(ioctl_arg, 0xaaaa, 0xbbbb);
  assert_int_equal(ioctl_arg[0], 1);  // msg_version must be non-zero
  assert_true(bp::is_all_zero(bp::ByteView(ioctl_arg + 1, 7)));
  assert_int_equal(bp::load_le64(ioctl_arg + 8), 0xaaaa);
  assert_int_equal(bp::load_le64(ioctl_arg + 16), 0xbbbb);
  assert_int_equal(bp::snp::guest_request_exitinfo2(ioctl_arg), 0);
  // Request numbers as _IOWR('S', n, 32-byte struct).
  assert_int_equal(bp::snp::kSnpGetReport, (3ul << 30) | (32ul << 16) | ('S' << 8) | 0);
  assert_int_equal(bp::snp::kSnpGetExtReport, (3ul << 30) | (32ul << 16) | ('S' << 8) | 2);
}

bp::Bytes response(uint32_t status, uint32_t size, bp::ByteView report) {
  bp::Bytes resp(bp::snp::kReportRespSize, 0);
  bp::store_le32(resp.data(), status);
  bp::store_le32(resp.data() + 4, size);
  memcpy(resp.data() + 0x20, report.data(), report.size() < 3968 ? report.size() : 3968);
  return resp;
}

void test_response_parsing(void **) {
  bp::Bytes report = fake_report(report_data_pattern(1), 0);
  bp::Bytes parsed = ASSERT_OK(bp::snp::parse_report_response(response(0, 1184, report)));
  assert_true(parsed == report);
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report_response(response(0x16, 1184, report)),
                        "firmware status 0x16 (INVALID_PARAM)");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report_response(response(0x27, 0, report)),
                        "firmware status 0x27 (INVALID_KEY)");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report_response(response(0x99, 0, report)), "0x99 (unknown)");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report_response(response(0, 1000, report)),
                        "report_size 1000, expected 1184");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report_response(response(0, 0xffffffff, report)),
                        "report_size 4294967295");
  bp::Bytes short_resp = response(0, 1184, report);
  short_resp.resize(0x20 + 1000);
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report_response(short_resp), "truncated input");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report_response(bp::ByteView(short_resp.data(), 6)), "report_size");
}

void test_error_description(void **) {
  bp::Error e = bp::snp::guest_request_error("SNP_GET_REPORT", EIO, 0x0000000200000016);
  assert_string_equal(
      e.message().c_str(),
      "SNP_GET_REPORT: Input/output error (firmware error 0x16 INVALID_PARAM, VMM error 0x2 BUSY)");
  assert_int_equal(e.errno_value(), EIO);
  assert_string_equal(bp::snp::firmware_status_name(7), "POLICY_FAILURE");
  assert_string_equal(bp::snp::firmware_status_name(0x1d), "AEAD_OFLOW");
}

// The driver reads user-space addresses out of the request structs.
uint8_t *user_pointer(uint64_t address) {
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  return reinterpret_cast<uint8_t *>(static_cast<uintptr_t>(address));
}

// Plays the sev-guest driver and a host on the caller's buffers.
struct FakeKernel : bp::snp::GuestDevice {
  bp::Bytes host_certs;          // what the host attaches (empty: none)
  int ext_errno = 0;             // fail SNP_GET_EXT_REPORT outright with this
  uint64_t ext_exitinfo2 = 0;    // ... and this exitinfo2
  uint32_t firmware_status = 0;  // MSG_REPORT_RSP status
  uint32_t grow_certs_once = 0;  // the host's table grows by this after the first sizing
  uint32_t claimed_needed = 0;   // report this size instead of the real one
  std::vector<unsigned long> calls;
  std::vector<uint32_t> certs_lens;

  int ioctl(unsigned long request, void *argument) override {
    calls.push_back(request);
    uint8_t *arg = static_cast<uint8_t *>(argument);
    if (arg[0] == 0) return EINVAL;
    uint8_t *req = user_pointer(bp::load_le64(arg + 8));
    uint8_t *resp = user_pointer(bp::load_le64(arg + 16));
    if (request == bp::snp::kSnpGetExtReport) {
      if (ext_errno != 0) {
        bp::store_le64(arg + 24, ext_exitinfo2);
        return ext_errno;
      }
      uint64_t certs_address = bp::load_le64(req + 96);
      uint32_t certs_len = bp::load_le32(req + 104);
      certs_lens.push_back(certs_len);
      uint32_t needed = static_cast<uint32_t>((host_certs.size() + 4095) / 4096 * 4096);
      if (claimed_needed != 0) needed = claimed_needed;
      if (!host_certs.empty() && (certs_len < needed || certs_address == 0)) {
        bp::store_le32(req + 104, needed);
        bp::store_le64(arg + 24, uint64_t{1} << 32);
        if (grow_certs_once != 0) {
          host_certs.resize(host_certs.size() + grow_certs_once, 0);
          grow_certs_once = 0;
        }
        return EIO;
      }
      if (certs_address != 0) {
        uint8_t *certs = user_pointer(certs_address);
        memset(certs, 0, certs_len);
        memcpy(certs, host_certs.data(), host_certs.size());
      }
    } else if (request != bp::snp::kSnpGetReport) {
      return ENOTTY;
    }
    bp::Bytes report = fake_report(bp::ByteView(req, 64), bp::load_le32(req + 64));
    bp::Bytes r = response(firmware_status, firmware_status == 0 ? 1184 : 0, report);
    memcpy(resp, r.data(), r.size());
    return 0;
  }
};

// The provider owns its device; this one forwards to a FakeKernel the test
// keeps, so the test can set up the host and look at the calls.
struct Forwarder : bp::snp::GuestDevice {
  explicit Forwarder(FakeKernel &kernel) : kernel_(kernel) {}
  int ioctl(unsigned long request, void *argument) override { return kernel_.ioctl(request, argument); }
  FakeKernel &kernel_;
};

struct Fixture {
  FakeKernel kernel;
  std::optional<bp::snp::SevGuestProvider> provider;
};

std::unique_ptr<Fixture> make_provider() {
  auto f = std::make_unique<Fixture>();
  f->provider.emplace(std::make_unique<Forwarder>(f->kernel));
  return f;
}

void test_extended_report_with_certificates(void **) {
  auto f = make_provider();
  f->kernel.host_certs = fake_cert_table();
  bp::Bytes data = report_data_pattern(5);
  bp::snp::Evidence e = ASSERT_OK(f->provider->get_report(data, 0));
  assert_int_equal(f->kernel.calls.size(), 2);
  assert_int_equal(f->kernel.certs_lens[0], 0);     // first call: no buffer
  assert_int_equal(f->kernel.certs_lens[1], 4096);  // second: the size the kernel asked for
  assert_int_equal(e.report_bytes.size(), 1184);
  assert_memory_equal(e.report.report_data.data(), data.data(), 64);
  assert_int_equal(e.certs.entries.size(), 2);
  assert_non_null(e.certs.find(bp::snp::CertKind::vcek));
  assert_int_equal(e.cert_table_bytes.size(), 4096);  // the page, zero padded
}

void test_extended_report_without_certificates(void **) {
  auto f = make_provider();
  bp::snp::Evidence e = ASSERT_OK(f->provider->get_report(report_data_pattern(6), 1));
  assert_int_equal(f->kernel.calls.size(), 1);
  assert_true(e.certs.empty());
  assert_true(e.cert_table_bytes.empty());
  assert_int_equal(e.report.vmpl, 1);
}

void test_certificate_table_grows_between_calls(void **) {
  auto f = make_provider();
  f->kernel.host_certs = fake_cert_table();
  f->kernel.grow_certs_once = 5000;  // now two pages
  bp::snp::Evidence e = ASSERT_OK(f->provider->get_report(report_data_pattern(7), 0));
  assert_int_equal(f->kernel.calls.size(), 3);
  assert_int_equal(f->kernel.certs_lens[2], 8192);
  assert_int_equal(e.certs.entries.size(), 2);
}

void test_bad_certificate_sizes(void **) {
  auto f = make_provider();
  f->kernel.host_certs = fake_cert_table();
  f->kernel.claimed_needed = 5 * 4096;
  ASSERT_ERROR_CONTAINS(f->provider->get_report(report_data_pattern(7), 0),
                        "needs 20480 bytes (expected whole pages, at most 16384)");
  f->kernel.claimed_needed = 100;
  ASSERT_ERROR_CONTAINS(f->provider->get_report(report_data_pattern(7), 0), "needs 100 bytes");
  // A table that does not parse is an error with the reason.
  auto g = make_provider();
  g->kernel.host_certs = fake_cert_table();
  g->kernel.host_certs[16] = 0;  // first entry's offset now points into the table
  ASSERT_ERROR_CONTAINS(g->provider->get_report(report_data_pattern(7), 0),
                        "sev-guest: certificate table entry 0");
}

void test_firmware_errors(void **) {
  auto f = make_provider();
  f->kernel.firmware_status = 0x16;
  ASSERT_ERROR_CONTAINS(f->provider->get_report(report_data_pattern(8), 0),
                        "firmware status 0x16 (INVALID_PARAM)");
  auto g = make_provider();
  g->kernel.ext_errno = EIO;
  g->kernel.ext_exitinfo2 = 0x7;
  ASSERT_ERROR_CONTAINS(g->provider->get_report(report_data_pattern(8), 0),
                        "SNP_GET_EXT_REPORT: Input/output error (firmware error 0x7 POLICY_FAILURE");
  assert_int_equal(g->kernel.calls.size(), 1);  // a firmware refusal is final
  auto h = make_provider();
  h->kernel.ext_errno = EIO;
  h->kernel.ext_exitinfo2 = uint64_t{2} << 32;
  ASSERT_ERROR_CONTAINS(h->provider->get_report(report_data_pattern(8), 0), "VMM error 0x2 BUSY");
}

void test_falls_back_to_plain_report(void **) {
  auto f = make_provider();
  f->kernel.ext_errno = ENOTTY;
  bp::snp::Evidence e = ASSERT_OK(f->provider->get_report(report_data_pattern(9), 0));
  assert_int_equal(f->kernel.calls.size(), 2);
  assert_int_equal(f->kernel.calls[1], bp::snp::kSnpGetReport);
  assert_true(e.certs.empty());
}

void test_rejects_bad_requests(void **) {
  auto f = make_provider();
  ASSERT_ERROR_CONTAINS(f->provider->get_report(bp::Bytes(32, 0), 0), "report_data is 32 bytes");
  ASSERT_ERROR_CONTAINS(f->provider->get_report(report_data_pattern(1), 4), "VMPL 4 is out of range");
  assert_int_equal(f->kernel.calls.size(), 0);
  ASSERT_ERROR_CONTAINS(bp::snp::SevGuestProvider::open("/nonexistent/sev-guest"), "No such file");
}

}  // namespace

RUN_TESTS("snp/provider_sev_guest", cmocka_unit_test(test_request_layouts),
          cmocka_unit_test(test_response_parsing), cmocka_unit_test(test_error_description),
          cmocka_unit_test(test_extended_report_with_certificates),
          cmocka_unit_test(test_extended_report_without_certificates),
          cmocka_unit_test(test_certificate_table_grows_between_calls),
          cmocka_unit_test(test_bad_certificate_sizes), cmocka_unit_test(test_firmware_errors),
          cmocka_unit_test(test_falls_back_to_plain_report), cmocka_unit_test(test_rejects_bad_requests))
