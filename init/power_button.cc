#include "init/power_button.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>

namespace bp {
namespace {

bool reports_power_key(int fd) {
  unsigned char keys[KEY_MAX / 8 + 1] = {};
  if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof keys), keys) < 0) return false;
  return (keys[KEY_POWER / 8] >> (KEY_POWER % 8)) & 1;
}

}  // namespace

std::vector<UniqueFd> open_power_buttons(const char *input_dir) {
  std::vector<UniqueFd> buttons;
  DIR *dir = opendir(input_dir);
  if (dir == nullptr) return buttons;
  while (const dirent *entry = readdir(dir)) {
    if (strncmp(entry->d_name, "event", 5) != 0) continue;
    std::string path = std::string(input_dir) + "/" + entry->d_name;
    UniqueFd fd(open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd.valid() && reports_power_key(fd.get())) buttons.push_back(std::move(fd));
  }
  closedir(dir);
  return buttons;
}

bool power_button_pressed(int fd) {
  bool pressed = false;
  input_event events[16];
  for (;;) {
    ssize_t n = read(fd, events, sizeof events);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return pressed;
    for (size_t i = 0; i < static_cast<size_t>(n) / sizeof events[0]; ++i) {
      pressed |= events[i].type == EV_KEY && events[i].code == KEY_POWER && events[i].value == 1;
    }
  }
}

}  // namespace bp
