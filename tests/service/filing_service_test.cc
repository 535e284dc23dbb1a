// The workflows over the real engine, catalog and a real SQLite archive in a temp folder.
#include "beian/service/filing_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "beian/archive/sqlite_archive.h"
#include "beian/core/digest.h"
#include "engine_fixture.h"
#include "process.h"

namespace beian::service {
namespace {

namespace fs = std::filesystem;
using beian::testing::TempDir;

const core::Date kToday{2026, 11, 27};
const std::string kIssuedAt = "2026-11-27T10:00:00+08:00";

class FilingServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = render::OpenEngine();
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value().release();
  }
  static void TearDownTestSuite() { delete engine_; }

  void SetUp() override {
    auto catalog = render::Catalog::Load(templates_.empty() ? testing::SourceRoot() + "/templates" : templates_, *engine_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::make_unique<render::Catalog>(std::move(catalog).value());
    auto archive = archive::SqliteArchive::Open(dir_.File("var"));
    ASSERT_TRUE(archive.ok()) << archive.status().ToString();
    archive_ = std::move(archive).value();
  }

  static render::Engine* engine_;
  std::string templates_;
  TempDir dir_;
  std::unique_ptr<render::Catalog> catalog_;
  std::unique_ptr<archive::SqliteArchive> archive_;
};

render::Engine* FilingServiceTest::engine_ = nullptr;

TEST_F(FilingServiceTest, EveryExampleIsNumberedRenderedAndArchived) {
  FilingService service(*engine_, *catalog_, *archive_);
  for (const render::Kind* kind : catalog_->kinds()) {
    SCOPED_TRACE(kind->name);
    std::vector<core::Problem> problems;
    auto doc = service.Issue(kind->name, kind->example, kIssuedAt, "tester", kToday, problems);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    EXPECT_TRUE(std::regex_match(doc->number, std::regex(u8"京.+〔2026〕\\d{6}号"))) << doc->number;
    auto stored = archive_->ReadBlob(doc->sha256);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(core::Sha256Hex(stored.value()), doc->sha256);
    auto again = service.Rerender(doc.value());
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(core::Sha256Hex(again.value()), doc->sha256) << "re-rendering is not byte-identical";
  }
  auto outcome = service.Verify();
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->clean());
  EXPECT_EQ(outcome->documents_rerendered, static_cast<int>(catalog_->kinds().size()));
}

TEST_F(FilingServiceTest, InvalidDataIsRefusedAndNothingIsStored) {
  FilingService service(*engine_, *catalog_, *archive_);
  core::Json data = catalog_->Find("contract-filing")->example;
  data.Find("project")->as_object().erase(
      std::remove_if(data.Find("project")->as_object().begin(), data.Find("project")->as_object().end(),
                     [](const auto& m) { return m.first == "manager"; }),
      data.Find("project")->as_object().end());
  std::vector<core::Problem> problems;
  auto doc = service.Issue("contract-filing", data, kIssuedAt, "tester", kToday, problems);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), core::Code::kInvalidArgument);
  EXPECT_TRUE(std::any_of(problems.begin(), problems.end(),
                          [](const core::Problem& p) { return p.code == "filing.project_manager_missing"; }));
  auto page = archive_->ListDocuments({});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->documents.empty());
}

// An issue time the archive would refuse is refused before a number is
// taken: the next document still gets serial 1.
TEST_F(FilingServiceTest, IssueTimeOutsideBeijingTimeIsRefusedFirst) {
  FilingService service(*engine_, *catalog_, *archive_);
  const core::Json& example = catalog_->Find("commitment-letter")->example;
  std::vector<core::Problem> problems;
  for (const char* at : {"2026-03-02T10:00:00Z", "2026-02-30T10:00:00+08:00", "2026"}) {
    auto doc = service.Issue("commitment-letter", example, at, "tester", kToday, problems);
    ASSERT_FALSE(doc.ok()) << at;
    EXPECT_EQ(doc.status().code(), core::Code::kInvalidArgument) << at;
  }
  auto doc = service.Issue("commitment-letter", example, kIssuedAt, "tester", kToday, problems);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_NE(doc->number.find("000001号"), std::string::npos) << doc->number;
}

