// Runs one boot stage: a line when it starts, a line when it ends with the
// elapsed milliseconds, or one line with the stage and the reason it failed.
// The timings are kept for the status the agent reports to the host.
#pragma once

#include <stdint.h>

#include <string>
#include <utility>
#include <vector>

#include "lib/core/clock.h"
#include "lib/core/log.h"
#include "lib/core/result.h"

namespace bp {

struct StageRecord {
  std::string name;
  enum class State { running, done, failed } state = State::running;
  uint64_t started_ms = 0;  // monotonic, since boot in the guest
  uint64_t elapsed_ms = 0;
  std::string error;  // failed: why (error messages never hold secrets)
};

class StageTimeline {
 public:
  // log must outlive the timeline; changes to it (a new level) apply.
  explicit StageTimeline(const Log &log) : log_(log) {}

  // f takes the stage's Log and returns a Result<T> or Status.
  template <typename F>
  auto run(const char *name, F &&f) -> decltype(f(std::declval<const Log &>())) {
    Log stage_log = log_.stage(name);
    size_t index = begin(name, stage_log);
    auto result = f(stage_log);
    end(index, stage_log, result.ok() ? nullptr : &result.error());
    return result;
  }

  const std::vector<StageRecord> &records() const { return records_; }

 private:
  size_t begin(const char *name, const Log &stage_log);
  void end(size_t index, const Log &stage_log, const Error *error);

  const Log &log_;
  std::vector<StageRecord> records_;
};

}  // namespace bp
