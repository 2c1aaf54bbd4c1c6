// LUKS2 keyslot cryptography (cryptsetup luks2_keyslot_luks2.c,
// luks2_digest_pbkdf2.c): a passphrase (for us: a high-entropy key from the
// broker or a key file) opens a keyslot to a candidate volume key, which is
// accepted only if it matches the pbkdf2 digest.
//
//   open:  K  = PBKDF2-SHA256(passphrase, kdf.salt, kdf.iterations, area.key_size)
//          AF = AES-XTS-decrypt_K(area, 512-byte sectors numbered from 0)
//          vk = AF-merge(AF, key_size, 4000 stripes, sha256)
//          PBKDF2-SHA256(vk, digest.salt, digest.iterations, 32) == digest.digest
//   seal:  the same backwards, with random AF stripes.
#pragma once

#include "lib/core/bytes.h"
#include "lib/core/result.h"
#include "lib/core/secret_bytes.h"
#include "lib/crypto/random.h"
#include "lib/luks2/metadata.h"

namespace bp {

// PBKDF2-SHA256 of the volume key with the digest's salt and iterations,
// compared with the stored digest in constant time.
Result<bool> luks2_digest_matches(const Luks2Digest &digest, ByteView volume_key);
// The digest value for a volume key (digest.salt and iterations set).
Result<Bytes> luks2_compute_digest(const Luks2Digest &digest, ByteView volume_key);

// Decrypts the keyslot's AF material (area_bytes: at least
// luks2_af_material_size(key_size) bytes read at area_offset) and merges it.
// The result is a candidate: check it with luks2_digest_matches.
Result<SecretBytes> luks2_keyslot_candidate(const Luks2Keyslot &keyslot, ByteView area_bytes,
                                            ByteView passphrase);

// The encrypted AF material for a keyslot holding volume_key
// (luks2_af_material_size(key_size) bytes, to be written at area_offset).
Result<Bytes> luks2_seal_keyslot(const Luks2Keyslot &keyslot, ByteView volume_key, ByteView passphrase,
                                 Random &random);

// Tries the keyslots of the metadata on the device in priority order (2,
// then 1; priority 0 slots are skipped, as cryptsetup does) and returns the
// volume key of the first one the passphrase opens. A key that opens none
// is an error that says so without anything about the key.
Result<SecretBytes> luks2_unlock(int fd, const Luks2Metadata &metadata, ByteView passphrase);

}  // namespace bp
