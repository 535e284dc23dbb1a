// The DA/T 70-2018 四性检测 of an archive: every item passes on a sound archive
// (virus scanning says it was not performed), and each way of damaging the
// archive fails the item it belongs to, naming what is wrong.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "archive_test_util.h"
#include "beian/core/json.h"
#include "beian/service/archive_check.h"
#include "beian/service/filing_service.h"
#include "hostile_files.h"
#include "process.h"
#include "test_catalog.h"
#include "row_digest.h"

namespace beian::service {
namespace {

namespace fs = std::filesystem;
using beian::testing::TempDir;

std::string ExecSql(const std::string& catalog, const std::string& sql) {
  return beian::testing::ExecCatalogSql(catalog, sql);
}

std::vector<std::string> Column(const std::string& catalog, const std::string& sql) {
  return beian::testing::QueryCatalogColumn(catalog, sql);
}

std::unique_ptr<FilingService> OpenService(const std::string& data_dir) {
  ServiceOptions options;
  options.root = beian::testing::SourceRoot();
  options.data_dir = data_dir;
  options.catalog = beian::testing::TestCatalogFor(data_dir);
  options.uploads.executable = BEIAN_BINARY;
  auto opened = FilingService::Open(options);
  EXPECT_TRUE(opened.ok()) << opened.status().ToString();
  return opened.ok() ? std::move(opened).value() : nullptr;
}

// The items that did not pass, as "code result".
std::set<std::string> NotPassed(const ArchiveCheck& check) {
  std::set<std::string> out;
  for (const CheckItem& i : check.items) {
    if (i.result != CheckResult::kPass) out.insert(i.code + " " + std::string(CheckResultName(i.result)));
  }
  return out;
}

std::string Describe(const ArchiveCheck& check) {
  return core::WritePrettyJson(ArchiveCheckJson(check));
}

class ArchiveCheckTest : public ::testing::Test {
 protected:
  // A sound archive: three documents, a copy of record, a marked reprint,
  // two checkpoints signed; closed.
  static void SetUpTestSuite() {
    pristine_ = new TempDir;
    auto service = OpenService(Var());
    const Identity admin = LocalAdministrator("档案员");
    std::vector<int64_t> ids;
    for (const char* kind : {"contract-filing", "commitment-letter", "authorization-letter"}) {
      std::vector<core::Problem> problems;
      auto doc = service->Issue(admin, IssueRequest{kind, *service->FindKind(kind)->example, "", ""}, problems);
      ASSERT_TRUE(doc.ok()) << doc.status().ToString();
      ids.push_back(doc->id);
    }
    ASSERT_TRUE(service->Checkpoint(admin).ok());  // a first checkpoint; closing signs a second
    ASSERT_TRUE(service->AttachScan(admin, ids[0], beian::testing::PdfWithObjects(1), "签章件.pdf", true).ok());
    ASSERT_TRUE(service->Reprint(admin, ids[1], true, "档案员").ok());
  }
  static void TearDownTestSuite() { delete pristine_; }
  static std::string Var() { return pristine_->File("var"); }

  // A copy of the sound archive to damage.
  void SetUp() override {
    fs::copy(Var(), copy_.File("var"), fs::copy_options::recursive);
    beian::testing::CopyTestCatalog(Var(), copy_.File("var"));
    catalog_ = beian::testing::TestCatalogIn(copy_.File("var"));
  }

  ArchiveCheck Check() {
    auto service = OpenService(copy_.File("var"));
    auto check = service->CheckArchive(LocalAdministrator("档案员"));
    EXPECT_TRUE(check.ok()) << check.status().ToString();
    return check.ok() ? *check : ArchiveCheck{};
  }

  const CheckItem& ItemOf(const ArchiveCheck& check, const std::string& code) {
    for (const CheckItem& i : check.items) {
      if (i.code == code) return i;
    }
    static const CheckItem kNone;
    ADD_FAILURE() << "no item " << code;
    return kNone;
  }

  // Recomputes every chain hash and the head and rebuilds the Merkle tree:
  // the catalog agrees with itself again.
  void Rechain() { archive::testing::RechainAuditLog(catalog_); }

