// People who sign in to the console, through the service: sessions whose
// actor is the user, answers that do not tell a wrong password from an
// unknown user, delays that grow with failures, sessions that end; and the
// bureau's work queue with working-day deadlines and 预警.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "beian/archive/catalog_archive.h"
#include "beian/core/beijing_time.h"
#include "beian/service/filing_service.h"
#include "process.h"
#include "test_catalog.h"

namespace beian::service {
namespace {

using beian::testing::TempDir;

constexpr char kRuixiang[] = "91110105798516320J";  // the examples' 朝阳区 enterprise
constexpr char kRuixiangName[] = "北京瑞祥恒业物业管理有限公司";
constexpr char kChaoyangBureau[] = "北京市朝阳区住房和城乡建设委员会";

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServiceOptions options;
    options.root = beian::testing::SourceRoot();
    options.data_dir = dir_.File("var");
    options.catalog = beian::testing::TestCatalogFor(options.data_dir);
    options.now = [this] {
      std::lock_guard<std::mutex> lock(mu_);
      return now_;
    };
    options.uploads.executable = BEIAN_BINARY;
    auto opened = FilingService::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    service_ = std::move(opened).value();
  }

  void SetNow(const std::string& now) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = now;
  }

  UserInfo MakeUser(const std::string& username, Role role, const std::string& district = "") {
    NewUserAccount a;
    a.username = username;
    a.password = username + "-password-1";
    a.role = role;
    a.display_name = "王红";
    if (role == Role::kBureau) {
      a.district = district;
      a.name = district == "朝阳区" ? kChaoyangBureau : "北京市海淀区住房和城乡建设委员会";
    } else if (role == Role::kEnterprise) {
      a.credit_code = kRuixiang;
      a.name = kRuixiangName;
    }
    core::Result<UserInfo> made = service_->CreateUser(admin_, a);
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? *made : UserInfo{};
  }

  SignInOutcome SignIn(const std::string& username, const std::string& password,
                       const std::string& address = "192.0.2.1") {
    core::Result<SignInOutcome> outcome = service_->SignIn(username, password, address);
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    return outcome.ok() ? *outcome : SignInOutcome{};
  }

  TempDir dir_;
  std::mutex mu_;
  std::string now_ = "2026-12-07T09:00:00+08:00";
  std::unique_ptr<FilingService> service_;
  const Identity admin_ = LocalAdministrator("测试管理员");
};

TEST_F(AccountsTest, ASessionSpeaksForItsUserInTheAuditLog) {
  const UserInfo made = MakeUser("Ruixiang.Li", Role::kEnterprise);
  EXPECT_EQ(made.username, "ruixiang.li") << "usernames are case-folded";
  SignInOutcome in = SignIn("RUIXIANG.LI", "Ruixiang.Li-password-1");
  ASSERT_TRUE(in.session.has_value());
  EXPECT_EQ(in.session->secret.rfind("bs_", 0), 0u);
  EXPECT_EQ(in.session->expires_at, "2026-12-07T09:30:00+08:00");

  core::Result<UserSessionInfo> resumed = service_->ResumeSession(in.session->secret);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  const Identity& who = resumed->identity;
  EXPECT_EQ(who.role, Role::kEnterprise);
  EXPECT_EQ(who.credit_code, kRuixiang);
  EXPECT_EQ(who.Actor(), "user-" + std::to_string(made.id) + " 王红");
  EXPECT_EQ(resumed->csrf_token, in.session->csrf_token);
  SignInOutcome second = SignIn("ruixiang.li", "Ruixiang.Li-password-1");
  ASSERT_TRUE(second.session.has_value());
  EXPECT_NE(second.session->csrf_token, in.session->csrf_token);

  std::vector<core::Problem> problems;
  core::Result<DocumentInfo> issued = service_->Issue(
      who, IssueRequest{"commitment-letter", *service_->FindKind("commitment-letter")->example, "", ""}, problems);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->created_by, who.Actor());
  core::Result<std::vector<AuditEntryInfo>> audit = service_->AuditOf(who, issued->id);
  ASSERT_TRUE(audit.ok());
  // Issued by the user; its OFD attached by the service itself.
  ASSERT_EQ(audit->size(), 2u);
  EXPECT_EQ(audit->at(0).action, "ingest");
  EXPECT_EQ(audit->at(0).actor, who.Actor());
  EXPECT_EQ(audit->at(1).action, "attach-ofd");
  EXPECT_EQ(audit->at(1).actor, "beian");
}

