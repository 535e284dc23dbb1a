// Access tokens in the catalog: scopes by role, lookup by the secret's
// digest, revocation, audit entries, and verify noticing an edited or deleted
// token row (a role raised to admin behind the archive's back).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/digest.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::TempDir;

constexpr char kCreditCode[] = "91110105MA01234567";

NewAccessToken Token(AccessRole role, const std::string& secret) {
  NewAccessToken t;
  t.role = role;
  if (role == AccessRole::kEnterprise) {
    t.credit_code = kCreditCode;
    t.name = "北京市朝阳物业管理有限公司";
  }
  if (role == AccessRole::kBureau) {
    t.district = "朝阳区";
    t.name = "北京市朝阳区住房和城乡建设委员会";
  }
  t.label = "测试";
  t.created_by = "admin-wang";
  t.secret_sha256 = core::Sha256Hex(secret);
  return t;
}

class AccessTokenTest : public ::testing::Test {
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

TEST_F(AccessTokenTest, FoundBySecretDigestWithItsScope) {
  auto enterprise =
      archive_->AddAccessToken(Token(AccessRole::kEnterprise, "secret-e"));
  auto bureau = archive_->AddAccessToken(Token(AccessRole::kBureau, "secret-b"));
  auto admin = archive_->AddAccessToken(Token(AccessRole::kAdmin, "secret-a"));
  ASSERT_TRUE(enterprise.ok()) << enterprise.status().ToString();
  ASSERT_TRUE(bureau.ok()) << bureau.status().ToString();
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();

  auto found = archive_->FindAccessToken(core::Sha256Hex("secret-b"));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, bureau->id);
  EXPECT_EQ(found->role, AccessRole::kBureau);
  EXPECT_EQ(found->district, "朝阳区");
  EXPECT_FALSE(found->revoked());
  EXPECT_EQ(archive_->FindAccessToken(core::Sha256Hex("secret-x")).status().code(),
            core::Code::kNotFound);
  // The secret itself is nowhere in the catalog.
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT count(*) FROM access_tokens WHERE "
                        "secret_sha256 LIKE '%secret%'")
                .at(0),
            "0");
  EXPECT_EQ(archive_->ListAccessTokens()->size(), 3u);
  EXPECT_EQ(archive_->AddAccessToken(Token(AccessRole::kAdmin, "secret-a"))
                .status()
                .code(),
            core::Code::kFailedPrecondition);
  EXPECT_TRUE(Problems().empty());
}

TEST_F(AccessTokenTest, EachRoleNeedsItsOwnScope) {
  NewAccessToken no_code = Token(AccessRole::kEnterprise, "a");
  no_code.credit_code = "";
  NewAccessToken bad_district = Token(AccessRole::kBureau, "b");
  bad_district.district = "崇文区";  // merged into 东城区 in 2010
  NewAccessToken scoped_admin = Token(AccessRole::kAdmin, "c");
  scoped_admin.district = "朝阳区";
  NewAccessToken clear_secret = Token(AccessRole::kAdmin, "d");
  clear_secret.secret_sha256 = "not-a-digest";
  for (const NewAccessToken& t :
       {no_code, bad_district, scoped_admin, clear_secret}) {
    EXPECT_EQ(archive_->AddAccessToken(t).status().code(),
              core::Code::kInvalidArgument);
  }
  EXPECT_TRUE(archive_->ListAccessTokens()->empty());
}

TEST_F(AccessTokenTest, RevocationIsRecordedAndFinal) {
  auto token = archive_->AddAccessToken(Token(AccessRole::kAdmin, "s"));
  ASSERT_TRUE(token.ok());
  auto revoked = archive_->RevokeAccessToken(token->id, "admin-wang");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_TRUE(revoked->revoked());
  EXPECT_TRUE(archive_->FindAccessToken(core::Sha256Hex("s"))->revoked());
  EXPECT_EQ(archive_->RevokeAccessToken(999, "admin-wang").status().code(),
            core::Code::kNotFound);
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT action FROM audit_log ORDER BY seq"),
            (std::vector<std::string>{"token-create", "token-revoke"}));
  EXPECT_TRUE(Problems().empty());
}

TEST_F(AccessTokenTest, VerifyNamesAnEditedOrDeletedTokenRow) {
  auto enterprise =
      archive_->AddAccessToken(Token(AccessRole::kEnterprise, "e"));
  auto bureau = archive_->AddAccessToken(Token(AccessRole::kBureau, "b"));
  ASSERT_TRUE(enterprise.ok() && bureau.ok());
  const std::string catalog = archive_->catalog();
  ASSERT_EQ(ExecSql(catalog,
                    "UPDATE access_tokens SET role = 'admin', credit_code = '' "
                    "WHERE id = " + std::to_string(enterprise->id)),
            "");
  std::vector<Finding> problems = Problems();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, FindingKind::kRowEdited);
  EXPECT_NE(problems[0].message.find("access token " +
                                     std::to_string(enterprise->id)),
            std::string::npos);

  ASSERT_EQ(ExecSql(catalog, "DELETE FROM access_tokens WHERE id = " +
                                 std::to_string(bureau->id)),
            "");
  problems = Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[1].kind, FindingKind::kRowMissing);
  EXPECT_NE(problems[1].message.find("access token " +
                                     std::to_string(bureau->id)),
            std::string::npos);
}

}  // namespace
}  // namespace beian::archive
