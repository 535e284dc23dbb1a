#include "beian/core/beijing_time.h"

#include <cstddef>

#include "beian/core/civil_date.h"

namespace beian::core {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The value of `count` digits at `pos`, or -1.
int DigitsAt(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!IsDigit(text[i])) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

bool IsBeijingTime(std::string_view t) {
  if (t.size() < 25) return false;
  if (t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' ||
      t[16] != ':') {
    return false;
  }
  const int year = DigitsAt(t, 0, 4), month = DigitsAt(t, 5, 2),
            day = DigitsAt(t, 8, 2), hour = DigitsAt(t, 11, 2),
            minute = DigitsAt(t, 14, 2), second = DigitsAt(t, 17, 2);
  if (year < Date::kMinYear || !Date::IsValid(year, month, day) ||
      hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 ||
      second > 60) {
    return false;
  }
  size_t pos = 19;
  if (t[pos] == '.') {
    ++pos;
    const size_t start = pos;
    while (pos < t.size() && IsDigit(t[pos])) ++pos;
    if (pos == start || pos - start > 9) return false;
  }
  return t.substr(pos) == "+08:00";
}

}  // namespace beian::core
