// The lifecycle of a document (issued → signed → accepted → filed | refused;
// any → revoked): ChangeStatus, its audit entries, the lifecycle fields, and
// verify naming a field edited behind the archive's back. Also submitted
// copies (of_record false), which change no status.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::SampleDocument;
using testing::TempDir;

using S = DocumentStatus;

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ArchiveOptions options;
    options.now = [this] { return now_; };
    auto opened = OpenTestArchive(dir_.path() + "/archive", options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
    NewDocument doc = SampleDocument(1, "");
    doc.number = *archive_->AllocateNumber("朝阳区", 2026, doc.kind);
    auto stored = archive_->Ingest(doc);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    doc_ = *stored;
  }

  StatusChange Accept(std::vector<S> from = {S::kIssued, S::kSigned}) {
    return testing::Acceptance(doc_.id, std::move(from));
  }
  StatusChange File() {
    StatusChange c;
    c.document_id = doc_.id;
    c.from = {S::kAccepted};
    c.to = S::kFiled;
    c.actor = "chief-zhao";
    c.filing_number = "朝物备字〔2026〕第0042号";
    return c;
  }
  StatusChange Refuse() {
    StatusChange c = File();
    c.filing_number.clear();
    c.to = S::kRefused;
    c.reason = "缺少项目负责人";
    return c;
  }

  std::vector<Finding> Problems() {
    auto report = archive_->VerifyStorage();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? report->problems : std::vector<Finding>{};
  }

  core::Json LastDetail() {
    return *core::ParseJson(QueryColumn(
        archive_->catalog(),
        "SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1")[0]);
  }

  TempDir dir_;
  std::string now_ = "2026-12-07T09:30:00+08:00";
  std::unique_ptr<CatalogArchive> archive_;
  Document doc_;
};

TEST_F(LifecycleTest, NamesOfTheStatesRoundTrip) {
  for (S s : {S::kIssued, S::kSigned, S::kAccepted, S::kFiled, S::kRefused,
              S::kRevoked}) {
    EXPECT_EQ(*ParseDocumentStatus(DocumentStatusName(s)), s);
  }
  EXPECT_EQ(DocumentStatusName(S::kAccepted), "accepted");
  EXPECT_EQ(DocumentStatusName(S::kFiled), "filed");
  EXPECT_EQ(DocumentStatusName(S::kRefused), "refused");
  EXPECT_FALSE(ParseDocumentStatus("archived").ok());
}

TEST_F(LifecycleTest, AcceptThenFileRecordsEveryFactAndAuditsEachStep) {
  auto accepted = archive_->ChangeStatus(Accept());
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->status, S::kAccepted);
  EXPECT_EQ(accepted->accepted_on, "2026-12-07");
  EXPECT_EQ(accepted->decision_due, "2026-12-21");
  EXPECT_EQ(accepted->decided_at, "");
  core::Json detail = LastDetail();
  EXPECT_EQ(detail.Find("from")->as_string(), "issued");
  EXPECT_EQ(detail.Find("to")->as_string(), "accepted");
  EXPECT_EQ(detail.Find("accepted_on")->as_string(), "2026-12-07");
  EXPECT_EQ(detail.Find("decision_due")->as_string(), "2026-12-21");

  now_ = "2026-12-15T16:00:00+08:00";
  StatusChange file = File();
  file.detail = core::Json::MakeObject();
  file.detail.Set("note", "材料齐全");
  auto filed = archive_->ChangeStatus(file);
  ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  EXPECT_EQ(filed->status, S::kFiled);
  EXPECT_EQ(filed->filing_number, "朝物备字〔2026〕第0042号");
  EXPECT_EQ(filed->decided_at, "2026-12-15T16:00:00+08:00");
  EXPECT_EQ(filed->accepted_on, "2026-12-07");  // earlier facts stay
  detail = LastDetail();
  EXPECT_EQ(detail.Find("note")->as_string(), "材料齐全");
  EXPECT_EQ(detail.Find("filing_number")->as_string(),
            "朝物备字〔2026〕第0042号");
  EXPECT_EQ(detail.Find("decided_at")->as_string(),
            "2026-12-15T16:00:00+08:00");
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT actor || ' ' || action FROM audit_log "
                        "WHERE seq > 1 ORDER BY seq"),
            (std::vector<std::string>{"clerk-li set-status",
                                      "chief-zhao set-status"}));
  // Get reads what ChangeStatus returned.
  const Document read = *archive_->Get(doc_.id);
  EXPECT_EQ(read.filing_number, filed->filing_number);
  EXPECT_EQ(read.decided_at, filed->decided_at);
  EXPECT_TRUE(Problems().empty());
}

