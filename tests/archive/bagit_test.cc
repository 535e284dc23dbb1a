#include "beian/archive/bagit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/blob_store.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

namespace fs = std::filesystem;

using testing::OpenTestArchive;
using testing::FilesBelow;
using testing::FlipByte;
using testing::SampleDocument;
using testing::TempDir;

std::unique_ptr<CatalogArchive> OpenArchive(const std::string& dir) {
  ArchiveOptions options;
  options.now = [] { return std::string("2026-05-01T10:00:00+08:00"); };
  core::Result<std::unique_ptr<CatalogArchive>> archive =
      OpenTestArchive(dir, std::move(options));
  EXPECT_TRUE(archive.ok()) << archive.status().ToString();
  return archive.ok() ? std::move(archive).value() : nullptr;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// Ingests sample `i` in `district`, issued in `year`, under a fresh number.
Document Ingest(Archive& archive, int i, const std::string& district,
                int year = 2026) {
  NewDocument doc = SampleDocument(i, "", district);
  doc.issued_at = std::to_string(year) + doc.issued_at.substr(4);
  core::Result<std::string> number =
      archive.AllocateNumber(district, year, doc.kind);
  EXPECT_TRUE(number.ok()) << number.status().ToString();
  doc.number = *number;
  core::Result<Document> stored = archive.Ingest(doc);
  EXPECT_TRUE(stored.ok()) << stored.status().ToString();
  return *stored;
}

// Three documents (two districts, two years), a signed copy of record and a
// submitted one, a marked and an unmarked reprint, one document accepted and
// filed, one revoked.
struct Fixture {
  TempDir dir;
  std::unique_ptr<CatalogArchive> archive = OpenArchive(dir.path() + "/a");
  Document chaoyang, haidian, older;

  Fixture() {
    chaoyang = Ingest(*archive, 1, "朝阳区");
    haidian = Ingest(*archive, 2, "海淀区");
    older = Ingest(*archive, 3, "朝阳区", 2025);
    core::Result<SignedCopy> copy = archive->AttachSignedCopy(
        {chaoyang.id, "application/pdf", "盖章扫描.pdf", "clerk-li",
         "2026-03-05T10:00:00+08:00", 1, "%PDF-1.4\n% signed scan\n%%EOF\n"});
    EXPECT_TRUE(copy.ok()) << copy.status().ToString();
    const std::string original = *archive->ReadBlob(chaoyang.sha256);
    core::Result<Reprint> marked = archive->AddReprint(
        {chaoyang.id, true, "clerk-li", "2026-03-06T10:00:00+08:00",
         original + "\n% 补打 incremental update\n%%EOF\n", ""});
    EXPECT_TRUE(marked.ok()) << marked.status().ToString();
    core::Result<Reprint> plain = archive->AddReprint(
        {chaoyang.id, false, "clerk-zhao", "2026-03-07T10:00:00+08:00", "", ""});
    EXPECT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_TRUE(
        testing::Revoke(*archive, haidian.id, "clerk-li", "issued in error")
            .ok());
    NewSignedCopy submitted{older.id, "image/jpeg", "提交件.jpg",
                            "enterprise-wang", "2025-03-05T10:00:00+08:00", 1,
                            "%PDF-1.4\n% submitted scan\n%%EOF\n"};
    submitted.of_record = false;
    EXPECT_TRUE(archive->AttachSignedCopy(submitted).ok());
    EXPECT_TRUE(archive
                    ->ChangeStatus(testing::Acceptance(
                        chaoyang.id, {DocumentStatus::kSigned}, "clerk-sun"))
                    .ok());
    StatusChange file;
    file.document_id = chaoyang.id;
    file.from = {DocumentStatus::kAccepted};
    file.to = DocumentStatus::kFiled;
    file.actor = "chief-zhao";
    file.filing_number = "朝物备〔2026〕第7号";
    file.at = "2026-12-15T15:00:00+08:00";
    EXPECT_TRUE(archive->ChangeStatus(file).ok());
  }

  std::string Export(const std::string& name, const ExportFilter& filter = {}) {
    const std::string bag = dir.path() + "/" + name;
    core::Result<ExportSummary> summary =
        ExportBag(*archive, bag, filter, "tester");
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return bag;
  }
};

std::vector<Document> AllDocuments(Archive& archive) {
  std::vector<Document> docs;
  EXPECT_TRUE(archive
                  .ForEachDocument([&](const Document& d) {
                    docs.push_back(d);
                    return core::Status::Ok();
                  })
                  .ok());
  return docs;
}

std::vector<AuditEntry> AllAudit(Archive& archive) {
  std::vector<AuditEntry> entries;
  EXPECT_TRUE(archive
                  .ForEachAuditEntry([&](const AuditEntry& e) {
                    entries.push_back(e);
                    return core::Status::Ok();
                  })
                  .ok());
  return entries;
}

std::vector<std::string> CatalogNumbers(const std::string& bag) {
  std::vector<std::string> numbers;
  for (const std::string& line : Lines(ReadText(bag + "/data/catalog.jsonl"))) {
    core::Result<core::Json> json = core::ParseJson(line);
    EXPECT_TRUE(json.ok()) << json.status().ToString();
    if (json.ok()) numbers.push_back(json->Find("number")->as_string());
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

TEST(BagItTest, ExportThenImportRestoresTheSameArchive) {
  Fixture f;
  const std::string bag = f.Export("bag");
  TempDir other;
  auto restored = OpenArchive(other.path());
  core::Result<ImportSummary> imported = ImportBag(*restored, bag, "tester");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->documents, 3);
  EXPECT_EQ(imported->signed_copies, 2);
  EXPECT_EQ(imported->reprints, 2);

  const std::vector<Document> before = AllDocuments(*f.archive);
  const std::vector<Document> after = AllDocuments(*restored);
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    const Document& a = before[i];
    const Document& b = after[i];
    EXPECT_EQ(a.number, b.number);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.template_version, b.template_version);
    EXPECT_EQ(a.data, b.data);
    EXPECT_EQ(a.credit_code, b.credit_code);
    EXPECT_EQ(a.enterprise_name, b.enterprise_name);
    EXPECT_EQ(a.project_name, b.project_name);
    EXPECT_EQ(a.district, b.district);
    EXPECT_EQ(a.issued_at, b.issued_at);
    EXPECT_EQ(a.created_by, b.created_by);
    EXPECT_EQ(a.sha256, b.sha256);
    EXPECT_EQ(a.sm3, b.sm3);
    EXPECT_EQ(a.bytes, b.bytes);
    EXPECT_EQ(a.pages, b.pages);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.accepted_on, b.accepted_on);
    EXPECT_EQ(a.decision_due, b.decision_due);
    EXPECT_EQ(a.filing_number, b.filing_number);
    EXPECT_EQ(a.decided_at, b.decided_at);
    EXPECT_EQ(a.revoked_at, b.revoked_at);
    EXPECT_EQ(a.status_reason, b.status_reason);

    std::vector<SignedCopy> ca = *f.archive->SignedCopiesOf(a.id);
    std::vector<SignedCopy> cb = *restored->SignedCopiesOf(b.id);
    ASSERT_EQ(ca.size(), cb.size());
    for (size_t j = 0; j < ca.size(); ++j) {
      EXPECT_EQ(ca[j].sha256, cb[j].sha256);
      EXPECT_EQ(ca[j].sm3, cb[j].sm3);
      EXPECT_EQ(ca[j].pages, cb[j].pages);
      EXPECT_EQ(ca[j].media_type, cb[j].media_type);
      EXPECT_EQ(ca[j].original_name, cb[j].original_name);
      EXPECT_EQ(ca[j].uploaded_by, cb[j].uploaded_by);
      EXPECT_EQ(ca[j].uploaded_at, cb[j].uploaded_at);
      EXPECT_EQ(ca[j].of_record, cb[j].of_record);
    }
    std::vector<Reprint> ra = *f.archive->ReprintsOf(a.id);
    std::vector<Reprint> rb = *restored->ReprintsOf(b.id);
    ASSERT_EQ(ra.size(), rb.size());
    for (size_t j = 0; j < ra.size(); ++j) {
      EXPECT_EQ(ra[j].marked, rb[j].marked);
      EXPECT_EQ(ra[j].sha256, rb[j].sha256);
      EXPECT_EQ(ra[j].sm3, rb[j].sm3);
      EXPECT_EQ(ra[j].bytes, rb[j].bytes);
      EXPECT_EQ(ra[j].operator_name, rb[j].operator_name);
      EXPECT_EQ(ra[j].reprinted_at, rb[j].reprinted_at);
    }
  }
  EXPECT_EQ(*restored->ReadBlob(f.chaoyang.sha256),
            *f.archive->ReadBlob(f.chaoyang.sha256));

  core::Result<VerifyReport> report = restored->VerifyStorage();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean())
      << report->problems.size() << " problems, first: "
      << (report->problems.empty() ? "" : report->problems[0].message);

  // Both sides audited.
  const std::vector<AuditEntry> source_log = AllAudit(*f.archive);
  ASSERT_FALSE(source_log.empty());
  EXPECT_EQ(source_log.back().action, "export");
  EXPECT_EQ(source_log.back().subject, bag);
  core::Result<core::Json> detail = core::ParseJson(source_log.back().detail);
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->Find("documents")->as_int(), 3);
  EXPECT_EQ(detail->Find("manifest_sha256")->as_string(),
            core::Sha256Hex(ReadText(bag + "/manifest-sha256.txt")));
  const std::vector<AuditEntry> restored_log = AllAudit(*restored);
  ASSERT_FALSE(restored_log.empty());
  EXPECT_EQ(restored_log.back().action, "import");
  EXPECT_EQ(restored_log.back().subject, bag);
  // The lifecycle replayed step by step by the original actors.
  std::vector<std::string> steps;
  for (const AuditEntry& e : restored_log) {
    if (e.action != "set-status") continue;
    const core::Json d = *core::ParseJson(e.detail);
    steps.push_back(e.actor + " " + e.subject + " " +
                    d.Find("to")->as_string() + " " +
                    d.Find("imported_from")->as_string());
  }
  EXPECT_EQ(steps,
            (std::vector<std::string>{
                "clerk-sun " + f.chaoyang.number + " accepted " + bag,
                "chief-zhao " + f.chaoyang.number + " filed " + bag,
                "clerk-li " + f.haidian.number + " revoked " + bag}));
  EXPECT_EQ(restored->FindByNumber(f.chaoyang.number)->decided_at,
            "2026-12-15T15:00:00+08:00");

  // Exporting the restored archive gives the same payload.
  const std::string again = other.path() + "/bag-again";
  ASSERT_TRUE(ExportBag(*restored, again, {}, "tester").ok());
  EXPECT_EQ(ReadText(again + "/manifest-sha256.txt"),
            ReadText(bag + "/manifest-sha256.txt"));
  EXPECT_EQ(ReadText(again + "/bag-info.txt"), ReadText(bag + "/bag-info.txt"));
}

