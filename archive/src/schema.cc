#include "schema.h"

#include <string>
#include <vector>

#include "beian/archive/text_index.h"
#include "search_terms.h"

namespace beian::archive {
namespace {

// Never edit a migration that has shipped: add the next one.
struct Migration {
  int version;
  const char* sql;
};

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  template_version INTEGER NOT NULL,
  data TEXT NOT NULL,
  credit_code TEXT NOT NULL,
  enterprise_name TEXT NOT NULL,
  project_name TEXT NOT NULL,
  district TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  sm3 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  pages INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('issued', 'signed', 'revoked')),
  -- Year and serial of numbers in the archive's own format (NULL otherwise):
  -- a serial is unique per district and year whatever the kind code says.
  number_year INTEGER,
  number_serial INTEGER
);
CREATE UNIQUE INDEX documents_district_serial
  ON documents (district, number_year, number_serial);
CREATE INDEX documents_issued ON documents (issued_at, id);
CREATE INDEX documents_kind_issued ON documents (kind, issued_at, id);
CREATE INDEX documents_district_issued ON documents (district, issued_at, id);
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_credit_code ON documents (credit_code);

CREATE TABLE number_counters (
  district TEXT NOT NULL,
  year INTEGER NOT NULL,
  next_serial INTEGER NOT NULL,
  PRIMARY KEY (district, year)
) WITHOUT ROWID;

CREATE TABLE signed_copies (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents (id),
  sha256 TEXT NOT NULL,
  sm3 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  pages INTEGER NOT NULL,
  media_type TEXT NOT NULL,
  original_name TEXT NOT NULL,
  uploaded_by TEXT NOT NULL,
  uploaded_at TEXT NOT NULL
);
CREATE INDEX signed_copies_document ON signed_copies (document_id);
CREATE INDEX signed_copies_sha256 ON signed_copies (sha256);

CREATE TABLE reprints (
  id INTEGER PRIMARY KEY,
  document_id INTEGER NOT NULL REFERENCES documents (id),
  marked INTEGER NOT NULL CHECK (marked IN (0, 1)),
  sha256 TEXT NOT NULL,
  sm3 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  operator TEXT NOT NULL,
  reprinted_at TEXT NOT NULL
);
CREATE INDEX reprints_document ON reprints (document_id);
CREATE INDEX reprints_sha256 ON reprints (sha256);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

-- The last row of the chain, kept beside it so that deleting rows at the end
-- of the log is detected too.
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
)sql"},
    // Full-text search: a contentless FTS5 index whose rowid is documents.id
    // and whose one column holds DocumentSearchTerms (see schema.h). Filled
    // for existing rows by FillSearchIndex. documents_credit_code (migration
    // 1) serves credit-code prefix searches.
    {2, R"sql(
CREATE VIRTUAL TABLE documents_fts USING fts5(
  terms, content='', columnsize=0, detail=none,
  tokenize='unicode61 remove_diacritics 0'
);
-- The kTextIndexVersion the index was built with.
CREATE TABLE search_index_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  text_index_version INTEGER NOT NULL
);
)sql"},
    // Bearer tokens for the HTTP service, by the SHA-256 of their secret.
    {3, R"sql(
CREATE TABLE access_tokens (
  id INTEGER PRIMARY KEY,
  secret_sha256 TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('enterprise', 'bureau', 'admin')),
  credit_code TEXT NOT NULL,
  district TEXT NOT NULL,
  label TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT NOT NULL DEFAULT ''
);
)sql"},
};

