#include "beian/core/beijing_time.h"

#include <gtest/gtest.h>

namespace beian::core {
namespace {

TEST(BeijingTime, AcceptsTheArchivesForm) {
  EXPECT_TRUE(IsBeijingTime("2026-11-27T10:00:00+08:00"));
  EXPECT_TRUE(IsBeijingTime("2026-11-27T23:59:60+08:00"));  // a leap second
  EXPECT_TRUE(IsBeijingTime("2026-11-27T10:00:00.5+08:00"));
  EXPECT_TRUE(IsBeijingTime("2026-11-27T10:00:00.123456789+08:00"));
  EXPECT_TRUE(IsBeijingTime("2024-02-29T00:00:00+08:00"));
  EXPECT_TRUE(IsBeijingTime("2000-02-29T00:00:00+08:00"));
}

TEST(BeijingTime, RefusesOtherOffsetsFormsAndDays) {
  for (const char* t :
       {"", "2026-11-27", "2026-11-27T10:00:00", "2026-11-27T10:00:00Z",
        "2026-11-27T10:00:00+00:00", "2026-11-27 10:00:00+08:00",
        "2026-11-27T10:00+08:00", "2026-11-27T10:00:00.+08:00",
        "2026-11-27T10:00:00.1234567890+08:00", "2026-02-29T00:00:00+08:00",
        "1900-02-29T00:00:00+08:00", "2026-04-31T00:00:00+08:00",
        "2026-13-01T00:00:00+08:00", "2026-11-00T00:00:00+08:00",
        "2026-11-27T24:00:00+08:00", "2026-11-27T10:60:00+08:00",
        "1899-12-31T10:00:00+08:00", "2026-11-27T10:00:00+08:00 ",
        "２026-11-27T10:00:00+08:00"}) {
    EXPECT_FALSE(IsBeijingTime(t)) << t;
  }
}

TEST(BeijingTimeTest, AddSecondsCrossesDaysMonthsAndYears) {
  EXPECT_EQ(*AddSeconds("2026-11-27T10:00:00+08:00", -600), "2026-11-27T09:50:00+08:00");
  EXPECT_EQ(*AddSeconds("2026-03-01T00:05:00+08:00", -600), "2026-02-28T23:55:00+08:00");
  EXPECT_EQ(*AddSeconds("2024-03-01T00:05:00.25+08:00", -600), "2024-02-29T23:55:00+08:00");
  EXPECT_EQ(*AddSeconds("2026-12-31T23:59:30+08:00", 45), "2027-01-01T00:00:15+08:00");
  EXPECT_EQ(*AddSeconds("2026-11-27T10:00:00+08:00", 3 * 86400), "2026-11-30T10:00:00+08:00");
  EXPECT_FALSE(AddSeconds("2026-11-27T10:00:00Z", 1).ok());
}

TEST(BeijingTimeTest, SecondsBetweenCountsAcrossDaysAndBothWays) {
  EXPECT_EQ(*SecondsBetween("2026-12-31T23:59:30+08:00", "2027-01-01T00:00:15+08:00"), 45);
  EXPECT_EQ(*SecondsBetween("2027-01-01T00:00:15+08:00", "2026-12-31T23:59:30+08:00"), -45);
  EXPECT_EQ(*SecondsBetween("2024-02-28T10:00:00+08:00", "2024-03-01T10:00:00.5+08:00"), 2 * 86400);
  EXPECT_FALSE(SecondsBetween("2026-11-27T10:00:00Z", "2026-11-27T10:00:00+08:00").ok());
}

}  // namespace
}  // namespace beian::core