TEST(BagItTest, BagFollowsRfc8493) {
  Fixture f;
  const std::string bag = f.Export("bag");
  EXPECT_EQ(ReadText(bag + "/bagit.txt"),
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");

  // The manifest lists exactly the payload files, with correct digests, in
  // "<hex>  data/<path>" form.
  std::set<std::string> listed;
  for (const std::string& line :
       Lines(ReadText(bag + "/manifest-sha256.txt"))) {
    ASSERT_GT(line.size(), 66u) << line;
    const std::string digest = line.substr(0, 64);
    EXPECT_TRUE(IsSha256Hex(digest)) << line;
    EXPECT_EQ(line.substr(64, 2), "  ") << line;
    const std::string path = line.substr(66);
    EXPECT_EQ(path.rfind("data/", 0), 0u) << line;
    EXPECT_EQ(core::Sha256Hex(ReadText(bag + "/" + path)), digest) << path;
    EXPECT_TRUE(listed.insert(path).second) << path;
  }
  std::set<std::string> payload;
  int64_t bytes = 0;
  for (const std::string& file : FilesBelow(bag)) {
    if (file.rfind("data/", 0) == 0) {
      payload.insert(file);
      bytes += static_cast<int64_t>(fs::file_size(bag + "/" + file));
    }
  }
  EXPECT_EQ(listed, payload);
  // 3 documents, 2 signed copies, 1 marked reprint and the catalog.
  EXPECT_EQ(payload.size(), 7u);
  EXPECT_TRUE(payload.count("data/catalog.jsonl"));
  EXPECT_TRUE(payload.count("data/documents/" + f.chaoyang.sha256 + ".pdf"));

  // Tag files: exactly these in the root.
  std::set<std::string> root;
  for (const auto& entry : fs::directory_iterator(bag)) {
    root.insert(entry.path().filename().string());
  }
  EXPECT_EQ(root, (std::set<std::string>{"bagit.txt", "bag-info.txt",
                                         "manifest-sha256.txt",
                                         "tagmanifest-sha256.txt", "data"}));
  std::set<std::string> tagged;
  for (const std::string& line :
       Lines(ReadText(bag + "/tagmanifest-sha256.txt"))) {
    const std::string path = line.substr(66);
    EXPECT_EQ(core::Sha256Hex(ReadText(bag + "/" + path)), line.substr(0, 64));
    tagged.insert(path);
  }
  EXPECT_EQ(tagged, (std::set<std::string>{"bagit.txt", "bag-info.txt",
                                           "manifest-sha256.txt"}));

  const std::string info = ReadText(bag + "/bag-info.txt");
  EXPECT_NE(info.find("Source-Organization: beian\n"), std::string::npos);
  EXPECT_NE(info.find("Bagging-Date: 2026-03-03\n"), std::string::npos)
      << info;
  EXPECT_NE(info.find("Payload-Oxum: " + std::to_string(bytes) + "." +
                      std::to_string(payload.size()) + "\n"),
            std::string::npos)
      << info;
  EXPECT_NE(info.find("External-Description: beian"), std::string::npos);
  for (const std::string& line : Lines(info)) {
    EXPECT_NE(line.find(": "), std::string::npos) << line;  // label: value
  }

  // The catalog carries every field, the copies and the reprints.
  const std::vector<std::string> lines =
      Lines(ReadText(bag + "/data/catalog.jsonl"));
  ASSERT_EQ(lines.size(), 3u);
  core::Result<core::Json> first = core::ParseJson(lines[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(core::WriteCanonicalJson(*first), lines[0]);
  EXPECT_EQ(first->Find("number")->as_string(), f.chaoyang.number);
  EXPECT_EQ(first->Find("sm3")->as_string(), f.chaoyang.sm3);
  EXPECT_EQ(core::WriteCanonicalJson(*first->Find("data")), f.chaoyang.data);
  EXPECT_EQ(first->Find("signed_copies")->size(), 1u);
  EXPECT_EQ(first->Find("reprints")->size(), 2u);
  EXPECT_EQ(first->Find("status")->as_string(), "filed");
  EXPECT_EQ(first->Find("filing_number")->as_string(), "朝物备〔2026〕第7号");
  EXPECT_EQ(first->Find("revoked_at")->as_string(), "");
  EXPECT_TRUE(
      first->Find("signed_copies")->as_array()[0].Find("of_record")->as_bool());
  // Its lifecycle: each step with its actor, time and the facts it set.
  const core::Json& steps = *first->Find("lifecycle");
  ASSERT_EQ(steps.size(), 2u);
  EXPECT_EQ(core::WriteCanonicalJson(steps.as_array()[0]),
            "{\"accepted_on\":\"2026-12-07\",\"actor\":\"clerk-sun\","
            "\"at\":\"2026-05-01T10:00:00+08:00\",\"decision_due\":"
            "\"2026-12-21\",\"to\":\"accepted\"}");
  EXPECT_EQ(steps.as_array()[1].Find("decided_at")->as_string(),
            "2026-12-15T15:00:00+08:00");
  const core::Json older = *core::ParseJson(lines[2]);
  EXPECT_FALSE(
      older.Find("signed_copies")->as_array()[0].Find("of_record")->as_bool());
  EXPECT_EQ(older.Find("status")->as_string(), "issued");

  // The same content exports to the same bag.
  const std::string again = f.Export("again");
  for (const char* name : {"bag-info.txt", "manifest-sha256.txt",
                           "tagmanifest-sha256.txt", "data/catalog.jsonl"}) {
    EXPECT_EQ(ReadText(again + "/" + name), ReadText(bag + "/" + name))
        << name;
  }
}

TEST(BagItTest, ExportFiltersByDistrictYearAndKind) {
  Fixture f;
  EXPECT_EQ(CatalogNumbers(f.Export("chaoyang", {"朝阳区", 0, ""})),
            (std::vector<std::string>{f.older.number, f.chaoyang.number}));
  EXPECT_EQ(CatalogNumbers(f.Export("y2025", {"", 2025, ""})),
            (std::vector<std::string>{f.older.number}));
  EXPECT_EQ(CatalogNumbers(f.Export("cy2026", {"朝阳区", 2026, ""})),
            (std::vector<std::string>{f.chaoyang.number}));
  EXPECT_EQ(CatalogNumbers(f.Export("kind", {"", 0, f.haidian.kind})),
            (std::vector<std::string>{f.haidian.number}));
  EXPECT_TRUE(CatalogNumbers(f.Export("none", {"海淀区", 2025, ""})).empty());
  const std::string info = ReadText(f.dir.path() + "/cy2026/bag-info.txt");
  EXPECT_NE(info.find("district=朝阳区 year=2026 kind=any"), std::string::npos)
      << info;
  // Only the chosen documents' files are in the bag.
  EXPECT_EQ(FilesBelow(f.dir.path() + "/y2025/data/documents"),
            (std::vector<std::string>{f.older.sha256 + ".pdf"}));

  // A filtered bag imports on its own.
  TempDir other;
  auto restored = OpenArchive(other.path());
  core::Result<ImportSummary> imported =
      ImportBag(*restored, f.dir.path() + "/chaoyang", "tester");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->documents, 2);
  EXPECT_EQ(restored->FindByNumber(f.older.number)->issued_at,
            f.older.issued_at);
  EXPECT_TRUE(restored->VerifyStorage()->clean());
}

TEST(BagItTest, ExportRefusesANonEmptyTargetButFillsAnEmptyOne) {
  Fixture f;
  const std::string full = f.dir.path() + "/full";
  fs::create_directories(full);
  WriteText(full + "/keep.txt", "mine");
  core::Result<ExportSummary> refused = ExportBag(*f.archive, full, {}, "t");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), core::Code::kFailedPrecondition);
  EXPECT_EQ(FilesBelow(full), (std::vector<std::string>{"keep.txt"}));
  // No temporary directory left behind.
  for (const auto& entry : fs::directory_iterator(f.dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".bagtmp"),
              std::string::npos);
  }

  const std::string empty = f.dir.path() + "/empty";
  fs::create_directories(empty);
  core::Result<ExportSummary> written = ExportBag(*f.archive, empty, {}, "t");
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->documents, 3);
  EXPECT_EQ(written->payload_files, 7);
  EXPECT_TRUE(fs::exists(empty + "/bagit.txt"));
}

