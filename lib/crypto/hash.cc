#include "lib/crypto/hash.h"

#include <string>

#include "lib/core/format.h"
#include "lib/crypto/mbedtls_glue.h"

namespace bp {

namespace {
constexpr HashAlgorithm kAll[] = {HashAlgorithm::sha1, HashAlgorithm::sha256, HashAlgorithm::sha384,
                                  HashAlgorithm::sha512};
}  // namespace

size_t hash_size(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::sha1:
      return 20;
    case HashAlgorithm::sha256:
      return 32;
    case HashAlgorithm::sha384:
      return 48;
    case HashAlgorithm::sha512:
      return 64;
  }
  return 0;
}

const char *hash_name(HashAlgorithm algorithm) {
  switch (algorithm) {
    case HashAlgorithm::sha1:
      return "sha1";
    case HashAlgorithm::sha256:
      return "sha256";
    case HashAlgorithm::sha384:
      return "sha384";
    case HashAlgorithm::sha512:
      return "sha512";
  }
  return "unknown";
}

Result<HashAlgorithm> parse_hash_name(std::string_view name) {
  for (HashAlgorithm algorithm : kAll) {
    if (name == hash_name(algorithm)) return algorithm;
  }
  return Error(format("unsupported hash '%.*s' (expected sha1, sha256, sha384 or sha512)",
                      static_cast<int>(name.size() > 32 ? 32 : name.size()), name.data()));
}

Bytes hash(HashAlgorithm algorithm, ByteView data) {
  Bytes out(hash_size(algorithm));
  // Fails only for a null md_info, which md_info() never returns.
  mbedtls_md(md_info(algorithm), data.data(), data.size(), out.data());
  return out;
}

}  // namespace bp
