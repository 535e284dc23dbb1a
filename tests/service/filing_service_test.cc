// The service over the real engine, templates and a real SQLite archive in a temp folder: the
// workflows, and who may do what.
#include "beian/service/filing_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>


#include "beian/archive/catalog_archive.h"
#include "beian/core/digest.h"
#include "documents.h"
#include "hostile_files.h"
#include "process.h"
#include "test_catalog.h"

namespace beian::service {
namespace {

namespace fs = std::filesystem;
using beian::testing::TempDir;

constexpr char kRuixiang[] = "91110105798516320J";  // the examples' 朝阳区 enterprise
constexpr char kRuixiangName[] = "北京瑞祥恒业物业管理有限公司";

Identity Enterprise(const std::string& code, const std::string& name, int64_t token = 11) {
  Identity id;
  id.role = Role::kEnterprise;
  id.token_id = token;
  id.label = "企业经办人";
  id.credit_code = code;
  id.name = name;
  return id;
}

Identity Bureau(const std::string& district, const std::string& name, int64_t token = 21) {
  Identity id;
  id.role = Role::kBureau;
  id.token_id = token;
  id.label = district + "住建委 王红";
  id.district = district;
  id.name = name;
  return id;
}

class FilingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(testing::SourceRoot()); }

  void Open(const std::string& root, bool ofd_in_background = false) {
    service_.reset();
    ServiceOptions options;
    options.root = root;
    options.ofd_in_background = ofd_in_background;
    options.data_dir = dir_.File("var");
    options.catalog = beian::testing::TestCatalogFor(options.data_dir);
    options.now = [this] {
      std::lock_guard<std::mutex> lock(mu_);
      return now_;
    };
    options.fault = [this](std::string_view point) { return fault_ ? fault_(point) : core::Status::Ok(); };
    options.uploads.executable = BEIAN_BINARY;
    auto opened = FilingService::Open(options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    service_ = std::move(opened).value();
  }

  void SetNow(const std::string& now) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = now;
  }

  core::Json Example(const std::string& kind) const { return *service_->FindKind(kind)->example; }

  // The catalog as a second process sees it.
  std::unique_ptr<archive::CatalogArchive> Catalog() {
    auto archive = archive::OpenArchive(dir_.File("var"), beian::testing::TestCatalogFor(dir_.File("var")));
    EXPECT_TRUE(archive.ok()) << archive.status().ToString();
    return archive.ok() ? std::move(archive).value() : nullptr;
  }

  // (documents, audit entries) in the catalog.
  std::pair<int, int> Counts() {
    auto archive = Catalog();
    int documents = 0, entries = 0;
    EXPECT_TRUE(archive->ForEachDocument([&](const archive::Document&) {
                  ++documents;
                  return core::Status::Ok();
                }).ok());
    EXPECT_TRUE(archive->ForEachAuditEntry([&](const archive::AuditEntry&) {
                  ++entries;
                  return core::Status::Ok();
                }).ok());
    return {documents, entries};
  }

  std::vector<archive::AuditEntry> AuditEntries() {
    std::vector<archive::AuditEntry> out;
    EXPECT_TRUE(Catalog()->ForEachAuditEntry([&](const archive::AuditEntry& e) {
                  out.push_back(e);
                  return core::Status::Ok();
                }).ok());
    return out;
  }

  core::Result<DocumentInfo> Issue(const Identity& who, const std::string& kind, core::Json data,
                                   const std::string& issued_at = "") {
    std::vector<core::Problem> problems;
    return service_->Issue(who, IssueRequest{kind, std::move(data), issued_at, ""}, problems);
  }

  TempDir dir_;
  std::mutex mu_;
  std::string now_ = "2026-11-27T10:00:00+08:00";
  std::function<core::Status(std::string_view)> fault_;
  std::unique_ptr<FilingService> service_;
  const Identity admin_ = LocalAdministrator("测试管理员");
};

TEST_F(FilingServiceTest, EveryExampleIsNumberedRenderedAndArchived) {
  for (const KindInfo* kind : service_->Kinds()) {
    SCOPED_TRACE(kind->name);
    auto doc = Issue(admin_, kind->name, *kind->example);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    EXPECT_TRUE(std::regex_match(doc->number, std::regex(u8"京.+〔2026〕\\d{6}号"))) << doc->number;
    EXPECT_EQ(doc->status, "issued");
    EXPECT_EQ(doc->issued_at, "2026-11-27T10:00:00+08:00") << "the issue time is the service's clock";
    auto pdf = service_->ReadPdf(admin_, doc->id);
    ASSERT_TRUE(pdf.ok());
    EXPECT_EQ(core::Sha256Hex(*pdf), doc->sha256);
  }
  auto outcome = service_->Verify(admin_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->clean()) << (outcome->problems.empty() ? "" : outcome->problems[0].message);
  EXPECT_EQ(outcome->documents_rerendered, static_cast<int64_t>(service_->Kinds().size()));
}

TEST_F(FilingServiceTest, InvalidDataIsRefusedAndNothingIsStored) {
  core::Json data = Example("contract-filing");
  auto& project = data.Find("project")->as_object();
  project.erase(std::remove_if(project.begin(), project.end(), [](const auto& m) { return m.first == "manager"; }),
                project.end());
  std::vector<core::Problem> problems;
  auto doc = service_->Issue(admin_, IssueRequest{"contract-filing", data, "", ""}, problems);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), core::Code::kInvalidArgument);
  EXPECT_TRUE(std::any_of(problems.begin(), problems.end(),
                          [](const core::Problem& p) { return p.code == "filing.project_manager_missing"; }));
  EXPECT_EQ(Counts().first, 0);
}

