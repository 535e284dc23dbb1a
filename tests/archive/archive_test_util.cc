#include "archive_test_util.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "beian/core/json.h"
#include "pg_db.h"
#include "sqlite_db.h"
#include "test_catalog.h"

namespace beian::archive::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
      "/beian-archive-test-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  beian::testing::DropTestCatalog(path_);
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

NewDocument SampleDocument(int i, const std::string& number,
                           const std::string& district) {
  NewDocument d;
  d.number = number;
  d.kind = i % 2 == 0 ? "contract-filing" : "qualification-verification";
  d.template_version = 1;
  core::Json data = core::Json::MakeObject();
  data.Set("enterprise", core::Json::MakeObject());
  data.Set("sequence", i);
  data.Set("project", "望京花园" + std::to_string(i) + "号院");
  d.data = data;
  d.credit_code = "91110105MA01ABCD3X";
  d.enterprise_name = "北京市朝阳物业管理有限公司";
  d.project_name = "望京花园" + std::to_string(i) + "号院";
  d.district = district;
  char issued[40];
  std::snprintf(issued, sizeof issued, "2026-03-%02dT09:%02d:%02d+08:00",
                1 + i % 28, (i / 60) % 60, i % 60);
  d.issued_at = issued;
  d.created_by = "clerk-wang";
  d.pages = 1 + i % 3;
  d.pdf = "%PDF-1.7\n% sample document " + std::to_string(i) + "\n" +
          std::string(200 + 37 * (i % 11), static_cast<char>('a' + i % 26)) +
          "\n%%EOF\n";
  return d;
}

core::Result<Document> Revoke(Archive& archive, int64_t id,
                              const std::string& actor,
                              const std::string& reason) {
  StatusChange change;
  change.document_id = id;
  change.from = {DocumentStatus::kIssued, DocumentStatus::kSigned,
                 DocumentStatus::kAccepted, DocumentStatus::kFiled,
                 DocumentStatus::kRefused};
  change.to = DocumentStatus::kRevoked;
  change.actor = actor;
  change.reason = reason;
  return archive.ChangeStatus(change);
}

StatusChange Acceptance(int64_t id, std::vector<DocumentStatus> from,
                        const std::string& actor) {
  StatusChange change;
  change.document_id = id;
  change.from = std::move(from);
  change.to = DocumentStatus::kAccepted;
  change.actor = actor;
  change.accepted_on = "2026-12-07";
  change.decision_due = "2026-12-21";
  return change;
}

core::Result<std::unique_ptr<CatalogArchive>> OpenTestArchive(const std::string& dir,
                                                              ArchiveOptions options) {
  return OpenArchive(dir, beian::testing::TestCatalogFor(dir), std::move(options));
}

std::unique_ptr<Database> ConnectToCatalog(const std::string& catalog) {
  if (IsPostgresUrl(catalog)) {
    core::Result<std::unique_ptr<PgDatabase>> db = PgDatabase::Open(catalog, /*read_only=*/false);
    if (!db.ok()) throw std::runtime_error(db.status().ToString());
    return std::move(db).value();
  }
  core::Result<std::unique_ptr<SqliteDatabase>> db = SqliteDatabase::Open(catalog, /*read_only=*/false, 5000);
  if (!db.ok()) throw std::runtime_error(db.status().ToString());
  return std::move(db).value();
}

std::string ExecSql(const std::string& catalog, const std::string& sql) {
  return beian::testing::ExecCatalogSql(catalog, sql);
}

std::vector<std::string> QueryColumn(const std::string& catalog, const std::string& sql) {
  return beian::testing::QueryCatalogColumn(catalog, sql);
}

void FlipByte(const std::string& path, int64_t offset) {
  ::chmod(path.c_str(), 0644);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path);
  file.seekg(offset);
  char c = 0;
  file.get(c);
  file.seekp(offset);
  file.put(static_cast<char>(~c));
}

std::vector<std::string> FilesBelow(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) {
      files.push_back(
          std::filesystem::relative(entry.path(), dir).generic_string());
    }
  }
  return files;
}

}  // namespace beian::archive::testing
