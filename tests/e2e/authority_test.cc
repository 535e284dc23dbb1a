// Who may do what, over HTTP against the real `beian serve`: every role ×
// every action. An allowed cell succeeds; a refused one is answered 401, 403
// or 404 and leaves no catalog row, no audit entry and no number behind (read
// from the SQLite catalog itself, as a second process would).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <map>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian_server.h"
#include "http_client.h"
#include "process.h"
#include "test_catalog.h"

namespace beian::e2e {
namespace {

using beian::testing::HttpClient;
using beian::testing::HttpReply;
using beian::testing::TempDir;

constexpr char kRuixiang[] = "91110105798516320J";  // 朝阳区
constexpr char kAnheju[] = "911101085906532701";    // 海淀区
constexpr char kHaihe[] = "91120101300651286U";     // 天津, out of town

enum class Role { kOwner, kOtherEnterprise, kBureau, kOtherBureau, kAdmin, kRevoked, kNobody };
const std::vector<Role> kRoles = {Role::kOwner, Role::kOtherEnterprise, Role::kBureau, Role::kOtherBureau,
                                  Role::kAdmin, Role::kRevoked, Role::kNobody};

const char* RoleName(Role r) {
  switch (r) {
    case Role::kOwner: return "enterprise of the code";
    case Role::kOtherEnterprise: return "another enterprise";
    case Role::kBureau: return "bureau of the district";
    case Role::kOtherBureau: return "bureau of another district";
    case Role::kAdmin: return "admin";
    case Role::kRevoked: return "revoked token";
    case Role::kNobody: return "no token";
  }
  return "";
}

// What the catalog holds, counted.
struct Footprint {
  int64_t documents = 0, audit_entries = 0, serials = 0, copies = 0, reprints = 0;
  bool operator==(const Footprint& o) const {
    return documents == o.documents && audit_entries == o.audit_entries && serials == o.serials &&
           copies == o.copies && reprints == o.reprints;
  }
};

// A count in the catalog of the archive in `data_dir`; -1 if it cannot be
// read.
int64_t Count(const std::string& data_dir, const char* sql) {
  try {
    return std::stoll(beian::testing::QueryCatalogColumn(beian::testing::TestCatalogIn(data_dir), sql).at(0));
  } catch (const std::exception&) {
    return -1;
  }
}

class AuthorityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    data_ = dir_->path() + "/var";
    auto token = [](std::vector<std::string> args) { return CreateToken(data_, args); };
    tokens_[{"admin", ""}] = token({"--role", "admin", "--label", "权限测试"});
    tokens_[{"enterprise", kRuixiang}] =
        token({"--role", "enterprise", "--credit-code", kRuixiang, "--name", "北京瑞祥恒业物业管理有限公司"});
    tokens_[{"enterprise", kAnheju}] =
        token({"--role", "enterprise", "--credit-code", kAnheju, "--name", "北京安和居物业服务有限公司"});
    tokens_[{"enterprise", kHaihe}] =
        token({"--role", "enterprise", "--credit-code", kHaihe, "--name", "天津海河物业服务有限公司"});
    tokens_[{"bureau", "朝阳区"}] = token(
        {"--role", "bureau", "--district", "朝阳区", "--name", "北京市朝阳区住房和城乡建设委员会", "--label", "王红"});
    tokens_[{"bureau", "海淀区"}] = token(
        {"--role", "bureau", "--district", "海淀区", "--name", "北京市海淀区住房和城乡建设委员会", "--label", "李明"});
    tokens_[{"revoked", ""}] =
        token({"--role", "enterprise", "--credit-code", kRuixiang, "--name", "北京瑞祥恒业物业管理有限公司"});
    // Revoked before it is ever used.
    std::vector<std::string> revoke = {BeianBinary()};
    for (const std::string& a : beian::testing::DataArguments(data_)) revoke.push_back(a);
    for (const char* a : {"token", "revoke", "7"}) revoke.push_back(a);
    const auto revoked = beian::testing::Run(revoke);
    EXPECT_EQ(revoked.exit_code, 0) << revoked.err;
    server_ = new BeianServer(data_);
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override { ASSERT_NE(server_->port(), 0) << server_->Stderr(); }

