#include "init/test_pause.h"

#include <unistd.h>

namespace bp {

const char *test_pause_name(TestPause point) {
  switch (point) {
    case TestPause::none:
      return "none";
    case TestPause::data_keyslots_written:
      return "data-keyslots-written";
    case TestPause::data_filesystem_made:
      return "data-filesystem-made";
    case TestPause::data_secondary_header:
      return "data-secondary-header";
    case TestPause::data_committed:
      return "data-committed";
  }
  return "unknown";
}

void pause_if_configured(TestPause configured, TestPause reached, const Log &log) {
  if (configured == TestPause::none || configured != reached) return;
  log.warning("test pause at %s (bp.test_pause): waiting for the power to be cut", test_pause_name(reached));
  for (;;) pause();
}

}  // namespace bp
