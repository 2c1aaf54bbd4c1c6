#include "lib/snp/report_authenticity.h"

#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/core/rfc3339.h"
#include "lib/snp/report_signature.h"
#include "lib/snp/vek_extensions.h"

namespace bp::snp {

namespace {

enum class Role { ark, intermediate, vek };

// What a certificate is in the chain. The label from a cert table or the
// evidence wins; otherwise a self-signed certificate is an ARK and an EC key
// marks the VCEK/VLEK. Nothing here is trusted: the chain checks decide.
Role role_of(const EndorsementInput &input) {
  if (input.kind) {
    switch (*input.kind) {
      case CertKind::ark:
        return Role::ark;
      case CertKind::ask:
        return Role::intermediate;
      case CertKind::vcek:
      case CertKind::vlek:
        return Role::vek;
      case CertKind::crl:
      case CertKind::other:
        break;
    }
  }
  const Certificate &c = input.certificate;
  if (c.subject() == c.issuer()) return Role::ark;
  return c.public_key_type() == PublicKeyType::ec ? Role::vek : Role::intermediate;
}

// For an unlabelled endorsement key, its common name says VCEK or VLEK.
bool vek_matches(const EndorsementInput &input, SigningKey key) {
  if (input.kind) return *input.kind == (key == SigningKey::vcek ? CertKind::vcek : CertKind::vlek);
  const std::string &subject = input.certificate.subject();
  const std::string cn = key == SigningKey::vcek ? "CN=SEV-VCEK" : "CN=SEV-VLEK";
  size_t at = subject.find(cn);
  return at != std::string::npos && at + cn.size() == subject.size();
}

const char *key_name(SigningKey key) { return key == SigningKey::vcek ? "VCEK" : "VLEK"; }
const char *intermediate_name(SigningKey key) { return key == SigningKey::vcek ? "ASK" : "ASVK"; }

// "CN=SEV-VCEK" out of a whole distinguished name, for shorter messages.
std::string common_name(const std::string &dn) {
  size_t at = dn.rfind("CN=");
  if (at == std::string::npos) return "'" + dn + "'";
  size_t end = dn.find(", ", at);
  return dn.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::string describe(const EndorsementInput &input) {
  return common_name(input.certificate.subject()) + " from " + input.source;
}

std::string tcb_text(const TcbParts &t) {
  std::string s = t.fmc ? format("fmc=%u ", *t.fmc) : std::string();
  return s + format("bootloader=%u tee=%u snp=%u microcode=%u", t.bootloader, t.tee, t.snp, t.microcode);
}

std::optional<Product> check_product(const AttestationReport &report, const AuthenticityOptions &options,
                                     CheckList &checks) {
  const char *name = "product";
  if (!report.has_cpuid()) {
    if (!options.product) {
      checks.fail(name, format("a version %u report carries no CPUID: give --product milan|genoa|turin",
                               report.version));
      return std::nullopt;
    }
    checks.pass(name, format("%s (given; a version %u report carries no CPUID)",
                             product_name(*options.product), report.version));
    return options.product;
  }
  std::optional<Product> cpuid = product_from_cpuid(report.cpuid_fam_id, report.cpuid_mod_id);
  if (!cpuid) {
    checks.fail(name, format("CPUID family 0x%02x model 0x%02x is not Milan, Genoa or Turin",
                             report.cpuid_fam_id, report.cpuid_mod_id));
    return std::nullopt;
  }
  if (options.product && *options.product != *cpuid) {
    checks.fail(name, format("the report's CPUID (family 0x%02x model 0x%02x) is %s, not %s as given",
                             report.cpuid_fam_id, report.cpuid_mod_id, product_name(*cpuid),
                             product_name(*options.product)));
    return std::nullopt;
  }
  checks.pass(name, format("%s (CPUID family 0x%02x model 0x%02x stepping %u)", product_name(*cpuid),
                           report.cpuid_fam_id, report.cpuid_mod_id, report.cpuid_step));
  return cpuid;
}

std::optional<SigningKey> check_signing_key(const AttestationReport &report, CheckList &checks) {
  uint8_t key = report.signing_key();
  if (key == static_cast<uint8_t>(SigningKey::vcek) || key == static_cast<uint8_t>(SigningKey::vlek)) {
    SigningKey k = static_cast<SigningKey>(key);
    checks.pass("signing_key", std::string(key_name(k)));
    return k;
  }
  if (key == static_cast<uint8_t>(SigningKey::none)) {
    checks.fail("signing_key", "the report is not signed (SIGNING_KEY 7, none)");
  } else {
    checks.fail("signing_key", format("SIGNING_KEY %u is reserved", key));
  }
  return std::nullopt;
}

const EndorsementInput *check_vek(const std::vector<EndorsementInput> &certs, std::optional<SigningKey> key,
                                  CheckList &checks) {
  if (!key) {
    checks.skip("vek", "no signing key to look for");
    return nullptr;
  }
  std::vector<const EndorsementInput *> found;
  for (const EndorsementInput &c : certs) {
    if (role_of(c) == Role::vek && vek_matches(c, *key)) found.push_back(&c);
  }
  if (found.empty()) {
    checks.fail("vek",
                format("no %s certificate among the %zu given (bp-measure does not fetch from AMD's KDS: "
                       "pass it with --certs)",
                       key_name(*key), certs.size()));
    return nullptr;
  }
  if (found.size() > 1) {
    checks.fail("vek", format("%zu %s certificates given (%s, %s, ...); expected one", found.size(),
                              key_name(*key), found[0]->source.c_str(), found[1]->source.c_str()));
    return nullptr;
  }
  checks.pass("vek", describe(*found[0]));
  return found[0];
}

struct Chain {
  std::optional<Certificate> ark;
  std::optional<Certificate> intermediate;
  std::string intermediate_source;
};

// The pinned ARK verifies itself, and every ARK given has its key.
bool check_ark(const AmdRootCertificates *roots, Product product, const std::vector<EndorsementInput> &certs,
               Chain &chain, CheckList &checks) {
  if (!roots) {
    checks.fail("ark", format("no pinned ARK for %s", product_name(product)));
    return false;
  }
  Result<Certificate> ark = Certificate::parse_der(roots->ark);
  if (!ark.ok()) {
    checks.fail("ark", "pinned ARK: " + ark.error().message());
    return false;
  }
  Status self = ark.value().verify_signed_by(ark.value());
  if (!self.ok()) {
    checks.fail("ark", "pinned ARK: " + self.error().message());
    return false;
  }
  std::string pinned_spki = hex_encode(view(ark.value().spki_sha384()));
  size_t given = 0;
  for (const EndorsementInput &c : certs) {
    if (role_of(c) != Role::ark) continue;
    ++given;
    if (hex_encode(view(c.certificate.spki_sha384())) != pinned_spki) {
      checks.fail("ark",
                  format("the ARK %s does not have the key of the pinned %s ARK (%s)", describe(c).c_str(),
                         product_name(product), common_name(ark.value().subject()).c_str()));
      return false;
    }
  }
  checks.pass("ark",
              format("pinned %s, SPKI SHA-384 %s%s", common_name(ark.value().subject()).c_str(),
                     pinned_spki.c_str(), given ? format("; %zu given ARK(s) match", given).c_str() : ""));
  chain.ark = ark.release_value();
  return true;
}

// Every intermediate given must come from the pinned ARK (so a chain of
// another product fails even when the built-in one would do); the one that
// issued the VCEK/VLEK is used, else the built-in ASK/ASVK.
bool check_intermediate(const AmdRootCertificates &roots, SigningKey key, const EndorsementInput *vek,
                        const std::vector<EndorsementInput> &certs, Chain &chain, CheckList &checks) {
  const Certificate &ark = *chain.ark;
  for (const EndorsementInput &c : certs) {
    if (role_of(c) != Role::intermediate) continue;
    Status signed_by = c.certificate.verify_signed_by(ark);
    if (!signed_by.ok()) {
      checks.fail("ask", format("%s: %s", c.source.c_str(), signed_by.error().message().c_str()));
      return false;
    }
    if (!c.certificate.is_ca()) {
      checks.fail("ask", describe(c) + " is not a CA certificate");
      return false;
    }
    if (vek && !chain.intermediate && c.certificate.subject() == vek->certificate.issuer()) {
      Result<Certificate> copy = Certificate::parse_der(c.certificate.der());
      if (!copy.ok()) {
        checks.fail("ask", c.source + ": " + copy.error().message());
        return false;
      }
      chain.intermediate = copy.release_value();
      chain.intermediate_source = c.source;
    }
  }
  if (!chain.intermediate) {
    ByteView der = key == SigningKey::vcek ? roots.ask : roots.asvk;
    Result<Certificate> builtin = Certificate::parse_der(der);
    if (!builtin.ok()) {
      checks.fail("ask",
                  format("built-in %s: %s", intermediate_name(key), builtin.error().message().c_str()));
      return false;
    }
    Status signed_by = builtin.value().verify_signed_by(ark);
    if (!signed_by.ok()) {
      checks.fail("ask",
                  format("built-in %s: %s", intermediate_name(key), signed_by.error().message().c_str()));
      return false;
    }
    chain.intermediate = builtin.release_value();
    chain.intermediate_source = "built in";
  }
  checks.pass("ask",
              format("%s %s (%s) is signed by the pinned ARK", intermediate_name(key),
                     common_name(chain.intermediate->subject()).c_str(), chain.intermediate_source.c_str()));
  return true;
}

void check_validity(const Chain &chain, const EndorsementInput *vek, std::optional<SigningKey> key,
                    int64_t now, CheckList &checks) {
  std::vector<const Certificate *> all;
  if (chain.ark) all.push_back(&*chain.ark);
  if (chain.intermediate) all.push_back(&*chain.intermediate);
  if (vek) all.push_back(&vek->certificate);
  if (all.empty()) {
    checks.skip("validity", "no certificates to check");
    return;
  }
  std::string failures;
  for (const Certificate *c : all) {
    Status valid = c->check_validity(now);
    if (!valid.ok()) failures += (failures.empty() ? "" : "; ") + valid.error().message();
  }
  if (!failures.empty()) {
    checks.fail("validity", failures);
  } else if (all.size() < 3) {
    checks.fail("validity", format("only %zu of the 3 chain certificates could be checked (valid at %s)",
                                   all.size(), format_rfc3339(now).c_str()));
  } else {
    checks.pass("validity", format("ARK, %s and %s valid at %s", intermediate_name(*key), key_name(*key),
                                   format_rfc3339(now).c_str()));
  }
}

void check_binding(const AttestationReport &report, Product product, SigningKey key,
                   const EndorsementInput &vek, CheckList &checks) {
  Result<VekExtensions> parsed = parse_vek_extensions(vek.certificate);
  if (!parsed.ok()) {
    checks.fail("vek_product", parsed.error().message());
    checks.skip("vek_tcb", "the certificate's extensions do not parse");
    checks.skip("vek_hwid", "the certificate's extensions do not parse");
    return;
  }
  const VekExtensions &x = parsed.value();
  if (product_name_family(x.product_name) == product_name(product)) {
    checks.pass("vek_product", "productName '" + x.product_name + "'");
  } else {
    checks.fail("vek_product",
                format("productName '%s' is not %s", x.product_name.c_str(), product_name(product)));
  }

  TcbLayout layout = product_tcb_layout(product);
  Result<TcbParts> reported = decode_tcb(report.reported_tcb, layout);
  if (!reported.ok()) {
    checks.fail("vek_tcb", "REPORTED_TCB: " + reported.error().message());
  } else {
    const TcbParts &r = reported.value();
    const TcbParts &c = x.spl;
    bool same = r.bootloader == c.bootloader && r.tee == c.tee && r.snp == c.snp &&
                r.microcode == c.microcode && r.fmc == c.fmc;
    if (same) {
      checks.pass("vek_tcb", "SPLs equal REPORTED_TCB: " + tcb_text(r));
    } else {
      checks.fail("vek_tcb", format("%s SPLs %s, REPORTED_TCB %s", key_name(key), tcb_text(c).c_str(),
                                    tcb_text(r).c_str()));
    }
  }

  if (key == SigningKey::vlek) {
    if (x.hwid) {
      checks.fail("vek_hwid", "the VLEK carries a hwID (a VLEK is not bound to one chip)");
    } else if (!x.csp_id) {
      checks.fail("vek_hwid", "the VLEK has no csp_id");
    } else {
      checks.pass("vek_hwid", "VLEK of '" + *x.csp_id + "' (not bound to a chip)");
    }
    return;
  }
  size_t hwid_size = layout == TcbLayout::turin ? 8 : 64;
  ByteView chip(report.chip_id.data(), report.chip_id.size());
  if (report.mask_chip_key() || is_all_zero(chip)) {
    checks.fail("vek_hwid", "CHIP_ID is masked: the VCEK cannot be bound to the report");
  } else if (!x.hwid) {
    checks.fail("vek_hwid", "the VCEK has no hwID");
  } else if (x.hwid->size() != hwid_size) {
    checks.fail("vek_hwid", format("hwID has %zu bytes, expected %zu for %s", x.hwid->size(), hwid_size,
                                   product_name(product)));
  } else if (ByteView(*x.hwid) != chip.subview(0, hwid_size)) {
    checks.fail("vek_hwid", "hwID " + hex_encode(*x.hwid) + " is not CHIP_ID " + hex_encode(chip));
  } else {
    checks.pass("vek_hwid", "hwID equals CHIP_ID");
  }
}

void check_signature(const AttestationReport &report, const EndorsementInput *vek, CheckList &checks) {
  if (!vek) {
    checks.skip("signature", "no endorsement key certificate");
    return;
  }
  Result<EcPublicKey> key = vek->certificate.ec_public_key();
  if (!key.ok()) {
    checks.fail("signature", key.error().message());
    return;
  }
  if (key.value().curve() != EcCurve::p384) {
    checks.fail("signature", "the endorsement key is not on P-384");
    return;
  }
  Status verified = verify_report_signature(report, key.value());
  if (!verified.ok()) {
    checks.fail("signature", verified.error().message());
  } else {
    checks.pass("signature", "ECDSA P-384 SHA-384 over bytes 0x000-0x29f verifies with " + describe(*vek));
  }
}

}  // namespace

std::vector<AmdRootCertificates> amd_trusted_roots() {
  return {amd_root_certificates(Product::milan), amd_root_certificates(Product::genoa),
          amd_root_certificates(Product::turin)};
}

Authenticity check_authenticity(const AttestationReport &report, const std::vector<EndorsementInput> &certs,
                                const AuthenticityOptions &options, CheckList &checks) {
  Authenticity result;
  result.product = check_product(report, options, checks);
  std::optional<SigningKey> key = check_signing_key(report, checks);
  const EndorsementInput *vek = check_vek(certs, key, checks);

  Chain chain;
  bool chain_ok = false;
  if (!result.product) {
    checks.skip("ark", "the product is unknown");
    checks.skip("ask", "the product is unknown");
  } else {
    const AmdRootCertificates *roots = nullptr;
    for (const AmdRootCertificates &r : options.roots) {
      if (r.product == *result.product) roots = &r;
    }
    if (!check_ark(roots, *result.product, certs, chain, checks)) {
      checks.skip("ask", "no trusted ARK");
    } else if (!key) {
      checks.skip("ask", "no signing key");
    } else {
      chain_ok = check_intermediate(*roots, *key, vek, certs, chain, checks);
    }
  }
  if (!vek || !chain_ok) {
    checks.skip("vek_chain", vek ? "no trusted ASK/ASVK" : "no endorsement key certificate");
  } else {
    Status signed_by = vek->certificate.verify_signed_by(*chain.intermediate);
    if (signed_by.ok()) {
      checks.pass("vek_chain", format("%s is signed by %s", describe(*vek).c_str(),
                                      common_name(chain.intermediate->subject()).c_str()));
    } else {
      checks.fail("vek_chain", signed_by.error().message());
    }
  }
  check_validity(chain, vek, key, options.now, checks);
  if (!vek || !result.product || !key) {
    const char *why = !vek ? "no endorsement key certificate" : "the product is unknown";
    checks.skip("vek_product", why);
    checks.skip("vek_tcb", why);
    checks.skip("vek_hwid", why);
  } else {
    check_binding(report, *result.product, *key, *vek, checks);
  }
  check_signature(report, vek, checks);
  return result;
}

}  // namespace bp::snp