TEST_F(AccountsTest, WrongUnknownAndDisabledAreAnsweredAlikeAndDelaysGrow) {
  const UserInfo made = MakeUser("wanghong", Role::kBureau, "朝阳区");
  for (int i = 0; i < 3; ++i) {
    SignInOutcome wrong = SignIn("wanghong", "not-the-password-1");
    EXPECT_FALSE(wrong.session.has_value());
    EXPECT_EQ(wrong.retry_after_seconds, 0) << "three mistakes cost nothing";
  }
  EXPECT_EQ(SignIn("wanghong", "wanghong-password-1").retry_after_seconds, 1) << "then 1 s";
  SetNow("2026-12-07T09:00:01+08:00");
  EXPECT_FALSE(SignIn("wanghong", "not-the-password-1").session.has_value());
  EXPECT_EQ(SignIn("wanghong", "wanghong-password-1").retry_after_seconds, 2) << "then 2 s";
  SetNow("2026-12-07T09:00:03+08:00");
  EXPECT_FALSE(SignIn("wanghong", "not-the-password-1").session.has_value());
  EXPECT_EQ(SignIn("wanghong", "wanghong-password-1").retry_after_seconds, 4) << "then 4 s";
  SetNow("2026-12-07T09:00:07+08:00");
  EXPECT_TRUE(SignIn("wanghong", "wanghong-password-1").session.has_value());
  EXPECT_EQ(SignIn("wanghong", "not-the-password-1").retry_after_seconds, 0) << "a success starts the count again";

  // An unknown name is answered alike and slowed alike, but counted in
  // memory: guessing names cannot grow the catalog.
  for (int i = 0; i < 3; ++i) {
    SignInOutcome unknown = SignIn("nobody", "nobody-password-1", "192.0.2.2");
    EXPECT_FALSE(unknown.session.has_value());
    EXPECT_EQ(unknown.retry_after_seconds, 0);
  }
  EXPECT_EQ(SignIn("nobody", "nobody-password-1", "192.0.2.2").retry_after_seconds, 1);
  auto catalog = archive::OpenArchive(dir_.File("var"), beian::testing::TestCatalogFor(dir_.File("var")));
  ASSERT_TRUE(catalog.ok());
  EXPECT_EQ((*catalog)->GetSignInFailures("nobody")->failures, 0);
  EXPECT_EQ((*catalog)->GetSignInFailures("wanghong")->failures, 1);
  ASSERT_TRUE(service_->DisableUser(admin_, made.id).ok());
  SetNow("2026-12-07T09:10:00+08:00");
  SignInOutcome disabled = SignIn("wanghong", "wanghong-password-1");
  EXPECT_FALSE(disabled.session.has_value());
  EXPECT_EQ(disabled.retry_after_seconds, 0);
}

TEST_F(AccountsTest, OneAddressTryingManyUsernamesIsSlowedToo) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(SignIn("guess" + std::to_string(i), "guess-password-1", "198.51.100.7").retry_after_seconds, 0);
  }
  EXPECT_EQ(SignIn("guess-next", "guess-password-1", "198.51.100.7").retry_after_seconds, 1);
  EXPECT_EQ(SignIn("guess-next", "guess-password-1", "198.51.100.8").retry_after_seconds, 0) << "another address";
}

