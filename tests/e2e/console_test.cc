// The console's server side over HTTP against the real `beian serve`: people
// made with `beian user`, signing in by cookie, the CSRF token on every
// change, sessions that end, a clerk of another district who finds nothing,
// the work queue, a document's audit entries and copies, and the public page
// the QR code opens, rate-limited per address.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian_server.h"
#include "http_client.h"
#include "openapi_contract.h"
#include "process.h"
#include "test_catalog.h"

namespace beian::e2e {
namespace {

using beian::testing::HttpClient;
using beian::testing::HttpReply;
using beian::testing::TempDir;

constexpr char kRuixiang[] = "91110105798516320J";  // the examples' 朝阳区 enterprise

void ExpectDocumented(const std::string& method, const std::string& pattern, const HttpReply& reply) {
  static const core::Json* spec = [] {
    core::Result<core::Json> loaded = api::testing::LoadOpenApi();
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return new core::Json(loaded.ok() ? *loaded : core::Json());
  }();
  const core::Status documented = api::testing::CheckResponse(*spec, method, pattern, reply.status,
                                                              reply.Header("content-type"), reply.body);
  EXPECT_TRUE(documented.ok()) << method << " " << pattern << ": " << documented.ToString();
}

// `beian user ARGS...` with `password` on stdin.
beian::testing::ProcessResult User(const std::string& data, const std::vector<std::string>& args,
                                   const std::string& password = "") {
  std::string command = "printf '%s\\n' '" + password + "' | '" + BeianBinary() + "'";
  for (const std::string& a : beian::testing::DataArguments(data)) command += " '" + a + "'";
  command += " user";
  for (const std::string& a : args) command += " '" + a + "'";
  return beian::testing::Run({"/bin/sh", "-c", command});
}

// A person in a browser: the cookie the server set, and the CSRF token.
class Person {
 public:
  Person(uint16_t port) : client_(port) {}

  HttpReply SignIn(const std::string& username, const std::string& password) {
    HttpReply r = client_.Post("/v1/session",
                               "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
                               "application/json");
    const std::string set = r.Header("set-cookie");
    if (r.status == 200) {
      cookie_ = set.substr(0, set.find(';'));
      csrf_ = r.Json().Find("csrf_token")->as_string();
    }
    return r;
  }
  HttpReply Get(const std::string& target) { return client_.Get(target, Headers(false)); }
  HttpReply Post(const std::string& target, const std::string& body, bool with_csrf = true,
                 const std::string& type = "application/json") {
    return client_.Post(target, body, type, Headers(with_csrf));
  }
  HttpReply Delete(const std::string& target) { return client_.Send("DELETE", target, "", "", Headers(true)); }
  const std::string& cookie() const { return cookie_; }

 private:
  std::map<std::string, std::string> Headers(bool with_csrf) const {
    std::map<std::string, std::string> h;
    if (!cookie_.empty()) h["Cookie"] = cookie_;
    if (with_csrf && !csrf_.empty()) h["X-CSRF-Token"] = csrf_;
    return h;
  }

  HttpClient client_;
  std::string cookie_, csrf_;
};

class ConsoleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string data = dir_->File("var");
    struct Account {
      std::vector<std::string> args;
    };
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{
             {"create", "ruixiang", "--role", "enterprise", "--credit-code", kRuixiang, "--name",
              "北京瑞祥恒业物业管理有限公司", "--display-name", "李明", "--password-stdin"},
             {"create", "wanghong", "--role", "bureau", "--district", "朝阳区", "--name",
              "北京市朝阳区住房和城乡建设委员会", "--display-name", "王红", "--password-stdin"},
             {"create", "zhaoliu", "--role", "bureau", "--district", "海淀区", "--name",
              "北京市海淀区住房和城乡建设委员会", "--display-name", "赵六", "--password-stdin"},
             {"create", "admin", "--role", "admin", "--display-name", "管理员", "--password-stdin"}}) {
      beian::testing::ProcessResult made = User(data, args, args[1] + "-password-1");
      ASSERT_EQ(made.exit_code, 0) << made.err;
    }
    beian::testing::WriteFileOrDie(dir_->File("config.json"), "{\"public_checks_per_minute\": 5}");
    server_ = new BeianServer(data, {"--config", dir_->File("config.json")});
    ASSERT_NE(server_->port(), 0) << server_->Stderr();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  // A document issued by the enterprise user in the browser.
  core::Json Issue(Person& enterprise) {
    HttpClient plain(server_->port());
    const std::string example = plain.Get("/v1/kinds/commitment-letter/example",
                                          {{"Cookie", enterprise.cookie()}}).body;
    HttpReply created = enterprise.Post("/v1/documents", "{\"kind\":\"commitment-letter\",\"data\":" + example + "}");
    EXPECT_EQ(created.status, 201) << created.body;
    return created.Json();
  }