TEST_F(LifecycleTest, RefusalAndRevocationKeepTheirReason) {
  ASSERT_TRUE(archive_->ChangeStatus(Accept()).ok());
  auto refused = archive_->ChangeStatus(Refuse());
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status_reason, "缺少项目负责人");
  EXPECT_EQ(refused->decided_at, now_);
  now_ = "2026-12-20T08:00:00+08:00";
  auto revoked = testing::Revoke(*archive_, doc_.id, "chief-zhao", "重复提交");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->status, S::kRevoked);
  EXPECT_EQ(revoked->revoked_at, "2026-12-20T08:00:00+08:00");
  EXPECT_EQ(revoked->status_reason, "重复提交");
  EXPECT_EQ(revoked->decided_at, "2026-12-07T09:30:00+08:00");
  EXPECT_TRUE(Problems().empty());
}

TEST_F(LifecycleTest, AStateOutsideFromIsRefusedNamingTheCurrentState) {
  ASSERT_TRUE(archive_->ChangeStatus(Accept()).ok());
  ASSERT_TRUE(archive_->ChangeStatus(File()).ok());
  // A second bureau clerk files the same document: compare-and-set fails.
  const core::Status again = archive_->ChangeStatus(File()).status();
  EXPECT_EQ(again.code(), core::Code::kFailedPrecondition);
  EXPECT_EQ(again.message(), "document " + doc_.number + " is filed");
  // `from` allows it, the lifecycle does not: filed never becomes accepted.
  const core::Status back =
      archive_->ChangeStatus(Accept({S::kFiled})).status();
  EXPECT_EQ(back.code(), core::Code::kFailedPrecondition);
  EXPECT_NE(back.message().find(doc_.number + " is filed"), std::string::npos);
  // Nothing was written by the refused changes.
  EXPECT_EQ(QueryColumn(archive_->catalog(),
                        "SELECT count(*) FROM audit_log")[0],
            "3");
  EXPECT_EQ(archive_->Get(doc_.id)->status, S::kFiled);
}

TEST_F(LifecycleTest, OnlyTheLifecycleMovesAreAllowed) {
  // issued cannot be filed or refused before it is accepted.
  StatusChange file = File();
  file.from = {S::kIssued};
  EXPECT_EQ(archive_->ChangeStatus(file).status().code(),
            core::Code::kFailedPrecondition);
  StatusChange refuse = Refuse();
  refuse.from = {S::kIssued};
  EXPECT_EQ(archive_->ChangeStatus(refuse).status().code(),
            core::Code::kFailedPrecondition);
  // Nothing goes back to issued.
  StatusChange issue;
  issue.document_id = doc_.id;
  issue.from = {S::kIssued};
  issue.to = S::kIssued;
  issue.actor = "x";
  EXPECT_EQ(archive_->ChangeStatus(issue).status().code(),
            core::Code::kInvalidArgument);
  // Revocation is final.
  ASSERT_TRUE(testing::Revoke(*archive_, doc_.id, "chief", "作废").ok());
  StatusChange again = Accept({S::kRevoked});
  const core::Status final_status = archive_->ChangeStatus(again).status();
  EXPECT_EQ(final_status.code(), core::Code::kFailedPrecondition);
  EXPECT_NE(final_status.message().find("revocation is final"),
            std::string::npos);
}

