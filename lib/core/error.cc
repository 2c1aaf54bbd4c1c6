#include "lib/core/error.h"

#include <string.h>

namespace bp {

Error Error::from_errno(std::string what, int err) {
  char buffer[128];
  // The XSI strerror_r (musl, and glibc without _GNU_SOURCE) fills buffer;
  // the GNU one may return a static string instead.
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
  const char *text = strerror_r(err, buffer, sizeof buffer);
#else
  const char *text = strerror_r(err, buffer, sizeof buffer) == 0 ? buffer : "unknown error";
#endif
  what += ": ";
  what += text;
  return Error(std::move(what), err);
}

Error Error::with_context(const std::string &context) const {
  return Error(context + ": " + message_, errno_);
}

}  // namespace bp
