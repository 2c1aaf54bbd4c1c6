// The attestation report parser against a real Milan report and its field
// listing (tests/data/snp/milan-v2-debug.fields.txt, made independently), plus
// the version-specific layouts and rejections of malformed input.
#include "lib/core/byte_order.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/crypto/x509.h"
#include "lib/snp/report.h"
#include "lib/snp/report_signature.h"
#include "tests/unit/test_support.h"

namespace {

using bp::snp::AttestationReport;

const char kReportPath[] = "tests/data/snp/milan-v2-debug.bin";
const char kFieldsPath[] = "tests/data/snp/milan-v2-debug.fields.txt";

bp::Bytes load_report() { return ASSERT_OK(bp::read_file(kReportPath, 4096)); }

template <size_t N>
std::string hex(const std::array<uint8_t, N> &a) {
  return bp::hex_encode(bp::ByteView(a.data(), N));
}
std::string num(uint64_t v) { return bp::format("0x%llx", static_cast<unsigned long long>(v)); }

struct FieldCheck {
  const char *name;
  std::string (*value)(const AttestationReport &);
};

// Field names as the listing spells them; "reserved" lines are checked by offset.
const FieldCheck kFields[] = {
    {"version", [](const AttestationReport &r) { return num(r.version); }},
    {"guest_svn", [](const AttestationReport &r) { return num(r.guest_svn); }},
    {"policy", [](const AttestationReport &r) { return num(r.policy); }},
    {"family_id", [](const AttestationReport &r) { return hex(r.family_id); }},
    {"image_id", [](const AttestationReport &r) { return hex(r.image_id); }},
    {"vmpl", [](const AttestationReport &r) { return num(r.vmpl); }},
    {"signature_algo",
     [](const AttestationReport &r) {
       uint8_t le[4];
       bp::store_le32(le, r.signature_algo);
       return bp::hex_encode(bp::ByteView(le, 4));
     }},
    {"current_tcb", [](const AttestationReport &r) { return num(r.current_tcb); }},
    {"platform_info", [](const AttestationReport &r) { return num(r.platform_info); }},
    {"signer_info(author_key_en|mask_chip_key|signing_key)",
     [](const AttestationReport &r) { return num(r.key_info); }},
    {"report_data", [](const AttestationReport &r) { return hex(r.report_data); }},
    {"measurement", [](const AttestationReport &r) { return hex(r.measurement); }},
    {"host_data", [](const AttestationReport &r) { return hex(r.host_data); }},
    {"id_key_digest", [](const AttestationReport &r) { return hex(r.id_key_digest); }},
    {"author_key_digest", [](const AttestationReport &r) { return hex(r.author_key_digest); }},
    {"report_id", [](const AttestationReport &r) { return hex(r.report_id); }},
    {"report_id_ma", [](const AttestationReport &r) { return hex(r.report_id_ma); }},
    {"reported_tcb", [](const AttestationReport &r) { return num(r.reported_tcb); }},
    {"cpuid_fam_id(v3+)", [](const AttestationReport &r) { return num(r.cpuid_fam_id); }},
    {"cpuid_mod_id(v3+)", [](const AttestationReport &r) { return num(r.cpuid_mod_id); }},
    {"cpuid_step(v3+)", [](const AttestationReport &r) { return num(r.cpuid_step); }},
    {"chip_id", [](const AttestationReport &r) { return hex(r.chip_id); }},
    {"committed_tcb", [](const AttestationReport &r) { return num(r.committed_tcb); }},
    {"current_build", [](const AttestationReport &r) { return num(r.current.build); }},
    {"current_minor", [](const AttestationReport &r) { return num(r.current.minor); }},
    {"current_major", [](const AttestationReport &r) { return num(r.current.major); }},
    {"committed_build", [](const AttestationReport &r) { return num(r.committed.build); }},
    {"committed_minor", [](const AttestationReport &r) { return num(r.committed.minor); }},
    {"committed_major", [](const AttestationReport &r) { return num(r.committed.major); }},
    {"launch_tcb", [](const AttestationReport &r) { return num(r.launch_tcb); }},
    {"launch_mit_vector(v5)", [](const AttestationReport &r) { return num(r.launch_mit_vector); }},
    {"current_mit_vector(v5)", [](const AttestationReport &r) { return num(r.current_mit_vector); }},
    {"signature.r(LE,72)", [](const AttestationReport &r) { return hex(r.signature.r); }},
    {"signature.s(LE,72)", [](const AttestationReport &r) { return hex(r.signature.s); }},
};

// The listing's raw value at an offset, as the listing prints it: integers of
// up to 8 bytes (except signature_algo) as 0x..., longer fields as hex.
std::string raw_value(bp::ByteView raw, const std::string &name, size_t offset, size_t length) {
  bp::ByteView v = raw.subview(offset, length);
  if (length > 8 || name == "signature_algo") return bp::hex_encode(v);
  uint64_t value = 0;
  for (size_t i = 0; i < length; ++i) value |= uint64_t{v[i]} << (8 * i);
  return num(value);
}

void test_milan_report_every_field(void **) {
  bp::Bytes raw = load_report();
  AttestationReport report = ASSERT_OK(bp::snp::parse_report(raw));
  std::string listing = ASSERT_OK(bp::read_text_file(kFieldsPath, 65536));
  size_t checked = 0, reserved = 0;
  for (std::string_view line : bp::split(listing, '\n')) {
    size_t at = line.find(" @0x");
    if (at == std::string_view::npos) continue;  // the TCB and certificate notes after the table
    std::string name(line.substr(0, line.find(' ')));
    size_t len_at = line.find(" len ");
    size_t eq = line.find(" = ");
    size_t value_at = eq + 3;
    if (eq == std::string_view::npos) {  // "len  21 all-zero=True"
      eq = line.find(" all-zero=");
      value_at = eq + 1;
    }
    size_t offset = ASSERT_OK(bp::parse_hex_u64(line.substr(at + 4, len_at - at - 4)));
    std::string_view len_text = line.substr(len_at + 5, eq - len_at - 5);
    while (!len_text.empty() && len_text[0] == ' ') len_text.remove_prefix(1);
    size_t length = ASSERT_OK(bp::parse_u64(len_text));
    std::string expected(line.substr(value_at));
    if (expected == "all-zero=True") {
      assert_true(bp::is_all_zero(bp::ByteView(raw).subview(offset, length)));
      ++reserved;
      continue;
    }
    if (name == "reserved") {
      assert_string_equal(expected.c_str(), "0x0");
      ++reserved;
      continue;
    }
    const FieldCheck *check = nullptr;
    for (const FieldCheck &f : kFields) {
      if (name == f.name) check = &f;
    }
    if (check == nullptr) fail_msg("field %s in the listing is not checked", name.c_str());
    if (check->value(report) != expected) {
      fail_msg("%s: parsed %s, listing says %s", name.c_str(), check->value(report).c_str(),
               expected.c_str());
    }
    // The offset in the listing holds the same value.
    assert_string_equal(raw_value(raw, name, offset, length).c_str(), expected.c_str());
    ++checked;
  }
  assert_int_equal(checked, sizeof kFields / sizeof kFields[0]);
  assert_int_equal(reserved, 6);
  assert_int_equal(report.signing_key(), 0);
  assert_false(report.author_key_enabled());
  assert_false(report.mask_chip_key());
  assert_false(report.has_cpuid());
  assert_true((report.policy >> 19) & 1);  // debug allowed, as the listing's notes say
}

void test_milan_report_round_trip(void **) {
  bp::Bytes raw = load_report();
  AttestationReport report = ASSERT_OK(bp::snp::parse_report(raw));
  bp::Bytes back = ASSERT_OK(bp::snp::serialize_report(report));
  assert_true(back == raw);
}

void test_milan_signature(void **) {
  AttestationReport report = ASSERT_OK(bp::snp::parse_report(load_report()));
  bp::Bytes der = ASSERT_OK(bp::read_file("tests/data/snp/milan-v2-debug.vcek.der", 1 << 16));
  bp::Certificate vcek = ASSERT_OK(bp::Certificate::parse_der(der));
  bp::EcPublicKey key = ASSERT_OK(vcek.ec_public_key());
  ASSERT_OK(bp::snp::verify_report_signature(report, key));
  // Any change to the signed range, or to the signature, is caught.
  AttestationReport changed = report;
  changed.policy &= ~(uint64_t{1} << 19);  // pretend debugging was not allowed
  ASSERT_ERROR_CONTAINS(bp::snp::verify_report_signature(changed, key), "attestation report signature");
  changed = report;
  changed.signature.s[0] ^= 1;
  assert_false(bp::snp::verify_report_signature(changed, key).ok());
  changed = report;
  changed.signature_algo = 2;
  ASSERT_ERROR_CONTAINS(bp::snp::verify_report_signature(changed, key), "signature algorithm 2");
}

void test_milan_tcb_decoding(void **) {
  AttestationReport report = ASSERT_OK(bp::snp::parse_report(load_report()));
  bp::snp::TcbLayout layout = ASSERT_OK(report.tcb_layout());
  assert_int_equal(static_cast<int>(layout), static_cast<int>(bp::snp::TcbLayout::milan_genoa));
  // Listing: {'bl': 2, 'tee': 0, 'snp': 5, 'ucode': 68} for all four TCBs.
  for (uint64_t raw : {report.current_tcb, report.reported_tcb, report.committed_tcb, report.launch_tcb}) {
    bp::snp::TcbParts parts = ASSERT_OK(bp::snp::decode_tcb(raw, layout));
    assert_false(parts.fmc.has_value());
    assert_int_equal(parts.bootloader, 2);
    assert_int_equal(parts.tee, 0);
    assert_int_equal(parts.snp, 5);
    assert_int_equal(parts.microcode, 68);
    assert_int_equal(ASSERT_OK(bp::snp::encode_tcb(parts, layout)), raw);
  }
}

void test_tcb_layouts(void **) {
  using bp::snp::TcbLayout;
  // snp.md 1.2: Milan 0x7308000000000003 and Turin 0x5200000004010101.
  bp::snp::TcbParts milan = ASSERT_OK(bp::snp::decode_tcb(0x7308000000000003, TcbLayout::milan_genoa));
  assert_int_equal(milan.bootloader, 3);
  assert_int_equal(milan.tee, 0);
  assert_int_equal(milan.snp, 8);
  assert_int_equal(milan.microcode, 115);
  bp::snp::TcbParts turin = ASSERT_OK(bp::snp::decode_tcb(0x5200000004010101, TcbLayout::turin));
  assert_int_equal(*turin.fmc, 1);
  assert_int_equal(turin.bootloader, 1);
  assert_int_equal(turin.tee, 1);
  assert_int_equal(turin.snp, 4);
  assert_int_equal(turin.microcode, 82);
  assert_int_equal(ASSERT_OK(bp::snp::encode_tcb(turin, TcbLayout::turin)), 0x5200000004010101);
  // Reserved bytes of the layout set, FMC in the wrong layout.
  ASSERT_ERROR_CONTAINS(bp::snp::decode_tcb(0x5200000004010101, TcbLayout::milan_genoa), "reserved bytes");
  ASSERT_ERROR_CONTAINS(bp::snp::decode_tcb(0x7308000000000003, TcbLayout::turin), "reserved bytes");
  ASSERT_ERROR_CONTAINS(bp::snp::encode_tcb(turin, TcbLayout::milan_genoa),
                        "FMC value is not part of the Milan/Genoa layout");
  milan.fmc.reset();
  ASSERT_ERROR_CONTAINS(bp::snp::encode_tcb(milan, TcbLayout::turin),
                        "FMC value is required by the Turin layout");
}

// A synthetic report of a given version with recognisable values.
AttestationReport synthetic(uint32_t version) {
  AttestationReport r;
  r.version = version;
  r.guest_svn = 7;
  r.policy = 0x30000;
  r.vmpl = 1;
  r.signature_algo = 1;
  r.key_info = 0x4;  // VLEK
  for (size_t i = 0; i < r.report_data.size(); ++i) r.report_data[i] = static_cast<uint8_t>(i);
  r.chip_id[0] = 0xaa;
  r.current_tcb = r.reported_tcb = r.committed_tcb = r.launch_tcb = 0x5200000004010101;
  r.current = {1, 55, 40};
  r.committed = {1, 55, 39};
  if (version >= 3) {
    r.cpuid_fam_id = 0x1a;
    r.cpuid_mod_id = 0x02;
    r.cpuid_step = 1;
  }
  if (version >= 5) {
    r.launch_mit_vector = 0x11;
    r.current_mit_vector = 0x33;
  }
  r.signature.r[0] = 0x01;
  r.signature.s[47] = 0x02;
  return r;
}

void test_versions_round_trip(void **) {
  for (uint32_t version : {2u, 3u, 4u, 5u}) {
    AttestationReport r = synthetic(version);
    bp::Bytes raw = ASSERT_OK(bp::snp::serialize_report(r));
    assert_int_equal(raw.size(), bp::snp::kReportSize);
    assert_int_equal(bp::load_le32(raw.data() + 0x48), 4);  // key_info at 0x48
    assert_int_equal(raw[0x2a0], 0x01);                     // R at 0x2A0
    assert_int_equal(raw[0x2e8 + 47], 0x02);                // S at 0x2E8
    AttestationReport back = ASSERT_OK(bp::snp::parse_report(raw));
    assert_int_equal(back.signing_key(), 1);
    if (version >= 3) {
      assert_int_equal(raw[0x188], 0x1a);
      assert_int_equal(back.cpuid_fam_id, 0x1a);
      assert_int_equal(back.cpuid_step, 1);
    }
    if (version >= 5) {
      assert_int_equal(bp::load_le64(raw.data() + 0x1f8), 0x11);
      assert_int_equal(bp::load_le64(raw.data() + 0x200), 0x33);
      assert_int_equal(back.current_mit_vector, 0x33);
    }
    assert_int_equal(static_cast<int>(ASSERT_OK(back.tcb_layout())),
                     static_cast<int>(bp::snp::TcbLayout::turin));
    bp::Bytes again = ASSERT_OK(bp::snp::serialize_report(back));
    assert_true(again == raw);
  }
}

void test_fields_a_version_cannot_carry(void **) {
  AttestationReport r = synthetic(2);
  r.cpuid_fam_id = 0x19;
  ASSERT_ERROR_CONTAINS(bp::snp::serialize_report(r), "version 2 has no CPUID fields");
  r = synthetic(3);
  r.launch_mit_vector = 1;
  ASSERT_ERROR_CONTAINS(bp::snp::serialize_report(r), "version 3 has no mitigation vectors");
  r = synthetic(6);
  ASSERT_ERROR_CONTAINS(bp::snp::serialize_report(r), "unsupported version 6");
}

void test_rejects_wrong_sizes(void **) {
  bp::Bytes raw = load_report();
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report(bp::ByteView(raw.data(), 1183)), "1183 bytes, expected 1184");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report(bp::ByteView()), "0 bytes, expected 1184");
  raw.push_back(0);
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report(raw), "1185 bytes, expected 1184");
  // Every truncation fails cleanly (ASan watches the reads).
  for (size_t n = 0; n < bp::snp::kReportSize; n += 37) {
    assert_false(bp::snp::parse_report(bp::ByteView(raw.data(), n)).ok());
  }
}

