// Typed accessors of Json: values, and errors that name the JSON path.
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/json/json.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_write.h"
#include "tests/unit/test_support.h"

namespace {

bp::Json parse(const char *text) { return ASSERT_OK(bp::parse_json(text, 1 << 20, 64)); }

#define ASSERT_ERROR_EQUAL(expr, text)                                                        \
  do {                                                                                        \
    auto r_ = (expr);                                                                         \
    if (r_.ok()) fail_msg("%s: expected the error '%s'", #expr, text);                        \
    if (r_.error().message() != (text))                                                       \
      fail_msg("%s:\n got    '%s'\n wanted '%s'", #expr, r_.error().message().c_str(), text); \
  } while (0)

const char kConfig[] = R"({
  "disks": {"root": {"offset": "4096", "size": 1048576, "verity": "00ff", "key": null}},
  "mounts": [
    {"type": "proc"}, {"type": "sysfs"}, {"type": "tmpfs"}, {"type": 7}
  ],
  "debug": false,
  "level": -3,
  "ratio": 0.5,
  "args": ["/bin/sh", "-c", 5],
  "name": "pod"
})";

// The shape from the brief: chained lookups, one TRY.
bp::Result<uint64_t> read_root_offset(const bp::Json &config) {
  auto root = TRY(config.object("disks")).object("root");
  uint64_t offset = TRY(root.get_u64("offset"));
  return offset;
}

void test_errors_name_the_path(void **) {
  bp::Json config = parse(kConfig);
  ASSERT_ERROR_EQUAL(read_root_offset(config),
                     "$.disks.root.offset: expected an unsigned integer, got string");
  ASSERT_ERROR_EQUAL(config.object("disks").object("data").get_u64("offset"), "$.disks.data: missing");
  ASSERT_ERROR_EQUAL(config.object("nope").object("root").get_u64("offset"), "$.nope: missing");
  ASSERT_ERROR_EQUAL(config.object("name"), "$.name: expected an object, got string");
  ASSERT_ERROR_EQUAL(config.array("disks"), "$.disks: expected an array, got object");
  ASSERT_ERROR_EQUAL(config.object("mounts").get_string("type"), "$.mounts: expected an object, got array");
  ASSERT_ERROR_EQUAL(config.array("mounts").at(3).get_string("type"),
                     "$.mounts[3].type: expected a string, got integer");
  ASSERT_ERROR_EQUAL(config.array("mounts").at(4), "$.mounts[4]: missing (the array has 4 elements)");
  ASSERT_ERROR_EQUAL(config.member("name").at(0), "$.name: expected an array, got string");
  uint64_t size = ASSERT_OK(config.object("disks").object("root").get_u64("size"));
  assert_int_equal(size, 1048576);
  bp::Json root = ASSERT_OK(config.object("disks").object("root"));
  assert_string_equal(root.path().c_str(), "$.disks.root");
  // Parsing starts the chain too; a parse error travels to the end of it.
  assert_int_equal(ASSERT_OK(bp::parse_json(R"({"a": {"b": 7}})", 100, 4).object("a").get_u64("b")), 7);
  ASSERT_ERROR_EQUAL(bp::parse_json("{\"a\": ", 100, 4).object("a").get_u64("b"),
                     "invalid JSON at line 1, column 6, position 6: unexpected token near end of file");
}

void test_scalars(void **) {
  bp::Json config = parse(kConfig);
  assert_string_equal(ASSERT_OK(config.get_string("name")).c_str(), "pod");
  assert_false(ASSERT_OK(config.get_bool("debug")));
  assert_int_equal(ASSERT_OK(config.get_i64("level")), -3);
  ASSERT_ERROR_EQUAL(config.get_string("debug"), "$.debug: expected a string, got boolean");
  ASSERT_ERROR_EQUAL(config.get_bool("name"), "$.name: expected a boolean, got string");
  ASSERT_ERROR_EQUAL(config.get_bool("level"), "$.level: expected a boolean, got integer");
  ASSERT_ERROR_EQUAL(config.get_i64("ratio"), "$.ratio: expected an integer, got real");
  ASSERT_ERROR_EQUAL(config.get_i64("args"), "$.args: expected an integer, got array");
  ASSERT_ERROR_EQUAL(config.get_u64("level"), "$.level: expected an unsigned integer, got -3");
  ASSERT_ERROR_EQUAL(config.get_u64("ratio"), "$.ratio: expected an unsigned integer, got real");
  ASSERT_ERROR_EQUAL(config.object("disks").object("root").get_u64("key"),
                     "$.disks.root.key: expected an unsigned integer, got null");
  ASSERT_ERROR_EQUAL(config.get_string("missing"), "$.missing: missing");
  ASSERT_ERROR_EQUAL(config.member("name").get_string("x"), "$.name: expected an object, got string");
}

void test_integer_ranges(void **) {
  bp::Json doc = parse(R"({"max": 9223372036854775807, "min": -9223372036854775808, "byte": 255,
                           "big": 256, "zero": 0, "whole": 5.0})");
  assert_true(ASSERT_OK(doc.get_u64("max")) == 9223372036854775807ULL);
  assert_true(ASSERT_OK(doc.get_i64("min")) == INT64_MIN);
  assert_int_equal(ASSERT_OK(doc.get_u64("byte", 255)), 255);
  assert_int_equal(ASSERT_OK(doc.get_u64("zero", 0)), 0);
  ASSERT_ERROR_EQUAL(doc.get_u64("big", 255), "$.big: expected an unsigned integer of at most 255, got 256");
  ASSERT_ERROR_EQUAL(doc.get_u64("min"), "$.min: expected an unsigned integer, got -9223372036854775808");
  // An integral real is still not an integer.
  ASSERT_ERROR_EQUAL(doc.get_u64("whole"), "$.whole: expected an unsigned integer, got real");
}

