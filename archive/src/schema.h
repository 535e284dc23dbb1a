// The catalog schema as numbered migrations (PRAGMA user_version).
#ifndef BEIAN_ARCHIVE_SRC_SCHEMA_H_
#define BEIAN_ARCHIVE_SRC_SCHEMA_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "beian/core/status.h"
#include "sqlite_db.h"

namespace beian::archive {

// The text stored in documents_fts.terms for a document: IndexTerms of its
// enterprise and project names, plus FacetTerm("district", ...) and
// FacetTerm("kind", ...). Personal ID numbers never become terms.
std::string DocumentSearchTerms(std::string_view kind,
                                std::string_view district,
                                std::string_view enterprise_name,
                                std::string_view project_name);

// Adds document `id` to the full-text index (inside the caller's transaction).
core::Status IndexDocumentTerms(Database& db, int64_t id,
                                std::string_view kind,
                                std::string_view district,
                                std::string_view enterprise_name,
                                std::string_view project_name);

// The version the last migration reaches.
int LatestSchemaVersion();

// Sets the connection's pragmas (WAL, foreign keys, synchronous=FULL) and
// applies every migration above the database's user_version, each in its own
// transaction together with the new user_version. Safe when several processes
// open the catalog at once. kFailedPrecondition if the database is newer than
// this build.
core::Status PrepareCatalog(Database& db);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_SCHEMA_H_
