// The catalog engine the tests run against. By default SQLite in each test's
// folder; when $BEIAN_TEST_POSTGRES names the folder of a cluster that
// tests/support/pg_cluster.sh started, a PostgreSQL database of its own per
// test folder. The same archive, service, API and end-to-end tests thus run on
// both engines.
#ifndef BEIAN_TESTS_SUPPORT_TEST_CATALOG_H_
#define BEIAN_TESTS_SUPPORT_TEST_CATALOG_H_

#include <string>
#include <vector>

namespace beian::testing {

// True when the tests run on PostgreSQL.
bool OnPostgres();

// The catalog for the data folder `dir`: "" on SQLite (the catalog lives in
// the folder); on PostgreSQL the URL of a database named after the folder,
// created if missing.
std::string TestCatalogFor(const std::string& dir);

// Where the catalog of the data folder `dir` is, as CatalogArchive::catalog()
// says: <dir>/catalog.sqlite3 on SQLite, TestCatalogFor(dir) on PostgreSQL.
std::string TestCatalogIn(const std::string& dir);

// Makes the catalog of `to` a copy of the catalog of `from` (whose archive is
// closed): on SQLite the caller copies the folder, which holds it; on
// PostgreSQL a database copied from the other's.
void CopyTestCatalog(const std::string& from, const std::string& to);

// Drops the databases TestCatalogFor made in this process for `dir` and the
// folders below it, ending their connections (nothing on SQLite). TempDir
// does when it goes.
void DropTestCatalogsUnder(const std::string& dir);

// The arguments that give the beian command the archive in `dir`:
// {"--data", dir}, or {"--data", URL, "--store", dir} on PostgreSQL.
std::vector<std::string> DataArguments(const std::string& dir);

// Runs SQL on a catalog (a SQLite file or a postgresql:// URL) through a
// connection of its own; returns "" or the engine's error.
std::string ExecCatalogSql(const std::string& catalog, const std::string& sql);

// The first column of every row of a query, as text; throws on error.
std::vector<std::string> QueryCatalogColumn(const std::string& catalog, const std::string& sql);

// Every column of every row of a query, as text; throws on error.
std::vector<std::vector<std::string>> QueryCatalogRows(const std::string& catalog, const std::string& sql);

}  // namespace beian::testing

#endif  // BEIAN_TESTS_SUPPORT_TEST_CATALOG_H_
