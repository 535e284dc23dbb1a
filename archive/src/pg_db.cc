#include "pg_db.h"


#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "beian/core/catalog_url.h"
#include "libpq_loader.h"

namespace beian::archive {
namespace {

// A SQLSTATE's class decides the code: a constraint violated (23) is
// kFailedPrecondition; a lost or refused connection (08), resources (53),
// shutdown (57), system errors (58) and a serialization failure (40)
// kIoError; the rest kInternal.
core::Status FromPg(const PGresult* result, PGconn* conn, std::string_view context) {
  const char* state = result != nullptr ? Pq().PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string text = result != nullptr ? Pq().PQresultErrorMessage(result) : "";
  if (text.empty()) text = Pq().PQerrorMessage(conn);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string message = "postgresql: ";
  message += context.substr(0, 200);
  message += ": ";
  message += text;
  if (state == nullptr || Pq().PQstatus(conn) != CONNECTION_OK) return core::IoError(std::move(message));
  const std::string_view code(state);
  if (code.substr(0, 2) == "23") return core::FailedPrecondition(std::move(message));
  for (const char* io : {"08", "53", "57", "58", "40"}) {
    if (code.substr(0, 2) == io) return core::IoError(std::move(message));
  }
  return core::Internal(std::move(message));
}

// Owns a PGresult.
struct ResultDeleter {
  void operator()(PGresult* r) const { Pq().PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

bool Succeeded(const PGresult* r) {
  const ExecStatusType s = Pq().PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_SINGLE_TUPLE;
}

// `sql` with SQLite's numbered parameters ?N as PostgreSQL's $N (outside
// quoted strings and names).
std::string NumberedParameters(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      out += '$';
      continue;
    }
    out += c;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

// A statement prepared on the server. Step runs it with the bound parameters
// the first time; a scan reads rows one by one (libpq's single-row mode),
// any other statement all at once.
class PgStatement : public StatementBackend {
 public:
  PgStatement(PgDatabase* db, std::string name, std::string sql, bool scan)
      : db_(db), name_(std::move(name)), sql_(std::move(sql)), scan_(scan) {}
  ~PgStatement() override { Finish(); }

  void BindInt(int index, int64_t value) override { Set(index, std::to_string(value), false); }
  void BindText(int index, std::string_view value) override { Set(index, std::string(value), false); }
  void BindBlob(int index, std::string_view bytes) override { Set(index, std::string(bytes), true); }
  void BindNull(int index) override {
    if (!Grow(index)) return;
    values_[index - 1].reset();
    binary_[index - 1] = 0;
  }

  core::Result<bool> Step() override {
    if (bind_error_) return core::InvalidArgument("postgresql: parameter index out of range in " + sql_);
    PGconn* conn = db_->conn_;
    if (scan_) {
      if (!started_) {
        BEIAN_RETURN_IF_ERROR(Send(conn));
        started_ = true;
      }
      if (done_) return false;
      result_.reset(Pq().PQgetResult(conn));
      if (result_ == nullptr) {
        done_ = true;
        return false;
      }
      if (Pq().PQresultStatus(result_.get()) == PGRES_SINGLE_TUPLE) {
        row_ = 0;
        return true;
      }
      const bool ok = Succeeded(result_.get());
      core::Status status = ok ? core::Status::Ok() : FromPg(result_.get(), conn, sql_);
      Drain();
      if (!ok) return status;
      return false;
    }
    if (!started_) {
      BEIAN_RETURN_IF_ERROR(Execute(conn));
      started_ = true;
      row_ = -1;
    }
    ++row_;
    return row_ < Pq().PQntuples(result_.get());
  }

  int64_t Int(int column) const override {
    return std::strtoll(Pq().PQgetvalue(result_.get(), row_, column), nullptr, 10);
  }
  std::string Text(int column) const override {
    return std::string(Pq().PQgetvalue(result_.get(), row_, column),
                       static_cast<size_t>(Pq().PQgetlength(result_.get(), row_, column)));
  }
  std::string_view Blob(int column) const override {
    // bytea as text: "\x" and two hex digits per byte.
    const char* text = Pq().PQgetvalue(result_.get(), row_, column);
    const int size = Pq().PQgetlength(result_.get(), row_, column);
    blob_.clear();
    if (size < 2 || text[0] != '\\' || text[1] != 'x') return std::string_view(text, static_cast<size_t>(size));
    for (int i = 2; i + 1 < size; i += 2) {
      const int high = HexValue(text[i]), low = HexValue(text[i + 1]);
      if (high < 0 || low < 0) break;
      blob_ += static_cast<char>(high * 16 + low);
    }
    return blob_;
  }
  bool IsNull(int column) const override { return Pq().PQgetisnull(result_.get(), row_, column) != 0; }

  void Release() override { db_->Return(this); }

  const std::string& sql() const { return sql_; }
  bool scan() const { return scan_; }

  // Ready for its next use: no result, no parameters.
  void Reset() {
    Finish();
    values_.clear();
    binary_.clear();
    bind_error_ = false;
    started_ = done_ = false;
    row_ = -1;
  }

 private:
  // The parameters as libpq takes them.
  struct Parameters {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };
  Parameters Pack() const {
    Parameters p;
    for (size_t i = 0; i < values_.size(); ++i) {
      p.values.push_back(values_[i] ? values_[i]->c_str() : nullptr);
      p.lengths.push_back(values_[i] ? static_cast<int>(values_[i]->size()) : 0);
      p.formats.push_back(binary_[i]);
    }
    return p;
  }

  core::Status Execute(PGconn* conn) {
    const Parameters p = Pack();
    result_.reset(Pq().PQexecPrepared(conn, name_.c_str(), static_cast<int>(p.values.size()), p.values.data(),
                                 p.lengths.data(), p.formats.data(), /*resultFormat=*/0));
    if (result_ == nullptr || !Succeeded(result_.get())) return FromPg(result_.get(), conn, sql_);
    const char* changed = Pq().PQcmdTuples(result_.get());
    db_->changes_ = (changed != nullptr && *changed != '\0') ? std::strtoll(changed, nullptr, 10) : 0;
    return core::Status::Ok();
  }

  core::Status Send(PGconn* conn) {
    const Parameters p = Pack();
    if (Pq().PQsendQueryPrepared(conn, name_.c_str(), static_cast<int>(p.values.size()), p.values.data(),
                            p.lengths.data(), p.formats.data(), /*resultFormat=*/0) != 1 ||
        Pq().PQsetSingleRowMode(conn) != 1) {
      Drain();
      return FromPg(nullptr, conn, sql_);
    }
    return core::Status::Ok();
  }

  // Reads what a scan left unread, so that the connection is free again.
  void Drain() {
    if (!scan_ || !started_) return;
    PGconn* conn = db_->conn_;
    bool cancelled = false;
    for (;;) {
      PgResult next(Pq().PQgetResult(conn));
      if (next == nullptr) break;
      if (!cancelled && Pq().PQresultStatus(next.get()) == PGRES_SINGLE_TUPLE) {
        // Stopped early: ask the server to stop sending.
        if (PGcancel* cancel = Pq().PQgetCancel(conn)) {
          char error[256];
          Pq().PQcancel(cancel, error, sizeof error);
          Pq().PQfreeCancel(cancel);
        }
        cancelled = true;
      }
    }
    done_ = true;
  }

  void Finish() {
    if (scan_ && started_ && !done_) Drain();
    result_.reset();
  }

  bool Grow(int index) {
    if (started_) {  // binding starts the statement over
      Finish();
      started_ = done_ = false;
      row_ = -1;
    }
    if (index < 1 || index > 65535) {
      bind_error_ = true;
      return false;
    }
    if (values_.size() < static_cast<size_t>(index)) {
      values_.resize(static_cast<size_t>(index));
      binary_.resize(static_cast<size_t>(index), 0);
    }
    return true;
  }
  void Set(int index, std::string value, bool binary) {
    if (!Grow(index)) return;
    values_[index - 1] = std::move(value);
    binary_[index - 1] = binary ? 1 : 0;
  }

  PgDatabase* db_;
  const std::string name_;
  const std::string sql_;
  const bool scan_;
  std::vector<std::optional<std::string>> values_;
  std::vector<int> binary_;
  bool bind_error_ = false;
  bool started_ = false;
  bool done_ = false;
  PgResult result_;
  int row_ = -1;
  mutable std::string blob_;
};

core::Result<std::unique_ptr<PgDatabase>> PgDatabase::Open(const std::string& conninfo, bool read_only) {
  const char* keys[] = {"dbname", "application_name", "client_encoding", "connect_timeout", nullptr};
  const char* values[] = {conninfo.c_str(), "beian", "UTF8", "10", nullptr};
  BEIAN_RETURN_IF_ERROR(LoadLibpq());
  PGconn* conn = Pq().PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return core::IoError("postgresql: out of memory connecting");
  std::unique_ptr<PgDatabase> db(new PgDatabase(conn, conninfo, read_only));
  BEIAN_RETURN_IF_ERROR(db->Connected());
  return db;
}

PgDatabase::PgDatabase(pg_conn* conn, std::string conninfo, bool read_only)
    : conn_(conn), conninfo_(std::move(conninfo)), read_only_(read_only) {
  // Notices ("... already exists, skipping") are not errors: not printed.
  Pq().PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  name_ = core::IsPostgresUrl(conninfo_) ? core::RedactPostgresUrl(conninfo_) : "postgresql " + core::RedactPostgresUrl(conninfo_);
}

PgDatabase::~PgDatabase() {
  idle_.clear();
  Pq().PQfinish(conn_);
}

core::Status PgDatabase::Connected() {
  if (Pq().PQstatus(conn_) != CONNECTION_OK) {
    prepared_.clear();
    idle_.clear();
    configured_ = false;
    Pq().PQreset(conn_);
    if (Pq().PQstatus(conn_) != CONNECTION_OK) {
      std::string error = Pq().PQerrorMessage(conn_);
      while (!error.empty() && error.back() == '\n') error.pop_back();
      return core::IoError("postgresql: cannot connect to " + name_ + ": " + error);
    }
  }
  if (!configured_) {
    // A new session: how every connection of the catalog behaves.
    const char* setup = read_only_
                            ? "SET default_transaction_read_only = on; SET TIME ZONE 'UTC'"
                            : "SET TIME ZONE 'UTC'";
    PgResult r(Pq().PQexec(conn_, setup));
    if (r == nullptr || !Succeeded(r.get())) return FromPg(r.get(), conn_, setup);
    configured_ = true;
  }
  return core::Status::Ok();
}

core::Result<Statement> PgDatabase::Prepare(std::string_view sql) { return PrepareAs(sql, /*scan=*/false); }

core::Result<Statement> PgDatabase::PrepareScan(std::string_view sql) { return PrepareAs(sql, /*scan=*/true); }

core::Result<Statement> PgDatabase::PrepareAs(std::string_view sql, bool scan) {
  if (auto it = idle_.find(sql); it != idle_.end() && it->second->scan() == scan) {
    PgStatement* statement = it->second.release();
    idle_.erase(it);
    return Statement(statement);
  }
  BEIAN_RETURN_IF_ERROR(Connected());
  auto named = prepared_.find(sql);
  if (named == prepared_.end()) {
    const std::string name = "s" + std::to_string(prepared_.size() + 1);
    const std::string text = NumberedParameters(sql);
    PgResult r(Pq().PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr));
    if (r == nullptr || !Succeeded(r.get())) return FromPg(r.get(), conn_, sql);
    named = prepared_.emplace(std::string(sql), name).first;
  }
  return Statement(new PgStatement(this, named->second, std::string(sql), scan));
}

void PgDatabase::Return(PgStatement* statement) {
  std::unique_ptr<PgStatement> owned(statement);
  owned->Reset();
  // Statements of a lost session are not kept: their server names are gone.
  if (prepared_.count(owned->sql()) == 0 || idle_.count(owned->sql()) != 0 || idle_.size() >= 256) return;
  idle_.emplace(owned->sql(), std::move(owned));
}

core::Status PgDatabase::Exec(const char* sql) {
  BEIAN_RETURN_IF_ERROR(Connected());
  PgResult r(Pq().PQexec(conn_, sql));
  if (r == nullptr || !Succeeded(r.get())) return FromPg(r.get(), conn_, sql);
  return core::Status::Ok();
}

core::Status PgDatabase::BeginWrite(Durability durability) {
  const std::string lock = "SELECT pg_advisory_xact_lock(" + std::to_string(kAdvisoryLockSpace) + ", " +
                           std::to_string(kWritesLock) + ")";
  const std::string sql = std::string("BEGIN; ") +
                          (durability == Durability::kWithNextSync ? "SET LOCAL synchronous_commit = off; " : "") +
                          lock;
  core::Status begun = Exec(sql.c_str());
  if (!begun.ok()) Rollback();
  return begun;
}

core::Status PgDatabase::BeginRead() {
  return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
}

core::Status PgDatabase::Commit() {
  BEIAN_RETURN_IF_ERROR(Connected());
  PgResult r(Pq().PQexec(conn_, "COMMIT"));
  if (r == nullptr || !Succeeded(r.get())) return FromPg(r.get(), conn_, "COMMIT");
  // COMMIT of a transaction that failed answers ROLLBACK.
  if (std::strcmp(Pq().PQcmdStatus(r.get()), "COMMIT") != 0) {
    return core::Internal("postgresql: the transaction was rolled back, not committed");
  }
  if (commit_hook_) commit_hook_();
  return core::Status::Ok();
}

void PgDatabase::Rollback() {
  if (Pq().PQstatus(conn_) != CONNECTION_OK) return;
  PgResult r(Pq().PQexec(conn_, "ROLLBACK"));
}

core::Status PgDatabase::Lock(CatalogLock lock) {
  const std::string sql = "SELECT pg_advisory_lock(" + std::to_string(kAdvisoryLockSpace) + ", " +
                          std::to_string(static_cast<int32_t>(lock)) + ")";
  return Exec(sql.c_str());
}

void PgDatabase::Unlock(CatalogLock lock) {
  const std::string sql = "SELECT pg_advisory_unlock(" + std::to_string(kAdvisoryLockSpace) + ", " +
                          std::to_string(static_cast<int32_t>(lock)) + ")";
  (void)Exec(sql.c_str());
}

}  // namespace beian::archive
