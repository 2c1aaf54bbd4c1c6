#include "lib/core/rfc3339.h"

#include "lib/core/format.h"

namespace bp {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t &y, unsigned &m, unsigned &d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : kDays[m - 1];
}

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  // Exactly n decimal digits.
  bool digits(size_t n, unsigned &out) {
    if (text_.size() - pos_ < n) return false;
    out = 0;
    for (size_t i = 0; i < n; ++i) {
      char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += n;
    return true;
  }
  bool literal(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool one_of(const char *chars, char &out) {
    if (pos_ >= text_.size()) return false;
    for (const char *c = chars; *c; ++c) {
      if (text_[pos_] == *c) {
        out = *c;
        ++pos_;
        return true;
      }
    }
    return false;
  }
  bool at_end() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

Result<int64_t> parse_rfc3339(std::string_view text) {
  auto fail = [&](const char *what) {
    return Error(format("time '%.64s': %s (expected RFC 3339, e.g. 2025-06-01T12:00:00Z)",
                        std::string(text).c_str(), what));
  };
  Cursor c(text);
  unsigned year, month, day, hour, minute, second;
  char separator;
  if (!c.digits(4, year) || !c.literal('-') || !c.digits(2, month) || !c.literal('-') || !c.digits(2, day)) {
    return fail("bad date");
  }
  if (!c.one_of("Tt ", separator)) return fail("no 'T' between date and time");
  if (!c.digits(2, hour) || !c.literal(':') || !c.digits(2, minute) || !c.literal(':') ||
      !c.digits(2, second)) {
    return fail("bad time of day");
  }
  if (c.literal('.')) {
    unsigned digit;
    if (!c.digits(1, digit)) return fail("no digits after '.'");
    while (c.digits(1, digit)) {
    }
  }
  int64_t offset = 0;
  char zone;
  if (!c.one_of("Zz+-", zone)) return fail("no time zone ('Z' or +hh:mm)");
  if (zone == '+' || zone == '-') {
    unsigned oh, om;
    if (!c.digits(2, oh) || !c.literal(':') || !c.digits(2, om)) return fail("bad offset");
    if (oh > 23 || om > 59) return fail("offset out of range");
    offset = (zone == '+' ? 1 : -1) * static_cast<int64_t>(oh * 3600 + om * 60);
  }
  if (!c.at_end()) return fail("trailing characters");
  if (month < 1 || month > 12) return fail("month out of range");
  if (day < 1 || day > days_in_month(year, month)) return fail("day out of range");
  if (hour > 23 || minute > 59 || second > 60) return fail("time of day out of range");
  if (second == 60) second = 59;
  int64_t days = days_from_civil(year, month, day);
  return days * 86400 + int64_t{hour} * 3600 + int64_t{minute} * 60 + second - offset;
}

std::string format_rfc3339(int64_t seconds) {
  int64_t days = seconds / 86400;
  int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    --days;
  }
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  return format("%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
}

}  // namespace bp