void test_optional_members(void **) {
  bp::Json config = parse(kConfig);
  bp::Json root = ASSERT_OK(config.object("disks").object("root"));
  assert_false(ASSERT_OK(root.optional_string("label")).has_value());
  assert_false(ASSERT_OK(root.optional_u64("key")).has_value());  // null is absent
  assert_false(ASSERT_OK(root.optional_object("key")).has_value());
  assert_false(ASSERT_OK(config.optional_bool("verbose")).has_value());
  assert_false(ASSERT_OK(config.optional_i64("x")).has_value());
  assert_false(ASSERT_OK(config.optional_array("x")).has_value());
  assert_false(ASSERT_OK(config.optional_member("x")).has_value());
  assert_string_equal(ASSERT_OK(config.optional_string("name"))->c_str(), "pod");
  assert_int_equal(*ASSERT_OK(root.optional_u64("size")), 1048576);
  assert_int_equal(*ASSERT_OK(config.optional_i64("level")), -3);
  assert_false(*ASSERT_OK(config.optional_bool("debug")));
  assert_string_equal(ASSERT_OK(config.optional_object("disks"))->path().c_str(), "$.disks");
  assert_int_equal(ASSERT_OK(config.optional_array("mounts"))->size(), 4);
  ASSERT_ERROR_EQUAL(root.optional_string("size"), "$.disks.root.size: expected a string, got integer");
  ASSERT_ERROR_EQUAL(root.optional_u64("offset"),
                     "$.disks.root.offset: expected an unsigned integer, got string");
  ASSERT_ERROR_EQUAL(root.optional_u64("size", 1000),
                     "$.disks.root.size: expected an unsigned integer of at most 1000, got 1048576");
  ASSERT_ERROR_EQUAL(config.optional_bool("name"), "$.name: expected a boolean, got string");
  ASSERT_ERROR_EQUAL(config.optional_i64("name"), "$.name: expected an integer, got string");
  ASSERT_ERROR_EQUAL(config.optional_object("mounts"), "$.mounts: expected an object, got array");
  ASSERT_ERROR_EQUAL(config.optional_array("disks"), "$.disks: expected an array, got object");
  ASSERT_ERROR_EQUAL(config.member("args").optional_string("x"), "$.args: expected an object, got array");
  ASSERT_ERROR_EQUAL(config.object("none").optional_string("x"), "$.none: missing");
}

