// Matching a TLS server certificate to an IP address: its subjectAltName
// must hold an iPAddress entry with those bytes (RFC 5280 4.2.1.6, RFC 6125).
// mbedtls 2.28 matches dNSName entries only, so this part is ours.
#pragma once

#include <optional>
#include <string>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

// The 4 or 16 bytes of an IPv4/IPv6 literal, or nothing for a host name.
std::optional<Bytes> ip_literal_bytes(const std::string &host);

// san: the contents of the subjectAltName extension (a GeneralNames
// SEQUENCE). Malformed DER is an error.
Result<bool> subject_alt_names_contain_ip(ByteView san, ByteView ip);

}  // namespace bp