TEST_F(LifecycleTest, RequiredAndForeignFieldsAreChecked) {
  auto code = [&](const StatusChange& c) {
    return archive_->ChangeStatus(c).status().code();
  };
  StatusChange c = Accept();
  c.decision_due.clear();
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.accepted_on = "2026-02-30";
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.decision_due = "2026-12-01";  // before accepted_on
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.reason = "备注";  // a reason belongs to refusals and revocations
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.actor.clear();
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.from.clear();
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.detail = core::Json("a note");  // not an object
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.detail = core::Json::MakeObject();
  c.detail.Set("to", "filed");  // the archive's own key
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Accept();
  c.document_id = 999;
  EXPECT_EQ(code(c), core::Code::kNotFound);

  ASSERT_TRUE(archive_->ChangeStatus(Accept()).ok());
  c = File();
  c.filing_number.clear();
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  // The text policy: one line for a filing number, lines for a reason, and
  // never another control character, text out of NFC or a pile of marks.
  for (const std::string& bad : {std::string("朝物备\x1b[2J"), std::string("第1\n号"),
                                 std::string("No.\xc2\x85")}) {
    c = File();
    c.filing_number = bad;
    EXPECT_EQ(code(c), core::Code::kInvalidArgument) << bad;
  }
  std::string zalgo = "a";
  for (int i = 0; i < 99; ++i) zalgo += "\xcc\x81";  // U+0301
  for (const std::string& bad : {std::string("缺少\0项目负责人", 22), std::string("重复\a"),
                                 std::string("Cafe\xcc\x81"), zalgo}) {
    c = Refuse();
    c.reason = bad;
    const core::Status refused = archive_->ChangeStatus(c).status();
    EXPECT_EQ(refused.code(), core::Code::kInvalidArgument);
    EXPECT_NE(refused.message().find("reason: "), std::string::npos) << refused.ToString();
  }
  c = Refuse();
  c.reason.clear();
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c = Refuse();
  c.reason = std::string(501 * 3, 'x').substr(0, 0);
  for (int i = 0; i < 501; ++i) c.reason += "字";
  EXPECT_EQ(code(c), core::Code::kInvalidArgument);
  c.reason.resize(499 * 3);  // 500 characters are allowed, over lines
  c.reason += "\n";
  EXPECT_EQ(code(c), core::Code::kOk);
}

TEST_F(LifecycleTest, VerifyNamesEachLifecycleFieldEditedInTheCatalog) {
  ASSERT_TRUE(archive_->ChangeStatus(Accept()).ok());
  ASSERT_TRUE(archive_->ChangeStatus(Refuse()).ok());
  ASSERT_TRUE(Problems().empty());
  const std::string id = std::to_string(doc_.id);
  for (const char* column :
       {"accepted_on", "decision_due", "filing_number", "decided_at",
        "revoked_at", "status_reason"}) {
    ASSERT_EQ(ExecSql(archive_->catalog(),
                      "CREATE TABLE saved AS SELECT * FROM documents"),
              "");
    ASSERT_EQ(ExecSql(archive_->catalog(),
                      std::string("UPDATE documents SET ") + column +
                          " = 'edited' WHERE id = " + id),
              "");
    const std::vector<Finding> problems = Problems();
    ASSERT_EQ(problems.size(), 1u) << column;
    EXPECT_EQ(problems[0].kind, FindingKind::kStatusMismatch);
    EXPECT_EQ(problems[0].number, doc_.number);
    EXPECT_NE(problems[0].message.find(column), std::string::npos)
        << problems[0].message;
    ASSERT_EQ(ExecSql(archive_->catalog(),
                      "DELETE FROM documents; INSERT INTO documents SELECT * "
                      "FROM saved; DROP TABLE saved"),
              "");
  }
  // The status itself too: a refused document made filed.
  ASSERT_EQ(ExecSql(archive_->catalog(),
                    "UPDATE documents SET status = 'filed', filing_number = "
                    "'X1' WHERE id = " + id),
            "");
  const std::vector<Finding> problems = Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].message.find("status is filed, the audit log says "
                                     "refused"),
            std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[1].message.find("filing_number"), std::string::npos);
}

