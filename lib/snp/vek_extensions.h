// AMD's X.509 extensions in a VCEK or VLEK certificate
// (1.3.6.1.4.1.3704.1.*, snp.md 2.2): the product, the TCB the key was
// derived for, and the chip (VCEK) or cloud provider (VLEK) it belongs to.
// Strictly parsed: a verifier compares these with the report.
#pragma once

#include <stdint.h>

#include <optional>
#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/crypto/x509.h"
#include "lib/snp/report.h"

namespace bp::snp {

struct VekExtensions {
  uint64_t struct_version = 0;  // 0 Milan/Genoa, 1 Turin
  std::string product_name;     // "Milan-B0", "Genoa", "Turin", "Milan" (VLEK)
  // blSPL, teeSPL, snpSPL, ucodeSPL, and fmcSPL when the certificate has one.
  TcbParts spl;
  std::optional<Bytes> hwid;          // VCEK: CHIP_ID (64 bytes; 8 on Turin)
  std::optional<std::string> csp_id;  // VLEK: the cloud provider
};

// Fails when structVersion, productName or one of the four SPLs is missing
// or malformed (SPLs are DER INTEGERs 0..255, strings IA5String).
Result<VekExtensions> parse_vek_extensions(const Certificate &certificate);

// The product part of productName: "Milan-B0" -> "Milan".
std::string product_name_family(const std::string &product_name);

}  // namespace bp::snp