// Copies the bag to a fresh directory, spoils it with `spoil` and expects the
// import to be refused with a message naming `named`, leaving the archive
// empty.
void ExpectRefused(const std::string& bag, const std::string& what,
                   const std::function<void(const std::string&)>& spoil,
                   const std::string& named) {
  SCOPED_TRACE(what);
  TempDir work;
  const std::string copy = work.path() + "/bag";
  fs::copy(bag, copy, fs::copy_options::recursive);
  spoil(copy);
  auto archive = OpenArchive(work.path() + "/archive");
  core::Result<ImportSummary> result = ImportBag(*archive, copy, "tester");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), core::Code::kInvalidArgument)
      << result.status().ToString();
  EXPECT_NE(result.status().message().find(named), std::string::npos)
      << result.status().ToString();
  EXPECT_TRUE(AllDocuments(*archive).empty());
  EXPECT_TRUE(AllAudit(*archive).empty());
}

TEST(BagItTest, ImportRefusesADamagedBagAndImportsNothing) {
  Fixture f;
  const std::string bag = f.Export("bag");
  const std::string doc_file = "data/documents/" + f.haidian.sha256 + ".pdf";
  ExpectRefused(
      bag, "flipped byte",
      [&](const std::string& b) { FlipByte(b + "/" + doc_file, 10); },
      doc_file);
  ExpectRefused(
      bag, "deleted file",
      [&](const std::string& b) { fs::remove(b + "/" + doc_file); }, doc_file);
  ExpectRefused(
      bag, "extra file",
      [](const std::string& b) {
        WriteText(b + "/data/documents/smuggled.pdf", "%PDF-1.7\n");
      },
      "data/documents/smuggled.pdf");
  ExpectRefused(
      bag, "edited manifest line",
      [&](const std::string& b) {
        std::string manifest = ReadText(b + "/manifest-sha256.txt");
        const size_t at = manifest.find(f.haidian.sha256);
        manifest[at] = manifest[at] == '0' ? '1' : '0';
        WriteText(b + "/manifest-sha256.txt", manifest);
      },
      "manifest-sha256.txt");
  // An edited manifest with its tag manifest made to agree: the payload
  // digest itself no longer matches.
  ExpectRefused(
      bag, "edited manifest, tag manifest updated",
      [&](const std::string& b) {
        std::string manifest = ReadText(b + "/manifest-sha256.txt");
        const size_t at = manifest.find(f.haidian.sha256);
        manifest[at] = manifest[at] == '0' ? '1' : '0';
        WriteText(b + "/manifest-sha256.txt", manifest);
        fs::remove(b + "/tagmanifest-sha256.txt");
      },
      doc_file);
  ExpectRefused(
      bag, "wrong Payload-Oxum",
      [](const std::string& b) {
        std::string info = ReadText(b + "/bag-info.txt");
        info.replace(info.find("Payload-Oxum: "), 14, "Payload-Oxum: 1");
        WriteText(b + "/bag-info.txt", info);
        fs::remove(b + "/tagmanifest-sha256.txt");
      },
      "Payload-Oxum");
  ExpectRefused(
      bag, "missing bagit.txt",
      [](const std::string& b) { fs::remove(b + "/bagit.txt"); }, "bagit.txt");
}

