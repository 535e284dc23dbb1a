// The facet terms behind filtered and credit-code searches: the period
// covering a date range, and the terms a document is indexed with.
#include "search_terms.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "beian/archive/text_index.h"

namespace beian::archive {
namespace {

std::string Month(const char* yyyy_mm) { return FacetTerm("month", yyyy_mm); }
std::string Year(const char* yyyy) { return FacetTerm("year", yyyy); }

using Terms = std::vector<std::string>;

constexpr char kFirst[] = "2019-01-05T08:00:00+08:00";
constexpr char kLast[] = "2026-11-27T17:00:00+08:00";

TEST(PeriodTerms, ShortRangesAreTheirMonths) {
  EXPECT_EQ(PeriodTerms("2026-03-05", "2026-03-10", kFirst, kLast),
            (Terms{Month("2026-03")}));
  // An exclusive bound on the first of a month leaves that month out.
  EXPECT_EQ(PeriodTerms("2026-03-01", "2026-05-01", kFirst, kLast),
            (Terms{Month("2026-03"), Month("2026-04")}));
  EXPECT_EQ(PeriodTerms("2026-03-01", "2026-05-01T00:00:00+08:00", kFirst,
                        kLast),
            (Terms{Month("2026-03"), Month("2026-04")}));
  EXPECT_EQ(PeriodTerms("2026-03-01", "2026-05-01T00:00:01+08:00", kFirst,
                        kLast),
            (Terms{Month("2026-03"), Month("2026-04"), Month("2026-05")}));
  EXPECT_EQ(PeriodTerms("2025-12-31", "2026-01-02", kFirst, kLast),
            (Terms{Month("2025-12"), Month("2026-01")}));
}

TEST(PeriodTerms, LongRangesUseWholeYears) {
  EXPECT_EQ(PeriodTerms("2020-11-15", "2023-02-01", kFirst, kLast),
            (Terms{Month("2020-11"), Month("2020-12"), Month("2023-01"),
                   Year("2021"), Year("2022")}));
  EXPECT_EQ(PeriodTerms("2020-01-01", "2023-01-01", kFirst, kLast),
            (Terms{Year("2020"), Year("2021"), Year("2022")}));
}

TEST(PeriodTerms, OpenBoundsStopAtTheCatalog) {
  EXPECT_EQ(PeriodTerms("2026-10-20", "", kFirst, kLast),
            (Terms{Month("2026-10"), Month("2026-11")}));
  EXPECT_EQ(PeriodTerms("", "2019-03-01", kFirst, kLast),
            (Terms{Month("2019-01"), Month("2019-02")}));
  EXPECT_EQ(PeriodTerms("2000-01-01", "2099-01-01", kFirst, kLast),
            PeriodTerms("", "", kFirst, kLast));
}

TEST(PeriodTerms, RangesOutsideTheCatalogAreEmpty) {
  EXPECT_EQ(PeriodTerms("2027-01-01", "", kFirst, kLast), Terms{});
  EXPECT_EQ(PeriodTerms("", "2019-01-01", kFirst, kLast), Terms{});
  EXPECT_EQ(PeriodTerms("2026-05-01", "2026-04-01", kFirst, kLast), Terms{});
}

TEST(PeriodTerms, NoCoveringWithoutAMonthToStartFrom) {
  EXPECT_EQ(PeriodTerms("2026", "", kFirst, kLast), std::nullopt);
  EXPECT_EQ(PeriodTerms("", "yesterday", kFirst, kLast), std::nullopt);
  EXPECT_EQ(PeriodTerms("2026-13-01", "", kFirst, kLast), std::nullopt);
  EXPECT_EQ(PeriodTerms("2026-01-01", "", "", ""), std::nullopt);  // empty
}

TEST(DocumentSearchTerms, HoldPeriodAndShortCreditCodePrefixes) {
  const std::string terms = DocumentSearchTerms(SearchFields{
      "contract-filing", "朝阳区", "2026-03-05T10:00:00+08:00",
      "91110105MA01234567", "北京朝阳物业管理有限公司", "望京花园"});
  auto has = [&](const std::string& term) {
    return (" " + terms + " ").find(" " + term + " ") != std::string::npos;
  };
  EXPECT_TRUE(has("朝阳"));
  EXPECT_TRUE(has(FacetTerm("district", "朝阳区")));
  EXPECT_TRUE(has(FacetTerm("kind", "contract-filing")));
  EXPECT_TRUE(has(Year("2026")));
  EXPECT_TRUE(has(Month("2026-03")));
  for (const char* prefix : {"911101", "9111010", "91110105", "91110105M"}) {
    EXPECT_TRUE(has(CreditCodePrefixTerm(prefix))) << prefix;
  }
  EXPECT_FALSE(has(CreditCodePrefixTerm("91110")));
  EXPECT_FALSE(has(CreditCodePrefixTerm("91110105MA")));
}

}  // namespace
}  // namespace beian::archive
