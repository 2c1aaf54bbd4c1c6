#include "lib/snp/vcpu_types.h"

#include <string>

namespace bp {

namespace {

constexpr uint32_t kNaples = cpuid_signature(23, 1, 2);  // 0x800f12
constexpr uint32_t kRome = cpuid_signature(23, 49, 0);   // 0x830f10
constexpr uint32_t kMilan = cpuid_signature(25, 1, 1);   // 0xa00f11
constexpr uint32_t kGenoa = cpuid_signature(25, 17, 0);  // 0xa10f10
constexpr uint32_t kTurin = cpuid_signature(26, 0, 0);   // 0xb00f00

// sev-snp-measure 0.0.13's list, plus QEMU versions of the same models
// (EPYC-Rome-v4, EPYC-Turin-v1) that keep the family, model and stepping.
constexpr VcpuType kTypes[] = {
    {"EPYC", kNaples},         {"EPYC-v1", kNaples},      {"EPYC-v2", kNaples},    {"EPYC-IBPB", kNaples},
    {"EPYC-v3", kNaples},      {"EPYC-v4", kNaples},      {"EPYC-Rome", kRome},    {"EPYC-Rome-v1", kRome},
    {"EPYC-Rome-v2", kRome},   {"EPYC-Rome-v3", kRome},   {"EPYC-Rome-v4", kRome}, {"EPYC-Milan", kMilan},
    {"EPYC-Milan-v1", kMilan}, {"EPYC-Milan-v2", kMilan}, {"EPYC-Genoa", kGenoa},  {"EPYC-Genoa-v1", kGenoa},
    {"EPYC-Turin", kTurin},    {"EPYC-Turin-v1", kTurin},
};

}  // namespace

const VcpuType *vcpu_types_begin() { return kTypes; }
const VcpuType *vcpu_types_end() { return kTypes + sizeof kTypes / sizeof kTypes[0]; }

Result<uint32_t> vcpu_type_signature(std::string_view name) {
  for (const VcpuType &t : kTypes) {
    if (name == t.name) return t.signature;
  }
  std::string known;
  for (const VcpuType &t : kTypes) known += std::string(known.empty() ? "" : ", ") + t.name;
  return Error("unknown vCPU type '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace bp
