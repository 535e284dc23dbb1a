#include "schema.h"

#include <string>
#include <vector>

#include "beian/archive/document_number.h"
#include "beian/archive/text_index.h"
#include "beian/core/districts.h"
#include "beian/core/kinds.h"
#include "audit_rows.h"
#include "merkle_store.h"
#include "search_terms.h"

namespace beian::archive {
namespace {

// Never edit a migration that has shipped: add the next one.
struct Migration {
  int version;
  const char* sql;
  // The migration rebuilds a table that others reference (SQLite's
  // generalized ALTER TABLE procedure): foreign keys are off while it runs and
  // PRAGMA foreign_key_check must come back empty before it commits.
  bool rebuilds_tables = false;
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
    // The lifecycle (accepted, filed, refused) and its facts, submitted copies,
    // token names, the register of allocated and void serials, idempotency
    // keys and the keyed staff index. documents is rebuilt to widen its
    // status CHECK (SQLite cannot alter a constraint): same ids (documents_fts
    // uses them as rowids), same indexes, rows of signed_copies and reprints
    // still pointing at their documents. Existing documents are marked as
    // not staff-indexed. AfterMigration records the serials the catalog
    // left unfiled as allocations of unknown time.
    {4, R"sql(
CREATE TABLE documents_v4 (
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
  status TEXT NOT NULL CHECK (status IN ('issued', 'signed', 'accepted',
                                         'filed', 'refused', 'revoked')),
  number_year INTEGER,
  number_serial INTEGER,
  accepted_on TEXT NOT NULL DEFAULT '',
  decision_due TEXT NOT NULL DEFAULT '',
  filing_number TEXT NOT NULL DEFAULT '',
  decided_at TEXT NOT NULL DEFAULT '',
  revoked_at TEXT NOT NULL DEFAULT '',
  status_reason TEXT NOT NULL DEFAULT '',
  -- 1 once the keyed staff index holds the document's staff (staff_keys).
  staff_indexed INTEGER NOT NULL DEFAULT 0 CHECK (staff_indexed IN (0, 1))
);
INSERT INTO documents_v4 (id, number, kind, template_version, data,
  credit_code, enterprise_name, project_name, district, issued_at, created_by,
  sha256, sm3, bytes, pages, status, number_year, number_serial)
SELECT id, number, kind, template_version, data, credit_code, enterprise_name,
  project_name, district, issued_at, created_by, sha256, sm3, bytes, pages,
  status, number_year, number_serial
FROM documents;
DROP TABLE documents;
ALTER TABLE documents_v4 RENAME TO documents;
CREATE UNIQUE INDEX documents_district_serial
  ON documents (district, number_year, number_serial);
CREATE INDEX documents_issued ON documents (issued_at, id);
CREATE INDEX documents_kind_issued ON documents (kind, issued_at, id);
CREATE INDEX documents_district_issued ON documents (district, issued_at, id);
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_credit_code ON documents (credit_code);
CREATE INDEX documents_staff_unindexed ON documents (id) WHERE staff_indexed = 0;

ALTER TABLE signed_copies ADD COLUMN
  of_record INTEGER NOT NULL DEFAULT 1 CHECK (of_record IN (0, 1));

ALTER TABLE access_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';

-- Every serial AllocateNumber handed out, in allocation order.
CREATE TABLE number_allocations (
  id INTEGER PRIMARY KEY,
  district TEXT NOT NULL,
  year INTEGER NOT NULL,
  serial INTEGER NOT NULL,
  number TEXT NOT NULL,
  allocated_at TEXT NOT NULL,  -- '' when allocated before schema 4
  UNIQUE (district, year, serial)
);

-- Serials recorded as void (作废号), each with its "void-number" audit entry.
CREATE TABLE number_voids (
  district TEXT NOT NULL,
  year INTEGER NOT NULL,
  serial INTEGER NOT NULL,
  number TEXT NOT NULL,
  allocated_at TEXT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (district, year, serial)
) WITHOUT ROWID;

-- Per-token request state: kept as long as the catalog, never exported.
CREATE TABLE idempotency_keys (
  token_id INTEGER NOT NULL,
  key TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  document_id INTEGER NOT NULL REFERENCES documents (id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (token_id, key)
) WITHOUT ROWID;

-- The keyed staff index (HMAC of an ID number, never the number). Per indexed
-- document, its persons as one JSON array [[hmac, path], ...], written once
-- with the document; and per person and enterprise, whether a current (not
-- revoked) document of that enterprise lists the person. "Does this person
-- stand with another enterprise" is one lookup in staff_presence, and filing
-- the same staff again writes no index page: a row per person per document
-- in a random-order index cost the catalog's log ~4 KB per person.
CREATE TABLE document_staff (
  document_id INTEGER PRIMARY KEY REFERENCES documents (id),
  credit_code TEXT NOT NULL,
  keys TEXT NOT NULL
);
CREATE INDEX document_staff_credit_code ON document_staff (credit_code);
CREATE TABLE staff_presence (
  hmac TEXT NOT NULL,
  credit_code TEXT NOT NULL,
  PRIMARY KEY (hmac, credit_code)
) WITHOUT ROWID;
-- Counts the rows ever added to staff_presence: an ingest whose staff were
-- checked at this version re-checks them only if it has moved since.
CREATE TABLE staff_presence_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO staff_presence_version (id, version) VALUES (1, 0);
)sql",
     /*rebuilds_tables=*/true},
    // The audit log as an RFC 6962 Merkle tree (merkle_store.h), filled for
    // existing entries by AfterMigration; an index to find a document's
    // entries; and the last checkpoint this catalog had signed (the
    // checkpoints file beside the catalog must reach at least as far).
    {5, R"sql(
CREATE TABLE merkle_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE INDEX audit_log_subject ON audit_log (subject, action);
CREATE TABLE checkpoint_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  line TEXT NOT NULL
);
)sql"},
    // People who sign in to the console, their sessions (only the SHA-256 of
    // the cookie's secret) and failed sign-ins per username, for growing
    // delays that hold across processes; and the verification address a
    // document's QR code was printed with ('' for the beian:verify form of
    // documents issued before).
    {6, R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('enterprise', 'bureau', 'admin')),
  credit_code TEXT NOT NULL,
  district TEXT NOT NULL,
  name TEXT NOT NULL,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT NOT NULL DEFAULT ''
);
CREATE TABLE user_sessions (
  secret_sha256 TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  idle_until TEXT NOT NULL,
  ended_at TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX user_sessions_user ON user_sessions (user_id);
CREATE TABLE signin_failures (
  username TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failed_at TEXT NOT NULL
) WITHOUT ROWID;
ALTER TABLE documents ADD COLUMN verify_url TEXT NOT NULL DEFAULT '';
)sql"},
    // The PDF standard a document was rendered to ("PDF/A-3u"; '' for the
    // plain PDF of documents issued before), needed to render the same bytes
    // again.
    {7, R"sql(
ALTER TABLE documents ADD COLUMN pdf_standard TEXT NOT NULL DEFAULT '';
)sql"},
    // The document as OFD (GB/T 33190-2016) beside its PDF, a blob of its
    // own ('' and 0 for documents issued without one).
    {8, R"sql(
ALTER TABLE documents ADD COLUMN ofd_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN ofd_sm3 TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN ofd_bytes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX documents_ofd_sha256 ON documents (ofd_sha256) WHERE ofd_sha256 != '';
)sql"},
    // Failed sign-ins under addresses and unknown usernames, by the SHA-256
    // of the key, bounded by Archive::RecordSignInThrottle: in the catalog so
    // that every node sharing it counts them (they were in each process's
    // memory).
    {9, R"sql(
CREATE TABLE signin_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_failed_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX signin_throttle_last_failed ON signin_throttle (last_failed_at);
)sql"},
    // A district's and a kind's documents in id order, for PostgreSQL's
    // search to walk (SearchTermBuckets). SQLite's full-text index answers
    // those facets as terms of its own posting lists: nothing changes here.
    {10, ""},
};