TEST_F(AccountsTest, SessionsEndWhenIdleAtTheLatestAndOnSignOut) {
  MakeUser("wanghong", Role::kBureau, "朝阳区");
  const std::string secret = SignIn("wanghong", "wanghong-password-1").session->secret;
  // Used every 20 minutes it lasts 12 hours, not longer.
  std::string now = "2026-12-07T09:00:00+08:00";
  int uses = 0;
  for (;;) {
    now = *core::AddSeconds(now, 20 * 60);
    SetNow(now);
    if (!service_->ResumeSession(secret).ok()) break;
    ++uses;
  }
  EXPECT_EQ(now, "2026-12-07T21:00:00+08:00");
  EXPECT_EQ(uses, 35);
  // Left alone for 31 minutes it ends.
  const std::string idle = SignIn("wanghong", "wanghong-password-1").session->secret;
  SetNow("2026-12-07T21:29:00+08:00");
  EXPECT_TRUE(service_->ResumeSession(idle).ok());
  SetNow("2026-12-07T22:00:00+08:00");
  EXPECT_EQ(service_->ResumeSession(idle).status().code(), core::Code::kNotFound);
  // Signed out, it is gone at once; so is a secret never given.
  const std::string out = SignIn("wanghong", "wanghong-password-1").session->secret;
  ASSERT_TRUE(service_->SignOut(out).ok());
  EXPECT_EQ(service_->ResumeSession(out).status().code(), core::Code::kNotFound);
  EXPECT_EQ(service_->ResumeSession("bs_FORGED").status().code(), core::Code::kNotFound);
}

TEST_F(AccountsTest, OnlyAdminsManageUsersAndPasswordsMustBeFitToSet) {
  const UserInfo clerk = MakeUser("wanghong", Role::kBureau, "朝阳区");
  const Identity as_clerk = service_->ResumeSession(SignIn("wanghong", "wanghong-password-1").session->secret)->identity;
  NewUserAccount a;
  a.username = "lisi";
  a.password = "lisi-password-1";
  a.role = Role::kAdmin;
  a.display_name = "李四";
  EXPECT_EQ(service_->CreateUser(as_clerk, a).status().code(), core::Code::kPermissionDenied);
  EXPECT_EQ(service_->ListUsers(as_clerk).status().code(), core::Code::kPermissionDenied);
  EXPECT_EQ(service_->DisableUser(as_clerk, clerk.id).status().code(), core::Code::kPermissionDenied);
  a.password = "short";
  core::Result<UserInfo> weak = service_->CreateUser(admin_, a);
  EXPECT_EQ(weak.status().code(), core::Code::kInvalidArgument);
  EXPECT_EQ(weak.status().message().rfind("password: ", 0), 0u) << weak.status().message();
  a.password = "lisi-password-1";
  a.username = "WangHong";
  EXPECT_EQ(service_->CreateUser(admin_, a).status().code(), core::Code::kAlreadyExists);
  // A new password ends the sessions made with the old one.
  const std::string before = SignIn("wanghong", "wanghong-password-1").session->secret;
  ASSERT_TRUE(service_->SetUserPassword(admin_, clerk.id, "wanghong-password-2").ok());
  EXPECT_FALSE(service_->ResumeSession(before).ok());
  EXPECT_FALSE(SignIn("wanghong", "wanghong-password-1").session.has_value());
  EXPECT_TRUE(SignIn("wanghong", "wanghong-password-2").session.has_value());
  EXPECT_EQ(service_->ListUsers(admin_)->size(), 1u);
}

