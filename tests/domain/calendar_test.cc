#include "beian/domain/calendar.h"

#include <gtest/gtest.h>

#include <string>

#include "beian/core/json.h"
#include "sample_documents.h"

namespace beian::domain {
namespace {

using testing::Calendar;
using testing::Parse;

Date D(const char* iso) { return *Date::Parse(iso); }

bool Working(const char* iso) {
  core::Result<bool> working = Calendar().IsWorkingDay(D(iso));
  EXPECT_TRUE(working.ok()) << iso << ": " << working.status().ToString();
  return working.ok() && *working;
}

TEST(HolidayCalendarTest, BundledCalendarCovers2025And2026Only) {
  const HolidayCalendar& calendar = Calendar();
  EXPECT_TRUE(calendar.Covers(2025));
  EXPECT_TRUE(calendar.Covers(2026));
  EXPECT_FALSE(calendar.Covers(2024));
  EXPECT_FALSE(calendar.Covers(2027));
  EXPECT_FALSE(calendar.Covers(2030));
  EXPECT_EQ(calendar.Years(), (std::vector<int>{2025, 2026}));
}

TEST(HolidayCalendarTest, NationalDay2025IsOffFromOctober1To8) {
  for (int day = 1; day <= 8; ++day) {
    Date date{2025, 10, day};
    SCOPED_TRACE(date.Iso());
    EXPECT_FALSE(Working(date.Iso().c_str()));
  }
  EXPECT_TRUE(Working("2025-09-30"));
  EXPECT_TRUE(Working("2025-10-09"));
}

TEST(HolidayCalendarTest, MakeUpWeekendsAreWorkingDays) {
  EXPECT_TRUE(Working("2025-09-28"));  // Sunday
  EXPECT_TRUE(Working("2025-10-11"));  // Saturday
  EXPECT_FALSE(Working("2025-10-12"));  // an ordinary Sunday
  EXPECT_FALSE(Working("2025-09-27"));  // an ordinary Saturday
}

// Every day the two State Council notices name, against an independent
// transcription of the notices.
TEST(HolidayCalendarTest, MatchesTheStateCouncilNotices) {
  struct Range {
    const char* from;
    const char* to;
  };
  const Range holidays[] = {
      // 国办发明电〔2024〕12号
      {"2025-01-01", "2025-01-01"}, {"2025-01-28", "2025-02-04"},
      {"2025-04-04", "2025-04-06"}, {"2025-05-01", "2025-05-05"},
      {"2025-05-31", "2025-06-02"}, {"2025-10-01", "2025-10-08"},
      // 国办发明电〔2025〕7号
      {"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"},
      {"2026-04-04", "2026-04-06"}, {"2026-05-01", "2026-05-05"},
      {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"},
      {"2026-10-01", "2026-10-07"}};
  for (const Range& range : holidays) {
    for (Date d = D(range.from); d <= D(range.to); d = d.AddDays(1)) {
      SCOPED_TRACE(d.Iso());
      EXPECT_FALSE(*Calendar().IsWorkingDay(d));
    }
  }
  for (const char* day : {"2025-01-26", "2025-02-08", "2025-04-27",
                          "2025-09-28", "2025-10-11", "2026-01-04",
                          "2026-02-14", "2026-02-28", "2026-05-09",
                          "2026-09-20", "2026-10-10"}) {
    SCOPED_TRACE(day);
    EXPECT_TRUE(Working(day));
  }
  // With 13 statutory holidays, each year has 248 working days.
  for (int year : {2025, 2026}) {
    int count = 0;
    for (Date d{year, 1, 1}; d.year == year; d = d.AddDays(1)) {
      count += *Calendar().IsWorkingDay(d) ? 1 : 0;
    }
    EXPECT_EQ(count, 248) << year;
  }
}

TEST(HolidayCalendarTest, AddWorkingDaysAcrossNationalDay) {
  // 10-01..08 off, 10-11 (Saturday) worked.
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2025-09-30"), 10), D("2025-10-21"));
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2026-09-30"), 10), D("2026-10-20"));
}

TEST(HolidayCalendarTest, WorkingDaysUntilCountsBothWaysAcrossNationalDay) {
  EXPECT_EQ(*Calendar().WorkingDaysUntil(D("2025-09-30"), D("2025-10-21")), 10);
  EXPECT_EQ(*Calendar().WorkingDaysUntil(D("2025-10-21"), D("2025-09-30")), -10);
  EXPECT_EQ(*Calendar().WorkingDaysUntil(D("2025-10-21"), D("2025-10-21")), 0);
  // A Saturday to the next Monday: one working day.
  EXPECT_EQ(*Calendar().WorkingDaysUntil(D("2026-12-05"), D("2026-12-07")), 1);
  EXPECT_EQ(Calendar().WorkingDaysUntil(D("2026-12-28"), D("2027-01-12")).status().code(),
            core::Code::kOutOfRange);
}

TEST(HolidayCalendarTest, AddWorkingDaysAcrossSpringFestival) {
  // 2026: 02-14 (Saturday) worked, 02-15..23 off, 02-28 (Saturday) worked.
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2026-02-13"), 10), D("2026-03-05"));
  // 2025: 01-26 (Sunday) worked, 01-28..02-04 off, 02-08 (Saturday) worked.
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2025-01-24"), 10), D("2025-02-13"));
}

TEST(HolidayCalendarTest, AddWorkingDaysAcrossTheNewYear) {
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2025-12-26"), 10), D("2026-01-12"));
}

TEST(HolidayCalendarTest, AddWorkingDaysDoesNotCountTheStartDay) {
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2026-11-27"), 1), D("2026-11-30"));
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2026-11-28"), 1), D("2026-11-30"));
  EXPECT_EQ(*Calendar().AddWorkingDays(D("2026-11-27"), 0), D("2026-11-27"));
}

TEST(HolidayCalendarTest, YearsOutsideTheCalendarAreErrors) {
  core::Result<bool> working = Calendar().IsWorkingDay(D("2030-03-01"));
  ASSERT_FALSE(working.ok());
  EXPECT_EQ(working.status().code(), core::Code::kOutOfRange);
  EXPECT_NE(working.status().message().find("2030"), std::string::npos);

  core::Result<Date> after = Calendar().AddWorkingDays(D("2030-03-01"), 10);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), core::Code::kOutOfRange);

