// The formats bp-init hands to bp-agent (lib/agent): resource paths, the
// boot resources file, the status file.
#include <fcntl.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "lib/agent/boot_resources.h"
#include "lib/agent/boot_status.h"
#include "lib/agent/resource_path.h"
#include "lib/core/file_io.h"
#include "lib/core/temp_dir.h"
#include "tests/unit/test_support.h"

namespace {

void test_resource_paths(void **) {
  bp::ResourcePath p = ASSERT_OK(bp::parse_resource_path("default/key/1"));
  assert_string_equal(p.repository.c_str(), "default");
  assert_string_equal(p.type.c_str(), "key");
  assert_string_equal(p.tag.c_str(), "1");
  assert_string_equal(p.uri().c_str(), "kbs:///default/key/1");
  p = ASSERT_OK(bp::parse_resource_reference("kbs:///buckypaper/disk/root"));
  assert_string_equal(p.path().c_str(), "buckypaper/disk/root");
  ASSERT_OK(bp::parse_resource_path("a.b/c_d/e-f.pem"));
  ASSERT_OK(bp::parse_resource_path(std::string(128, 'a') + "/t/g"));
  // Traversal and anything a URL parser or file system could read as more.
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("../key/1"), "the repository '..' is not a plain name");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/./1"), "the type '.' is not a plain name");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/key/.."), "the tag '..' is not a plain name");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/key/1/../../x"),
                        "expected <repository>/<type>/<tag>");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/key"), "expected <repository>/<type>/<tag>");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default//1"), "the type is empty");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/key/"), "the tag is empty");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("/default/key/1"), "expected <repository>/<type>/<tag>");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/key/%2e%2e"), "contains a character other than");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/key/a\\b"), "contains a character other than");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path(std::string("default/key/a\0b", 15)), "contains a character");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path("default/key/a?b"), "contains a character other than");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_path(std::string(129, 'a') + "/t/g"), "longer than 128");
  ASSERT_ERROR_CONTAINS(bp::parse_resource_reference("kbs://host/a/b/c"),
                        "expected <repository>/<type>/<tag>");
}

std::vector<bp::BootResource> sample_resources() {
  std::vector<bp::BootResource> resources;
  resources.push_back({ASSERT_OK(bp::parse_resource_path("default/key/1")),
                       ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("12345678")))});
  resources.push_back({ASSERT_OK(bp::parse_resource_path("buckypaper/secret/empty")), bp::SecretBytes()});
  return resources;
}

