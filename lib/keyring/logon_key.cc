#include "lib/keyring/logon_key.h"

#include <errno.h>
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <utility>

#include "lib/core/format.h"
#include "lib/dm/crypt_table.h"

namespace bp {

namespace {

// The kernel's limit for a logon (user-type) payload.
constexpr size_t kMaxPayload = 32767;

long keyctl_call(int operation, unsigned long a, unsigned long b = 0, unsigned long c = 0,
                 unsigned long d = 0) {
  return syscall(SYS_keyctl, operation, a, b, c, d);
}

}  // namespace

Result<LogonKey> LogonKey::add(const std::string &description, const SecretBytes &payload) {
  TRY(check_logon_description(description));
  if (payload.empty() || payload.size() > kMaxPayload) {
    return Error(format("logon key %s: payload of %zu bytes, expected 1 to %zu", description.c_str(),
                        payload.size(), kMaxPayload));
  }
  long serial = syscall(SYS_add_key, "logon", description.c_str(), payload.view().data(), payload.size(),
                        static_cast<long>(KEY_SPEC_PROCESS_KEYRING));
  if (serial < 0) return Error::from_errno(format("add_key logon %s", description.c_str()), errno);
  return LogonKey(static_cast<int32_t>(serial), description, payload.size());
}

LogonKey::LogonKey(LogonKey &&other) noexcept
    : serial_(std::exchange(other.serial_, 0)),
      description_(std::move(other.description_)),
      size_(std::exchange(other.size_, 0)) {}

LogonKey::~LogonKey() { (void)remove(); }

Status LogonKey::remove() {
  if (serial_ == 0) return {};
  int32_t serial = std::exchange(serial_, 0);
  Status result;
  if (keyctl_call(KEYCTL_REVOKE, static_cast<unsigned long>(serial)) < 0) {
    result = Error::from_errno(format("keyctl revoke %s", description_.c_str()), errno);
  }
  // Unlink even if revoking failed, so the key at least leaves the keyring.
  if (keyctl_call(KEYCTL_UNLINK, static_cast<unsigned long>(serial),
                  static_cast<unsigned long>(static_cast<long>(KEY_SPEC_PROCESS_KEYRING))) < 0 &&
      result.ok()) {
    result = Error::from_errno(format("keyctl unlink %s", description_.c_str()), errno);
  }
  return result;
}

Result<int32_t> find_logon_key(const std::string &description) {
  long serial = keyctl_call(
      KEYCTL_SEARCH, static_cast<unsigned long>(static_cast<long>(KEY_SPEC_PROCESS_KEYRING)),
      reinterpret_cast<unsigned long>("logon"), reinterpret_cast<unsigned long>(description.c_str()), 0);
  if (serial < 0) return Error::from_errno(format("keyctl search logon %s", description.c_str()), errno);
  return static_cast<int32_t>(serial);
}

}  // namespace bp
