// The extended-report certificate table: known GUIDs, build/parse round trip,
// and every kind of malformed table a host could hand the guest.
#include "lib/core/byte_order.h"
#include "lib/core/byte_writer.h"
#include "lib/snp/cert_table.h"
#include "tests/unit/test_support.h"

namespace {

using bp::snp::CertKind;
using bp::snp::CertTable;

bp::Bytes filled(size_t n, uint8_t v) { return bp::Bytes(n, v); }

CertTable sample_table() {
  CertTable t;
  t.entries.push_back({bp::snp::cert_kind_guid(CertKind::vcek), filled(100, 0xc1)});
  t.entries.push_back({bp::snp::cert_kind_guid(CertKind::ask), filled(50, 0xa5)});
  t.entries.push_back({bp::snp::cert_kind_guid(CertKind::ark), filled(7, 0xa4)});
  return t;
}

struct RawEntry {
  const char *guid_hex;
  uint32_t offset;
  uint32_t length;
};

// A raw table: the entries, the terminator, then `tail` zero bytes.
bp::Bytes raw_table(std::initializer_list<RawEntry> entries, size_t tail, bool terminate = true) {
  bp::ByteWriter w;
  for (const RawEntry &e : entries) {
    w.bytes(unhex(e.guid_hex));
    w.u32_le(e.offset);
    w.u32_le(e.length);
  }
  if (terminate) w.zeros(24);
  w.zeros(tail);
  return w.release();
}

const char kVcekHex[] = "63da758de6644564adc5f4b93be8accd";
const char kAskHex[] = "4ab7b379bbac4fe4a02f05aef327c782";

void test_known_guids(void **) {
  // snp.md 2.4: stored in RFC 4122 order, as printed.
  assert_string_equal(bp::snp::cert_kind_guid(CertKind::vcek).to_string().c_str(),
                      "63da758d-e664-4564-adc5-f4b93be8accd");
  assert_string_equal(bp::snp::cert_kind_guid(CertKind::vlek).to_string().c_str(),
                      "a8074bc2-a25a-483e-aae6-39c045a0b8a1");
  assert_string_equal(bp::snp::cert_kind_guid(CertKind::ask).to_string().c_str(),
                      "4ab7b379-bbac-4fe4-a02f-05aef327c782");
  assert_string_equal(bp::snp::cert_kind_guid(CertKind::ark).to_string().c_str(),
                      "c0b406a4-a803-4952-9743-3fb6014cd0ae");
  assert_string_equal(bp::snp::cert_kind_guid(CertKind::crl).to_string().c_str(),
                      "92f81bc3-5811-4d3d-97ff-d19f88dc67ea");
  ASSERT_BYTES_EQUAL(bp::ByteView(bp::snp::cert_kind_guid(CertKind::vcek).bytes.data(), 16), kVcekHex);
  for (CertKind k : {CertKind::vcek, CertKind::vlek, CertKind::ask, CertKind::ark, CertKind::crl}) {
    assert_int_equal(static_cast<int>(bp::snp::cert_kind_of(bp::snp::cert_kind_guid(k))),
                     static_cast<int>(k));
  }
  bp::snp::Guid other = ASSERT_OK(bp::snp::Guid::parse("ecae0c0f-9502-43b1-afa2-0ae2e0d565b6"));
  assert_int_equal(static_cast<int>(bp::snp::cert_kind_of(other)), static_cast<int>(CertKind::other));
  assert_string_equal(bp::snp::cert_kind_name(CertKind::vcek), "VCEK");
  assert_string_equal(bp::snp::cert_kind_name(CertKind::other), "OTHER");
  ASSERT_ERROR_CONTAINS(bp::snp::Guid::parse("ecae0c0f-9502-43b1-afa2-0ae2e0d565b"), "36 characters");
  ASSERT_ERROR_CONTAINS(bp::snp::Guid::parse("ecae0c0f_9502-43b1-afa2-0ae2e0d565b6"), "expected '-' at 8");
  ASSERT_ERROR_CONTAINS(bp::snp::Guid::parse("ecae0c0f-9502-43b1-afa2-0ae2e0d565bx"), "invalid character");
}

void test_build_and_parse(void **) {
  bp::Bytes raw = ASSERT_OK(bp::snp::build_cert_table(sample_table()));
  assert_int_equal(raw.size(), 4 * 24 + 157);
  ASSERT_BYTES_EQUAL(bp::ByteView(raw.data(), 16), kVcekHex);
  assert_int_equal(bp::load_le32(raw.data() + 16), 96);  // data right after the terminator
  assert_int_equal(bp::load_le32(raw.data() + 20), 100);
  assert_int_equal(bp::load_le32(raw.data() + 24 + 16), 196);
  assert_true(bp::is_all_zero(bp::ByteView(raw.data() + 72, 24)));
  CertTable t = ASSERT_OK(bp::snp::parse_cert_table(raw));
  assert_int_equal(t.entries.size(), 3);
  assert_true(t.find(CertKind::vcek)->data == filled(100, 0xc1));
  assert_true(t.find(CertKind::ask)->data == filled(50, 0xa5));
  assert_true(t.find(CertKind::ark)->data == filled(7, 0xa4));
  assert_null(t.find(CertKind::vlek));
  // Trailing padding (a page-sized buffer from /dev/sev-guest) is fine.
  raw.resize(4096, 0);
  t = ASSERT_OK(bp::snp::parse_cert_table(raw));
  assert_int_equal(t.entries.size(), 3);
}

void test_empty_tables(void **) {
  CertTable t = ASSERT_OK(bp::snp::parse_cert_table(bp::ByteView()));
  assert_true(t.empty());
  t = ASSERT_OK(bp::snp::parse_cert_table(bp::Bytes(16384, 0)));  // zero-filled: host had no certificates
  assert_true(t.empty());
  bp::Bytes raw = ASSERT_OK(bp::snp::build_cert_table(CertTable{}));
  assert_int_equal(raw.size(), 24);
  assert_true(bp::is_all_zero(raw));
}

void test_rejects_malformed(void **) {
  // No terminator, and truncated inside an entry.
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 48, 1}}, 0, false)),
                        "no terminating zero entry");
  bp::Bytes raw = raw_table({{kVcekHex, 48, 1}}, 1);
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(bp::ByteView(raw.data(), 30)), "truncated input");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(bp::ByteView(raw.data(), 10)), "entry 0");
  // Data inside the table itself (header is 48 bytes here).
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 0, 10}}, 10)),
                        "offset 0 points into the table (which ends at 48)");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 47, 10}}, 10)),
                        "points into the table");
  // Past the end, including 32-bit wrap-around.
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 48, 11}}, 10)), "past the end");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 0xffffffff, 2}}, 10)),
                        "past the end");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 49, 0xffffffff}}, 10)),
                        "past the end");
  // Empty, overlapping and duplicate entries.
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 48, 0}}, 10)), "empty");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 72, 10}, {kAskHex, 81, 5}}, 20)),
                        "entry 1 (4ab7b379-bbac-4fe4-a02f-05aef327c782): overlaps entry 0");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(raw_table({{kVcekHex, 72, 10}, {kVcekHex, 82, 5}}, 20)),
                        "duplicate of entry 0");
  bp::Bytes adjacent = raw_table({{kVcekHex, 72, 10}, {kAskHex, 82, 5}}, 20);
  CertTable ok = ASSERT_OK(bp::snp::parse_cert_table(adjacent));
  assert_int_equal(ok.entries.size(), 2);
  // A zero GUID with a non-zero offset is not a terminator.
  ASSERT_ERROR_CONTAINS(
      bp::snp::parse_cert_table(raw_table({{"00000000000000000000000000000000", 48, 1}}, 10)),
      "zero GUID with offset 48 length 1");
}

