#include "lib/luks2/keyslot.h"

#include <string.h>

#include <algorithm>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/crypto/aes_xts.h"
#include "lib/crypto/pbkdf2.h"
#include "lib/luks2/af_splitter.h"

namespace bp {

namespace {

constexpr size_t kDigestSize = 32;
constexpr size_t kAreaSectorSize = 512;

}  // namespace

Result<Bytes> luks2_compute_digest(const Luks2Digest &digest, ByteView volume_key) {
  SecretBytes derived = TRY(pbkdf2_sha256(volume_key, digest.salt, digest.iterations, kDigestSize));
  return derived.view().to_bytes();  // a digest is public (it is stored in the header)
}

Result<bool> luks2_digest_matches(const Luks2Digest &digest, ByteView volume_key) {
  SecretBytes derived = TRY(pbkdf2_sha256(volume_key, digest.salt, digest.iterations, kDigestSize));
  return constant_time_equal(derived.view(), digest.digest);
}

Result<SecretBytes> luks2_keyslot_candidate(const Luks2Keyslot &keyslot, ByteView area_bytes,
                                            ByteView passphrase) {
  size_t material_size = luks2_af_material_size(keyslot.key_size);
  if (area_bytes.size() < material_size) {
    return Error(
        format("keyslot %u: %zu bytes of area, need %zu", keyslot.id, area_bytes.size(), material_size));
  }
  SecretBytes kek = TRY(pbkdf2_sha256(passphrase, keyslot.salt, keyslot.iterations, keyslot.area_key_size));
  AesXts cipher = TRY_CONTEXT(AesXts::create(kek.view()), format("keyslot %u", keyslot.id));
  SecretBytes material = TRY(SecretBytes::allocate(material_size));
  TRY(cipher.decrypt_sectors(0, kAreaSectorSize, area_bytes.data(), material.data(), material_size));
  return af_merge(material.view().subview(0, size_t{keyslot.key_size} * kLuks2AfStripes), keyslot.key_size,
                  kLuks2AfStripes);
}

Result<Bytes> luks2_seal_keyslot(const Luks2Keyslot &keyslot, ByteView volume_key, ByteView passphrase,
                                 Random &random) {
  if (volume_key.size() != keyslot.key_size) {
    return Error(format("keyslot %u holds a %u-byte key, got %zu bytes", keyslot.id, keyslot.key_size,
                        volume_key.size()));
  }
  size_t stripes_size = size_t{keyslot.key_size} * kLuks2AfStripes;
  Bytes stripes = TRY(random.bytes(stripes_size - keyslot.key_size));
  SecretBytes split = TRY(af_split(volume_key, kLuks2AfStripes, stripes));
  explicit_bzero(stripes.data(), stripes.size());
  // The sector padding after the stripes is zero before encryption, as in
  // cryptsetup.
  size_t material_size = luks2_af_material_size(keyslot.key_size);
  SecretBytes material = TRY(SecretBytes::allocate(material_size));
  memcpy(material.data(), split.view().data(), stripes_size);
  SecretBytes kek = TRY(pbkdf2_sha256(passphrase, keyslot.salt, keyslot.iterations, keyslot.area_key_size));
  AesXts cipher = TRY(AesXts::create(kek.view()));
  Bytes area(material_size);
  TRY(cipher.encrypt_sectors(0, kAreaSectorSize, material.view().data(), area.data(), material_size));
  return area;
}

Result<SecretBytes> luks2_unlock(int fd, const Luks2Metadata &metadata, ByteView passphrase) {
  std::vector<const Luks2Keyslot *> order;
  for (const Luks2Keyslot &k : metadata.keyslots) {
    if (k.priority.value_or(1) != 0) order.push_back(&k);
  }
  std::stable_sort(order.begin(), order.end(), [](const Luks2Keyslot *a, const Luks2Keyslot *b) {
    return a->priority.value_or(1) > b->priority.value_or(1);
  });
  for (const Luks2Keyslot *k : order) {
    Bytes area(luks2_af_material_size(k->key_size));
    TRY_CONTEXT(pread_exact(fd, area.data(), area.size(), static_cast<off_t>(k->area_offset)),
                format("reading keyslot %u", k->id));
    SecretBytes candidate = TRY(luks2_keyslot_candidate(*k, area, passphrase));
    if (TRY(luks2_digest_matches(metadata.digest, candidate.view()))) return candidate;
  }
  return Error(format("the key opens none of the %zu usable keyslots", order.size()));
}

}  // namespace bp