// Replaces the last line of the bag's catalog by edit(line) and makes the
// manifest agree, so that only the archive's own checks can refuse it.
void EditLastCatalogLine(const std::string& bag,
                         const std::function<void(core::Json&)>& edit) {
  const std::string path = bag + "/data/catalog.jsonl";
  const std::string before = ReadText(path);
  std::vector<std::string> lines = Lines(before);
  core::Result<core::Json> last = core::ParseJson(lines.back());
  ASSERT_TRUE(last.ok());
  edit(*last);
  lines.back() = core::WriteCanonicalJson(*last);
  std::string after;
  for (const std::string& line : lines) after += line + "\n";
  WriteText(path, after);
  std::string manifest = ReadText(bag + "/manifest-sha256.txt");
  const std::string old_digest = core::Sha256Hex(before);
  manifest.replace(manifest.find(old_digest), old_digest.size(),
                   core::Sha256Hex(after));
  WriteText(bag + "/manifest-sha256.txt", manifest);
  fs::remove(bag + "/bag-info.txt");  // its Payload-Oxum counts the bytes
  fs::remove(bag + "/tagmanifest-sha256.txt");
}

TEST(BagItTest, ImportRefusesWhatTheArchiveWouldRefuseBeforeWritingAnything) {
  Fixture f;
  const std::string bag = f.Export("bag");
  ExpectRefused(
      bag, "ID number in a catalog column",
      [](const std::string& b) {
        EditLastCatalogLine(b, [](core::Json& line) {
          line.Set("enterprise_name", std::string("110105197103143253"));
        });
      },
      "line 3: enterprise_name contains a personal ID number");
  ExpectRefused(
      bag, "number of another district",
      [](const std::string& b) {
        EditLastCatalogLine(b, [](core::Json& line) {
          line.Set("district", std::string("延庆区"));
        });
      },
      "line 3: document number");
  ExpectRefused(
      bag, "issue time not in Beijing time",
      [](const std::string& b) {
        EditLastCatalogLine(b, [](core::Json& line) {
          line.Set("issued_at", std::string("2026-03-01T09:30:00Z"));
        });
      },
      "line 3: issued_at must be Beijing time");
}