void test_arrays(void **) {
  bp::Json config = parse(kConfig);
  std::vector<bp::Json> mounts = ASSERT_OK(config.array("mounts").elements());
  assert_int_equal(mounts.size(), 4);
  const char *types[] = {"proc", "sysfs", "tmpfs"};
  for (size_t i = 0; i < 3; ++i) {
    assert_string_equal(ASSERT_OK(mounts[i].get_string("type")).c_str(), types[i]);
    assert_string_equal(mounts[i].path().c_str(), bp::format("$.mounts[%zu]", i).c_str());
  }
  ASSERT_ERROR_EQUAL(mounts[3].get_string("type"), "$.mounts[3].type: expected a string, got integer");
  ASSERT_ERROR_EQUAL(config.get_strings("args"), "$.args[2]: expected a string, got integer");
  ASSERT_ERROR_EQUAL(config.get_strings("name"), "$.name: expected an array, got string");
  ASSERT_ERROR_EQUAL(config.member("name").elements(), "$.name: expected an array, got string");
  std::vector<std::string> args = ASSERT_OK(parse(R"({"args": ["a", "", "c"]})").get_strings("args"));
  assert_int_equal(args.size(), 3);
  assert_string_equal(args[2].c_str(), "c");
  assert_int_equal(ASSERT_OK(parse("[]").elements()).size(), 0);
  assert_int_equal(config.size(), 7);
  assert_int_equal(config.member("name").value().size(), 0);
}

