// The catalog in PostgreSQL: a Database (sql.h) over libpq. The one place
// where PostgreSQL's SQLSTATEs become Status values.
//
// Statements are prepared on the server once per connection (by their text,
// with ?N turned into $N), parameters go as text (blobs as binary) and rows
// come back as text. A write transaction takes a transaction-scoped advisory
// lock first, so that writers exclude each other across every node as
// SQLite's write lock does on one machine: the audit log is one hash chain,
// appended to in order. Read transactions are REPEATABLE READ, READ ONLY (one
// snapshot). A connection lost between calls is re-established at the next
// call.
#ifndef BEIAN_ARCHIVE_SRC_PG_DB_H_
#define BEIAN_ARCHIVE_SRC_PG_DB_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "beian/archive/catalog_archive.h"
#include "beian/core/status.h"
#include "sql.h"

struct pg_conn;

namespace beian::archive {

class PgStatement;

// Advisory lock keys of beian's catalog, in pg_advisory_lock's two-key form:
// the first spells "beia", the second is a CatalogLock or kWritesLock.
inline constexpr int32_t kAdvisoryLockSpace = 0x62656961;
inline constexpr int32_t kWritesLock = 1;  // every write transaction

class PgDatabase : public Database {
 public:
  // Connects with `conninfo` (a postgresql:// URL or key=value pairs);
  // read-only connections refuse every write. kIoError naming the server if
  // it cannot be reached.
  static core::Result<std::unique_ptr<PgDatabase>> Open(const std::string& conninfo, bool read_only);
  ~PgDatabase() override;
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  const std::string& name() const override { return name_; }
  core::Result<Statement> Prepare(std::string_view sql) override;
  core::Result<Statement> PrepareScan(std::string_view sql) override;
  core::Status Exec(const char* sql) override;
  int64_t Changes() const override { return changes_; }
  // kAtSync commits synchronously (Sync has nothing left to do);
  // kWithNextSync with synchronous_commit off: the commit is durable once a
  // later synchronous commit's WAL is flushed.
  core::Status BeginWrite(Durability durability) override;
  core::Status BeginRead() override;
  core::Status Commit() override;
  void Rollback() override;
  core::Status Sync() override { return core::Status::Ok(); }
  void SetCommitHook(std::function<void()> hook) override { commit_hook_ = std::move(hook); }

  core::Status Lock(CatalogLock lock) override;
  void Unlock(CatalogLock lock) override;

 private:
  friend class PgStatement;

  PgDatabase(pg_conn* conn, std::string conninfo, bool read_only);
  // Reconnects if the connection was lost (forgetting prepared statements).
  core::Status Connected();
  core::Result<Statement> PrepareAs(std::string_view sql, bool scan);
  // Keeps a statement no longer used, or deletes it.
  void Return(PgStatement* statement);

  pg_conn* conn_;
  const std::string conninfo_;
  const bool read_only_;
  bool configured_ = false;  // the session is set up (Connected)
  std::string name_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL → server name
  std::map<std::string, std::unique_ptr<PgStatement>, std::less<>> idle_;
  int64_t changes_ = 0;
  std::function<void()> commit_hook_;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_PG_DB_H_
