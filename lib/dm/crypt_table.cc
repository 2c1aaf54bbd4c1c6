#include "lib/dm/crypt_table.h"

#include <vector>

#include "lib/core/format.h"

namespace bp {

namespace {

constexpr uint32_t kHmacSha256KeySize = 32;
constexpr uint32_t kHmacSha256TagSize = 32;

bool is_description_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == ':';
}

Status check_device_token(const std::string &device) {
  if (device.empty()) return Error("dm table: backing device is empty");
  for (char c : device) {
    if (c <= ' ' || c > '~')
      return Error(format("dm table: backing device '%s' is not one token", device.c_str()));
  }
  return {};
}

}  // namespace

Status check_logon_description(const std::string &description) {
  size_t colon = description.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == description.size()) {
    return Error(format("logon key description '%s' must be '<service>:<name>'", description.c_str()));
  }
  if (description.size() > 255) return Error("logon key description longer than 255 bytes");
  for (char c : description) {
    if (!is_description_char(c)) {
      return Error(
          format("logon key description '%s' has a character outside [A-Za-z0-9._:-]", description.c_str()));
    }
  }
  return {};
}

Result<DmTarget> crypt_target(const CryptTableSpec &spec) {
  TRY(check_device_token(spec.device));
  TRY(check_logon_description(spec.key_description));
  if (spec.sector_size != 512 && spec.sector_size != 4096) {
    return Error(format("dm-crypt sector size %u, expected 512 or 4096", spec.sector_size));
  }
  uint64_t per_sector = spec.sector_size / 512;
  if (spec.length_sectors == 0 || spec.length_sectors % per_sector != 0) {
    return Error(format("dm-crypt length of %llu sectors is not a positive multiple of the %u-byte sector",
                        static_cast<unsigned long long>(spec.length_sectors), spec.sector_size));
  }
  if (spec.offset_sectors % per_sector != 0) {
    return Error(format("dm-crypt data offset %llu is not a multiple of the %u-byte sector",
                        static_cast<unsigned long long>(spec.offset_sectors), spec.sector_size));
  }
  if (spec.iv_offset % per_sector != 0) {
    return Error(format("dm-crypt iv offset %llu is not a multiple of the %u-byte sector",
                        static_cast<unsigned long long>(spec.iv_offset), spec.sector_size));
  }
  uint32_t cipher_key_size = spec.key_size;
  std::string cipher = "aes-xts-plain64";
  if (spec.integrity == CryptIntegrity::hmac_sha256) {
    cipher_key_size = spec.key_size > kHmacSha256KeySize ? spec.key_size - kHmacSha256KeySize : 0;
    cipher = "capi:authenc(hmac(sha256),xts(aes))-plain64";
  }
  if (cipher_key_size != 32 && cipher_key_size != 64) {
    return Error(format("dm-crypt key of %u bytes: expected an AES-XTS key of 32 or 64 bytes%s",
                        spec.key_size,
                        spec.integrity == CryptIntegrity::hmac_sha256 ? " plus a 32-byte HMAC key" : ""));
  }

  // dm-crypt's option order (cryptsetup emits the same).
  std::vector<std::string> options;
  if (spec.allow_discards) options.push_back("allow_discards");
  if (spec.no_read_workqueue) options.push_back("no_read_workqueue");
  if (spec.no_write_workqueue) options.push_back("no_write_workqueue");
  if (spec.sector_size != 512) options.push_back(format("sector_size:%u", spec.sector_size));
  if (spec.integrity == CryptIntegrity::hmac_sha256) {
    options.push_back(format("integrity:%u:aead", kHmacSha256TagSize));
  }

  std::string params = format("%s :%u:logon:%s %llu %s %llu", cipher.c_str(), spec.key_size,
                              spec.key_description.c_str(), static_cast<unsigned long long>(spec.iv_offset),
                              spec.device.c_str(), static_cast<unsigned long long>(spec.offset_sectors));
  if (!options.empty()) {
    params += format(" %zu", options.size());
    for (const std::string &option : options) params += " " + option;
  }
  return DmTarget{0, spec.length_sectors, "crypt", std::move(params)};
}

}  // namespace bp
