#include "beian/archive/sqlite_archive.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <algorithm>
#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "archive_test_util.h"
#include "test_catalog.h"
#include "beian/archive/document_number.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::Revoke;
using testing::SampleDocument;
using testing::TempDir;

std::unique_ptr<CatalogArchive> OpenArchive(const std::string& dir,
                                           ArchiveOptions options = {}) {
  core::Result<std::unique_ptr<CatalogArchive>> archive =
      OpenTestArchive(dir, std::move(options));
  EXPECT_TRUE(archive.ok()) << archive.status().ToString();
  return archive.ok() ? std::move(archive).value() : nullptr;
}

// Allocates a number for the sample and ingests it.
Document IngestSample(Archive& archive, int i,
                      const std::string& district = "朝阳区") {
  NewDocument doc = SampleDocument(i, "", district);
  core::Result<std::string> number =
      archive.AllocateNumber(district, 2026, doc.kind);
  EXPECT_TRUE(number.ok()) << number.status().ToString();
  doc.number = *number;
  core::Result<Document> stored = archive.Ingest(doc);
  EXPECT_TRUE(stored.ok()) << stored.status().ToString();
  return *stored;
}

std::string Count(const std::string& catalog, const std::string& table) {
  return QueryColumn(catalog, "SELECT count(*) FROM " + table).at(0);
}

TEST(SqliteArchiveTest, OpenCreatesTheCatalogInWalModeAtTheCurrentVersion) {
  TempDir dir;
  auto archive = OpenArchive(dir.path() + "/var/archive");
  ASSERT_NE(archive, nullptr);
  const std::string catalog = archive->catalog();
  EXPECT_EQ(catalog, dir.path() + "/var/archive/catalog.sqlite3");
  EXPECT_EQ(QueryColumn(catalog, "PRAGMA user_version").at(0),
            std::to_string(CatalogSchemaVersion()));
  EXPECT_EQ(QueryColumn(catalog, "PRAGMA journal_mode").at(0), "wal");
  for (const char* table : {"documents", "signed_copies", "reprints",
                            "audit_log", "audit_head", "number_counters"}) {
    EXPECT_EQ(Count(catalog, table),
              std::string(table) == "audit_head" ? "1" : "0")
        << table;
  }
}

TEST(SqliteArchiveTest, RefusesACatalogFromANewerBeian) {
  TempDir dir;
  { ASSERT_NE(OpenArchive(dir.path()), nullptr); }
  ASSERT_EQ(ExecSql(beian::testing::TestCatalogIn(dir.path()),
                    beian::testing::OnPostgres() ? "UPDATE beian_schema SET version = 99" : "PRAGMA user_version = 99"),
            "");
  core::Result<std::unique_ptr<CatalogArchive>> archive =
      OpenTestArchive(dir.path());
  ASSERT_FALSE(archive.ok());
  EXPECT_EQ(archive.status().code(), core::Code::kFailedPrecondition);
  EXPECT_NE(archive.status().message().find("99"), std::string::npos);
}

