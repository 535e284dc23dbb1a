// A connection to a catalog, whichever engine holds it.
#ifndef BEIAN_ARCHIVE_SRC_CATALOG_CONNECTION_H_
#define BEIAN_ARCHIVE_SRC_CATALOG_CONNECTION_H_

#include <memory>
#include <string>

#include "beian/core/status.h"
#include "sql.h"

namespace beian::archive {

// A connection to `catalog`: a postgresql:// URL, else the path of a SQLite
// catalog file (which waits up to `busy_timeout_ms` for another writer).
core::Result<std::unique_ptr<Database>> ConnectToCatalog(const std::string& catalog, bool read_only,
                                                         int busy_timeout_ms);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_CATALOG_CONNECTION_H_
