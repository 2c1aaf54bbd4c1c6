// A CLOEXEC pipe over which a forked child reports the step that failed
// before execve. A successful execve closes the write end, so the parent's
// read returns end-of-file; a report means the child failed and exits.
#pragma once

#include <optional>

#include "init/workload_steps.h"
#include "lib/core/result.h"
#include "lib/core/unique_fd.h"

namespace bp {

class ChildReport {
 public:
  static Result<ChildReport> create();

  // Child side: writes the report and exits with status 127.
  [[noreturn]] void fail(const StepError &error);

  // Parent side, after fork: closes the write end and waits until the child
  // has executed (nullopt) or reported a failure.
  Result<std::optional<StepError>> wait_for_exec();

 private:
  ChildReport(UniqueFd read_end, UniqueFd write_end)
      : read_end_(std::move(read_end)), write_end_(std::move(write_end)) {}

  UniqueFd read_end_;
  UniqueFd write_end_;
};

}  // namespace bp