void test_limits(void **) {
  // 33 entries.
  bp::ByteWriter w;
  for (int i = 0; i < 33; ++i) {
    bp::Bytes guid = unhex(kVcekHex);
    guid[15] = static_cast<uint8_t>(i);
    w.bytes(guid);
    w.u32_le(34 * 24 + static_cast<uint32_t>(i));
    w.u32_le(1);
  }
  w.zeros(24 + 33);
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(w.data()), "more than 32 entries");
  ASSERT_ERROR_CONTAINS(bp::snp::parse_cert_table(bp::Bytes(size_t{64} * 1024 + 1, 0)),
                        "more than the limit of 65536");
  CertTable big;
  big.entries.push_back({bp::snp::cert_kind_guid(CertKind::vcek), filled(size_t{64} * 1024, 1)});
  ASSERT_ERROR_CONTAINS(bp::snp::build_cert_table(big), "limit of 65536 bytes");
  CertTable dup = sample_table();
  dup.entries.push_back(sample_table().entries[0]);
  ASSERT_ERROR_CONTAINS(bp::snp::build_cert_table(dup), "duplicate entry 63da758d");
  CertTable empty_entry;
  empty_entry.entries.push_back({bp::snp::cert_kind_guid(CertKind::ark), {}});
  ASSERT_ERROR_CONTAINS(bp::snp::build_cert_table(empty_entry), "empty entry");
}

void test_every_truncation(void **) {
  bp::Bytes raw = ASSERT_OK(bp::snp::build_cert_table(sample_table()));
  for (size_t n = 1; n < raw.size(); ++n) {
    // Under ASan: no out-of-bounds read for any prefix.
    assert_false(bp::snp::parse_cert_table(bp::ByteView(raw.data(), n)).ok());
  }
}

}  // namespace

RUN_TESTS("snp/cert_table", cmocka_unit_test(test_known_guids), cmocka_unit_test(test_build_and_parse),
          cmocka_unit_test(test_empty_tables), cmocka_unit_test(test_rejects_malformed),
          cmocka_unit_test(test_limits), cmocka_unit_test(test_every_truncation))
