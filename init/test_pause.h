// bp.test_pause=<point>: bp-init stops for good at one step of the data disk's
// first use, so a test can cut the power exactly there (qemu-tests, the
// power-loss scenario). It is a kernel parameter, hence measured: a broker
// that holds only the image's reference values releases no key to a launch
// that asks for it.
#pragma once

#include "lib/core/log.h"

namespace bp {

enum class TestPause {
  none,
  data_keyslots_written,
  data_filesystem_made,
  data_secondary_header,
  data_committed
};

// The name on the command line, e.g. "data-keyslots-written".
const char *test_pause_name(TestPause point);

// When `configured` is `reached`: logs the pause and sleeps until the VM dies.
void pause_if_configured(TestPause configured, TestPause reached, const Log &log);

}  // namespace bp