TEST_F(LifecycleTest, SubmittedCopiesChangeNoStatusCopiesOfRecordSign) {
  NewSignedCopy submitted{doc_.id,   "application/pdf", "提交件.pdf",
                          "enterprise-user", "",  1, "%PDF submitted"};
  submitted.of_record = false;
  auto copy = archive_->AttachSignedCopy(submitted);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_FALSE(copy->of_record);
  EXPECT_EQ(archive_->Get(doc_.id)->status, S::kIssued);
  auto of_record = archive_->AttachSignedCopy(
      {doc_.id, "application/pdf", "盖章.pdf", "clerk-li", "", 1,
       "%PDF of record"});
  ASSERT_TRUE(of_record.ok());
  EXPECT_TRUE(of_record->of_record);
  EXPECT_EQ(archive_->Get(doc_.id)->status, S::kSigned);
  const std::vector<SignedCopy> copies = *archive_->SignedCopiesOf(doc_.id);
  ASSERT_EQ(copies.size(), 2u);
  EXPECT_FALSE(copies[0].of_record);
  EXPECT_TRUE(copies[1].of_record);
  EXPECT_TRUE(Problems().empty());
  // A submission passed off as the copy of record (or back) is named.
  ASSERT_EQ(ExecSql(archive_->catalog(),
                    "UPDATE signed_copies SET of_record = 1 - of_record"),
            "");
  const std::vector<Finding> problems = Problems();
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].kind, FindingKind::kRowEdited);
  EXPECT_EQ(problems[1].kind, FindingKind::kRowEdited);
}

TEST(AccessTokenNameTest, RequiredForBureausAndEnterprisesNamedByVerify) {
  TempDir dir;
  auto archive = *OpenTestArchive(dir.path());
  NewAccessToken bureau;
  bureau.role = AccessRole::kBureau;
  bureau.district = "朝阳区";
  bureau.created_by = "admin";
  bureau.secret_sha256 = std::string(64, 'b');
  EXPECT_EQ(archive->AddAccessToken(bureau).status().code(),
            core::Code::kInvalidArgument);  // no name
  for (const std::string& bad :
       {std::string("北京\n朝阳"), std::string("x\x7f"), std::string("\xc2\x85"),
        std::string(201, 'x'), std::string("\xff"), std::string("Cafe\xcc\x81")}) {
    bureau.name = bad;
    EXPECT_EQ(archive->AddAccessToken(bureau).status().code(),
              core::Code::kInvalidArgument);
  }
  bureau.name = "北京市朝阳区住房和城乡建设委员会";
  auto created = archive->AddAccessToken(bureau);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(archive->FindAccessToken(bureau.secret_sha256)->name, bureau.name);

  NewAccessToken admin;
  admin.role = AccessRole::kAdmin;
  admin.created_by = "admin";
  admin.secret_sha256 = std::string(64, 'a');
  admin.name = "管理员";
  EXPECT_EQ(archive->AddAccessToken(admin).status().code(),
            core::Code::kInvalidArgument);  // admin tokens have no name
  admin.name.clear();
  ASSERT_TRUE(archive->AddAccessToken(admin).ok());
  EXPECT_TRUE(archive->VerifyStorage()->clean());

  ASSERT_EQ(ExecSql(archive->catalog(),
                    "UPDATE access_tokens SET name = '北京市海淀区住房和城乡建设"
                    "委员会' WHERE role = 'bureau'"),
            "");
  auto report = archive->VerifyStorage();
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].kind, FindingKind::kRowEdited);
  EXPECT_NE(report->problems[0].message.find("access token " +
                                             std::to_string(created->id)),
            std::string::npos);
  // A name given to a nameless (admin) token is named as well.
  ASSERT_EQ(ExecSql(archive->catalog(),
                    "UPDATE access_tokens SET name = '北京市朝阳区住房和城乡建设"
                    "委员会' WHERE role = 'bureau'; UPDATE access_tokens SET "
                    "name = 'x' WHERE role = 'admin'"),
            "");
  report = archive->VerifyStorage();
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].message.find("(admin)"), std::string::npos);
}

}  // namespace
}  // namespace beian::archive