  // The catalog's counts once the server has made the OFD of every document
  // (it does so after answering, so a count taken before may change under us).
  static Footprint Catalog() {
    for (int i = 0; i < 400; ++i) {
      if (Count(data_, "SELECT count(*) FROM documents WHERE pdf_standard != '' AND ofd_sha256 = ''") == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    Footprint f;
    f.documents = Count(data_, "SELECT count(*) FROM documents");
    f.audit_entries = Count(data_, "SELECT count(*) FROM audit_log");
    f.serials = Count(data_, "SELECT coalesce(sum(next_serial), 0) FROM number_counters");
    f.copies = Count(data_, "SELECT count(*) FROM signed_copies");
    f.reprints = Count(data_, "SELECT count(*) FROM reprints");
    return f;
  }

  static HttpClient Client(const std::string& token) { return HttpClient(server_->port(), token); }
  static HttpClient Admin() { return Client(tokens_[{"admin", ""}]); }

  // The token a role stands for, for a document of `credit_code` in `district`.
  static std::string TokenOf(Role role, const std::string& credit_code, const std::string& district) {
    switch (role) {
      case Role::kOwner: return tokens_[{"enterprise", credit_code}];
      case Role::kOtherEnterprise: return tokens_[{"enterprise", credit_code == kRuixiang ? kAnheju : kRuixiang}];
      case Role::kBureau: return tokens_[{"bureau", district}];
      case Role::kOtherBureau: return tokens_[{"bureau", district == "朝阳区" ? "海淀区" : "朝阳区"}];
      case Role::kAdmin: return tokens_[{"admin", ""}];
      case Role::kRevoked: return tokens_[{"revoked", ""}];
      case Role::kNobody: return "";
    }
    return "";
  }

  static core::Json Example(const std::string& kind) {
    return Admin().Get("/v1/kinds/" + kind + "/example").Json();
  }

  // A new contract filing of 瑞祥 (朝阳区) by the admin, in `status`.
  static int64_t NewFiling(const std::string& status) {
    HttpClient admin = Admin();
    core::Json body = core::Json::MakeObject();
    body.Set("kind", "contract-filing");
    body.Set("data", Example("contract-filing"));
    HttpReply created = admin.PostJson("/v1/documents", body);
    EXPECT_EQ(created.status, 201) << created.body;
    const int64_t id = created.Json().Find("id")->as_int();
    if (status == "accepted") {
      EXPECT_EQ(admin.Post("/v1/documents/" + std::to_string(id) + "/accept", "", "").status, 200);
    }
    return id;
  }

  // Runs `action` as `role` and checks the answer: `allowed` → `ok_status`;
  // otherwise `refused_status` and the catalog unchanged.
  void Cell(const std::string& action, Role role, bool allowed, int ok_status, int refused_status,
            const std::function<HttpReply(HttpClient&)>& run, const std::string& credit_code = kRuixiang,
            const std::string& district = "朝阳区") {
    SCOPED_TRACE(action + " as " + RoleName(role));
    HttpClient client = Client(TokenOf(role, credit_code, district));
    const Footprint before = Catalog();
    const HttpReply reply = run(client);
    if (role == Role::kRevoked || role == Role::kNobody) {
      EXPECT_EQ(reply.status, 401) << reply.body;
    } else if (allowed) {
      EXPECT_EQ(reply.status, ok_status) << reply.body.substr(0, 300);
      return;
    } else {
      EXPECT_EQ(reply.status, refused_status) << reply.body.substr(0, 300);
    }
    EXPECT_TRUE(Catalog() == before) << "a refused request left a row, an audit entry or a number behind";
  }

  static TempDir* dir_;
  static std::string data_;
  static std::map<std::pair<std::string, std::string>, std::string> tokens_;
  static BeianServer* server_;
};

TempDir* AuthorityTest::dir_ = nullptr;
std::string AuthorityTest::data_;
std::map<std::pair<std::string, std::string>, std::string> AuthorityTest::tokens_;
BeianServer* AuthorityTest::server_ = nullptr;

TEST_F(AuthorityTest, IssuingEachKind) {
  const core::Json kinds = Admin().Get("/v1/kinds").Json();
  ASSERT_NE(kinds.Find("kinds"), nullptr);
  ASSERT_EQ(kinds.Find("kinds")->as_array().size(), 9u);
  for (const core::Json& k : kinds.Find("kinds")->as_array()) {
    const std::string kind = k.Find("kind")->as_string();
    const bool bureau_kind = k.Find("issuer")->as_string() == "bureau";
    core::Json body = core::Json::MakeObject();
    body.Set("kind", kind);
    body.Set("data", Example(kind));
    const std::string code = body.At("/data/enterprise/credit_code")->as_string();
    // A bureau's paper about a project is the project district's; one about no
    // project (受理通知书) any bureau's, in its own name.
    const core::Json* project_district = body.At("/data/project/district");
    const std::string district = project_district != nullptr ? project_district->as_string() : "朝阳区";
    for (Role role : kRoles) {
      const bool allowed =
          role == Role::kAdmin ||
          (bureau_kind ? role == Role::kBureau || (role == Role::kOtherBureau && project_district == nullptr)
                       : role == Role::kOwner);
      Cell("issue " + kind, role, allowed, 201, 403,
           [&](HttpClient& c) { return c.PostJson("/v1/documents", body); }, code, district);
    }
  }
}

TEST_F(AuthorityTest, ReadingAndSearching) {
  const int64_t id = NewFiling("issued");
  const std::string path = "/v1/documents/" + std::to_string(id);
  for (Role role : kRoles) {
    const bool sees = role == Role::kOwner || role == Role::kBureau || role == Role::kAdmin;
    Cell("read", role, sees, 200, 404, [&](HttpClient& c) { return c.Get(path); });
    Cell("read the PDF", role, sees, 200, 404, [&](HttpClient& c) { return c.Get(path + "/pdf"); });
    // A search answers everyone with a token, within their scope.
    Cell("search", role, true, 200, 200, [&](HttpClient& c) {
      HttpReply r = c.Get("/v1/search?q=ruixiang&limit=100");
      if (r.status == 200) {
        bool found = false;
        const core::Json results = r.Json();
        for (const core::Json& d : results.Find("results")->as_array()) found |= d.Find("id")->as_int() == id;
        EXPECT_EQ(found, sees) << RoleName(role) << " " << r.body.substr(0, 300);
      }
      return r;
    });
  }
}

TEST_F(AuthorityTest, ScansAndReprints) {
  const std::string scan = Admin().Get("/v1/documents/" + std::to_string(NewFiling("issued")) + "/pdf").body;
  for (Role role : kRoles) {
    const bool sees = role == Role::kOwner || role == Role::kBureau || role == Role::kAdmin;
    const bool bureau = role == Role::kBureau || role == Role::kAdmin;
    const std::string path = "/v1/documents/" + std::to_string(NewFiling("issued"));
    Cell("submit a scan", role, sees, 201, 404,
         [&](HttpClient& c) { return c.Post(path + "/submitted-copies", scan, "application/pdf"); });
    Cell("attach the signed copy", role, bureau, 201, role == Role::kOwner ? 403 : 404,
         [&](HttpClient& c) { return c.Post(path + "/signed-copies", scan, "application/pdf"); });
    Cell("marked reprint naming the operator", role, bureau, 201, role == Role::kOwner ? 403 : 404,
         [&](HttpClient& c) {
           return c.Post(path + "/reprints", "{\"marked\":true,\"operator\":\"朝阳区住建委 王红\"}",
                         "application/json");
         });
  }
}

TEST_F(AuthorityTest, TheLifecycle) {
  for (Role role : kRoles) {
    const bool bureau = role == Role::kBureau || role == Role::kAdmin;
    const int refused = role == Role::kOwner ? 403 : 404;
    std::string path = "/v1/documents/" + std::to_string(NewFiling("issued"));
    Cell("accept", role, bureau, 200, refused, [&](HttpClient& c) { return c.Post(path + "/accept", "", ""); });
    path = "/v1/documents/" + std::to_string(NewFiling("accepted"));
    Cell("file", role, bureau, 200, refused, [&](HttpClient& c) { return c.Post(path + "/file", "", ""); });
    path = "/v1/documents/" + std::to_string(NewFiling("accepted"));
    Cell("refuse", role, bureau, 200, refused, [&](HttpClient& c) {
      return c.Post(path + "/refuse", "{\"reason\":\"材料不全\"}", "application/json");
    });
    path = "/v1/documents/" + std::to_string(NewFiling("issued"));
    Cell("revoke", role, bureau, 200, refused, [&](HttpClient& c) {
      return c.Post(path + "/revoke", "{\"reason\":\"填写错误\"}", "application/json");
    });
  }
}

TEST_F(AuthorityTest, AStepOutOfOrderIs409NamingTheStatus) {
  const std::string path = "/v1/documents/" + std::to_string(NewFiling("issued"));
  HttpClient bureau = Client(TokenOf(Role::kBureau, kRuixiang, "朝阳区"));
  HttpReply early = bureau.Post(path + "/file", "", "");
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(early.body.find("issued"), std::string::npos) << early.body;
  ASSERT_EQ(bureau.Post(path + "/revoke", "{\"reason\":\"重复提交\"}", "application/json").status, 200);
  HttpReply again = bureau.Post(path + "/accept", "", "");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("revoked"), std::string::npos) << again.body;
  EXPECT_EQ(bureau.Post(path + "/revoke", "", "").status, 422) << "a revocation needs its reason";
  const std::string fresh = "/v1/documents/" + std::to_string(NewFiling("issued"));
  for (const char* reason : {"{\"reason\":\"   \"}", "{\"reason\":\"a\\u0000b\"}", "{\"reason\":\"x\\u001b[2J\"}"}) {
    const Footprint before = Catalog();
    HttpReply refused = bureau.Post(fresh + "/revoke", reason, "application/json");
    EXPECT_EQ(refused.status, 422) << reason << " " << refused.body;
    EXPECT_TRUE(Catalog() == before) << reason;
  }
}

TEST_F(AuthorityTest, OnlyTheAdminBackdates) {
  core::Json body = core::Json::MakeObject();
  body.Set("kind", "commitment-letter");
  body.Set("data", Example("commitment-letter"));
  body.Set("issued_at", std::string("2001-03-05T09:00:00+08:00"));
  for (Role role : {Role::kOwner, Role::kBureau}) {
    const Footprint before = Catalog();
    HttpReply r = Client(TokenOf(role, kRuixiang, "朝阳区")).PostJson("/v1/documents", body);
    EXPECT_EQ(r.status, 403) << RoleName(role) << r.body;
    EXPECT_EQ(r.Json().At("/error/field") != nullptr ? r.Json().At("/error/field")->as_string() : "", "/issued_at")
        << RoleName(role) << r.body;
    EXPECT_TRUE(Catalog() == before);
  }
  HttpReply backfilled = Admin().PostJson("/v1/documents", body);
  ASSERT_EQ(backfilled.status, 201) << backfilled.body;
  EXPECT_EQ(backfilled.Json().Find("issued_at")->as_string(), "2001-03-05T09:00:00+08:00");
  EXPECT_NE(backfilled.Json().Find("number")->as_string().find("〔2001〕"), std::string::npos);
}

}  // namespace
}  // namespace beian::e2e

