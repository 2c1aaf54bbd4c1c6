// dm-crypt table lines built from our own constants (never from strings in a
// LUKS2 header). The key is always a reference to a kernel keyring "logon"
// key, ":<size>:logon:<description>", so key bytes never appear in table text,
// in the ioctl buffer or in what DM_TABLE_STATUS returns.
#pragma once

#include <stdint.h>

#include <string>

#include "lib/core/result.h"
#include "lib/dm/dm_target.h"

namespace bp {

enum class CryptIntegrity {
  none,
  // dm-crypt authenc(hmac(sha256),xts(aes)) over a dm-integrity device with
  // 32-byte tags; the key is the 32- or 64-byte XTS key followed by a 32-byte
  // HMAC key.
  hmac_sha256,
};

struct CryptTableSpec {
  uint64_t length_sectors = 0;  // size of the mapped device, 512-byte sectors
  std::string device;           // backing device: a path or "major:minor"
  uint64_t offset_sectors = 0;  // start of the data on the backing device
  uint64_t iv_offset = 0;       // LUKS2 segment iv_tweak
  uint32_t key_size = 64;       // bytes of the logon key
  std::string key_description;  // logon key description ("<service>:<name>")
  uint32_t sector_size = 512;   // 512 or 4096
  CryptIntegrity integrity = CryptIntegrity::none;
  bool allow_discards = false;
  bool no_read_workqueue = false;
  bool no_write_workqueue = false;
};

// A logon key's description must carry a "service:" prefix (the kernel's
// rule) and, for us, only [A-Za-z0-9._:-] so it is one table token.
Status check_logon_description(const std::string &description);

// "crypt" target: "<cipher> :<size>:logon:<desc> <iv_offset> <device>
// <offset> [<#opts> <opts>...]".
Result<DmTarget> crypt_target(const CryptTableSpec &spec);

}  // namespace bp
