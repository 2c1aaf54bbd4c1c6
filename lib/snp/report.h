// The SEV-SNP ATTESTATION_REPORT (SNP ABI spec 56860, table "ATTESTATION_REPORT"):
// 1184 bytes, little-endian, signed over its first 0x2A0 bytes with ECDSA P-384.
// Versions 2 to 5 are accepted (version 4 is laid out like 3). Reserved
// (must-be-zero) bytes are checked, so every accepted report is fully described
// by this struct and serialize_report() gives back the same bytes.
#pragma once

#include <stdint.h>

#include <array>
#include <optional>

#include "lib/core/bytes.h"
#include "lib/core/result.h"

namespace bp::snp {

constexpr size_t kReportSize = 0x4A0;
constexpr size_t kSignedSize = 0x2A0;  // the signature covers [0, 0x2A0)
constexpr size_t kReportDataSize = 64;
constexpr uint32_t kSignatureAlgoEcdsaP384Sha384 = 1;
constexpr uint32_t kMinReportVersion = 2;
constexpr uint32_t kMaxReportVersion = 5;

// How the 8 TCB_VERSION bytes are split: Milan and Genoa use one layout,
// Turin (and later) another with an FMC field.
enum class TcbLayout { milan_genoa, turin };

const char *tcb_layout_name(TcbLayout layout);

struct TcbParts {
  std::optional<uint8_t> fmc;  // Turin layout only
  uint8_t bootloader = 0;
  uint8_t tee = 0;
  uint8_t snp = 0;
  uint8_t microcode = 0;
};

// Splits a raw TCB_VERSION; fails when a byte that the layout reserves is not
// zero (such a value cannot be represented as TcbParts).
Result<TcbParts> decode_tcb(uint64_t raw, TcbLayout layout);
// The inverse; the FMC field must be present exactly for the Turin layout.
Result<uint64_t> encode_tcb(const TcbParts &parts, TcbLayout layout);

struct FirmwareVersion {
  uint8_t major = 0;
  uint8_t minor = 0;
  uint8_t build = 0;
};

enum class SigningKey : uint8_t { vcek = 0, vlek = 1, none = 7 };

// R and S as the firmware stores them: 72-byte little-endian integers, of
// which a P-384 signature uses the low 48 bytes.
struct ReportSignature {
  std::array<uint8_t, 72> r{};
  std::array<uint8_t, 72> s{};
};

struct AttestationReport {
  uint32_t version = 0;
  uint32_t guest_svn = 0;
  uint64_t policy = 0;
  std::array<uint8_t, 16> family_id{};
  std::array<uint8_t, 16> image_id{};
  uint32_t vmpl = 0;
  uint32_t signature_algo = 0;
  uint64_t current_tcb = 0;
  uint64_t platform_info = 0;
  uint32_t key_info = 0;  // signer info: author key, mask chip key, signing key
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 48> measurement{};
  std::array<uint8_t, 32> host_data{};
  std::array<uint8_t, 48> id_key_digest{};
  std::array<uint8_t, 48> author_key_digest{};
  std::array<uint8_t, 32> report_id{};
  std::array<uint8_t, 32> report_id_ma{};
  uint64_t reported_tcb = 0;
  // Version 3 and later; zero in version 2 (reserved there).
  uint8_t cpuid_fam_id = 0;
  uint8_t cpuid_mod_id = 0;
  uint8_t cpuid_step = 0;
  std::array<uint8_t, 64> chip_id{};
  uint64_t committed_tcb = 0;
  FirmwareVersion current;
  FirmwareVersion committed;
  uint64_t launch_tcb = 0;
  // Version 5 and later; zero before (reserved there).
  uint64_t launch_mit_vector = 0;
  uint64_t current_mit_vector = 0;
  ReportSignature signature;

  bool has_cpuid() const { return version >= 3; }
  bool has_mit_vectors() const { return version >= 5; }
  bool author_key_enabled() const { return (key_info & 1) != 0; }
  bool mask_chip_key() const { return (key_info & 2) != 0; }
  uint8_t signing_key() const { return static_cast<uint8_t>((key_info >> 2) & 7); }

  // The TCB layout of this report's processor: from CPUID family for v3+;
  // for v2 from the CHIP_ID shape (Turin uses only its first 8 bytes), which
  // is ambiguous, hence an error, when the chip ID is masked.
  Result<TcbLayout> tcb_layout() const;
};

// Parses exactly kReportSize bytes.
Result<AttestationReport> parse_report(ByteView bytes);

// The 1184-byte encoding. Fails on values the version cannot carry (CPUID
// fields in v2, MIT vectors before v5, unknown versions, key_info MBZ bits).
Result<Bytes> serialize_report(const AttestationReport &report);

}  // namespace bp::snp
