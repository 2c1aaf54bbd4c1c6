#include "lib/luks2/metadata_layout.h"

#include <algorithm>

#include "lib/core/format.h"

namespace bp {

namespace {

unsigned long long ull(uint64_t v) { return static_cast<unsigned long long>(v); }

bool valid_volume_key_size(uint32_t size, Luks2Integrity integrity) {
  uint32_t cipher = integrity == Luks2Integrity::hmac_sha256
                        ? (size > kLuks2HmacKeySize ? size - static_cast<uint32_t>(kLuks2HmacKeySize) : 0)
                        : size;
  return cipher == 32 || cipher == 64;
}

}  // namespace

void check_luks2_layout(const Luks2Metadata &m, uint64_t hdr_size, uint64_t device_size,
                        std::vector<std::string> &problems) {
  const uint64_t json_size = hdr_size - 4096;
  if (m.config.json_size != json_size) {
    problems.push_back(format("config.json_size %llu does not match hdr_size - 4096 = %llu",
                              ull(m.config.json_size), ull(json_size)));
  }
  const uint64_t area_start = 2 * hdr_size;
  const uint64_t keyslots_size = m.config.keyslots_size;
  if (keyslots_size % 4096 != 0 || keyslots_size > kLuks2MaxKeyslotsSize) {
    problems.push_back(
        format("config.keyslots_size %llu is not a multiple of 4096 up to 128 MiB", ull(keyslots_size)));
  }
  const uint64_t area_end = area_start + std::min(keyslots_size, kLuks2MaxKeyslotsSize);

  if (m.keyslots.empty()) problems.push_back("no keyslot");
  for (size_t i = 0; i < m.keyslots.size(); ++i) {
    const Luks2Keyslot &k = m.keyslots[i];
    std::string where = format("keyslots.%u", k.id);
    if (!valid_volume_key_size(k.key_size, m.segment.integrity)) {
      problems.push_back(format("%s.key_size %u is not %s", where.c_str(), k.key_size,
                                m.segment.integrity == Luks2Integrity::hmac_sha256
                                    ? "64 or 96 (XTS key + 32-byte HMAC key)"
                                    : "32 or 64"));
    }
    if (k.key_size != m.keyslots[0].key_size) {
      problems.push_back(
          format("%s.key_size %u differs from keyslot %u's", where.c_str(), k.key_size, m.keyslots[0].id));
    }
    if (k.area_key_size != 32 && k.area_key_size != 64) {
      problems.push_back(format("%s.area.key_size %u is not 32 or 64", where.c_str(), k.area_key_size));
    }
    if (k.iterations < kLuks2MinIterations || k.iterations > kLuks2MaxIterations) {
      problems.push_back(format("%s.kdf.iterations %u outside %u..%u", where.c_str(), k.iterations,
                                kLuks2MinIterations, kLuks2MaxIterations));
    }
    if (k.area_offset % 4096 != 0) {
      problems.push_back(
          format("%s.area.offset %llu is not 4096-aligned", where.c_str(), ull(k.area_offset)));
    }
    if (k.area_offset < area_start || k.area_offset > area_end || k.area_size > area_end - k.area_offset) {
      problems.push_back(format("%s.area [%llu, +%llu) is outside the keyslots area [%llu, %llu)",
                                where.c_str(), ull(k.area_offset), ull(k.area_size), ull(area_start),
                                ull(area_end)));
    }
    if (k.area_size < luks2_af_material_size(k.key_size)) {
      problems.push_back(format("%s.area.size %llu is smaller than the %llu bytes of AF material",
                                where.c_str(), ull(k.area_size), ull(luks2_af_material_size(k.key_size))));
    }
    for (size_t j = 0; j < i; ++j) {
      const Luks2Keyslot &o = m.keyslots[j];
      if (k.id == o.id) problems.push_back(format("keyslot %u appears twice", k.id));
      // Overlap test that cannot overflow: both areas were range-checked
      // above or are reported already.
      if (k.area_offset < o.area_offset + o.area_size && o.area_offset < k.area_offset + k.area_size) {
        problems.push_back(format("%s.area overlaps keyslots.%u.area", where.c_str(), o.id));
      }
    }
  }

  const Luks2Segment &s = m.segment;
  if (s.sector_size != 512 && s.sector_size != 4096) {
    problems.push_back(format("segments.0.sector_size %u is not 512 or 4096", s.sector_size));
  } else {
    if (s.offset % s.sector_size != 0) {
      problems.push_back(
          format("segments.0.offset %llu is not a multiple of the sector size", ull(s.offset)));
    }
    if (s.size && (*s.size == 0 || *s.size % s.sector_size != 0)) {
      problems.push_back(
          format("segments.0.size %llu is not a positive multiple of the sector size", ull(*s.size)));
    }
  }
  if (s.offset < area_start + keyslots_size) {
    problems.push_back(
        format("segments.0.offset %llu overlaps the header and keyslots area (which end at %llu)",
               ull(s.offset), ull(area_start + keyslots_size)));
  }
  if (s.offset >= device_size) {
    problems.push_back(format("segments.0.offset %llu is beyond the end of the %llu-byte device",
                              ull(s.offset), ull(device_size)));
  } else if (s.size && *s.size > device_size - s.offset) {
    problems.push_back(format("segments.0 [%llu, +%llu) extends beyond the end of the %llu-byte device",
                              ull(s.offset), ull(*s.size), ull(device_size)));
  } else if (!s.size && device_size - s.offset < s.sector_size) {
    problems.push_back(format("segments.0 (dynamic) has no whole sector before the end of the device"));
  }

  std::vector<uint32_t> slots;
  for (const Luks2Keyslot &k : m.keyslots) slots.push_back(k.id);
  std::vector<uint32_t> digest_slots = m.digest.keyslots;
  std::sort(slots.begin(), slots.end());
  std::sort(digest_slots.begin(), digest_slots.end());
  if (slots != digest_slots) problems.push_back("digests.0.keyslots does not list exactly the keyslots");
  if (m.digest.iterations < kLuks2MinIterations || m.digest.iterations > kLuks2MaxIterations) {
    problems.push_back(format("digests.0.iterations %u outside %u..%u", m.digest.iterations,
                              kLuks2MinIterations, kLuks2MaxIterations));
  }
}

uint64_t luks2_segment_length(const Luks2Segment &segment, uint64_t device_size) {
  if (segment.size) return *segment.size;
  uint64_t rest = device_size - segment.offset;
  return rest / segment.sector_size * segment.sector_size;
}

Result<Luks2Metadata> plan_luks2_layout(const Luks2FormatOptions &o, uint64_t device_size) {
  if (o.sector_size != 512 && o.sector_size != 4096) {
    return Error(format("sector size %u: expected 512 or 4096", o.sector_size));
  }
  if (o.cipher_key_size != 32 && o.cipher_key_size != 64) {
    return Error(format("aes-xts-plain64 key of %u bytes: expected 32 or 64", o.cipher_key_size));
  }
  if (device_size < kLuks2DefaultDataOffset + o.sector_size) {
    return Error(format("device of %llu bytes is too small: LUKS2 metadata takes %llu bytes",
                        ull(device_size), ull(kLuks2DefaultDataOffset)));
  }
  Luks2Metadata m;
  Luks2Keyslot slot;
  slot.id = 0;
  slot.key_size = o.cipher_key_size +
                  (o.integrity == Luks2Integrity::hmac_sha256 ? static_cast<uint32_t>(kLuks2HmacKeySize) : 0);
  // The keyslot area is always aes-xts-plain64 with a 512-bit key, as
  // cryptsetup does when integrity is on or the segment key is not 512 bits.
  slot.area_key_size = 64;
  slot.area_offset = 2 * kLuks2DefaultHeaderSize;
  slot.area_size = (uint64_t{slot.key_size} * kLuks2AfStripes + 4095) / 4096 * 4096;
  slot.iterations = o.keyslot_iterations;
  m.keyslots.push_back(slot);
  m.segment.offset = kLuks2DefaultDataOffset;
  m.segment.sector_size = o.sector_size;
  m.segment.integrity = o.integrity;
  m.digest.keyslots = {0};
  m.digest.iterations = o.digest_iterations;
  m.config.json_size = kLuks2DefaultHeaderSize - 4096;
  m.config.keyslots_size = kLuks2DefaultDataOffset - 2 * kLuks2DefaultHeaderSize;
  return m;
}

}  // namespace bp
