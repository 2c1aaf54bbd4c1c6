#include "lib/luks2/metadata_parser.h"

#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/json/json_parse.h"
#include "lib/json/json_path.h"
#include "lib/luks2/metadata_layout.h"

namespace bp {

namespace {

constexpr size_t kMaxDepth = 8;
constexpr uint32_t kMaxKeyslots = 32;
constexpr const char *kCipher = "aes-xts-plain64";

// 64-bit values are decimal strings in LUKS2 metadata.
Result<uint64_t> get_decimal(const Json &object, const char *key) {
  Json value = TRY(object.member(key));
  std::string text = TRY(value.as_string());
  Result<uint64_t> number = parse_u64(text);
  if (!number.ok()) return Error(value.path() + ": " + number.error().message());
  return number.release_value();
}

Status expect_string(const Json &object, const char *key, const char *expected, const char *why = nullptr) {
  Json value = TRY(object.member(key));
  std::string text = TRY(value.as_string());
  if (text != expected) {
    return Error(format("%s is %s, expected '%s'%s", value.path().c_str(), json_quoted(text).c_str(),
                        expected, why ? why : ""));
  }
  return {};
}

Result<uint32_t> get_u32(const Json &object, const char *key, uint32_t max = UINT32_MAX) {
  return static_cast<uint32_t>(TRY(object.get_u64(key, max)));
}

// Object member names of keyslots, segments and digests: "0", "1", ...
Result<uint32_t> parse_id(const Json &value, const std::string &key, uint32_t max) {
  Result<uint64_t> id = parse_u64(key);
  if (!id.ok() || id.value() > max || format("%llu", static_cast<unsigned long long>(id.value())) != key) {
    return Error(format("%s: the name must be a number 0..%u", value.path().c_str(), max));
  }
  return static_cast<uint32_t>(id.value());
}

Result<Luks2Keyslot> parse_keyslot(const Json &slot, uint32_t id) {
  Luks2Keyslot k;
  k.id = id;
  TRY(slot.only_keys({"type", "key_size", "af", "area", "kdf", "priority"}));
  TRY(expect_string(slot, "type", "luks2"));
  k.key_size = TRY(get_u32(slot, "key_size", 1024));
  if (std::optional<uint64_t> priority = TRY(slot.optional_u64("priority", 2))) {
    k.priority = static_cast<uint32_t>(*priority);
  }

  Json af = TRY(slot.object("af"));
  TRY(af.only_keys({"type", "stripes", "hash"}));
  TRY(expect_string(af, "type", "luks1"));
  uint64_t stripes = TRY(af.get_u64("stripes"));
  if (stripes != kLuks2AfStripes) {
    return Error(format("%s.stripes is %llu, expected %u", af.path().c_str(),
                        static_cast<unsigned long long>(stripes), kLuks2AfStripes));
  }
  TRY(expect_string(af, "hash", "sha256"));

  Json area = TRY(slot.object("area"));
  TRY(area.only_keys({"type", "offset", "size", "encryption", "key_size"}));
  TRY(expect_string(area, "type", "raw"));
  k.area_offset = TRY(get_decimal(area, "offset"));
  k.area_size = TRY(get_decimal(area, "size"));
  TRY(expect_string(area, "encryption", kCipher, " (anything else could leave the keyslot unencrypted)"));
  k.area_key_size = TRY(get_u32(area, "key_size", 1024));

  Json kdf = TRY(slot.object("kdf"));
  std::string kdf_type = TRY(kdf.get_string("type"));
  if (kdf_type == "argon2i" || kdf_type == "argon2id") {
    return Error(
        format("%s.type is %s: only pbkdf2 keyslots are supported (the guest has no Argon2); add a "
               "keyslot with 'cryptsetup luksAddKey --pbkdf pbkdf2'",
               kdf.path().c_str(), kdf_type.c_str()));
  }
  if (kdf_type != "pbkdf2") {
    return Error(
        format("%s.type is %s, expected 'pbkdf2'", kdf.path().c_str(), json_quoted(kdf_type).c_str()));
  }
  TRY(kdf.only_keys({"type", "hash", "iterations", "salt"}));
  TRY(expect_string(kdf, "hash", "sha256"));
  k.iterations = TRY(get_u32(kdf, "iterations"));
  k.salt = TRY(kdf.get_base64("salt", kLuks2SaltSize));
  return k;
}

Status parse_keyslots(const Json &keyslots, Luks2Metadata &m, std::vector<std::string> &problems) {
  std::vector<JsonMember> members = TRY(keyslots.members());
  if (members.size() > kMaxKeyslots) {
    return Error(format("%s has %zu keyslots, at most %u allowed", keyslots.path().c_str(), members.size(),
                        kMaxKeyslots));
  }
  for (const JsonMember &member : members) {
    Result<uint32_t> id = parse_id(member.value, member.key, kMaxKeyslots - 1);
    if (!id.ok()) {
      problems.push_back(id.error().message());
      continue;
    }
    Result<Luks2Keyslot> slot = parse_keyslot(member.value, id.value());
    if (slot.ok()) {
      m.keyslots.push_back(slot.release_value());
    } else {
      problems.push_back(slot.error().message());
    }
  }
  return {};
}

Result<Luks2Segment> parse_segment(const Json &segments) {
  std::vector<JsonMember> members = TRY(segments.members());
  if (members.size() != 1 || members[0].key != "0") {
    return Error(format("%s must hold exactly one segment, \"0\" (it has %zu)", segments.path().c_str(),
                        members.size()));
  }
  const Json &s = members[0].value;
  Luks2Segment seg;
  TRY(s.only_keys({"type", "offset", "size", "iv_tweak", "encryption", "sector_size", "integrity", "flags"}));
  TRY(expect_string(s, "type", "crypt"));
  seg.offset = TRY(get_decimal(s, "offset"));
  Json size = TRY(s.member("size"));
  std::string size_text = TRY(size.as_string());
  if (size_text != "dynamic") seg.size = TRY(get_decimal(s, "size"));
  TRY(expect_string(s, "iv_tweak", "0"));
  TRY(expect_string(s, "encryption", kCipher, " (anything else could store data unencrypted)"));
  seg.sector_size = TRY(get_u32(s, "sector_size"));
  if (std::optional<Json> flags = TRY(s.optional_array("flags"))) {
    if (flags->size() != 0)
      return Error(format("%s: segment flags are not supported", flags->path().c_str()));
  }
  if (std::optional<Json> integrity = TRY(s.optional_object("integrity"))) {
    TRY(integrity->only_keys({"type", "journal_encryption", "journal_integrity", "key_size"}));
    TRY(expect_string(*integrity, "type", "hmac(sha256)"));
    TRY(expect_string(*integrity, "journal_encryption", "none"));
    TRY(expect_string(*integrity, "journal_integrity", "none"));
    if (std::optional<uint64_t> key_size = TRY(integrity->optional_u64("key_size"))) {
      if (*key_size != kLuks2HmacKeySize) {
        return Error(format("%s.key_size is %llu, expected %zu", integrity->path().c_str(),
                            static_cast<unsigned long long>(*key_size), kLuks2HmacKeySize));
      }
    }
    seg.integrity = Luks2Integrity::hmac_sha256;
  }
  return seg;
}

Result<Luks2Digest> parse_digest(const Json &digests) {
  std::vector<JsonMember> members = TRY(digests.members());
  if (members.size() != 1 || members[0].key != "0") {
    return Error(format("%s must hold exactly one digest, \"0\" (it has %zu)", digests.path().c_str(),
                        members.size()));
  }
  const Json &d = members[0].value;
  Luks2Digest digest;
  TRY(d.only_keys({"type", "keyslots", "segments", "hash", "iterations", "salt", "digest"}));
  TRY(expect_string(d, "type", "pbkdf2"));
  Json keyslots = TRY(d.array("keyslots"));
  for (const std::string &id : TRY(keyslots.as_strings())) {
    digest.keyslots.push_back(TRY(parse_id(keyslots, id, kMaxKeyslots - 1)));
  }
  std::vector<std::string> segments = TRY(d.get_strings("segments"));
  if (segments != std::vector<std::string>{"0"}) {
    return Error(format("%s.segments must be [\"0\"]", d.path().c_str()));
  }
  TRY(expect_string(d, "hash", "sha256"));
  digest.iterations = TRY(get_u32(d, "iterations"));
  digest.salt = TRY(d.get_base64("salt", kLuks2SaltSize));
  digest.digest = TRY(d.get_base64("digest", 32));
  return digest;
}

Result<Luks2Config> parse_config(const Json &c) {
  Luks2Config config;
  TRY(c.only_keys({"json_size", "keyslots_size", "flags", "requirements"}));
  config.json_size = TRY(get_decimal(c, "json_size"));
  config.keyslots_size = TRY(get_decimal(c, "keyslots_size"));
  if (std::optional<Json> flags = TRY(c.optional_array("flags"))) {
    static const char *const kAllowed[] = {"allow-discards", "same-cpu-crypt",    "submit-from-crypt-cpus",
                                           "no-journal",     "no-read-workqueue", "no-write-workqueue"};
    for (const std::string &flag : TRY(flags->as_strings())) {
      bool known = false;
      for (const char *allowed : kAllowed) known = known || flag == allowed;
      if (!known)
        return Error(format("%s: unknown flag %s", flags->path().c_str(), json_quoted(flag).c_str()));
      config.flags.push_back(flag);
    }
  }
  if (c.has("requirements")) {
    return Error(
        format("%s.requirements is present: the volume needs a feature we do not support", c.path().c_str()));
  }
  return config;
}

// A top-level object, or a problem recorded.
std::optional<Json> section(const Json &root, const char *key, std::vector<std::string> &problems) {
  Result<Json> value = root.object(key);
  if (!value.ok()) {
    problems.push_back(value.error().message());
    return std::nullopt;
  }
  return value.release_value();
}

template <typename T>
bool take(Result<T> result, T &out, std::vector<std::string> &problems) {
  if (!result.ok()) {
    problems.push_back(result.error().message());
    return false;
  }
  out = result.release_value();
  return true;
}

}  // namespace

Luks2MetadataCheck check_luks2_metadata(const std::string &json_text, uint64_t hdr_size,
                                        uint64_t device_size) {
  Luks2MetadataCheck check;
  std::vector<std::string> &problems = check.problems;
  Result<Json> parsed = parse_json(json_text, hdr_size, kMaxDepth);
  if (!parsed.ok()) {
    problems.push_back("JSON metadata: " + parsed.error().message());
    return check;
  }
  const Json &root = parsed.value();
  Status keys = root.only_keys({"keyslots", "tokens", "segments", "digests", "config"});
  if (!keys.ok()) problems.push_back(keys.error().message());

  Luks2Metadata m;
  bool complete = true;
  if (std::optional<Json> keyslots = section(root, "keyslots", problems)) {
    Status status = parse_keyslots(*keyslots, m, problems);
    if (!status.ok()) problems.push_back(status.error().message());
  } else {
    complete = false;
  }
  std::optional<Json> segments = section(root, "segments", problems);
  complete = segments && take(parse_segment(*segments), m.segment, problems) && complete;
  std::optional<Json> digests = section(root, "digests", problems);
  complete = digests && take(parse_digest(*digests), m.digest, problems) && complete;
  std::optional<Json> config = section(root, "config", problems);
  complete = config && take(parse_config(*config), m.config, problems) && complete;
  if (std::optional<Json> tokens = section(root, "tokens", problems)) {
    if (tokens->size() != 0) problems.push_back(tokens->path() + ": tokens are not allowed (must be empty)");
  }
  // The layout check needs every section; without them it would only add noise.
  if (complete && problems.empty()) check_luks2_layout(m, hdr_size, device_size, problems);
  if (problems.empty()) check.metadata = std::move(m);
  return check;
}

Result<Luks2Metadata> parse_luks2_metadata(const std::string &json_text, uint64_t hdr_size,
                                           uint64_t device_size) {
  Luks2MetadataCheck check = check_luks2_metadata(json_text, hdr_size, device_size);
  if (check.metadata) return std::move(*check.metadata);
  return Error(join(check.problems, "; "));
}

}  // namespace bp
