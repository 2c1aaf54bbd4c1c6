#include "lib/snp/provider_sim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "lib/core/clock.h"
#include "lib/core/file_io.h"
#include "lib/core/format.h"
#include "lib/snp/sev_guest_abi.h"
#include "lib/snp/sim_protocol.h"

namespace bp::snp {

namespace {

// Late answers to earlier requests that may sit in front of ours.
constexpr int kMaxStaleResponses = 4;

bool plain_entry_name(const char *name) {
  if (*name == '\0') return false;
  for (const char *p = name; *p != '\0'; ++p) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) return false;
  }
  return true;
}

Status write_frame(int fd, ByteView frame, Deadline deadline) {
  size_t done = 0;
  while (done < frame.size()) {
    ssize_t n = write(fd, frame.data() + done, frame.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        TRY(wait_for_fd(fd, POLLOUT, deadline, "writing the simulator request"));
        continue;
      }
      return Error::from_errno("writing the simulator request", errno);
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

Status read_exact(int fd, uint8_t *out, size_t size, Deadline deadline, const char *what) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, out + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        TRY(wait_for_fd(fd, POLLIN, deadline, what));
        continue;
      }
      return Error::from_errno(what, errno);
    }
    if (n == 0) {
      return Error(
          format("%s: the port closed after %zu of %zu bytes (no simulator on the host?)", what, done, size));
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

// Discards whatever is already waiting: leftovers of an exchange that failed.
void drain(int fd) {
  uint8_t scratch[4096];
  for (;;) {
    ssize_t n = read(fd, scratch, sizeof scratch);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    return;
  }
}

}  // namespace

Result<std::string> find_virtio_port(const std::string &name, const std::string &sysfs_root,
                                     const std::string &dev_root) {
  std::string dir = sysfs_root + "/class/virtio-ports";
  DIR *d = opendir(dir.c_str());
  if (d == nullptr) return Error::from_errno("virtio-serial port " + name + ": " + dir, errno);
  std::string found;
  while (struct dirent *entry = readdir(d)) {
    if (!plain_entry_name(entry->d_name)) continue;
    Result<std::string> port_name = read_text_file(dir + "/" + entry->d_name + "/name", 256);
    if (!port_name.ok()) continue;  // a port without a name
    std::string text = port_name.release_value();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    if (text == name) {
      found = dev_root + "/" + entry->d_name;
      break;
    }
  }
  closedir(d);
  if (found.empty()) return Error(format("no virtio-serial port named %s in %s", name.c_str(), dir.c_str()));
  return found;
}

Result<std::unique_ptr<SimProvider>> SimProvider::open(const SimOptions &options,
                                                       const std::string &sysfs_root,
                                                       const std::string &dev_root) {
  std::string path = TRY(find_virtio_port(kSimPortName, sysfs_root, dev_root));
  UniqueFd fd = TRY(open_file(path, O_RDWR | O_NOCTTY | O_NONBLOCK));
  // Request ids only need to differ from those of earlier attempts in this
  // boot; the clock gives a different start each time.
  return std::make_unique<SimProvider>(std::move(fd), options, static_cast<uint32_t>(monotonic_us()));
}

SimProvider::SimProvider(UniqueFd fd, const SimOptions &options, uint32_t first_request_id)
    : fd_(std::move(fd)), options_(options), next_id_(first_request_id) {}

Result<Evidence> SimProvider::get_report(ByteView report_data, uint32_t vmpl) {
  TRY(check_report_request(report_data, vmpl));
  Deadline deadline = Deadline::after_ms(options_.timeout_ms);
  drain(fd_.get());
  Result<Evidence> first = exchange(report_data, vmpl, deadline);
  if (first.ok() || first.error().errno_value() != EPROTO) return first;
  // The stream is out of step (garbage, or half a frame): start over once.
  drain(fd_.get());
  return TRY_CONTEXT(exchange(report_data, vmpl, deadline), "after a garbled response, retry");
}

Result<Evidence> SimProvider::exchange(ByteView report_data, uint32_t vmpl, Deadline deadline) {
  SimRequest request;
  request.request_id = next_id_++;
  request.vmpl = vmpl;
  memcpy(request.report_data.data(), report_data.data(), request.report_data.size());
  TRY(write_frame(fd_.get(), encode_sim_request(request), deadline));
  for (int stale = 0;; ++stale) {
    uint8_t raw[kSimResponseHeaderSize];
    TRY(read_exact(fd_.get(), raw, sizeof raw, deadline, "reading the simulator response"));
    Result<SimResponseHeader> parsed = parse_sim_response_header(ByteView(raw, sizeof raw));
    if (!parsed.ok()) return Error(parsed.error().message(), EPROTO);
    SimResponseHeader header = parsed.release_value();
    // The header bounds the payload (at most 1184 + 64 KiB).
    Bytes payload(header.payload_size());
    TRY(read_exact(fd_.get(), payload.data(), payload.size(), deadline, "reading the simulator response"));
    if (header.request_id != request.request_id) {
      if (stale == kMaxStaleResponses) {
        return Error(format("simulator: %d responses for other requests, none for request %u", stale + 1,
                            request.request_id));
      }
      continue;
    }
    if (header.status != 0) {
      return Error(
          format("simulator: firmware status 0x%x (%s)", header.status, firmware_status_name(header.status)));
    }
    Bytes report(payload.begin(), payload.begin() + header.report_len);
    Bytes certs(payload.begin() + header.report_len, payload.end());
    return TRY_CONTEXT(make_evidence(std::move(report), std::move(certs), report_data, vmpl), "simulator");
  }
}

}  // namespace bp::snp
