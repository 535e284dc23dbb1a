#include "beian/api/json_body.h"

#include "gtest/gtest.h"

namespace beian::api {
namespace {

Request JsonRequest(std::string body, std::string type = "application/json") {
  Request request;
  request.set_method("POST");
  request.AddHeader("Content-Type", std::move(type));
  request.set_body(std::move(body));
  return request;
}

TEST(JsonBodyTest, ParsesAndClassifiesFailures) {
  auto ok = ParseJsonBody(JsonRequest("{\"a\":1}"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->At("/a")->as_int(), 1);

  auto utf8 = ParseJsonBody(JsonRequest("\"\xc3\x28\""));
  EXPECT_EQ(utf8.status().code(), core::Code::kInvalidArgument);
  EXPECT_EQ(JsonBodyError(utf8.status()).error_code(), "invalid_utf8");

  std::string deep(core::ParseOptions{}.max_depth + 1, '[');
  deep += std::string(core::ParseOptions{}.max_depth + 1, ']');
  auto too_deep = ParseJsonBody(JsonRequest(deep));
  EXPECT_EQ(too_deep.status().code(), core::Code::kOutOfRange);
  EXPECT_EQ(JsonBodyError(too_deep.status()).error_code(), "json_too_deep");
  std::string at_limit(core::ParseOptions{}.max_depth, '[');
  at_limit += std::string(core::ParseOptions{}.max_depth, ']');
  EXPECT_TRUE(ParseJsonBody(JsonRequest(at_limit)).ok());

  std::string many = "[";
  for (size_t i = 0; i < core::ParseOptions{}.max_values; ++i) many += "{},";
  many += "{}]";
  auto too_many = ParseJsonBody(JsonRequest(many));
  EXPECT_EQ(too_many.status().code(), core::Code::kOutOfRange);
  EXPECT_EQ(JsonBodyError(too_many.status()).status(), 400);
  EXPECT_EQ(JsonBodyError(too_many.status()).error_code(), "json_too_large");

  std::string keys = "{\"data\":{";
  for (size_t i = 0; i <= core::ParseOptions{}.max_members; ++i) keys += "\"k" + std::to_string(i) + "\":0,";
  keys.back() = '}';
  keys += "}";
  auto too_many_keys = ParseJsonBody(JsonRequest(keys));
  EXPECT_EQ(too_many_keys.status().code(), core::Code::kOutOfRange);
  EXPECT_EQ(JsonBodyError(too_many_keys.status()).error_code(), "json_too_large");

  auto bad = ParseJsonBody(JsonRequest("{\"a\":1,\"a\":2}"));
  EXPECT_EQ(bad.status().code(), core::Code::kParseError);
  Response response = JsonBodyError(bad.status());
  EXPECT_EQ(response.status(), 400);
  EXPECT_EQ(response.error_code(), "malformed_json");
}

TEST(JsonBodyTest, RequireContentType) {
  EXPECT_FALSE(RequireContentType(JsonRequest("", "application/json"),
                                  "application/json"));
  EXPECT_FALSE(RequireContentType(
      JsonRequest("", "application/json ; charset=\"utf-8\""), "application/json"));
  auto wrong = RequireContentType(JsonRequest("", "application/jsonx"),
                                  "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status(), 415);
  Request none;
  EXPECT_TRUE(RequireContentType(none, "application/json"));
}

TEST(ResponseTest, ErrorBodyFormat) {
  Response plain = Response::Error(413, "body_too_large", "too big");
  EXPECT_EQ(plain.status(), 413);
  EXPECT_EQ(*plain.Header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(plain.body(),
            "{\"error\":{\"status\":413,\"code\":\"body_too_large\","
            "\"message\":\"too big\"}}");
  Response field = Response::Error(400, "bad", "m", "/data/enterprise/name");
  EXPECT_EQ(field.body(),
            "{\"error\":{\"status\":400,\"code\":\"bad\",\"message\":\"m\","
            "\"field\":\"/data/enterprise/name\"}}");
  core::Problem problem{"/data/a", "schema.required", "缺少", "missing",
                        core::Severity::kError};
  Response problems =
      Response::ErrorWithProblems(422, "validation_failed", "invalid", {problem});
  EXPECT_EQ(problems.body(),
            "{\"error\":{\"status\":422,\"code\":\"validation_failed\","
            "\"message\":\"invalid\",\"field\":\"/data/a\",\"problems\":[{"
            "\"path\":\"/data/a\",\"code\":\"schema.required\",\"message\":"
            "\"缺少\",\"message_en\":\"missing\",\"severity\":\"error\"}]}}");
}

TEST(ResponseTest, FromStatusHidesInternalDetails) {
  EXPECT_EQ(Response::FromStatus(core::NotFound("no doc")).status(), 404);
  EXPECT_EQ(Response::FromStatus(core::InvalidArgument("x")).status(), 400);
  EXPECT_EQ(Response::FromStatus(core::FailedPrecondition("x")).status(), 409);
  Response io = Response::FromStatus(core::IoError("/secret/path: EIO"));
  EXPECT_EQ(io.status(), 500);
  EXPECT_EQ(io.body().find("secret"), std::string::npos);
}

}  // namespace
}  // namespace beian::api