// The catalog on PostgreSQL, as migrations of its own (recorded in
// beian_schema). The first is SQLite's schema 8 in PostgreSQL's terms, so
// both engines count versions alike: a later migration comes in both lists
// under one number. Every text column compares and sorts by bytes (COLLATE
// "C", as SQLite's BINARY) whatever the database's locale: keyset pages, the
// credit-code ranges and hex digests depend on it. The search terms live in
// document_terms as a tsvector (see IndexDocumentTerms) with a GIN index.
constexpr Migration kPostgresMigrations[] = {
    {8, R"sql(
CREATE TABLE documents (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  number TEXT COLLATE "C" NOT NULL UNIQUE,
  kind TEXT COLLATE "C" NOT NULL,
  template_version INTEGER NOT NULL,
  data TEXT COLLATE "C" NOT NULL,
  credit_code TEXT COLLATE "C" NOT NULL,
  enterprise_name TEXT COLLATE "C" NOT NULL,
  project_name TEXT COLLATE "C" NOT NULL,
  district TEXT COLLATE "C" NOT NULL,
  issued_at TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  sha256 TEXT COLLATE "C" NOT NULL,
  sm3 TEXT COLLATE "C" NOT NULL,
  bytes BIGINT NOT NULL,
  pages INTEGER NOT NULL,
  status TEXT COLLATE "C" NOT NULL CHECK (status IN ('issued', 'signed', 'accepted',
                                                   'filed', 'refused', 'revoked')),
  number_year INTEGER,
  number_serial BIGINT,
  accepted_on TEXT COLLATE "C" NOT NULL DEFAULT '',
  decision_due TEXT COLLATE "C" NOT NULL DEFAULT '',
  filing_number TEXT COLLATE "C" NOT NULL DEFAULT '',
  decided_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  revoked_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  status_reason TEXT COLLATE "C" NOT NULL DEFAULT '',
  staff_indexed INTEGER NOT NULL DEFAULT 0 CHECK (staff_indexed IN (0, 1)),
  verify_url TEXT COLLATE "C" NOT NULL DEFAULT '',
  pdf_standard TEXT COLLATE "C" NOT NULL DEFAULT '',
  ofd_sha256 TEXT COLLATE "C" NOT NULL DEFAULT '',
  ofd_sm3 TEXT COLLATE "C" NOT NULL DEFAULT '',
  ofd_bytes BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX documents_district_serial
  ON documents (district, number_year, number_serial);
CREATE INDEX documents_issued ON documents (issued_at, id);
CREATE INDEX documents_kind_issued ON documents (kind, issued_at, id);
CREATE INDEX documents_district_issued ON documents (district, issued_at, id);
CREATE INDEX documents_sha256 ON documents (sha256);
CREATE INDEX documents_credit_code ON documents (credit_code, id);
CREATE INDEX documents_staff_unindexed ON documents (id) WHERE staff_indexed = 0;
CREATE INDEX documents_ofd_sha256 ON documents (ofd_sha256) WHERE ofd_sha256 != '';

-- Derived data, as SQLite's documents_fts: no foreign key.
CREATE TABLE document_terms (
  document_id BIGINT PRIMARY KEY,
  terms TSVECTOR NOT NULL
);
CREATE INDEX document_terms_terms ON document_terms USING gin (terms);
CREATE TABLE search_index_meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  text_index_version INTEGER NOT NULL
);
INSERT INTO search_index_meta (id, text_index_version) VALUES (1, 0);

CREATE TABLE number_counters (
  district TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  next_serial BIGINT NOT NULL,
  PRIMARY KEY (district, year)
);
CREATE TABLE number_allocations (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  district TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  serial BIGINT NOT NULL,
  number TEXT COLLATE "C" NOT NULL,
  allocated_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (district, year, serial)
);
CREATE TABLE number_voids (
  district TEXT COLLATE "C" NOT NULL,
  year INTEGER NOT NULL,
  serial BIGINT NOT NULL,
  number TEXT COLLATE "C" NOT NULL,
  allocated_at TEXT COLLATE "C" NOT NULL,
  reason TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (district, year, serial)
);

CREATE TABLE signed_copies (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  document_id BIGINT NOT NULL REFERENCES documents (id),
  sha256 TEXT COLLATE "C" NOT NULL,
  sm3 TEXT COLLATE "C" NOT NULL,
  bytes BIGINT NOT NULL,
  pages INTEGER NOT NULL,
  media_type TEXT COLLATE "C" NOT NULL,
  original_name TEXT COLLATE "C" NOT NULL,
  uploaded_by TEXT COLLATE "C" NOT NULL,
  uploaded_at TEXT COLLATE "C" NOT NULL,
  of_record INTEGER NOT NULL DEFAULT 1 CHECK (of_record IN (0, 1))
);
CREATE INDEX signed_copies_document ON signed_copies (document_id);
CREATE INDEX signed_copies_sha256 ON signed_copies (sha256);

CREATE TABLE reprints (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  document_id BIGINT NOT NULL REFERENCES documents (id),
  marked INTEGER NOT NULL CHECK (marked IN (0, 1)),
  sha256 TEXT COLLATE "C" NOT NULL,
  sm3 TEXT COLLATE "C" NOT NULL,
  bytes BIGINT NOT NULL,
  operator TEXT COLLATE "C" NOT NULL,
  reprinted_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX reprints_document ON reprints (document_id);
CREATE INDEX reprints_sha256 ON reprints (sha256);

CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT COLLATE "C" NOT NULL,
  actor TEXT COLLATE "C" NOT NULL,
  action TEXT COLLATE "C" NOT NULL,
  subject TEXT COLLATE "C" NOT NULL,
  detail TEXT COLLATE "C" NOT NULL,
  prev_hash TEXT COLLATE "C" NOT NULL,
  hash TEXT COLLATE "C" NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject, action);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT COLLATE "C" NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES
  (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE merkle_nodes (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash BYTEA NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TABLE checkpoint_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL,
  line TEXT COLLATE "C" NOT NULL
);

CREATE TABLE access_tokens (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  secret_sha256 TEXT COLLATE "C" NOT NULL UNIQUE,
  role TEXT COLLATE "C" NOT NULL CHECK (role IN ('enterprise', 'bureau', 'admin')),
  credit_code TEXT COLLATE "C" NOT NULL,
  district TEXT COLLATE "C" NOT NULL,
  label TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  revoked_at TEXT COLLATE "C" NOT NULL DEFAULT '',
  name TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE TABLE idempotency_keys (
  token_id BIGINT NOT NULL,
  key TEXT COLLATE "C" NOT NULL,
  request_sha256 TEXT COLLATE "C" NOT NULL,
  document_id BIGINT NOT NULL REFERENCES documents (id),
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (token_id, key)
);

CREATE TABLE document_staff (
  document_id BIGINT PRIMARY KEY REFERENCES documents (id),
  credit_code TEXT COLLATE "C" NOT NULL,
  keys TEXT COLLATE "C" NOT NULL
);
CREATE INDEX document_staff_credit_code ON document_staff (credit_code);
CREATE TABLE staff_presence (
  hmac TEXT COLLATE "C" NOT NULL,
  credit_code TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (hmac, credit_code)
);
CREATE TABLE staff_presence_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO staff_presence_version (id, version) VALUES (1, 0);

CREATE TABLE users (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  username TEXT COLLATE "C" NOT NULL UNIQUE,
  role TEXT COLLATE "C" NOT NULL CHECK (role IN ('enterprise', 'bureau', 'admin')),
  credit_code TEXT COLLATE "C" NOT NULL,
  district TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  display_name TEXT COLLATE "C" NOT NULL,
  password_hash TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  disabled_at TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE TABLE user_sessions (
  secret_sha256 TEXT COLLATE "C" PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id),
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  idle_until TEXT COLLATE "C" NOT NULL,
  ended_at TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
CREATE TABLE signin_failures (
  username TEXT COLLATE "C" PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_failed_at TEXT COLLATE "C" NOT NULL
);
)sql"},
    // The sign-in throttle (as SQLite's 9), and the ids each month's
    // documents span, which bound the term buckets a search with a period
    // reads (derived from documents, as the search index is).
    {9, R"sql(
CREATE TABLE signin_throttle (
  key TEXT COLLATE "C" PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_failed_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX signin_throttle_last_failed ON signin_throttle (last_failed_at);
CREATE TABLE search_months (
  month TEXT COLLATE "C" PRIMARY KEY,
  first_id BIGINT NOT NULL,
  last_id BIGINT NOT NULL
);
INSERT INTO search_months (month, first_id, last_id)
  SELECT substr(issued_at, 1, 7), min(id), max(id) FROM documents GROUP BY 1;
)sql"},
    // The documents of a district, of a district's kind and of a kind in id
    // order, with the time of issue to test a period on the index alone: a
    // search with those facets walks them newest first (SearchTermBuckets).
    {10, R"sql(
CREATE INDEX documents_district_kind_id ON documents (district, kind, id) INCLUDE (issued_at);
CREATE INDEX documents_district_id ON documents (district, id) INCLUDE (issued_at);
CREATE INDEX documents_kind_id ON documents (kind, id) INCLUDE (issued_at);
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
  BEIAN_RETURN_IF_ERROR(RebuildSearchIndex(db));
  return txn.Commit();
}

// Records every serial below a number counter that no document carries as
// an allocation of unknown time (allocated_at ''): before schema 4 the
// catalog kept only the counter. The printed number takes the kind code 文
// (the kind it was allocated for was not recorded).
core::Status RecordLegacyAllocations(Database& db) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement counters,
      db.Prepare("SELECT district, year, next_serial FROM number_counters "
                 "ORDER BY district, year"));
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, counters.Step());
    if (!row) break;
    const std::string district = counters.Text(0);
    const int64_t year = counters.Int(1), next = counters.Int(2);
    core::Result<std::string> code = core::DistrictNumberCode(district);
    if (!code.ok()) continue;  // not a counter AllocateNumber wrote
    for (int64_t serial = 1; serial < next; ++serial) {
      const std::string number = FormatDocumentNumber(DocumentNumber{
          *code, std::string(core::kOtherKindNumberCode), static_cast<int>(year), serial});
      BEIAN_ASSIGN_OR_RETURN(
          Statement s,
          db.Prepare("INSERT INTO number_allocations (district, year, serial, "
                     "number, allocated_at) SELECT ?1, ?2, ?3, ?4, '' WHERE "
                     "NOT EXISTS (SELECT 1 FROM documents WHERE district = ?1 "
                     "AND number_year = ?2 AND number_serial = ?3)"));
      s.BindText(1, district).BindInt(2, year).BindInt(3, serial).BindText(
          4, number);
      BEIAN_RETURN_IF_ERROR(s.Run());
    }
  }
  return core::Status::Ok();
}

// Adds every audit entry to the (empty) Merkle tree, in seq order.
core::Status FillMerkleTree(Database& db) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement rows,
      db.Prepare(std::string("SELECT ") + kAuditColumns + " FROM audit_log ORDER BY seq"));
  uint64_t index = 0;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, rows.Step());
    if (!row) break;
    BEIAN_RETURN_IF_ERROR(AppendMerkleLeaf(db, index++, AuditLeafHash(ReadAuditEntry(rows))));
  }
  return core::Status::Ok();
}

