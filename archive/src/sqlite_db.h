// A thin RAII layer over the SQLite C API; the one place where SQLite result
// codes become Status values (FromSqlite).
#ifndef BEIAN_ARCHIVE_SRC_SQLITE_DB_H_
#define BEIAN_ARCHIVE_SRC_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::archive {

// Translates a SQLite result code: constraint violations become
// kFailedPrecondition, I/O, locking, full-disk and corruption kIoError, the
// rest kInternal; the message carries SQLite's text and `context`.
core::Status FromSqlite(int rc, sqlite3* db, std::string_view context);

// Compiled statements of one connection kept for reuse, by their SQL text.
class StatementCache;

// A prepared statement; on destruction it is reset and handed back to its
// connection's cache (or finalized). Bind indexes start at 1, column indexes
// at 0. A bind error is kept and returned by the next Step.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt, StatementCache* cache = nullptr)
      : db_(db), stmt_(stmt), cache_(cache) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& BindInt(int index, int64_t value);
  Statement& BindText(int index, std::string_view value);
  Statement& BindNull(int index);
  Statement& BindBlob(int index, std::string_view bytes);

  // Advances: true when a row is ready, false when done.
  core::Result<bool> Step();
  // Steps until done (for statements without result rows).
  core::Status Run();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  // The column's bytes, valid until the next Step or Bind.
  std::string_view Blob(int column) const;
  bool IsNull(int column) const;

 private:
  void Note(int rc);

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  StatementCache* cache_;
  int bind_rc_ = SQLITE_OK;
};

// An open database connection; closed on destruction. Not thread-safe: the
// owner serializes calls.
class Database {
 public:
  // Opens `path` (created if missing unless read_only) and sets busy_timeout.
  static core::Result<Database> Open(const std::string& path, bool read_only,
                                     int busy_timeout_ms);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  ~Database();

  // Compiles one statement, or reuses the one compiled for the same text
  // earlier (statements are prepared once per connection, not per call).
  core::Result<Statement> Prepare(std::string_view sql);
  // Runs one or more statements, ignoring any rows they answer.
  core::Status Exec(const char* sql);
  // The first column of the first row of a query as an integer.
  core::Result<int64_t> QueryInt(const char* sql);
  // The rowid of the last successful INSERT on this connection.
  int64_t LastInsertRowId() const;
  // The rows the last INSERT, UPDATE or DELETE on this connection changed.
  int64_t Changes() const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path);

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unique_ptr<StatementCache> cache_;
};

// BEGIN IMMEDIATE (or a deferred read transaction) on construction via Begin;
// ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  // Starts a write transaction, taking the write lock at once (so that two
  // writers never deadlock upgrading a read lock).
  core::Status BeginWrite();
  // Starts a read transaction; its snapshot is fixed by the first read.
  core::Status BeginRead();
  core::Status Commit();

 private:
  Database& db_;
  bool open_ = false;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_SQLITE_DB_H_
