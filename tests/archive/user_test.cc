// People who sign in, in the catalog: users audited like tokens (verify names
// a role raised or a password hash swapped behind the archive's back),
// sessions that end with their user, failed sign-ins counted per username;
// and a document's verification address kept for re-rendering.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/bagit.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/digest.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::SampleDocument;
using testing::TempDir;

// Not a real scrypt hash: the archive stores what it is given (the service
// hashes), and checks only its form.
constexpr char kHash[] = "$scrypt$ln=15,r=8,p=1$c2FsdHNhbHRzYWx0$aGFzaA";

NewUser Clerk(const std::string& username = "wanghong") {
  NewUser u;
  u.username = username;
  u.role = AccessRole::kBureau;
  u.district = "朝阳区";
  u.name = "北京市朝阳区住房和城乡建设委员会";
  u.display_name = "王红";
  u.password_hash = kHash;
  u.created_by = "cli admin";
  return u;
}

NewUserSession Session(int64_t user_id, const std::string& secret) {
  NewUserSession s;
  s.secret_sha256 = core::Sha256Hex(secret);
  s.user_id = user_id;
  s.created_at = "2026-12-07T09:00:00+08:00";
  s.idle_until = "2026-12-07T09:30:00+08:00";
  s.expires_at = "2026-12-07T21:00:00+08:00";
  return s;
}

class UserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenTestArchive(dir_.path() + "/archive");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
  }

  std::vector<Finding> Problems() {
    auto report = archive_->VerifyStorage();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report->problems : std::vector<Finding>{};
  }

  TempDir dir_;
  std::unique_ptr<CatalogArchive> archive_;
};

TEST_F(UserTest, RecordedOnceByUsernameWithItsScopeAndAnAuditEntry) {
  auto made = archive_->AddUser(Clerk());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  auto found = archive_->FindUser("wanghong");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, made->id);
  EXPECT_EQ(found->district, "朝阳区");
  EXPECT_EQ(found->password_hash, kHash);
  EXPECT_FALSE(found->disabled());
  EXPECT_EQ(archive_->AddUser(Clerk()).status().code(), core::Code::kFailedPrecondition);
  EXPECT_EQ(archive_->FindUser("lisi").status().code(), core::Code::kNotFound);
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT actor || ' ' || action || ' ' || subject FROM audit_log ORDER BY seq")
                .back(),
            "cli admin user-create user wanghong");
  EXPECT_TRUE(Problems().empty());
}

TEST_F(UserTest, RefusesMalformedUsersAndScopes) {
  NewUser u = Clerk("Wang Hong");
  EXPECT_EQ(archive_->AddUser(u).status().code(), core::Code::kInvalidArgument);
  u = Clerk("-wang");
  EXPECT_EQ(archive_->AddUser(u).status().code(), core::Code::kInvalidArgument);
  u = Clerk();
  u.district = "";
  EXPECT_EQ(archive_->AddUser(u).status().code(), core::Code::kInvalidArgument);
  u = Clerk();
  u.password_hash = "plain-password";
  EXPECT_EQ(archive_->AddUser(u).status().code(), core::Code::kInvalidArgument);
  u = Clerk();
  u.display_name = "110105194912310025";  // an ID number is no name
  EXPECT_EQ(archive_->AddUser(u).status().code(), core::Code::kInvalidArgument);
  u = Clerk();
  u.role = AccessRole::kEnterprise;
  u.district = "";
  u.credit_code = "91110105MA01234567";
  u.name = "北京市朝阳物业管理有限公司";
  EXPECT_TRUE(archive_->AddUser(u).ok());
}

TEST_F(UserTest, DisablingOrANewPasswordEndsEverySessionOfTheUser) {
  auto made = archive_->AddUser(Clerk());
  ASSERT_TRUE(made.ok());
  ASSERT_TRUE(archive_->AddUserSession(Session(made->id, "one")).ok());
  ASSERT_TRUE(archive_->AddUserSession(Session(made->id, "two")).ok());
  EXPECT_EQ(archive_->AddUserSession(Session(made->id, "two")).code(), core::Code::kFailedPrecondition);

  ASSERT_TRUE(archive_->TouchUserSession(core::Sha256Hex("one"), "2026-12-07T22:00:00+08:00").ok());
  EXPECT_EQ(archive_->FindUserSession(core::Sha256Hex("one"))->idle_until, "2026-12-07T21:00:00+08:00")
      << "never past its expiry";
  ASSERT_TRUE(archive_->EndUserSession(core::Sha256Hex("one")).ok());
  EXPECT_FALSE(archive_->FindUserSession(core::Sha256Hex("one"))->ended_at.empty());
  EXPECT_TRUE(archive_->FindUserSession(core::Sha256Hex("two"))->ended_at.empty());

  auto changed = archive_->SetUserPassword(made->id, "$scrypt$ln=15,r=8,p=1$bmV3c2FsdA$bmV3aGFzaA", "cli admin");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_FALSE(archive_->FindUserSession(core::Sha256Hex("two"))->ended_at.empty());

  ASSERT_TRUE(archive_->AddUserSession(Session(made->id, "three")).ok());
  auto disabled = archive_->DisableUser(made->id, "cli admin");
  ASSERT_TRUE(disabled.ok());
  EXPECT_TRUE(disabled->disabled());
  EXPECT_FALSE(archive_->FindUserSession(core::Sha256Hex("three"))->ended_at.empty());
  EXPECT_EQ(archive_->DisableUser(made->id, "cli admin")->disabled_at, disabled->disabled_at);
  EXPECT_EQ(archive_->DisableUser(99, "cli admin").status().code(), core::Code::kNotFound);
  EXPECT_TRUE(Problems().empty());
}

