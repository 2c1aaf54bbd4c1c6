// `bp-measure verity format|verify`: the dm-verity hash tree of an image,
// byte-compatible with `veritysetup format` (hash format 1, SHA-256).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/mapped_file.h"
#include "lib/core/parallel.h"
#include "lib/crypto/random.h"
#include "lib/json/json_builder.h"
#include "lib/json/json_write.h"
#include "lib/verity/hash_tree.h"
#include "lib/verity/superblock.h"
#include "lib/verity/table.h"
#include "measure/command.h"
#include "measure/options.h"

namespace bp::measure {

namespace {

const char kUsage[] =
    "usage: bp-measure verity format DATA [HASH] [--salt HEX|-] [--data-block-size N] [--hash-block-size N]\n"
    "                                [--data-blocks N] [--hash-offset N] [--no-superblock] [--uuid UUID]\n"
    "                                [--threads N] [--json]\n"
    "       bp-measure verity verify DATA [HASH] ROOT_HASH [--hash-offset N] [--no-superblock --salt HEX|-\n"
    "                                [--data-block-size N] [--hash-block-size N] [--data-blocks N]] "
    "[--threads N]\n";

const char kHelp[] =
    "\nformat writes the dm-verity hash tree of DATA (format 1, sha256) to HASH, or, without HASH, into\n"
    "DATA itself at --hash-offset (default: the end of DATA rounded up to 4 KiB), as `veritysetup format`\n"
    "does: the same root hash and, with a superblock, the same hash device bytes. It prints the root hash,\n"
    "the salt and the parameters of the dm-verity table (a JSON object with --json).\n\n"
    "  --salt HEX|-           salt, at most 256 bytes; '-' or '' for none (default: 32 random bytes)\n"
    "  --data-block-size N    512..4096, a power of two (default 4096); also --hash-block-size\n"
    "  --data-blocks N        data blocks to cover (default: all whole blocks of DATA)\n"
    "  --hash-offset N        byte offset of the superblock (or tree) in the hash device, a multiple of 512\n"
    "  --no-superblock        write no superblock (the tree starts at --hash-offset)\n"
    "  --uuid UUID            superblock UUID (default: random)\n"
    "  --threads N            hashing threads (default: the online CPUs)\n\n"
    "verify recomputes the tree from DATA and checks it against the hash device and ROOT_HASH; the\n"
    "parameters come from the superblock (checked as untrusted input) or, with --no-superblock, from\n"
    "the options. Exit status 0 when everything matches, 1 otherwise.\n";

const std::vector<OptionSpec> kSpecs = {
    {"--salt", OptionKind::value},
    {"--data-block-size", OptionKind::value},
    {"--hash-block-size", OptionKind::value},
    {"--data-blocks", OptionKind::value},
    {"--hash-offset", OptionKind::value},
    {"--no-superblock", OptionKind::flag},
    {"--uuid", OptionKind::value},
    {"--threads", OptionKind::value},
    {"--json", OptionKind::flag},
};

// Options shared by format and verify, before the devices are looked at.
struct VerityOptions {
  std::string data_path;
  std::optional<std::string> hash_path;  // none: inside DATA
  std::optional<uint32_t> data_block_size;
  std::optional<uint32_t> hash_block_size;
  std::optional<uint64_t> data_blocks;
  std::optional<uint64_t> hash_offset;
  std::optional<Bytes> salt;
  bool superblock = true;
  std::optional<Uuid> uuid;
  unsigned threads = 1;
  bool json = false;
  std::string root_hash;  // verify only
};

Result<std::optional<uint32_t>> block_size_option(const ParsedOptions &o, const char *name) {
  auto v = o.get(name);
  if (!v) return std::optional<uint32_t>();
  uint64_t n = TRY(parse_decimal_option(name, *v));
  if (n > UINT32_MAX) return Error(format("argument %s: %s is too large", name, v->c_str()));
  return std::optional<uint32_t>(static_cast<uint32_t>(n));
}

Result<VerityOptions> parse_verity_options(const Arguments &args, bool verify) {
  ParsedOptions o = TRY(parse_options(args, kSpecs));
  VerityOptions v;
  const size_t min_positionals = verify ? 2 : 1;
  if (o.positionals.size() < min_positionals || o.positionals.size() > min_positionals + 1) {
    return Error(verify ? "expected DATA [HASH] ROOT_HASH" : "expected DATA [HASH]");
  }
  v.data_path = o.positionals[0];
  if (o.positionals.size() == min_positionals + 1) v.hash_path = o.positionals[1];
  if (verify) v.root_hash = o.positionals.back();
  v.data_block_size = TRY(block_size_option(o, "--data-block-size"));
  v.hash_block_size = TRY(block_size_option(o, "--hash-block-size"));
  if (auto n = o.get("--data-blocks")) v.data_blocks = TRY(parse_decimal_option("--data-blocks", *n));
  if (auto n = o.get("--hash-offset")) {
    v.hash_offset = TRY(parse_decimal_option("--hash-offset", *n));
    if (*v.hash_offset % 512 != 0) return Error("argument --hash-offset: must be a multiple of 512");
  }
  if (auto s = o.get("--salt")) {
    if (*s == "-" || s->empty()) {
      v.salt = Bytes();
    } else {
      auto bytes = hex_decode(*s);
      if (!bytes.ok()) return Error("argument --salt: " + bytes.error().message());
      if (bytes.value().size() > kVerityMaxSaltSize) return Error("argument --salt: longer than 256 bytes");
      v.salt = bytes.release_value();
    }
  }
  v.superblock = !o.has("--no-superblock");
  if (auto u = o.get("--uuid")) {
    if (!v.superblock) return Error("--uuid is stored in the superblock: it cannot go with --no-superblock");
    v.uuid = TRY_CONTEXT(parse_uuid(*u), "argument --uuid");
  }
  v.threads = online_cpus();
  if (auto t = o.get("--threads")) {
    uint64_t n = TRY(parse_decimal_option("--threads", *t));
    if (n == 0 || n > 256) return Error("argument --threads: expected 1..256");
    v.threads = static_cast<unsigned>(n);
  }
  v.json = o.has("--json");
  if (verify && v.json) return Error("--json is for format");
  if (!v.superblock && verify && !v.salt) return Error("--no-superblock needs --salt (use - for none)");
  return v;
}

bool same_file(const std::string &a, const std::string &b) {
  struct stat sa, sb;
  if (stat(a.c_str(), &sa) != 0 || stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// Where the hash area goes, checked against the data it must not overlap.
struct HashPlacement {
  std::string path;
  bool inside_data;
  uint64_t offset;
  uint64_t start_block;
};

Result<HashPlacement> place_hash_area(const VerityOptions &v, const VerityGeometry &g, uint64_t data_size) {
  HashPlacement p;
  p.path = v.hash_path.value_or(v.data_path);
  p.inside_data = !v.hash_path || same_file(*v.hash_path, v.data_path);
  p.offset = v.hash_offset.value_or(p.inside_data && !v.hash_path ? (data_size + 4095) / 4096 * 4096 : 0);
  if (!v.superblock && p.offset % g.hash_block_size != 0) {
    return Error(
        format("--hash-offset %llu is not a multiple of the hash block size %u (needed without a superblock)",
               static_cast<unsigned long long>(p.offset), g.hash_block_size));
  }
  p.start_block = verity_hash_start_block(p.offset, g.hash_block_size, v.superblock);
  const uint64_t data_bytes = g.data_blocks * g.data_block_size;
  if (p.inside_data && p.offset < data_bytes) {
    return Error(format("the hash area at offset %llu overlaps the %llu bytes of data in %s",
                        static_cast<unsigned long long>(p.offset),
                        static_cast<unsigned long long>(data_bytes), p.path.c_str()));
  }
  return p;
}

Result<VerityGeometry> geometry_from_options(const VerityOptions &v, uint64_t data_size, bool warn) {
  VerityGeometry g;
  g.data_block_size = v.data_block_size.value_or(4096);
  g.hash_block_size = v.hash_block_size.value_or(4096);
  if (v.salt) g.salt = *v.salt;
  if (g.data_block_size == 0) return Error("data block size 0");
  if (v.data_blocks) {
    g.data_blocks = *v.data_blocks;
    if (g.data_blocks > data_size / g.data_block_size) {
      return Error(format("%llu data blocks of %u bytes do not fit in the %llu bytes of %s",
                          static_cast<unsigned long long>(g.data_blocks), g.data_block_size,
                          static_cast<unsigned long long>(data_size), v.data_path.c_str()));
    }
  } else {
    g.data_blocks = data_size / g.data_block_size;
    if (warn && data_size % g.data_block_size != 0) {
      (void)fprintf(
          stderr,
          "bp-measure verity: %s: the last %llu bytes are not a whole data block and are not covered\n",
          v.data_path.c_str(), static_cast<unsigned long long>(data_size % g.data_block_size));
    }
  }
  TRY(validate_verity_geometry(g));
  return g;
}

Result<std::string> describe(const VerityTarget &t, const HashPlacement &p, uint64_t hash_blocks,
                             bool superblock, const std::optional<Uuid> &uuid, bool json) {
  const VerityGeometry &g = t.geometry;
  const std::string root = hex_encode(view(t.root));
  const std::string salt = hex_encode(g.salt);
  const std::string uuid_text = uuid ? format_uuid(*uuid) : "";
  if (json) {
    JsonObjectBuilder o;
    o.add_string("root_hash", root)
        .add_string("salt", salt)
        .add_string("hash_algorithm", "sha256")
        .add_u64("hash_type", 1)
        .add_u64("data_block_size", g.data_block_size)
        .add_u64("hash_block_size", g.hash_block_size)
        .add_u64("data_blocks", g.data_blocks)
        .add_u64("hash_blocks", hash_blocks)
        .add_u64("hash_offset", p.offset)
        .add_u64("hash_start_block", t.hash_start_block)
        .add_bool("superblock", superblock);
    if (uuid) {
      o.add_string("uuid", uuid_text);
    } else {
      o.add_null("uuid");
    }
    o.add_string("data_device", t.data_device)
        .add_string("hash_device", t.hash_device)
        .add_u64("target_sectors", verity_target_sectors(g))
        .add_string("table", verity_table_line(t));
    Json value = TRY(o.build());
    return TRY(json_compact(value)) + "\n";
  }
  std::string out;
  auto line = [&](const char *key, const std::string &value) {
    out += format("%-18s%s\n", key, value.c_str());
  };
  line("Root hash:", root);
  line("Salt:", salt.empty() ? "-" : salt);
  line("Hash algorithm:", "sha256");
  line("Hash type:", "1");
  line("Data block size:", format("%u", g.data_block_size));
  line("Hash block size:", format("%u", g.hash_block_size));
  line("Data blocks:", format("%llu", static_cast<unsigned long long>(g.data_blocks)));
  line("Hash blocks:", format("%llu", static_cast<unsigned long long>(hash_blocks)));
  line("Hash offset:", format("%llu", static_cast<unsigned long long>(p.offset)));
  line("Hash start block:", format("%llu", static_cast<unsigned long long>(t.hash_start_block)));
  line("Superblock:", superblock ? "yes" : "no");
  if (uuid) line("UUID:", uuid_text);
  line("Table:", verity_table_line(t));
  return out;
}

// veritysetup grows a hash file to the end of the tree (even when the tree is
// empty, for a single data block), so the files compare equal.
Status reserve_hash_area(int fd, uint64_t end) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Error::from_errno("fstat", errno);
  const uint64_t size = TRY(file_size(fd));
  if (size >= end) return {};
  if (!S_ISREG(st.st_mode)) {
    return Error(format("the device has %llu bytes, the hash area needs %llu",
                        static_cast<unsigned long long>(size), static_cast<unsigned long long>(end)));
  }
  if (ftruncate(fd, static_cast<off_t>(end)) != 0) return Error::from_errno("ftruncate", errno);
  return {};
}

Result<std::string> run_format(const VerityOptions &v) {
  MappedFile data = TRY(MappedFile::open(v.data_path));
  VerityGeometry g = TRY_CONTEXT(geometry_from_options(v, data.bytes().size(), true), v.data_path);
  Random rng = TRY(Random::create());
  if (!v.salt) g.salt = TRY(rng.bytes(32));  // veritysetup's default salt size
  HashPlacement p = TRY(place_hash_area(v, g, data.bytes().size()));
  std::optional<Uuid> uuid;
  if (v.superblock) {
    Uuid random;
    TRY(rng.fill(random.data(), random.size()));
    uuid = v.uuid.value_or(uuid_v4_from_random(random));
  }

  VerityHashTree tree = TRY_CONTEXT(build_verity_hash_tree(g, data.bytes(), v.threads), v.data_path);
  UniqueFd hash_fd = TRY(open_file(p.path, O_RDWR | O_CREAT, 0644));
  TRY_CONTEXT(reserve_hash_area(hash_fd.get(),
                                (p.start_block + tree.blocks.size() / g.hash_block_size) * g.hash_block_size),
              p.path);
  if (v.superblock) {
    VeritySuperblock sb{g, *uuid};
    TRY_CONTEXT(pwrite_all(hash_fd.get(), encode_verity_superblock(sb), static_cast<off_t>(p.offset)),
                p.path);
  }
  TRY_CONTEXT(pwrite_all(hash_fd.get(), tree.blocks, static_cast<off_t>(p.start_block * g.hash_block_size)),
              p.path);
  if (fsync(hash_fd.get()) != 0) return Error::from_errno("fsync " + p.path, errno);

  VerityTarget target{v.data_path, p.path, g, p.start_block, tree.root};
  return describe(target, p, tree.blocks.size() / g.hash_block_size, v.superblock, uuid, v.json);
}

Result<std::string> run_verify(const VerityOptions &v) {
  auto root = hex_decode(v.root_hash);
  if (!root.ok() || root.value().size() != kVerityDigestSize) {
    return Error("ROOT_HASH '" + v.root_hash + "' is not 64 hexadecimal digits");
  }
  MappedFile data = TRY(MappedFile::open(v.data_path));
  const std::string hash_path = v.hash_path.value_or(v.data_path);
  UniqueFd hash_fd = TRY(open_file(hash_path, O_RDONLY));
  const uint64_t hash_size = TRY_CONTEXT(file_size(hash_fd.get()), hash_path);

  VerityGeometry g;
  if (v.superblock) {
    if (!v.hash_offset && !v.hash_path) return Error("the hash area is inside DATA: give its --hash-offset");
    const uint64_t offset = v.hash_offset.value_or(0);
    if (offset > hash_size || hash_size - offset < kVeritySuperblockSize) {
      return Error(format("%s: no room for a superblock at offset %llu", hash_path.c_str(),
                          static_cast<unsigned long long>(offset)));
    }
    uint8_t raw[kVeritySuperblockSize];
    TRY_CONTEXT(pread_exact(hash_fd.get(), raw, sizeof raw, static_cast<off_t>(offset)), hash_path);
    VeritySuperblock sb = TRY_CONTEXT(parse_verity_superblock(ByteView(raw, sizeof raw)), hash_path);
    g = sb.geometry;
    if ((v.data_block_size && *v.data_block_size != g.data_block_size) ||
        (v.hash_block_size && *v.hash_block_size != g.hash_block_size) ||
        (v.data_blocks && *v.data_blocks != g.data_blocks) || (v.salt && *v.salt != g.salt)) {
      return Error("the options disagree with the superblock of " + hash_path);
    }
    if (g.data_blocks > data.bytes().size() / g.data_block_size) {
      return Error(format("the superblock covers %llu data blocks of %u bytes, %s has only %zu bytes",
                          static_cast<unsigned long long>(g.data_blocks), g.data_block_size,
                          v.data_path.c_str(), data.bytes().size()));
    }
  } else {
    if (!v.hash_offset && !v.hash_path) return Error("the hash area is inside DATA: give its --hash-offset");
    g = TRY_CONTEXT(geometry_from_options(v, data.bytes().size(), false), v.data_path);
  }
  HashPlacement p = TRY(place_hash_area(v, g, data.bytes().size()));
  const VerityTreeLayout layout = TRY(verity_tree_layout(g));
  const uint64_t tree_offset = p.start_block * g.hash_block_size;
  const uint64_t tree_size = layout.total_blocks * g.hash_block_size;
  if (tree_offset > hash_size || hash_size - tree_offset < tree_size) {
    return Error(format("%s: the hash tree needs %llu bytes at offset %llu, the device has %llu",
                        hash_path.c_str(), static_cast<unsigned long long>(tree_size),
                        static_cast<unsigned long long>(tree_offset),
                        static_cast<unsigned long long>(hash_size)));
  }
  Bytes stored(tree_size);
  TRY_CONTEXT(pread_exact(hash_fd.get(), stored.data(), stored.size(), static_cast<off_t>(tree_offset)),
              hash_path);
  TRY(verify_verity_hash_tree(g, data.bytes(), stored, root.value(), v.threads));
  return format("verity verify: %s matches root hash %s (%llu data blocks, %llu hash blocks)\n",
                v.data_path.c_str(), v.root_hash.c_str(), static_cast<unsigned long long>(g.data_blocks),
                static_cast<unsigned long long>(layout.total_blocks));
}

}  // namespace

int run_verity_command(const Arguments &args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (void)fputs(kUsage, args.empty() ? stderr : stdout);
    if (!args.empty()) (void)fputs(kHelp, stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  const bool verify = args[0] == "verify";
  if (!verify && args[0] != "format") {
    (void)fprintf(stderr, "%sbp-measure verity: unknown subcommand '%.*s'\n", kUsage,
                  static_cast<int>(args[0].size()), args[0].data());
    return kExitUsage;
  }
  const Arguments rest(args.begin() + 1, args.end());
  for (std::string_view a : rest) {
    if (a == "-h" || a == "--help") {
      (void)fputs(kUsage, stdout);
      (void)fputs(kHelp, stdout);
      return kExitOk;
    }
  }
  Result<VerityOptions> options = parse_verity_options(rest, verify);
  if (!options.ok()) {
    (void)fprintf(stderr, "%sbp-measure verity: error: %s\n", kUsage, options.error().message().c_str());
    return kExitUsage;
  }
  Result<std::string> out = verify ? run_verify(options.value()) : run_format(options.value());
  if (!out.ok()) {
    (void)fprintf(stderr, "bp-measure verity %s: %s\n", verify ? "verify" : "format",
                  out.error().message().c_str());
    return kExitFailure;
  }
  (void)fputs(out.value().c_str(), stdout);
  return fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

}  // namespace bp::measure