void test_rejects_bad_versions(void **) {
  bp::Bytes raw = load_report();
  for (uint32_t version : {0u, 1u, 6u, 0xffffffffu}) {
    bp::store_le32(raw.data(), version);
    ASSERT_ERROR_CONTAINS(bp::snp::parse_report(raw), "unsupported version");
  }
}

void test_rejects_nonzero_reserved(void **) {
  const struct {
    size_t offset;
    const char *field;
  } cases[] = {
      {0x04c, "reserved_0"},         {0x188, "reserved_1"},         {0x19f, "reserved_1"},
      {0x1eb, "reserved_2"},         {0x1ef, "reserved_3"},         {0x1f8, "mit_vectors"},
      {0x207, "mit_vectors"},        {0x208, "reserved_4"},         {0x29f, "reserved_4"},
      {0x330, "signature_reserved"}, {0x49f, "signature_reserved"},
  };
  for (const auto &c : cases) {
    bp::Bytes raw = load_report();  // version 2: CPUID bytes and MIT vectors are reserved
    raw[c.offset] = 0x01;
    ASSERT_ERROR_CONTAINS(bp::snp::parse_report(raw), c.field);
  }
  bp::Bytes raw = load_report();
  raw[0x48] = 0x20;  // key_info bit 5
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report(raw), "key_info 0x00000020 has reserved bits set");
  // In version 3 the CPUID bytes are fields, the rest of 0x188..0x19F stays reserved.
  raw = ASSERT_OK(bp::snp::serialize_report(synthetic(3)));
  raw[0x18b] = 1;
  ASSERT_ERROR_CONTAINS(bp::snp::parse_report(raw), "reserved_1");
}

