#include "sqlite_db.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <utility>

namespace beian::archive {

core::Status FromSqlite(int rc, sqlite3* db, std::string_view context) {
  std::string message = "sqlite: ";
  message += context;
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (db != nullptr) {
    const char* file = sqlite3_db_filename(db, "main");
    if (file != nullptr && *file != '\0') {
      message += " [";
      message += file;
      message += "]";
    }
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return core::FailedPrecondition(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
      return core::IoError(std::move(message));
    default:
      return core::Internal(std::move(message));
  }
}

// A compiled SQLite statement, kept by its connection's cache when released.
class SqliteStatement : public StatementBackend {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, StatementCache* cache)
      : db_(db), stmt_(stmt), cache_(cache) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindInt(int index, int64_t value) override { Note(sqlite3_bind_int64(Unstepped(), index, value)); }
  void BindText(int index, std::string_view value) override {
    Note(sqlite3_bind_text64(Unstepped(), index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void BindBlob(int index, std::string_view bytes) override {
    Note(sqlite3_bind_blob64(Unstepped(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }
  void BindNull(int index) override { Note(sqlite3_bind_null(Unstepped(), index)); }

  core::Result<bool> Step() override {
    if (bind_rc_ != SQLITE_OK) return FromSqlite(bind_rc_, db_, "bind");
    stepped_ = true;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return FromSqlite(rc, db_, sqlite3_sql(stmt_));
  }

  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const override {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (text == nullptr) return std::string();
    return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(size));
  }
  std::string_view Blob(int column) const override {
    const void* bytes = sqlite3_column_blob(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (bytes == nullptr) return std::string_view();
    return std::string_view(static_cast<const char*>(bytes), static_cast<size_t>(size));
  }
  bool IsNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

  void Release() override;

  const char* sql() const { return sqlite3_sql(stmt_); }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_rc_ = SQLITE_OK;
    stepped_ = false;
  }

 private:
  // The statement, reset first if it was stepped (binding starts it over).
  sqlite3_stmt* Unstepped() {
    if (stepped_) {
      sqlite3_reset(stmt_);
      stepped_ = false;
    }
    return stmt_;
  }

  void Note(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  StatementCache* cache_;  // null: deleted when released
  int bind_rc_ = SQLITE_OK;
  bool stepped_ = false;
};

// Idle statements by their SQL text, at most kMaxStatements of them (the
// archive's statements are a few dozen fixed texts; search builds a few
// shapes more).
class StatementCache {
 public:
  // An idle statement compiled from `sql`, or nullptr.
  std::unique_ptr<SqliteStatement> Take(std::string_view sql) {
    auto it = idle_.find(sql);
    if (it == idle_.end()) return nullptr;
    std::unique_ptr<SqliteStatement> stmt = std::move(it->second);
    idle_.erase(it);
    return stmt;
  }

  // Keeps a statement no longer used, reset and unbound, or deletes it.
  void Return(SqliteStatement* stmt) {
    std::unique_ptr<SqliteStatement> owned(stmt);
    owned->Reset();
    const char* sql = owned->sql();
    if (sql == nullptr || idle_.size() >= kMaxStatements || idle_.count(sql) != 0) return;
    idle_.emplace(sql, std::move(owned));
  }

 private:
  static constexpr size_t kMaxStatements = 256;
  std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> idle_;
};

void SqliteStatement::Release() {
  if (cache_ != nullptr) {
    cache_->Return(this);
  } else {
    delete this;
  }
}

core::Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path, bool read_only,
                                                                   int busy_timeout_ms) {
  sqlite3* db = nullptr;
  const int flags = (read_only ? SQLITE_OPEN_READONLY
                               : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    core::Status status = FromSqlite(rc, db, "open " + path);
    sqlite3_close(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::unique_ptr<SqliteDatabase>(new SqliteDatabase(db, path, busy_timeout_ms));
}

SqliteDatabase::SqliteDatabase(sqlite3* db, std::string path, int busy_timeout_ms)
    : db_(db), path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms),
      cache_(std::make_unique<StatementCache>()) {}

SqliteDatabase::~SqliteDatabase() {
  // Statements in use are released by their owners first and the cache
  // finalizes the idle ones, so close succeeds.
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu_);
    checkpointer_.reset();
  }
  cache_.reset();
  sqlite3_close(db_);
}

core::Result<Statement> SqliteDatabase::Prepare(std::string_view sql) {
  if (std::unique_ptr<SqliteStatement> cached = cache_->Take(sql)) return Statement(cached.release());
  sqlite3_stmt* stmt = nullptr;
  // Prepared "persistent": it is meant to be kept and reused.
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_, sql);
  if (stmt == nullptr) return Statement(nullptr);  // only a comment or spaces
  return Statement(new SqliteStatement(db_, stmt, cache_.get()));
}

core::Status SqliteDatabase::Exec(const char* sql) {
  // One statement (SAVEPOINT, COMMIT, a PRAGMA) is prepared once and reused;
  // a script goes through sqlite3_exec.
  if (std::strchr(sql, ';') == nullptr) {
    BEIAN_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
    return statement.Run();
  }
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_, sql);
  return core::Status::Ok();
}

int64_t SqliteDatabase::Changes() const { return sqlite3_changes64(db_); }

core::Status SqliteDatabase::BeginWrite(Durability durability) {
  if (durability != Durability::kAtCommit) {
    BEIAN_RETURN_IF_ERROR(Exec("PRAGMA synchronous = NORMAL"));
    lowered_synchronous_ = true;
  }
  // IMMEDIATE: the write lock at once, so that two writers never deadlock
  // upgrading a read lock.
  core::Status begun = Exec("BEGIN IMMEDIATE");
  if (!begun.ok()) RestoreSynchronous();
  return begun;
}

core::Status SqliteDatabase::BeginRead() {
  // The snapshot is fixed by the first read.
  return Exec("BEGIN");
}

core::Status SqliteDatabase::Commit() {
  core::Status committed = Exec("COMMIT");
  if (committed.ok()) RestoreSynchronous();
  return committed;
}

void SqliteDatabase::Rollback() {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  RestoreSynchronous();
}

void SqliteDatabase::RestoreSynchronous() {
  if (!lowered_synchronous_) return;
  lowered_synchronous_ = false;
  (void)Exec("PRAGMA synchronous = FULL");
}

core::Status SqliteDatabase::Sync() {
  std::lock_guard<std::mutex> lock(log_mu_);
  const std::string log = path_ + "-wal";
  if (!log_) {
    const int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("cannot open", log, errno);
    log_.emplace(fd);
    // The log's name, which SQLite syncs only in FULL mode.
    const std::string dir = std::filesystem::path(path_).parent_path().string();
    if (core::Status synced = FsyncDirectory(dir.empty() ? "." : dir); !synced.ok()) {
      log_.reset();
      return synced;
    }
  }
  if (::fdatasync(log_->get()) != 0) return PosixError("cannot sync", log, errno);
  return core::Status::Ok();
}

void SqliteDatabase::SetCommitHook(std::function<void()> hook) {
  commit_hook_ = std::move(hook);
  ::sqlite3_wal_hook(db_, &SqliteDatabase::AfterCommit, this);
}

int SqliteDatabase::AfterCommit(void* self_in, sqlite3* db, const char* schema, int pages) {
  SqliteDatabase* self = static_cast<SqliteDatabase*>(self_in);
  self->log_pages_.store(pages, std::memory_order_relaxed);
  if (self->commit_hook_) self->commit_hook_();
  if (pages >= kBackstopPages) {
    ::sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

void SqliteDatabase::Housekeep() {
  if (log_pages_.load(std::memory_order_relaxed) < kCheckpointPages) return;
  std::unique_lock<std::mutex> lock(checkpoint_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // another thread is making one
  if (!checkpointer_) {
    core::Result<std::unique_ptr<SqliteDatabase>> opened = Open(path_, /*read_only=*/false, busy_timeout_ms_);
    if (!opened.ok()) return;
    // A first read opens its log: a connection that has read nothing does
    // not know the catalog is in WAL mode, and its checkpoints do nothing.
    if (!(*opened)->QueryInt("PRAGMA user_version").ok()) return;
    checkpointer_ = std::move(opened).value();
  }
  // A failure (busy, I/O) leaves the frames in the log for the next try;
  // nothing depends on it but the log's length.
  ::sqlite3_wal_checkpoint_v2(checkpointer_->db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

core::Status BackupSqliteCatalog(const std::string& from, const std::string& to) {
  {
    // Made 0600 before SQLite opens it, as SqliteArchive makes a catalog.
    FileDescriptor created(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (created.get() < 0) return PosixError("cannot create", to, errno);
  }
  sqlite3* source = nullptr;
  sqlite3* target = nullptr;
  auto close = [&] {
    sqlite3_close_v2(source);
    sqlite3_close_v2(target);
  };
  int rc = sqlite3_open_v2(from.c_str(), &source, SQLITE_OPEN_READONLY, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_open_v2(to.c_str(), &target, SQLITE_OPEN_READWRITE, nullptr);
  if (rc != SQLITE_OK) {
    const core::Status status = FromSqlite(rc, source != nullptr && target == nullptr ? source : target, "backup open");
    close();
    return status;
  }
  sqlite3_busy_timeout(source, 10000);
  sqlite3_backup* backup = sqlite3_backup_init(target, "main", source, "main");
  if (backup == nullptr) {
    const core::Status status = FromSqlite(sqlite3_errcode(target), target, "backup");
    close();
    return status;
  }
  // All pages in one step: one read transaction, so one snapshot.
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(50);
  } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  const int finished = sqlite3_backup_finish(backup);
  core::Status status = rc == SQLITE_DONE && finished == SQLITE_OK
                            ? core::Status::Ok()
                            : FromSqlite(rc == SQLITE_DONE ? finished : rc, target, "backup of " + from);
  // A file of its own, in rollback-journal mode: read later, it leaves no
  // -wal or -shm files beside it (an archive opened on it goes back to WAL).
  if (status.ok()) {
    rc = sqlite3_exec(target, "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) status = FromSqlite(rc, target, "backup journal mode");
  }
  close();
  if (!status.ok()) return status;
  FileDescriptor synced(::open(to.c_str(), O_RDONLY | O_CLOEXEC));
  if (synced.get() < 0 || ::fsync(synced.get()) != 0) return PosixError("cannot sync", to, errno);
  return core::Status::Ok();
}

}  // namespace beian::archive
