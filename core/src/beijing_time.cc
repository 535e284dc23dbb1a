#include "beian/core/beijing_time.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>

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

Result<std::string> AddSeconds(std::string_view time, int64_t seconds) {
  if (!IsBeijingTime(time)) {
    return InvalidArgument("not a Beijing time like 2026-11-27T10:00:00+08:00: \"" + std::string(time) + "\"");
  }
  auto number = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (time[i] - '0');
    return v;
  };
  constexpr int64_t kDay = 86400;
  const int64_t of_day = number(11, 2) * 3600 + number(14, 2) * 60 + std::min(number(17, 2), 59) + seconds;
  int64_t days = of_day / kDay;
  int64_t rest = of_day % kDay;
  if (rest < 0) {
    rest += kDay;
    --days;
  }
  const Date date = Date{number(0, 4), number(5, 2), number(8, 2)}.AddDays(static_cast<int>(days));
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", date.year, date.month, date.day,
                static_cast<int>(rest / 3600), static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return std::string(out);
}

Result<int64_t> SecondsBetween(std::string_view from, std::string_view to) {
  for (std::string_view t : {from, to}) {
    if (!IsBeijingTime(t)) {
      return InvalidArgument("not a Beijing time like 2026-11-27T10:00:00+08:00: \"" + std::string(t) + "\"");
    }
  }
  auto number = [](std::string_view t, size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  auto of_day = [&](std::string_view t) -> int64_t {
    return number(t, 11, 2) * 3600 + number(t, 14, 2) * 60 + std::min(number(t, 17, 2), 59);
  };
  const Date a{number(from, 0, 4), number(from, 5, 2), number(from, 8, 2)};
  const Date b{number(to, 0, 4), number(to, 5, 2), number(to, 8, 2)};
  return int64_t{a.DaysUntil(b)} * 86400 + of_day(to) - of_day(from);
}

}  // namespace beian::core