TEST_F(UserTest, FailedSignInsAreCountedPerUsernameUntilCleared) {
  EXPECT_EQ(archive_->GetSignInFailures("wanghong")->failures, 0);
  EXPECT_EQ(archive_->RecordSignInFailure("wanghong")->failures, 1);
  EXPECT_EQ(archive_->RecordSignInFailure("wanghong")->failures, 2);
  EXPECT_EQ(archive_->RecordSignInFailure("nobody")->failures, 1);
  const SignInFailures now = *archive_->GetSignInFailures("wanghong");
  EXPECT_EQ(now.failures, 2);
  EXPECT_FALSE(now.last_failed_at.empty());
  ASSERT_TRUE(archive_->ClearSignInFailures("wanghong").ok());
  EXPECT_EQ(archive_->GetSignInFailures("wanghong")->failures, 0);
  EXPECT_EQ(archive_->GetSignInFailures("nobody")->failures, 1);
}

TEST_F(UserTest, VerifyNamesARaisedRoleASwappedPasswordAndADeletedUser) {
  auto clerk = archive_->AddUser(Clerk());
  auto other = archive_->AddUser(Clerk("lisi"));
  ASSERT_TRUE(clerk.ok() && other.ok());
  const std::string catalog = archive_->catalog();
  ASSERT_EQ(ExecSql(catalog, "UPDATE users SET role = 'admin', district = '', name = '' WHERE id = " +
                                 std::to_string(clerk->id)),
            "");
  std::vector<Finding> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, FindingKind::kRowEdited);
  EXPECT_NE(problems[0].message.find("user " + std::to_string(clerk->id) + " wanghong"), std::string::npos);

  ASSERT_EQ(ExecSql(catalog, "UPDATE users SET role = 'bureau', district = '朝阳区', "
                             "name = '北京市朝阳区住房和城乡建设委员会', password_hash = "
                             "'$scrypt$ln=10,r=8,p=1$YXR0YWNrZXI$a25vd24' WHERE id = " +
                                 std::to_string(clerk->id)),
            "");
  problems = Problems();
  ASSERT_EQ(problems.size(), 1u) << "a password hash swapped for a known one";
  EXPECT_EQ(problems[0].kind, FindingKind::kRowEdited);

  ASSERT_EQ(ExecSql(catalog, "DELETE FROM users WHERE id = " + std::to_string(other->id)), "");
  problems = Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[1].kind, FindingKind::kRowMissing);
  EXPECT_NE(problems[1].message.find("user " + std::to_string(other->id)), std::string::npos);
}

TEST_F(UserTest, AUserAddedBehindTheArchiveIsNotAudited) {
  ASSERT_EQ(ExecSql(archive_->catalog(),
                    "INSERT INTO users (username, role, credit_code, district, name, display_name, "
                    "password_hash, created_by, created_at) VALUES ('mallory', 'admin', '', '', '', 'M', '" +
                        std::string(kHash) + "', 'x', '2026-12-07T09:00:00+08:00')"),
            "");
  std::vector<Finding> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, FindingKind::kRowNotAudited);
}

TEST_F(UserTest, ADocumentKeepsItsVerificationAddressThroughVerifyAndBagIt) {
  NewDocument d = SampleDocument(1, "京朝备〔2026〕000001号");
  d.verify_url = "https://beian.example.gov.cn";
  auto stored = archive_->Ingest(d);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(archive_->Get(stored->id)->verify_url, "https://beian.example.gov.cn");
  EXPECT_TRUE(Problems().empty());
  ASSERT_EQ(ExecSql(archive_->catalog(), "UPDATE documents SET verify_url = 'https://evil.example'"), "");
  std::vector<Finding> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, FindingKind::kRowEdited);
  ASSERT_EQ(ExecSql(archive_->catalog(), "UPDATE documents SET verify_url = 'https://beian.example.gov.cn'"),
            "");

  const std::string bag = dir_.path() + "/bag";
  ASSERT_TRUE(ExportBag(*archive_, bag, {}, "tester").ok());
  auto restored = OpenTestArchive(dir_.path() + "/restored");
  ASSERT_TRUE(restored.ok());
  ASSERT_TRUE(ImportBag(**restored, bag, "tester").ok());
  EXPECT_EQ((*restored)->FindByNumber("京朝备〔2026〕000001号")->verify_url, "https://beian.example.gov.cn");

  for (const char* bad : {"ftp://x.example", "https://", "https://x.example/", "https://x.example/v?a=1",
                          "https://x .example", "javascript:alert(1)"}) {
    NewDocument other = SampleDocument(2, "京朝备〔2026〕000002号");
    other.verify_url = bad;
    EXPECT_EQ(archive_->Ingest(other).status().code(), core::Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace beian::archive
