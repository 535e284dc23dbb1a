#include "beian/archive/postgres_archive.h"

#include <memory>
#include <string>
#include <utility>

#include "beian/archive/sqlite_archive.h"
#include "beian/core/catalog_url.h"
#include "catalog_connection.h"
#include "catalog_setup.h"

namespace beian::archive {

core::Result<std::unique_ptr<PostgresArchive>> PostgresArchive::Open(const std::string& url, const std::string& dir,
                                                                     ArchiveOptions options) {
  if (!core::IsPostgresUrl(url)) {
    return core::InvalidArgument("\"" + core::RedactPostgresUrl(url) + "\" is not a postgresql:// URL");
  }
  Setup setup;
  setup.dir = dir;
  setup.options = std::move(options);
  setup.open = [url](bool read_only) { return ConnectToCatalog(url, read_only, /*busy_timeout_ms=*/0); };
  std::unique_ptr<PostgresArchive> archive(new PostgresArchive());
  BEIAN_RETURN_IF_ERROR(archive->OpenCatalog(std::move(setup)));
  return archive;
}

core::Result<std::unique_ptr<CatalogArchive>> OpenArchive(const std::string& dir, const std::string& catalog,
                                                          ArchiveOptions options) {
  if (catalog.empty()) {
    BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<SqliteArchive> archive, SqliteArchive::Open(dir, std::move(options)));
    return std::unique_ptr<CatalogArchive>(std::move(archive));
  }
  if (!core::IsPostgresUrl(catalog)) {
    return core::InvalidArgument("catalog \"" + core::RedactPostgresUrl(catalog) +
                                 "\" is neither empty (SQLite in the data folder) nor a postgresql:// URL");
  }
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<PostgresArchive> archive,
                         PostgresArchive::Open(catalog, dir, std::move(options)));
  return std::unique_ptr<CatalogArchive>(std::move(archive));
}

}  // namespace beian::archive
