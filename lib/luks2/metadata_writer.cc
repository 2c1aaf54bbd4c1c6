#include "lib/luks2/metadata_writer.h"

#include "lib/core/encoding.h"
#include "lib/core/format.h"

namespace bp {

namespace {

std::string u64_string(uint64_t value) { return format("\"%llu\"", static_cast<unsigned long long>(value)); }

std::string keyslot_json(const Luks2Keyslot &k) {
  std::string out = format("\"%u\":{\"type\":\"luks2\",\"key_size\":%u,", k.id, k.key_size);
  out += format("\"af\":{\"type\":\"luks1\",\"stripes\":%u,\"hash\":\"sha256\"},", kLuks2AfStripes);
  out += "\"area\":{\"type\":\"raw\",\"offset\":" + u64_string(k.area_offset) +
         ",\"size\":" + u64_string(k.area_size) +
         format(",\"encryption\":\"aes-xts-plain64\",\"key_size\":%u},", k.area_key_size);
  out += format("\"kdf\":{\"type\":\"pbkdf2\",\"hash\":\"sha256\",\"iterations\":%u,\"salt\":\"%s\"}",
                k.iterations, base64_encode(k.salt).c_str());
  if (k.priority) out += format(",\"priority\":%u", *k.priority);
  return out + "}";
}

}  // namespace

std::string encode_luks2_metadata_json(const Luks2Metadata &m) {
  std::string out = "{\"keyslots\":{";
  for (size_t i = 0; i < m.keyslots.size(); ++i) {
    if (i) out += ",";
    out += keyslot_json(m.keyslots[i]);
  }
  out +=
      "},\"tokens\":{},\"segments\":{\"0\":{\"type\":\"crypt\",\"offset\":" + u64_string(m.segment.offset) +
      ",\"size\":" + (m.segment.size ? u64_string(*m.segment.size) : std::string("\"dynamic\"")) +
      format(",\"iv_tweak\":\"0\",\"encryption\":\"aes-xts-plain64\",\"sector_size\":%u",
             m.segment.sector_size);
  if (m.segment.integrity == Luks2Integrity::hmac_sha256) {
    out +=
        ",\"integrity\":{\"type\":\"hmac(sha256)\",\"journal_encryption\":\"none\",\"journal_integrity\":"
        "\"none\"}";
  }
  out += "}},\"digests\":{\"0\":{\"type\":\"pbkdf2\",\"keyslots\":[";
  for (size_t i = 0; i < m.digest.keyslots.size(); ++i) {
    if (i) out += ",";
    out += format("\"%u\"", m.digest.keyslots[i]);
  }
  out += format(
      "],\"segments\":[\"0\"],\"hash\":\"sha256\",\"iterations\":%u,\"salt\":\"%s\",\"digest\":\"%s\"}},",
      m.digest.iterations, base64_encode(m.digest.salt).c_str(), base64_encode(m.digest.digest).c_str());
  out += "\"config\":{\"json_size\":" + u64_string(m.config.json_size) +
         ",\"keyslots_size\":" + u64_string(m.config.keyslots_size);
  if (!m.config.flags.empty()) {
    out += ",\"flags\":[";
    for (size_t i = 0; i < m.config.flags.size(); ++i) {
      if (i) out += ",";
      out += "\"" + m.config.flags[i] + "\"";
    }
    out += "]";
  }
  return out + "}}";
}

}  // namespace bp
