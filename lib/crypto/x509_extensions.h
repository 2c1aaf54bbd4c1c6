// The extensions of an X.509 certificate (RFC 5280 section 4.1), read from
// the DER of its TBSCertificate. mbedtls 2.28 keeps only the extensions it
// knows; vendor extensions such as AMD's 1.3.6.1.4.1.3704.1.* in a VCEK are
// only reachable this way.
#pragma once

#include <string>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

struct CertificateExtension {
  std::string oid;  // dotted decimal
  bool critical = false;
  // The contents of extnValue (the DER the OCTET STRING wraps, or raw bytes
  // for extensions such as AMD's hwID that put no DER inside it). Points
  // into the buffer that was parsed.
  ByteView value;
};

// tbs: a complete TBSCertificate SEQUENCE. Every length is bounds-checked;
// trailing bytes, unknown fields and a repeated extension OID are errors.
// A certificate without extensions gives an empty list.
Result<std::vector<CertificateExtension>> parse_certificate_extensions(ByteView tbs);

}  // namespace bp
