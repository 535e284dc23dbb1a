// Helpers shared by the archive tests: temp directories, sample documents and
// direct SQL on a catalog (to tamper with it behind the archive's back).
#ifndef BEIAN_TESTS_ARCHIVE_ARCHIVE_TEST_UTIL_H_
#define BEIAN_TESTS_ARCHIVE_ARCHIVE_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "beian/archive/archive.h"
#include "beian/archive/catalog_archive.h"
#include "beian/archive/records.h"
#include "sql.h"

namespace beian::archive::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
// destruction (and its PostgreSQL catalog, if the tests made one).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A document to ingest: distinct data and PDF bytes per `i`, issued in
// `district` on 2026-03-<1 + i % 28> at 09:00 + i seconds.
NewDocument SampleDocument(int i, const std::string& number,
                           const std::string& district = "朝阳区");

// Revokes document `id` from whatever state it is in (ChangeStatus with
// every other state as `from`).
core::Result<Document> Revoke(Archive& archive, int64_t id,
                              const std::string& actor,
                              const std::string& reason);

// A change accepting document `id` (受理) on 2026-12-07, due 2026-12-21.
StatusChange Acceptance(int64_t id, std::vector<DocumentStatus> from,
                        const std::string& actor = "clerk-li");

// The archive in `dir` on the engine the tests run against (see
// tests/support/test_catalog.h): the same folder opens the same catalog.
core::Result<std::unique_ptr<CatalogArchive>> OpenTestArchive(const std::string& dir,
                                                              ArchiveOptions options = {});

// Runs SQL on a catalog (CatalogArchive::catalog(): a SQLite file or a
// PostgreSQL database) through a connection of its own; returns "" or the
// engine's error message.
std::string ExecSql(const std::string& catalog, const std::string& sql);

// SQL that takes schemas 9 (the sign-in throttle), 8 (documents' OFD), 7
// (documents' pdf_standard) and 6 (users, sessions, failed sign-ins,
// documents' verify_url) out of a SQLite catalog, to roll it back to an
// earlier version.
inline constexpr char kDropSchemas6To9[] =
    "DROP TABLE signin_throttle; DROP INDEX documents_ofd_sha256; ALTER TABLE documents DROP COLUMN ofd_sha256; "
    "ALTER TABLE documents DROP COLUMN ofd_sm3; ALTER TABLE documents DROP COLUMN ofd_bytes; "
    "ALTER TABLE documents DROP COLUMN pdf_standard; "
    "DROP TABLE user_sessions; DROP TABLE users; DROP TABLE signin_failures; "
    "ALTER TABLE documents DROP COLUMN verify_url; ";

// A connection of the archive's own kind to a catalog (a SQLite file or a
// postgresql:// URL), for writing behind the archive's back with its own
// functions (archive/src).
std::unique_ptr<Database> ConnectToCatalog(const std::string& catalog);

// Rewrites the audit log's chain behind the archive's back as a forger with
// the catalog in hand would: every entry's prev_hash and hash recomputed from
// its content, the head set to the last, the Merkle tree rebuilt from the
// entries and the record of the last checkpoint deleted. The catalog agrees
// with itself again; only the checkpoints signed elsewhere can tell.
void RechainAuditLog(const std::string& catalog);

// The first column of every row of a query, as text.
std::vector<std::string> QueryColumn(const std::string& path,
                                     const std::string& sql);

// Flips the bits of the byte at `offset` in the file at `path` (made writable
// first: blobs are stored read-only).
void FlipByte(const std::string& path, int64_t offset);

// Every regular file below `dir`, as paths relative to it.
std::vector<std::string> FilesBelow(const std::string& dir);

}  // namespace beian::archive::testing

#endif  // BEIAN_TESTS_ARCHIVE_ARCHIVE_TEST_UTIL_H_
