// JSON paths for error messages ("$.disks.root.offset", "$.mounts[3].type",
// "$.annotations['io.k8s/name']"). Keys come from untrusted documents, so
// anything but printable ASCII is escaped and long keys are shortened: a
// message can never carry control characters into a log.
#pragma once

#include <stddef.h>

#include <string>
#include <string_view>

namespace bp {

// The path of member `key` of the value at `parent`: dot notation for keys of
// letters, digits, '_' and '-', otherwise bracket notation with the key quoted.
std::string json_member_path(const std::string &parent, std::string_view key);
// The path of element `index` of the array at `parent`.
std::string json_index_path(const std::string &parent, size_t index);
// Untrusted text in single quotes for a message, escaped and shortened the
// same way as keys in paths.
std::string json_quoted(std::string_view text);

}  // namespace bp