void test_members_and_key_paths(void **) {
  bp::Json doc =
      parse(R"({"z": 1, "a.b": 2, "it's": 3, "tab\there": 4, "tee-pubkey": 5, "\u00e9": 6, "": 7})");
  std::vector<bp::JsonMember> members = ASSERT_OK(doc.members());
  const char *keys[] = {"z", "a.b", "it's", "tab\there", "tee-pubkey", "\xc3\xa9", ""};
  const char *paths[] = {"$.z",          "$['a.b']",        "$['it\\'s']", "$['tab\\x09here']",
                         "$.tee-pubkey", "$['\\xc3\\xa9']", "$['']"};
  assert_int_equal(members.size(), 7);
  for (size_t i = 0; i < 7; ++i) {  // document order
    assert_string_equal(members[i].key.c_str(), keys[i]);
    assert_string_equal(members[i].value.path().c_str(), paths[i]);
    assert_int_equal(ASSERT_OK(members[i].value.as_i64()), i + 1);
  }
  assert_true(doc.has("a.b"));
  assert_false(doc.has("b"));
  assert_false(parse("[1]").has("a"));
  ASSERT_ERROR_EQUAL(doc.get_string("a.b"), "$['a.b']: expected a string, got integer");
  ASSERT_ERROR_EQUAL(parse("[]").members(), "$: expected an object, got array");
  // Long keys are cut in messages.
  std::string long_key(100, 'k');
  bp::Json long_doc = ASSERT_OK(bp::parse_json("{\"" + long_key + "\": true}", 1000, 4));
  std::string expected = "$['" + long_key.substr(0, 64) + "...']: expected a string, got boolean";
  const char *expected_text = expected.c_str();
  ASSERT_ERROR_EQUAL(long_doc.get_string(long_key.c_str()), expected_text);
}

void test_only_keys(void **) {
  bp::Json config = parse(kConfig);
  ASSERT_OK(config.only_keys({"disks", "mounts", "debug", "level", "ratio", "args", "name"}));
  ASSERT_OK(config.object("disks").only_keys({"root", "data"}));
  ASSERT_ERROR_EQUAL(config.object("disks").object("root").only_keys({"offset", "size"}),
                     "unknown keys $.disks.root.verity, $.disks.root.key (expected only offset, size)");
  ASSERT_ERROR_EQUAL(config.array("mounts").at(0).only_keys({}),
                     "unknown key $.mounts[0].type (expected only none)");
  ASSERT_ERROR_EQUAL(config.array("mounts").only_keys({"type"}), "$.mounts: expected an object, got array");
  std::string many = "{";
  for (int i = 0; i < 20; ++i) many += bp::format("%s\"k%d\": %d", i ? ", " : "", i, i);
  bp::Json doc = ASSERT_OK(bp::parse_json(many + "}", 1000, 4));
  ASSERT_ERROR_EQUAL(
      doc.only_keys({"k0", "k2"}),
      "unknown keys $.k1, $.k3, $.k4, $.k5, $.k6, $.k7, $.k8, $.k9 and 10 more (expected only k0, k2)");
  // Keys with odd bytes are escaped in the list.
  ASSERT_ERROR_EQUAL(parse(R"({"a\u001b[2J": 1})").only_keys({"a"}),
                     "unknown key $['a\\x1b[2J'] (expected only a)");
}

void test_byte_arrays(void **) {
  bp::Json doc = parse(R"({"id": [0, 1, 127, 128, 255], "big": [1, 256], "neg": [-1], "str": [1, "2"],
                           "real": [1.0], "empty": [], "obj": {}})");
  bp::Bytes id = ASSERT_OK(doc.get_byte_array("id", 5));
  ASSERT_BYTES_EQUAL(id, "00017f80ff");
  ASSERT_BYTES_EQUAL(ASSERT_OK(doc.get_byte_array("id")), "00017f80ff");
  assert_int_equal(ASSERT_OK(doc.get_byte_array("empty", 0)).size(), 0);
  ASSERT_ERROR_EQUAL(doc.get_byte_array("id", 4), "$.id: expected 4 bytes, got 5");
  ASSERT_ERROR_EQUAL(doc.get_byte_array("id", 6), "$.id: expected 6 bytes, got 5");
  ASSERT_ERROR_EQUAL(doc.get_byte_array("big"), "$.big[1]: expected an integer 0..255, got 256");
  ASSERT_ERROR_EQUAL(doc.get_byte_array("neg"), "$.neg[0]: expected an integer 0..255, got -1");
  ASSERT_ERROR_EQUAL(doc.get_byte_array("str"), "$.str[1]: expected an integer 0..255, got string");
  ASSERT_ERROR_EQUAL(doc.get_byte_array("real"), "$.real[0]: expected an integer 0..255, got real");
  ASSERT_ERROR_EQUAL(doc.get_byte_array("obj"), "$.obj: expected an array of bytes, got object");
  ASSERT_ERROR_EQUAL(doc.get_byte_array("none"), "$.none: missing");
}

void test_encoded_strings(void **) {
  bp::Json doc = parse(
      R"({"hex": "00ffAB", "b64": "Zm9vYg==", "b64url": "-_8", "bad": "0g", "plus": "+/8=", "num": 1})");
  ASSERT_BYTES_EQUAL(ASSERT_OK(doc.get_hex("hex", 3)), "00ffab");
  ASSERT_BYTES_EQUAL(ASSERT_OK(doc.get_base64("b64")), "666f6f62");
  ASSERT_BYTES_EQUAL(ASSERT_OK(doc.get_base64url("b64url", 2)), "fbff");
  ASSERT_ERROR_EQUAL(doc.get_hex("hex", 32), "$.hex: expected 32 bytes, got 3");
  ASSERT_ERROR_EQUAL(doc.get_base64("b64", 3), "$.b64: expected 3 bytes, got 4");
  ASSERT_ERROR_CONTAINS(doc.get_hex("bad"), "$.bad: invalid hex: ");
  ASSERT_ERROR_CONTAINS(doc.get_base64("b64url"), "$.b64url: invalid base64: ");
  ASSERT_ERROR_CONTAINS(doc.get_base64url("plus"), "$.plus: invalid base64url: ");
  ASSERT_ERROR_EQUAL(doc.get_hex("num"), "$.num: expected a string, got integer");
  ASSERT_ERROR_EQUAL(doc.get_base64("none"), "$.none: missing");
  ASSERT_ERROR_EQUAL(doc.member("hex").get_base64url("x"), "$.hex: expected an object, got string");
}

enum class Flavour { production, debug };

void test_enums(void **) {
  bp::Json doc = parse(R"({"flavour": "debug", "bad": "prod\u001b", "num": 1, "none": null,
                           "list": ["production", "x"]})");
  std::initializer_list<std::pair<const char *, Flavour>> names = {{"production", Flavour::production},
                                                                   {"debug", Flavour::debug}};
  assert_true(ASSERT_OK(doc.get_enum<Flavour>("flavour", names)) == Flavour::debug);
  assert_true(*ASSERT_OK(doc.optional_enum<Flavour>("flavour", names)) == Flavour::debug);
  assert_false(ASSERT_OK(doc.optional_enum<Flavour>("none", names)).has_value());
  assert_false(ASSERT_OK(doc.optional_enum<Flavour>("absent", names)).has_value());
  assert_true(ASSERT_OK(doc.array("list").at(0).as_enum<Flavour>(names)) == Flavour::production);
  ASSERT_ERROR_EQUAL(doc.get_enum<Flavour>("bad", names),
                     "$.bad: expected one of 'production', 'debug', got 'prod\\x1b'");
  ASSERT_ERROR_EQUAL(doc.array("list").at(1).as_enum<Flavour>(names),
                     "$.list[1]: expected one of 'production', 'debug', got 'x'");
  ASSERT_ERROR_EQUAL(doc.optional_enum<Flavour>("num", names), "$.num: expected a string, got integer");
  ASSERT_ERROR_EQUAL(doc.object("x").get_enum<Flavour>("flavour", names), "$.x: missing");
}

