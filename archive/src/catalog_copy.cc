// CopyArchive: an archive moved to another catalog engine (SQLite to
// PostgreSQL and back) with everything that makes it evidence: the rows as
// they are, the audit log, its Merkle tree, the checkpoints and the keys.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "beian/archive/catalog_archive.h"
#include "beian/core/catalog_url.h"
#include "catalog_connection.h"
#include "posix_file.h"
#include "schema.h"
#include "sql.h"

namespace beian::archive {
namespace {

namespace fs = std::filesystem;

// A catalog table copied row by row: its columns, and per column how it is
// read and written ('i' an integer, 'n' an integer or NULL, 't' text, 'b'
// bytes). The search index is not among them: the engines keep it in forms
// of their own, and it is built anew from the documents.
struct CopiedTable {
  const char* name;
  const char* columns;
  const char* types;
  const char* order;
};

constexpr CopiedTable kTables[] = {
    {"documents",
     "id, number, kind, template_version, data, credit_code, enterprise_name, project_name, district, issued_at, "
     "created_by, sha256, sm3, bytes, pages, status, number_year, number_serial, accepted_on, decision_due, "
     "filing_number, decided_at, revoked_at, status_reason, staff_indexed, verify_url, pdf_standard, ofd_sha256, "
     "ofd_sm3, ofd_bytes",
     "itti" "ttttttttt" "ii" "t" "nn" "tttttt" "i" "tttt" "i", "id"},
    {"signed_copies",
     "id, document_id, sha256, sm3, bytes, pages, media_type, original_name, uploaded_by, uploaded_at, of_record",
     "iittiitttti", "id"},
    {"reprints", "id, document_id, marked, sha256, sm3, bytes, operator, reprinted_at", "iiittitt", "id"},
    {"audit_log", "seq, at, actor, action, subject, detail, prev_hash, hash", "ittttttt", "seq"},
    {"audit_head", "id, seq, hash", "iit", "id"},
    {"merkle_nodes", "level, idx, hash", "iib", "level, idx"},
    {"checkpoint_state", "id, size, line", "iit", "id"},
    {"number_counters", "district, year, next_serial", "tii", "district, year"},
    {"number_allocations", "id, district, year, serial, number, allocated_at", "itiitt", "id"},
    {"number_voids", "district, year, serial, number, allocated_at, reason", "tiittt", "district, year, serial"},
    {"idempotency_keys", "token_id, key, request_sha256, document_id, created_at", "ittit", "token_id, key"},
    {"document_staff", "document_id, credit_code, keys", "itt", "document_id"},
    {"staff_presence", "hmac, credit_code", "tt", "hmac, credit_code"},
    {"staff_presence_version", "id, version", "ii", "id"},
    {"access_tokens",
     "id, secret_sha256, role, credit_code, district, label, created_by, created_at, revoked_at, name", "itttttttt" "t",
     "id"},
    {"users",
     "id, username, role, credit_code, district, name, display_name, password_hash, created_by, created_at, "
     "disabled_at",
     "itttttttttt", "id"},
    {"user_sessions", "secret_sha256, user_id, created_at, expires_at, idle_until, ended_at", "titttt", "secret_sha256"},
    {"signin_failures", "username, failures, last_failed_at", "tit", "username"},
    {"signin_throttle", "key, failures, last_failed_at", "tit", "key"},
};

// Tables whose ids PostgreSQL hands out from a sequence, moved past the
// copied rows.
constexpr const char* kIdentityTables[] = {"documents", "signed_copies", "reprints", "number_allocations",
                                           "access_tokens", "users"};

// The catalog of an archive in `dir`: `catalog`, or SQLite's in the folder.
core::Result<std::unique_ptr<Database>> Connect(const std::string& dir, const std::string& catalog,
                                                bool read_only) {
  return ConnectToCatalog(catalog.empty() ? dir + "/catalog.sqlite3" : catalog, read_only, 10000);
}

std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 1; i <= n; ++i) out += (i > 1 ? ", ?" : "?") + std::to_string(i);
  return out;
}

// Every row of `table` from `from` into `to` (inside `to`'s transaction).
core::Result<int64_t> CopyRows(Database& from, Database& to, const CopiedTable& table) {
  BEIAN_ASSIGN_OR_RETURN(Statement read, from.PrepareScan(std::string("SELECT ") + table.columns + " FROM " +
                                                          table.name + " ORDER BY " + table.order));
  const size_t n = std::string_view(table.types).size();
  if (n != static_cast<size_t>(std::count(table.columns, table.columns + std::strlen(table.columns), ',')) + 1) {
    return core::Internal(std::string("the copy of ") + table.name + " names columns and types unequally");
  }
  BEIAN_ASSIGN_OR_RETURN(Statement write, to.Prepare(std::string("INSERT INTO ") + table.name + " (" +
                                                     table.columns + ") VALUES (" + Placeholders(n) + ")"));
  int64_t rows = 0;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, read.Step());
    if (!row) break;
    for (size_t c = 0; c < n; ++c) {
      const int column = static_cast<int>(c), index = static_cast<int>(c + 1);
      switch (table.types[c]) {
        case 'i':
          write.BindInt(index, read.Int(column));
          break;
        case 'n':
          if (read.IsNull(column)) {
            write.BindNull(index);
          } else {
            write.BindInt(index, read.Int(column));
          }
          break;
        case 'b':
          write.BindBlob(index, read.Blob(column));
          break;
        default:
          write.BindText(index, read.Text(column));
      }
    }
    BEIAN_RETURN_IF_ERROR(write.Run());
    ++rows;
  }
  return rows;
}

