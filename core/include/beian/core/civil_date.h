// Civil dates: days of the calendar as Beijing writes them on forms, without a
// time or a zone.
#ifndef BEIAN_CORE_CIVIL_DATE_H_
#define BEIAN_CORE_CIVIL_DATE_H_

#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::core {

// A day of the proleptic Gregorian calendar (Beijing civil dates; no time, no
// zone). A Date made by Parse or AddDays is always a real day; one built by
// hand is trusted as given.
struct Date {
  // The years Parse accepts: no filing, person or company predates 1900, and
  // a year past 2199 is a typing error.
  static constexpr int kMinYear = 1900;
  static constexpr int kMaxYear = 2199;

  int year = 1970;
  int month = 1;
  int day = 1;

  // Parses "2026-11-27" (ISO 8601, zero-padded) or "2026年11月27日" (month
  // and day with or without a leading zero) into a real day of the years
  // kMinYear..kMaxYear; kInvalidArgument otherwise (wrong form, or a day such
  // as 2026-02-30 that does not exist), naming what is wrong.
  static Result<Date> Parse(std::string_view text);

  // True iff year/month/day name a real day (leap years included); any year.
  static bool IsValid(int year, int month, int day);

  // The number of days of `month` (1..12) in `year`: 28..31; 0 for a month
  // outside 1..12.
  static int DaysInMonth(int year, int month);

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

// Why a text is not a date, for callers that word their own message.
enum class DateFault {
  kNone,
  kForm,       // neither 2026-11-27 nor 2026年11月27日
  kYearRange,  // outside Date::kMinYear..Date::kMaxYear
  kNoSuchDay,  // e.g. 2026-02-30 or month 13
};

// Parses like Date::Parse; sets *date and returns kNone on success, else
// returns the fault and leaves *date unchanged.
DateFault ParseDate(std::string_view text, Date* date);

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

}  // namespace beian::core

#endif  // BEIAN_CORE_CIVIL_DATE_H_
