// bp-mkinitramfs: writes a reproducible, zstd-compressed cpio initramfs.
//
//   bp-mkinitramfs --output FILE [--mtime SECONDS] [--level N] [--uncompressed]
//                  [--file ARCHIVE_PATH=HOST_FILE[:MODE]]... [--dir ARCHIVE_PATH[:MODE]]...
//                  [--symlink ARCHIVE_PATH=TARGET]...
//
// --mtime defaults to $SOURCE_DATE_EPOCH, else 0. Modes are octal; a file's
// mode defaults to 0755 if the host file is executable, else 0644. The output
// is written atomically: on any error no file is left behind.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/core/strings.h"
#include "lib/initramfs/cpio_writer.h"

namespace bp {
namespace {

constexpr size_t kMaxInputFile = size_t{512} << 20;

Result<uint32_t> parse_mode(std::string_view text) {
  if (text.empty() || text.size() > 4)
    return Error(format("mode '%.*s' is not 1 to 4 octal digits", (int)text.size(), text.data()));
  uint32_t mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') return Error(format("mode '%.*s' is not octal", (int)text.size(), text.data()));
    mode = mode * 8 + static_cast<uint32_t>(c - '0');
  }
  return mode;
}

// "path=source[:mode]" or "path[:mode]"
struct Spec {
  std::string path;
  std::string source;
  std::optional<uint32_t> mode;
};

Result<Spec> parse_spec(const std::string &text, bool with_source) {
  Spec spec;
  std::string rest = text;
  if (with_source) {
    size_t eq = rest.find('=');
    if (eq == std::string::npos) return Error("'" + text + "': expected ARCHIVE_PATH=SOURCE");
    spec.path = rest.substr(0, eq);
    rest = rest.substr(eq + 1);
  }
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos) {
    spec.mode = TRY_CONTEXT(parse_mode(std::string_view(rest).substr(colon + 1)), "'" + text + "'");
    rest = rest.substr(0, colon);
  }
  if (with_source) {
    spec.source = rest;
  } else {
    spec.path = rest;
  }
  return spec;
}

Status add_file(CpioWriter &writer, const Spec &spec) {
  Bytes contents = TRY(read_file(spec.source, kMaxInputFile));
  uint32_t mode = 0644;
  if (spec.mode) {
    mode = *spec.mode;
  } else {
    struct stat st;
    if (stat(spec.source.c_str(), &st) == 0 && (st.st_mode & S_IXUSR)) mode = 0755;
  }
  return writer.add_file(spec.path, contents, mode);
}

int usage() {
  fprintf(stderr,
          "usage: bp-mkinitramfs --output FILE [--mtime SECONDS] [--level N] [--uncompressed]\n"
          "                      [--file PATH=HOST_FILE[:MODE]]... [--dir PATH[:MODE]]... [--symlink "
          "PATH=TARGET]...\n");
  return 2;
}

Status run(int argc, char **argv) {
  std::string output;
  uint32_t mtime = 0;
  if (const char *epoch = getenv("SOURCE_DATE_EPOCH"); epoch && *epoch) {
    uint64_t value = TRY_CONTEXT(parse_u64(epoch), "SOURCE_DATE_EPOCH");
    if (value > UINT32_MAX) return Error("SOURCE_DATE_EPOCH does not fit the cpio format (after 2106)");
    mtime = static_cast<uint32_t>(value);
  }
  int level = 19;
  bool compress = true;
  struct Pending {
    enum { file, dir, symlink } kind;
    std::string text;
  };
  std::vector<Pending> pending;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return Error(arg + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--output") {
      output = TRY(value());
    } else if (arg == "--mtime") {
      uint64_t v = TRY_CONTEXT(parse_u64(TRY(value())), "--mtime");
      if (v > UINT32_MAX) return Error("--mtime does not fit the cpio format");
      mtime = static_cast<uint32_t>(v);
    } else if (arg == "--level") {
      level = static_cast<int>(TRY_CONTEXT(parse_u64(TRY(value())), "--level"));
    } else if (arg == "--uncompressed") {
      compress = false;
    } else if (arg == "--file") {
      pending.push_back({Pending::file, TRY(value())});
    } else if (arg == "--dir") {
      pending.push_back({Pending::dir, TRY(value())});
    } else if (arg == "--symlink") {
      pending.push_back({Pending::symlink, TRY(value())});
    } else {
      return Error("unknown argument '" + arg + "'");
    }
  }
  if (output.empty()) return Error("--output is required");
  CpioWriter writer(mtime);
  for (const Pending &p : pending) {
    switch (p.kind) {
      case Pending::file:
        TRY(add_file(writer, TRY(parse_spec(p.text, true))));
        break;
      case Pending::dir: {
        Spec spec = TRY(parse_spec(p.text, false));
        TRY(writer.add_directory(spec.path, spec.mode.value_or(0755)));
        break;
      }
      case Pending::symlink: {
        size_t eq = p.text.find('=');
        if (eq == std::string::npos) return Error("--symlink '" + p.text + "': expected PATH=TARGET");
        TRY(writer.add_symlink(p.text.substr(0, eq), p.text.substr(eq + 1)));
        break;
      }
    }
  }
  Bytes archive = writer.finish();
  if (compress) archive = TRY(zstd_compress(archive, level));
  TRY(write_file_atomic(output, archive, 0644));
  return {};
}

}  // namespace
}  // namespace bp

int main(int argc, char **argv) {
  if (argc < 2) return bp::usage();
  bp::Status status = bp::run(argc, argv);
  if (!status.ok()) {
    fprintf(stderr, "bp-mkinitramfs: %s\n", status.error().message().c_str());
    return 1;
  }
  return 0;
}
