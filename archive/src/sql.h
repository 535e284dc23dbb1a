// The catalog's database connection, whatever engine holds it: SQLite
// (sqlite_db.h) or PostgreSQL (pg_db.h). The archive's SQL is written once in
// the subset both engines understand (numbered parameters ?1, ?2 ...; RETURNING;
// ON CONFLICT); where they differ the archive asks dialect(). Engine result
// codes become Status values here: a constraint violated is
// kFailedPrecondition, I/O, locking and a lost connection kIoError, the rest
// kInternal.
#ifndef BEIAN_ARCHIVE_SRC_SQL_H_
#define BEIAN_ARCHIVE_SRC_SQL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::archive {

enum class SqlDialect { kSqlite, kPostgres };

// When a write transaction's changes are on disk.
enum class Durability {
  kAtCommit,      // when Commit returns
  kAtSync,        // when a Sync after the Commit returns
  kWithNextSync,  // with the next kAtCommit commit or Sync, whichever comes
                  // first (a crash before may lose it)
};

// Locks held by one connection's session across transactions, excluding
// every other process of the catalog.
enum class CatalogLock {
  kSchema = 0,       // applying migrations
  kCheckpoints = 2,  // signing a checkpoint and appending it to the file
};

// One compiled statement of one connection, as the engine gives it.
class StatementBackend {
 public:
  virtual ~StatementBackend() = default;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindBlob(int index, std::string_view bytes) = 0;
  virtual void BindNull(int index) = 0;
  virtual core::Result<bool> Step() = 0;
  virtual int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  virtual std::string_view Blob(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
  // Done with: reset and kept by its connection for reuse, or deleted.
  virtual void Release() = 0;
};

// A prepared statement; released on destruction. Bind indexes start at 1,
// column indexes at 0. A bind error is kept and returned by the next Step.
// Binding after stepping starts the statement over (the other parameters
// keep their values): one statement runs for many rows.
class Statement {
 public:
  // `backend` null: a statement with nothing to run (only a comment).
  explicit Statement(StatementBackend* backend) : backend_(backend) {}
  ~Statement() {
    if (backend_ != nullptr) backend_->Release();
  }
  Statement(Statement&& other) noexcept : backend_(other.backend_) { other.backend_ = nullptr; }
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& BindInt(int index, int64_t value) {
    backend_->BindInt(index, value);
    return *this;
  }
  Statement& BindText(int index, std::string_view value) {
    backend_->BindText(index, value);
    return *this;
  }
  Statement& BindBlob(int index, std::string_view bytes) {
    backend_->BindBlob(index, bytes);
    return *this;
  }
  Statement& BindNull(int index) {
    backend_->BindNull(index);
    return *this;
  }

  // Advances: true when a row is ready, false when done.
  core::Result<bool> Step() { return backend_ != nullptr ? backend_->Step() : core::Result<bool>(false); }
  // Steps until done (for statements without result rows).
  core::Status Run();

  int64_t Int(int column) const { return backend_->Int(column); }
  std::string Text(int column) const { return backend_->Text(column); }
  // The column's bytes, valid until the next Step or Bind.
  std::string_view Blob(int column) const { return backend_->Blob(column); }
  bool IsNull(int column) const { return backend_->IsNull(column); }

 private:
  StatementBackend* backend_;
};

// An open connection; closed on destruction. Not thread-safe (the owner
// serializes calls) except Sync.
class Database {
 public:
  virtual ~Database() = default;

  virtual SqlDialect dialect() const = 0;
  // For messages: the catalog file, or the server and database (never a
  // password).
  virtual const std::string& name() const = 0;

  // Compiles one statement, or reuses the one compiled for the same text
  // earlier (statements are prepared once per connection, not per call).
  virtual core::Result<Statement> Prepare(std::string_view sql) = 0;
  // Like Prepare, for a query that may answer very many rows: they are read
  // as they come, not all at once. No other statement may run on the
  // connection until this one is done or gone.
  virtual core::Result<Statement> PrepareScan(std::string_view sql) { return Prepare(sql); }
  // Runs one or more statements, ignoring any rows they answer.
  virtual core::Status Exec(const char* sql) = 0;
  // The first column of the first row of a query as an integer.
  core::Result<int64_t> QueryInt(const char* sql);
  // The rows the last INSERT, UPDATE or DELETE changed.
  virtual int64_t Changes() const = 0;

  // Transactions (see Transaction). A write transaction excludes every other
  // writer of the catalog, in this process or another, until it ends.
  virtual core::Status BeginWrite(Durability durability) = 0;
  // A read transaction: one snapshot for all its statements.
  virtual core::Status BeginRead() = 0;
  virtual core::Status Commit() = 0;
  virtual void Rollback() = 0;
  // Makes every commit made so far durable (see Durability). Thread-safe.
  virtual core::Status Sync() = 0;

  // Called after each commit of this connection (null: none).
  virtual void SetCommitHook(std::function<void()> hook) = 0;
  // Takes `lock` for this connection's session, waiting for whoever holds
  // it, until Unlock. SQLite has nothing to take: its write lock and the
  // checkpoints file's own checks suffice on one machine.
  virtual core::Status Lock(CatalogLock /*lock*/) { return core::Status::Ok(); }
  virtual void Unlock(CatalogLock /*lock*/) {}

  // Upkeep the engine wants now and then, outside any transaction (SQLite:
  // copying a long write-ahead log into the catalog file). Cheap when there
  // is nothing to do.
  virtual void Housekeep() {}
};

// Opens a connection to the same catalog (read-only or not).
using DatabaseOpener = std::function<core::Result<std::unique_ptr<Database>>(bool read_only)>;

// BeginWrite or BeginRead through the connection; rolled back on destruction
// unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) {}
  ~Transaction() {
    if (open_) db_.Rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  core::Status BeginWrite(Durability durability = Durability::kAtCommit);
  core::Status BeginRead();
  core::Status Commit();

 private:
  Database& db_;
  bool open_ = false;
};

// Holds a CatalogLock from Take until destruction.
class CatalogLockGuard {
 public:
  CatalogLockGuard(Database& db, CatalogLock lock) : db_(db), lock_(lock) {}
  ~CatalogLockGuard() {
    if (held_) db_.Unlock(lock_);
  }
  CatalogLockGuard(const CatalogLockGuard&) = delete;
  CatalogLockGuard& operator=(const CatalogLockGuard&) = delete;

  core::Status Take() {
    BEIAN_RETURN_IF_ERROR(db_.Lock(lock_));
    held_ = true;
    return core::Status::Ok();
  }

 private:
  Database& db_;
  const CatalogLock lock_;
  bool held_ = false;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_SQL_H_
