#include "lib/snp/report.h"

#include <string.h>

#include "lib/core/byte_reader.h"
#include "lib/core/byte_writer.h"
#include "lib/core/format.h"

namespace bp::snp {

namespace {

// Byte positions of the TCB components in each layout (reference: snp.md 1.2).
struct TcbPositions {
  int fmc;  // -1: absent
  int bootloader, tee, snp, microcode;
};

TcbPositions positions(TcbLayout layout) {
  if (layout == TcbLayout::turin) return {0, 1, 2, 3, 7};
  return {-1, 0, 1, 6, 7};
}

uint8_t tcb_byte(uint64_t raw, int index) { return static_cast<uint8_t>(raw >> (8 * index)); }

template <size_t N>
Status read_array(ByteReader &reader, std::array<uint8_t, N> &out, const char *field) {
  ByteView v = TRY(reader.bytes(N, field));
  memcpy(out.data(), v.data(), N);
  return {};
}

Status read_reserved(ByteReader &reader, size_t length, const char *field) {
  size_t at = reader.offset();
  ByteView v = TRY(reader.bytes(length, field));
  if (!is_all_zero(v)) {
    return Error(format("attestation report: reserved field %s at offset 0x%zx is not zero", field, at));
  }
  return {};
}

template <size_t N>
ByteView view(const std::array<uint8_t, N> &a) {
  return ByteView(a.data(), N);
}

Status check_version(uint32_t version) {
  if (version < kMinReportVersion || version > kMaxReportVersion) {
    return Error(format("attestation report: unsupported version %u (expected %u to %u)", version,
                        kMinReportVersion, kMaxReportVersion));
  }
  return {};
}

constexpr uint32_t kKeyInfoMask = 0x1f;  // bits 31:5 must be zero

}  // namespace

const char *tcb_layout_name(TcbLayout layout) { return layout == TcbLayout::turin ? "Turin" : "Milan/Genoa"; }

Result<TcbParts> decode_tcb(uint64_t raw, TcbLayout layout) {
  TcbPositions p = positions(layout);
  uint64_t used = 0;
  for (int index : {p.fmc, p.bootloader, p.tee, p.snp, p.microcode}) {
    if (index >= 0) used |= uint64_t{0xff} << (8 * index);
  }
  if ((raw & ~used) != 0) {
    return Error(format("TCB version 0x%016llx has reserved bytes set for the %s layout",
                        static_cast<unsigned long long>(raw), tcb_layout_name(layout)));
  }
  TcbParts parts;
  if (p.fmc >= 0) parts.fmc = tcb_byte(raw, p.fmc);
  parts.bootloader = tcb_byte(raw, p.bootloader);
  parts.tee = tcb_byte(raw, p.tee);
  parts.snp = tcb_byte(raw, p.snp);
  parts.microcode = tcb_byte(raw, p.microcode);
  return parts;
}

Result<uint64_t> encode_tcb(const TcbParts &parts, TcbLayout layout) {
  TcbPositions p = positions(layout);
  if (parts.fmc.has_value() != (p.fmc >= 0)) {
    return Error(format("TCB version: an FMC value is %s the %s layout",
                        p.fmc >= 0 ? "required by" : "not part of", tcb_layout_name(layout)));
  }
  uint64_t raw = uint64_t{parts.bootloader} << (8 * p.bootloader) | uint64_t{parts.tee} << (8 * p.tee) |
                 uint64_t{parts.snp} << (8 * p.snp) | uint64_t{parts.microcode} << (8 * p.microcode);
  if (parts.fmc) raw |= uint64_t{*parts.fmc} << (8 * p.fmc);
  return raw;
}

Result<TcbLayout> AttestationReport::tcb_layout() const {
  if (has_cpuid()) {
    if (cpuid_fam_id == 0x19) return TcbLayout::milan_genoa;
    if (cpuid_fam_id >= 0x1a) return TcbLayout::turin;
    return Error(format("attestation report: unknown CPU family 0x%02x", cpuid_fam_id));
  }
  ByteView chip(chip_id.data(), chip_id.size());
  if (is_all_zero(chip)) {
    return Error(
        "attestation report: version 2 with a masked chip ID does not tell the processor generation");
  }
  return is_all_zero(chip.subview(8)) ? TcbLayout::turin : TcbLayout::milan_genoa;
}

Result<AttestationReport> parse_report(ByteView bytes) {
  if (bytes.size() != kReportSize) {
    return Error(format("attestation report: %zu bytes, expected %zu", bytes.size(), kReportSize));
  }
  ByteReader reader(bytes);
  AttestationReport r;
  r.version = TRY(reader.u32_le("version"));
  TRY(check_version(r.version));
  r.guest_svn = TRY(reader.u32_le("guest_svn"));
  r.policy = TRY(reader.u64_le("policy"));
  TRY(read_array(reader, r.family_id, "family_id"));
  TRY(read_array(reader, r.image_id, "image_id"));
  r.vmpl = TRY(reader.u32_le("vmpl"));
  r.signature_algo = TRY(reader.u32_le("signature_algo"));
  r.current_tcb = TRY(reader.u64_le("current_tcb"));
  r.platform_info = TRY(reader.u64_le("platform_info"));
  r.key_info = TRY(reader.u32_le("key_info"));
  if ((r.key_info & ~kKeyInfoMask) != 0) {
    return Error(format("attestation report: key_info 0x%08x has reserved bits set", r.key_info));
  }
  TRY(read_reserved(reader, 4, "reserved_0"));
  TRY(read_array(reader, r.report_data, "report_data"));
  TRY(read_array(reader, r.measurement, "measurement"));
  TRY(read_array(reader, r.host_data, "host_data"));
  TRY(read_array(reader, r.id_key_digest, "id_key_digest"));
  TRY(read_array(reader, r.author_key_digest, "author_key_digest"));
  TRY(read_array(reader, r.report_id, "report_id"));
  TRY(read_array(reader, r.report_id_ma, "report_id_ma"));
  r.reported_tcb = TRY(reader.u64_le("reported_tcb"));
  if (r.has_cpuid()) {
    r.cpuid_fam_id = TRY(reader.u8("cpuid_fam_id"));
    r.cpuid_mod_id = TRY(reader.u8("cpuid_mod_id"));
    r.cpuid_step = TRY(reader.u8("cpuid_step"));
    TRY(read_reserved(reader, 21, "reserved_1"));
  } else {
    TRY(read_reserved(reader, 24, "reserved_1"));
  }
  TRY(read_array(reader, r.chip_id, "chip_id"));
  r.committed_tcb = TRY(reader.u64_le("committed_tcb"));
  r.current.build = TRY(reader.u8("current_build"));
  r.current.minor = TRY(reader.u8("current_minor"));
  r.current.major = TRY(reader.u8("current_major"));
  TRY(read_reserved(reader, 1, "reserved_2"));
  r.committed.build = TRY(reader.u8("committed_build"));
  r.committed.minor = TRY(reader.u8("committed_minor"));
  r.committed.major = TRY(reader.u8("committed_major"));
  TRY(read_reserved(reader, 1, "reserved_3"));
  r.launch_tcb = TRY(reader.u64_le("launch_tcb"));
  if (r.has_mit_vectors()) {
    r.launch_mit_vector = TRY(reader.u64_le("launch_mit_vector"));
    r.current_mit_vector = TRY(reader.u64_le("current_mit_vector"));
  } else {
    TRY(read_reserved(reader, 16, "mit_vectors"));
  }
  TRY(read_reserved(reader, kSignedSize - reader.offset(), "reserved_4"));
  TRY(read_array(reader, r.signature.r, "signature_r"));
  TRY(read_array(reader, r.signature.s, "signature_s"));
  TRY(read_reserved(reader, reader.remaining(), "signature_reserved"));
  return r;
}

Result<Bytes> serialize_report(const AttestationReport &r) {
  TRY(check_version(r.version));
  if ((r.key_info & ~kKeyInfoMask) != 0) {
    return Error(format("attestation report: key_info 0x%08x has reserved bits set", r.key_info));
  }
  if (!r.has_cpuid() && (r.cpuid_fam_id | r.cpuid_mod_id | r.cpuid_step) != 0) {
    return Error(format("attestation report: version %u has no CPUID fields", r.version));
  }
  if (!r.has_mit_vectors() && (r.launch_mit_vector | r.current_mit_vector) != 0) {
    return Error(format("attestation report: version %u has no mitigation vectors", r.version));
  }
  ByteWriter w;
  w.u32_le(r.version);
  w.u32_le(r.guest_svn);
  w.u64_le(r.policy);
  w.bytes(view(r.family_id));
  w.bytes(view(r.image_id));
  w.u32_le(r.vmpl);
  w.u32_le(r.signature_algo);
  w.u64_le(r.current_tcb);
  w.u64_le(r.platform_info);
  w.u32_le(r.key_info);
  w.zeros(4);
  w.bytes(view(r.report_data));
  w.bytes(view(r.measurement));
  w.bytes(view(r.host_data));
  w.bytes(view(r.id_key_digest));
  w.bytes(view(r.author_key_digest));
  w.bytes(view(r.report_id));
  w.bytes(view(r.report_id_ma));
  w.u64_le(r.reported_tcb);
  w.u8(r.cpuid_fam_id);
  w.u8(r.cpuid_mod_id);
  w.u8(r.cpuid_step);
  w.zeros(21);
  w.bytes(view(r.chip_id));
  w.u64_le(r.committed_tcb);
  w.u8(r.current.build);
  w.u8(r.current.minor);
  w.u8(r.current.major);
  w.zeros(1);
  w.u8(r.committed.build);
  w.u8(r.committed.minor);
  w.u8(r.committed.major);
  w.zeros(1);
  w.u64_le(r.launch_tcb);
  w.u64_le(r.launch_mit_vector);
  w.u64_le(r.current_mit_vector);
  w.zeros(kSignedSize - w.size());
  w.bytes(view(r.signature.r));
  w.bytes(view(r.signature.s));
  w.zeros(kReportSize - w.size());
  return w.release();
}

}  // namespace bp::snp
