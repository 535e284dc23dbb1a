// The catalog in SQLite: a Database (sql.h) over the SQLite C API, in WAL
// mode. The one place where SQLite result codes become Status values
// (FromSqlite).
#ifndef BEIAN_ARCHIVE_SRC_SQLITE_DB_H_
#define BEIAN_ARCHIVE_SRC_SQLITE_DB_H_

#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "beian/core/status.h"
#include "posix_file.h"
#include "sql.h"

namespace beian::archive {

// Translates a SQLite result code: constraint violations become
// kFailedPrecondition, I/O, locking, full-disk and corruption kIoError, the
// rest kInternal; the message carries SQLite's text and `context`.
core::Status FromSqlite(int rc, sqlite3* db, std::string_view context);

// Copies the SQLite catalog `from` into the new file `to` (0600) with SQLite's
// online backup, in one read transaction: a snapshot as of one commit, which
// the catalog's writers (WAL mode) do not wait for.
core::Status BackupSqliteCatalog(const std::string& from, const std::string& to);

class StatementCache;

// Durability: kAtCommit commits with synchronous=FULL; kAtSync and
// kWithNextSync commit with synchronous=NORMAL (in WAL mode the commit is in
// the log, not yet synced), and Sync syncs the log through a descriptor of
// its own, so that a commit made under the caller's lock is made durable
// after the lock is released: numbers are handed out and rows checked while
// the disk works.
//
// Checkpoints of the log (copying it into the catalog file, syncing both) are
// not made inside the commit that passes 1000 pages, as SQLite's
// auto-checkpoint would: Housekeep makes a PASSIVE one on a connection of its
// own once the log is that long, and writers go on meanwhile. The commit hook
// checkpoints in place only past kBackstopPages, when Housekeep is not called.
class SqliteDatabase : public Database {
 public:
  // Opens `path` (created if missing unless read_only) and sets busy_timeout.
  static core::Result<std::unique_ptr<SqliteDatabase>> Open(const std::string& path, bool read_only,
                                                            int busy_timeout_ms);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  const std::string& name() const override { return path_; }
  core::Result<Statement> Prepare(std::string_view sql) override;
  core::Status Exec(const char* sql) override;
  int64_t Changes() const override;
  core::Status BeginWrite(Durability durability) override;
  core::Status BeginRead() override;
  core::Status Commit() override;
  void Rollback() override;
  core::Status Sync() override;
  void SetCommitHook(std::function<void()> hook) override;
  void Housekeep() override;

 private:
  static constexpr int kCheckpointPages = 1000;
  static constexpr int kBackstopPages = 10000;

  SqliteDatabase(sqlite3* db, std::string path, int busy_timeout_ms);
  static int AfterCommit(void* self, sqlite3* db, const char* schema, int pages);
  // Back to synchronous=FULL after a transaction that lowered it.
  void RestoreSynchronous();

  sqlite3* db_ = nullptr;
  const std::string path_;
  const int busy_timeout_ms_;
  std::unique_ptr<StatementCache> cache_;
  bool lowered_synchronous_ = false;
  std::function<void()> commit_hook_;
  std::atomic<int> log_pages_{0};

  std::mutex log_mu_;
  std::optional<FileDescriptor> log_;  // guarded by log_mu_; opened by Sync

  std::mutex checkpoint_mu_;
  std::unique_ptr<SqliteDatabase> checkpointer_;  // guarded by checkpoint_mu_
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_SQLITE_DB_H_
