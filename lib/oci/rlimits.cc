#include "lib/oci/rlimits.h"

#include <sys/resource.h>

#include "lib/core/format.h"

namespace bp {
namespace {

#define BP_RLIMIT(name) \
  { name, #name }

struct Rlimit {
  int resource;
  const char *name;
};

const Rlimit kRlimits[] = {
    BP_RLIMIT(RLIMIT_CPU),      BP_RLIMIT(RLIMIT_FSIZE),  BP_RLIMIT(RLIMIT_DATA),
    BP_RLIMIT(RLIMIT_STACK),    BP_RLIMIT(RLIMIT_CORE),   BP_RLIMIT(RLIMIT_RSS),
    BP_RLIMIT(RLIMIT_NPROC),    BP_RLIMIT(RLIMIT_NOFILE), BP_RLIMIT(RLIMIT_MEMLOCK),
    BP_RLIMIT(RLIMIT_AS),       BP_RLIMIT(RLIMIT_LOCKS),  BP_RLIMIT(RLIMIT_SIGPENDING),
    BP_RLIMIT(RLIMIT_MSGQUEUE), BP_RLIMIT(RLIMIT_NICE),   BP_RLIMIT(RLIMIT_RTPRIO),
    BP_RLIMIT(RLIMIT_RTTIME),
};

#undef BP_RLIMIT

}  // namespace

Result<int> rlimit_resource(std::string_view name) {
  for (const Rlimit &r : kRlimits) {
    if (name == r.name) return static_cast<int>(r.resource);
  }
  return Error(format("unknown resource limit \"%.*s\"", static_cast<int>(name.size()), name.data()));
}

const char *rlimit_name(int resource) {
  for (const Rlimit &r : kRlimits) {
    if (static_cast<int>(r.resource) == resource) return r.name;
  }
  return nullptr;
}

}  // namespace bp
