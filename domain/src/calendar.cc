#include "beian/domain/calendar.h"

#include <string>
#include <utility>

#include "beian/core/json.h"

namespace beian::domain {
namespace {

core::Result<Date> DateAt(const core::Json& obj, const std::string& key,
                          const std::string& path) {
  const core::Json* value = obj.Find(key);
  std::string at = core::PointerAppend(path, key);
  if (value == nullptr || !value->is_string()) {
    return core::InvalidArgument("holiday calendar: missing date at " + at);
  }
  core::Result<Date> date = Date::Parse(value->as_string());
  if (!date.ok()) {
    return core::InvalidArgument("holiday calendar: " +
                                 date.status().message() + " at " + at);
  }
  return date;
}

std::string YearList(const std::set<int>& years) {
  std::string out;
  for (int year : years) {
    if (!out.empty()) out += ", ";
    out += std::to_string(year);
  }
  return out.empty() ? "no year" : out;
}

}  // namespace

core::Result<HolidayCalendar> HolidayCalendar::Parse(const core::Json& json) {
  const core::Json* years = json.Find("years");
  if (years == nullptr || !years->is_array()) {
    return core::InvalidArgument("holiday calendar: missing array at /years");
  }
  HolidayCalendar calendar;
  for (size_t i = 0; i < years->size(); ++i) {
    const core::Json& entry = years->as_array()[i];
    std::string path = core::PointerAppend("/years", i);
    const core::Json* year = entry.Find("year");
    if (year == nullptr || !year->is_integer() || year->as_int() < 1900 ||
        year->as_int() > 2199) {
      return core::InvalidArgument("holiday calendar: missing year at " +
                                   path + "/year");
    }
    int y = static_cast<int>(year->as_int());
    if (!calendar.years_.insert(y).second) {
      return core::InvalidArgument("holiday calendar: year " +
                                   std::to_string(y) + " listed twice at " +
                                   path);
    }
    const core::Json* notice = entry.Find("notice");
    if (notice == nullptr || !notice->is_string() ||
        notice->as_string().empty()) {
      return core::InvalidArgument(
          "holiday calendar: the State Council notice is not cited at " +
          path + "/notice");
    }
    const core::Json* holidays = entry.Find("holidays");
    if (holidays == nullptr || !holidays->is_array()) {
      return core::InvalidArgument("holiday calendar: missing array at " +
                                   path + "/holidays");
    }
    for (size_t h = 0; h < holidays->size(); ++h) {
      std::string hpath = core::PointerAppend(path + "/holidays", h);
      const core::Json& range = holidays->as_array()[h];
      BEIAN_ASSIGN_OR_RETURN(Date from, DateAt(range, "from", hpath));
      BEIAN_ASSIGN_OR_RETURN(Date to, DateAt(range, "to", hpath));
      if (to < from || from.DaysUntil(to) > 31) {
        return core::InvalidArgument(
            "holiday calendar: implausible range at " + hpath);
      }
      for (Date d = from; d <= to; d = d.AddDays(1)) {
        calendar.holidays_.insert(d.Iso());
      }
    }
    const core::Json* working = entry.Find("working_days");
    if (working == nullptr || !working->is_array()) {
      return core::InvalidArgument("holiday calendar: missing array at " +
                                   path + "/working_days");
    }
    for (size_t w = 0; w < working->size(); ++w) {
      std::string wpath = core::PointerAppend(path + "/working_days", w);
      BEIAN_ASSIGN_OR_RETURN(Date d,
                             DateAt(working->as_array()[w], "date", wpath));
      if (d.Weekday() < 6) {
        return core::InvalidArgument(
            "holiday calendar: make-up working day " + d.Iso() +
            " is not a Saturday or Sunday at " + wpath);
      }
      calendar.working_days_.insert(d.Iso());
    }
  }
  for (const std::string& day : calendar.working_days_) {
    if (calendar.holidays_.count(day) != 0) {
      return core::InvalidArgument("holiday calendar: " + day +
                                   " is both a holiday and a working day");
    }
  }
  return calendar;
}

bool HolidayCalendar::Covers(int year) const {
  return years_.count(year) != 0;
}

std::vector<int> HolidayCalendar::Years() const {
  return std::vector<int>(years_.begin(), years_.end());
}

core::Status HolidayCalendar::CheckCovered(const Date& date) const {
  if (Covers(date.year)) return core::Status::Ok();
  return core::OutOfRange("the holiday calendar covers " + YearList(years_) +
                          ", not " + std::to_string(date.year) + " (" +
                          date.Iso() + ")");
}

core::Result<bool> HolidayCalendar::IsWorkingDay(const Date& date) const {
  BEIAN_RETURN_IF_ERROR(CheckCovered(date));
  std::string iso = date.Iso();
  if (holidays_.count(iso) != 0) return false;
  if (working_days_.count(iso) != 0) return true;
  return date.Weekday() <= 5;
}

core::Result<Date> HolidayCalendar::AddWorkingDays(const Date& from,
                                                   int days) const {
  if (days < 0) {
    return core::InvalidArgument("a negative number of working days: " +
                                 std::to_string(days));
  }
  BEIAN_RETURN_IF_ERROR(CheckCovered(from));
  Date day = from;
  int counted = 0;
  while (counted < days) {
    day = day.AddDays(1);
    BEIAN_ASSIGN_OR_RETURN(bool working, IsWorkingDay(day));
    if (working) ++counted;
  }
  return day;
}

core::Result<int> HolidayCalendar::WorkingDaysUntil(const Date& from, const Date& to) const {
  const bool forward = from.DaysUntil(to) >= 0;
  const Date first = forward ? from : to;
  const Date last = forward ? to : from;
  if (first.DaysUntil(last) > 3660) return core::OutOfRange("more than ten years apart");
  BEIAN_RETURN_IF_ERROR(CheckCovered(first));
  int count = 0;
  for (Date day = first; day.DaysUntil(last) > 0;) {
    day = day.AddDays(1);
    BEIAN_ASSIGN_OR_RETURN(bool working, IsWorkingDay(day));
    if (working) ++count;
  }
  return forward ? count : -count;
}

}  // namespace beian::domain
