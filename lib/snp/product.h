// The SEV-SNP processor generations ("products" in AMD's KDS URLs and
// certificate names) that a report can come from, and how to tell them.
#pragma once

#include <stdint.h>

#include <optional>
#include <string_view>

#include "lib/core/result.h"
#include "lib/snp/report.h"

namespace bp::snp {

enum class Product { milan, genoa, turin };

// "Milan", "Genoa", "Turin": as KDS and the certificate names spell them.
const char *product_name(Product product);
// Case-insensitive: "milan", "Genoa", "TURIN".
Result<Product> parse_product(std::string_view name);
// From a v3+ report's CPUID_FAM_ID and CPUID_MOD_ID, with the model ranges
// Trustee and virtee use (snp.md 1.2): family 0x19 models 0x00-0x0F Milan,
// 0x10-0x1F and 0xA0-0xAF Genoa (and Siena); family 0x1A models 0x00-0x11
// Turin. Anything else (Venice, unknown) is nullopt.
std::optional<Product> product_from_cpuid(uint8_t family, uint8_t model);
// Milan and Genoa share one TCB_VERSION layout; Turin adds the FMC.
TcbLayout product_tcb_layout(Product product);

}  // namespace bp::snp