// "path code" of each problem.
std::vector<std::string> Summary(const std::vector<core::Problem>& problems) {
  std::vector<std::string> out;
  for (const core::Problem& p : problems) out.push_back(p.path + " " + p.code);
  return out;
}

// Text the archive cannot keep is refused at its field whichever way it
// comes: issue, preview, validation.
TEST_F(FilingServiceTest, TextThatBreaksThePolicyIsRefusedAtItsField) {
  core::Json data = Example("commitment-letter");
  data.Find("enterprise")->Set("name", std::string("北京瑞祥\0恒业物业管理有限公司", 43));
  std::vector<core::Problem> problems;
  auto doc = service_->Issue(admin_, IssueRequest{"commitment-letter", data, "", ""}, problems);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), core::Code::kInvalidArgument);
  EXPECT_EQ(Summary(problems), (std::vector<std::string>{"/enterprise/name text.control"}));
  EXPECT_NE(problems[0].message.find("U+0000"), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[0].message_en.find("U+0000"), std::string::npos) << problems[0].message_en;
  EXPECT_EQ(Counts().first, 0);

  problems.clear();
  auto preview = service_->Preview(admin_, IssueRequest{"commitment-letter", data, "", ""}, problems);
  ASSERT_FALSE(preview.ok());
  EXPECT_EQ(Summary(problems), (std::vector<std::string>{"/enterprise/name text.control"}));

  // BEL, ESC and a letter under 99 accents alike; a line break only where the
  // schema allows several lines (收费标准 of a filing form).
  std::string zalgo = "王";
  for (int i = 0; i < 99; ++i) zalgo += "\xcc\x81";
  struct Case {
    const char* kind;
    const char* pointer;
    std::string text;
    const char* code;
  };
  for (const Case& c : std::vector<Case>{
           {"commitment-letter", "/enterprise/name", "北京瑞祥\a", "text.control"},
           {"commitment-letter", "/enterprise/name", "\x1b[2J北京", "text.control"},
           {"commitment-letter", "/enterprise/name", zalgo, "text.combining_marks"},
           {"commitment-letter", "/enterprise/name", "Cafe\xcc\x81", "text.not_nfc"},
           {"contract-filing", "/enterprise/office_address", "北京市\n朝阳区", "text.line_break"},
           {"contract-filing", "/contract/fee_standard", "住宅：2.80元/平方米·月\n商业：4.50元/平方米·月", ""},
       }) {
    SCOPED_TRACE(std::string(c.pointer) + " " + c.code);
    core::Json changed = Example(c.kind);
    const std::string pointer = c.pointer;
    const size_t slash = pointer.rfind('/');
    changed.At(pointer.substr(0, slash))->Set(pointer.substr(slash + 1), c.text);
    auto found = service_->Validate(c.kind, changed);
    ASSERT_TRUE(found.ok());
    if (*c.code == '\0') {
      EXPECT_TRUE(found->empty()) << core::FormatProblem(found->front());
    } else {
      EXPECT_EQ(Summary(*found), (std::vector<std::string>{pointer + " " + c.code}));
    }
  }
}

// A hostile body costs a bounded answer: an array over maxItems is one
// problem, and at most 200 problems are listed with one more counting the rest.
TEST_F(FilingServiceTest, AnArrayOverMaxItemsIsOneProblemAndTheListEndsWithACount) {
  core::Json data = Example("qualification-verification");
  core::Json::Array& staff = data.Find("staff")->as_array();
  core::Json person = staff[0];
  person.as_object().erase(person.as_object().begin() + 2);  // id_number
  ASSERT_EQ(person.Find("id_number"), nullptr);
  staff.assign(20001, person);
  auto found = service_->Validate("qualification-verification", data);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(Summary(*found), (std::vector<std::string>{"/staff schema.max_items"}));

  staff.resize(250);
  found = service_->Validate("qualification-verification", data);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 201u);
  EXPECT_EQ((*found)[0].path, "/staff/0/id_number");
  EXPECT_EQ((*found)[199].path, "/staff/199/id_number");
  const core::Problem& more = found->back();
  EXPECT_EQ(more.code, "problems.more");
  EXPECT_EQ(more.count, 50u);
  EXPECT_EQ(more.severity, core::Severity::kError);
  EXPECT_EQ(more.message, "还有 50 个问题未列出（只列出前 200 个）");
  EXPECT_EQ(core::ProblemTotal(*found), 250u);

  std::vector<core::Problem> problems;
  auto doc = service_->Issue(admin_, IssueRequest{"qualification-verification", data, "", ""}, problems);
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("(250 problems)"), std::string::npos) << doc.status().message();
  EXPECT_EQ(problems.size(), 201u);
}

