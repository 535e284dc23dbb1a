#include "beian/core/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "beian/core/problem.h"

namespace beian::core {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), Code::kOk);
  EXPECT_EQ(status.message(), "");
  EXPECT_EQ(status.ToString(), "ok");
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(StatusTest, FactoriesSetCodeAndMessage) {
  EXPECT_EQ(InvalidArgument("a").code(), Code::kInvalidArgument);
  EXPECT_EQ(NotFound("a").code(), Code::kNotFound);
  EXPECT_EQ(ParseError("a").code(), Code::kParseError);
  EXPECT_EQ(FailedPrecondition("a").code(), Code::kFailedPrecondition);
  EXPECT_EQ(OutOfRange("a").code(), Code::kOutOfRange);
  EXPECT_EQ(PermissionDenied("a").code(), Code::kPermissionDenied);
  EXPECT_EQ(AlreadyExists("a").code(), Code::kAlreadyExists);
  EXPECT_EQ(PermissionDenied("a").ToString(), "permission denied: a");
  EXPECT_EQ(AlreadyExists("a").ToString(), "already exists: a");
  EXPECT_EQ(IoError("a").code(), Code::kIoError);
  EXPECT_EQ(Internal("a").code(), Code::kInternal);
  Status status = NotFound("no such template");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "no such template");
}

TEST(StatusTest, ToStringNamesTheCode) {
  EXPECT_EQ(InvalidArgument("bad date").ToString(),
            "invalid argument: bad date");
  EXPECT_EQ(NotFound("x").ToString(), "not found: x");
  EXPECT_EQ(ParseError("x").ToString(), "parse error: x");
  EXPECT_EQ(FailedPrecondition("x").ToString(), "failed precondition: x");
  EXPECT_EQ(OutOfRange("x").ToString(), "out of range: x");
  EXPECT_EQ(IoError("x").ToString(), "io error: x");
  EXPECT_EQ(Internal("x").ToString(), "internal: x");
}

TEST(StatusTest, Equality) {
  EXPECT_EQ(NotFound("a"), NotFound("a"));
  EXPECT_NE(NotFound("a"), NotFound("b"));
  EXPECT_NE(NotFound("a"), Internal("a"));
}

TEST(ResultTest, HoldsValue) {
  Result<std::string> result(std::string("hello"));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.status().ok());
  EXPECT_EQ(result.value(), "hello");
  EXPECT_EQ(*result, "hello");
  EXPECT_EQ(result->size(), 5u);
  result.value() += "!";
  EXPECT_EQ(*result, "hello!");
  std::string moved = std::move(result).value();
  EXPECT_EQ(moved, "hello!");
}

TEST(ResultTest, ConvertsFromConstructibleValue) {
  Result<std::string> result = "literal";
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, "literal");
}

TEST(ResultTest, HoldsError) {
  Result<int> result = NotFound("missing");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kNotFound);
  EXPECT_EQ(result.status().message(), "missing");
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> result{Status::Ok()};
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), Code::kInternal);
}

TEST(ResultTest, MoveOnlyValue) {
  Result<std::unique_ptr<int>> result(std::make_unique<int>(7));
  ASSERT_TRUE(result.ok());
  std::unique_ptr<int> owned = std::move(result).value();
  EXPECT_EQ(*owned, 7);
}

TEST(ResultDeathTest, AccessWithoutValueAborts) {
  Result<int> result = Internal("boom");
  EXPECT_DEATH((void)result.value(), "boom");
}

Status FailIfNegative(int x) {
  if (x < 0) return OutOfRange("negative");
  return Status::Ok();
}

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd");
  return x / 2;
}

Status UseReturnIfError(int x, int* calls) {
  BEIAN_RETURN_IF_ERROR(FailIfNegative(x));
  ++*calls;
  return Status::Ok();
}

Result<int> Quarter(int x) {
  BEIAN_ASSIGN_OR_RETURN(auto half, Half(x));
  int quarter = 0;
  BEIAN_ASSIGN_OR_RETURN(quarter, Half(half));
  return quarter;
}

TEST(StatusMacroTest, ReturnIfError) {
  int calls = 0;
  EXPECT_TRUE(UseReturnIfError(1, &calls).ok());
  EXPECT_EQ(calls, 1);
  Status status = UseReturnIfError(-1, &calls);
  EXPECT_EQ(status.code(), Code::kOutOfRange);
  EXPECT_EQ(calls, 1);
}

TEST(StatusMacroTest, AssignOrReturn) {
  Result<int> ok = Quarter(8);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 2);
  Result<int> first_fails = Quarter(3);
  EXPECT_EQ(first_fails.status(), InvalidArgument("odd"));
  Result<int> second_fails = Quarter(6);
  EXPECT_EQ(second_fails.status(), InvalidArgument("odd"));
}

TEST(ProblemTest, FormatProblem) {
  Problem problem{"/enterprise/name", "schema.required", "缺少必填项 name",
                  "missing required field name", Severity::kError};
  EXPECT_EQ(FormatProblem(problem),
            "/enterprise/name [schema.required] missing required field name "
            "(缺少必填项 name)");
  problem.path = "";
  EXPECT_EQ(FormatProblem(problem).substr(0, 2), "/ ");
}

TEST(ProblemTest, HasError) {
  std::vector<Problem> problems;
  EXPECT_FALSE(HasError(problems));
  Problem warning;
  warning.severity = Severity::kWarning;
  problems.push_back(warning);
  EXPECT_FALSE(HasError(problems));
  problems.push_back(Problem{});
  EXPECT_TRUE(HasError(problems));
}

}  // namespace
}  // namespace beian::core
