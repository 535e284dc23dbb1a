#include "beian/core/civil_date.h"

#include <cstdint>
#include <cstdio>
#include <string>

namespace beian::core {
namespace {

// Days since 1970-01-01 (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// Inverse of DaysFromCivil.
Date CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return Date{y, m, d};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max_digits ASCII digits at text[*pos]; false if none.
bool ReadNumber(std::string_view text, size_t* pos, size_t min_digits,
                size_t max_digits, int* value) {
  size_t start = *pos;
  int v = 0;
  while (*pos < text.size() && IsDigit(text[*pos]) &&
         *pos - start < max_digits) {
    v = v * 10 + (text[*pos] - '0');
    ++*pos;
  }
  if (*pos - start < min_digits) return false;
  if (*pos < text.size() && IsDigit(text[*pos])) return false;  // too long
  *value = v;
  return true;
}

bool Consume(std::string_view text, size_t* pos, std::string_view what) {
  if (text.substr(*pos, what.size()) != what) return false;
  *pos += what.size();
  return true;
}

}  // namespace

DateFault ParseDate(std::string_view text, Date* date) {
  int y = 0, m = 0, d = 0;
  size_t pos = 0;
  bool iso = text.size() == 10 && text[4] == '-' && text[7] == '-';
  if (iso) {
    if (!ReadNumber(text, &pos, 4, 4, &y) || !Consume(text, &pos, "-") ||
        !ReadNumber(text, &pos, 2, 2, &m) || !Consume(text, &pos, "-") ||
        !ReadNumber(text, &pos, 2, 2, &d) || pos != text.size()) {
      return DateFault::kForm;
    }
  } else {
    if (!ReadNumber(text, &pos, 4, 4, &y) || !Consume(text, &pos, "年") ||
        !ReadNumber(text, &pos, 1, 2, &m) || !Consume(text, &pos, "月") ||
        !ReadNumber(text, &pos, 1, 2, &d) || !Consume(text, &pos, "日") ||
        pos != text.size()) {
      return DateFault::kForm;
    }
  }
  if (y < Date::kMinYear || y > Date::kMaxYear) return DateFault::kYearRange;
  if (!Date::IsValid(y, m, d)) return DateFault::kNoSuchDay;
  *date = Date{y, m, d};
  return DateFault::kNone;
}


Result<Date> Date::Parse(std::string_view text) {
  Date date;
  switch (ParseDate(text, &date)) {
    case DateFault::kNone:
      return date;
    case DateFault::kForm:
      return InvalidArgument("not a date of the form 2026-11-27 or " +
                                   std::string("2026年11月27日: \"") +
                                   std::string(text) + "\"");
    case DateFault::kYearRange:
      return InvalidArgument("year outside 1900..2199: \"" +
                                   std::string(text) + "\"");
    case DateFault::kNoSuchDay:
      return InvalidArgument("no such day: \"" + std::string(text) +
                                   "\"");
  }
  return Internal("unreachable");
}

bool Date::IsValid(int year, int month, int day) {
  return day >= 1 && day <= DaysInMonth(year, month);
}

int Date::DaysInMonth(int year, int month) {
  if (month < 1 || month > 12) return 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::string Date::Iso() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string Date::Chinese() const {
  return std::to_string(year) + "年" + std::to_string(month) + "月" +
         std::to_string(day) + "日";
}

Date Date::AddDays(int days) const {
  return CivilFromDays(DaysFromCivil(year, month, day) + days);
}

int Date::DaysUntil(const Date& other) const {
  return static_cast<int>(DaysFromCivil(other.year, other.month, other.day) -
                          DaysFromCivil(year, month, day));
}

int Date::Weekday() const {
  // 1970-01-01 was a Thursday (4).
  int64_t days = DaysFromCivil(year, month, day);
  int64_t w = ((days % 7) + 7 + 3) % 7;  // 0 = Monday
  return static_cast<int>(w) + 1;
}

bool operator==(const Date& a, const Date& b) {
  return a.year == b.year && a.month == b.month && a.day == b.day;
}
bool operator!=(const Date& a, const Date& b) { return !(a == b); }
bool operator<(const Date& a, const Date& b) {
  if (a.year != b.year) return a.year < b.year;
  if (a.month != b.month) return a.month < b.month;
  return a.day < b.day;
}
bool operator<=(const Date& a, const Date& b) { return !(b < a); }
bool operator>(const Date& a, const Date& b) { return b < a; }
bool operator>=(const Date& a, const Date& b) { return !(a < b); }

}  // namespace beian::core
