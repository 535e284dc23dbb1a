// Tamper tests: each edits the archive behind its back the way a careless
// administrator or an attacker with file access would, and expects verify to
// name what was touched.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "test_catalog.h"
#include "beian/archive/blob_store.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::FlipByte;
using testing::QueryColumn;
using testing::SampleDocument;
using testing::TempDir;

class VerifyTest : public ::testing::Test {
 protected:
  // Audit log afterwards: 1-3 ingest docs_[0..2], 4 attach to docs_[0],
  // 5 marked reprint of docs_[1].
  void SetUp() override {
    core::Result<std::unique_ptr<CatalogArchive>> opened =
        OpenTestArchive(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
    catalog_ = archive_->catalog();
    for (int i = 0; i < 3; ++i) {
      NewDocument doc = SampleDocument(i, "");
      doc.number = *archive_->AllocateNumber("朝阳区", 2026, doc.kind);
      core::Result<Document> stored = archive_->Ingest(doc);
      ASSERT_TRUE(stored.ok()) << stored.status().ToString();
      docs_.push_back(*stored);
    }
    core::Result<SignedCopy> copy = archive_->AttachSignedCopy(
        {docs_[0].id, "application/pdf", "signed.pdf", "clerk-li", "", 1,
         "%PDF-1.4 signed and stamped"});
    ASSERT_TRUE(copy.ok());
    copy_ = *copy;
    const std::string original = *archive_->ReadBlob(docs_[1].sha256);
    core::Result<Reprint> reprint = archive_->AddReprint(
        {docs_[1].id, true, "clerk-li", "", original + "% 补打\n%%EOF\n", ""});
    ASSERT_TRUE(reprint.ok());
    reprint_ = *reprint;
  }

  VerifyReport Verify() {
    core::Result<VerifyReport> report = archive_->VerifyStorage();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport{};
  }

  std::string BlobPath(const std::string& sha256) {
    return dir_.path() + "/blobs/" + sha256.substr(0, 2) + "/" +
           sha256.substr(2);
  }

  // True iff some problem has `kind` and names `number` (if not empty) and
  // `seq` (if not 0).
  static bool Has(const VerifyReport& report, FindingKind kind,
                  const std::string& number, int64_t seq = 0) {
    for (const Finding& f : report.problems) {
      if (f.kind == kind && (number.empty() || f.number == number) &&
          (seq == 0 || f.audit_seq == seq)) {
        return true;
      }
    }
    return false;
  }

  static std::string Describe(const VerifyReport& report) {
    std::string text;
    for (const Finding& f : report.problems) {
      text += std::string(FindingKindName(f.kind)) + ": " + f.message + "\n";
    }
    for (const Finding& f : report.notices) {
      text += "(notice) " + std::string(FindingKindName(f.kind)) + ": " +
              f.message + "\n";
    }
    return text;
  }

  TempDir dir_;
  std::unique_ptr<CatalogArchive> archive_;
  std::string catalog_;
  std::vector<Document> docs_;
  SignedCopy copy_;
  Reprint reprint_;
};

TEST_F(VerifyTest, UntouchedArchiveIsClean) {
  std::vector<std::pair<int64_t, int64_t>> progress;
  core::Result<VerifyReport> report =
      archive_->VerifyStorage([&](int64_t done, int64_t total) {
        progress.push_back({done, total});
      });
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean()) << Describe(*report);
  EXPECT_TRUE(report->notices.empty()) << Describe(*report);
  EXPECT_EQ(report->documents, 3);
  EXPECT_EQ(report->signed_copies, 1);
  EXPECT_EQ(report->reprints, 1);
  EXPECT_EQ(report->audit_rows, 5);
  EXPECT_EQ(report->blobs, 5);
  EXPECT_EQ(report->audit_head_seq, 5);
  EXPECT_EQ(
      report->audit_head_hash,
      QueryColumn(catalog_, "SELECT hash FROM audit_log WHERE seq = 5").at(0));
  EXPECT_GT(report->bytes_hashed, 0);
  // Progress: monotonic, ends at done == total == 5 audit + 5 rows + 5 blobs.
  ASSERT_FALSE(progress.empty());
  for (size_t i = 1; i < progress.size(); ++i) {
    EXPECT_EQ(progress[i].first, progress[i - 1].first + 1);
  }
  EXPECT_EQ(progress.back(), std::make_pair(int64_t{15}, int64_t{15}));
}

