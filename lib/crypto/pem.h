// PEM (RFC 7468) certificate files: one certificate or a bundle.
#pragma once

#include <string_view>
#include <vector>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp {

// The DER of every "CERTIFICATE" block, in file order. Text outside the
// blocks (comments, blank lines) is ignored; a block of another type, an
// unterminated block, headers inside a block or bad base64 are errors, and
// so is a file without any certificate.
Result<std::vector<Bytes>> pem_decode_certificates(std::string_view text);

}  // namespace bp