// A backfill time the archive would refuse is refused before a number is
// taken: the next document still gets serial 1.
TEST_F(FilingServiceTest, BackfillTimeOutsideBeijingTimeIsRefusedFirst) {
  for (const char* at : {"2026-03-02T10:00:00Z", "2026-02-30T10:00:00+08:00", "2026"}) {
    auto doc = Issue(admin_, "commitment-letter", Example("commitment-letter"), at);
    ASSERT_FALSE(doc.ok()) << at;
    EXPECT_EQ(doc.status().code(), core::Code::kInvalidArgument) << at;
  }
  auto doc = Issue(admin_, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_NE(doc->number.find("000001号"), std::string::npos) << doc->number;
}

// A character no font has is found by laying the data out before a number is
// taken: the refused document uses up no serial.
TEST_F(FilingServiceTest, DataThatCannotBePrintedTakesNoNumber) {
  core::Json data = Example("commitment-letter");
  data.Find("enterprise")->Set("name", std::string("北京\xF3\xB0\x80\x80物业有限公司"));
  auto refused = Issue(admin_, "commitment-letter", data);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), core::Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("U+F0000"), std::string::npos) << refused.status().message();
  EXPECT_EQ(Counts().first, 0);
  auto next = Issue(admin_, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_NE(next->number.find("000001号"), std::string::npos) << next->number;
}

TEST_F(FilingServiceTest, AnEnterpriseIssuesOnlyItsOwnDocumentsInItsRegisteredName) {
  const Identity ruixiang = Enterprise(kRuixiang, kRuixiangName);
  auto own = Issue(ruixiang, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->created_by, "token-11 企业经办人");
  const auto before = Counts();

  std::vector<core::Problem> problems;
  // Another enterprise's credit code.
  auto other = service_->Issue(Enterprise("911101085906532701", "北京安和居物业服务有限公司"),
                               IssueRequest{"commitment-letter", Example("commitment-letter"), "", ""}, problems);
  EXPECT_EQ(other.status().code(), core::Code::kPermissionDenied);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].path, "/data/enterprise/credit_code");
  // Its own code under another name.
  core::Json renamed = Example("commitment-letter");
  renamed.Find("enterprise")->Set("name", std::string("北京瑞祥物业管理有限公司"));
  problems.clear();
  auto misnamed = service_->Issue(ruixiang, IssueRequest{"commitment-letter", renamed, "", ""}, problems);
  EXPECT_EQ(misnamed.status().code(), core::Code::kInvalidArgument);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].path, "/enterprise/name");
  // A bureau's paper.
  problems.clear();
  auto receipt = service_->Issue(ruixiang, IssueRequest{"acceptance-receipt", Example("acceptance-receipt"), "", ""},
                                 problems);
  EXPECT_EQ(receipt.status().code(), core::Code::kPermissionDenied);
  EXPECT_EQ(problems.at(0).path, "/kind");
  // Its own time.
  problems.clear();
  auto backdated = service_->Issue(
      ruixiang, IssueRequest{"commitment-letter", Example("commitment-letter"), "2001-01-05T10:00:00+08:00", ""},
      problems);
  EXPECT_EQ(backdated.status().code(), core::Code::kPermissionDenied);
  EXPECT_EQ(problems.at(0).path, "/issued_at");
  EXPECT_EQ(Counts(), before) << "a refused issue left a row or an audit entry";

  // Nor did it take a number: the next serial follows the first document's.
  auto next = Issue(ruixiang, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(next.ok());
  EXPECT_NE(next->number.find("000002号"), std::string::npos) << next->number;
}

TEST_F(FilingServiceTest, ABureauIssuesItsPapersInItsOwnName) {
  const Identity haidian = Bureau("海淀区", "北京市海淀区住房和城乡建设委员会");
  // The example names 朝阳区's bureau: the identity's name and district win.
  auto receipt = Issue(haidian, "acceptance-receipt", Example("acceptance-receipt"));
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_EQ(receipt->district, "海淀区");
  EXPECT_NE(receipt->number.find("京海受"), std::string::npos) << receipt->number;
  auto stored = service_->Get(admin_, receipt->id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->data->At("/bureau/name")->as_string(), "北京市海淀区住房和城乡建设委员会");

  // Nor a site verification of a project in another district.
  std::vector<core::Problem> elsewhere;
  auto other = service_->Issue(Bureau("朝阳区", "北京市朝阳区住房和城乡建设委员会"),
                               IssueRequest{"site-verification", Example("site-verification"), "", ""}, elsewhere);
  EXPECT_EQ(other.status().code(), core::Code::kPermissionDenied);
  ASSERT_FALSE(elsewhere.empty());
  EXPECT_EQ(elsewhere[0].path, "/data/project/district");
  EXPECT_TRUE(Issue(haidian, "site-verification", Example("site-verification")).ok());

  // An enterprise's application is not the bureau's to issue.
  std::vector<core::Problem> problems;
  auto filing = service_->Issue(haidian, IssueRequest{"contract-filing", Example("contract-filing"), "", ""}, problems);
  EXPECT_EQ(filing.status().code(), core::Code::kPermissionDenied);
}

TEST_F(FilingServiceTest, AdminBackfillIsRecordedAsSuch) {
  auto doc = Issue(admin_, "commitment-letter", Example("commitment-letter"), "2019-05-06T09:00:00+08:00");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->issued_at, "2019-05-06T09:00:00+08:00");
  EXPECT_NE(doc->number.find("〔2019〕"), std::string::npos);
  // The ingest entry, then the service's own attach-ofd entry.
  const std::vector<archive::AuditEntry> log = AuditEntries();
  ASSERT_GE(log.size(), 2u);
  const archive::AuditEntry& ingest = log[log.size() - 2];
  EXPECT_EQ(ingest.action, "ingest");
  EXPECT_EQ(ingest.actor, "cli 测试管理员");
  EXPECT_EQ(ingest.at, "2026-11-27T10:00:00+08:00") << "the entry keeps the real time";
  EXPECT_NE(ingest.detail.find("\"backfill\":true"), std::string::npos) << ingest.detail;
  EXPECT_EQ(log.back().action, "attach-ofd");
}