TEST(SqliteArchiveTest, IngestStoresTheRowTheBlobAndAnAuditEntry) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  NewDocument doc = SampleDocument(7, "");
  core::Json data = core::Json::MakeObject();
  data.Set("z", 1);
  data.Set("a", "朝阳");
  doc.data = data;
  doc.number = *archive->AllocateNumber("朝阳区", 2026, doc.kind);
  core::Result<Document> stored = archive->Ingest(doc);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_GT(stored->id, 0);
  EXPECT_EQ(stored->number, "京朝核〔2026〕000001号");
  EXPECT_EQ(stored->data, "{\"a\":\"朝阳\",\"z\":1}");  // canonical JSON
  EXPECT_EQ(stored->sha256, core::Sha256Hex(doc.pdf));
  EXPECT_EQ(stored->sm3, *core::Sm3Hex(doc.pdf));
  EXPECT_EQ(stored->bytes, static_cast<int64_t>(doc.pdf.size()));
  EXPECT_EQ(stored->status, DocumentStatus::kIssued);

  core::Result<Document> got = archive->Get(stored->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->number, stored->number);
  EXPECT_EQ(got->kind, doc.kind);
  EXPECT_EQ(got->template_version, 1);
  EXPECT_EQ(got->credit_code, doc.credit_code);
  EXPECT_EQ(got->enterprise_name, doc.enterprise_name);
  EXPECT_EQ(got->project_name, doc.project_name);
  EXPECT_EQ(got->district, "朝阳区");
  EXPECT_EQ(got->issued_at, doc.issued_at);
  EXPECT_EQ(got->created_by, "clerk-wang");
  EXPECT_EQ(got->pages, doc.pages);
  EXPECT_EQ(got->data, stored->data);
  EXPECT_EQ(*archive->ReadBlob(got->sha256), doc.pdf);

  std::vector<AuditEntry> audit;
  ASSERT_TRUE(archive
                  ->ForEachAuditEntry([&](const AuditEntry& e) {
                    audit.push_back(e);
                    return core::Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].seq, 1);
  EXPECT_EQ(audit[0].action, "ingest");
  EXPECT_EQ(audit[0].actor, "clerk-wang");
  EXPECT_EQ(audit[0].subject, stored->number);
  EXPECT_NE(audit[0].detail.find("\"row_sha256\""), std::string::npos);

  // Still there after reopening.
  archive.reset();
  archive = OpenArchive(dir.path());
  EXPECT_EQ(archive->Get(stored->id)->sha256, stored->sha256);
}

TEST(SqliteArchiveTest, FindsByNumberAsPrintedOrAsTyped) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const Document stored = IngestSample(*archive, 2);
  EXPECT_EQ(archive->FindByNumber("京朝备〔2026〕000001号")->id, stored.id);
  EXPECT_EQ(archive->FindByNumber("京朝备[2026]1号")->id, stored.id);
  EXPECT_EQ(archive->FindByNumber(" 京朝备（2026）第1号")->id, stored.id);
  EXPECT_EQ(archive->FindByNumber("京朝备〔2026〕000002号").status().code(),
            core::Code::kNotFound);
  EXPECT_EQ(archive->Get(stored.id + 1).status().code(), core::Code::kNotFound);
}

TEST(SqliteArchiveTest, FindBySha256AnswersIsThisPaperTheOneFiled) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const Document a = IngestSample(*archive, 1);
  const Document b = IngestSample(*archive, 2);
  std::string upper = b.sha256;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  core::Result<Sha256Matches> matches = archive->FindBySha256(upper);
  ASSERT_TRUE(matches.ok()) << matches.status().ToString();
  ASSERT_EQ(matches->documents.size(), 1u);
  EXPECT_EQ(matches->documents[0].number, b.number);
  EXPECT_TRUE(matches->signed_copies.empty());

  NewSignedCopy copy{
      a.id, "application/pdf",          "scan.pdf", "clerk-li", "",
      2,    "%PDF-1.4 signed scan of a"};
  ASSERT_TRUE(archive->AttachSignedCopy(copy).ok());
  matches = archive->FindBySha256(core::Sha256Hex(copy.content));
  ASSERT_EQ(matches->signed_copies.size(), 1u);
  EXPECT_EQ(matches->signed_copies[0].document_id, a.id);

  EXPECT_TRUE(archive->FindBySha256(core::Sha256Hex("other paper"))->empty());
  EXPECT_EQ(archive->FindBySha256("xyz").status().code(),
            core::Code::kInvalidArgument);
}

