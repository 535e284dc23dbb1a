// The catalog schema as numbered migrations, for SQLite (PRAGMA user_version)
// and PostgreSQL (beian_schema).
#ifndef BEIAN_ARCHIVE_SRC_SCHEMA_H_
#define BEIAN_ARCHIVE_SRC_SCHEMA_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "beian/core/status.h"
#include "search_terms.h"
#include "sql.h"

namespace beian::archive {

// Adds document `id` to the full-text index (inside the caller's
// transaction) with DocumentSearchTerms(fields).
core::Status IndexDocumentTerms(Database& db, int64_t id,
                                const SearchFields& fields);

// Empties the full-text index and indexes every document again (in the
// caller's transaction), recording kTextIndexVersion.
core::Status RebuildSearchIndex(Database& db);

// The version the last migration reaches.
int LatestSchemaVersion();

// SQLite: sets the connection's pragmas (WAL, foreign keys,
// synchronous=FULL) and applies every migration above the database's
// user_version, each in its own transaction together with the new
// user_version. PostgreSQL: applies its migrations above the version in
// beian_schema the same way. Then rebuilds the full-text index if it was
// built with another kTextIndexVersion. Safe when several processes open the
// catalog at once. kFailedPrecondition if the database is newer than this
// build.
core::Status PrepareCatalog(Database& db);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_SCHEMA_H_
