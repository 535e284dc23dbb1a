#include "test_catalog.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include "beian/core/digest.h"

namespace beian::testing {
namespace {

// The URL of the cluster's "postgres" database, or "" on SQLite.
const std::string& Server() {
  static const std::string server = [] {
    const char* folder = std::getenv("BEIAN_TEST_POSTGRES");
    if (folder == nullptr || *folder == '\0') return std::string();
    std::ifstream in(std::string(folder) + "/url");
    std::string url;
    std::getline(in, url);
    if (url.empty()) throw std::runtime_error(std::string("no PostgreSQL cluster in ") + folder);
    return url;
  }();
  return server;
}

// The folders TestCatalogFor made a database for.
std::mutex made_mu;
std::set<std::string> made;

std::string DatabaseName(const std::string& dir) { return "beian_test_" + core::Sha256Hex(dir).substr(0, 20); }

// `server` with its database replaced by `database`.
std::string WithDatabase(const std::string& server, const std::string& database) {
  return server.substr(0, server.rfind('/') + 1) + database;
}

struct Connection {
  explicit Connection(const std::string& url) : conn(PQconnectdb(url.c_str())) {
    if (PQstatus(conn) != CONNECTION_OK) {
      const std::string error = PQerrorMessage(conn);
      PQfinish(conn);
      throw std::runtime_error("cannot connect to " + url + ": " + error);
    }
    PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  }
  ~Connection() { PQfinish(conn); }
  PGconn* conn;
};

bool IsPostgres(const std::string& catalog) { return catalog.rfind("postgresql://", 0) == 0; }

}  // namespace

bool OnPostgres() { return !Server().empty(); }

std::string TestCatalogFor(const std::string& dir) {
  if (!OnPostgres()) return "";
  const std::string name = DatabaseName(dir);
  Connection c(Server());
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c.conn, ("CREATE DATABASE " + name).c_str()), PQclear);
  const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK && (state == nullptr || std::string(state) != "42P04")) {
    throw std::runtime_error("cannot create database " + name + ": " + PQerrorMessage(c.conn));
  }
  {
    std::lock_guard<std::mutex> lock(made_mu);
    made.insert(dir);
  }
  return WithDatabase(Server(), name);
}

std::string TestCatalogIn(const std::string& dir) {
  return OnPostgres() ? TestCatalogFor(dir) : dir + "/catalog.sqlite3";
}

void CopyTestCatalog(const std::string& from, const std::string& to) {
  if (!OnPostgres()) return;
  DropTestCatalogsUnder(to);
  Connection c(Server());
  std::unique_ptr<PGresult, void (*)(PGresult*)> r(
      PQexec(c.conn, ("CREATE DATABASE " + DatabaseName(to) + " TEMPLATE " + DatabaseName(from)).c_str()), PQclear);
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    throw std::runtime_error("cannot copy database " + DatabaseName(from) + ": " + PQerrorMessage(c.conn));
  }
  std::lock_guard<std::mutex> lock(made_mu);
  made.insert(to);
}

void DropTestCatalogsUnder(const std::string& dir) {
  if (!OnPostgres()) return;
  std::vector<std::string> names;
  {
    std::lock_guard<std::mutex> lock(made_mu);
    for (auto it = made.begin(); it != made.end();) {
      if (it->rfind(dir, 0) == 0 && (it->size() == dir.size() || (*it)[dir.size()] == '/')) {
        names.push_back(DatabaseName(*it));
        it = made.erase(it);
      } else {
        ++it;
      }
    }
  }
  if (names.empty()) return;
  Connection c(Server());
  for (const std::string& name : names) {
    PQclear(PQexec(c.conn, ("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").c_str()));
  }
}

std::vector<std::string> DataArguments(const std::string& dir) {
  if (!OnPostgres()) return {"--data", dir};
  return {"--data", TestCatalogFor(dir), "--store", dir};
}

std::string ExecCatalogSql(const std::string& catalog, const std::string& sql) {
  if (IsPostgres(catalog)) {
    Connection c(catalog);
    std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c.conn, sql.c_str()), PQclear);
    const ExecStatusType status = PQresultStatus(r.get());
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return "";
    return PQerrorMessage(c.conn);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(catalog.c_str(), &db) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    return error;
  }
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  std::string message;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    message = error != nullptr ? error : "error";
    sqlite3_free(error);
  }
  sqlite3_close(db);
  return message;
}

std::vector<std::string> QueryCatalogColumn(const std::string& catalog, const std::string& sql) {
  std::vector<std::string> values;
  for (std::vector<std::string>& row : QueryCatalogRows(catalog, sql)) values.push_back(std::move(row.at(0)));
  return values;
}

std::vector<std::vector<std::string>> QueryCatalogRows(const std::string& catalog, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  if (IsPostgres(catalog)) {
    Connection c(catalog);
    std::unique_ptr<PGresult, void (*)(PGresult*)> r(PQexec(c.conn, sql.c_str()), PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error(PQerrorMessage(c.conn));
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      rows.emplace_back();
      for (int j = 0; j < PQnfields(r.get()); ++j) rows.back().push_back(PQgetvalue(r.get(), i, j));
    }
    return rows;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open(catalog.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + catalog);
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string error = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(error);
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    rows.emplace_back();
    for (int j = 0; j < sqlite3_column_count(stmt); ++j) {
      const unsigned char* text = sqlite3_column_text(stmt, j);
      rows.back().push_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

}  // namespace beian::testing