// `object` without member `key`.
core::Json Without(const core::Json& object, const std::string& key) {
  core::Json out = core::Json::MakeObject();
  for (const auto& [name, value] : object.as_object()) {
    if (name != key) out.Set(name, value);
  }
  return out;
}

TEST(BagItTest, ABagFromBeforeLifecyclesImportsWithItsStatus) {
  Fixture f;
  const std::string bag = f.Export("bag");
  // The last line (the 2025 document) as an older beian wrote it: revoked,
  // no lifecycle, no of_record on its copy.
  EditLastCatalogLine(bag, [](core::Json& line) {
    core::Json old = Without(line, "lifecycle");
    old.Set("status", std::string("revoked"));
    core::Json copies = core::Json::MakeArray();
    for (const core::Json& copy : line.Find("signed_copies")->as_array()) {
      copies.Push(Without(copy, "of_record"));
    }
    old.Set("signed_copies", std::move(copies));
    line = std::move(old);
  });
  TempDir other;
  auto restored = OpenArchive(other.path());
  core::Result<ImportSummary> imported = ImportBag(*restored, bag, "tester");
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  const Document older = *restored->FindByNumber(f.older.number);
  EXPECT_EQ(older.status, DocumentStatus::kRevoked);
  EXPECT_EQ(older.status_reason, "restored by import from " + bag);
  EXPECT_TRUE((*restored->SignedCopiesOf(older.id))[0].of_record);
  EXPECT_TRUE(restored->VerifyStorage()->clean());
}