TEST_F(FilingServiceTest, ScopeHidesDocumentsOfOthers) {
  auto doc = Issue(admin_, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(service_->Get(Enterprise(kRuixiang, kRuixiangName), doc->id).ok());
  EXPECT_TRUE(service_->Get(Bureau("朝阳区", "北京市朝阳区住房和城乡建设委员会"), doc->id).ok());
  EXPECT_EQ(service_->Get(Enterprise("911101085906532701", "北京安和居物业服务有限公司"), doc->id).status().code(),
            core::Code::kNotFound);
  EXPECT_EQ(service_->Get(Bureau("海淀区", "北京市海淀区住房和城乡建设委员会"), doc->id).status().code(),
            core::Code::kNotFound);
}

TEST_F(FilingServiceTest, ScansReprintsAndWhoMayNameTheOperator) {
  const Identity ruixiang = Enterprise(kRuixiang, kRuixiangName);
  const Identity chaoyang = Bureau("朝阳区", "北京市朝阳区住房和城乡建设委员会");
  auto doc = Issue(ruixiang, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  auto original = service_->ReadPdf(ruixiang, doc->id);
  ASSERT_TRUE(original.ok());
  const std::string& pdf = *original;

  // The enterprise submits; its scan is not the copy of record.
  auto submitted = service_->AttachScan(ruixiang, doc->id, pdf, "scan.pdf", /*of_record=*/false);
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  EXPECT_FALSE(submitted->of_record);
  EXPECT_EQ(service_->Get(ruixiang, doc->id)->status, "issued");
  EXPECT_EQ(service_->AttachScan(ruixiang, doc->id, pdf, "scan.pdf", /*of_record=*/true).status().code(),
            core::Code::kPermissionDenied);
  // The bureau attaches the copy of record.
  auto record = service_->AttachScan(chaoyang, doc->id, pdf, "scan.pdf", /*of_record=*/true);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_TRUE(record->of_record);
  EXPECT_EQ(service_->Get(ruixiang, doc->id)->status, "signed");
  for (const std::string& bad : {std::string(), std::string("not a document"), pdf.substr(0, pdf.size() / 2)}) {
    auto refused = service_->AttachScan(chaoyang, doc->id, bad, "bad", true);
    EXPECT_EQ(refused.status().code(), core::Code::kInvalidArgument) << refused.status().ToString();
  }
  EXPECT_EQ(service_->SignedCopiesOf(admin_, doc->id)->size(), 2u);

  // Only a bureau or admin names the operator printed; the actor is always the identity.
  EXPECT_EQ(service_->Reprint(ruixiang, doc->id, true, "朝阳区住建委 王红").status().code(),
            core::Code::kPermissionDenied);
  auto plain = service_->Reprint(ruixiang, doc->id, false, "");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->pdf, pdf);
  auto marked = service_->Reprint(chaoyang, doc->id, true, "张三");
  ASSERT_TRUE(marked.ok()) << marked.status().ToString();
  ASSERT_GT(marked->pdf.size(), pdf.size());
  EXPECT_EQ(marked->pdf.compare(0, pdf.size(), pdf), 0) << "the original is not a prefix";
  const archive::AuditEntry last = AuditEntries().back();
  EXPECT_EQ(last.action, "reprint");
  EXPECT_EQ(last.actor, chaoyang.Actor());
  EXPECT_NE(last.detail.find("张三"), std::string::npos) << last.detail;
  TempDir files;
  testing::WriteFileOrDie(files.File("marked.pdf"), marked->pdf);
  const std::string text = testing::PdfRawText(files.File("marked.pdf"));
  EXPECT_NE(text.find("补打"), std::string::npos);
  EXPECT_NE(text.find("操作人：张三"), std::string::npos);
  auto outcome = service_->Verify(admin_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->clean());
}

TEST_F(FilingServiceTest, TheLifecycleIsTheBureausAndFollowsItsOrder) {
  const Identity ruixiang = Enterprise(kRuixiang, kRuixiangName);
  const Identity chaoyang = Bureau("朝阳区", "北京市朝阳区住房和城乡建设委员会");
  auto doc = Issue(ruixiang, "contract-filing", Example("contract-filing"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();

  EXPECT_EQ(service_->Accept(ruixiang, doc->id).status().code(), core::Code::kPermissionDenied);
  EXPECT_EQ(service_->Accept(Bureau("海淀区", "北京市海淀区住房和城乡建设委员会"), doc->id).status().code(),
            core::Code::kNotFound);
  auto early = service_->File(chaoyang, doc->id, "");
  EXPECT_EQ(early.status().code(), core::Code::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("issued"), std::string::npos) << early.status().message();

  // Accepted on Monday 2026-09-28: ten working days skip the National Day holidays.
  SetNow("2026-09-28T15:00:00+08:00");
  auto accepted = service_->Accept(chaoyang, doc->id);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->status, "accepted");
  EXPECT_EQ(accepted->accepted_on, "2026-09-28");
  EXPECT_EQ(accepted->decision_due, "2026-10-16");
  EXPECT_EQ(service_->Accept(chaoyang, doc->id).status().code(), core::Code::kFailedPrecondition);

  SetNow("2026-10-12T09:00:00+08:00");
  auto filed = service_->File(chaoyang, doc->id, "京朝物备〔2026〕0042号");
  ASSERT_TRUE(filed.ok()) << filed.status().ToString();
  EXPECT_EQ(filed->status, "filed");
  EXPECT_EQ(filed->filing_number, "京朝物备〔2026〕0042号");
  EXPECT_EQ(service_->Refuse(chaoyang, doc->id, "材料不全").status().code(), core::Code::kFailedPrecondition);

  // Revoked with a reason; the public check says so, and nothing personal.
  SetNow("2026-11-02T11:00:00+08:00");
  EXPECT_EQ(service_->Revoke(ruixiang, doc->id, "填错").status().code(), core::Code::kPermissionDenied);
  auto revoked = service_->Revoke(chaoyang, doc->id, "合同已解除");
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->status, "revoked");
  EXPECT_EQ(service_->Revoke(chaoyang, doc->id, "again").status().code(), core::Code::kFailedPrecondition);
  // A 补打 copy of the withdrawn paper says 已作废 on it.
  auto reprint = service_->Reprint(chaoyang, doc->id, true, "");
  ASSERT_TRUE(reprint.ok()) << reprint.status().ToString();
  TempDir files;
  testing::WriteFileOrDie(files.File("revoked.pdf"), reprint->pdf);
  EXPECT_NE(testing::PdfRawText(files.File("revoked.pdf")).find("已作废（2026年11月2日）"), std::string::npos);

  int transitions = 0;
  for (const archive::AuditEntry& e : AuditEntries()) {
    if (e.action == "set-status") {
      ++transitions;
      EXPECT_EQ(e.actor, chaoyang.Actor());
    }
  }
  EXPECT_EQ(transitions, 3);
}

// A 受理 on 2026-12-28, when the calendar holds 2025–2026 only: the decision
// deadline runs into 2027 and is stated as provisional, in the API and on the
// receipt's paper; once the operator installs 2027's arrangement (a calendar
// file beside the config), the same acceptance reckons firm.
TEST_F(FilingServiceTest, ADeadlineInAnUnpublishedYearIsProvisionalUntilTheYearIsInstalled) {
  const Identity ruixiang = Enterprise(kRuixiang, kRuixiangName);
  const Identity chaoyang = Bureau("朝阳区", "北京市朝阳区住房和城乡建设委员会");
  auto doc = Issue(ruixiang, "contract-filing", Example("contract-filing"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  SetNow("2026-12-28T10:00:00+08:00");
  auto accepted = service_->Accept(chaoyang, doc->id);
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->decision_due, "2027-01-11");  // 2027 counted Monday to Friday
  EXPECT_TRUE(accepted->decision_due_provisional);

  core::Json receipt_data = Example("acceptance-receipt");
  receipt_data.Set("accepted_on", "2026-12-28");
  std::vector<core::Problem> problems;
  auto receipt = service_->Issue(chaoyang, IssueRequest{"acceptance-receipt", receipt_data, "", ""}, problems);
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  EXPECT_TRUE(std::any_of(problems.begin(), problems.end(),
                          [](const core::Problem& p) { return p.code == "receipt.deadline_provisional"; }));
  EXPECT_EQ(receipt->template_version, 2);
  auto pdf = service_->ReadPdf(chaoyang, receipt->id);
  ASSERT_TRUE(pdf.ok());
  TempDir files;
  testing::WriteFileOrDie(files.File("receipt.pdf"), *pdf);
  const std::string text = testing::PdfText(files.File("receipt.pdf"));
  EXPECT_NE(text.find("本机关将于2027年1月11日前作出决定（办理时限：10个工作日；该日期为暂定"), std::string::npos) << text;
  EXPECT_NE(text.find("（暂定）"), std::string::npos) << text;

  // The operator's calendar with 2027 (test data shaped as a notice would be).
  const std::string bundled = testing::ReadFileOrDie(testing::SourceRoot() + "/domain/data/holidays-cn.json");
  core::Json calendar = core::ParseJson(bundled).value();
  calendar.Find("years")->Push(core::ParseJson(R"({"year": 2027, "notice": "（测试用）2027年部分节假日安排",
      "holidays": [{"name": "元旦", "from": "2027-01-01", "to": "2027-01-03"},
                   {"name": "春节", "from": "2027-02-06", "to": "2027-02-12"},
                   {"name": "清明节", "from": "2027-04-03", "to": "2027-04-05"},
                   {"name": "劳动节", "from": "2027-05-01", "to": "2027-05-05"},
                   {"name": "端午节", "from": "2027-06-09", "to": "2027-06-11"},
                   {"name": "中秋节", "from": "2027-09-15", "to": "2027-09-17"},
                   {"name": "国庆节", "from": "2027-10-01", "to": "2027-10-07"}],
      "working_days": [{"date": "2027-02-13", "for": "春节"}]})").value());
  const std::string file = files.File("holidays-cn.json");
  testing::WriteFileOrDie(file, core::WriteJson(calendar));
  service_.reset();
  ServiceOptions options;
  options.root = testing::SourceRoot();
  options.data_dir = dir_.File("var");
  options.catalog = beian::testing::TestCatalogFor(options.data_dir);
  options.holiday_calendar = file;
  auto opened = FilingService::Open(options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->Calendar().years.size(), 3u);
  auto firm = (*opened)->Get(chaoyang, doc->id);
  ASSERT_TRUE(firm.ok());
  EXPECT_EQ(firm->decision_due, "2027-01-12");  // 元旦 2027-01-01 off
  EXPECT_FALSE(firm->decision_due_provisional);

  // A calendar file that is not sound stops the service, naming it.
  testing::WriteFileOrDie(file, R"({"years": [{"year": 2027, "notice": "n", "holidays": [], "working_days": []}]})");
  auto refused = FilingService::Open(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(file + ": holiday calendar: 2027 is incomplete"), std::string::npos)
      << refused.status().message();
}

TEST_F(FilingServiceTest, ThePublicCheckNamesTheIssuerAndTheState) {
  const Identity chaoyang = Bureau("朝阳区", "北京市朝阳区住房和城乡建设委员会");
  auto receipt = Issue(chaoyang, "acceptance-receipt", Example("acceptance-receipt"));
  ASSERT_TRUE(receipt.ok()) << receipt.status().ToString();
  auto filing = Issue(Enterprise(kRuixiang, kRuixiangName), "contract-filing", Example("contract-filing"));
  ASSERT_TRUE(filing.ok());
  auto archive = Catalog();
  // The key printed in the QR code, as the archive recomputes it.
  auto printed_key = [&](const DocumentInfo& d) {
    auto stored = archive->Get(d.id);
    EXPECT_TRUE(stored.ok());
    return VerificationKey(stored->kind, stored->template_version, stored->number, stored->issued_at,
                           stored->data);
  };
  auto check = service_->CheckPrinted(receipt->number, printed_key(*receipt));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->issuer, "北京市朝阳区住房和城乡建设委员会");
  EXPECT_EQ(check->status, "issued");
  EXPECT_EQ(service_->CheckPrinted(receipt->number, "AAAAAAAAAAAAAAAA").status().code(), core::Code::kNotFound);

  SetNow("2026-11-30T16:20:00+08:00");
  ASSERT_TRUE(service_->Revoke(chaoyang, filing->id, "合同已解除").ok());
  check = service_->CheckPrinted(filing->number, printed_key(*filing));
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_EQ(check->issuer, kRuixiangName);
  EXPECT_EQ(check->status, "revoked");
  EXPECT_EQ(check->status_label, "已作废");
  EXPECT_EQ(check->status_date, "2026-11-30T16:20:00+08:00");
  EXPECT_EQ(check->status_reason, "合同已解除");
  // Nothing personal: the manager's ID number in the data appears nowhere.
  const std::string id_number = Example("contract-filing").At("/project/manager/id_number")->as_string();
  for (const std::string& field : {check->issuer, check->enterprise_name, check->project_name, check->status_reason}) {
    EXPECT_EQ(field.find(id_number), std::string::npos);
  }
}

// Faults between taking a number and committing the document (a failure, or a
// crash as far as the catalog can tell) leave numbers unused; each becomes a
// recorded void (作废号), so every serial of the district-year is accounted for.
TEST_F(FilingServiceTest, EverySerialIsADocumentOrARecordedVoid) {
  std::mt19937 random(20261206);
  int faults = 0;
  constexpr int kRuns = 20;
  for (int run = 0; run < kRuns; ++run) {
    const std::string at = std::array<const char*, 3>{"", "number-taken", "rendered"}[random() % 3];
    fault_ = [&](std::string_view point) {
      return point == at ? core::Internal("fault injected at " + at) : core::Status::Ok();
    };
    auto doc = Issue(admin_, "contract-filing", Example("contract-filing"));
    EXPECT_EQ(doc.ok(), at.empty()) << at << " " << doc.status().ToString();
    faults += at.empty() ? 0 : 1;
  }
  fault_ = nullptr;
  ASSERT_GT(faults, 0);
  // Within the grace a number may still be in flight in another process.
  auto early = service_->Verify(admin_);
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->voided_numbers.empty());
  EXPECT_TRUE(early->clean()) << early->problems.front().message;

  SetNow("2026-11-27T11:00:00+08:00");
  auto outcome = service_->Verify(admin_);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->clean()) << outcome->problems.front().message;
  EXPECT_EQ(static_cast<int>(outcome->voided_numbers.size()), faults);
  std::set<std::string> accounted;
  (void)Catalog()->ForEachDocument([&](const archive::Document& d) {
    accounted.insert(d.number);
    return core::Status::Ok();
  });
  for (const archive::AuditEntry& e : AuditEntries()) {
    if (e.action == "void-number") {
      EXPECT_TRUE(accounted.insert(e.subject).second) << e.subject << " twice";
    }
  }
  for (int serial = 1; serial <= kRuns; ++serial) {
    char number[64];
    std::snprintf(number, sizeof number, "京朝备〔2026〕%06d号", serial);
    EXPECT_EQ(accounted.count(number), 1u) << number << " is neither a document nor a void";
  }

  // A counter edited upward leaves serials nobody took: verify names them.
  ASSERT_EQ(beian::testing::ExecCatalogSql(beian::testing::TestCatalogIn(dir_.File("var")),
                                           "UPDATE number_counters SET next_serial = next_serial + 2"),
            "");
  auto edited = service_->Verify(admin_);
  ASSERT_TRUE(edited.ok());
  EXPECT_FALSE(edited->clean());
  const bool named = std::any_of(edited->problems.begin(), edited->problems.end(), [](const VerifyFinding& f) {
    return f.kind == "serial-unaccounted" && f.message.find("serial 21 ") != std::string::npos;
  });
  EXPECT_TRUE(named) << (edited->problems.empty() ? "" : edited->problems[0].kind + ": " + edited->problems[0].message);
}