void test_tcb_layout_detection(void **) {
  AttestationReport r = synthetic(3);
  r.cpuid_fam_id = 0x19;
  assert_int_equal(static_cast<int>(ASSERT_OK(r.tcb_layout())),
                   static_cast<int>(bp::snp::TcbLayout::milan_genoa));
  r.cpuid_fam_id = 0x17;
  ASSERT_ERROR_CONTAINS(r.tcb_layout(), "unknown CPU family 0x17");
  r = synthetic(2);
  r.chip_id.fill(0);
  ASSERT_ERROR_CONTAINS(r.tcb_layout(), "masked chip ID");
}

}  // namespace

RUN_TESTS("snp/report", cmocka_unit_test(test_milan_report_every_field),
          cmocka_unit_test(test_milan_report_round_trip), cmocka_unit_test(test_milan_signature),
          cmocka_unit_test(test_milan_tcb_decoding), cmocka_unit_test(test_tcb_layouts),
          cmocka_unit_test(test_versions_round_trip), cmocka_unit_test(test_fields_a_version_cannot_carry),
          cmocka_unit_test(test_rejects_wrong_sizes), cmocka_unit_test(test_rejects_bad_versions),
          cmocka_unit_test(test_rejects_nonzero_reserved), cmocka_unit_test(test_tcb_layout_detection))
