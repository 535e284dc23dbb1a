// The embedded archive: a SQLite catalog and a blob store in one directory.
#ifndef BEIAN_ARCHIVE_SQLITE_ARCHIVE_H_
#define BEIAN_ARCHIVE_SQLITE_ARCHIVE_H_

#include <memory>
#include <string>

#include "beian/archive/catalog_archive.h"
#include "beian/core/status.h"

namespace beian::archive {

// The archive in one data directory: <dir>/checkpoints (signed checkpoints of
// the audit log, append-only), <dir>/catalog.sqlite3 (WAL mode, foreign
// keys on, synchronous=FULL, schema created and upgraded by numbered
// migrations recorded in PRAGMA user_version) and <dir>/blobs/ (BlobStore).
// Several processes may open the same directory at once; within a process one
// SqliteArchive serves all threads (calls on its connection are serialized;
// blob writes and VerifyStorage run outside that lock).
class SqliteArchive : public CatalogArchive {
 public:
  // Opens, creating the directory (and its parents) if needed.
  // kFailedPrecondition if the catalog was written by a newer beian (a higher
  // schema version); kIoError if the directory or database cannot be opened.
  static core::Result<std::unique_ptr<SqliteArchive>> Open(
      const std::string& dir, ArchiveOptions options = {});

  // The schema version this build creates and understands.
  static int SchemaVersion() { return CatalogSchemaVersion(); }

  // <dir>/catalog.sqlite3.
  std::string catalog_path() const { return catalog(); }

 private:
  SqliteArchive() = default;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SQLITE_ARCHIVE_H_
