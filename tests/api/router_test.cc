#include "beian/api/router.h"

#include "gtest/gtest.h"

namespace beian::api {
namespace {

Handler Named(std::string name) {
  return [name](const Request&) { return Response::Text(200, name); };
}

std::string Call(const RouteMatch& match) {
  return match.handler ? (*match.handler)(Request()).body() : "";
}

TEST(RouterTest, MatchesLiteralAndParamSegments) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/v1/documents/{id}/pdf", Named("pdf"), "pdf").ok());
  ASSERT_TRUE(router.Add("GET", "/v1/documents/{id}", Named("doc")).ok());
  RouteMatch m = router.Match("GET", "/v1/documents/a%20b/pdf");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(Call(m), "pdf");
  EXPECT_EQ(m.route, "pdf");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "a b");
  RouteMatch doc = router.Match("GET", "/v1/documents/x");
  EXPECT_EQ(Call(doc), "doc");
  EXPECT_EQ(doc.route, "/v1/documents/{id}");  // defaults to the pattern
}

TEST(RouterTest, LiteralBeatsParam) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/v1/documents/{id}", Named("param")).ok());
  ASSERT_TRUE(router.Add("GET", "/v1/documents/search", Named("literal")).ok());
  EXPECT_EQ(Call(router.Match("GET", "/v1/documents/search")), "literal");
  EXPECT_EQ(Call(router.Match("GET", "/v1/documents/other")), "param");
}

TEST(RouterTest, NotFoundAndMethodNotAllowed) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/v1/x/{id}", Named("get")).ok());
  ASSERT_TRUE(router.Add("PUT", "/v1/x/{id}", Named("put")).ok());
  RouteMatch missing = router.Match("GET", "/v1/y/1");
  EXPECT_EQ(missing.kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(missing.route, "unmatched");
  EXPECT_EQ(router.Match("GET", "/v1/x/1/extra").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match("GET", "/v1/x/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match("GET", "v1/x/1").kind, RouteMatch::Kind::kNotFound);
  RouteMatch wrong = router.Match("POST", "/v1/x/1");
  EXPECT_EQ(wrong.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(wrong.allow, "GET, HEAD, PUT");
  EXPECT_EQ(Call(router.Match("HEAD", "/v1/x/1")), "get");
}

TEST(RouterTest, RejectsUnsafeParams) {
  Router router;
  ASSERT_TRUE(router.Add("GET", "/v1/documents/{id}", Named("doc")).ok());
  for (const char* path :
       {"/v1/documents/..", "/v1/documents/..%2F..%2Fetc", "/v1/documents/%2E%2E",
        "/v1/documents/a..b", "/v1/documents/a%2Fb", "/v1/documents/a%5Cb",
        "/v1/documents/a%00", "/v1/documents/a%0Ab", "/v1/documents/%C0%AF",
        "/v1/documents/%", "/v1/documents/%4", "/v1/documents/%G0"}) {
    RouteMatch m = router.Match("GET", path);
    EXPECT_EQ(m.kind, RouteMatch::Kind::kBadParam) << path;
    EXPECT_EQ(m.handler, nullptr) << path;
    EXPECT_EQ(m.param, "id") << path;
  }
  EXPECT_EQ(router.Match("GET", "/v1/documents/a.b-c_d").kind,
            RouteMatch::Kind::kFound);
}

TEST(RouterTest, AddRejectsBadPatterns) {
  Router router;
  EXPECT_FALSE(router.Add("GET", "v1/x", Named("a")).ok());
  EXPECT_FALSE(router.Add("GET", "/v1//x", Named("a")).ok());
  EXPECT_FALSE(router.Add("GET", "/v1/{}", Named("a")).ok());
  EXPECT_FALSE(router.Add("GET", "/v1/{a", Named("a")).ok());
  EXPECT_FALSE(router.Add("GET", "/v1/a{b}", Named("a")).ok());
  EXPECT_FALSE(router.Add("GET", "/v1/{a}/{a}", Named("a")).ok());
  EXPECT_FALSE(router.Add("", "/v1/x", Named("a")).ok());
  EXPECT_FALSE(router.Add("GET", "/v1/x", Handler()).ok());
  ASSERT_TRUE(router.Add("GET", "/v1/{a}", Named("a")).ok());
  EXPECT_FALSE(router.Add("GET", "/v1/{b}", Named("b")).ok());  // same shape
  EXPECT_TRUE(router.Add("POST", "/v1/{b}", Named("b")).ok());
  EXPECT_TRUE(router.Add("GET", "/", Named("root")).ok());
  EXPECT_EQ(Call(router.Match("GET", "/")), "root");
}

TEST(RequestTest, QueryAndHeaders) {
  Request request;
  ASSERT_TRUE(request.SetTarget("/p?a=1&b=x+y%21&a=2&flag&=v&&"));
  EXPECT_EQ(request.path(), "/p");
  EXPECT_EQ(*request.Query("a"), "2");
  EXPECT_EQ(request.QueryAll("a"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(*request.Query("b"), "x y!");
  EXPECT_EQ(*request.Query("flag"), "");
  EXPECT_EQ(request.Query("missing"), nullptr);
  EXPECT_FALSE(request.SetTarget("/p?a=%zz"));
  request.AddHeader("Content-Type", "application/json");
  EXPECT_EQ(*request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("Accept"), nullptr);
}

}  // namespace
}  // namespace beian::api