TEST_F(AccountsTest, TheQueueHoldsTheDistrictsFilingsMostUrgentFirst) {
  MakeUser("ruixiang", Role::kEnterprise);
  MakeUser("wanghong", Role::kBureau, "朝阳区");
  MakeUser("zhaoliu", Role::kBureau, "海淀区");
  const Identity enterprise =
      service_->ResumeSession(SignIn("ruixiang", "ruixiang-password-1").session->secret)->identity;
  const Identity clerk = service_->ResumeSession(SignIn("wanghong", "wanghong-password-1").session->secret)->identity;
  const Identity other =
      service_->ResumeSession(SignIn("zhaoliu", "zhaoliu-password-1").session->secret)->identity;
  auto issue = [&]() {
    std::vector<core::Problem> problems;
    core::Result<DocumentInfo> d = service_->Issue(
        enterprise, IssueRequest{"commitment-letter", *service_->FindKind("commitment-letter")->example, "", ""},
        problems);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? d->id : 0;
  };
  // Accepted on Monday 12-07 (due 12-21) and on Thursday 12-10 (due 12-24).
  const int64_t early = issue(), late = issue(), submitted = issue(), quiet = issue();
  ASSERT_TRUE(service_->Accept(clerk, early).ok());
  SetNow("2026-12-10T09:00:00+08:00");
  ASSERT_TRUE(service_->Accept(clerk, late).ok());
  core::Result<std::string> paper = service_->ReadPdf(enterprise, submitted);
  ASSERT_TRUE(paper.ok());
  ASSERT_TRUE(service_->AttachScan(enterprise, submitted, *paper, "盖章件.pdf", /*of_record=*/false).ok());

  // Friday 12-18: the first is due on Monday (1 working day), the second
  // on Thursday (4).
  SetNow("2026-12-18T09:00:00+08:00");
  core::Result<std::vector<QueueItem>> queue = service_->Queue(clerk);
  ASSERT_TRUE(queue.ok()) << queue.status().ToString();
  ASSERT_EQ(queue->size(), 3u) << "an issued paper nobody handed in waits elsewhere";
  EXPECT_EQ(queue->at(0).document.id, early);
  EXPECT_EQ(queue->at(0).awaiting, "decision");
  EXPECT_EQ(queue->at(0).working_days_left, 1);
  EXPECT_EQ(queue->at(0).warning, "due_soon");
  EXPECT_EQ(queue->at(1).document.id, late);
  EXPECT_EQ(queue->at(1).working_days_left, 4);
  EXPECT_EQ(queue->at(1).warning, "");
  EXPECT_EQ(queue->at(2).document.id, submitted);
  EXPECT_EQ(queue->at(2).awaiting, "acceptance");
  EXPECT_FALSE(queue->at(2).working_days_left.has_value());
  (void)quiet;

  // Tuesday 12-22: the first is overdue by one working day.
  SetNow("2026-12-22T09:00:00+08:00");
  queue = service_->Queue(clerk);
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->at(0).working_days_left, -1);
  EXPECT_EQ(queue->at(0).warning, "overdue");
  EXPECT_EQ(queue->at(1).warning, "due_soon");

  ASSERT_TRUE(service_->File(clerk, early, "朝备2026-001").ok());
  EXPECT_EQ(service_->Queue(clerk)->size(), 2u);
  EXPECT_TRUE(service_->Queue(other)->empty()) << "another district's queue";
  EXPECT_EQ(service_->Queue(enterprise).status().code(), core::Code::kPermissionDenied);
  EXPECT_EQ(service_->AuditOf(other, early).status().code(), core::Code::kNotFound);
}

TEST_F(AccountsTest, DocumentsKeepThePublicAddressTheyWerePrintedWith) {
  EXPECT_EQ(service_->SetPublicUrl("https://beian.example.gov.cn/").code(), core::Code::kInvalidArgument);
  EXPECT_EQ(service_->SetPublicUrl("beian.example.gov.cn").code(), core::Code::kInvalidArgument);
  ASSERT_TRUE(service_->SetPublicUrl("https://beian.example.gov.cn").ok());
  std::vector<core::Problem> problems;
  core::Result<DocumentInfo> first = service_->Issue(
      admin_, IssueRequest{"commitment-letter", *service_->FindKind("commitment-letter")->example, "", ""}, problems);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(service_->SetPublicUrl("https://beian.other.gov.cn").ok());
  core::Result<DocumentInfo> second = service_->Issue(
      admin_, IssueRequest{"commitment-letter", *service_->FindKind("commitment-letter")->example, "", ""}, problems);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(first->sha256, second->sha256);
  // Each re-renders byte for byte with its own address.
  core::Result<VerifyOutcome> verified = service_->Verify(admin_);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_TRUE(verified->problems.empty()) << verified->problems.at(0).message;
  EXPECT_EQ(verified->documents_rerendered, 2);
}

}  // namespace
}  // namespace beian::service