TEST(SqliteArchiveTest, NumbersCountPerDistrictAndYearAndReadClearly) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  EXPECT_EQ(*archive->AllocateNumber("朝阳区", 2026, "contract-filing"),
            "京朝备〔2026〕000001号");
  EXPECT_EQ(*archive->AllocateNumber("朝阳区", 2026, "acceptance-receipt"),
            "京朝受〔2026〕000002号");
  EXPECT_EQ(*archive->AllocateNumber("海淀区", 2026, "contract-filing"),
            "京海备〔2026〕000001号");
  EXPECT_EQ(*archive->AllocateNumber("朝阳区", 2027, "contract-filing"),
            "京朝备〔2027〕000001号");
  EXPECT_EQ(*archive->AllocateNumber("北京经济技术开发区", 2026, "new-kind"),
            "京开文〔2026〕000001号");
  archive.reset();
  archive = OpenArchive(dir.path());
  EXPECT_EQ(*archive->AllocateNumber("朝阳区", 2026, "contract-filing"),
            "京朝备〔2026〕000003号");
  EXPECT_EQ(
      archive->AllocateNumber("上海", 2026, "contract-filing").status().code(),
      core::Code::kInvalidArgument);
  EXPECT_EQ(
      archive->AllocateNumber("朝阳区", 26, "contract-filing").status().code(),
      core::Code::kInvalidArgument);
}

TEST(SqliteArchiveTest, NumbersStayUniqueAcrossThreadsAndConnections) {
  TempDir dir;
  auto first = OpenArchive(dir.path());
  auto second = OpenArchive(dir.path());  // as another process would
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Archive& archive = t % 2 == 0 ? *first : *second;
      for (int i = 0; i < 25; ++i) {
        core::Result<std::string> n =
            archive.AllocateNumber("西城区", 2026, "contract-filing");
        if (n.ok()) got[t].push_back(*n);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<int64_t> serials;
  for (const auto& numbers : got) {
    EXPECT_EQ(numbers.size(), 25u);
    for (const std::string& n : numbers) {
      std::optional<DocumentNumber> parsed = ParseDocumentNumber(n);
      ASSERT_TRUE(parsed.has_value()) << n;
      serials.insert(parsed->serial);
    }
  }
  ASSERT_EQ(serials.size(), 100u);  // no duplicates
  EXPECT_EQ(*serials.begin(), 1);
  EXPECT_EQ(*serials.rbegin(), 100);  // and no gaps
}

// Group commits checkpoint the log once it passes 1000 pages (on a
// connection of their own, outside the write lock): it stays near that size
// however much is filed.
TEST(SqliteArchiveTest, TheLogIsCheckpointedAsIngestsGoOn) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const std::string wal = dir.path() + "/catalog.sqlite3-wal";
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "北京市朝阳区望京西路48号院";  // 78 KB
  uintmax_t largest = 0;
  for (int i = 0; i < 150; ++i) {
    NewDocument doc = SampleDocument(i, "");
    core::Json data = core::Json::MakeObject();
    data.Set("text", text + std::to_string(i));
    doc.data = data;
    doc.number = *archive->AllocateNumber("朝阳区", 2026, doc.kind);
    ASSERT_TRUE(archive->Ingest(doc).ok());
    largest = std::max(largest, std::filesystem::file_size(wal));
  }
  // 150 documents wrote over 2,900 pages (20 each); the log never held
  // much more than the 1000 after which it is checkpointed.
  EXPECT_LT(largest, 1300u * 4096u);
  EXPECT_GT(std::filesystem::file_size(dir.path() + "/catalog.sqlite3"), 100u * 78000u);
}

TEST(SqliteArchiveTest, AllocationSkipsSerialsThatCameFromAnImport) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  ASSERT_TRUE(
      archive->Ingest(SampleDocument(0, "京朝备〔2026〕000005号")).ok());
  EXPECT_EQ(*archive->AllocateNumber("朝阳区", 2026, "contract-filing"),
            "京朝备〔2026〕000006号");
  // A number in another format is kept as given.
  core::Result<Document> legacy =
      archive->Ingest(SampleDocument(1, "HTBA-20260301-ABCDEF"));
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ(archive->FindByNumber("HTBA-20260301-ABCDEF")->id, legacy->id);
}

