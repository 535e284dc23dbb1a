// One Range of GET /v1/documents/{id}/pdf.

#include "byte_range.h"

#include <optional>
#include <utility>

#include "gtest/gtest.h"

namespace beian::api::internal {
namespace {

using Span = std::optional<std::pair<int64_t, int64_t>>;

TEST(ByteRangeTest, TheThreeFormsOfOneRange) {
  EXPECT_EQ(ParseRange("bytes=0-499", 1000), Span({0, 499}));
  EXPECT_EQ(ParseRange("bytes=500-", 1000), Span({500, 999}));
  EXPECT_EQ(ParseRange("bytes=-200", 1000), Span({800, 999}));
  EXPECT_EQ(ParseRange("bytes=-2000", 1000), Span({0, 999}));
  EXPECT_EQ(ParseRange("bytes=990-5000", 1000), Span({990, 999}));
  EXPECT_EQ(ParseRange("bytes=007-010", 1000), Span({7, 10}));
}

TEST(ByteRangeTest, RefusesRangesOutsideOrOtherThanOne) {
  EXPECT_EQ(ParseRange("bytes=1000-", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=9-1", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=-0", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=0-1,5-9", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("items=0-1", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=0-0", 0), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=-", 1000), std::nullopt);
}

// Found by fuzzing: a malformed number was taken for a missing one, so "bytes=q9-1" was served as
// the suffix range "bytes=-1" and "bytes=5-x" as "bytes=5-".
TEST(ByteRangeTest, MalformedNumberIsNotAMissingOne) {
  EXPECT_EQ(ParseRange("bytes=q9-1", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=5-x", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes= 5-9", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=5-9 ", 1000), std::nullopt);
  EXPECT_EQ(ParseRange("bytes=1234567890123456789-", 1000), std::nullopt);
}

}  // namespace
}  // namespace beian::api::internal
