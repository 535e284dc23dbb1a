// The DA/T 70-2018 四性检测 of an archive: every item passes on a sound archive
// (virus scanning says it was not performed), and each way of damaging the
// archive fails the item it belongs to, naming what is wrong.
#include <sqlite3.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "beian/core/json.h"
#include "beian/service/archive_check.h"
#include "beian/service/filing_service.h"
#include "hostile_files.h"
#include "process.h"
#include "row_digest.h"

namespace beian::service {
namespace {

namespace fs = std::filesystem;
using beian::testing::TempDir;

std::string ExecSql(const std::string& catalog, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(catalog.c_str(), &db);
  char* error = nullptr;
  sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  return message;
}

std::vector<std::string> Column(const std::string& catalog, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(catalog.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  std::vector<std::string> out;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

std::unique_ptr<FilingService> OpenService(const std::string& data_dir) {
  ServiceOptions options;
  options.root = beian::testing::SourceRoot();
  options.data_dir = data_dir;
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
    catalog_ = copy_.File("var") + "/catalog.sqlite3";
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

  // Recomputes every chain hash and the head, and has migration 5 rebuild the
  // Merkle tree: the catalog agrees with itself again.
  void Rechain() {
    const std::vector<std::string> standards =
        Column(catalog_, "SELECT json_array(id, pdf_standard, ofd_sha256, ofd_sm3, ofd_bytes) FROM documents");
    std::string prev = archive::GenesisHash(), sql;
    for (const std::string& row :
         Column(catalog_, "SELECT json_array(seq, at, actor, action, subject, detail) FROM audit_log ORDER BY seq")) {
      const core::Json f = *core::ParseJson(row);
      archive::AuditEntry e;
      e.seq = f.as_array()[0].as_int();
      e.at = f.as_array()[1].as_string();
      e.actor = f.as_array()[2].as_string();
      e.action = f.as_array()[3].as_string();
      e.subject = f.as_array()[4].as_string();
      e.detail = f.as_array()[5].as_string();
      e.prev_hash = prev;
      e.hash = archive::AuditEntryHash(e);
      sql += "UPDATE audit_log SET prev_hash = '" + prev + "', hash = '" + e.hash + "' WHERE seq = " +
             std::to_string(e.seq) + ";";
      prev = e.hash;
    }
    sql += "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_log), hash = '" + prev +
           "'; DROP INDEX documents_ofd_sha256; ALTER TABLE documents DROP COLUMN ofd_sha256; "
           "ALTER TABLE documents DROP COLUMN ofd_sm3; ALTER TABLE documents DROP COLUMN ofd_bytes; "
           "ALTER TABLE documents DROP COLUMN pdf_standard; DROP TABLE user_sessions; DROP TABLE users; DROP TABLE signin_failures; "
           "ALTER TABLE documents DROP COLUMN verify_url; "
           "DROP TABLE merkle_nodes; DROP TABLE checkpoint_state; DROP INDEX audit_log_subject; "
           "PRAGMA user_version = 4;";
    ASSERT_EQ(ExecSql(catalog_, sql), "");
    // The migrations rebuild the tree and add pdf_standard and the OFD
    // columns back, empty: put the documents' own back, as whoever rewrote
    // the log would.
    ASSERT_NE(OpenService(copy_.File("var")), nullptr);
    std::string restore;
    for (const std::string& row : standards) {
      const core::Json f = *core::ParseJson(row);
      restore += "UPDATE documents SET pdf_standard = '" + f.as_array()[1].as_string() + "', ofd_sha256 = '" +
                 f.as_array()[2].as_string() + "', ofd_sm3 = '" + f.as_array()[3].as_string() +
                 "', ofd_bytes = " + std::to_string(f.as_array()[4].as_int()) +
                 " WHERE id = " + std::to_string(f.as_array()[0].as_int()) + ";";
    }
    ASSERT_EQ(ExecSql(catalog_, restore), "");
  }

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
