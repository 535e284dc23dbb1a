// The archive for several nodes: the catalog in PostgreSQL, blobs,
// checkpoints and keys in a folder every node shares.
#ifndef BEIAN_ARCHIVE_POSTGRES_ARCHIVE_H_
#define BEIAN_ARCHIVE_POSTGRES_ARCHIVE_H_

#include <memory>
#include <string>

#include "beian/archive/catalog_archive.h"
#include "beian/core/status.h"

namespace beian::archive {

// The catalog in the PostgreSQL database `url` names (postgresql://user@host:
// port/db; libpq's environment variables and ~/.pgpass fill what it leaves
// out), schema created and upgraded by numbered migrations recorded in
// beian_schema; <dir>/blobs/, <dir>/checkpoints and <dir>/keys/ in a folder
// shared by every node (as NFS would be). Any number of processes on any
// number of machines may open the same pair: writes exclude each other through
// an advisory lock (the audit log is one chain), reads do not wait for them,
// and one process at a time signs a checkpoint.
class PostgresArchive : public CatalogArchive {
 public:
  // Opens, creating the folder (and its parents) if needed. kIoError naming
  // the server if it cannot be reached; kFailedPrecondition if the catalog
  // was written by a newer beian.
  static core::Result<std::unique_ptr<PostgresArchive>> Open(const std::string& url, const std::string& dir,
                                                             ArchiveOptions options = {});

 private:
  PostgresArchive() = default;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_POSTGRES_ARCHIVE_H_
