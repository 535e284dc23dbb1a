#include "beian/core/problem.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace beian::core {
namespace {

std::vector<Problem> Numbered(size_t n, Severity severity = Severity::kError) {
  std::vector<Problem> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back({"/staff/" + std::to_string(i), "schema.required", "缺少",
                   "missing", severity});
  }
  return out;
}

TEST(ProblemTest, ListAtMostKeepsTheFirstAndCountsTheRest) {
  std::vector<Problem> problems = Numbered(250);
  ListAtMost(problems, kMaxListedProblems);
  ASSERT_EQ(problems.size(), 201u);
  EXPECT_EQ(problems[199].path, "/staff/199");
  const Problem& more = problems.back();
  EXPECT_EQ(more.code, "problems.more");
  EXPECT_EQ(more.path, "");
  EXPECT_EQ(more.count, 50u);
  EXPECT_EQ(more.severity, Severity::kError);
  EXPECT_EQ(more.message, "还有 50 个问题未列出（只列出前 200 个）");
  EXPECT_EQ(more.message_en,
            "50 more problems not listed (only the first 200 are)");
  const Json json = ProblemJson(more);
  EXPECT_EQ(json.Find("count")->as_int(), 50);
  EXPECT_EQ(ProblemJson(problems[0]).Find("count"), nullptr);
  EXPECT_EQ(ProblemTotal(problems), 250u);
}

TEST(ProblemTest, ListAtMostAddsWhatWasNeverListed) {
  std::vector<Problem> problems = Numbered(10);
  ListAtMost(problems, 200, 7);
  ASSERT_EQ(problems.size(), 11u);
  EXPECT_EQ(problems.back().count, 7u);
  EXPECT_EQ(problems.back().message, "还有 7 个问题未列出（只列出前 10 个）");
  std::vector<Problem> few = Numbered(200);
  ListAtMost(few, 200);
  EXPECT_EQ(few.size(), 200u);
  std::vector<Problem> one = Numbered(201);
  ListAtMost(one, 200);
  EXPECT_EQ(one.back().message_en,
            "1 more problem not listed (only the first 200 are)");
}

TEST(ProblemTest, MoreProblemsIsAWarningWhenEveryOmittedOneIs) {
  std::vector<Problem> problems = Numbered(3, Severity::kWarning);
  ListAtMost(problems, 1);
  EXPECT_EQ(problems.back().severity, Severity::kWarning);
  EXPECT_FALSE(HasError(problems));
  std::vector<Problem> mixed = Numbered(3, Severity::kWarning);
  mixed[2].severity = Severity::kError;
  ListAtMost(mixed, 1);
  EXPECT_TRUE(HasError(mixed));
}

}  // namespace
}  // namespace beian::core
