// LUKS2 JSON metadata text from typed metadata, compact and in cryptsetup's
// key order, so a header we write looks like one cryptsetup wrote.
#pragma once

#include <string>

#include "lib/luks2/metadata.h"

namespace bp {

std::string encode_luks2_metadata_json(const Luks2Metadata &metadata);

}  // namespace bp