// Work a migration needs beyond its SQL (computed in C++), run in the same
// transaction.
core::Status AfterMigration(Database& db, int version) {
  if (version == 2) return FillSearchIndex(db);
  if (version == 4) return RecordLegacyAllocations(db);
  if (version == 5) return FillMerkleTree(db);
  return core::Status::Ok();
}

// kInternal if a foreign key points nowhere (after a table was rebuilt).
core::Status CheckForeignKeys(Database& db) {
  BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare("PRAGMA foreign_key_check"));
  BEIAN_ASSIGN_OR_RETURN(const bool broken, s.Step());
  if (!broken) return core::Status::Ok();
  return core::Internal("migration left a dangling reference in table " +
                        s.Text(0) + " (rowid " + s.Text(1) + ")");
}

core::Status ApplyMigration(Database& db, const Migration& migration) {
  // PRAGMA foreign_keys is a no-op inside a transaction: switched off before
  // it begins, on again whatever happens.
  struct ForeignKeysOff {
    Database* db;
    ~ForeignKeysOff() {
      if (db != nullptr) (void)db->Exec("PRAGMA foreign_keys = ON");
    }
  } foreign_keys_off{migration.rebuilds_tables ? &db : nullptr};
  if (migration.rebuilds_tables) {
    BEIAN_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = OFF"));
  }
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  // Re-read under the write lock: another process may have migrated already.
  BEIAN_ASSIGN_OR_RETURN(const int64_t current,
                         db.QueryInt("PRAGMA user_version"));
  if (current >= migration.version) return core::Status::Ok();
  BEIAN_RETURN_IF_ERROR(db.Exec(migration.sql));
  BEIAN_RETURN_IF_ERROR(AfterMigration(db, migration.version));
  if (migration.rebuilds_tables) BEIAN_RETURN_IF_ERROR(CheckForeignKeys(db));
  const std::string set_version =
      "PRAGMA user_version = " + std::to_string(migration.version);
  BEIAN_RETURN_IF_ERROR(db.Exec(set_version.c_str()));
  return txn.Commit();
}

}  // namespace

