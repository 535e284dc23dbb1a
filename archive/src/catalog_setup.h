// How an engine's Open (SqliteArchive, PostgresArchive) sets up a
// CatalogArchive.
#ifndef BEIAN_ARCHIVE_SRC_CATALOG_SETUP_H_
#define BEIAN_ARCHIVE_SRC_CATALOG_SETUP_H_

#include <string>

#include "beian/archive/catalog_archive.h"
#include "sql.h"

namespace beian::archive {

struct CatalogArchive::Setup {
  std::string dir;  // the data folder, without a trailing slash
  ArchiveOptions options;
  // Connections to the catalog: the archive keeps a writer and a reader, the
  // checkpoint signer two more, and verify opens one of its own.
  DatabaseOpener open;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_CATALOG_SETUP_H_
