#include "lib/snp/sev_hashes.h"

#include "lib/core/byte_writer.h"
#include "lib/core/format.h"
#include "lib/snp/efi_guid.h"

namespace bp {

namespace {

constexpr EfiGuid kTableGuid = efi_guid("9438d606-4f22-4cc9-b479-a793d411fd21");
constexpr EfiGuid kCmdlineGuid = efi_guid("97d02dd8-bd20-4c94-aa78-e7714d36ab2a");
constexpr EfiGuid kInitrdGuid = efi_guid("44baf731-3a2f-4bd7-9af1-41e29169781d");
constexpr EfiGuid kKernelGuid = efi_guid("4de79437-abd2-427f-b835-d5b172d2045b");

constexpr uint16_t kEntrySize = 16 + 2 + 32;
constexpr uint16_t kTableSize = 16 + 2 + 3 * kEntrySize;

void put_entry(ByteWriter &w, const EfiGuid &guid, const Sha256Digest &hash) {
  w.bytes(view(guid));
  w.u16_le(kEntrySize);
  w.bytes(view(hash));
}

}  // namespace

SevKernelHashes sev_kernel_hashes(const Sha256Digest &kernel, std::optional<Sha256Digest> initrd,
                                  std::optional<std::string_view> cmdline) {
  SevKernelHashes h;
  h.kernel = kernel;
  h.initrd = initrd ? *initrd : sha256(ByteView());
  Sha256 c;
  if (cmdline) c.update(ByteView::of_string(*cmdline));
  const uint8_t nul = 0;
  c.update(ByteView(&nul, 1));
  h.cmdline = c.finish();
  return h;
}

Bytes sev_hash_table(const SevKernelHashes &hashes) {
  ByteWriter w;
  w.bytes(view(kTableGuid));
  w.u16_le(kTableSize);
  put_entry(w, kCmdlineGuid, hashes.cmdline);
  put_entry(w, kInitrdGuid, hashes.initrd);
  put_entry(w, kKernelGuid, hashes.kernel);
  w.zeros(kSevHashTablePaddedSize - kTableSize);
  return w.release();
}

Result<Bytes> sev_hashes_page(const SevKernelHashes &hashes, uint32_t offset_in_page) {
  if (offset_in_page > 4096 - kSevHashTablePaddedSize) {
    return Error(format("SEV hashes table at page offset %#x does not fit in the page", offset_in_page));
  }
  Bytes page(4096, 0);
  Bytes table = sev_hash_table(hashes);
  std::copy(table.begin(), table.end(), page.begin() + offset_in_page);
  return page;
}

}  // namespace bp
