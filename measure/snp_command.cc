#include "measure/snp_command.h"

#include <stdio.h>

#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/mapped_file.h"
#include "lib/snp/vcpu_types.h"
#include "measure/options.h"

namespace bp::measure {

namespace {

const char kUsage[] =
    "usage: bp-measure snp --ovmf PATH --vcpus N (--vcpu-type CPUTYPE | --vcpu-sig VALUE |\n"
    "                      --vcpu-family F --vcpu-model M --vcpu-stepping S)\n"
    "                      [--kernel PATH [--initrd PATH] [--append CMDLINE]] [--guest-features VALUE]\n"
    "                      [--vmm-type QEMU|ec2|gce] [--output-format hex|base64]\n"
    "                      [--snp-ovmf-hash HASH | --ovmf-hash HASH] [--dump-vmsa [DIR]] [-v]\n"
    "                      [--mode snp|snp:ovmf-hash]\n";

const char kHelp[] =
    "\nPrints the SNP launch digest (the report's MEASUREMENT) of a guest started by QEMU with\n"
    "-bios PATH (and kernel-hashes=on when --kernel is given), like virtee's sev-snp-measure\n"
    "--mode snp with the same options.\n\n"
    "  --ovmf PATH            the firmware image passed to -bios\n"
    "  --vcpus N              number of vCPUs\n"
    "  --vcpu-type CPUTYPE    QEMU CPU model (%s)\n"
    "  --vcpu-sig VALUE       CPUID 1 EAX of the guest vCPU, e.g. 0xa00f11\n"
    "  --vcpu-family/--vcpu-model/--vcpu-stepping  the same as three numbers\n"
    "                         (a vCPU type is required only for --vmm-type QEMU)\n"
    "  --kernel PATH          kernel (-kernel); --initrd and --append need it\n"
    "  --initrd PATH          initrd (-initrd)\n"
    "  --append CMDLINE       kernel command line (-append)\n"
    "  --guest-features VALUE SEV_FEATURES of the VMSA (default 0x1; 0x21 adds DebugSwap)\n"
    "  --vmm-type TYPE        QEMU (default), ec2 or gce, in any case\n"
    "  --output-format FMT    hex (default) or base64\n"
    "  --snp-ovmf-hash HASH   digest after the firmware pages (from --mode snp:ovmf-hash);\n"
    "                         the firmware is then only parsed, not hashed (alias --ovmf-hash)\n"
    "  --dump-vmsa [DIR]      write the measured VMSAs to DIR/vmsa<N>.bin (default: .)\n"
    "  --mode MODE            snp (default) or snp:ovmf-hash (print the firmware digest)\n"
    "  -v, --verbose          print \"Calculated SEV_SNP guest measurement: ...\"\n";

const std::vector<OptionSpec> kSpecs = {
    {"--mode", OptionKind::value},
    {"--ovmf", OptionKind::value},
    {"--vcpus", OptionKind::value},
    {"--vcpu-type", OptionKind::value},
    {"--vcpu-sig", OptionKind::value},
    {"--vcpu-family", OptionKind::value},
    {"--vcpu-model", OptionKind::value},
    {"--vcpu-stepping", OptionKind::value},
    {"--vmm-type", OptionKind::value},
    {"--kernel", OptionKind::value},
    {"--initrd", OptionKind::value},
    {"--append", OptionKind::value},
    {"--guest-features", OptionKind::value},
    {"--output-format", OptionKind::value},
    {"--snp-ovmf-hash", OptionKind::value},
    {"--ovmf-hash", OptionKind::value},
    {"--dump-vmsa", OptionKind::optional_value},
    {"-v", OptionKind::flag},
    {"--verbose", OptionKind::flag},
    {"-h", OptionKind::flag},
    {"--help", OptionKind::flag},
};

Result<uint32_t> parse_u32(const char *name, uint64_t value) {
  if (value > UINT32_MAX)
    return Error(
        format("argument %s: %llu does not fit in 32 bits", name, static_cast<unsigned long long>(value)));
  return static_cast<uint32_t>(value);
}

// The signature in sev-snp-measure's order of precedence: family/model/
// stepping, then --vcpu-sig, then --vcpu-type.
Result<std::optional<uint32_t>> vcpu_signature(const ParsedOptions &o) {
  if (auto family = o.get("--vcpu-family")) {
    auto model = o.get("--vcpu-model");
    auto stepping = o.get("--vcpu-stepping");
    if (!model || !stepping) return Error("--vcpu-family requires --vcpu-model and --vcpu-stepping");
    uint32_t f = TRY(parse_u32("--vcpu-family", TRY(parse_decimal_option("--vcpu-family", *family))));
    uint32_t m = TRY(parse_u32("--vcpu-model", TRY(parse_decimal_option("--vcpu-model", *model))));
    uint32_t s = TRY(parse_u32("--vcpu-stepping", TRY(parse_decimal_option("--vcpu-stepping", *stepping))));
    return std::optional<uint32_t>(cpuid_signature(f, m, s));
  }
  if (auto sig = o.get("--vcpu-sig")) {
    return std::optional<uint32_t>(
        TRY(parse_u32("--vcpu-sig", TRY(parse_integer_option("--vcpu-sig", *sig)))));
  }
  if (auto type = o.get("--vcpu-type")) {
    return std::optional<uint32_t>(TRY_CONTEXT(vcpu_type_signature(*type), "argument --vcpu-type"));
  }
  return std::optional<uint32_t>();
}

Result<Sha256Digest> sha256_file(const std::string &path) {
  MappedFile file = TRY(MappedFile::open(path));
  return sha256(file.bytes());
}

Status dump_vmsas(const std::string &dir, const SnpLaunchMeasurement &m, uint32_t vcpus) {
  for (uint32_t i = 0; i < vcpus; ++i) {
    const VmsaPage &page = i == 0 ? m.bsp_vmsa : m.ap_vmsa;
    std::string path = format("%s/vmsa%u.bin", dir.c_str(), i);
    TRY(write_file_atomic(path, ByteView(page.data(), page.size())));
  }
  return {};
}

std::string help_text() {
  std::string types;
  for (const VcpuType *t = vcpu_types_begin(); t != vcpu_types_end(); ++t) {
    types += std::string(types.empty() ? "" : ", ") + t->name;
  }
  return std::string(kUsage) + format(kHelp, types.c_str());
}

}  // namespace

Result<SnpRequest> parse_snp_request(const Arguments &args) {
  ParsedOptions o = TRY(parse_options(args, kSpecs));
  if (!o.positionals.empty()) return Error("unrecognized arguments: " + o.positionals.front());
  SnpRequest r;
  std::string mode = o.get("--mode").value_or("snp");
  if (mode == "snp:ovmf-hash") {
    r.ovmf_hash_only = true;
  } else if (mode != "snp") {
    return Error("argument --mode: '" + mode +
                 "' is not supported (bp-measure computes snp and snp:ovmf-hash)");
  }
  auto ovmf = o.get("--ovmf");
  if (!ovmf) return Error("the following arguments are required: --ovmf");
  r.ovmf = *ovmf;
  r.verbose = o.has("-v") || o.has("--verbose");
  if (auto f = o.get("--output-format")) {
    if (*f != "hex" && *f != "base64") {
      return Error("argument --output-format: invalid choice: '" + *f + "' (choose from 'hex', 'base64')");
    }
    r.base64 = *f == "base64";
  }
  if (r.ovmf_hash_only) return r;

  r.kernel = o.get("--kernel");
  r.initrd = o.get("--initrd");
  r.append = o.get("--append");
  // sev-snp-measure tests these for truthiness: empty values pass.
  if (r.initrd && !r.initrd->empty() && !r.kernel) return Error("--kernel required when using --initrd");
  if (r.append && !r.append->empty() && !r.kernel) return Error("--kernel required when using --append");
  if (r.kernel && r.kernel->empty()) {
    r.kernel.reset();
    r.initrd.reset();
    r.append.reset();
  }

  auto vcpus = o.get("--vcpus");
  if (!vcpus) return Error("missing --vcpus N in guest mode 'snp'");
  uint64_t n = TRY(parse_decimal_option("--vcpus", *vcpus));
  if (n == 0 || n > kSnpMaxVcpus)
    return Error(format("argument --vcpus: %llu is out of range (1..%u)", static_cast<unsigned long long>(n),
                        kSnpMaxVcpus));
  r.config.vcpus = static_cast<uint32_t>(n);

  r.config.vmm = TRY_CONTEXT(parse_vmm_type(o.get("--vmm-type").value_or("QEMU")), "argument --vmm-type");
  std::optional<uint32_t> sig = TRY(vcpu_signature(o));
  if (!sig && r.config.vmm == VmmType::qemu) {
    return Error("missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode 'snp'");
  }
  r.config.vcpu_signature = sig.value_or(0);  // EC2 and GCE do not use it

  if (auto features = o.get("--guest-features")) {
    r.config.guest_features = TRY(parse_integer_option("--guest-features", *features));
  }
  auto seed = o.get("--snp-ovmf-hash");
  if (auto alias = o.get("--ovmf-hash")) {
    if (seed && *seed != *alias) return Error("--snp-ovmf-hash and --ovmf-hash disagree");
    seed = alias;
  }
  if (seed && !seed->empty()) {
    auto bytes = hex_decode(*seed);
    if (!bytes.ok() || bytes.value().size() != 48) {
      return Error("argument --snp-ovmf-hash: expected 96 hexadecimal digits (a SHA-384 digest), got '" +
                   *seed + "'");
    }
    Sha384Digest d;
    std::copy(bytes.value().begin(), bytes.value().end(), d.begin());
    r.config.ovmf_hash = d;
  }
  if (o.has("--dump-vmsa")) {
    std::string dir = *o.get("--dump-vmsa");
    r.dump_vmsa_dir = dir.empty() ? "." : dir;
  }
  return r;
}

Result<std::string> run_snp_request(const SnpRequest &r) {
  MappedFile firmware = TRY(MappedFile::open(r.ovmf));
  OvmfInfo ovmf = TRY_CONTEXT(parse_ovmf(firmware.bytes()), r.ovmf);
  if (r.ovmf_hash_only) {
    // sev-snp-measure prints this one in hex whatever the output format.
    return hex_encode(view(TRY(snp_ovmf_hash(firmware.bytes(), ovmf)))) + "\n";
  }
  SnpLaunchConfig config = r.config;
  if (r.kernel) {
    Sha256Digest kernel = TRY(sha256_file(*r.kernel));
    std::optional<Sha256Digest> initrd;
    if (r.initrd && !r.initrd->empty()) initrd = TRY(sha256_file(*r.initrd));
    config.kernel_hashes = sev_kernel_hashes(kernel, initrd, r.append);
  }
  SnpLaunchMeasurement m = TRY_CONTEXT(snp_launch_measurement(firmware.bytes(), ovmf, config), r.ovmf);
  if (r.dump_vmsa_dir) TRY_CONTEXT(dump_vmsas(*r.dump_vmsa_dir, m, config.vcpus), "--dump-vmsa");
  std::string text = r.base64 ? base64_encode(view(m.digest)) : hex_encode(view(m.digest));
  return (r.verbose ? "Calculated SEV_SNP guest measurement: " + text : text) + "\n";
}

int run_snp_command(const Arguments &args) {
  for (std::string_view a : args) {
    if (a == "-h" || a == "--help") {
      (void)fputs(help_text().c_str(), stdout);
      return kExitOk;
    }
    if (a == "--") break;
  }
  Result<SnpRequest> request = parse_snp_request(args);
  if (!request.ok()) {
    (void)fprintf(stderr, "%sbp-measure snp: error: %s\n", kUsage, request.error().message().c_str());
    return kExitUsage;
  }
  Result<std::string> out = run_snp_request(request.value());
  if (!out.ok()) {
    (void)fprintf(stderr, "bp-measure snp: %s\n", out.error().message().c_str());
    return kExitFailure;
  }
  (void)fputs(out.value().c_str(), stdout);
  return fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

}  // namespace bp::measure