void test_boot_resources_round_trip(void **) {
  bp::SecretBytes file = ASSERT_OK(bp::serialize_boot_resources(sample_resources()));
  // The layout, byte for byte.
  ASSERT_BYTES_EQUAL(file.view(),
                     "4250414752455331"  // BPAGRES1
                     "02000000"          // count
                     "0d00"
                     "64656661756c742f6b65792f31"
                     "08000000"
                     "3132333435363738"
                     "1700"
                     "6275636b7970617065722f7365637265742f656d707479"
                     "00000000");
  std::vector<bp::BootResource> parsed = ASSERT_OK(bp::parse_boot_resources(file.view()));
  assert_int_equal(parsed.size(), 2);
  assert_string_equal(parsed[0].path.uri().c_str(), "kbs:///default/key/1");
  assert_true(parsed[0].data.view() == bp::ByteView::of_string("12345678"));
  assert_true(parsed[1].data.empty());

  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  ASSERT_OK(bp::write_boot_resources(dir.file("res"), sample_resources()));
  struct stat st;
  assert_int_equal(stat(dir.file("res").c_str(), &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  parsed = ASSERT_OK(bp::read_boot_resources(dir.file("res")));
  assert_int_equal(parsed.size(), 2);
  ASSERT_ERROR_CONTAINS(bp::read_boot_resources(dir.file("missing")), "No such file");
  ASSERT_ERROR_CONTAINS(bp::read_boot_resources(dir.path()), "not a regular file");
}

bp::BootHandover sample_handover() {
  bp::BootHandover h;
  h.resources = sample_resources();
  bp::BrokerHandover b;
  b.url = "http://10.0.2.2:8080";
  b.ca_pem = "PEM";
  b.allow_plain_http = true;
  b.provider = "sim";
  b.vmpl = 1;
  b.request_timeout_ms = 30000;
  b.token = ASSERT_OK(bp::SecretBytes::copy_of(bp::ByteView::of_string("a.b.c")));
  b.tee_key = ASSERT_OK(
      bp::SecretBytes::copy_of(unhex("0101010101010101010101010101010101010101010101010101010101010101")));
  h.broker = std::move(b);
  return h;
}

void test_boot_handover_broker_section(void **) {
  bp::SecretBytes file = ASSERT_OK(bp::serialize_boot_handover(sample_handover()));
  bp::SecretBytes plain = ASSERT_OK(bp::serialize_boot_resources(sample_resources()));
  // The resources as before, then the section, byte for byte.
  assert_memory_equal(file.view().data(), plain.view().data(), plain.size());
  ASSERT_BYTES_EQUAL(file.view().subview(plain.size()),
                     "425042524f4b5231"  // BPBROKR1
                     "1400"
                     "687474703a2f2f31302e302e322e323a38303830"
                     "03000000"
                     "50454d"
                     "01"
                     "03"
                     "73696d"
                     "01"
                     "30750000"
                     "05000000"
                     "612e622e63"
                     "2000"
                     "0101010101010101010101010101010101010101010101010101010101010101");
  bp::BootHandover parsed = ASSERT_OK(bp::parse_boot_handover(file.view()));
  assert_int_equal(parsed.resources.size(), 2);
  assert_true(parsed.broker.has_value());
  assert_string_equal(parsed.broker->url.c_str(), "http://10.0.2.2:8080");
  assert_string_equal(parsed.broker->ca_pem.c_str(), "PEM");
  assert_true(parsed.broker->allow_plain_http);
  assert_string_equal(parsed.broker->provider.c_str(), "sim");
  assert_int_equal(parsed.broker->vmpl, 1);
  assert_int_equal(parsed.broker->request_timeout_ms, 30000);
  assert_true(parsed.broker->token.view() == bp::ByteView::of_string("a.b.c"));
  assert_int_equal(parsed.broker->tee_key.size(), 32);
  // The resources-only reader does not drop a session silently.
  ASSERT_ERROR_CONTAINS(bp::parse_boot_resources(file.view()), "has a broker session");

  bp::Bytes bytes = file.view().to_bytes();
  for (size_t n = plain.size() + 1; n < bytes.size(); ++n)
    assert_false(bp::parse_boot_handover(bp::ByteView(bytes.data(), n)).ok());
  bp::Bytes longer = bytes;
  longer.push_back(0);
  ASSERT_ERROR_CONTAINS(bp::parse_boot_handover(longer), "1 bytes after the broker session");
  bp::Bytes tag = bytes;
  tag[plain.size() + 7] = '2';
  ASSERT_ERROR_CONTAINS(bp::parse_boot_handover(tag), "unknown section");
  bp::Bytes flags = bytes;
  flags[plain.size() + 8 + 2 + 20 + 4 + 3] = 0x03;
  ASSERT_ERROR_CONTAINS(bp::parse_boot_handover(flags), "unknown flags");

  bp::BootHandover bad = sample_handover();
  bad.broker->provider = "guess";
  ASSERT_ERROR_CONTAINS(bp::serialize_boot_handover(bad), "provider must be");
  bad = sample_handover();
  bad.broker->tee_key = bp::SecretBytes();
  ASSERT_ERROR_CONTAINS(bp::serialize_boot_handover(bad), "TEE key of 0 bytes");
  bad = sample_handover();
  bad.broker->token = bp::SecretBytes();
  ASSERT_ERROR_CONTAINS(bp::serialize_boot_handover(bad), "token of 0 bytes");
  bad = sample_handover();
  bad.broker->url = "http://a b";
  ASSERT_ERROR_CONTAINS(bp::serialize_boot_handover(bad), "broker URL");
}

void test_boot_resources_malformed(void **) {
  bp::SecretBytes good = ASSERT_OK(bp::serialize_boot_resources(sample_resources()));
  bp::Bytes bytes = good.view().to_bytes();
  // Every truncation is an error, never a crash.
  for (size_t n = 0; n < bytes.size(); ++n)
    assert_false(bp::parse_boot_resources(bp::ByteView(bytes.data(), n)).ok());
  bp::Bytes longer = bytes;
  longer.push_back(0);
  ASSERT_ERROR_CONTAINS(bp::parse_boot_resources(longer), "1 bytes after the last resource");
  bp::Bytes magic = bytes;
  magic[7] = '2';
  ASSERT_ERROR_CONTAINS(bp::parse_boot_resources(magic), "not a boot resources file");
  bp::Bytes count = bytes;
  count[8] = 0xff;
  count[9] = 0xff;
  ASSERT_ERROR_CONTAINS(bp::parse_boot_resources(count), "at most 256 are allowed");
  bp::Bytes slash = bytes;
  slash[14] = '/';  // "de/ault/key/1": four segments
  ASSERT_ERROR_CONTAINS(bp::parse_boot_resources(slash), "boot resource 0");
  bp::Bytes huge = bytes;
  huge[27 + 3] = 0x7f;  // data length of the first record: 0x7f000008
  ASSERT_ERROR_CONTAINS(bp::parse_boot_resources(huge), "the limit is 1048576");
  // The same path twice.
  std::vector<bp::BootResource> twice = sample_resources();
  twice[1].path = twice[0].path;
  ASSERT_ERROR_CONTAINS(bp::serialize_boot_resources(twice), "listed twice");
}

const char kStatus[] =
    "{\"version\":1,\"flavour\":\"production\",\"updated_ms\":5210,"
    "\"stages\":[{\"name\":\"early\",\"state\":\"done\",\"start_ms\":10,\"end_ms\":14},"
    "{\"name\":\"attest\",\"state\":\"failed\",\"start_ms\":90,\"end_ms\":95,\"error\":\"broker refused\"},"
    "{\"name\":\"disks\",\"state\":\"running\",\"start_ms\":96}],"
    "\"workload\":{\"state\":\"exited\",\"pid\":312,\"started_ms\":5000,\"exited_ms\":5200,\"signal\":9}}";

void test_boot_status_round_trip(void **) {
  bp::BootStatus status = ASSERT_OK(bp::parse_boot_status(kStatus));
  assert_int_equal(status.stages.size(), 3);
  assert_int_equal(status.stages[1].state, bp::StageState::failed);
  assert_string_equal(status.stages[1].error.c_str(), "broker refused");
  assert_false(status.stages[2].end_ms.has_value());
  assert_int_equal(status.workload.state, bp::WorkloadState::exited);
  assert_int_equal(*status.workload.signal, 9);
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  ASSERT_OK(bp::write_boot_status(dir.file("status.json"), status));
  std::string text = ASSERT_OK(bp::read_text_file(dir.file("status.json"), 65536));
  assert_string_equal(text.c_str(), (std::string(kStatus) + "\n").c_str());  // the same bytes back
  bp::BootStatus again = ASSERT_OK(bp::read_boot_status(dir.file("status.json")));
  assert_int_equal(again.workload.pid, 312);
}

void test_boot_status_rejects(void **) {
  auto with = [](const std::string &from, const std::string &to) {
    std::string text = kStatus;
    size_t at = text.find(from);
    if (at == std::string::npos) fail_msg("fixture lacks %s", from.c_str());
    return text.replace(at, from.size(), to);
  };
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"version\":1", "\"version\":2")), "$.version");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"updated_ms\":5210", "\"updated_ms\":5210,\"x\":1")),
                        "$.x");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"flavour\":\"production\"", "\"flavour\":\"test\"")),
                        "$.flavour");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with(",\"end_ms\":14", "")), "$.stages[0]: end_ms is required");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"start_ms\":96", "\"start_ms\":96,\"end_ms\":97")),
                        "$.stages[2]: end_ms is not allowed");
  ASSERT_OK(bp::parse_boot_status(with(",\"error\":\"broker refused\"", "")));  // the reason is optional
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"end_ms\":14", "\"end_ms\":14,\"error\":\"x\"")),
                        "$.stages[0]: error is only for a stage that failed");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"end_ms\":14", "\"end_ms\":9")),
                        "end_ms is before start_ms");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"name\":\"early\"", "\"name\":\"Early Stage\"")),
                        "not a stage name");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"signal\":9", "\"signal\":9,\"exit_code\":1")),
                        "exactly one of exit_code and signal");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(with("\"signal\":9", "\"exit_code\":256")), "expected 0..255");
  ASSERT_ERROR_CONTAINS(
      bp::parse_boot_status(
          with("{\"state\":\"exited\",\"pid\":312,\"started_ms\":5000,\"exited_ms\":5200,\"signal\":9}",
               "{\"state\":\"not-started\",\"pid\":1}")),
      "$.workload.pid");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status("{\"version\":1"), "invalid JSON");
  ASSERT_ERROR_CONTAINS(bp::parse_boot_status(std::string(70000, ' ')), "65536");
  // A writer that would produce an invalid file is stopped.
  bp::BootStatus bad = ASSERT_OK(bp::parse_boot_status(kStatus));
  bad.stages[0].end_ms.reset();
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create());
  ASSERT_ERROR_CONTAINS(bp::write_boot_status(dir.file("s"), bad), "end_ms is required");
}

}  // namespace

RUN_TESTS("agent_formats", cmocka_unit_test(test_resource_paths),
          cmocka_unit_test(test_boot_resources_round_trip), cmocka_unit_test(test_boot_resources_malformed),
          cmocka_unit_test(test_boot_handover_broker_section), cmocka_unit_test(test_boot_status_round_trip),
          cmocka_unit_test(test_boot_status_rejects))