namespace beian::e2e {
namespace {

// 挂证: a person on the current staff of one enterprise cannot be filed by
// another; once the first filing is revoked, the second goes through. The
// refusal names nothing of the first enterprise or the person.
TEST_F(AuthorityTest, APersonFiledByOneEnterpriseIsRefusedToAnother) {
  HttpClient ruixiang = Client(tokens_[{"enterprise", kRuixiang}]);
  HttpClient anheju = Client(tokens_[{"enterprise", kAnheju}]);
  core::Json first = core::Json::MakeObject();
  first.Set("kind", "contract-filing");
  first.Set("data", Example("contract-filing"));
  // A project manager no other document of this suite lists.
  std::string id17 = "11010819850704261";
  const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id17[static_cast<size_t>(i)] - '0') * weights[i];
  first.Find("data")->Find("project")->Find("manager")->Set("id_number", id17 + "10X98765432"[sum % 11]);
  const std::string manager_id = first.At("/data/project/manager/id_number")->as_string();
  const std::string manager_name = first.At("/data/project/manager/name")->as_string();
  const std::string manager_gender = first.At("/data/project/manager/gender")->as_string();
  HttpReply a = ruixiang.PostJson("/v1/documents", first);
  ASSERT_EQ(a.status, 201) << a.body;

