// Parsing JSON text from untrusted sources into a Json value.
#pragma once

#include <stddef.h>

#include <string_view>

#include "lib/core/result.h"
#include "lib/json/json.h"

namespace bp {

// Parses one JSON value (RFC 8259; any type at the top). Rejects: text longer
// than max_size bytes; arrays and objects nested deeper than max_depth (a
// scalar has depth 0, "[]" depth 1, "[{}]" depth 2), checked by a scan before
// jansson recurses, so no input can exhaust the stack; invalid UTF-8 (including
// overlong forms and encoded surrogates); \u escapes of lone surrogates;
// duplicate object keys; NUL bytes in strings (raw or as \u0000), so every
// string is safe for C APIs; anything after the value but whitespace;
// integers outside int64 and reals that overflow a double. jansson itself
// stops at a depth of 2048, whatever max_depth says.
//
// Errors give the line, column (in characters) and byte position. The result
// chains like any lookup: parse_json(text, ...).object("disks").get_u64(...).
JsonResult parse_json(std::string_view text, size_t max_size, size_t max_depth);

}  // namespace bp
