#ifndef BEIAN_DOMAIN_DATE_H_
#define BEIAN_DOMAIN_DATE_H_

#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::domain {

// A day of the proleptic Gregorian calendar (Beijing civil dates; no time, no
// zone). A Date made by Parse or AddDays is always a real day; one built by
// hand is trusted as given.
struct Date {
  int year = 1970;
  int month = 1;
  int day = 1;

  // Parses "2026-11-27" (ISO 8601, zero-padded) or "2026年11月27日" (month
  // and day with or without a leading zero) into a real day of the years
  // 1900..2199; kInvalidArgument otherwise (wrong form, or a day such as
  // 2026-02-30 that does not exist), naming what is wrong.
  static core::Result<Date> Parse(std::string_view text);

  // True iff year/month/day name a real day (leap years included).
  static bool IsValid(int year, int month, int day);

  // "2026-11-27".
  std::string Iso() const;
  // "2026年11月27日" (no leading zeros: "2026年1月5日").
  std::string Chinese() const;
  // The day `days` days later (earlier if negative).
  Date AddDays(int days) const;
  // Days from this date to `other`: positive if other is later, 0 if equal.
  int DaysUntil(const Date& other) const;
  // ISO weekday: 1 = Monday ... 7 = Sunday.
  int Weekday() const;
};

// Same day.
bool operator==(const Date& a, const Date& b);
// Different days.
bool operator!=(const Date& a, const Date& b);
// a is an earlier day than b.
bool operator<(const Date& a, const Date& b);
// a is not later than b.
bool operator<=(const Date& a, const Date& b);
// a is a later day than b.
bool operator>(const Date& a, const Date& b);
// a is not earlier than b.
bool operator>=(const Date& a, const Date& b);

}  // namespace beian::domain

#endif  // BEIAN_DOMAIN_DATE_H_
