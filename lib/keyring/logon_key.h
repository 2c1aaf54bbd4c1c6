// A kernel keyring "logon" key holding a disk key for dm-crypt, made with
// add_key(2)/keyctl(2) directly (no libkeyutils).
//
// Where it lives: the calling process's own process keyring
// (KEY_SPEC_PROCESS_KEYRING, created on first use). dm-crypt resolves
// ":<size>:logon:<description>" with request_key() in the context of the
// process that loads the table, and request_key searches the thread, process
// and session keyrings of that process, so the key is found while DM_TABLE_LOAD
// runs. A process keyring is not inherited across fork(), so the workload and
// any other child never have it in their search path. Userspace cannot read a
// logon key back (keyctl read fails), only the kernel can.
//
// dm-crypt copies the key into its own crypt_config when the table is
// constructed, so the key is revoked and unlinked right after DM_TABLE_LOAD:
// the handle's remove() (or its destructor) does both.
#pragma once

#include <stdint.h>

#include <string>

#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"

namespace bp {

class LogonKey {
 public:
  // description must be "<service>:<name>" (check_logon_description).
  static Result<LogonKey> add(const std::string &description, const SecretBytes &payload);

  LogonKey(LogonKey &&other) noexcept;
  LogonKey &operator=(LogonKey &&) = delete;
  LogonKey(const LogonKey &) = delete;
  LogonKey &operator=(const LogonKey &) = delete;
  ~LogonKey();

  int32_t serial() const { return serial_; }
  const std::string &description() const { return description_; }
  size_t size() const { return size_; }

  // Revokes the key (unusable at once, for everyone) and unlinks it from the
  // process keyring (the kernel frees it). The handle is empty afterwards.
  Status remove();

 private:
  LogonKey(int32_t serial, std::string description, size_t size)
      : serial_(serial), description_(std::move(description)), size_(size) {}

  int32_t serial_ = 0;
  std::string description_;
  size_t size_ = 0;
};

// The serial of a logon key with this description in the process keyring, as
// request_key would find it; an error (ENOKEY, EKEYREVOKED) when there is none.
Result<int32_t> find_logon_key(const std::string &description);

}  // namespace bp
