// bp-disk: LUKS2 inspection, formatting and recovery on the host; in a debug
// guest, the live device-mapper tables.
//
//   bp-disk luks2 dump DEV
//   bp-disk luks2 format DEV --key-file F [--integrity] [--sector-size 512|4096] [--label L]
//   bp-disk luks2 volume-key DEV --key-file F
//   bp-disk luks2 write DEV --key-file F --input IMAGE
//   bp-disk luks2 read DEV --key-file F --output FILE [--length BYTES]
//   bp-disk dm table [NAME]
//
// dump prints the validated header as JSON, or every reason it is refused and
// exits 1. Every command exits 1 when the header is refused or the key does
// not open it, 2 on a usage error. dm table prints what `dmsetup table` would
// (through the ioctl interface; exits 1 if device-mapper cannot be asked).
#include <stdio.h>
#include <string.h>

#include <optional>
#include <string>

#include "disk/luks2_commands.h"
#include "lib/core/strings.h"
#include "lib/dm/dm_table_listing.h"

namespace bp {
namespace {

int usage() {
  (void)fprintf(
      stderr,
      "usage: bp-disk luks2 dump DEV\n"
      "       bp-disk luks2 format DEV --key-file F [--integrity] [--sector-size 512|4096] [--label L]\n"
      "       bp-disk luks2 volume-key DEV --key-file F\n"
      "       bp-disk luks2 write DEV --key-file F --input IMAGE\n"
      "       bp-disk luks2 read DEV --key-file F --output FILE [--length BYTES]\n"
      "       bp-disk dm table [NAME]\n");
  return 2;
}

struct Args {
  std::string command;
  std::string device;
  std::string key_file;
  std::string input;
  std::string output;
  std::string label;
  std::optional<uint64_t> length;
  uint32_t sector_size = 4096;
  bool integrity = false;
};

Result<Args> parse(int argc, char **argv) {
  Args a;
  if (argc < 4 || strcmp(argv[1], "luks2") != 0) return Error("expected: bp-disk luks2 COMMAND DEV ...");
  a.command = argv[2];
  a.device = argv[3];
  for (int i = 4; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return Error(arg + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--key-file") {
      a.key_file = TRY(value());
    } else if (arg == "--integrity") {
      a.integrity = true;
    } else if (arg == "--sector-size") {
      uint64_t size = TRY_CONTEXT(parse_u64(TRY(value())), "--sector-size");
      if (size != 512 && size != 4096) return Error("--sector-size must be 512 or 4096");
      a.sector_size = static_cast<uint32_t>(size);
    } else if (arg == "--label") {
      a.label = TRY(value());
    } else if (arg == "--input") {
      a.input = TRY(value());
    } else if (arg == "--output") {
      a.output = TRY(value());
    } else if (arg == "--length") {
      a.length = TRY_CONTEXT(parse_u64(TRY(value())), "--length");
    } else {
      return Error("unknown argument '" + arg + "'");
    }
  }
  bool needs_key = a.command != "dump";
  if (needs_key && a.key_file.empty()) return Error(a.command + " needs --key-file");
  if (a.command == "write" && a.input.empty()) return Error("write needs --input");
  if (a.command == "read" && a.output.empty()) return Error("read needs --output");
  return a;
}

int fail(const Error &error) {
  (void)fprintf(stderr, "bp-disk: %s\n", error.message().c_str());
  return 1;
}

int dm_table(const std::string &name) {
  Result<DmControl> control = DmControl::open();
  if (!control.ok()) return fail(control.error());
  Result<std::vector<DmTableListing>> tables = read_dm_tables(control.value(), name);
  if (!tables.ok()) return fail(tables.error());
  if (tables.value().empty()) {
    (void)fprintf(stderr, "bp-disk: no device-mapper devices\n");
    return 0;
  }
  std::string text = format_dm_table_listing(tables.value());
  (void)fputs(text.c_str(), stdout);
  return 0;
}

int run(const Args &a) {
  if (a.command == "dump") return luks2_dump(a.device, stdout, stderr);
  if (a.command == "format") {
    Luks2FormatRequest request;
    request.device = a.device;
    request.key_file = a.key_file;
    request.integrity = a.integrity ? Luks2Integrity::hmac_sha256 : Luks2Integrity::none;
    request.sector_size = a.sector_size;
    request.label = a.label;
    Result<std::string> uuid = luks2_format(request);
    if (!uuid.ok()) return fail(uuid.error());
    (void)printf("%s\n", uuid.value().c_str());
    return 0;
  }
  if (a.command == "volume-key") {
    Result<std::string> hex = luks2_volume_key_hex(a.device, a.key_file);
    if (!hex.ok()) return fail(hex.error());
    (void)printf("%s\n", hex.value().c_str());
    return 0;
  }
  if (a.command == "write") {
    Result<uint64_t> written = luks2_write_image(a.device, a.key_file, a.input);
    if (!written.ok()) return fail(written.error());
    (void)printf("%llu\n", static_cast<unsigned long long>(written.value()));
    return 0;
  }
  if (a.command == "read") {
    Status status = luks2_read_image(a.device, a.key_file, a.output, a.length);
    return status.ok() ? 0 : fail(status.error());
  }
  (void)fprintf(stderr, "bp-disk: unknown command '%s'\n", a.command.c_str());
  return usage();
}

}  // namespace
}  // namespace bp

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "dm") == 0) {
    if (argc < 3 || argc > 4 || strcmp(argv[2], "table") != 0) return bp::usage();
    return bp::dm_table(argc == 4 ? argv[3] : "");
  }
  bp::Result<bp::Args> args = bp::parse(argc, argv);
  if (!args.ok()) {
    (void)fprintf(stderr, "bp-disk: %s\n", args.error().message().c_str());
    return bp::usage();
  }
  return bp::run(args.value());
}
