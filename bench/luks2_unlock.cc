// Time to unlock a LUKS2 volume in process, as the init does it: read and
// validate both headers and the JSON metadata, open the keyslot (PBKDF2 +
// AES-XTS + AF merge) and check the digest. Prints the fastest of several
// runs in milliseconds, wall clock and CPU time of this process:
// "unlock <wall ms> <cpu ms>" (the fastest run is the one least disturbed by
// other load on a shared machine). Not a test: nothing is asserted.
//   luks2_unlock DEVICE KEY_FILE [RUNS]
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "lib/core/file_io.h"
#include "lib/core/secret_bytes.h"
#include "lib/luks2/keyslot.h"
#include "lib/luks2/volume.h"

namespace {

double now_ms(clockid_t clock = CLOCK_MONOTONIC) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

int fail(const bp::Error &error) {
  (void)fprintf(stderr, "bench luks2_unlock: %s\n", error.message().c_str());
  return 1;
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    (void)fprintf(stderr, "usage: luks2_unlock DEVICE KEY_FILE [RUNS]\n");
    return 2;
  }
  int runs = argc > 3 ? atoi(argv[3]) : 21;
  auto key_file = bp::read_file(argv[2], 65536);
  if (!key_file.ok()) return fail(key_file.error());
  auto key = bp::SecretBytes::copy_of(key_file.value());
  if (!key.ok()) return fail(key.error());
  std::vector<double> times, cpu_times;
  for (int i = 0; i < runs; ++i) {
    double start = now_ms();
    double cpu_start = now_ms(CLOCK_PROCESS_CPUTIME_ID);
    auto fd = bp::open_file(argv[1], O_RDONLY);
    if (!fd.ok()) return fail(fd.error());
    auto volume = bp::read_luks2_volume(fd.value().get());
    if (!volume.ok()) return fail(volume.error());
    auto vk = bp::luks2_unlock(fd.value().get(), volume.value().metadata, key.value().view());
    if (!vk.ok()) return fail(vk.error());
    times.push_back(now_ms() - start);
    cpu_times.push_back(now_ms(CLOCK_PROCESS_CPUTIME_ID) - cpu_start);
  }
  printf("unlock %.2f %.2f\n", *std::min_element(times.begin(), times.end()),
         *std::min_element(cpu_times.begin(), cpu_times.end()));
  return 0;
}