TEST_F(FilingServiceTest, DocumentsArePdfA3uCarryingTheCatalogsDataAndVerifyComparesThem) {
  auto doc = Issue(admin_, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->pdf_standard, "PDF/A-3u");
  auto embedded = service_->ReadEmbeddedData(admin_, doc->id);
  ASSERT_TRUE(embedded.ok()) << embedded.status().ToString();
  auto details = service_->Get(admin_, doc->id);
  ASSERT_TRUE(details.ok() && details->data);
  EXPECT_EQ(*embedded, core::WriteCanonicalJson(*details->data));
  // The OFD beside it: a blob of its own, re-rendered by verify like the PDF.
  auto ofd = service_->ReadOfd(admin_, doc->id);
  ASSERT_TRUE(ofd.ok()) << ofd.status().ToString();
  EXPECT_EQ(core::Sha256Hex(*ofd), doc->ofd_sha256);
  EXPECT_EQ(static_cast<int64_t>(ofd->size()), doc->ofd_bytes);
  ASSERT_TRUE(service_->Verify(admin_)->clean());

  // The catalog's data changed behind the archive's back: the paper no longer carries it.
  ASSERT_EQ(beian::testing::ExecCatalogSql(beian::testing::TestCatalogIn(dir_.File("var")),
                                           "UPDATE documents SET data = replace(data, '2024-06-18', '2024-06-19')"),
            "");
  auto outcome = service_->Verify(admin_);
  ASSERT_TRUE(outcome.ok());
  std::set<std::string> kinds;
  for (const VerifyFinding& f : outcome->problems) kinds.insert(f.kind);
  EXPECT_EQ(kinds.count("embedded-data-mismatch"), 1u);
}

