#include "measure/reference_values.h"

#include <algorithm>

#include "lib/core/encoding.h"
#include "lib/core/format.h"
#include "lib/core/mapped_file.h"
#include "lib/core/strings.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_write.h"
#include "lib/snp/launch_measurement.h"
#include "lib/snp/vcpu_types.h"
#include "measure/options.h"

namespace bp::measure {

namespace {

constexpr uint64_t kPolicyReservedOne = 1ull << 17;
constexpr uint64_t kPolicyDebug = 1ull << 19;
constexpr uint64_t kPolicyMbz = ~((1ull << 26) - 1);
constexpr size_t kMaxRootHashSize = 64;

const std::vector<OptionSpec> kSpecs = {
    {"--ovmf", OptionKind::value},
    {"--kernel", OptionKind::value},
    {"--initrd", OptionKind::value},
    {"--append", OptionKind::value},
    {"--vcpus", OptionKind::multi_value},
    {"--vcpu-type", OptionKind::multi_value},
    {"--vmm-type", OptionKind::multi_value},
    {"--guest-features", OptionKind::value},
    {"--policy", OptionKind::value},
    {"--host-data", OptionKind::value},
    {"--verity-root-hash", OptionKind::value},
    {"--min-tcb", OptionKind::value},
    {"--allow-debug", OptionKind::flag},
    {"--format", OptionKind::value},
    {"--output", OptionKind::value},
    {"-h", OptionKind::flag},
    {"--help", OptionKind::flag},
};

// Every comma-separated item of every value: "--vcpus 1,2 4" is 1, 2, 4.
std::vector<std::string> items(const std::vector<std::string> &values) {
  std::vector<std::string> out;
  for (const std::string &v : values) {
    for (std::string_view item : split(v, ',')) out.emplace_back(item);
  }
  return out;
}

Result<uint32_t> vcpu_count(std::string_view text) {
  uint64_t n = TRY(parse_decimal_option("--vcpus", text));
  if (n == 0 || n > kSnpMaxVcpus) {
    return Error(format("argument --vcpus: %llu is out of range (1..%u)", static_cast<unsigned long long>(n),
                        kSnpMaxVcpus));
  }
  return static_cast<uint32_t>(n);
}

// "1,2,4", "1-4", or both: "1-4,8".
Result<std::vector<uint32_t>> parse_vcpu_list(const std::vector<std::string> &values) {
  std::vector<uint32_t> out;
  for (const std::string &item : items(values)) {
    size_t dash = item.find('-');
    uint32_t first = TRY(vcpu_count(std::string_view(item).substr(0, dash)));
    uint32_t last =
        dash == std::string::npos ? first : TRY(vcpu_count(std::string_view(item).substr(dash + 1)));
    if (last < first) return Error("argument --vcpus: empty range '" + item + "'");
    for (uint32_t n = first; n <= last; ++n) {
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
  }
  if (out.empty()) return Error("the following arguments are required: --vcpus");
  return out;
}

Result<MinimumTcb> parse_min_tcb(const std::string &text) {
  MinimumTcb t;
  for (std::string_view item : split(text, ',')) {
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      return Error("argument --min-tcb: '" + std::string(item) + "' is not COMPONENT=N");
    }
    std::string_view name = item.substr(0, eq);
    uint64_t value = TRY(parse_integer_option("--min-tcb", item.substr(eq + 1)));
    if (value > 255) return Error("argument --min-tcb: " + std::string(item) + " does not fit in a byte");
    uint8_t v = static_cast<uint8_t>(value);
    if (name == "bootloader") {
      t.bootloader = v;
    } else if (name == "tee") {
      t.tee = v;
    } else if (name == "snp") {
      t.snp = v;
    } else if (name == "microcode") {
      t.microcode = v;
    } else if (name == "fmc") {
      t.fmc = v;
    } else {
      return Error("argument --min-tcb: unknown component '" + std::string(name) +
                   "' (bootloader, tee, snp, microcode, fmc)");
    }
  }
  return t;
}

Result<Bytes> parse_hex_option(const char *name, const std::string &text, size_t min_size, size_t max_size) {
  Result<Bytes> bytes = hex_decode(text);
  if (!bytes.ok() || bytes.value().size() < min_size || bytes.value().size() > max_size) {
    if (min_size == max_size)
      return Error(format("argument %s: expected %zu hexadecimal digits", name, 2 * min_size));
    return Error(format("argument %s: expected an even number of hexadecimal digits (at most %zu)", name,
                        2 * max_size));
  }
  return bytes.release_value();
}

Result<Sha256Digest> sha256_file(const std::string &path) {
  MappedFile file = TRY(MappedFile::open(path));
  return sha256(file.bytes());
}

std::string hex_u64(uint64_t v) { return format("0x%llx", static_cast<unsigned long long>(v)); }

JsonObjectBuilder minimum_tcb_json(const MinimumTcb &t) {
  JsonObjectBuilder o;
  o.add_u64("bootloader", t.bootloader)
      .add_u64("tee", t.tee)
      .add_u64("snp", t.snp)
      .add_u64("microcode", t.microcode);
  if (t.fmc) o.add_u64("fmc", *t.fmc);
  return o;
}

// Trustee's default policy asks "is the reported value in the list", so a
// minimum becomes every value from it up to 255.
JsonArrayBuilder at_least(uint8_t minimum) {
  JsonArrayBuilder a;
  for (unsigned v = minimum; v <= 255; ++v) a.add_u64(v);
  return a;
}

}  // namespace

Result<ReferenceValuesRequest> parse_reference_values_request(const Arguments &args) {
  ParsedOptions o = TRY(parse_options(args, kSpecs));
  if (!o.positionals.empty()) return Error("unrecognized arguments: " + o.positionals.front());
  ReferenceValuesRequest r;
  auto ovmf = o.get("--ovmf");
  if (!ovmf) return Error("the following arguments are required: --ovmf");
  r.ovmf = *ovmf;
  r.kernel = o.get("--kernel");
  r.initrd = o.get("--initrd");
  r.append = o.get("--append");
  if ((r.initrd || r.append) && !r.kernel) return Error("--initrd and --append need --kernel");
  r.vcpus = TRY(parse_vcpu_list(o.get_all("--vcpus")));
  for (const std::string &type : items(o.get_all("--vcpu-type"))) {
    TRY_CONTEXT(vcpu_type_signature(type), "argument --vcpu-type");
    if (std::find(r.vcpu_types.begin(), r.vcpu_types.end(), type) == r.vcpu_types.end()) {
      r.vcpu_types.push_back(type);
    }
  }
  if (r.vcpu_types.empty()) return Error("the following arguments are required: --vcpu-type");
  std::vector<std::string> vmms = items(o.get_all("--vmm-type"));
  if (!vmms.empty()) {
    r.vmm_types.clear();
    for (const std::string &name : vmms) {
      VmmType vmm = TRY_CONTEXT(parse_vmm_type(name), "argument --vmm-type");
      if (std::find(r.vmm_types.begin(), r.vmm_types.end(), vmm) == r.vmm_types.end())
        r.vmm_types.push_back(vmm);
    }
  }
  if (auto f = o.get("--guest-features"))
    r.guest_features = TRY(parse_integer_option("--guest-features", *f));
  r.allow_debug = o.has("--allow-debug");
  if (auto p = o.get("--policy")) r.guest_policy = TRY(parse_integer_option("--policy", *p));
  if (!(r.guest_policy & kPolicyReservedOne)) {
    return Error(format("argument --policy: %s has bit 17 clear; the firmware requires it set (e.g. 0x30000)",
                        hex_u64(r.guest_policy).c_str()));
  }
  if (r.guest_policy & kPolicyMbz) {
    return Error(format("argument --policy: %s sets bits above 25, which must be zero",
                        hex_u64(r.guest_policy).c_str()));
  }
  if ((r.guest_policy & kPolicyDebug) && !r.allow_debug) {
    return Error(
        format("argument --policy: %s allows debugging (bit 19): add --allow-debug if that is intended",
               hex_u64(r.guest_policy).c_str()));
  }
  if (auto h = o.get("--host-data")) r.host_data = TRY(parse_hex_option("--host-data", *h, 32, 32));
  if (auto h = o.get("--verity-root-hash")) {
    r.verity_root_hash = hex_encode(TRY(parse_hex_option("--verity-root-hash", *h, 1, kMaxRootHashSize)));
  }
  if (auto t = o.get("--min-tcb")) r.minimum_tcb = TRY(parse_min_tcb(*t));
  if (auto f = o.get("--format")) {
    if (*f == "buckypaper") {
      r.format = ReferenceValuesFormat::buckypaper;
    } else if (*f == "trustee") {
      r.format = ReferenceValuesFormat::trustee;
    } else {
      return Error("argument --format: invalid choice: '" + *f + "' (choose from 'buckypaper', 'trustee')");
    }
  }
  r.output = o.get("--output");
  return r;
}

Result<std::vector<LaunchDigest>> compute_launch_digests(const ReferenceValuesRequest &r) {
  MappedFile firmware = TRY(MappedFile::open(r.ovmf));
  OvmfInfo ovmf = TRY_CONTEXT(parse_ovmf(firmware.bytes()), r.ovmf);
  SnpLaunchConfig base;
  base.guest_features = r.guest_features;
  // The firmware pages are the same for every combination: hash them once.
  base.ovmf_hash = TRY_CONTEXT(snp_ovmf_hash(firmware.bytes(), ovmf), r.ovmf);
  if (r.kernel) {
    Sha256Digest kernel = TRY(sha256_file(*r.kernel));
    std::optional<Sha256Digest> initrd;
    if (r.initrd) initrd = TRY(sha256_file(*r.initrd));
    base.kernel_hashes = sev_kernel_hashes(kernel, initrd, r.append);
  }
  std::vector<LaunchDigest> out;
  for (uint32_t vcpus : r.vcpus) {
    for (const std::string &type : r.vcpu_types) {
      for (VmmType vmm : r.vmm_types) {
        SnpLaunchConfig config = base;
        config.vcpus = vcpus;
        config.vcpu_signature = TRY(vcpu_type_signature(type));
        config.vmm = vmm;
        SnpLaunchMeasurement m = TRY_CONTEXT(snp_launch_measurement(firmware.bytes(), ovmf, config), r.ovmf);
        out.push_back({vcpus, type, vmm, Bytes(m.digest.begin(), m.digest.end())});
      }
    }
  }
  return out;
}

Result<Json> reference_values_json(const ReferenceValuesRequest &r,
                                   const std::vector<LaunchDigest> &digests) {
  JsonArrayBuilder measurements;
  for (const LaunchDigest &d : digests) {
    JsonObjectBuilder m;
    m.add_u64("vcpus", d.vcpus)
        .add_string("vcpu_type", d.vcpu_type)
        .add_string("vmm_type", vmm_type_name(d.vmm));
    m.add_string("guest_features", hex_u64(r.guest_features))
        .add_string("launch_digest", hex_encode(d.digest));
    measurements.add_object(std::move(m));
  }
  JsonObjectBuilder snp;
  snp.add_array("measurements", std::move(measurements));
  snp.add_string("guest_policy", hex_u64(r.guest_policy)).add_bool("allow_debug", r.allow_debug);
  if (r.host_data) snp.add_string("host_data", hex_encode(*r.host_data));
  snp.add_object("minimum_tcb", minimum_tcb_json(r.minimum_tcb));
  JsonObjectBuilder doc;
  doc.add_u64("version", 1).add_object("snp", std::move(snp));
  if (r.verity_root_hash) doc.add_string("verity_root_hash", *r.verity_root_hash);
  return doc.build();
}

Result<Json> trustee_reference_values_json(const ReferenceValuesRequest &r,
                                           const std::vector<LaunchDigest> &digests) {
  JsonArrayBuilder launch;
  std::vector<std::string> seen;
  for (const LaunchDigest &d : digests) {
    std::string hex = hex_encode(d.digest);
    if (std::find(seen.begin(), seen.end(), hex) != seen.end()) continue;
    seen.push_back(hex);
    launch.add_string(hex);
  }
  JsonObjectBuilder sample;
  sample.add_array("snp_launch_measurement", std::move(launch));
  sample.add_array("snp_bootloader", at_least(r.minimum_tcb.bootloader));
  sample.add_array("snp_tee_svn", at_least(r.minimum_tcb.tee));
  sample.add_array("snp_snp_svn", at_least(r.minimum_tcb.snp));
  sample.add_array("snp_microcode", at_least(r.minimum_tcb.microcode));
  sample.add_u64("snp_guest_abi_major", (r.guest_policy >> 8) & 0xff);
  sample.add_u64("snp_guest_abi_minor", r.guest_policy & 0xff);
  sample.add_bool("snp_smt_allowed", (r.guest_policy >> 16) & 1);
  sample.add_bool("snp_single_socket", (r.guest_policy >> 20) & 1);
  std::string payload = TRY(json_compact(TRY(sample.build())));
  JsonObjectBuilder message;
  message.add_string("version", "0.1.0").add_string("type", "sample");
  message.add_string("payload", base64_encode(ByteView::of_string(payload)));
  return message.build();
}

}  // namespace bp::measure