core::Status IndexDocumentTerms(Database& db, int64_t id,
                                const SearchFields& fields) {
  // PostgreSQL: the terms of the document's bucket (BucketedTerm) as lexemes
  // exactly (array_to_tsvector), as the 'simple' configuration would keep
  // them if its parser did not split them at their private-use marks.
  const bool postgres = db.dialect() == SqlDialect::kPostgres;
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare(postgres ? "INSERT INTO document_terms (document_id, terms) VALUES (?1, "
                            "array_to_tsvector(array_remove(string_to_array(?2, ' '), '')))"
                          : "INSERT INTO documents_fts (rowid, terms) VALUES (?1, ?2)"));
  s.BindInt(1, id).BindText(2, postgres ? PostgresDocumentTerms(id, fields) : DocumentSearchTerms(fields));
  if (postgres) {
    BEIAN_RETURN_IF_ERROR(s.Run());
    BEIAN_ASSIGN_OR_RETURN(
        Statement months,
        db.Prepare("INSERT INTO search_months (month, first_id, last_id) VALUES (substr(?1, 1, 7), ?2, ?2) "
                   "ON CONFLICT (month) DO UPDATE SET first_id = LEAST(search_months.first_id, excluded.first_id), "
                   "last_id = GREATEST(search_months.last_id, excluded.last_id)"));
    months.BindText(1, fields.issued_at).BindInt(2, id);
    return months.Run();
  }
  return s.Run();
}