TEST(SqliteArchiveTest, IngestRefusesANumberFiledBeforeAndStoresNoRow) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const Document first = IngestSample(*archive, 1);
  NewDocument again = SampleDocument(2, first.number);
  core::Result<Document> result = archive->Ingest(again);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), core::Code::kFailedPrecondition);
  EXPECT_NE(result.status().message().find(first.number), std::string::npos);
  // Same serial under another kind code is the same number in substance.
  NewDocument same_serial = SampleDocument(3, "京朝受〔2026〕000001号");
  EXPECT_EQ(archive->Ingest(same_serial).status().code(),
            core::Code::kFailedPrecondition);
  EXPECT_EQ(Count(archive->catalog(), "documents"), "1");
  EXPECT_EQ(Count(archive->catalog(), "audit_log"), "1");
  // Refused before the blob was written: nothing left behind.
  EXPECT_EQ(testing::FilesBelow(dir.path() + "/blobs").size(), 1u);
}

TEST(SqliteArchiveTest, IngestRefusesMalformedRecordsAndStoresNothing) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const std::string number = *archive->AllocateNumber("朝阳区", 2026, "x");
  struct Case {
    const char* name;
    void (*spoil)(NewDocument&);
  };
  const Case cases[] = {
      {"empty pdf", [](NewDocument& d) { d.pdf.clear(); }},
      {"no offset",
       [](NewDocument& d) { d.issued_at = "2026-03-01T09:00:00"; }},
      {"utc", [](NewDocument& d) { d.issued_at = "2026-03-01T01:00:00Z"; }},
      {"bad date",
       [](NewDocument& d) { d.issued_at = "2026-13-01T09:00:00+08:00"; }},
      {"district", [](NewDocument& d) { d.district = "朝阳"; }},
      {"other district", [](NewDocument& d) { d.district = "海淀区"; }},
      {"pages", [](NewDocument& d) { d.pages = 0; }},
      {"kind", [](NewDocument& d) { d.kind.clear(); }},
      {"version", [](NewDocument& d) { d.template_version = 0; }},
      {"creator", [](NewDocument& d) { d.created_by.clear(); }},
      {"number", [](NewDocument& d) { d.number.clear(); }},
      {"id in project",
       [](NewDocument& d) {
         d.project_name = "张三 11010519491231002X 的房屋";
       }},
      {"id in creator",
       [](NewDocument& d) { d.created_by = "110105198001011238"; }},
  };
  for (const Case& c : cases) {
    NewDocument doc = SampleDocument(1, number);
    c.spoil(doc);
    EXPECT_EQ(archive->Ingest(doc).status().code(),
              core::Code::kInvalidArgument)
        << c.name;
  }
  EXPECT_EQ(Count(archive->catalog(), "documents"), "0");
  EXPECT_EQ(Count(archive->catalog(), "audit_log"), "0");
  EXPECT_TRUE(testing::FilesBelow(dir.path() + "/blobs").empty());
}

TEST(SqliteArchiveTest, IdNumbersStayInTheDataAndOutOfEveryIndexedColumn) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  NewDocument doc = SampleDocument(1, "");
  core::Json person = core::Json::MakeObject();
  person.Set("name", "张三");
  person.Set("id_number", "11010519491231002X");
  core::Json data = core::Json::MakeObject();
  data.Set("legal_representative", person);
  doc.data = data;
  doc.number = *archive->AllocateNumber("朝阳区", 2026, doc.kind);
  ASSERT_TRUE(archive->Ingest(doc).ok());
  const std::string catalog = archive->catalog();
  EXPECT_EQ(QueryColumn(catalog,
                        "SELECT count(*) FROM documents WHERE data LIKE "
                        "'%11010519491231002X%'")
                .at(0),
            "1");
  for (const char* column :
       {"number", "kind", "credit_code", "enterprise_name", "project_name",
        "district", "issued_at", "created_by", "sha256", "status"}) {
    EXPECT_EQ(QueryColumn(catalog, std::string("SELECT count(*) FROM documents "
                                               "WHERE ") +
                                       column + " LIKE '%11010519491231002X%'")
                  .at(0),
              "0")
        << column;
  }
  EXPECT_EQ(QueryColumn(catalog,
                        "SELECT count(*) FROM audit_log WHERE actor || subject "
                        "|| detail LIKE '%11010519491231002X%'")
                .at(0),
            "0");
}