TEST_F(VerifyTest, FlippedByteInABlobNamesTheDocument) {
  FlipByte(BlobPath(docs_[2].sha256), 20);
  const VerifyReport report = Verify();
  EXPECT_FALSE(report.clean());
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kBlobCorrupt);
  EXPECT_EQ(report.problems[0].number, docs_[2].number);
  EXPECT_EQ(report.problems[0].blob, docs_[2].sha256);
  EXPECT_NE(report.problems[0].message.find(docs_[2].number),
            std::string::npos);
}

TEST_F(VerifyTest, FlippedByteInAnOriginalAlsoBreaksItsMarkedReprint) {
  FlipByte(BlobPath(docs_[1].sha256), 3);
  const VerifyReport report = Verify();
  EXPECT_TRUE(Has(report, FindingKind::kBlobCorrupt, docs_[1].number))
      << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kReprintNotPrefix, docs_[1].number))
      << Describe(report);
}

TEST_F(VerifyTest, FlippedByteInASignedCopyNamesItsDocument) {
  FlipByte(BlobPath(copy_.sha256), 0);
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kBlobCorrupt);
  EXPECT_EQ(report.problems[0].number, docs_[0].number);
}

TEST_F(VerifyTest, MissingBlobNamesTheDocument) {
  ASSERT_EQ(std::remove(BlobPath(docs_[0].sha256).c_str()), 0);
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kBlobMissing);
  EXPECT_EQ(report.problems[0].number, docs_[0].number);
}

TEST_F(VerifyTest, EditedDocumentDataIsDetected) {
  ASSERT_EQ(ExecSql(catalog_,
                    "UPDATE documents SET data = '{\"sequence\":9}' "
                    "WHERE id = " +
                        std::to_string(docs_[1].id)),
            "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kRowEdited);
  EXPECT_EQ(report.problems[0].number, docs_[1].number);
  EXPECT_EQ(report.problems[0].audit_seq, 2);  // the ingest that covers it
}

TEST_F(VerifyTest, EveryImmutableColumnIsCovered) {
  const std::string id = std::to_string(docs_[2].id);
  ASSERT_EQ(ExecSql(catalog_,
                    "CREATE TABLE saved AS SELECT * FROM documents "
                    "WHERE id = " +
                        id),
            "");
  for (const char* change :
       {"number = number || 'x'", "kind = 'x'", "template_version = 2",
        "data = '{}'", "credit_code = 'x'", "enterprise_name = 'x'",
        "project_name = 'x'", "district = '海淀区'",
        "issued_at = '2026-01-01T00:00:00+08:00'", "created_by = 'x'",
        "sm3 = upper(sm3)", "bytes = bytes + 1", "pages = pages + 1"}) {
    ASSERT_EQ(ExecSql(catalog_, std::string("UPDATE documents SET ") + change +
                                    " WHERE id = " + id),
              "");
    const VerifyReport report = Verify();
    EXPECT_TRUE(Has(report, FindingKind::kRowEdited, "", 3))
        << change << "\n"
        << Describe(report);
    ASSERT_EQ(
        ExecSql(catalog_, "DELETE FROM documents WHERE id = " + id +
                              "; INSERT INTO documents SELECT * FROM saved"),
        "");
  }
  EXPECT_TRUE(Verify().clean());
}

TEST_F(VerifyTest, EditedStatusIsDetected) {
  ASSERT_EQ(
      ExecSql(catalog_, "UPDATE documents SET status = 'revoked' WHERE id = " +
                            std::to_string(docs_[0].id)),
      "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kStatusMismatch);
  EXPECT_EQ(report.problems[0].number, docs_[0].number);
}

TEST_F(VerifyTest, EditedSignedCopyAndReprintRowsAreDetected) {
  ASSERT_EQ(ExecSql(catalog_,
                    "UPDATE signed_copies SET uploaded_by = 'mallory'; "
                    "UPDATE reprints SET operator = 'mallory'"),
            "");
  const VerifyReport report = Verify();
  EXPECT_EQ(report.problems.size(), 2u) << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kRowEdited, docs_[0].number, 4));
  EXPECT_TRUE(Has(report, FindingKind::kRowEdited, docs_[1].number, 5));
}