// `from`'s files (blobs, the checkpoints file, keys, and whatever else the
// service keeps there) into `to`, but for a SQLite catalog: blobs linked
// when both folders are on one file system, other files copied.
core::Status CopyFolder(const std::string& from, const std::string& to) {
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(from, error); !error && it != fs::recursive_directory_iterator();
       it.increment(error)) {
    const fs::path relative = fs::relative(it->path(), from, error);
    if (error) break;
    const std::string name = relative.filename().string();
    if (relative.parent_path().empty() && name.rfind("catalog.sqlite3", 0) == 0) continue;
    const fs::path target = fs::path(to) / relative;
    if (it->is_directory(error)) {
      fs::create_directories(target, error);
      if (!error) fs::permissions(target, fs::status(it->path()).permissions(), error);
      continue;
    }
    if (!it->is_regular_file(error)) continue;
    if (fs::exists(target, error)) {
      return core::FailedPrecondition(target.string() + " exists already: the target folder must hold no archive");
    }
    // Blobs never change and may be linked; the checkpoints file grows and
    // must be a copy of its own.
    const bool blob = relative.begin()->string() == "blobs";
    if (!blob || ::link(it->path().c_str(), target.c_str()) != 0) {
      fs::copy_file(it->path(), target, error);
      if (error) return PosixError("cannot copy to", target.string(), error.value());
      fs::permissions(target, fs::status(it->path()).permissions(), error);
    }
  }
  if (error) return PosixError("cannot copy", from, error.value());
  return FsyncDirectory(to);
}

}  // namespace

core::Result<CopySummary> CopyArchive(const std::string& from_dir, const std::string& from_catalog,
                                      const std::string& to_dir, const std::string& to_catalog,
                                      const Progress& progress) {
  std::error_code error;
  const bool same_folder = fs::exists(to_dir, error) && fs::equivalent(from_dir, to_dir, error);
  if (same_folder && from_catalog.empty() && to_catalog.empty()) {
    return core::InvalidArgument("the archive is in " + from_dir + " already");
  }
  if (same_folder && from_catalog == to_catalog) {
    return core::InvalidArgument("the archive's catalog is " + core::RedactPostgresUrl(to_catalog) + " already");
  }
  // The source's schema current, its last entries signed; then the folder's
  // files, so that the target opens with the source's key and checkpoints.
  {
    BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<CatalogArchive> source, OpenArchive(from_dir, from_catalog));
  }
  if (!same_folder) {
    if (!fs::exists(to_dir, error)) {
      fs::create_directories(to_dir, error);
      if (error) return PosixError("cannot create", to_dir, error.value());
      if (::chmod(to_dir.c_str(), 0700) != 0) return PosixError("cannot restrict", to_dir, errno);
    }
    BEIAN_RETURN_IF_ERROR(CopyFolder(from_dir, to_dir));
  }
  return CopyCatalog(from_dir, from_catalog, to_dir, to_catalog, progress);
}

core::Result<CopySummary> CopyCatalog(const std::string& from_dir, const std::string& from_catalog,
                                      const std::string& to_dir, const std::string& to_catalog,
                                      const Progress& progress) {
  if (to_catalog.empty()) {
    // A new catalog is 0600, as SqliteArchive makes it.
    const std::string file = to_dir + "/catalog.sqlite3";
    FileDescriptor created(::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
    if (created.get() < 0) return PosixError("cannot create", file, errno);
  }
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Database> from, Connect(from_dir, from_catalog, /*read_only=*/true));
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Database> to, Connect(to_dir, to_catalog, /*read_only=*/false));
  BEIAN_RETURN_IF_ERROR(PrepareCatalog(*to));
  CopySummary summary;
  Transaction snapshot(*from);
  BEIAN_RETURN_IF_ERROR(snapshot.BeginRead());
  Transaction txn(*to);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(const int64_t present,
                         to->QueryInt("SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM audit_log)"));
  if (present > 0) {
    return core::FailedPrecondition("the catalog " + to->name() + " holds an archive already");
  }
  // The rows a new catalog starts with (the audit head, counters) give way
  // to the source's.
  for (const CopiedTable& table : kTables) {
    BEIAN_RETURN_IF_ERROR(to->Exec((std::string("DELETE FROM ") + table.name).c_str()));
  }
  const int64_t tables = static_cast<int64_t>(std::size(kTables));
  for (const CopiedTable& table : kTables) {
    if (progress) progress("catalog tables", &table - kTables, tables);
    BEIAN_ASSIGN_OR_RETURN(const int64_t rows, CopyRows(*from, *to, table));
    summary.rows += rows;
    if (std::string_view(table.name) == "documents") summary.documents = rows;
    if (std::string_view(table.name) == "audit_log") summary.audit_entries = rows;
  }
  BEIAN_RETURN_IF_ERROR(snapshot.Commit());
  if (to->dialect() == SqlDialect::kPostgres) {
    for (const char* table : kIdentityTables) {
      const std::string sql = std::string("SELECT setval(pg_get_serial_sequence('") + table +
                              "', 'id'), coalesce(max(id), 0) + 1, false) FROM " + table;
      BEIAN_RETURN_IF_ERROR(to->Exec(sql.c_str()));
    }
  }
  if (progress) progress("catalog tables", tables, tables);
  BEIAN_RETURN_IF_ERROR(RebuildSearchIndex(*to));
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return summary;
}

}  // namespace beian::archive
