// Bytes from commands and logs made fit for a JSON string: valid UTF-8 is
// kept, every byte of an invalid sequence and every NUL becomes U+FFFD.
#pragma once

#include <string>

#include "lib/core/bytes.h"

namespace bp {

std::string lossy_utf8(ByteView bytes);

}  // namespace bp
