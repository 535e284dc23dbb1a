#include "beian/core/civil_date.h"

#include <gtest/gtest.h>

#include <string>

namespace beian::core {
namespace {

TEST(DateTest, ParsesIsoForm) {
  Result<Date> date = Date::Parse("2026-11-27");
  ASSERT_TRUE(date.ok()) << date.status().ToString();
  EXPECT_EQ(*date, (Date{2026, 11, 27}));
}

TEST(DateTest, ParsesChineseFormWithAndWithoutLeadingZeros) {
  EXPECT_EQ(*Date::Parse("2026年11月27日"), (Date{2026, 11, 27}));
  EXPECT_EQ(*Date::Parse("2026年1月5日"), (Date{2026, 1, 5}));
  EXPECT_EQ(*Date::Parse("2026年01月05日"), (Date{2026, 1, 5}));
}

TEST(DateTest, AcceptsLeapDays) {
  EXPECT_TRUE(Date::Parse("2024-02-29").ok());
  EXPECT_TRUE(Date::Parse("2000-02-29").ok());
}

TEST(DateTest, RejectsDaysThatDoNotExist) {
  for (const char* text : {"2026-02-30", "2025-02-29", "1900-02-29",
                           "2026-04-31", "2026-13-01", "2026-00-10",
                           "2026-01-00", "2026年2月30日"}) {
    SCOPED_TRACE(text);
    Result<Date> date = Date::Parse(text);
    ASSERT_FALSE(date.ok());
    EXPECT_EQ(date.status().code(), Code::kInvalidArgument);
    EXPECT_NE(date.status().message().find("no such day"), std::string::npos);
  }
}

TEST(DateTest, RejectsOtherForms) {
  for (const char* text :
       {"", "2026-1-5", "2026/11/27", "20261127", "27.11.2026", "2026-11-27 ",
        " 2026-11-27", "2026-11-27T00:00", "2026年11月27", "2026年11月",
        "26年11月27日", "２０２６-11-27", "2026-11-2７", "2026年111月1日",
        "1899-12-31", "2200-01-01"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(Date::Parse(text).ok());
  }
}

TEST(DateTest, FormatsIsoAndChinese) {
  Date date{2026, 1, 5};
  EXPECT_EQ(date.Iso(), "2026-01-05");
  EXPECT_EQ(date.Chinese(), "2026年1月5日");
  EXPECT_EQ((Date{2026, 11, 27}).Chinese(), "2026年11月27日");
  EXPECT_EQ(*Date::Parse(date.Chinese()), date);
  EXPECT_EQ(*Date::Parse(date.Iso()), date);
}

TEST(DateTest, AddDaysCrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ((Date{2026, 11, 27}).AddDays(10), (Date{2026, 12, 7}));
  EXPECT_EQ((Date{2026, 12, 31}).AddDays(1), (Date{2027, 1, 1}));
  EXPECT_EQ((Date{2024, 2, 28}).AddDays(1), (Date{2024, 2, 29}));
  EXPECT_EQ((Date{2025, 2, 28}).AddDays(1), (Date{2025, 3, 1}));
  EXPECT_EQ((Date{2025, 3, 1}).AddDays(-1), (Date{2025, 2, 28}));
  EXPECT_EQ((Date{2026, 1, 1}).AddDays(-30), (Date{2025, 12, 2}));
  EXPECT_EQ((Date{2000, 1, 1}).AddDays(366), (Date{2001, 1, 1}));
}

TEST(DateTest, DaysUntilCountsSignedDays) {
  EXPECT_EQ((Date{2026, 11, 1}).DaysUntil(Date{2026, 11, 7}), 6);
  EXPECT_EQ((Date{2026, 11, 7}).DaysUntil(Date{2026, 11, 1}), -6);
  EXPECT_EQ((Date{2025, 1, 1}).DaysUntil(Date{2026, 1, 1}), 365);
  EXPECT_EQ((Date{2024, 1, 1}).DaysUntil(Date{2025, 1, 1}), 366);
  EXPECT_EQ((Date{2026, 5, 5}).DaysUntil(Date{2026, 5, 5}), 0);
}

TEST(DateTest, WeekdayIsIso) {
  EXPECT_EQ((Date{1970, 1, 1}).Weekday(), 4);    // Thursday
  EXPECT_EQ((Date{2025, 10, 1}).Weekday(), 3);   // Wednesday
  EXPECT_EQ((Date{2025, 9, 28}).Weekday(), 7);   // Sunday
  EXPECT_EQ((Date{2025, 10, 11}).Weekday(), 6);  // Saturday
  EXPECT_EQ((Date{2026, 11, 27}).Weekday(), 5);  // Friday
  EXPECT_EQ((Date{2026, 2, 16}).Weekday(), 1);   // Monday (除夕)
  EXPECT_EQ((Date{1900, 1, 1}).Weekday(), 1);    // Monday
}

TEST(DateTest, Compares) {
  Date a{2026, 2, 28}, b{2026, 3, 1};
  EXPECT_TRUE(a < b);
  EXPECT_TRUE(a <= b);
  EXPECT_TRUE(b > a);
  EXPECT_TRUE(b >= a);
  EXPECT_TRUE(a != b);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a <= a);
  EXPECT_TRUE((Date{2025, 12, 31}) < (Date{2026, 1, 1}));
}

TEST(DateTest, IsValidKnowsMonthLengths) {
  EXPECT_TRUE(Date::IsValid(2026, 1, 31));
  EXPECT_FALSE(Date::IsValid(2026, 6, 31));
  EXPECT_TRUE(Date::IsValid(2400, 2, 29));
  EXPECT_FALSE(Date::IsValid(2100, 2, 29));
}

TEST(DateTest, DaysInMonthCountsLeapFebruaries) {
  EXPECT_EQ(Date::DaysInMonth(2026, 1), 31);
  EXPECT_EQ(Date::DaysInMonth(2026, 4), 30);
  EXPECT_EQ(Date::DaysInMonth(2026, 2), 28);
  EXPECT_EQ(Date::DaysInMonth(2024, 2), 29);
  EXPECT_EQ(Date::DaysInMonth(2000, 2), 29);
  EXPECT_EQ(Date::DaysInMonth(1900, 2), 28);
  EXPECT_EQ(Date::DaysInMonth(2026, 0), 0);
  EXPECT_EQ(Date::DaysInMonth(2026, 13), 0);
}

TEST(DateTest, ParseDateSaysWhatIsWrong) {
  Date date{2000, 1, 1};
  EXPECT_EQ(ParseDate("2026/11/27", &date), DateFault::kForm);
  EXPECT_EQ(ParseDate("1899-12-31", &date), DateFault::kYearRange);
  EXPECT_EQ(ParseDate("2200年1月1日", &date), DateFault::kYearRange);
  EXPECT_EQ(ParseDate("2026-02-29", &date), DateFault::kNoSuchDay);
  EXPECT_EQ(ParseDate("2026年13月1日", &date), DateFault::kNoSuchDay);
  EXPECT_EQ(date, (Date{2000, 1, 1}));
  EXPECT_EQ(ParseDate("2026年2月28日", &date), DateFault::kNone);
  EXPECT_EQ(date, (Date{2026, 2, 28}));
}

}  // namespace
}  // namespace beian::core