  // Starts inside, ends in 2027, which is not published: an error, not a
  // guess.
  EXPECT_TRUE(Calendar().AddWorkingDays(D("2026-12-17"), 10).ok());
  core::Result<Date> into_2027 =
      Calendar().AddWorkingDays(D("2026-12-18"), 10);
  ASSERT_FALSE(into_2027.ok());
  EXPECT_EQ(into_2027.status().code(), core::Code::kOutOfRange);

  EXPECT_EQ(Calendar().IsWorkingDay(D("2024-12-31")).status().code(),
            core::Code::kOutOfRange);
}

TEST(HolidayCalendarTest, NegativeCountIsInvalid) {
  EXPECT_EQ(Calendar().AddWorkingDays(D("2026-11-27"), -1).status().code(),
            core::Code::kInvalidArgument);
}

TEST(HolidayCalendarTest, ParsesAMinimalCalendar) {
  core::Result<HolidayCalendar> calendar = HolidayCalendar::Parse(Parse(R"({
    "years": [{"year": 2025, "notice": "国办发明电〔2024〕12号",
      "holidays": [{"name": "元旦", "from": "2025-01-01", "to": "2025-01-01"},
                   {"name": "春节", "from": "2025-01-28", "to": "2025-02-04"},
                   {"name": "清明节", "from": "2025-04-04", "to": "2025-04-06"},
                   {"name": "劳动节", "from": "2025-05-01", "to": "2025-05-05"},
                   {"name": "端午节", "from": "2025-05-31", "to": "2025-06-02"},
                   {"name": "国庆节、中秋节", "from": "2025-10-01", "to": "2025-10-08"}],
      "working_days": [{"date": "2025-01-26", "for": "春节"}]}]})"));
  ASSERT_TRUE(calendar.ok()) << calendar.status().ToString();
  EXPECT_FALSE(*calendar->IsWorkingDay(D("2025-01-01")));
  EXPECT_TRUE(*calendar->IsWorkingDay(D("2025-01-02")));
  ASSERT_EQ(calendar->years().size(), 1u);
  EXPECT_EQ(calendar->years()[0].holidays.size(), 6u);
  EXPECT_EQ(calendar->years()[0].working_days[0].for_, "春节");
}

TEST(HolidayCalendarTest, RejectsMalformedCalendars) {
  struct Case {
    const char* name;
    const char* json;
    const char* says;
  };
  const Case cases[] = {
      {"no years", R"({})", "/years"},
      {"uncited notice",
       R"({"years": [{"year": 2025, "holidays": [], "working_days": []}]})",
       "/years/0/notice"},
      {"year twice",
       R"({"years": [
         {"year": 2025, "notice": "n", "holidays": [], "working_days": []},
         {"year": 2025, "notice": "n", "holidays": [], "working_days": []}]})",
       "listed twice"},
      {"bad date",
       R"({"years": [{"year": 2025, "notice": "n", "working_days": [],
         "holidays": [{"from": "2025-02-30", "to": "2025-03-01"}]}]})",
       "/years/0/holidays/0/from"},
      {"reversed range",
       R"({"years": [{"year": 2025, "notice": "n", "working_days": [],
         "holidays": [{"from": "2025-10-08", "to": "2025-10-01"}]}]})",
       "/years/0/holidays/0"},
      {"make-up day on a weekday",
       R"({"years": [{"year": 2025, "notice": "n", "holidays": [],
         "working_days": [{"date": "2025-10-09"}]}]})",
       "not a Saturday or Sunday"},
      {"both off and worked",
       R"({"years": [{"year": 2025, "notice": "n",
         "holidays": [{"from": "2025-10-11", "to": "2025-10-11"}],
         "working_days": [{"date": "2025-10-11"}]}]})",
       "both"},
      {"a festival missing",
       R"({"years": [{"year": 2027, "notice": "n", "working_days": [],
         "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
                      {"name": "春节", "from": "2027-02-05", "to": "2027-02-11"}]}]})",
       "2027 is incomplete: no 清明 among its holidays at /years/0/holidays"},
      {"a holiday of another year",
       R"({"years": [{"year": 2027, "notice": "n", "working_days": [],
         "holidays": [{"name": "元旦", "from": "2026-01-01", "to": "2026-01-03"}]}]})",
       "is not in 2027 at /years/0/holidays/0"},
      {"a make-up day of another year",
       R"({"years": [{"year": 2027, "notice": "n", "holidays": [],
         "working_days": [{"date": "2029-01-06"}]}]})",
       "is not in 2027 at /years/0/working_days/0"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    core::Result<HolidayCalendar> calendar =
        HolidayCalendar::Parse(Parse(c.json));
    ASSERT_FALSE(calendar.ok());
    EXPECT_EQ(calendar.status().code(), core::Code::kInvalidArgument);
    EXPECT_NE(calendar.status().message().find(c.says), std::string::npos)
        << calendar.status().message();
  }
}

}  // namespace
}  // namespace beian::domain