TEST_F(FilingServiceTest, SignedCopiesAndReprints) {
  FilingService service(*engine_, *catalog_, *archive_);
  std::vector<core::Problem> problems;
  auto doc = service.Issue("commitment-letter", catalog_->Find("commitment-letter")->example, kIssuedAt, "tester",
                           kToday, problems);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  auto original = archive_->ReadBlob(doc->sha256);
  ASSERT_TRUE(original.ok());

  // A signed PDF scan is kept as uploaded; bad uploads are refused and nothing is stored.
  auto copy = service.AttachSignedCopy(doc->number, original.value(), "scan.pdf", "clerk", kIssuedAt);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->pages, 1);
  const std::string& pdf = original.value();
  for (const std::string& bad : {std::string(), std::string("not a document"), pdf.substr(0, pdf.size() / 2)}) {
    auto refused = service.AttachSignedCopy(doc->number, bad, "bad", "clerk", kIssuedAt);
    EXPECT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), core::Code::kInvalidArgument) << refused.status().ToString();
  }
  auto copies = archive_->SignedCopiesOf(doc->id);
  ASSERT_TRUE(copies.ok());
  EXPECT_EQ(copies->size(), 1u);

  // A plain reprint is the stored bytes; a marked one starts with them and is found by its digest.
  auto plain = service.Reprint(doc->number, false, "张三", kIssuedAt);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain.value(), pdf);
  auto marked = service.Reprint(doc->number, true, "张三", "2026-11-28T09:00:00+08:00");
  ASSERT_TRUE(marked.ok()) << marked.status().ToString();
  ASSERT_GT(marked->size(), pdf.size());
  EXPECT_EQ(marked->compare(0, pdf.size(), pdf), 0) << "the original is not a prefix";
  auto found = archive_->FindBySha256(core::Sha256Hex(marked.value()));
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->reprints.size(), 1u);
  EXPECT_TRUE(found->reprints[0].marked);
  TempDir files;
  testing::WriteFileOrDie(files.File("marked.pdf"), marked.value());
  const std::string text = testing::PdfRawText(files.File("marked.pdf"));
  EXPECT_NE(text.find("补打"), std::string::npos);
  EXPECT_NE(text.find("操作人：张三"), std::string::npos);
  auto outcome = service.Verify();
  ASSERT_TRUE(outcome.ok());
  EXPECT_TRUE(outcome->clean());
}

TEST_F(FilingServiceTest, VerifyNamesADocumentWhoseTemplateChangedUnderIt) {
  // Archive with a copy of the templates, then change the copy's template v1 in place:
  // re-rendering no longer gives the archived bytes, and verify names the document.
  const std::string copy = dir_.File("templates");
  fs::copy(testing::SourceRoot() + "/templates", copy, fs::copy_options::recursive);
  templates_ = copy;
  SetUp();
  FilingService service(*engine_, *catalog_, *archive_);
  std::vector<core::Problem> problems;
  auto doc = service.Issue("commitment-letter", catalog_->Find("commitment-letter")->example, kIssuedAt, "tester",
                           kToday, problems);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  const std::string file = copy + "/commitment-letter/template.v1.xml";
  std::string xml = testing::ReadFileOrDie(file);
  const size_t at = xml.find("承诺书</title>");
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, std::string("承诺书").size(), "承诺函");
  testing::WriteFileOrDie(file, xml);
  SetUp();
  FilingService changed(*engine_, *catalog_, *archive_);
  auto outcome = changed.Verify();
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->clean());
  ASSERT_EQ(outcome->rerender_problems.size(), 1u);
  EXPECT_EQ(outcome->rerender_problems[0].number, doc->number);
}

}  // namespace
}  // namespace beian::service
