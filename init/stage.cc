#include "init/stage.h"

namespace bp {

size_t StageTimeline::begin(const char *name, const Log &stage_log) {
  StageRecord record;
  record.name = name;
  record.started_ms = monotonic_ms();
  records_.push_back(record);
  stage_log.info("start");
  return records_.size() - 1;
}

void StageTimeline::end(size_t index, const Log &stage_log, const Error *error) {
  StageRecord &record = records_[index];
  record.elapsed_ms = monotonic_ms() - record.started_ms;
  if (error) {
    record.state = StageRecord::State::failed;
    record.error = error->message();
    stage_log.error("failed after %llu ms: %s", static_cast<unsigned long long>(record.elapsed_ms),
                    error->message().c_str());
  } else {
    record.state = StageRecord::State::done;
    stage_log.info("done in %llu ms", static_cast<unsigned long long>(record.elapsed_ms));
  }
}

}  // namespace bp
