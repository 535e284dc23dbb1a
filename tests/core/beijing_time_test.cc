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

}  // namespace
}  // namespace beian::core
