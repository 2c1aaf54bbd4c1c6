// A musl program that touches every library a shipped binary links, so the
// toolchain test proves they all link statically and run. Prints one line per
// library; test-toolchain compares the output with known values.
#include <jansson.h>
#include <mbedtls/sha256.h>
#include <seccomp.h>
#include <stdio.h>
#include <zstd.h>

#include <map>
#include <string>

#include "lib/core/encoding.h"

int main() {
  std::map<std::string, int> ordered = {{"b", 2}, {"a", 1}};
  printf("libstdc++: %s%d\n", ordered.begin()->first.c_str(), ordered.begin()->second);

  unsigned char digest[32];
  mbedtls_sha256_ret(reinterpret_cast<const unsigned char *>("abc"), 3, digest, 0);
  printf("mbedtls: %s\n", bp::hex_encode(bp::ByteView(digest, sizeof digest)).c_str());

  json_t *object = json_pack("{s:i}", "n", 42);
  char *text = json_dumps(object, JSON_COMPACT);
  printf("jansson: %s\n", text);
  free(text);
  json_decref(object);

  const char input[] = "zstd zstd zstd zstd";
  char packed[128], unpacked[128];
  size_t n = ZSTD_compress(packed, sizeof packed, input, sizeof input, 19);
  size_t m = ZSTD_decompress(unpacked, sizeof unpacked, packed, n);
  printf("zstd: %s\n", !ZSTD_isError(m) && m == sizeof input ? unpacked : "error");

  printf("libseccomp: %d\n", seccomp_syscall_resolve_name("openat"));
  return 0;
}