TEST(BagItTest, ALifecycleThatDoesNotEndInTheStatusIsRefused) {
  Fixture f;
  const std::string bag = f.Export("bag");
  ExpectRefused(
      bag, "lifecycle ends elsewhere",
      [](const std::string& b) {
        EditLastCatalogLine(b, [](core::Json& line) {
          line.Set("status", std::string("filed"));
        });
      },
      "line 3: lifecycle does not end in filed");
  ExpectRefused(
      bag, "a step without its facts",
      [](const std::string& b) {
        EditLastCatalogLine(b, [](core::Json& line) {
          core::Json step = core::Json::MakeObject();
          step.Set("actor", "clerk-li");
          step.Set("at", "2026-03-09T10:00:00+08:00");
          step.Set("to", "accepted");
          core::Json steps = core::Json::MakeArray();
          steps.Push(std::move(step));
          line.Set("lifecycle", std::move(steps));
          line.Set("status", std::string("accepted"));
        });
      },
      "line 3: accepted_on must be a date");
}

TEST(BagItTest, ImportRefusesANonEmptyArchive) {
  Fixture f;
  const std::string bag = f.Export("bag");
  TempDir other;
  auto archive = OpenArchive(other.path());
  Ingest(*archive, 9, "东城区");
  core::Result<ImportSummary> result = ImportBag(*archive, bag, "tester");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), core::Code::kFailedPrecondition);
  EXPECT_EQ(AllDocuments(*archive).size(), 1u);
  // Importing the source's own bag into itself is refused the same way.
  EXPECT_EQ(ImportBag(*f.archive, bag, "tester").status().code(),
            core::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace beian::archive
