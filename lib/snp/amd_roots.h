// AMD's certificate authorities for SEV-SNP, per product, compiled in from
// the chains KDS publishes (lib/snp/amd_roots/, turned into
// amd_roots_data.cc by its generate.py). The ARK is the trust anchor a
// verifier pins; the ASK signs VCEKs, the ASVK signs VLEKs.
#pragma once

#include "lib/core/bytes.h"
#include "lib/snp/product.h"

namespace bp::snp {

struct AmdRootCertificates {
  Product product;
  ByteView ark;   // DER, self-signed ARK-<product>
  ByteView ask;   // DER, SEV-<product>, signed by the ARK
  ByteView asvk;  // DER, SEV-VLEK-<product>, signed by the ARK
};

const AmdRootCertificates &amd_root_certificates(Product product);

}  // namespace bp::snp