  static TempDir* dir_;
  static BeianServer* server_;
};

TempDir* ConsoleTest::dir_ = nullptr;
BeianServer* ConsoleTest::server_ = nullptr;

TEST_F(ConsoleTest, SignInSetsAStrictHttpOnlyCookieAndSignOutEndsIt) {
  Person clerk(server_->port());
  HttpReply wrong = clerk.SignIn("wanghong", "not-the-password");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.ErrorCode(), "signin_failed");
  ExpectDocumented("POST", "/v1/session", wrong);
  HttpReply in = clerk.SignIn("wanghong", "wanghong-password-1");
  ASSERT_EQ(in.status, 200) << in.body;
  ExpectDocumented("POST", "/v1/session", in);
  const std::string cookie = in.Header("set-cookie");
  EXPECT_EQ(cookie.rfind("beian_session=bs_", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP on loopback";
  EXPECT_EQ(in.body.find("bs_"), std::string::npos) << "the secret is in the cookie alone";

  HttpReply me = clerk.Get("/v1/session");
  ASSERT_EQ(me.status, 200);
  ExpectDocumented("GET", "/v1/session", me);
  EXPECT_EQ(me.Json().Find("user")->Find("district")->as_string(), "朝阳区");

  HttpReply out = clerk.Delete("/v1/session");
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.Header("set-cookie").find("Max-Age=0"), std::string::npos);
  HttpReply after = clerk.Get("/v1/queue");
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.ErrorCode(), "session_expired");
  ExpectDocumented("GET", "/v1/session", clerk.Get("/v1/session"));
}

TEST_F(ConsoleTest, EveryChangeByCookieNeedsTheSessionsCsrfToken) {
  Person enterprise(server_->port());
  ASSERT_EQ(enterprise.SignIn("ruixiang", "ruixiang-password-1").status, 200);
  const core::Json doc = Issue(enterprise);
  const std::string id = std::to_string(doc.Find("id")->as_int());
  Person clerk(server_->port());
  ASSERT_EQ(clerk.SignIn("wanghong", "wanghong-password-1").status, 200);
  HttpReply forged = clerk.Post("/v1/documents/" + id + "/accept", "", /*with_csrf=*/false);
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(forged.ErrorCode(), "csrf_failed");
  HttpClient raw(server_->port());
  HttpReply wrong = raw.Post("/v1/documents/" + id + "/accept", "", "application/json",
                             {{"Cookie", clerk.cookie()}, {"X-CSRF-Token", std::string(40, 'a')}});
  EXPECT_EQ(wrong.status, 403);
  HttpReply accepted = clerk.Post("/v1/documents/" + id + "/accept", "");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  // Reading needs no token; the audit entry names the person.
  HttpReply audit = clerk.Get("/v1/documents/" + id + "/audit");
  ASSERT_EQ(audit.status, 200);
  ExpectDocumented("GET", "/v1/documents/{id}/audit", audit);
  const core::Json entries = audit.Json();
  // The people's entries; the server's own attach-ofd entry may fall between them.
  std::vector<core::Json> list;
  for (const core::Json& e : entries.Find("entries")->as_array()) {
    if (e.Find("action")->as_string() != "attach-ofd") list.push_back(e);
  }
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].Find("action")->as_string(), "ingest");
  EXPECT_NE(list[0].Find("actor")->as_string().find("李明"), std::string::npos);
  EXPECT_EQ(list[1].Find("action")->as_string(), "set-status");
  EXPECT_NE(list[1].Find("actor")->as_string().find("王红"), std::string::npos);
}

