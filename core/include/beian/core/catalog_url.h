// Naming where an archive's catalog is: a PostgreSQL URL beside the default
// SQLite file in the archive's folder. Shared by the archive (which connects),
// the service and the command line (which read it from the user).
#ifndef BEIAN_CORE_CATALOG_URL_H_
#define BEIAN_CORE_CATALOG_URL_H_

#include <string>
#include <string_view>

namespace beian::core {

// True iff `location` names a PostgreSQL catalog ("postgresql://..." or
// "postgres://...").
bool IsPostgresUrl(std::string_view location);

// `url` with any password (user:PASSWORD@, password=...) replaced by "***",
// for messages and logs.
std::string RedactPostgresUrl(std::string_view url);

}  // namespace beian::core

#endif  // BEIAN_CORE_CATALOG_URL_H_
