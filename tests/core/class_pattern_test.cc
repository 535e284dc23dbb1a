// ClassPattern against std::regex: the same answer for every pattern it takes,
// on strings built to sit at the edges of each count.
#include "class_pattern.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

namespace beian::core {
namespace {

TEST(ClassPattern, TakesTheSchemasPatterns) {
  for (const char* p :
       {"^[0-9]{17}[0-9X]$", "^[0-9A-HJ-NPQRTUWXY]{18}$",
        "^[0-9+][0-9 ()-]{4,24}$", "^[0-9A-Z][0-9A-Z-]{3,39}$", "^\\d+$",
        "^a?b*c+d{2,}e{1,3}?$", "^[\\-\\]a]{2}$", "^x\\.y$"}) {
    EXPECT_TRUE(ClassPattern::Compile(p).has_value()) << p;
  }
}

TEST(ClassPattern, LeavesOtherPatternsToStdRegex) {
  for (const char* p : {"[0-9]+", "^[0-9]+", "^a|b$", "^(ab)+$", "^.+$",
                        "^[^0-9]$", "^\\w+$", "^a{2}{3}$", "^[a-]$x",
                        "^[[:digit:]]$", "^中$", "^a{3,1}$", "^[z-a]$",
                        "^a\\$"}) {
    EXPECT_FALSE(ClassPattern::Compile(p).has_value()) << p;
  }
}

TEST(ClassPattern, AgreesWithStdRegex) {
  // Each pattern with the characters its classes take, and a few others.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"^[0-9]{17}[0-9X]$", "0123456789X"},
      {"^[0-9A-HJ-NPQRTUWXY]{18}$", "0123456789AHJNPY"},
      {"^[0-9+][0-9 ()-]{4,24}$", "0123456789+ ()-"},
      {"^[0-9A-Z][0-9A-Z-]{3,39}$", "09AZ-"},
      {"^a?[ab]*[abc]+[a-d]{2,}[a-e]{1,3}$", "abcde"},
      {"^[ab]{1,3}[bc]{2}b?$", "abc"},
      {"^\\d{2,4}-?\\d*$", "0123456789-"},
      {"^x*?y+?$", "xy"},
  };
  const std::string others = "IOZfgh.*[]{}\xe4\xb8\xad\n";
  std::mt19937 rng(20261127);
  for (const auto& [p, inside] : cases) {
    SCOPED_TRACE(p);
    const std::optional<ClassPattern> fast = ClassPattern::Compile(p);
    ASSERT_TRUE(fast.has_value());
    const std::regex slow(p, std::regex::ECMAScript);
    int matched = 0;
    for (int i = 0; i < 4000; ++i) {
      std::string text;
      const size_t length = i % 2 == 0 ? 15 + rng() % 6 : rng() % 45;
      for (size_t k = 0; k < length; ++k) {
        text += rng() % 40 == 0 ? others[rng() % others.size()]
                                : inside[rng() % inside.size()];
      }
      const bool expected = std::regex_search(text, slow);
      EXPECT_EQ(fast->Matches(text), expected) << "\"" << text << "\"";
      matched += expected;
    }
    EXPECT_EQ(fast->Matches(""), std::regex_search(std::string(), slow));
    EXPECT_GT(matched, 20);  // both answers were exercised
  }
  const std::optional<ClassPattern> id = ClassPattern::Compile("^[0-9]{17}[0-9X]$");
  EXPECT_TRUE(id->Matches("11010519491231002X"));
  EXPECT_FALSE(id->Matches("11010519491231002x"));
  EXPECT_FALSE(id->Matches("11010519491231002X\n"));
  EXPECT_FALSE(id->Matches("1101051949123100"));
}

}  // namespace
}  // namespace beian::core