TEST_F(ConsoleTest, ARetriedIssueBySessionGivesTheSameDocument) {
  Person enterprise(server_->port());
  ASSERT_EQ(enterprise.SignIn("ruixiang", "ruixiang-password-1").status, 200);
  HttpClient browser(server_->port());
  const std::string example = browser.Get("/v1/kinds/commitment-letter/example", {{"Cookie", enterprise.cookie()}}).body;
  const std::string csrf = enterprise.Get("/v1/session").Json().Find("csrf_token")->as_string();
  auto issue = [&]() {
    return browser.Post("/v1/documents", "{\"kind\":\"commitment-letter\",\"data\":" + example + "}",
                        "application/json",
                        {{"Cookie", enterprise.cookie()}, {"X-CSRF-Token", csrf}, {"Idempotency-Key", "form-7f3a"}});
  };
  HttpReply first = issue();
  ASSERT_EQ(first.status, 201) << first.body;
  HttpReply again = issue();
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Header("idempotent-replayed"), "true");
  EXPECT_EQ(again.Json().Find("id")->as_int(), first.Json().Find("id")->as_int());
}

TEST_F(ConsoleTest, AClerkOfAnotherDistrictFindsNothingOfThisOne) {
  Person enterprise(server_->port());
  ASSERT_EQ(enterprise.SignIn("ruixiang", "ruixiang-password-1").status, 200);
  const core::Json doc = Issue(enterprise);
  const std::string id = std::to_string(doc.Find("id")->as_int());
  Person other(server_->port());
  ASSERT_EQ(other.SignIn("zhaoliu", "zhaoliu-password-1").status, 200);
  EXPECT_EQ(other.Get("/v1/documents/" + id).status, 404);
  EXPECT_EQ(other.Get("/v1/documents/" + id + "/pdf").status, 404);
  EXPECT_EQ(other.Get("/v1/documents/" + id + "/audit").status, 404);
  HttpReply found = other.Get("/v1/search?q=%E7%91%9E%E7%A5%A5");  // 瑞祥
  ASSERT_EQ(found.status, 200);
  EXPECT_TRUE(found.Json().Find("results")->as_array().empty());
  HttpReply queue = other.Get("/v1/queue");
  ASSERT_EQ(queue.status, 200);
  EXPECT_TRUE(queue.Json().Find("documents")->as_array().empty());
  EXPECT_EQ(enterprise.Get("/v1/queue").status, 403);
}

TEST_F(ConsoleTest, TheQueueShowsASubmittedPaperAndItsCopyCanBeViewed) {
  Person enterprise(server_->port());
  ASSERT_EQ(enterprise.SignIn("ruixiang", "ruixiang-password-1").status, 200);
  const core::Json doc = Issue(enterprise);
  const std::string id = std::to_string(doc.Find("id")->as_int());
  const std::string pdf = enterprise.Get("/v1/documents/" + id + "/pdf").body;
  // A browser sends a Chinese file name percent-encoded.
  HttpClient browser(server_->port());
  HttpReply csrf = enterprise.Get("/v1/session");
  HttpReply submitted = browser.Post("/v1/documents/" + id + "/submitted-copies", pdf, "application/pdf",
                                     {{"Cookie", enterprise.cookie()},
                                      {"X-CSRF-Token", csrf.Json().Find("csrf_token")->as_string()},
                                      {"X-File-Name", "%E7%9B%96%E7%AB%A0%E4%BB%B6.pdf"}});
  ASSERT_EQ(submitted.status, 201) << submitted.body;
  EXPECT_EQ(submitted.Json().Find("original_name")->as_string(), "盖章件.pdf");
  const std::string copy = std::to_string(submitted.Json().Find("id")->as_int());

  Person clerk(server_->port());
  ASSERT_EQ(clerk.SignIn("wanghong", "wanghong-password-1").status, 200);
  HttpReply queue = clerk.Get("/v1/queue");
  ASSERT_EQ(queue.status, 200);
  ExpectDocumented("GET", "/v1/queue", queue);
  bool listed = false;
  const core::Json queued = queue.Json();
  for (const core::Json& d : queued.Find("documents")->as_array()) {
    if (d.Find("id")->as_int() == doc.Find("id")->as_int()) {
      listed = true;
      EXPECT_EQ(d.Find("awaiting")->as_string(), "acceptance");
    }
  }
  EXPECT_TRUE(listed) << queue.body;
  HttpReply file = clerk.Get("/v1/documents/" + id + "/signed-copies/" + copy + "/file");
  ASSERT_EQ(file.status, 200);
  ExpectDocumented("GET", "/v1/documents/{id}/signed-copies/{copy}/file", file);
  EXPECT_EQ(core::Sha256Hex(file.body), submitted.Json().Find("sha256")->as_string());
  EXPECT_EQ(clerk.Get("/v1/documents/" + id + "/signed-copies/999/file").status, 404);
}

