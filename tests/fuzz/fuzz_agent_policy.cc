// bp-agent's host channel policy file (parse_host_policy): a measured file,
// but one that decides what the untrusted host may do, so it is parsed
// strictly. An accepted policy never allows set-policy, lists each
// operation once, and allows exactly what it lists.
#include <stddef.h>
#include <stdint.h>

#include <algorithm>

#include "agent/host_policy.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto policy = bp::parse_host_policy(bp::as_text(data, size));
  if (!policy.ok()) return 0;
  const bp::HostPolicy &p = policy.value();
  FUZZ_CHECK(!p.allows(bp::HostOp::set_policy) && p.load_error().empty());
  const std::vector<bp::HostOp> &allowed = p.allowed();
  for (bp::HostOp op : {bp::HostOp::status, bp::HostOp::shutdown, bp::HostOp::exec, bp::HostOp::logs,
                        bp::HostOp::set_policy}) {
    FUZZ_CHECK(p.allows(op) == (std::count(allowed.begin(), allowed.end(), op) == 1));
    FUZZ_CHECK(std::count(allowed.begin(), allowed.end(), op) <= 1);
    auto named = bp::host_op_from_name(bp::host_op_name(op));
    FUZZ_CHECK(named && *named == op);
  }
  return 0;
}
