#include "lib/json/ecmascript_number.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/core/format.h"

namespace bp {
namespace {

// The shortest significand s (as digits) and exponent n with
// value = 0.s * 10^n. snprintf rounds correctly, so the shortest precision
// whose output reads back exactly gives the decimal of that length closest to
// value, as ECMAScript requires. Reading back is monotonic in the precision
// (the p-digit result is also a p+1-digit candidate), so a binary search finds
// it; 17 digits always read back.
void shortest_decimal(double value, std::string *digits, int *n) {
  char text[32];
  int low = 1, high = 17;
  while (low < high) {
    int mid = (low + high) / 2;
    snprintf(text, sizeof text, "%.*e", mid - 1, value);
    if (strtod(text, nullptr) == value)
      high = mid;
    else
      low = mid + 1;
  }
  snprintf(text, sizeof text, "%.*e", low - 1, value);
  // text is "d.ddde[+-]x".
  const char *p = text;
  digits->clear();
  for (; *p != 'e'; ++p)
    if (*p != '.') *digits += *p;
  *n = atoi(p + 1) + 1;
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
}

}  // namespace

Result<std::string> format_ecmascript_number(double value) {
  if (isnan(value) || isinf(value)) return Error("NaN and infinite numbers cannot be serialised as JSON");
  if (value == 0) return std::string("0");  // also -0
  std::string out;
  if (value < 0) {
    out = "-";
    value = -value;
  }
  std::string s;
  int n;
  shortest_decimal(value, &s, &n);
  int k = static_cast<int>(s.size());
  if (k <= n && n <= 21) {
    out += s;
    out.append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += s.substr(0, static_cast<size_t>(n));
    out += '.';
    out += s.substr(static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-n), '0');
    out += s;
  } else {
    out += s[0];
    if (k > 1) {
      out += '.';
      out += s.substr(1);
    }
    int e = n - 1;
    out += e < 0 ? "e-" : "e+";
    out += format("%d", e < 0 ? -e : e);
  }
  return out;
}

}  // namespace bp
