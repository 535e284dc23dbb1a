#include "archive_test_util.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "beian/core/json.h"
#include "catalog_connection.h"
#include "merkle_store.h"
#include "row_digest.h"
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
  beian::testing::DropTestCatalogsUnder(path_);
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
  core::Result<std::unique_ptr<Database>> db =
      archive::ConnectToCatalog(catalog, /*read_only=*/false, /*busy_timeout_ms=*/5000);
  if (!db.ok()) throw std::runtime_error(db.status().ToString());
  return std::move(db).value();
}

void RechainAuditLog(const std::string& catalog) {
  const std::vector<std::vector<std::string>> rows = beian::testing::QueryCatalogRows(
      catalog, "SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq");
  std::string prev = GenesisHash();
  std::string sql;
  std::vector<AuditEntry> entries;
  for (const std::vector<std::string>& row : rows) {
    AuditEntry e;
    e.seq = std::stoll(row[0]);
    e.at = row[1];
    e.actor = row[2];
    e.action = row[3];
    e.subject = row[4];
    e.detail = row[5];
    e.prev_hash = prev;
    e.hash = AuditEntryHash(e);
    sql += "UPDATE audit_log SET prev_hash = '" + e.prev_hash + "', hash = '" + e.hash +
           "' WHERE seq = " + std::to_string(e.seq) + ";";
    prev = e.hash;
    entries.push_back(e);
  }
  sql += "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_log), hash = '" + prev + "';";
  sql += "DELETE FROM merkle_nodes; DELETE FROM checkpoint_state;";
  const std::string error = ExecSql(catalog, sql);
  if (!error.empty()) throw std::runtime_error(error);
  std::unique_ptr<Database> db = ConnectToCatalog(catalog);
  Transaction txn(*db);
  core::Status status = txn.BeginWrite();
  for (const AuditEntry& e : entries) {
    if (status.ok()) status = AppendMerkleLeaf(*db, static_cast<uint64_t>(e.seq - 1), AuditLeafHash(e));
  }
  if (status.ok()) status = txn.Commit();
  if (!status.ok()) throw std::runtime_error(status.ToString());
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
