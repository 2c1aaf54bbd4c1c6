// The host control channel's requests, from the raw byte stream the host
// writes to the virtio port: LineFramer splits it into lines (bounded), and
// HostDispatcher::handle answers each under the debug policy, which allows
// every operation (exec is only decided here, never run; status and logs
// read files that do not exist). Every reply is one line of JSON, an
// object with "ok".
#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "agent/host_ops.h"
#include "agent/host_policy.h"
#include "agent/line_framer.h"
#include "lib/json/json_parse.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

constexpr size_t kMaxLine = 1024;

bp::HostDispatcher &dispatcher() {
  static bp::HostDispatcher *dispatcher = [] {
    auto policy = bp::parse_host_policy(
        R"({"version": 1, "name": "debug", "allow": ["status", "shutdown", "exec", "logs"]})");
    FUZZ_CHECK(policy.ok());
    bp::HostOpsConfig config;
    config.status_file = "/nonexistent/buckypaper-fuzz/status.json";
    config.log_file = "/nonexistent/buckypaper-fuzz/workload.log";
    config.request_shutdown = [] { return bp::Status(); };
    bp::Log::Sinks silent;
    silent.console_fd = -1;
    return new bp::HostDispatcher(policy.release_value(), config, bp::Log("fuzz", silent));
  }();
  return *dispatcher;
}

void check_reply(const std::string &reply) {
  FUZZ_CHECK(!reply.empty() && reply.back() == '\n' && reply.find('\n') == reply.size() - 1);
  auto json = bp::parse_json(std::string_view(reply).substr(0, reply.size() - 1), reply.size(), 16);
  FUZZ_CHECK(json.ok() && json.value().is_object());
  FUZZ_CHECK(json.value().get_bool("ok").ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bp::LineFramer framer(kMaxLine);
  std::vector<bp::LineEvent> events;
  framer.feed(bp::ByteView(data, size), events);
  FUZZ_CHECK(framer.buffered() <= kMaxLine);
  for (const bp::LineEvent &event : events) {
    if (event.kind == bp::LineEvent::Kind::oversized) continue;
    FUZZ_CHECK(event.text.size() <= kMaxLine && event.text.find('\n') == std::string::npos);
    bp::HostDispatch dispatch = dispatcher().handle(event.text, "fuzz");
    if (dispatch.exec) {
      auto result = bp::Result<bp::CommandResult>(bp::Error("not run by the fuzzer"));
      check_reply(dispatcher().exec_reply(dispatch.id, result));
    } else {
      check_reply(dispatch.reply);
    }
  }
  return 0;
}