TEST(SqliteArchiveTest, AFailingCatalogWriteRollsBackTheWholeIngest) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const std::string catalog = archive->catalog();
  // Make the audit insert, which follows the document insert, fail.
  ASSERT_EQ(ExecSql(catalog, beian::testing::OnPostgres()
                                 ? "CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS "
                                   "$$BEGIN RAISE EXCEPTION 'injected failure'; END$$; "
                                   "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log "
                                   "FOR EACH ROW EXECUTE FUNCTION fail()"
                                 : "CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log "
                                   "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"),
            "");
  NewDocument doc = SampleDocument(1, "");
  doc.number = *archive->AllocateNumber("朝阳区", 2026, doc.kind);
  core::Result<Document> result = archive->Ingest(doc);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("injected failure"),
            std::string::npos)
      << result.status().ToString();
  EXPECT_EQ(Count(catalog, "documents"), "0");
  EXPECT_EQ(Count(catalog, "audit_log"), "0");
  EXPECT_EQ(archive->FindByNumber(doc.number).status().code(),
            core::Code::kNotFound);
  // The blob was written first and stays, reported as a harmless leftover.
  ASSERT_EQ(ExecSql(catalog, beian::testing::OnPostgres() ? "DROP TRIGGER fail_audit ON audit_log"
                                                           : "DROP TRIGGER fail_audit"),
            "");
  core::Result<VerifyReport> report = archive->VerifyStorage();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean());
  // The number stays allocated, not yet filed.
  ASSERT_EQ(report->notices.size(), 2u);
  EXPECT_EQ(report->notices[0].kind, FindingKind::kSerialInFlight);
  EXPECT_EQ(report->notices[0].number, doc.number);
  EXPECT_EQ(report->notices[1].kind, FindingKind::kBlobUnreferenced);
  EXPECT_EQ(report->notices[1].blob, core::Sha256Hex(doc.pdf));
  // The same ingest succeeds once the fault is gone, reusing the blob.
  ASSERT_TRUE(archive->Ingest(doc).ok());
  report = archive->VerifyStorage();
  EXPECT_TRUE(report->clean());
  EXPECT_TRUE(report->notices.empty());
}

TEST(SqliteArchiveTest, SignedCopyMarksTheDocumentSigned) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const Document doc = IngestSample(*archive, 1);
  NewSignedCopy copy{doc.id,
                     "image/jpeg",
                     "盖章扫描件.jpg",
                     "clerk-li",
                     "2026-03-05T10:00:00+08:00",
                     1,
                     "%PDF-1.4 wrapped jpeg"};
  core::Result<SignedCopy> stored = archive->AttachSignedCopy(copy);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->sha256, core::Sha256Hex(copy.content));
  EXPECT_EQ(stored->media_type, "image/jpeg");
  EXPECT_EQ(stored->original_name, "盖章扫描件.jpg");
  EXPECT_EQ(stored->uploaded_at, "2026-03-05T10:00:00+08:00");
  EXPECT_EQ(archive->Get(doc.id)->status, DocumentStatus::kSigned);
  core::Result<std::vector<SignedCopy>> copies =
      archive->SignedCopiesOf(doc.id);
  ASSERT_EQ(copies->size(), 1u);
  EXPECT_EQ((*copies)[0].id, stored->id);
  EXPECT_EQ(*archive->ReadBlob(stored->sha256), copy.content);

  copy.document_id = doc.id + 100;
  EXPECT_EQ(archive->AttachSignedCopy(copy).status().code(),
            core::Code::kNotFound);
  copy.document_id = doc.id;
  copy.content.clear();
  EXPECT_EQ(archive->AttachSignedCopy(copy).status().code(),
            core::Code::kInvalidArgument);
}