core::Status RebuildSearchIndex(Database& db) {
  BEIAN_RETURN_IF_ERROR(db.Exec(db.dialect() == SqlDialect::kPostgres
                                    ? "DELETE FROM document_terms; DELETE FROM search_months"
                                    : "INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')"));
  return FillSearchIndex(db);
}

int LatestSchemaVersion() {
  return kMigrations[sizeof kMigrations / sizeof kMigrations[0] - 1].version;
}

namespace {

// PrepareCatalog on PostgreSQL.
core::Status PreparePostgresCatalog(Database& db) {
  // One process migrates at a time; the others find the work done.
  CatalogLockGuard one_migrator(db, CatalogLock::kSchema);
  BEIAN_RETURN_IF_ERROR(one_migrator.Take());
  BEIAN_RETURN_IF_ERROR(db.Exec(
      "CREATE TABLE IF NOT EXISTS beian_schema (id INTEGER PRIMARY KEY CHECK (id = 1), "
      "version INTEGER NOT NULL)"));
  const char* kVersion = "SELECT coalesce((SELECT version FROM beian_schema), 0)";
  BEIAN_ASSIGN_OR_RETURN(const int64_t version, db.QueryInt(kVersion));
  if (version > LatestSchemaVersion()) {
    return core::FailedPrecondition(
        "catalog " + db.name() + " has schema version " + std::to_string(version) +
        ", newer than this beian understands (" + std::to_string(LatestSchemaVersion()) + ")");
  }
  for (const Migration& migration : kPostgresMigrations) {
    if (migration.version <= version) continue;
    Transaction txn(db);
    BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
    BEIAN_RETURN_IF_ERROR(db.Exec(migration.sql));
    const std::string set_version =
        "INSERT INTO beian_schema (id, version) VALUES (1, " + std::to_string(migration.version) +
        ") ON CONFLICT (id) DO UPDATE SET version = excluded.version";
    BEIAN_RETURN_IF_ERROR(db.Exec(set_version.c_str()));
    BEIAN_RETURN_IF_ERROR(txn.Commit());
  }
  return RebuildStaleSearchIndex(db);
}

}  // namespace

core::Status PrepareCatalog(Database& db) {
  if (db.dialect() == SqlDialect::kPostgres) return PreparePostgresCatalog(db);
  // journal_mode answers with a row; Exec ignores it.
  BEIAN_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  BEIAN_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  // FULL: a commit that returned is on disk even after a power cut.
  BEIAN_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = FULL"));
  BEIAN_ASSIGN_OR_RETURN(const int64_t version,
                         db.QueryInt("PRAGMA user_version"));
  if (version > LatestSchemaVersion()) {
    return core::FailedPrecondition(
        "catalog " + db.name() + " has schema version " +
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