  static TempDir* pristine_;
  TempDir copy_;
  std::string catalog_;
};

TempDir* ArchiveCheckTest::pristine_ = nullptr;

TEST_F(ArchiveCheckTest, ASoundArchivePassesEveryItemAndSaysWhatItDidNotCheck) {
  const ArchiveCheck check = Check();
  EXPECT_TRUE(check.passed()) << Describe(check);
  EXPECT_EQ(NotPassed(check), (std::set<std::string>{"4.1 not-performed"})) << Describe(check);
  EXPECT_EQ(check.documents, 3);
  EXPECT_EQ(check.signed_copies, 1);
  EXPECT_EQ(check.reprints, 1);
  EXPECT_EQ(ItemOf(check, "3.1").checked, 5) << "3 documents, the copy, the marked reprint";
  EXPECT_GT(ItemOf(check, "4.4").checked, 5);
  EXPECT_NE(check.Conclusion().find("所检 11 项均通过"), std::string::npos) << check.Conclusion();
  EXPECT_NE(check.Conclusion().find("4.1 病毒感染检测未做"), std::string::npos);
  // The report renders as its own kind, two pages of what was checked.
  auto service = OpenService(copy_.File("var"));
  std::vector<core::Problem> problems;
  auto pdf = service->Render("archive-check-report", ArchiveCheckReportData(check), "", check.checked_at, problems);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString() << (problems.empty() ? "" : core::FormatProblem(problems[0]));
  TempDir out;
  beian::testing::WriteFileOrDie(out.File("report.pdf"), pdf->pdf);
  const std::string text = beian::testing::StripWhitespace(beian::testing::PdfText(out.File("report.pdf")));
  for (const char* expected : {"电子档案四性检测报告", "固化信息有效性检测", "病毒感染检测", "未检测", "所检11项均通过"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected;
  }
  // Nobody issues it: it is made from the archive.
  auto issued = service->Issue(LocalAdministrator("档案员"),
                               IssueRequest{"archive-check-report", ArchiveCheckReportData(check), "", ""}, problems);
  EXPECT_EQ(issued.status().code(), core::Code::kPermissionDenied);
}

TEST_F(ArchiveCheckTest, TailEntriesDeletedWithTheHeadFixedFailCompleteness) {
  ASSERT_EQ(ExecSql(catalog_,
                    "DELETE FROM reprints; DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);"),
            "");
  Rechain();
  const ArchiveCheck check = Check();
  EXPECT_EQ(ItemOf(check, "2.3").result, CheckResult::kFail) << Describe(check);
  EXPECT_FALSE(check.passed());
}

TEST_F(ArchiveCheckTest, AMiddleEntryRewrittenFailsAuthenticity) {
  ASSERT_EQ(ExecSql(catalog_, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"), "");
  Rechain();
  const ArchiveCheck check = Check();
  EXPECT_EQ(ItemOf(check, "1.3").result, CheckResult::kFail) << Describe(check);
  EXPECT_EQ(NotPassed(check), (std::set<std::string>{"1.3 fail", "4.1 not-performed"})) << Describe(check);
}

TEST_F(ArchiveCheckTest, EditedCountersFailTheNumberSequence) {
  ASSERT_EQ(ExecSql(catalog_, "UPDATE number_counters SET next_serial = 1"), "");
  const ArchiveCheck check = Check();
  EXPECT_EQ(NotPassed(check), (std::set<std::string>{"2.2 fail", "4.1 not-performed"})) << Describe(check);
}

TEST_F(ArchiveCheckTest, AnOlderOrMissingCheckpointsFileFailsCompleteness) {
  const std::string file = copy_.File("var") + "/checkpoints";
  const std::string text = beian::testing::ReadFileOrDie(file);
  // The file as it stood after its first checkpoint.
  const size_t first = text.find("\nbeian-checkpoint/1 ");
  ASSERT_NE(first, std::string::npos);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  beian::testing::WriteFileOrDie(file, text.substr(0, text.find('\n', first + 1) + 1));
  EXPECT_EQ(ItemOf(Check(), "2.3").result, CheckResult::kFail);
  fs::remove(file);
  const ArchiveCheck check = Check();
  EXPECT_EQ(ItemOf(check, "2.3").result, CheckResult::kFail) << Describe(check);
}

TEST_F(ArchiveCheckTest, AReplacedSigningKeyFailsAuthenticity) {
  fs::remove(copy_.File("var") + "/keys/checkpoint.pem");
  fs::remove(copy_.File("var") + "/keys/checkpoint.pem.pub");
  const ArchiveCheck check = Check();  // a new key is made on opening
  EXPECT_EQ(ItemOf(check, "1.3").result, CheckResult::kFail) << Describe(check);
  bool named = false;
  for (const CheckFailure& f : ItemOf(check, "1.3").failures) {
    if (f.message.find("the signing key was replaced") != std::string::npos) named = true;
  }
  EXPECT_TRUE(named) << Describe(check);
}

TEST_F(ArchiveCheckTest, AChangedBlobFailsFixityAndAReadableBlobFailsStorageSecurity) {
  const std::string sha = Column(catalog_, "SELECT sha256 FROM documents ORDER BY id LIMIT 1").at(0);
  const std::string blob = copy_.File("var") + "/blobs/" + sha.substr(0, 2) + "/" + sha.substr(2);
  fs::permissions(blob, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::replace);
  std::string bytes = beian::testing::ReadFileOrDie(blob);
  bytes[bytes.size() / 2] ^= 1;
  beian::testing::WriteFileOrDie(blob, bytes);
  const ArchiveCheck check = Check();
  EXPECT_EQ(ItemOf(check, "1.1").result, CheckResult::kFail) << Describe(check);
  EXPECT_EQ(ItemOf(check, "4.4").result, CheckResult::kFail) << Describe(check);
  ASSERT_FALSE(ItemOf(check, "4.4").failures.empty());
  EXPECT_EQ(ItemOf(check, "4.4").failures[0].object, blob);
}

TEST_F(ArchiveCheckTest, AScriptInAStoredPdfFailsTheMaliciousCodeItem) {
  auto service = OpenService(copy_.File("var"));
  const Identity admin = LocalAdministrator("档案员");
  const int64_t id = std::stoll(Column(catalog_, "SELECT id FROM documents ORDER BY id LIMIT 1").at(0));
  ASSERT_TRUE(service->AttachScan(admin, id, beian::testing::PdfWithScript(), "提交件.pdf", false).ok());
  auto check = service->CheckArchive(admin);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(NotPassed(*check), (std::set<std::string>{"4.2 fail", "4.1 not-performed"})) << Describe(*check);
  EXPECT_EQ(ItemOf(*check, "4.2").failures.size(), 2u) << "the script and the launch action";
}

}  // namespace
}  // namespace beian::service
