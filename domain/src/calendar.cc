#include "beian/domain/calendar.h"

#include <algorithm>
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

// The seven festivals of every year's notice (an entry may name two: "国庆节、中秋节").
constexpr const char* kFestivals[] = {"元旦", "春节", "清明", "劳动节", "端午", "中秋", "国庆"};

// The text at `key`, "" if absent or not a string.
std::string TextAt(const core::Json& obj, const std::string& key) {
  const core::Json* value = obj.Find(key);
  return value != nullptr && value->is_string() ? value->as_string() : "";
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
  if (years == nullptr || !years->is_array() || years->size() == 0) {
    return core::InvalidArgument("holiday calendar: missing array at /years, or no year in it");
  }
  HolidayCalendar calendar;
  std::vector<std::string> holidays_at;  // each year's /holidays, for the completeness check
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
    Year arrangement;
    arrangement.year = y;
    arrangement.notice = notice->as_string();
    arrangement.notice_no = TextAt(entry, "notice_no");
    arrangement.published_on = TextAt(entry, "published_on");
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
      // 元旦's days off may begin in the December before (2023-12-30 for 2024).
      if (to.year != y || from.year < y - 1) {
        return core::InvalidArgument("holiday calendar: " + from.Iso() + ".." + to.Iso() + " is not in " +
                                     std::to_string(y) + " at " + hpath);
      }
      for (Date d = from; d <= to; d = d.AddDays(1)) {
        calendar.holidays_.insert(d.Iso());
      }
      arrangement.holidays.push_back({TextAt(range, "name"), from, to});
    }
    holidays_at.push_back(path + "/holidays");
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
      if (d.year < y - 1 || d.year > y) {
        return core::InvalidArgument("holiday calendar: make-up working day " + d.Iso() + " is not in " +
                                     std::to_string(y) + " at " + wpath);
      }
      calendar.working_days_.insert(d.Iso());
      arrangement.working_days.push_back({d, TextAt(working->as_array()[w], "for")});
    }
    calendar.arrangements_.push_back(std::move(arrangement));
  }
  for (const std::string& day : calendar.working_days_) {
    if (calendar.holidays_.count(day) != 0) {
      return core::InvalidArgument("holiday calendar: " + day +
                                   " is both a holiday and a working day");
    }
  }
  // Last, so that a year's other faults are named first: every notice
  // arranges the seven festivals.
  for (size_t i = 0; i < calendar.arrangements_.size(); ++i) {
    const Year& year = calendar.arrangements_[i];
    std::string names;
    for (const Holiday& h : year.holidays) names += h.name;
    for (const char* festival : kFestivals) {
      if (names.find(festival) == std::string::npos) {
        return core::InvalidArgument("holiday calendar: " + std::to_string(year.year) + " is incomplete: no " +
                                     festival + " among its holidays at " + holidays_at[i] +
                                     " (every notice arranges 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节 and 国庆节)");
      }
    }
  }
  std::sort(calendar.arrangements_.begin(), calendar.arrangements_.end(),
            [](const Year& a, const Year& b) { return a.year < b.year; });
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

core::Result<HolidayCalendar::Reckoned> HolidayCalendar::AddWorkingDaysProvisionally(const Date& from,
                                                                                    int days) const {
  if (days < 0) {
    return core::InvalidArgument("a negative number of working days: " + std::to_string(days));
  }
  Reckoned out;
  auto unpublished = [&](int year) {
    if (Covers(year)) return false;
    if (std::find(out.unpublished.begin(), out.unpublished.end(), year) == out.unpublished.end()) {
      out.unpublished.push_back(year);
    }
    return true;
  };
  (void)unpublished(from.year);
  Date day = from;
  int counted = 0;
  while (counted < days) {
    day = day.AddDays(1);
    const bool working = unpublished(day.year) ? day.Weekday() <= 5 : *IsWorkingDay(day);
    // Next year's notice may move the last days of December (元旦 2019:
    // 2018-12-29 worked, 2018-12-31 off): counted on this year's, they are
    // certain only once next year's is in.
    if (day.month == 12 && day.day >= 25) (void)unpublished(day.year + 1);
    if (working) ++counted;
  }
  out.date = day;
  out.provisional = !out.unpublished.empty();
  return out;
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
