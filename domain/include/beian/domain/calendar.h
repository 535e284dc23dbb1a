#ifndef BEIAN_DOMAIN_CALENDAR_H_
#define BEIAN_DOMAIN_CALENDAR_H_

#include <set>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"
#include "beian/domain/date.h"

namespace beian::domain {

// Working days in mainland China as published by the State Council each year:
// Monday to Friday work, Saturday and Sunday rest, except the listed public
// holidays (放假) and make-up working days (调休上班). Knows only the years it
// was given; asking about any other year is an error, never a guess.
// Immutable after Parse; thread-safe.
class HolidayCalendar {
 public:
  // One year's arrangement as the notice states it.
  struct Holiday {
    std::string name;  // "春节"
    Date from, to;     // every day from..to is a day off
  };
  struct MakeUpDay {
    Date date;        // a Saturday or Sunday that is worked
    std::string for_;  // the holiday it makes up for
  };
  struct Year {
    int year = 0;
    std::string notice;        // 国务院办公厅关于2026年部分节假日安排的通知
    std::string notice_no;     // 国办发明电〔2025〕7号, "" if not given
    std::string published_on;  // ISO date, "" if not given
    std::vector<Holiday> holidays;
    std::vector<MakeUpDay> working_days;
  };

  // A day some working days after another, and whether it is certain: when
  // days between lie in years the calendar does not hold (their arrangement
  // not yet published), those are counted Monday to Friday, their holidays
  // unknown, and the result is provisional.
  struct Reckoned {
    Date date;
    bool provisional = false;
    std::vector<int> unpublished;  // the years counted by weekends alone
  };

  // Builds a calendar from data shaped like domain/data/holidays-cn.json:
  // {"years": [{"year": 2025, "notice": "...", "holidays": [{"name", "from",
  // "to"}], "working_days": [{"date", "for"}]}]}. kInvalidArgument, naming the
  // JSON Pointer, for a missing notice, a bad or reversed date, a year listed
  // twice, a year without one of the seven festivals every notice arranges
  // (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节; one entry may name
  // two), a holiday or make-up day far from its year, a make-up working day
  // that is not a Saturday or Sunday, or a day that is both a holiday and a
  // working day.
  static core::Result<HolidayCalendar> Parse(const core::Json& json);

  // The years' arrangements, by year.
  const std::vector<Year>& years() const { return arrangements_; }

  // True iff the calendar holds the State Council's arrangement for `year`.
  bool Covers(int year) const;
  // The covered years, ascending.
  std::vector<int> Years() const;
  // Whether `date` is a working day; kOutOfRange if its year is not covered.
  core::Result<bool> IsWorkingDay(const Date& date) const;
  // The day that is `days` (>= 0) working days after `from` (`from` itself is
  // not counted; 0 gives `from`). kOutOfRange if `from` or any day up to the
  // result lies in a year the calendar does not cover; kInvalidArgument for a
  // negative count.
  core::Result<Date> AddWorkingDays(const Date& from, int days) const;
  // As AddWorkingDays, but a day in a year the calendar does not hold is
  // counted as a working day if Monday to Friday, and the result marked
  // provisional: a deadline that runs into a year whose arrangement is not
  // yet published, stated as such rather than refused or silently guessed.
  // Days from 25 December on are provisional too while the next year is not
  // held: its notice may rearrange them around 元旦.
  // kInvalidArgument for a negative count.
  core::Result<Reckoned> AddWorkingDaysProvisionally(const Date& from, int days) const;
  // The working days after `from` up to and including `to`; negative (the
  // working days after `to` up to `from`) when `to` is earlier. kOutOfRange
  // if a day between lies in a year the calendar does not cover.
  core::Result<int> WorkingDaysUntil(const Date& from, const Date& to) const;

 private:
  HolidayCalendar() = default;

  core::Status CheckCovered(const Date& date) const;

  std::set<int> years_;
  std::vector<Year> arrangements_;
  std::set<std::string> holidays_;      // ISO dates
  std::set<std::string> working_days_;  // ISO dates (weekend make-up days)
};

// The calendar compiled in from domain/data/holidays-cn.json (parsed once).
// Fails only if that file was edited into something Parse rejects.
const core::Result<HolidayCalendar>& BundledHolidayCalendar();

}  // namespace beian::domain

#endif  // BEIAN_DOMAIN_CALENDAR_H_