  // 安和居's promotion notice names 瑞祥's project manager as its own.
  core::Json second = core::Json::MakeObject();
  second.Set("kind", "promotion-notice");
  core::Json data = Example("promotion-notice");
  core::Json& manager = *data.Find("projects")->as_array()[0].Find("manager");
  manager.Set("id_number", manager_id);
  manager.Set("name", manager_name);
  manager.Set("gender", manager_gender);
  second.Set("data", data);
  const Footprint before = Catalog();
  HttpReply refused = anheju.PostJson("/v1/documents", second);
  ASSERT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.Json().At("/error/field")->as_string(), "/data/projects/0/manager/id_number") << refused.body;
  for (const std::string& secret : {manager_id, manager_name, std::string(kRuixiang), std::string("瑞祥"),
                                    std::string("ruixiang")}) {
    EXPECT_EQ(refused.body.find(secret), std::string::npos) << secret << " in " << refused.body;
  }
  EXPECT_NE(refused.body.find("请联系区县房屋行政主管部门"), std::string::npos);
  EXPECT_TRUE(Catalog() == before);

  // The bureau lists the person as a conflict only when there is one: none yet.
  HttpClient chaoyang = Client(TokenOf(Role::kBureau, kRuixiang, "朝阳区"));
  EXPECT_EQ(chaoyang.Get("/v1/conflicts").status, 200);
  EXPECT_EQ(ruixiang.Get("/v1/conflicts").status, 403);

