// A workload in a temporary directory for the handover and supervision
// tests: a root filesystem holding Debian's static busybox (with links for
// the applets the scripts use), a data directory, a spec that runs a shell
// script, and a log that the test can read back. Needs root (namespaces,
// mounts, pivot_root); tests skip otherwise.
#pragma once

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "lib/core/file_io.h"
#include "lib/core/log.h"
#include "lib/core/temp_dir.h"
#include "lib/oci/capabilities.h"
#include "lib/oci/spec.h"
#include "tests/unit/test_support.h"

namespace bp_test {

constexpr char kBusybox[] = "/bin/busybox";

struct WorkloadFixture {
  bp::TempDir dir;
  std::string rootfs;
  std::string data;
  bp::RuntimeSpec spec;
  bp::UniqueFd log_fd;
  bp::Log log;

  WorkloadFixture(bp::TempDir d, bp::UniqueFd fd)
      : dir(std::move(d)),
        rootfs(dir.file("bundle/rootfs")),
        data(dir.file("data")),
        log_fd(std::move(fd)),
        log("bp-init", bp::Log::Sinks{log_fd.get(), -1, bp::LogLevel::debug}) {}

  std::string log_text() const {
    off_t size = lseek(log_fd.get(), 0, SEEK_END);
    std::string text(static_cast<size_t>(size), '\0');
    if (pread(log_fd.get(), &text[0], text.size(), 0) != size) fail_msg("reading the test log");
    return text;
  }

  void expect_log(const char *text) const {
    std::string log = log_text();
    if (log.find(text) == std::string::npos) fail_msg("the log lacks \"%s\":\n%s", text, log.c_str());
  }
};

inline void check_ok(int rc, const char *what) {
  if (rc != 0) fail_msg("%s: %s", what, strerror(errno));
}

// Our own permitted set: the workload cannot get more (test hosts and
// containers often lack some, e.g. CAP_SYS_RESOURCE).
inline uint64_t our_capabilities() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (syscall(SYS_capget, &header, data) != 0) fail_msg("capget: %s", strerror(errno));
  return data[0].permitted | (uint64_t{data[1].permitted} << 32);
}

// Skips the test (cmocka) when not root.
inline std::unique_ptr<WorkloadFixture> make_workload(const std::string &script) {
  if (geteuid() != 0) {
    print_message("skipped: workload tests need root (namespaces, mounts, pivot_root)\n");
    SKIP_TEST();
    return nullptr;
  }
  if (access(kBusybox, X_OK) != 0) fail_msg("%s is missing: install busybox-static (make deps)", kBusybox);
  // Orphans of the workload come to us, as they come to PID 1 in the guest.
  check_ok(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), "PR_SET_CHILD_SUBREAPER");

  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-workload"));
  bp::UniqueFd log_fd(memfd_create("test-log", MFD_CLOEXEC));
  auto f = std::make_unique<WorkloadFixture>(std::move(dir), std::move(log_fd));
  for (const char *sub : {"bundle", "bundle/rootfs", "bundle/rootfs/bin", "bundle/rootfs/proc",
                          "bundle/rootfs/dev", "bundle/rootfs/tmp", "bundle/rootfs/data", "data"})
    check_ok(mkdir(f->dir.file(sub).c_str(), 0755), sub);
  bp::Bytes busybox = ASSERT_OK(bp::read_file(kBusybox, 16 << 20));
  ASSERT_OK(bp::write_file_atomic(f->rootfs + "/bin/busybox", busybox, 0755));
  for (const char *applet : {"sh", "sleep", "cat", "grep", "id", "hostname", "true", "ls", "mkdir", "touch"})
    check_ok(symlink("busybox", (f->rootfs + "/bin/" + applet).c_str()), applet);
  ASSERT_OK(bp::write_file_atomic(f->data + "/hello.txt", bp::ByteView::of_string("from the data volume\n")));

  bp::RuntimeSpec &spec = f->spec;
  spec.oci_version = "1.1.0";
  spec.root_path = "rootfs";
  spec.process.args = {"/bin/sh", "-c", script};
  spec.process.env = {"PATH=/bin", "HOME=/"};
  spec.process.cwd = "/";
  bp::CapabilitySets &caps = spec.process.capabilities;
  caps.bounding = caps.effective = caps.permitted = our_capabilities();
  spec.namespaces.mount = true;
  bp::MountSpec proc;
  proc.type = bp::MountType::proc;
  proc.destination = "/proc";
  bp::MountSpec dev;
  dev.type = bp::MountType::tmpfs;
  dev.destination = "/dev";
  dev.data = "mode=755";
  bp::MountSpec tmp;
  tmp.type = bp::MountType::tmpfs;
  tmp.destination = "/tmp";
  spec.mounts = {proc, dev, tmp};
  return f;
}

inline std::string bundle_dir(const WorkloadFixture &f) { return f.dir.file("bundle"); }

// True once no child is left (nothing to reap, nothing running).
inline bool no_children_left() { return waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD; }

}  // namespace bp_test
