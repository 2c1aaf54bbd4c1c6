// The OVMF firmware's footer GUID table and SEV metadata (parse_ovmf), as
// bp-measure reads a firmware image it is given. The input is the end of
// the image: zero pages are added in front to make a whole number of
// 4 KiB pages, because everything parsed is found from the end. An
// accepted image's sections are page aligned, disjoint and below the
// firmware.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <vector>

#include "lib/snp/ovmf.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  constexpr size_t kPage = 4096;
  (void)bp::parse_ovmf(bp::ByteView(data, size));  // as given: mostly a size error

  size_t padded = std::max(kPage, (size + kPage - 1) / kPage * kPage);
  // Exactly the image's size, so ASan sees a read past its end.
  bp::Bytes image(padded, 0);
  if (size > 0) memcpy(image.data() + padded - size, data, size);
  auto info = bp::parse_ovmf(image);
  if (!info.ok()) return 0;
  FUZZ_CHECK(info.value().size == image.size() && info.value().gpa == (uint64_t{1} << 32) - image.size());
  std::vector<bp::OvmfSection> sections = info.value().sections;
  std::sort(sections.begin(), sections.end(),
            [](const bp::OvmfSection &a, const bp::OvmfSection &b) { return a.gpa < b.gpa; });
  uint64_t end = 0;
  for (const bp::OvmfSection &section : sections) {
    FUZZ_CHECK(section.size > 0 && section.gpa % kPage == 0 && section.size % kPage == 0);
    FUZZ_CHECK(section.gpa >= end);
    end = uint64_t{section.gpa} + section.size;
    FUZZ_CHECK(end <= info.value().gpa);
    FUZZ_CHECK(info.value().has_section(section.type));
  }
  return 0;
}