  const std::string path = "/v1/documents/" + std::to_string(a.Json().Find("id")->as_int());
  ASSERT_EQ(chaoyang.Post(path + "/revoke", "{\"reason\":\"合同已解除\"}", "application/json").status, 200);
  HttpReply accepted = anheju.PostJson("/v1/documents", second);
  EXPECT_EQ(accepted.status, 201) << accepted.body;
}

// A retry with the same Idempotency-Key after the server died between
// committing and answering gets the document the first request made.
TEST(IdempotencyTest, ARetryAfterTheServerDiedReturnsTheOriginal) {
  TempDir dir;
  const std::string data_dir = dir.path() + "/var";
  const std::string admin = CreateToken(data_dir, {"--role", "admin"});
  auto server = std::make_unique<BeianServer>(data_dir);
  ASSERT_NE(server->port(), 0) << server->Stderr();
  core::Json body = core::Json::MakeObject();
  body.Set("kind", "commitment-letter");
  body.Set("data", HttpClient(server->port(), admin).Get("/v1/kinds/commitment-letter/example").Json());
  const std::map<std::string, std::string> key = {{"Idempotency-Key", "retry-7f3c9a"}};
  auto documents = [&] { return Count(data_dir, "SELECT count(*) FROM documents"); };

  // The first request is sent; the server is killed as soon as its document
  // is committed, whether or not the answer got out.
  const uint16_t port = server->port();
  std::thread first([&] {
    HttpClient(port, admin).Post("/v1/documents", core::WriteJson(body), "application/json", key);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (documents() < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ::kill(server->pid(), SIGKILL);
  first.join();
  ASSERT_EQ(documents(), 1);
  server.reset();

  server = std::make_unique<BeianServer>(data_dir);
  ASSERT_NE(server->port(), 0) << server->Stderr();
  HttpClient client(server->port(), admin);
  HttpReply retry = client.Post("/v1/documents", core::WriteJson(body), "application/json", key);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Header("idempotent-replayed"), "true");
  EXPECT_EQ(retry.Json().Find("id")->as_int(), 1);
  EXPECT_NE(retry.Json().Find("number")->as_string().find("000001号"), std::string::npos);
  EXPECT_EQ(documents(), 1) << "the retry made a second document";

  // The same key with another request is refused; a new key makes a new document.
  core::Json other = body;
  other.Find("data")->Set("signed_on", std::string("2024-06-19"));
  HttpReply reused = client.Post("/v1/documents", core::WriteJson(other), "application/json", key);
  EXPECT_EQ(reused.status, 422) << reused.body;
  EXPECT_EQ(reused.ErrorCode(), "idempotency_key_reused");
  HttpReply fresh =
      client.Post("/v1/documents", core::WriteJson(body), "application/json", {{"Idempotency-Key", "retry-2"}});
  EXPECT_EQ(fresh.status, 201) << fresh.body;
  EXPECT_EQ(documents(), 2);
}

}  // namespace
}  // namespace beian::e2e
