#include "lib/crypto/hmac.h"

#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

Result<Bytes> hmac(HashAlgorithm algorithm, ByteView key, ByteView message) {
  Bytes tag(hash_size(algorithm));
  int rc =
      mbedtls_md_hmac(md_info(algorithm), key.data(), key.size(), message.data(), message.size(), tag.data());
  if (rc != 0) return mbedtls_error(format("hmac-%s", hash_name(algorithm)).c_str(), rc);
  return tag;
}

Status hmac_verify(HashAlgorithm algorithm, ByteView key, ByteView message, ByteView expected_tag) {
  Bytes tag = TRY(hmac(algorithm, key, message));
  if (expected_tag.size() != tag.size()) {
    return Error(format("hmac-%s: tag has %zu bytes, expected %zu", hash_name(algorithm), expected_tag.size(),
                        tag.size()));
  }
  if (!constant_time_equal(tag, expected_tag)) {
    return Error(format("hmac-%s: tag mismatch", hash_name(algorithm)));
  }
  return {};
}

}  // namespace bp