TEST_F(FilingServiceTest, TheServerMakesEachOfdOffTheRequestPathAndAfterAStop) {
  Open(testing::SourceRoot(), /*ofd_in_background=*/true);
  std::vector<int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    auto doc = Issue(admin_, "commitment-letter", Example("commitment-letter"));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    ids.push_back(doc->id);
  }
  // Stopped at once: whatever the OFD thread did not make, the next start makes.
  Open(testing::SourceRoot(), /*ofd_in_background=*/true);
  auto all_made = [&] {
    for (int64_t id : ids) {
      auto d = service_->Get(admin_, id);
      if (!d.ok() || d->ofd_sha256.empty()) return false;
    }
    return true;
  };
  // Done in well under a second here; sanitizer builds render ten times slower.
  for (int i = 0; i < 1200 && !all_made(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(all_made()) << "every OFD within 60 s";
  for (int64_t id : ids) {
    auto d = service_->Get(admin_, id);
    auto ofd = service_->ReadOfd(admin_, id);
    ASSERT_TRUE(ofd.ok());
    EXPECT_EQ(core::Sha256Hex(*ofd), d->ofd_sha256);
  }
  // Each OFD is one audit entry by the service itself, and verify knows the row that holds it.
  int attached = 0;
  for (const archive::AuditEntry& e : AuditEntries()) attached += e.action == "attach-ofd" && e.actor == "beian";
  EXPECT_EQ(attached, 3);
  auto outcome = service_->Verify(admin_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->clean()) << (outcome->problems.empty() ? "" : outcome->problems[0].message);
  for (const VerifyFinding& f : outcome->notices) EXPECT_NE(f.kind, "ofd-pending") << f.message;
}

TEST_F(FilingServiceTest, NamesBeyondTheBmpAreIssuedPrintedAndFound) {
  // 𠮷 (U+20BB7) and 𪚥 (U+2A6A5), CJK Extension B, in the enterprise's name.
  core::Json data = Example("commitment-letter");
  data.Find("enterprise")->Set("name", std::string("北京𠮷祥𪚥物业管理有限公司"));
  auto doc = Issue(admin_, "commitment-letter", data);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  auto pdf = service_->ReadPdf(admin_, doc->id);
  ASSERT_TRUE(pdf.ok());
  testing::WriteFileOrDie(dir_.File("rare.pdf"), *pdf);
  EXPECT_NE(testing::PdfText(dir_.File("rare.pdf")).find("北京𠮷祥𪚥物业管理有限公司"), std::string::npos);
  for (const char* query : {"𠮷祥", "祥𪚥", "𪚥物业"}) {
    SearchRequest request;
    request.text = query;
    std::vector<core::Problem> problems;
    auto found = service_->Search(admin_, request, problems);
    ASSERT_TRUE(found.ok()) << query << ": " << found.status().ToString();
    ASSERT_EQ(found->documents.size(), 1u) << query;
    EXPECT_EQ(found->documents[0].number, doc->number);
  }
}

TEST_F(FilingServiceTest, VerifyNamesADocumentWhoseTemplateChangedUnderIt) {
  // Archive with a copy of the templates, then change the copy's template v1 in place:
  // re-rendering no longer gives the archived bytes, and verify names the document.
  const std::string root = dir_.File("root");
  fs::create_directories(root);
  fs::copy(testing::SourceRoot() + "/templates", root + "/templates", fs::copy_options::recursive);
  fs::copy(testing::SourceRoot() + "/fonts", root + "/fonts", fs::copy_options::recursive);
  Open(root);
  auto doc = Issue(admin_, "commitment-letter", Example("commitment-letter"));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const std::string file = root + "/templates/commitment-letter/template.v1.xml";
  std::string xml = testing::ReadFileOrDie(file);
  const size_t at = xml.find("承诺书</title>");
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, std::string("承诺书").size(), "承诺函");
  testing::WriteFileOrDie(file, xml);
  Open(root);
  auto outcome = service_->Verify(admin_);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->clean());
  // Both the PDF and the OFD, each named.
  ASSERT_EQ(outcome->problems.size(), 2u);
  for (const VerifyFinding& f : outcome->problems) {
    EXPECT_EQ(f.kind, "rerender-mismatch");
    EXPECT_EQ(f.number, doc->number);
  }
  EXPECT_NE(outcome->problems[1].message.find("other OFD bytes"), std::string::npos) << outcome->problems[1].message;
}

}  // namespace
// An archive moved to the other engine and back (on SQLite: to another
// folder): every copy verifies clean, re-rendering every document, and its log
// extends a checkpoint kept before the move; each move is one audit entry.
TEST_F(FilingServiceTest, AMigratedArchiveVerifiesCleanAndExtendsACheckpointKeptBefore) {
  std::vector<int64_t> ids;
  for (const char* kind : {"commitment-letter", "contract-filing", "qualification-verification"}) {
    auto doc = Issue(admin_, kind, Example(kind));
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    ids.push_back(doc->id);
  }
  ASSERT_TRUE(service_->AttachScan(admin_, ids[1], beian::testing::PdfWithObjects(1), "签章件.pdf", true).ok());
  ASSERT_TRUE(service_->Reprint(admin_, ids[0], true, "档案员").ok());
  auto before = service_->Verify(admin_);
  ASSERT_TRUE(before.ok() && before->clean()) << (before.ok() ? "" : before.status().ToString());
  const std::string kept = before->latest_checkpoint;
  ASSERT_TRUE(Issue(admin_, "authorization-letter", Example("authorization-letter")).ok());

  auto open_at = [&](const std::string& dir, const std::string& catalog) {
    ServiceOptions options;
    options.root = testing::SourceRoot();
    options.data_dir = dir;
    options.catalog = catalog;
    options.uploads.executable = BEIAN_BINARY;
    auto opened = FilingService::Open(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  };
  auto check = [&](FilingService& copy) {
    auto outcome = copy.Verify(admin_, {}, kept);
    ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
    EXPECT_TRUE(outcome->clean()) << (outcome->problems.empty() ? "" : outcome->problems[0].kind + ": " +
                                                                            outcome->problems[0].message);
    EXPECT_EQ(outcome->documents_rerendered, 4);
    EXPECT_NE(outcome->since_result.find("extends the checkpoint given"), std::string::npos) << outcome->since_result;
    SearchRequest request;
    request.text = "瑞祥";
    std::vector<core::Problem> problems;
    auto found = copy.Search(admin_, request, problems);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(found->documents.size(), 4u);
    auto scan = copy.SignedCopiesOf(admin_, ids[1]);
    ASSERT_TRUE(scan.ok());
    EXPECT_EQ(scan->size(), 1u);
  };
  auto moves = [&](const std::string& dir, const std::string& catalog) {
    auto archive = archive::OpenArchive(dir, catalog);
    EXPECT_TRUE(archive.ok()) << archive.status().ToString();
    int64_t n = 0;
    if (archive.ok()) {
      EXPECT_TRUE((*archive)->ForEachAuditEntry([&](const archive::AuditEntry& e) {
                    n += e.action == "migrate" ? 1 : 0;
                    return core::Status::Ok();
                  }).ok());
    }
    return n;
  };

  // To a SQLite folder, from whichever engine the tests run on.
  const std::string there = dir_.File("moved");
  auto moved = service_->Migrate(admin_, there, "");
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->documents, 4);
  EXPECT_EQ(service_->Migrate(admin_, there, "").status().code(), core::Code::kFailedPrecondition)
      << "a folder that holds an archive is not overwritten";
  auto copy = open_at(there, "");
  ASSERT_NE(copy, nullptr);
  check(*copy);
  EXPECT_EQ(moves(there, ""), 1);
  if (!beian::testing::OnPostgres()) return;
  // And from there to a PostgreSQL catalog of its own.
  const std::string back = dir_.File("back");
  ASSERT_TRUE(copy->Migrate(admin_, back, beian::testing::TestCatalogFor(back)).ok());
  copy.reset();
  auto on_postgres = open_at(back, beian::testing::TestCatalogFor(back));
  ASSERT_NE(on_postgres, nullptr);
  check(*on_postgres);
  EXPECT_EQ(moves(back, beian::testing::TestCatalogFor(back)), 2);
}

}  // namespace beian::service