TEST_F(VerifyTest, DeletedAuditRowNamesTheGap) {
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM audit_log WHERE seq = 2"), "");
  const VerifyReport report = Verify();
  EXPECT_TRUE(Has(report, FindingKind::kAuditRowMissing, "", 2))
      << Describe(report);
  // The document that row covered is now unaccounted for, and named.
  EXPECT_TRUE(Has(report, FindingKind::kRowNotAudited, docs_[1].number))
      << Describe(report);
}

TEST_F(VerifyTest, DeletedRowsAtTheEndOfTheLogAreDetected) {
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM audit_log WHERE seq >= 4"), "");
  const VerifyReport report = Verify();
  EXPECT_TRUE(Has(report, FindingKind::kAuditRowMissing, "", 4))
      << Describe(report);
  EXPECT_NE(report.problems[0].message.find("4 to 5"), std::string::npos)
      << Describe(report);
}

TEST_F(VerifyTest, DeletedChainHeadIsDetected) {
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM audit_head"), "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 1u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kAuditHeadMismatch);
}

TEST_F(VerifyTest, EditedNumberNamesBothNumbers) {
  ASSERT_EQ(ExecSql(catalog_,
                    "UPDATE documents SET number = '京朝备〔2026〕000777号' "
                    "WHERE id = " +
                        std::to_string(docs_[0].id)),
            "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 2u) << Describe(report);
  EXPECT_EQ(report.problems[0].number, "京朝备〔2026〕000777号");
  EXPECT_NE(report.problems[0].message.find("as " + docs_[0].number),
            std::string::npos)
      << report.problems[0].message;
  // Serial 777 is above the counter: it would be handed out again.
  EXPECT_TRUE(Has(report, FindingKind::kCounterBehind, "京朝备〔2026〕000777号"))
      << Describe(report);
  // Serial 1 is now only an allocation.
  ASSERT_EQ(report.notices.size(), 1u) << Describe(report);
  EXPECT_EQ(report.notices[0].kind, FindingKind::kSerialInFlight);
  EXPECT_EQ(report.notices[0].number, docs_[0].number);
}

TEST_F(VerifyTest, ReorderedAuditRowsAreDetected) {
  ASSERT_EQ(ExecSql(catalog_,
                    "UPDATE audit_log SET seq = -1 WHERE seq = 2; "
                    "UPDATE audit_log SET seq = 2 WHERE seq = 3; "
                    "UPDATE audit_log SET seq = 3 WHERE seq = -1"),
            "");
  const VerifyReport report = Verify();
  EXPECT_TRUE(Has(report, FindingKind::kAuditRowEdited, "", 2))
      << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kAuditRowEdited, "", 3))
      << Describe(report);
}

TEST_F(VerifyTest, EditedAuditRowIsDetected) {
  ASSERT_EQ(
      ExecSql(catalog_, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 4"),
      "");
  const VerifyReport report = Verify();
  // The chain hash, the stored Merkle tree and the signed checkpoint each
  // name entry 4.
  ASSERT_EQ(report.problems.size(), 3u) << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kAuditRowEdited, "", 4)) << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kMerkleTreeMismatch, "", 4)) << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kLogRewritten, "", 4)) << Describe(report);
}