void test_copies_share_and_outlive(void **) {
  bp::Json copy;
  assert_true(copy.is_null());
  assert_string_equal(copy.path().c_str(), "$");
  {
    bp::Json doc = parse(R"({"a": {"b": "text"}})");
    bp::Json inner = ASSERT_OK(doc.object("a"));
    copy = inner;  // the document goes out of scope; the copy keeps it alive
    bp::Json assigned;
    assigned = copy;
    // NOLINTNEXTLINE(clang-diagnostic-self-assign-overloaded): self-assignment is the case under test
    assigned = assigned;
    bp::Json moved(std::move(inner));
    assert_true(inner.is_null());  // NOLINT: a moved-from Json is null
    assert_string_equal(moved.path().c_str(), "$.a");
    moved = std::move(assigned);
    assert_string_equal(moved.path().c_str(), "$.a");
  }
  assert_string_equal(ASSERT_OK(copy.get_string("b")).c_str(), "text");
  assert_string_equal(copy.path().c_str(), "$.a");
}

void test_type_names(void **) {
  bp::Json doc = parse(R"([{}, [], "", 1, 1.5, true, false, null])");
  const char *names[] = {"object", "array", "string", "integer", "real", "boolean", "boolean", "null"};
  std::vector<bp::Json> items = ASSERT_OK(doc.elements());
  for (size_t i = 0; i < items.size(); ++i) assert_string_equal(items[i].type_name(), names[i]);
}

// The real evidence a Trustee attester sends: byte arrays as integer arrays.
void test_snp_evidence_fixture(void **) {
  std::string text = ASSERT_OK(bp::read_text_file("tests/data/trustee/snp-evidence-genoa.json", 1 << 16));
  bp::Json evidence = ASSERT_OK(bp::parse_json(text, 1 << 16, 8));
  ASSERT_OK(evidence.only_keys({"attestation_report", "cert_chain"}));
  bp::JsonResult report = evidence.object("attestation_report");
  assert_int_equal(ASSERT_OK(report.get_u64("version", UINT32_MAX)), 3);
  assert_int_equal(ASSERT_OK(report.get_u64("policy")), 196608);
  assert_int_equal(ASSERT_OK(report.get_u64("cpuid_mod_id", 255)), 160);
  ASSERT_BYTES_EQUAL(ASSERT_OK(report.get_byte_array("measurement", 48)),
                     "6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4"
                     "ae62a36d75c837974dd50b315506e73e");
  ASSERT_BYTES_EQUAL(ASSERT_OK(report.get_byte_array("report_data", 64)),
                     "7e7320889600c7ac133aea7b896c51f41026002982292a7369559796999c1bf9"
                     "29eef3ff23c46e858f0b1982f9a92b17c51b578d958cde6b0c92978f150cf9b0");
  assert_false(ASSERT_OK(report.object("current_tcb").optional_u64("fmc", 255)).has_value());
  assert_int_equal(ASSERT_OK(report.object("current_tcb").get_u64("snp", 255)), 23);
  assert_int_equal(ASSERT_OK(report.object("signature").get_byte_array("r", 72)).size(), 72);
  ASSERT_ERROR_EQUAL(report.get_byte_array("chip_id", 48),
                     "$.attestation_report.chip_id: expected 48 bytes, got 64");
  bp::Json cert = ASSERT_OK(evidence.array("cert_chain").at(0));
  assert_string_equal(ASSERT_OK(cert.get_string("cert_type")).c_str(), "VCEK");
  bp::Bytes der = ASSERT_OK(cert.get_byte_array("data"));
  assert_int_equal(der.size(), 1347);
  assert_int_equal(der[0], 0x30);  // a DER SEQUENCE
  // The fixture is compact JSON: writing it back gives the same bytes.
  assert_true(ASSERT_OK(bp::json_compact(evidence)) == text);
}

}  // namespace

RUN_TESTS("json/access", cmocka_unit_test(test_errors_name_the_path), cmocka_unit_test(test_scalars),
          cmocka_unit_test(test_integer_ranges), cmocka_unit_test(test_optional_members),
          cmocka_unit_test(test_arrays), cmocka_unit_test(test_members_and_key_paths),
          cmocka_unit_test(test_only_keys), cmocka_unit_test(test_byte_arrays),
          cmocka_unit_test(test_encoded_strings), cmocka_unit_test(test_enums),
          cmocka_unit_test(test_copies_share_and_outlive), cmocka_unit_test(test_type_names),
          cmocka_unit_test(test_snp_evidence_fixture))