TEST(SqliteArchiveTest, ReprintsKeepTheOriginalAsAPrefix) {
  TempDir dir;
  ArchiveOptions options;
  options.now = [] { return std::string("2026-04-01T08:00:00+08:00"); };
  auto archive = OpenArchive(dir.path(), options);
  const Document doc = IngestSample(*archive, 1);
  const std::string original = *archive->ReadBlob(doc.sha256);

  core::Result<Reprint> plain =
      archive->AddReprint({doc.id, false, "clerk-li", "", "", ""});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->marked);
  EXPECT_EQ(plain->sha256, doc.sha256);  // the stored bytes, unchanged
  EXPECT_EQ(plain->reprinted_at, "2026-04-01T08:00:00+08:00");

  const std::string update = original + "\n% 补打 incremental update\n%%EOF\n";
  core::Result<Reprint> marked = archive->AddReprint(
      {doc.id, true, "clerk-li", "2026-04-02T08:00:00+08:00", update, ""});
  ASSERT_TRUE(marked.ok()) << marked.status().ToString();
  EXPECT_EQ(marked->sha256, core::Sha256Hex(update));
  EXPECT_EQ(archive->ReadBlob(marked->sha256)->substr(0, original.size()),
            original);
  core::Result<Sha256Matches> matches = archive->FindBySha256(marked->sha256);
  ASSERT_EQ(matches->reprints.size(), 1u);

  EXPECT_EQ(archive->AddReprint({doc.id, true, "clerk-li", "", "%PDF-other", ""})
                .status()
                .code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(archive->AddReprint({doc.id, false, "clerk-li", "", update, ""})
                .status()
                .code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(archive->ReprintsOf(doc.id)->size(), 2u);
}

TEST(SqliteArchiveTest, RevocationIsFinalAndAudited) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const Document doc = IngestSample(*archive, 1);
  core::Result<Document> revoked =
      Revoke(*archive, doc.id, "chief-zhao", "填报错误");
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->status, DocumentStatus::kRevoked);
  StatusChange back;
  back.document_id = doc.id;
  back.from = {DocumentStatus::kRevoked};
  back.to = DocumentStatus::kSigned;
  back.actor = "chief-zhao";
  const core::Status refused = archive->ChangeStatus(back).status();
  EXPECT_EQ(refused.code(), core::Code::kFailedPrecondition);
  EXPECT_NE(refused.message().find("revocation is final"), std::string::npos)
      << refused.message();
  // Attaching a copy later does not bring it back.
  ASSERT_TRUE(archive
                  ->AttachSignedCopy({doc.id, "application/pdf", "a.pdf",
                                      "clerk-li", "", 1, "%PDF late copy"})
                  .ok());
  EXPECT_EQ(archive->Get(doc.id)->status, DocumentStatus::kRevoked);
  EXPECT_EQ(QueryColumn(archive->catalog(),
                        "SELECT action FROM audit_log ORDER BY seq"),
            (std::vector<std::string>{"ingest", "set-status", "attach"}));
  EXPECT_TRUE(archive->VerifyStorage()->clean());
}

