#include "measure/report_fields_json.h"

#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/core/rfc3339.h"
#include "lib/json/json_builder.h"
#include "lib/snp/vek_extensions.h"

namespace bp::measure {

namespace {

template <size_t N>
std::string hex(const std::array<uint8_t, N> &a) {
  return hex_encode(ByteView(a.data(), N));
}

std::string hex_u64(uint64_t v) { return format("0x%llx", static_cast<unsigned long long>(v)); }

bool bit(uint64_t v, int n) { return (v >> n) & 1; }

JsonObjectBuilder policy_json(uint64_t p) {
  JsonObjectBuilder o;
  o.add_string("raw", hex_u64(p));
  o.add_u64("abi_minor", p & 0xff).add_u64("abi_major", (p >> 8) & 0xff);
  o.add_bool("smt_allowed", bit(p, 16)).add_bool("reserved_bit17_must_be_one", bit(p, 17));
  o.add_bool("migrate_ma_allowed", bit(p, 18)).add_bool("debug_allowed", bit(p, 19));
  o.add_bool("single_socket_required", bit(p, 20)).add_bool("cxl_allowed", bit(p, 21));
  o.add_bool("mem_aes_256_xts_required", bit(p, 22)).add_bool("rapl_disable_required", bit(p, 23));
  o.add_bool("ciphertext_hiding_required", bit(p, 24)).add_bool("page_swap_disabled", bit(p, 25));
  o.add_string("reserved_bits", hex_u64(p & ~((1ull << 26) - 1)));
  return o;
}

JsonObjectBuilder platform_info_json(uint64_t p) {
  JsonObjectBuilder o;
  o.add_string("raw", hex_u64(p));
  o.add_bool("smt_enabled", bit(p, 0)).add_bool("tsme_enabled", bit(p, 1)).add_bool("ecc_enabled", bit(p, 2));
  o.add_bool("rapl_disabled", bit(p, 3)).add_bool("ciphertext_hiding_enabled", bit(p, 4));
  o.add_bool("alias_check_complete", bit(p, 5)).add_bool("tio_enabled", bit(p, 7));
  o.add_string("reserved_bits", hex_u64(p & ~uint64_t{0xbf}));
  return o;
}

JsonObjectBuilder signer_info_json(const snp::AttestationReport &r) {
  JsonObjectBuilder o;
  o.add_string("raw", hex_u64(r.key_info));
  o.add_bool("author_key_enabled", r.author_key_enabled()).add_bool("mask_chip_key", r.mask_chip_key());
  uint8_t key = r.signing_key();
  o.add_string("signing_key", key == 0   ? "VCEK"
                              : key == 1 ? "VLEK"
                              : key == 7 ? "none"
                                         : format("reserved (%u)", key));
  return o;
}

JsonObjectBuilder tcb_json(uint64_t raw, std::optional<snp::TcbLayout> layout) {
  JsonObjectBuilder o;
  o.add_string("raw", format("0x%016llx", static_cast<unsigned long long>(raw)));
  if (!layout) {
    o.add_null("layout");
    return o;
  }
  o.add_string("layout", snp::tcb_layout_name(*layout));
  Result<snp::TcbParts> parts = snp::decode_tcb(raw, *layout);
  if (!parts.ok()) {
    o.add_string("error", parts.error().message());
    return o;
  }
  const snp::TcbParts &t = parts.value();
  if (t.fmc) o.add_u64("fmc", *t.fmc);
  o.add_u64("bootloader", t.bootloader)
      .add_u64("tee", t.tee)
      .add_u64("snp", t.snp)
      .add_u64("microcode", t.microcode);
  return o;
}

JsonObjectBuilder version_json(const snp::FirmwareVersion &v) {
  JsonObjectBuilder o;
  o.add_u64("major", v.major).add_u64("minor", v.minor).add_u64("build", v.build);
  return o;
}

JsonObjectBuilder vek_extensions_json(const Certificate &cert) {
  JsonObjectBuilder o;
  Result<snp::VekExtensions> parsed = snp::parse_vek_extensions(cert);
  if (!parsed.ok()) {
    o.add_string("error", parsed.error().message());
    return o;
  }
  const snp::VekExtensions &x = parsed.value();
  o.add_u64("struct_version", x.struct_version).add_string("product_name", x.product_name);
  if (x.spl.fmc) o.add_u64("fmc_spl", *x.spl.fmc);
  o.add_u64("bl_spl", x.spl.bootloader).add_u64("tee_spl", x.spl.tee).add_u64("snp_spl", x.spl.snp);
  o.add_u64("ucode_spl", x.spl.microcode);
  if (x.hwid) o.add_string("hwid", hex_encode(*x.hwid));
  if (x.csp_id) o.add_string("csp_id", *x.csp_id);
  return o;
}

}  // namespace

Result<Json> report_fields_json(const snp::AttestationReport &r, std::optional<snp::Product> product) {
  std::optional<snp::TcbLayout> layout;
  if (product) {
    layout = snp::product_tcb_layout(*product);
  } else if (Result<snp::TcbLayout> guessed = r.tcb_layout(); guessed.ok()) {
    layout = guessed.value();
  }
  JsonObjectBuilder o;
  o.add_u64("version", r.version).add_u64("guest_svn", r.guest_svn);
  o.add_object("policy", policy_json(r.policy));
  o.add_string("family_id", hex(r.family_id)).add_string("image_id", hex(r.image_id));
  o.add_u64("vmpl", r.vmpl);
  o.add_u64("signature_algo", r.signature_algo);
  o.add_object("current_tcb", tcb_json(r.current_tcb, layout));
  o.add_object("platform_info", platform_info_json(r.platform_info));
  o.add_object("signer_info", signer_info_json(r));
  o.add_string("report_data", hex(r.report_data)).add_string("measurement", hex(r.measurement));
  o.add_string("host_data", hex(r.host_data)).add_string("id_key_digest", hex(r.id_key_digest));
  o.add_string("author_key_digest", hex(r.author_key_digest)).add_string("report_id", hex(r.report_id));
  o.add_string("report_id_ma", hex(r.report_id_ma));
  o.add_object("reported_tcb", tcb_json(r.reported_tcb, layout));
  if (r.has_cpuid()) {
    o.add_u64("cpuid_fam_id", r.cpuid_fam_id).add_u64("cpuid_mod_id", r.cpuid_mod_id);
    o.add_u64("cpuid_step", r.cpuid_step);
  } else {
    o.add_null("cpuid_fam_id").add_null("cpuid_mod_id").add_null("cpuid_step");
  }
  o.add_string("chip_id", hex(r.chip_id));
  o.add_object("committed_tcb", tcb_json(r.committed_tcb, layout));
  o.add_object("current_version", version_json(r.current));
  o.add_object("committed_version", version_json(r.committed));
  o.add_object("launch_tcb", tcb_json(r.launch_tcb, layout));
  if (r.has_mit_vectors()) {
    o.add_string("launch_mit_vector", hex_u64(r.launch_mit_vector));
    o.add_string("current_mit_vector", hex_u64(r.current_mit_vector));
  } else {
    o.add_null("launch_mit_vector").add_null("current_mit_vector");
  }
  JsonObjectBuilder signature;
  signature.add_string("r", hex(r.signature.r)).add_string("s", hex(r.signature.s));
  o.add_object("signature", std::move(signature));
  return o.build();
}

Result<Json> certificates_json(const CertificateSet &certs) {
  JsonArrayBuilder list;
  for (const snp::EndorsementInput &c : certs.certificates) {
    const Certificate &cert = c.certificate;
    JsonObjectBuilder o;
    o.add_string("source", c.source);
    if (c.kind) {
      o.add_string("kind", snp::cert_kind_name(*c.kind));
    } else {
      o.add_null("kind");
    }
    o.add_string("subject", cert.subject()).add_string("issuer", cert.issuer());
    o.add_string("serial", hex_encode(cert.serial()));
    o.add_string("not_before", format_rfc3339(cert.not_before()));
    o.add_string("not_after", format_rfc3339(cert.not_after()));
    if (cert.public_key_type() == PublicKeyType::ec) {
      o.add_string("key", format("EC %zu bits", cert.public_key_bits()));
    } else {
      o.add_string("key", format("RSA %zu bits", cert.public_key_bits()));
    }
    o.add_string("spki_sha384", hex_encode(view(cert.spki_sha384())));
    if (cert.public_key_type() == PublicKeyType::ec)
      o.add_object("amd_extensions", vek_extensions_json(cert));
    list.add_object(std::move(o));
  }
  return list.build();
}

}  // namespace bp::measure