// Indexes every document in the catalog and records kTextIndexVersion (in
// the caller's transaction; the index must be empty).
core::Status FillSearchIndex(Database& db) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement rows,
      db.Prepare("SELECT id, kind, district, issued_at, credit_code, "
                 "enterprise_name, project_name FROM documents ORDER BY id"));
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, rows.Step());
    if (!row) break;
    const std::string kind = rows.Text(1), district = rows.Text(2),
                      issued_at = rows.Text(3), credit_code = rows.Text(4),
                      enterprise_name = rows.Text(5),
                      project_name = rows.Text(6);
    BEIAN_RETURN_IF_ERROR(IndexDocumentTerms(
        db, rows.Int(0),
        SearchFields{kind, district, issued_at, credit_code, enterprise_name,
                     project_name}));
  }
  BEIAN_ASSIGN_OR_RETURN(
      Statement meta,
      db.Prepare("INSERT INTO search_index_meta (id, text_index_version) "
                 "VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET "
                 "text_index_version = excluded.text_index_version"));
  meta.BindInt(1, kTextIndexVersion);
  return meta.Run();
}

// Rebuilds the full-text index when it was built with another
// kTextIndexVersion: the terms of the same text differ then, so the old
// entries could neither be found nor deleted. One transaction; re-checked
// under the write lock in case another process rebuilt it first.
core::Status RebuildStaleSearchIndex(Database& db) {
  const char* kVersion =
      "SELECT coalesce((SELECT text_index_version FROM search_index_meta), 0)";
  BEIAN_ASSIGN_OR_RETURN(const int64_t built, db.QueryInt(kVersion));
  if (built == kTextIndexVersion) return core::Status::Ok();
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(const int64_t now, db.QueryInt(kVersion));
  if (now == kTextIndexVersion) return core::Status::Ok();
  BEIAN_RETURN_IF_ERROR(db.Exec(
      "INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')"));
  BEIAN_RETURN_IF_ERROR(FillSearchIndex(db));
  return txn.Commit();
}

// Work a migration needs beyond its SQL (computed in C++), run in the same
// transaction.
core::Status AfterMigration(Database& db, int version) {
  if (version == 2) return FillSearchIndex(db);
  return core::Status::Ok();
}

core::Status ApplyMigration(Database& db, const Migration& migration) {
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  // Re-read under the write lock: another process may have migrated already.
  BEIAN_ASSIGN_OR_RETURN(const int64_t current,
                         db.QueryInt("PRAGMA user_version"));
  if (current >= migration.version) return core::Status::Ok();
  BEIAN_RETURN_IF_ERROR(db.Exec(migration.sql));
  BEIAN_RETURN_IF_ERROR(AfterMigration(db, migration.version));
  const std::string set_version =
      "PRAGMA user_version = " + std::to_string(migration.version);
  BEIAN_RETURN_IF_ERROR(db.Exec(set_version.c_str()));
  return txn.Commit();
}

}  // namespace

core::Status IndexDocumentTerms(Database& db, int64_t id,
                                const SearchFields& fields) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("INSERT INTO documents_fts (rowid, terms) VALUES (?1, ?2)"));
  s.BindInt(1, id).BindText(2, DocumentSearchTerms(fields));
  return s.Run();
}

int LatestSchemaVersion() {
  return kMigrations[sizeof kMigrations / sizeof kMigrations[0] - 1].version;
}

core::Status PrepareCatalog(Database& db) {
  // journal_mode answers with a row; Exec ignores it.
  BEIAN_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  BEIAN_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  // FULL: a commit that returned is on disk even after a power cut.
  BEIAN_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  BEIAN_ASSIGN_OR_RETURN(const int64_t version,
                         db.QueryInt("PRAGMA user_version"));
  if (version > LatestSchemaVersion()) {
    return core::FailedPrecondition(
        "catalog " + db.path() + " has schema version " +
        std::to_string(version) + ", newer than this beian understands (" +
        std::to_string(LatestSchemaVersion()) + ")");
  }
  for (const Migration& migration : kMigrations) {
    if (migration.version > version) {
      BEIAN_RETURN_IF_ERROR(ApplyMigration(db, migration));
    }
  }
  return RebuildStaleSearchIndex(db);
}

}  // namespace beian::archive
