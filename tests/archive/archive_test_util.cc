#include "archive_test_util.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "beian/core/json.h"

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

std::string ExecSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    return error;
  }
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  std::string message;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    message = error != nullptr ? error : "error";
    sqlite3_free(error);
  }
  sqlite3_close(db);
  return message;
}

std::vector<std::string> QueryColumn(const std::string& path,
                                     const std::string& sql) {
  std::vector<std::string> values;
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + path);
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(error);
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    values.push_back(text != nullptr ? reinterpret_cast<const char*>(text)
                                     : "");
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return values;
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
