#include "lib/snp/evidence_json.h"

#include <string.h>

#include "lib/core/format.h"
#include "lib/json/json_builder.h"

namespace bp::snp {

namespace {

template <size_t N>
ByteView view(const std::array<uint8_t, N> &a) {
  return ByteView(a.data(), N);
}

Result<JsonObjectBuilder> tcb_json(uint64_t raw, TcbLayout layout, const char *name) {
  TcbParts parts = TRY_CONTEXT(decode_tcb(raw, layout), name);
  JsonObjectBuilder o;
  if (parts.fmc) {
    o.add_u64("fmc", *parts.fmc);
  } else {
    o.add_null("fmc");
  }
  o.add_u64("bootloader", parts.bootloader).add_u64("tee", parts.tee).add_u64("snp", parts.snp);
  o.add_u64("microcode", parts.microcode);
  return o;
}

JsonObjectBuilder version_json(const FirmwareVersion &v) {
  JsonObjectBuilder o;
  o.add_u64("major", v.major).add_u64("minor", v.minor).add_u64("build", v.build);
  return o;
}

// The names guest-components' CertTableEntry serialises.
JsonObjectBuilder cert_json(const CertTableEntry &entry) {
  JsonObjectBuilder o;
  CertKind kind = entry.kind();
  if (kind == CertKind::other) {
    JsonObjectBuilder other;
    other.add_string("OTHER", entry.guid.to_string());
    o.add_object("cert_type", std::move(other));
  } else {
    o.add_string("cert_type", cert_kind_name(kind));
  }
  o.add_byte_array("data", entry.data);
  return o;
}

template <size_t N>
Status get_array(const Json &o, const char *key, std::array<uint8_t, N> &out) {
  Bytes bytes = TRY(o.get_byte_array(key, N));
  memcpy(out.data(), bytes.data(), N);
  return {};
}

Result<uint32_t> get_u32(const Json &o, const char *key) {
  return static_cast<uint32_t>(TRY(o.get_u64(key, UINT32_MAX)));
}

Result<uint8_t> get_u8(const Json &o, const char *key) {
  return static_cast<uint8_t>(TRY(o.get_u64(key, 255)));
}

Result<uint64_t> parse_tcb(const Json &report, const char *key) {
  Json o = TRY(report.object(key));
  TRY(o.only_keys({"fmc", "bootloader", "tee", "snp", "microcode"}));
  TcbParts parts;
  if (!o.has("fmc")) return Error(o.path() + ".fmc: missing");
  std::optional<uint64_t> fmc = TRY(o.optional_u64("fmc", 255));
  if (fmc) parts.fmc = static_cast<uint8_t>(*fmc);
  parts.bootloader = TRY(get_u8(o, "bootloader"));
  parts.tee = TRY(get_u8(o, "tee"));
  parts.snp = TRY(get_u8(o, "snp"));
  parts.microcode = TRY(get_u8(o, "microcode"));
  return TRY_CONTEXT(encode_tcb(parts, parts.fmc ? TcbLayout::turin : TcbLayout::milan_genoa), o.path());
}

Result<FirmwareVersion> parse_version(const Json &report, const char *key) {
  Json o = TRY(report.object(key));
  TRY(o.only_keys({"major", "minor", "build"}));
  FirmwareVersion v;
  v.major = TRY(get_u8(o, "major"));
  v.minor = TRY(get_u8(o, "minor"));
  v.build = TRY(get_u8(o, "build"));
  return v;
}

Result<CertTableEntry> parse_cert(const Json &entry) {
  TRY(entry.only_keys({"cert_type", "data"}));
  Json type = TRY(entry.member("cert_type"));
  CertTableEntry out;
  if (type.is_object()) {
    TRY(type.only_keys({"OTHER"}));
    std::string text = TRY(type.get_string("OTHER"));
    out.guid = TRY_CONTEXT(Guid::parse(text), type.path() + ".OTHER");
  } else {
    std::string name = TRY(type.as_string());
    bool known = false;
    for (CertKind kind : {CertKind::vcek, CertKind::vlek, CertKind::ask, CertKind::ark, CertKind::crl}) {
      if (name == cert_kind_name(kind)) {
        out.guid = cert_kind_guid(kind);
        known = true;
      }
    }
    if (!known) return Error(format("%s: unknown certificate type", type.path().c_str()));
  }
  out.data = TRY(entry.get_byte_array("data"));
  return out;
}

}  // namespace

Result<Json> snp_evidence_json(const AttestationReport &r, const CertTable &certs) {
  TcbLayout layout = TRY(r.tcb_layout());
  JsonObjectBuilder report;
  report.add_u64("version", r.version).add_u64("guest_svn", r.guest_svn).add_u64("policy", r.policy);
  report.add_byte_array("family_id", view(r.family_id)).add_byte_array("image_id", view(r.image_id));
  report.add_u64("vmpl", r.vmpl).add_u64("sig_algo", r.signature_algo);
  report.add_object("current_tcb", TRY(tcb_json(r.current_tcb, layout, "current_tcb")));
  report.add_u64("plat_info", r.platform_info).add_u64("key_info", r.key_info);
  report.add_byte_array("report_data", view(r.report_data))
      .add_byte_array("measurement", view(r.measurement));
  report.add_byte_array("host_data", view(r.host_data))
      .add_byte_array("id_key_digest", view(r.id_key_digest));
  report.add_byte_array("author_key_digest", view(r.author_key_digest));
  report.add_byte_array("report_id", view(r.report_id)).add_byte_array("report_id_ma", view(r.report_id_ma));
  report.add_object("reported_tcb", TRY(tcb_json(r.reported_tcb, layout, "reported_tcb")));
  if (r.has_cpuid()) {
    report.add_u64("cpuid_fam_id", r.cpuid_fam_id).add_u64("cpuid_mod_id", r.cpuid_mod_id);
    report.add_u64("cpuid_step", r.cpuid_step);
  } else {
    report.add_null("cpuid_fam_id").add_null("cpuid_mod_id").add_null("cpuid_step");
  }
  report.add_byte_array("chip_id", view(r.chip_id));
  report.add_object("committed_tcb", TRY(tcb_json(r.committed_tcb, layout, "committed_tcb")));
  report.add_object("current", version_json(r.current)).add_object("committed", version_json(r.committed));
  report.add_object("launch_tcb", TRY(tcb_json(r.launch_tcb, layout, "launch_tcb")));
  if (r.has_mit_vectors()) {
    report.add_u64("launch_mit_vector", r.launch_mit_vector)
        .add_u64("current_mit_vector", r.current_mit_vector);
  }
  JsonObjectBuilder signature;
  signature.add_byte_array("r", view(r.signature.r)).add_byte_array("s", view(r.signature.s));
  report.add_object("signature", std::move(signature));

  JsonObjectBuilder evidence;
  evidence.add_object("attestation_report", std::move(report));
  if (certs.empty()) {
    evidence.add_null("cert_chain");
  } else {
    JsonArrayBuilder chain;
    for (const CertTableEntry &entry : certs.entries) chain.add_object(cert_json(entry));
    evidence.add_array("cert_chain", std::move(chain));
  }
  return evidence.build();
}

Result<SnpEvidence> parse_snp_evidence_json(const Json &evidence) {
  TRY(evidence.only_keys({"attestation_report", "cert_chain"}));
  Json o = TRY(evidence.object("attestation_report"));
  SnpEvidence out;
  AttestationReport &r = out.report;
  r.version = TRY(get_u32(o, "version"));
  if (r.version < kMinReportVersion || r.version > kMaxReportVersion) {
    return Error(format("%s.version: unsupported report version %u", o.path().c_str(), r.version));
  }
  if (r.has_mit_vectors()) {
    TRY(o.only_keys({"version",
                     "guest_svn",
                     "policy",
                     "family_id",
                     "image_id",
                     "vmpl",
                     "sig_algo",
                     "current_tcb",
                     "plat_info",
                     "key_info",
                     "report_data",
                     "measurement",
                     "host_data",
                     "id_key_digest",
                     "author_key_digest",
                     "report_id",
                     "report_id_ma",
                     "reported_tcb",
                     "cpuid_fam_id",
                     "cpuid_mod_id",
                     "cpuid_step",
                     "chip_id",
                     "committed_tcb",
                     "current",
                     "committed",
                     "launch_tcb",
                     "launch_mit_vector",
                     "current_mit_vector",
                     "signature"}));
    r.launch_mit_vector = TRY(o.get_u64("launch_mit_vector"));
    r.current_mit_vector = TRY(o.get_u64("current_mit_vector"));
  } else {
    TRY(o.only_keys({"version",     "guest_svn",    "policy",        "family_id",     "image_id",
                     "vmpl",        "sig_algo",     "current_tcb",   "plat_info",     "key_info",
                     "report_data", "measurement",  "host_data",     "id_key_digest", "author_key_digest",
                     "report_id",   "report_id_ma", "reported_tcb",  "cpuid_fam_id",  "cpuid_mod_id",
                     "cpuid_step",  "chip_id",      "committed_tcb", "current",       "committed",
                     "launch_tcb",  "signature"}));
  }
  r.guest_svn = TRY(get_u32(o, "guest_svn"));
  r.policy = TRY(o.get_u64("policy"));
  TRY(get_array(o, "family_id", r.family_id));
  TRY(get_array(o, "image_id", r.image_id));
  r.vmpl = TRY(get_u32(o, "vmpl"));
  r.signature_algo = TRY(get_u32(o, "sig_algo"));
  r.current_tcb = TRY(parse_tcb(o, "current_tcb"));
  r.platform_info = TRY(o.get_u64("plat_info"));
  r.key_info = TRY(get_u32(o, "key_info"));
  TRY(get_array(o, "report_data", r.report_data));
  TRY(get_array(o, "measurement", r.measurement));
  TRY(get_array(o, "host_data", r.host_data));
  TRY(get_array(o, "id_key_digest", r.id_key_digest));
  TRY(get_array(o, "author_key_digest", r.author_key_digest));
  TRY(get_array(o, "report_id", r.report_id));
  TRY(get_array(o, "report_id_ma", r.report_id_ma));
  r.reported_tcb = TRY(parse_tcb(o, "reported_tcb"));
  if (r.has_cpuid()) {
    r.cpuid_fam_id = TRY(get_u8(o, "cpuid_fam_id"));
    r.cpuid_mod_id = TRY(get_u8(o, "cpuid_mod_id"));
    r.cpuid_step = TRY(get_u8(o, "cpuid_step"));
  } else {
    for (const char *key : {"cpuid_fam_id", "cpuid_mod_id", "cpuid_step"}) {
      Json v = TRY(o.member(key));
      if (!v.is_null())
        return Error(format("%s: expected null in a version %u report", v.path().c_str(), r.version));
    }
  }
  TRY(get_array(o, "chip_id", r.chip_id));
  r.committed_tcb = TRY(parse_tcb(o, "committed_tcb"));
  r.current = TRY(parse_version(o, "current"));
  r.committed = TRY(parse_version(o, "committed"));
  r.launch_tcb = TRY(parse_tcb(o, "launch_tcb"));
  Json sig = TRY(o.object("signature"));
  TRY(sig.only_keys({"r", "s"}));
  TRY(get_array(sig, "r", r.signature.r));
  TRY(get_array(sig, "s", r.signature.s));
  // The same checks as for the binary form (reserved key_info bits, ...).
  TRY_CONTEXT(serialize_report(r), o.path());
  // Each TCB object was read in the layout its "fmc" implies; that must be
  // the layout of the report's processor, or the values mean something else.
  TcbLayout layout = TRY_CONTEXT(r.tcb_layout(), o.path());
  for (const char *key : {"current_tcb", "reported_tcb", "committed_tcb", "launch_tcb"}) {
    Json tcb = TRY(o.object(key));
    bool has_fmc = !TRY(tcb.member("fmc")).is_null();
    if (has_fmc != (layout == TcbLayout::turin)) {
      return Error(format("%s.fmc: %s, but the report's processor uses the %s TCB layout", tcb.path().c_str(),
                          has_fmc ? "a number" : "null", tcb_layout_name(layout)));
    }
  }

  Json chain = TRY(evidence.member("cert_chain"));
  if (!chain.is_null()) {
    std::vector<Json> entries = TRY(chain.elements());
    if (entries.size() > kCertTableMaxEntries) {
      return Error(format("%s: more than %zu certificates", chain.path().c_str(), kCertTableMaxEntries));
    }
    for (const Json &entry : entries) out.certs.entries.push_back(TRY(parse_cert(entry)));
  }
  return out;
}

}  // namespace bp::snp