TEST(SqliteArchiveTest, AuditEntriesChainByTheDocumentedFormula) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  IngestSample(*archive, 1);
  core::Json detail = core::Json::MakeObject();
  detail.Set("documents", 1);
  detail.Set("bag", "/backup/2026-03");
  core::Result<AuditEntry> e =
      archive->AppendAudit({"ops-chen", "export", "/backup/2026-03", detail});
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->seq, 2);
  EXPECT_EQ(e->detail, "{\"bag\":\"/backup/2026-03\",\"documents\":1}");
  const std::string first_hash =
      QueryColumn(archive->catalog(),
                  "SELECT hash FROM audit_log WHERE seq = 1")
          .at(0);
  EXPECT_EQ(e->prev_hash, first_hash);
  // Recompute as an outside auditor would.
  core::Json content = core::Json::MakeObject();
  content.Set("action", e->action);
  content.Set("actor", e->actor);
  content.Set("at", e->at);
  content.Set("detail", e->detail);
  content.Set("seq", e->seq);
  content.Set("subject", e->subject);
  EXPECT_EQ(e->hash,
            core::Sha256Hex(e->prev_hash + core::WriteCanonicalJson(content)));

  EXPECT_EQ(
      archive->AppendAudit({"ops-chen", "ingest", "x", detail}).status().code(),
      core::Code::kInvalidArgument);
  EXPECT_EQ(archive->AppendAudit({"ops-chen", "Export!", "x", detail})
                .status()
                .code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(archive->AppendAudit({"", "export", "x", detail}).status().code(),
            core::Code::kInvalidArgument);
}

TEST(SqliteArchiveTest, ListingFiltersAndPagesNewestFirstWithoutGapsOrRepeats) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  std::vector<Document> all;
  for (int i = 0; i < 12; ++i) {
    NewDocument doc = SampleDocument(i, "", i % 3 == 0 ? "海淀区" : "朝阳区");
    doc.issued_at =
        i < 6 ? "2026-03-01T09:00:00+08:00"  // equal times
              : "2026-03-0" + std::to_string(i - 4) + "T09:00:00+08:00";
    doc.number = *archive->AllocateNumber(doc.district, 2026, doc.kind);
    all.push_back(*archive->Ingest(doc));
  }
  // Expected order: issued_at descending, then id descending.
  std::vector<Document> expected = all;
  std::sort(expected.begin(), expected.end(),
            [](const Document& a, const Document& b) {
              return a.issued_at != b.issued_at ? a.issued_at > b.issued_at
                                                : a.id > b.id;
            });

  DocumentFilter filter;
  filter.limit = 5;
  std::vector<int64_t> seen;
  for (int page_count = 0;; ++page_count) {
    core::Result<DocumentPage> page = archive->ListDocuments(filter);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const Document& d : page->documents) seen.push_back(d.id);
    if (page_count == 0) {
      // A newer document arriving mid-listing does not shift the pages.
      NewDocument late = SampleDocument(99, "");
      late.issued_at = "2026-12-31T09:00:00+08:00";
      late.number = *archive->AllocateNumber("朝阳区", 2026, late.kind);
      ASSERT_TRUE(archive->Ingest(late).ok());
    }
    if (!page->next) break;
    filter.after = page->next;
  }
  std::vector<int64_t> expected_ids;
  for (const Document& d : expected) expected_ids.push_back(d.id);
  EXPECT_EQ(seen, expected_ids);

  DocumentFilter haidian;
  haidian.district = "海淀区";
  EXPECT_EQ(archive->ListDocuments(haidian)->documents.size(), 4u);
  DocumentFilter kind;
  kind.kind = "contract-filing";
  kind.issued_from = "2026-03-02";
  kind.issued_before = "2026-03-06";
  core::Result<DocumentPage> page = archive->ListDocuments(kind);
  ASSERT_TRUE(page.ok());
  for (const Document& d : page->documents) {
    EXPECT_EQ(d.kind, "contract-filing");
    EXPECT_GE(d.issued_at, "2026-03-02");
    EXPECT_LT(d.issued_at, "2026-03-06");
  }
  EXPECT_EQ(page->documents.size(), 2u);  // i = 6 (03-02) and 8 (03-04)
  ASSERT_TRUE(
      Revoke(*archive, all[0].id, "chief", "作废").ok());
  DocumentFilter revoked;
  revoked.status = DocumentStatus::kRevoked;
  ASSERT_EQ(archive->ListDocuments(revoked)->documents.size(), 1u);
  EXPECT_EQ(archive->ListDocuments(revoked)->documents[0].id, all[0].id);
  DocumentFilter bad;
  bad.limit = 0;
  EXPECT_EQ(archive->ListDocuments(bad).status().code(),
            core::Code::kInvalidArgument);
}

