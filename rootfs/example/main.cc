// The example workload of the demo image (usage: bp-example [--hold] [DATA_DIR [RESOURCE [PORT
// [RUNTIME_RESOURCE]]]]). It proves each promise of the boot with one console line the QEMU scenarios
// assert on:
//   - the encrypted data disk is mounted and keeps data across boots,
//   - the workload API serves a secret released by the key broker at boot,
//   - and one the boot did not fetch (RUNTIME_RESOURCE, default buckypaper/secret/runtime), which the
//     agent fetches from the broker with the boot's token,
//   - /aa/evidence answers SNP evidence JSON whose report_data is the runtime data it was given,
//   - the seccomp profile denies a forbidden syscall with the configured errno,
//   - a syscall newer than the profile gets ENOSYS (runc's rule).
// It prints a digest of the secret, never the secret itself. With --hold it then
// waits for SIGTERM (the host channel's shutdown), so the VM stays up for tests of
// the host channel.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "lib/core/encoding.h"
#include "lib/core/file_io.h"
#include "lib/core/strings.h"
#include "lib/crypto/sha.h"
#include "lib/json/json_parse.h"

namespace {

// mseal(2) arrived in Linux 6.10: newer than every syscall a profile written
// for 6.x-era Docker names, and unknown to libseccomp 2.5.4.
constexpr long kMsealSyscall = 462;

void say(const std::string &line) {
  printf("example: %s\n", line.c_str());
  fflush(stdout);
}

void data_disk(const char *dir) {
  std::string path = std::string(dir) + "/boot-count";
  uint64_t count = 0;
  if (auto text = bp::read_text_file(path, 64); text.ok()) {
    std::string value = text.value();
    while (!value.empty() && value.back() == '\n') value.pop_back();
    if (auto parsed = bp::parse_u64(value); parsed.ok()) count = parsed.value();
  }
  ++count;
  auto written = bp::write_file_atomic(path, bp::ByteView::of_string(std::to_string(count) + "\n"));
  if (!written.ok()) {
    say("data disk: cannot write " + path + ": " + written.error().message());
    return;
  }
  sync();
  say("data disk: boot count " + std::to_string(count));
}

// A minimal HTTP GET to the agent on loopback; returns the body or an error text.
bp::Result<std::string> http_get(uint16_t port, const std::string &path) {
  bp::UniqueFd sock(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return bp::Error::from_errno("socket", errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int attempt = 0; connect(sock.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0;
       ++attempt) {
    if (attempt == 50) return bp::Error::from_errno("connect to the agent", errno);
    usleep(100000);  // the agent may still be starting
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  TRY(bp::write_all(sock.get(), bp::ByteView::of_string(request)));
  bp::Bytes response = TRY(bp::read_all(sock.get(), 1 << 20));
  std::string text(response.begin(), response.end());
  size_t body = text.find("\r\n\r\n");
  if (body == std::string::npos) return bp::Error("malformed HTTP response");
  bool ok = bp::starts_with(text, "HTTP/1.") && text.compare(8, 5, " 200 ") == 0;
  if (!ok) return bp::Error(text.substr(0, text.find("\r\n")));
  return text.substr(body + 4);
}

void secret(const char *resource, uint16_t port) {
  auto body = http_get(port, std::string("/cdh/resource/") + resource);
  if (!body.ok()) {
    say(std::string("secret ") + resource + ": " + body.error().message());
    return;
  }
  bp::Sha256Digest digest = bp::sha256(bp::ByteView::of_string(body.value()));
  say(std::string("secret ") + resource + ": " + std::to_string(body.value().size()) + " bytes, sha256 " +
      bp::hex_encode(bp::view(digest)));
}

// CoCo's binding: report_data is the runtime data's bytes, zero-padded to 64.
void evidence(uint16_t port) {
  const std::string runtime_data = "bp-example-evidence";
  auto body = http_get(port, "/aa/evidence?runtime_data=" + runtime_data);
  if (!body.ok()) {
    say("evidence: " + body.error().message());
    return;
  }
  auto json = bp::parse_json(body.value(), 1 << 20, 16);
  auto report = json.object("attestation_report");
  auto report_data = report.get_byte_array("report_data", 64);
  if (!report_data.ok()) {
    say("evidence: not SNP evidence JSON: " + report_data.error().message());
    return;
  }
  std::string expected = runtime_data + std::string(64 - runtime_data.size(), '\0');
  bool bound = std::string(report_data.value().begin(), report_data.value().end()) == expected;
  say(std::string("evidence: SNP report, report_data ") + (bound ? "is" : "is NOT") + " the runtime data, " +
      (json.member("cert_chain").ok() ? "with" : "without") + " cert_chain");
}

void syscall_probe(const char *name, long number) {
  errno = 0;
  long r = syscall(number, 0, 0, 0, 0, 0, 0);
  int err = errno;
  if (r == -1) {
    say(std::string("syscall ") + name + ": errno " + std::to_string(err) + " (" + strerror(err) + ")");
  } else {
    say(std::string("syscall ") + name + ": allowed");
  }
}

// PID 1 of the workload's PID namespace gets no default signal actions, so
// SIGTERM is waited for explicitly.
int hold_until_sigterm() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  say("holding until SIGTERM");
  int sig = 0;
  sigwait(&set, &sig);
  say("SIGTERM: exiting");
  return 0;
}

}  // namespace

int main(int argc, char **argv) {
  bool hold = argc > 1 && strcmp(argv[1], "--hold") == 0;
  if (hold) {
    --argc;
    ++argv;
  }
  const char *data_dir = argc > 1 ? argv[1] : "/data";
  const char *resource = argc > 2 ? argv[2] : "buckypaper/secret/greeting";
  uint16_t port = 8006;  // the agent's workload API (tests pass another)
  if (argc > 3) {
    auto parsed = bp::parse_u64(argv[3]);
    if (!parsed.ok() || parsed.value() == 0 || parsed.value() > 65535) {
      say(std::string("bad port ") + argv[3]);
      return 2;
    }
    port = static_cast<uint16_t>(parsed.value());
  }
  const char *runtime_resource = argc > 4 ? argv[4] : "buckypaper/secret/runtime";
  say("hello from the workload");
  data_disk(data_dir);
  secret(resource, port);
  secret(runtime_resource, port);
  evidence(port);
  // keyctl is refused by the default profile (Docker's too): EPERM expected.
  syscall_probe("keyctl", SYS_keyctl);
  syscall_probe("mseal", kMsealSyscall);
  say("done");
  return hold ? hold_until_sigterm() : 0;
}
