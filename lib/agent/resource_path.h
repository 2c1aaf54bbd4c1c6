// The name of a KBS resource, kbs:///<repository>/<type>/<tag>, as the
// workload asks for it (GET /cdh/resource/<repository>/<type>/<tag>) and as
// bp-init hands resources to bp-agent.
//
// The text comes from the workload (or the command line), so each segment
// must be a plain name: 1..128 characters of [A-Za-z0-9._-], and not "." or
// "..". Nothing that a broker, a URL parser or a file system could read as
// another path (no '/', '%', '\\', NUL, "..") gets through.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/result.h"

namespace bp {

struct ResourcePath {
  std::string repository;
  std::string type;
  std::string tag;

  std::string path() const { return repository + "/" + type + "/" + tag; }  // "r/t/g"
  std::string uri() const { return "kbs:///" + path(); }                    // "kbs:///r/t/g"
  bool operator==(const ResourcePath &other) const {
    return repository == other.repository && type == other.type && tag == other.tag;
  }
  bool operator!=(const ResourcePath &other) const { return !(*this == other); }
};

constexpr size_t kMaxResourceSegment = 128;

// "<repository>/<type>/<tag>" exactly.
Result<ResourcePath> parse_resource_path(std::string_view text);
// Also accepts the URI form "kbs:///<repository>/<type>/<tag>".
Result<ResourcePath> parse_resource_reference(std::string_view text);

}  // namespace bp
