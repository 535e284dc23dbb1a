// Opening a catalog written by an older beian: testdata/schema3 is an archive
// at schema version 3 (see its README), with documents, a signed copy,
// reprints, a revoked document, a serial left unfiled and access tokens.
// Migration 4 rebuilds the documents table: ids, indexes, references, the
// search index and verify must all come through.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"

namespace beian::archive {
namespace {

namespace fs = std::filesystem;

using testing::ExecSql;
using testing::QueryColumn;
using testing::TempDir;

class MigrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string fixture = std::string(BEIAN_ARCHIVE_TESTDATA) + "/schema3";
    std::ifstream in(fixture + "/catalog.sql");
    ASSERT_TRUE(in) << fixture;
    std::ostringstream sql;
    sql << in.rdbuf();
    catalog_ = dir_.path() + "/catalog.sqlite3";
    ASSERT_EQ(ExecSql(catalog_, sql.str()), "");
    fs::copy(fixture + "/blobs", dir_.path() + "/blobs",
             fs::copy_options::recursive);
    ASSERT_EQ(QueryColumn(catalog_, "PRAGMA user_version")[0], "3");
    before_ = QueryColumn(catalog_,
                          "SELECT id || ' ' || number || ' ' || status FROM "
                          "documents ORDER BY id");
    ASSERT_EQ(before_.size(), 4u);
  }

  void Open() {
    ArchiveOptions options;
    options.now = [] { return std::string("2026-12-07T09:00:00+08:00"); };
    auto opened = SqliteArchive::Open(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
  }

  TempDir dir_;
  std::string catalog_;
  std::vector<std::string> before_;
  std::unique_ptr<SqliteArchive> archive_;
};

TEST_F(MigrationTest, KeepsIdsIndexesAndReferences) {
  Open();
  EXPECT_EQ(QueryColumn(catalog_, "PRAGMA user_version")[0],
            std::to_string(SqliteArchive::SchemaVersion()));
  EXPECT_EQ(QueryColumn(catalog_,
                        "SELECT id || ' ' || number || ' ' || status FROM "
                        "documents ORDER BY id"),
            before_);
  EXPECT_EQ(QueryColumn(catalog_,
                        "SELECT name FROM sqlite_schema WHERE type = 'index' "
                        "AND tbl_name = 'documents' AND sql IS NOT NULL "
                        "ORDER BY name"),
            (std::vector<std::string>{
                "documents_credit_code", "documents_district_issued",
                "documents_district_serial", "documents_issued",
                "documents_kind_issued", "documents_ofd_sha256", "documents_sha256",
                "documents_staff_unindexed"}));
  // No trace of the rebuild; the references still name documents and hold.
  EXPECT_TRUE(QueryColumn(catalog_,
                          "SELECT name FROM sqlite_schema WHERE sql LIKE "
                          "'%documents_v4%'")
                  .empty());
  EXPECT_TRUE(QueryColumn(catalog_, "PRAGMA foreign_key_check").empty());
  EXPECT_NE(ExecSql(catalog_,
                    "PRAGMA foreign_keys = ON; DELETE FROM documents WHERE "
                    "id = 1"),
            "");  // signed copy 1 and reprint 2 point at it
  EXPECT_EQ(QueryColumn(catalog_, "SELECT count(*) FROM documents")[0], "4");
}

TEST_F(MigrationTest, OldRowsVerifyAndKeepTheirMeaning) {
  Open();
  const core::Result<VerifyReport> report = archive_->VerifyStorage();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  for (const Finding& f : report->problems) ADD_FAILURE() << f.message;
  EXPECT_EQ(report->documents, 4);
  EXPECT_EQ(report->signed_copies, 1);
  EXPECT_EQ(report->reprints, 2);
  // The serial the old catalog left unfiled is an allocation of unknown time.
  ASSERT_EQ(report->notices.size(), 1u);
  EXPECT_EQ(report->notices[0].kind, FindingKind::kSerialInFlight);
  EXPECT_EQ(report->notices[0].number, "京朝文〔2026〕000003号");

  const Document revoked = *archive_->FindByNumber("京朝核〔2026〕000004号");
  EXPECT_EQ(revoked.status, DocumentStatus::kRevoked);
  EXPECT_EQ(revoked.status_reason, "");  // the old entry's reason stays in the log
  EXPECT_EQ(archive_->Get(1)->status, DocumentStatus::kSigned);
  EXPECT_TRUE((*archive_->SignedCopiesOf(1))[0].of_record);
  const core::Result<std::vector<AccessToken>> tokens = archive_->ListAccessTokens();
  ASSERT_TRUE(tokens.ok());
  for (const AccessToken& t : *tokens) EXPECT_EQ(t.name, "");
  // The staff of every old document is still to be indexed.
  EXPECT_EQ(*archive_->DocumentsWithoutStaffKeys(),
            (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST_F(MigrationTest, SearchStillFindsTheOldDocuments) {
  Open();
  auto found = archive_->Search({"望京", {}});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  std::vector<int64_t> ids;
  for (const Document& d : found->documents) ids.push_back(d.id);
  EXPECT_EQ(ids, (std::vector<int64_t>{4, 3, 2, 1}));
  auto haidian = archive_->Search({"中关村", {}});
  ASSERT_TRUE(haidian.ok());
  ASSERT_EQ(haidian->documents.size(), 1u);
  EXPECT_EQ(haidian->documents[0].number, "京海核〔2026〕000001号");
  DocumentFilter revoked;
  revoked.status = DocumentStatus::kRevoked;
  auto filtered = archive_->Search({"双井", revoked});
  ASSERT_TRUE(filtered.ok());
  ASSERT_EQ(filtered->documents.size(), 1u);
  EXPECT_EQ(filtered->documents[0].id, 4);
}

TEST_F(MigrationTest, TheMigratedCatalogTakesTheNewLifeAndRegister) {
  Open();
  ASSERT_TRUE(archive_
                  ->ChangeStatus(
                      testing::Acceptance(1, {DocumentStatus::kSigned}))
                  .ok());
  EXPECT_EQ(*archive_->AllocateNumber("朝阳区", 2026, "contract-filing"),
            "京朝备〔2026〕000005号");
  EXPECT_EQ(*archive_->VoidUnusedNumbers("nightly",
                                         "2026-12-07T00:00:00+08:00"),
            std::vector<std::string>{"京朝文〔2026〕000003号"});
  const core::Result<VerifyReport> report = archive_->VerifyStorage();
  ASSERT_TRUE(report.ok());
  for (const Finding& f : report->problems) ADD_FAILURE() << f.message;
  ASSERT_EQ(report->notices.size(), 1u);  // only the new allocation
  EXPECT_EQ(report->notices[0].number, "京朝备〔2026〕000005号");
  // Reopening migrates nothing twice.
  archive_.reset();
  Open();
  EXPECT_TRUE(archive_->VerifyStorage()->clean());
}

}  // namespace
}  // namespace beian::archive