TEST_F(ConsoleTest, UsersAreAdministeredByAnAdminAndADisabledOneIsSignedOut) {
  Person admin(server_->port());
  ASSERT_EQ(admin.SignIn("admin", "admin-password-1").status, 200);
  HttpReply weak = admin.Post("/v1/users",
                              "{\"username\":\"sunqi\",\"password\":\"short\",\"role\":\"bureau\","
                              "\"display_name\":\"孙七\",\"district\":\"朝阳区\",\"name\":\"北京市朝阳区住房和城乡建设委员会\"}");
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(weak.Json().Find("error")->Find("field")->as_string(), "/password");
  ExpectDocumented("POST", "/v1/users", weak);
  HttpReply made = admin.Post("/v1/users",
                              "{\"username\":\"sunqi\",\"password\":\"sunqi-password-1\",\"role\":\"bureau\","
                              "\"display_name\":\"孙七\",\"district\":\"朝阳区\",\"name\":\"北京市朝阳区住房和城乡建设委员会\"}");
  ASSERT_EQ(made.status, 201) << made.body;
  ExpectDocumented("POST", "/v1/users", made);
  Person sunqi(server_->port());
  ASSERT_EQ(sunqi.SignIn("sunqi", "sunqi-password-1").status, 200);
  EXPECT_EQ(sunqi.Get("/v1/users").status, 403);
  HttpReply listed = admin.Get("/v1/users");
  ASSERT_EQ(listed.status, 200);
  ExpectDocumented("GET", "/v1/users", listed);
  HttpReply disabled =
      admin.Post("/v1/users/" + std::to_string(made.Json().Find("id")->as_int()) + "/disable", "");
  ASSERT_EQ(disabled.status, 200);
  ExpectDocumented("POST", "/v1/users/{id}/disable", disabled);
  EXPECT_EQ(sunqi.Get("/v1/queue").status, 401);
  EXPECT_EQ(sunqi.SignIn("sunqi", "sunqi-password-1").status, 401);
  // From the command line too.
  beian::testing::ProcessResult list = User(dir_->File("var"), {"list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("sunqi\tbureau\t朝阳区"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("disabled"), std::string::npos);
}

TEST_F(ConsoleTest, TheConsoleIsServedAtItsPagesWithAStrictPolicy) {
  HttpClient anyone(server_->port());
  for (const char* page : {"/", "/queue", "/documents/12", "/new/qualification-verification", "/v/"}) {
    HttpReply r = anyone.Get(page);
    if (std::string(page) == "/v/") {
      EXPECT_EQ(r.status, 404) << "not a page";
      continue;
    }
    ASSERT_EQ(r.status, 200) << page;
    EXPECT_EQ(r.Header("content-type"), "text/html; charset=utf-8");
    EXPECT_NE(r.Header("content-security-policy").find("default-src 'self'"), std::string::npos);
    EXPECT_NE(r.body.find("<html"), std::string::npos);
  }
  EXPECT_EQ(anyone.Get("/assets/nothing.js").status, 404);
  EXPECT_EQ(anyone.Get("/assets/..%2Fapi%2Fopenapi.json").status, 400);
}

TEST_F(ConsoleTest, ThePublicPageIsRateLimitedPerAddress) {
  // public_checks_per_minute is 5 in this server's config.
  HttpClient anyone(server_->port());
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 8; ++i) {
    HttpReply r = anyone.Get("/v/%E4%BA%AC%E6%9C%9D%E8%AF%BA?k=AAAA");
    if (r.status == 429) {
      ++limited;
      retry_after = r.Header("retry-after");
      EXPECT_NE(r.body.find("请"), std::string::npos);
    } else {
      EXPECT_EQ(r.status, 404);
      EXPECT_NE(r.body.find("未查到该文书"), std::string::npos);
    }
  }
  EXPECT_GE(limited, 3);
  EXPECT_FALSE(retry_after.empty());
  HttpReply json = anyone.Get("/v1/verify/X?key=Y");
  EXPECT_EQ(json.status, 429) << "the JSON check shares the limit";
  EXPECT_EQ(json.ErrorCode(), "too_many_checks");
}

}  // namespace
}  // namespace beian::e2e
