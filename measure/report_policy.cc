#include "measure/report_policy.h"

#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/json/json_parse.h"
#include "measure/options.h"

namespace bp::measure {

namespace {

constexpr size_t kMaxPolicySize = size_t{1} << 20;
constexpr size_t kMaxPolicyDepth = 16;
constexpr uint64_t kPolicySmt = 1ull << 16;
constexpr uint64_t kPolicyMigrateMa = 1ull << 18;
constexpr uint64_t kPolicyDebug = 1ull << 19;
constexpr uint64_t kPlatformSmtEnabled = 1ull << 0;

Result<Bytes> hex_member(const Json &value, size_t min_size, size_t max_size) {
  std::string text = TRY(value.as_string());
  Result<Bytes> bytes = hex_decode(text);
  if (!bytes.ok() || bytes.value().size() < min_size || bytes.value().size() > max_size) {
    if (min_size == max_size) {
      return Error(format("%s: expected %zu hexadecimal digits", value.path().c_str(), 2 * min_size));
    }
    return Error(format("%s: expected %zu to %zu hexadecimal digits (an even number)", value.path().c_str(),
                        2 * min_size, 2 * max_size));
  }
  return bytes.release_value();
}

// "0x30000", "196608", or a JSON integer.
Result<uint64_t> integer_member(const Json &value) {
  if (value.is_string()) {
    std::string text = TRY(value.as_string());
    return TRY_CONTEXT(parse_integer_option(value.path(), text), value.path());
  }
  return value.as_u64();
}

Result<MinimumTcb> parse_minimum_tcb(const Json &o, bool strict) {
  if (strict) TRY(o.only_keys({"fmc", "bootloader", "tee", "snp", "microcode"}));
  MinimumTcb t;
  auto component = [&](const char *key) -> Result<uint8_t> {
    return static_cast<uint8_t>(TRY(o.optional_u64(key, 255)).value_or(0));
  };
  t.bootloader = TRY(component("bootloader"));
  t.tee = TRY(component("tee"));
  t.snp = TRY(component("snp"));
  t.microcode = TRY(component("microcode"));
  std::optional<uint64_t> fmc = TRY(o.optional_u64("fmc", 255));
  if (fmc) t.fmc = static_cast<uint8_t>(*fmc);
  return t;
}

Result<ReportPolicy> parse_reference_values(const Json &doc) {
  ReportPolicy p;
  Json snp = TRY(doc.object("snp"));
  for (const Json &entry : TRY(snp.array("measurements").elements())) {
    p.measurements.push_back(TRY(hex_member(TRY(entry.member("launch_digest")), 48, 48)));
  }
  if (p.measurements.empty()) return Error(snp.path() + ".measurements: empty");
  p.allow_debug = TRY(snp.get_bool("allow_debug"));
  p.guest_policy = TRY(integer_member(TRY(snp.member("guest_policy"))));
  std::optional<Json> host_data = TRY(snp.optional_member("host_data"));
  if (host_data) p.host_data = TRY(hex_member(*host_data, 32, 32));
  p.minimum_tcb = TRY(parse_minimum_tcb(TRY(snp.object("minimum_tcb")), false));
  // The test broker's defaults: VMPL 0, no migration agent.
  p.vmpls = {0};
  return p;
}

Result<ReportPolicy> parse_policy(const Json &doc) {
  TRY(doc.only_keys({"version", "allow_debug", "allow_migration_agent", "allow_smt", "measurements",
                     "minimum_tcb", "vmpls", "host_data", "report_data", "guest_policy"}));
  ReportPolicy p;
  p.allow_debug = TRY(doc.optional_bool("allow_debug")).value_or(false);
  p.allow_migration_agent = TRY(doc.optional_bool("allow_migration_agent")).value_or(false);
  p.allow_smt = TRY(doc.optional_bool("allow_smt"));
  if (std::optional<Json> list = TRY(doc.optional_array("measurements"))) {
    for (const Json &m : TRY(list->elements())) p.measurements.push_back(TRY(hex_member(m, 48, 48)));
    if (p.measurements.empty()) return Error(list->path() + ": empty (omit it to allow any measurement)");
  }
  if (std::optional<Json> tcb = TRY(doc.optional_object("minimum_tcb"))) {
    p.minimum_tcb = TRY(parse_minimum_tcb(*tcb, true));
  }
  if (std::optional<Json> list = TRY(doc.optional_array("vmpls"))) {
    for (const Json &v : TRY(list->elements())) p.vmpls.push_back(static_cast<uint32_t>(TRY(v.as_u64(3))));
    if (p.vmpls.empty()) return Error(list->path() + ": empty (omit it to allow any VMPL)");
  }
  if (std::optional<Json> v = TRY(doc.optional_member("host_data")))
    p.host_data = TRY(hex_member(*v, 32, 32));
  if (std::optional<Json> v = TRY(doc.optional_member("report_data"))) {
    Bytes data = TRY(hex_member(*v, 1, snp::kReportDataSize));
    data.resize(snp::kReportDataSize, 0);
    p.report_data = data;
  }
  if (std::optional<Json> v = TRY(doc.optional_member("guest_policy")))
    p.guest_policy = TRY(integer_member(*v));
  return p;
}

template <size_t N>
ByteView view_of(const std::array<uint8_t, N> &a) {
  return ByteView(a.data(), N);
}

std::string tcb_text(const snp::TcbParts &t) {
  std::string s = t.fmc ? format("fmc=%u ", *t.fmc) : std::string();
  return s + format("bootloader=%u tee=%u snp=%u microcode=%u", t.bootloader, t.tee, t.snp, t.microcode);
}

void check_minimum_tcb(const MinimumTcb &min, const snp::AttestationReport &report,
                       std::optional<snp::TcbLayout> layout, snp::CheckList &checks) {
  const char *name = "minimum_tcb";
  if (!layout) {
    checks.skip(name, "the product is unknown, so REPORTED_TCB cannot be split into components");
    return;
  }
  Result<snp::TcbParts> parts = snp::decode_tcb(report.reported_tcb, *layout);
  if (!parts.ok()) {
    checks.fail(name, "REPORTED_TCB: " + parts.error().message());
    return;
  }
  const snp::TcbParts &r = parts.value();
  std::string low;
  auto compare = [&](const char *component, uint8_t value, uint8_t floor) {
    if (value < floor) low += format("%s%s %u < %u", low.empty() ? "" : ", ", component, value, floor);
  };
  compare("bootloader", r.bootloader, min.bootloader);
  compare("tee", r.tee, min.tee);
  compare("snp", r.snp, min.snp);
  compare("microcode", r.microcode, min.microcode);
  if (min.fmc) {
    if (!r.fmc) {
      checks.fail(
          name, format("the policy sets a minimum FMC but a %s TCB has none", snp::tcb_layout_name(*layout)));
      return;
    }
    compare("fmc", *r.fmc, *min.fmc);
  }
  if (low.empty()) {
    checks.pass(name, "REPORTED_TCB " + tcb_text(r) + " meets the minimum");
  } else {
    checks.fail(name, "REPORTED_TCB below the minimum: " + low);
  }
}

}  // namespace

Result<ReportPolicy> parse_report_policy(const Json &document) {
  if (!document.is_object()) return Error(document.path() + ": expected a JSON object");
  uint64_t version = TRY(document.get_u64("version"));
  if (version != 1)
    return Error(format("%s.version: %llu, expected 1", document.path().c_str(),
                        static_cast<unsigned long long>(version)));
  if (document.has("snp")) return parse_reference_values(document);
  return parse_policy(document);
}

Result<ReportPolicy> load_report_policy(const std::string &path) {
  std::string text = TRY(read_text_file(path, kMaxPolicySize));
  Json doc = TRY_CONTEXT(parse_json(text, kMaxPolicySize, kMaxPolicyDepth), path);
  return TRY_CONTEXT(parse_report_policy(doc), path);
}

void evaluate_report_policy(const ReportPolicy &policy, const snp::AttestationReport &report,
                            std::optional<snp::TcbLayout> layout, snp::CheckList &checks) {
  unsigned long long guest = report.policy;
  if (!(report.policy & kPolicyDebug)) {
    checks.pass("debug", format("guest policy 0x%llx does not allow debugging (bit 19 clear)", guest));
  } else if (policy.allow_debug) {
    checks.pass("debug",
                format("guest policy 0x%llx allows debugging (bit 19), which the policy permits", guest));
  } else {
    checks.fail("debug", format("guest policy 0x%llx allows debugging (bit 19): the hypervisor can read and "
                                "change guest memory",
                                guest));
  }
  if (!(report.policy & kPolicyMigrateMa)) {
    checks.pass("migration_agent",
                format("guest policy 0x%llx allows no migration agent (bit 18 clear)", guest));
  } else if (policy.allow_migration_agent) {
    checks.pass("migration_agent", format("guest policy 0x%llx allows a migration agent (bit 18), which the "
                                          "policy permits",
                                          guest));
  } else {
    checks.fail("migration_agent", format("guest policy 0x%llx allows a migration agent (bit 18)", guest));
  }
  if (policy.allow_smt && !*policy.allow_smt) {
    if (report.platform_info & kPlatformSmtEnabled) {
      checks.fail("smt", format("PLATFORM_INFO 0x%llx: SMT is enabled on the host",
                                static_cast<unsigned long long>(report.platform_info)));
    } else {
      checks.pass("smt", format("PLATFORM_INFO 0x%llx: SMT is disabled on the host (guest policy SMT bit %s)",
                                static_cast<unsigned long long>(report.platform_info),
                                report.policy & kPolicySmt ? "set" : "clear"));
    }
  }
  if (policy.guest_policy) {
    unsigned long long expected = *policy.guest_policy;
    if ((report.policy & ~kPolicyDebug) == (*policy.guest_policy & ~kPolicyDebug)) {
      checks.pass("guest_policy", format("0x%llx matches 0x%llx (bit 19 aside)", guest, expected));
    } else {
      checks.fail("guest_policy", format("0x%llx, expected 0x%llx (bit 19 aside)", guest, expected));
    }
  }
  if (!policy.measurements.empty()) {
    ByteView m = view_of(report.measurement);
    bool found = false;
    for (const Bytes &allowed : policy.measurements) found = found || ByteView(allowed) == m;
    std::string hex = hex_encode(m);
    if (found) {
      checks.pass("measurement", hex + " is allowed");
    } else {
      checks.fail("measurement", format("%s is not among the %zu allowed measurements", hex.c_str(),
                                        policy.measurements.size()));
    }
  }
  if (policy.minimum_tcb) check_minimum_tcb(*policy.minimum_tcb, report, layout, checks);
  if (!policy.vmpls.empty()) {
    bool found = false;
    std::string allowed;
    for (uint32_t v : policy.vmpls) {
      found = found || v == report.vmpl;
      allowed += format("%s%u", allowed.empty() ? "" : ", ", v);
    }
    if (found) {
      checks.pass("vmpl", format("VMPL %u is allowed", report.vmpl));
    } else {
      checks.fail("vmpl", format("VMPL %u, allowed: %s", report.vmpl, allowed.c_str()));
    }
  }
  if (policy.host_data) {
    ByteView h = view_of(report.host_data);
    if (ByteView(*policy.host_data) == h) {
      checks.pass("host_data", "HOST_DATA " + hex_encode(h) + " as expected");
    } else {
      checks.fail("host_data", "HOST_DATA " + hex_encode(h) + ", expected " + hex_encode(*policy.host_data));
    }
  }
  if (policy.report_data) {
    ByteView d = view_of(report.report_data);
    if (ByteView(*policy.report_data) == d) {
      checks.pass("report_data", "REPORT_DATA as expected");
    } else {
      checks.fail("report_data",
                  "REPORT_DATA " + hex_encode(d) + ", expected " + hex_encode(*policy.report_data));
    }
  }
}

}  // namespace bp::measure
