#include "catalog_connection.h"

#include <utility>

#include "beian/core/catalog_url.h"
#include "pg_db.h"
#include "sqlite_db.h"

namespace beian::archive {

core::Result<std::unique_ptr<Database>> ConnectToCatalog(const std::string& catalog, bool read_only,
                                                         int busy_timeout_ms) {
  if (core::IsPostgresUrl(catalog)) {
    BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<PgDatabase> db, PgDatabase::Open(catalog, read_only));
    return std::unique_ptr<Database>(std::move(db));
  }
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db,
                         SqliteDatabase::Open(catalog, read_only, busy_timeout_ms));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace beian::archive
