// Only a KEY_POWER press counts: releases, other keys and other event types
// do not; a directory without input devices yields no buttons.
#include <fcntl.h>
#include <linux/input.h>
#include <unistd.h>

#include "init/power_button.h"
#include "lib/core/temp_dir.h"
#include "tests/unit/test_support.h"

namespace {

input_event event(uint16_t type, uint16_t code, int32_t value) {
  input_event e{};
  e.type = type;
  e.code = code;
  e.value = value;
  return e;
}

bool pressed_after(std::initializer_list<input_event> events) {
  int fds[2];
  assert_int_equal(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
  for (const input_event &e : events) assert_int_equal(write(fds[1], &e, sizeof e), sizeof e);
  bool pressed = bp::power_button_pressed(fds[0]);
  char left;
  assert_int_equal(read(fds[0], &left, 1), -1);  // everything was consumed
  close(fds[0]);
  close(fds[1]);
  return pressed;
}

void test_only_a_power_press_counts(void **) {
  assert_false(pressed_after({}));
  assert_false(pressed_after({event(EV_KEY, KEY_A, 1), event(EV_SYN, 0, 0)}));
  assert_false(pressed_after({event(EV_KEY, KEY_POWER, 0)}));  // release
  assert_false(pressed_after({event(EV_MSC, KEY_POWER, 1)}));
  assert_true(pressed_after({event(EV_KEY, KEY_A, 1), event(EV_KEY, KEY_POWER, 1), event(EV_SYN, 0, 0)}));
  assert_true(pressed_after({event(EV_KEY, KEY_POWER, 1), event(EV_KEY, KEY_POWER, 0)}));
}

void test_no_devices(void **) {
  bp::TempDir dir = ASSERT_OK(bp::TempDir::create("bp-input"));
  assert_true(bp::open_power_buttons(dir.path().c_str()).empty());
  assert_true(bp::open_power_buttons("/nonexistent/input").empty());
}

}  // namespace

RUN_TESTS("init/power_button", cmocka_unit_test(test_only_a_power_press_counts),
          cmocka_unit_test(test_no_devices))