TEST_F(VerifyTest, RehashedAuditRowBreaksTheChainAtTheNextRow) {
  // Edit row 1 and give it a correct hash for its new content.
  const std::vector<std::string> row = beian::testing::QueryCatalogRows(
      catalog_, "SELECT at, actor, action, subject, detail, prev_hash FROM audit_log WHERE seq = 1").at(0);
  core::Json content = core::Json::MakeObject();
  content.Set("action", row[2]);
  content.Set("actor", "mallory");
  content.Set("at", row[0]);
  content.Set("detail", row[4]);
  content.Set("seq", 1);
  content.Set("subject", row[3]);
  const std::string hash = core::Sha256Hex(row[5] + core::WriteCanonicalJson(content));
  ASSERT_EQ(
      ExecSql(catalog_, "UPDATE audit_log SET actor = 'mallory', hash = '" +
                            hash + "' WHERE seq = 1"),
      "");
  const VerifyReport report = Verify();
  // The chain breaks at the next row; the Merkle tree and the checkpoint
  // name the rewritten one.
  ASSERT_EQ(report.problems.size(), 3u) << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kAuditChainBroken, "", 2)) << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kMerkleTreeMismatch, "", 1)) << Describe(report);
  EXPECT_TRUE(Has(report, FindingKind::kLogRewritten, "", 1)) << Describe(report);
}

TEST_F(VerifyTest, DeletedCatalogRowIsNamed) {
  ASSERT_EQ(ExecSql(catalog_, "DELETE FROM documents WHERE id = " +
                                  std::to_string(docs_[2].id)),
            "");
  const VerifyReport report = Verify();
  EXPECT_TRUE(Has(report, FindingKind::kRowMissing, docs_[2].number, 3))
      << Describe(report);
  // Its number is only an allocation now, its blob unreferenced.
  ASSERT_EQ(report.notices.size(), 2u) << Describe(report);
  EXPECT_EQ(report.notices[0].kind, FindingKind::kSerialInFlight);
  EXPECT_EQ(report.notices[0].number, docs_[2].number);
  EXPECT_EQ(report.notices[1].blob, docs_[2].sha256);
}

TEST_F(VerifyTest, RowInsertedBehindTheArchiveIsNamed) {
  ASSERT_EQ(
      ExecSql(catalog_,
              "INSERT INTO documents (number, kind, template_version, data, "
              "credit_code, enterprise_name, project_name, district, "
              "issued_at, created_by, sha256, sm3, bytes, pages, status) "
              "SELECT '京朝备〔2026〕000099号', kind, template_version, data, "
              "credit_code, enterprise_name, project_name, district, "
              "issued_at, created_by, sha256, sm3, bytes, pages, status "
              "FROM documents WHERE id = " +
                  std::to_string(docs_[0].id)),
      "");
  const VerifyReport report = Verify();
  ASSERT_EQ(report.problems.size(), 2u) << Describe(report);
  EXPECT_EQ(report.problems[0].kind, FindingKind::kRowNotAudited);
  EXPECT_EQ(report.problems[0].number, "京朝备〔2026〕000099号");
  EXPECT_TRUE(Has(report, FindingKind::kCounterBehind, "京朝备〔2026〕000099号"))
      << Describe(report);
}

TEST_F(VerifyTest, LeftoversAreNoticesNotProblems) {
  std::unique_ptr<DirectoryBlobStore> blobs = *DirectoryBlobStore::Open(dir_.path() + "/blobs");
  const std::string orphan =
      blobs->Put("written, then the process died")->sha256;
  std::filesystem::create_directories(dir_.path() + "/blobs/ab");
  std::ofstream(dir_.path() + "/blobs/ab/.0123456789abcdef.tmp.XyZ123")
      << "half";
  const VerifyReport report = Verify();
  EXPECT_TRUE(report.clean()) << Describe(report);
  ASSERT_EQ(report.notices.size(), 2u) << Describe(report);
  EXPECT_EQ(report.notices[0].kind, FindingKind::kBlobUnreferenced);
  EXPECT_EQ(report.notices[0].blob, orphan);
  EXPECT_EQ(report.notices[1].kind, FindingKind::kStrayFile);
}

}  // namespace
}  // namespace beian::archive