TEST(SqliteArchiveTest, ForEachVisitsEveryRowInOrderAcrossBatches) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const std::string catalog = archive->catalog();
  IngestSample(*archive, 1);
  // Bulk rows behind the archive's back to cross the batch size cheaply; the
  // iteration does not check digests.
  ASSERT_EQ(
      ExecSql(catalog,
              "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 "
              "FROM n WHERE i < 600) INSERT INTO documents (number, kind, "
              "template_version, data, credit_code, enterprise_name, "
              "project_name, district, issued_at, created_by, sha256, "
              "sm3, bytes, pages, status) SELECT 'bulk-' || i, 'k', 1, "
              "'{}', '', '', '', '朝阳区', '2026-03-01T09:00:00+08:00', "
              "'t', 'x', 'y', 1, 1, 'issued' FROM n"),
      "");
  std::vector<int64_t> ids;
  ASSERT_TRUE(archive
                  ->ForEachDocument([&](const Document& d) {
                    ids.push_back(d.id);
                    // Calling back into the archive from the callback is fine.
                    return archive->Get(d.id).status();
                  })
                  .ok());
  ASSERT_EQ(ids.size(), 600u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  int visited = 0;
  core::Status stopped = archive->ForEachDocument([&](const Document&) {
    return ++visited == 10 ? core::Internal("stop") : core::Status::Ok();
  });
  EXPECT_EQ(stopped.message(), "stop");
  EXPECT_EQ(visited, 10);
}

// Concurrent ingests share commits; a refused document in a shared commit
// fails alone, and everything acknowledged is there and verifies.
TEST(SqliteArchiveTest, ConcurrentIngestsCommitTogetherAndFailAlone) {
  TempDir dir;
  auto archive = OpenArchive(dir.path());
  const Document first = IngestSample(*archive, 0);
  constexpr int kThreads = 8, kEach = 12;
  std::vector<std::vector<Document>> stored(kThreads);
  std::vector<int> refused(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t]() {
      for (int k = 0; k < kEach; ++k) {
        NewDocument doc = SampleDocument(1 + t * kEach + k, "");
        if (k % 4 == 3) {
          doc.number = first.number;  // taken: refused
        } else {
          core::Result<std::string> number =
              archive->AllocateNumber(doc.district, 2026, doc.kind);
          ASSERT_TRUE(number.ok());
          doc.number = *number;
        }
        core::Result<Document> d = archive->Ingest(doc);
        if (d.ok()) {
          stored[t].push_back(*d);
        } else {
          EXPECT_EQ(d.status().code(), core::Code::kFailedPrecondition)
              << d.status().ToString();
          ++refused[t];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  int total = 0;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(refused[t], kEach / 4);
    for (const Document& d : stored[t]) {
      core::Result<Document> again = archive->Get(d.id);
      ASSERT_TRUE(again.ok());
      EXPECT_EQ(again->number, d.number);
      EXPECT_EQ(core::Sha256Hex(*archive->ReadBlob(d.sha256)), d.sha256);
      ++total;
    }
  }
  EXPECT_EQ(total, kThreads * kEach * 3 / 4);
  EXPECT_EQ(Count(archive->catalog(), "documents"),
            std::to_string(total + 1));
  auto report = archive->VerifyStorage();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty())
      << report->problems.front().message;
}

}  // namespace
}  // namespace beian::archive
