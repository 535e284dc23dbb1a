#include "sqlite_db.h"

#include <cstring>
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

// Idle statements by their SQL text, at most kMaxStatements of them (the
// archive's statements are a few dozen fixed texts; search builds a few
// shapes more).
class StatementCache {
 public:
  ~StatementCache() {
    for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
  }

  // An idle statement compiled from `sql`, or nullptr.
  sqlite3_stmt* Take(std::string_view sql) {
    auto it = idle_.find(sql);
    if (it == idle_.end()) return nullptr;
    sqlite3_stmt* stmt = it->second;
    idle_.erase(it);
    return stmt;
  }

  // Keeps a statement no longer used, reset and unbound, or finalizes it.
  void Return(sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    const char* sql = sqlite3_sql(stmt);
    if (sql == nullptr || idle_.size() >= kMaxStatements || !idle_.emplace(sql, stmt).second) {
      sqlite3_finalize(stmt);
    }
  }

 private:
  static constexpr size_t kMaxStatements = 256;
  std::map<std::string, sqlite3_stmt*, std::less<>> idle_;
};

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (cache_ != nullptr) {
    cache_->Return(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), cache_(other.cache_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

void Statement::Note(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::BindInt(int index, int64_t value) {
  Note(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindText(int index, std::string_view value) {
  Note(sqlite3_bind_text64(stmt_, index, value.data(), value.size(),
                           SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  Note(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(),
                           SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull(int index) {
  Note(sqlite3_bind_null(stmt_, index));
  return *this;
}

core::Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return FromSqlite(bind_rc_, db_, "bind");
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return FromSqlite(rc, db_, sqlite3_sql(stmt_));
}

core::Status Statement::Run() {
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, Step());
    if (!row) return core::Status::Ok();
  }
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
}

std::string_view Statement::Blob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (bytes == nullptr) return std::string_view();
  return std::string_view(static_cast<const char*>(bytes),
                          static_cast<size_t>(size));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

core::Result<Database> Database::Open(const std::string& path, bool read_only,
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
  return Database(db, path);
}

Database::Database(sqlite3* db, std::string path)
    : db_(db), path_(std::move(path)), cache_(std::make_unique<StatementCache>()) {}

Database::Database(Database&& other) noexcept
    : db_(other.db_), path_(std::move(other.path_)), cache_(std::move(other.cache_)) {
  other.db_ = nullptr;
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    cache_.reset();
    if (db_ != nullptr) sqlite3_close(db_);
    db_ = other.db_;
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
    other.db_ = nullptr;
  }
  return *this;
}

Database::~Database() {
  // Statements in use are finalized by their owners first and the cache
  // finalizes the idle ones, so close succeeds.
  cache_.reset();
  if (db_ != nullptr) sqlite3_close(db_);
}

core::Result<Statement> Database::Prepare(std::string_view sql) {
  if (sqlite3_stmt* cached = cache_->Take(sql)) return Statement(db_, cached, cache_.get());
  sqlite3_stmt* stmt = nullptr;
  // Prepared "persistent": it is meant to be kept and reused.
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_, sql);
  if (stmt == nullptr) return Statement(db_, stmt);  // only a comment or spaces
  return Statement(db_, stmt, cache_.get());
}

core::Status Database::Exec(const char* sql) {
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

core::Result<int64_t> Database::QueryInt(const char* sql) {
  BEIAN_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  BEIAN_ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return core::Internal(std::string("no row from ") + sql);
  return stmt.Int(0);
}

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

int64_t Database::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

core::Status Transaction::BeginWrite() {
  BEIAN_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return core::Status::Ok();
}

core::Status Transaction::BeginRead() {
  BEIAN_RETURN_IF_ERROR(db_.Exec("BEGIN"));
  open_ = true;
  return core::Status::Ok();
}

core::Status Transaction::Commit() {
  BEIAN_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  open_ = false;
  return core::Status::Ok();
}

}  // namespace beian::archive
