#include "beian/archive/catalog_archive.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <system_error>
#include <utility>
#include <vector>

#include "beian/archive/blob_store.h"
#include "beian/archive/document_number.h"
#include "beian/archive/text_index.h"
#include "beian/core/districts.h"
#include "beian/core/beijing_time.h"
#include "beian/core/json.h"
#include "beian/core/kinds.h"
#include "beian/core/digest.h"
#include "beian/core/utf8.h"
#include "audit_rows.h"
#include "catalog_setup.h"
#include "checkpoint_file.h"
#include "checkpoint_signer.h"
#include "input_checks.h"
#include "merkle_store.h"
#include "posix_file.h"
#include "row_digest.h"
#include "schema.h"
#include "search_terms.h"
#include "sql.h"
#include "verifier.h"

namespace beian::archive {
namespace {

// The person keys of `keys` as a JSON array of strings, each once (a person
// may be listed as staff and as a project's manager).
std::string DistinctPersons(const std::vector<StaffKey>& keys) {
  core::Json persons = core::Json::MakeArray();
  std::set<std::string_view> seen;
  for (const StaffKey& key : keys) {
    if (seen.insert(key.hmac).second) persons.Push(key.hmac);
  }
  return core::WriteJson(persons);
}

// Column lists shared by every query that reads a whole row; the Read*
// functions below read them in this order.
constexpr char kDocumentColumns[] =
    "id, number, kind, template_version, data, credit_code, enterprise_name, "
    "project_name, district, issued_at, created_by, sha256, sm3, bytes, "
    "pages, status, accepted_on, decision_due, filing_number, decided_at, "
    "revoked_at, status_reason, verify_url, pdf_standard, ofd_sha256, ofd_sm3, "
    "ofd_bytes";
constexpr char kSignedCopyColumns[] =
    "id, document_id, sha256, sm3, bytes, pages, media_type, original_name, "
    "uploaded_by, uploaded_at, of_record";
constexpr char kReprintColumns[] =
    "id, document_id, marked, sha256, sm3, bytes, operator, reprinted_at";

// The staff index keeps JSON arrays in text columns; the engines read them
// with functions of their own. These give a FROM-clause item reading the
// elements of the JSON array `array` (an SQL expression) as rows of one
// column `value` under `alias`: strings as text (JsonStrings), arrays as JSON
// whose first element FirstElement reads as text.
std::string JsonStrings(SqlDialect dialect, const std::string& array, const std::string& alias) {
  if (dialect == SqlDialect::kPostgres) {
    return "jsonb_array_elements_text(CAST(" + array + " AS jsonb)) AS " + alias + "(value)";
  }
  return "json_each(" + array + ") " + alias;
}
std::string JsonArrays(SqlDialect dialect, const std::string& array, const std::string& alias) {
  if (dialect == SqlDialect::kPostgres) {
    return "jsonb_array_elements(CAST(" + array + " AS jsonb)) AS " + alias + "(value)";
  }
  return "json_each(" + array + ") " + alias;
}
std::string FirstElement(SqlDialect dialect, const std::string& alias) {
  if (dialect == SqlDialect::kPostgres) return "(" + alias + ".value->>0)";
  return "json_extract(" + alias + ".value, '$[0]')";
}

// The first column of every row `s` gives: ids.
core::Result<std::vector<int64_t>> FirstColumnIds(Statement& s) {
  std::vector<int64_t> ids;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    ids.push_back(s.Int(0));
  }
  return ids;
}

// `text` as an element of a PostgreSQL array literal.
std::string PgArrayElement(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

// Runs an INSERT ... RETURNING id: the new row's id.
core::Result<int64_t> InsertedId(Statement& s) {
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return core::Internal("an INSERT returned no id");
  const int64_t id = s.Int(0);
  BEIAN_RETURN_IF_ERROR(s.Run());
  return id;
}

// Rows read per batch by the ForEach* calls.
constexpr int kBatch = 256;

core::Result<Document> ReadDocument(const Statement& s) {
  Document d;
  d.id = s.Int(0);
  d.number = s.Text(1);
  d.kind = s.Text(2);
  d.template_version = static_cast<int>(s.Int(3));
  d.data = s.Text(4);
  d.credit_code = s.Text(5);
  d.enterprise_name = s.Text(6);
  d.project_name = s.Text(7);
  d.district = s.Text(8);
  d.issued_at = s.Text(9);
  d.created_by = s.Text(10);
  d.sha256 = s.Text(11);
  d.sm3 = s.Text(12);
  d.bytes = s.Int(13);
  d.pages = static_cast<int>(s.Int(14));
  core::Result<DocumentStatus> status = ParseDocumentStatus(s.Text(15));
  if (!status.ok()) {
    return core::Internal("document " + d.number + ": " +
                          status.status().message());
  }
  d.status = *status;
  d.accepted_on = s.Text(16);
  d.decision_due = s.Text(17);
  d.filing_number = s.Text(18);
  d.decided_at = s.Text(19);
  d.revoked_at = s.Text(20);
  d.status_reason = s.Text(21);
  d.verify_url = s.Text(22);
  d.pdf_standard = s.Text(23);
  d.ofd_sha256 = s.Text(24);
  d.ofd_sm3 = s.Text(25);
  d.ofd_bytes = s.Int(26);
  return d;
}

SignedCopy ReadSignedCopy(const Statement& s) {
  SignedCopy c;
  c.id = s.Int(0);
  c.document_id = s.Int(1);
  c.sha256 = s.Text(2);
  c.sm3 = s.Text(3);
  c.bytes = s.Int(4);
  c.pages = static_cast<int>(s.Int(5));
  c.media_type = s.Text(6);
  c.original_name = s.Text(7);
  c.uploaded_by = s.Text(8);
  c.uploaded_at = s.Text(9);
  c.of_record = s.Int(10) != 0;
  return c;
}

Reprint ReadReprint(const Statement& s) {
  Reprint r;
  r.id = s.Int(0);
  r.document_id = s.Int(1);
  r.marked = s.Int(2) != 0;
  r.sha256 = s.Text(3);
  r.sm3 = s.Text(4);
  r.bytes = s.Int(5);
  r.operator_name = s.Text(6);
  r.reprinted_at = s.Text(7);
  return r;
}

constexpr char kAccessTokenColumns[] =
    "id, role, credit_code, district, label, created_by, created_at, "
    "revoked_at, secret_sha256, name";

AccessToken ReadAccessToken(const Statement& s) {
  AccessToken t;
  t.id = s.Int(0);
  // The CHECK constraint keeps the role one of the three; were it not, the
  // least privileged.
  const core::Result<AccessRole> role = ParseAccessRole(s.Text(1));
  t.role = role.ok() ? *role : AccessRole::kEnterprise;
  t.credit_code = s.Text(2);
  t.district = s.Text(3);
  t.label = s.Text(4);
  t.created_by = s.Text(5);
  t.created_at = s.Text(6);
  t.revoked_at = s.Text(7);
  t.secret_sha256 = s.Text(8);
  t.name = s.Text(9);
  return t;
}

constexpr char kUserColumns[] =
    "id, username, role, credit_code, district, name, display_name, "
    "password_hash, created_by, created_at, disabled_at";

User ReadUser(const Statement& s) {
  User u;
  u.id = s.Int(0);
  u.username = s.Text(1);
  // As for tokens: the CHECK constraint keeps the role one of the three.
  const core::Result<AccessRole> role = ParseAccessRole(s.Text(2));
  u.role = role.ok() ? *role : AccessRole::kEnterprise;
  u.credit_code = s.Text(3);
  u.district = s.Text(4);
  u.name = s.Text(5);
  u.display_name = s.Text(6);
  u.password_hash = s.Text(7);
  u.created_by = s.Text(8);
  u.created_at = s.Text(9);
  u.disabled_at = s.Text(10);
  return u;
}

constexpr char kUserSessionColumns[] =
    "secret_sha256, user_id, created_at, expires_at, idle_until, ended_at";

UserSession ReadUserSession(const Statement& s) {
  UserSession u;
  u.secret_sha256 = s.Text(0);
  u.user_id = s.Int(1);
  u.created_at = s.Text(2);
  u.expires_at = s.Text(3);
  u.idle_until = s.Text(4);
  u.ended_at = s.Text(5);
  return u;
}

std::string Select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

// Lowercases a SHA-256 given in any case; kInvalidArgument if it is not one.
core::Result<std::string> NormalizeSha256(std::string_view text) {
  std::string sha(text);
  for (char& c : sha) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!IsSha256Hex(sha)) {
    return core::InvalidArgument("not a SHA-256 (64 hex chars): \"" +
                                 std::string(text.substr(0, 80)) + "\"");
  }
  return sha;
}

core::Status AlreadyFiled(std::string_view number) {
  return core::FailedPrecondition(
      "document number " + std::string(number) +
      " is already filed (or another number with its district, year and "
      "serial)");
}

// kDocumentColumns, each prefixed with "d." (for joins).
std::string PrefixedDocumentColumns() {
  std::string out = "d.";
  for (const char* p = kDocumentColumns; *p; ++p) {
    out += *p;
    if (*p == ' ') out += "d.";
  }
  return out;
}

// A credit-code prefix: 6..18 characters of [0-9A-Z] with at least one digit
// (every real prefix of 6+ characters has the digits of its division code;
// pinyin never has digits), upper-cased; nullopt if `text` is not one.
std::optional<std::string> CreditCodePrefix(std::string_view text) {
  if (text.size() < 6 || text.size() > 18) return std::nullopt;
  std::string out;
  bool digit = false;
  for (char c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c < 'A' || c > 'Z') {
      return std::nullopt;
    }
    out += c;
  }
  if (!digit) return std::nullopt;
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' ||
                           text.front() == '\n' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' ||
                           text.back() == '\n' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string NowInBeijing() {
  const std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buffer;
}

struct CatalogArchive::Impl {
  Impl(std::string dir_in, ArchiveOptions options_in, DatabaseOpener open_in, std::unique_ptr<BlobStore> blobs_in,
       std::unique_ptr<Database> writer_in, std::unique_ptr<Database> reader_in)
      : dir(std::move(dir_in)),
        options(std::move(options_in)),
        open(std::move(open_in)),
        blob_store(std::move(blobs_in)),
        blobs(*blob_store),
        writer(std::move(writer_in)),
        db(*writer),
        read_only(std::move(reader_in)),
        reader(*read_only) {
    // Committed now (rolled back entries only make the hint early).
    db.SetCommitHook([this] {
      if (signer) signer->Appended(appended_seq.load(std::memory_order_relaxed));
    });
  }

  std::string Now() const {
    return options.now ? options.now() : NowInBeijing();
  }

  // Each of these runs with `mu` held.
  core::Result<Document> GetLocked(int64_t id);
  core::Result<std::optional<Document>> FindNumberLocked(
      std::string_view number);
  // Whether `number`, or its district, year and serial, is in the catalog.
  core::Result<bool> NumberTakenLocked(
      std::string_view number, std::string_view district,
      const std::optional<DocumentNumber>& parsed);
  // Why `in` may not be ingested, as far as the catalog tells: its
  // idempotency key used (kAlreadyExists), its number filed or void
  // (kFailedPrecondition), a staff conflict (kAlreadyExists). Asked before
  // the blob is written and again inside the ingest transaction.
  core::Status RefuseIngestLocked(const NewDocument& in,
                                  const std::optional<DocumentNumber>& parsed);
  // The keys among `keys` standing in a current document of another credit
  // code (staff_presence), read through `on` (db under mu, or reader under
  // reader_mu).
  static core::Result<std::vector<StaffKey>> StaffConflicts(
      Database& on, const std::vector<StaffKey>& keys, std::string_view credit_code);
  // Replaces a document's staff keys (document_staff), marks it indexed and
  // keeps staff_presence true for its enterprise.
  core::Status WriteStaffKeysLocked(const Document& document,
                                    const std::vector<StaffKey>& keys);
  // Removes a document's persons from staff_presence where no other current
  // document of its enterprise lists them (on revocation, or before its keys
  // are replaced), and its document_staff row.
  core::Status ForgetStaffLocked(int64_t document_id);
  // Inserts a document's row, search terms, number counter, idempotency key,
  // staff keys and "ingest" audit entry inside the caller's write
  // transaction; sets d.id.
  core::Status InsertDocumentLocked(Document& d, const NewDocument& in,
                                    const std::optional<DocumentNumber>& parsed);
  // Appends one audit row inside the caller's write transaction.
  // A change of user `id` in one transaction: `change` edits the row (the
  // password hash or disabled_at) or answers false for nothing to do; then
  // the row is written, the user's sessions ended and an `action` entry
  // appended by `actor`.
  core::Result<User> ChangeUser(int64_t id, std::string_view actor, std::string_view action,
                                const std::function<core::Result<bool>(User&, const std::string& now)>& change);
  core::Result<AuditEntry> AppendAuditLocked(std::string_view actor,
                                             std::string_view action,
                                             std::string_view subject,
                                             const core::Json& detail);

  // Reads rows `sql` (which takes the last id as ?1 and a limit as ?2) in
  // batches without holding `mu` while `fn` runs.
  template <typename Row, typename ReadFn>
  core::Status ForEachBatched(const std::string& sql, ReadFn read,
                              const std::function<core::Status(const Row&)>& fn,
                              int64_t (*key)(const Row&));

  const std::string dir;
  const ArchiveOptions options;
  const DatabaseOpener open;
  // An ingest waiting for a group commit.
  struct PendingIngest {
    Document* document;
    const NewDocument* in;
    const std::optional<DocumentNumber>* parsed;
    const StagedBlob* blob;
    const StagedBlob* ofd_blob;  // or nullptr
    core::Status result;
    bool done = false;
  };
  // Publishes the batch's blobs (BlobStore::Publish: two file-system syncs
  // for the lot), then commits the rows in one transaction (one sync of the
  // catalog, after `mu` is released where the engine allows), each document
  // under a savepoint of its own so that one refused row fails alone.
  void CommitIngests(const std::vector<PendingIngest*>& batch);
  // Queues `item` and returns when it is committed or has failed. The first
  // caller to find no commit running commits everything queued (its own item
  // included); the others wait. Group commit: under concurrent ingests the
  // log is synced once per batch, not once per document.
  void CommitIngest(PendingIngest& item);

  const std::unique_ptr<BlobStore> blob_store;
  const BlobStore& blobs;  // *blob_store
  std::mutex mu;
  const std::unique_ptr<Database> writer;
  Database& db;  // *writer, guarded by mu
  // A second, read-only connection for the checks every issue makes before
  // it takes a number (staff conflicts, idempotency keys): it reads while
  // `db` commits, so those checks never queue behind a sync.
  std::mutex reader_mu;
  const std::unique_ptr<Database> read_only;
  Database& reader;  // *read_only, guarded by reader_mu

  // The seq of the last audit entry appended (set inside its transaction,
  // read by the commit hook).
  std::atomic<int64_t> appended_seq{0};

  std::mutex commit_mu;  // guards the three below; taken before mu
  std::condition_variable commit_cv;
  std::vector<PendingIngest*> commit_queue;
  bool committing = false;

  std::string CheckpointsPath() const { return dir + "/checkpoints"; }
  // Last: destroyed first, signing the log's tail while the rest still works.
  std::unique_ptr<CheckpointSigner> signer;
};

core::Result<Document> CatalogArchive::Impl::GetLocked(int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare(Select(kDocumentColumns, "FROM documents WHERE id = ?1")));
  s.BindInt(1, id);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return core::NotFound("no document with id " + std::to_string(id));
  return ReadDocument(s);
}

core::Result<std::optional<Document>> CatalogArchive::Impl::FindNumberLocked(
    std::string_view number) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare(Select(kDocumentColumns, "FROM documents WHERE number = ?1")));
  s.BindText(1, number);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return std::optional<Document>();
  BEIAN_ASSIGN_OR_RETURN(Document d, ReadDocument(s));
  return std::optional<Document>(std::move(d));
}

core::Result<bool> CatalogArchive::Impl::NumberTakenLocked(
    std::string_view number, std::string_view district,
    const std::optional<DocumentNumber>& parsed) {
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("SELECT 1 FROM documents WHERE number = ?1 OR (district = ?2 "
                 "AND number_year = ?3 AND number_serial = ?4)"));
  s.BindText(1, number).BindText(2, district);
  if (parsed) {
    s.BindInt(3, parsed->year).BindInt(4, parsed->serial);
  } else {
    s.BindNull(3).BindNull(4);
  }
  return s.Step();
}

core::Result<AuditEntry> CatalogArchive::Impl::AppendAuditLocked(
    std::string_view actor, std::string_view action, std::string_view subject,
    const core::Json& detail) {
  AuditEntry e;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement head,
        db.Prepare("SELECT seq, hash FROM audit_head WHERE id = 1"));
    BEIAN_ASSIGN_OR_RETURN(const bool row, head.Step());
    if (!row) return core::Internal("catalog has no audit_head row");
    e.seq = head.Int(0) + 1;
    e.prev_hash = head.Text(1);
  }
  e.at = Now();
  e.actor = std::string(actor);
  e.action = std::string(action);
  e.subject = std::string(subject);
  e.detail = core::WriteCanonicalJson(detail);
  e.hash = AuditEntryHash(e);
  BEIAN_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT INTO audit_log (seq, at, actor, action, subject, "
                 "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                 "?7, ?8)"));
  insert.BindInt(1, e.seq)
      .BindText(2, e.at)
      .BindText(3, e.actor)
      .BindText(4, e.action)
      .BindText(5, e.subject)
      .BindText(6, e.detail)
      .BindText(7, e.prev_hash)
      .BindText(8, e.hash);
  BEIAN_RETURN_IF_ERROR(insert.Run());
  BEIAN_RETURN_IF_ERROR(
      AppendMerkleLeaf(db, static_cast<uint64_t>(e.seq - 1), AuditLeafHash(e)));
  appended_seq.store(e.seq, std::memory_order_relaxed);
  BEIAN_ASSIGN_OR_RETURN(
      Statement update,
      db.Prepare("UPDATE audit_head SET seq = ?1, hash = ?2 WHERE id = 1"));
  update.BindInt(1, e.seq).BindText(2, e.hash);
  BEIAN_RETURN_IF_ERROR(update.Run());
  return e;
}

template <typename Row, typename ReadFn>
core::Status CatalogArchive::Impl::ForEachBatched(
    const std::string& sql, ReadFn read,
    const std::function<core::Status(const Row&)>& fn,
    int64_t (*key)(const Row&)) {
  int64_t last = 0;
  for (;;) {
    std::vector<Row> batch;
    {
      std::lock_guard<std::mutex> lock(mu);
      BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
      s.BindInt(1, last).BindInt(2, kBatch);
      for (;;) {
        BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
        if (!row) break;
        BEIAN_ASSIGN_OR_RETURN(Row r, read(s));
        batch.push_back(std::move(r));
      }
    }
    for (const Row& r : batch) BEIAN_RETURN_IF_ERROR(fn(r));
    if (static_cast<int>(batch.size()) < kBatch) return core::Status::Ok();
    last = key(batch.back());
  }
}

CatalogArchive::CatalogArchive() = default;

int CatalogSchemaVersion() { return LatestSchemaVersion(); }

const std::string& CatalogArchive::dir() const { return impl_->dir; }

std::string CatalogArchive::checkpoints_path() const { return impl_->CheckpointsPath(); }

const std::string& CatalogArchive::catalog() const { return impl_->db.name(); }

core::Result<core::Checkpoint> CatalogArchive::WriteCheckpoint() {
  return impl_->signer->Sign();
}

const core::VerifyingKey& CatalogArchive::CheckpointKey() const {
  return impl_->signer->key();
}

core::Result<AuditProof> CatalogArchive::ProveIngest(std::string_view number) {
  BEIAN_ASSIGN_OR_RETURN(const Document d, FindByNumber(number));
  int64_t seq = 0;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        impl_->db.Prepare("SELECT seq FROM audit_log WHERE subject = ?1 AND "
                          "action = 'ingest' ORDER BY seq LIMIT 1"));
    s.BindText(1, d.number);
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) {
      return core::FailedPrecondition("document " + d.number +
                                      " has no ingest entry in the audit log; run verify");
    }
    seq = s.Int(0);
  }
  return impl_->signer->Prove(seq);
}

core::Status CatalogArchive::OpenCatalog(Setup setup) {
  std::string& dir = setup.dir;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (dir.empty()) return core::InvalidArgument("archive directory is empty");
  // The blobs and keys are for this service's user alone: a new archive
  // folder is 0700.
  std::error_code error;
  const bool existed = std::filesystem::exists(dir, error);
  std::filesystem::create_directories(dir, error);
  if (error) {
    return PosixError("cannot create archive directory", dir, error.value());
  }
  if (!existed && ::chmod(dir.c_str(), 0700) != 0) {
    return PosixError("cannot restrict archive directory", dir, errno);
  }
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<DirectoryBlobStore> blobs, DirectoryBlobStore::Open(dir + "/blobs"));
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, setup.open(/*read_only=*/false));
  BEIAN_RETURN_IF_ERROR(PrepareCatalog(*db));
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, setup.open(/*read_only=*/true));
  const std::string key_path =
      setup.options.signing_key.empty() ? dir + "/keys/checkpoint.pem" : setup.options.signing_key;
  BEIAN_ASSIGN_OR_RETURN(
      core::SigningKey key,
      LoadSigningKey(key_path, /*create=*/true, setup.options.signing_algorithm));
  auto impl = std::make_unique<Impl>(std::move(dir), std::move(setup.options), std::move(setup.open),
                                     std::move(blobs), std::move(db), std::move(reader));
  CheckpointSigner::Options signing;
  signing.open = impl->open;
  signing.file = impl->CheckpointsPath();
  signing.every_entries = impl->options.checkpoint_every_entries;
  signing.interval = impl->options.checkpoint_interval;
  signing.now = [impl = impl.get()] { return impl->Now(); };
  signing.sync_catalog = [impl = impl.get()] { return impl->db.Sync(); };
  BEIAN_ASSIGN_OR_RETURN(impl->signer,
                         CheckpointSigner::Start(std::move(signing), std::move(key)));
  impl_ = std::move(impl);
  return core::Status::Ok();
}

CatalogArchive::~CatalogArchive() = default;

core::Result<std::string> CatalogArchive::AllocateNumber(
    std::string_view district, int year, std::string_view kind) {
  BEIAN_ASSIGN_OR_RETURN(std::string district_code,
                         core::DistrictNumberCode(district));
  if (year < 2000 || year > 9999) {
    return core::InvalidArgument("year " + std::to_string(year) +
                                 " is outside 2000..9999");
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  // Not synced by itself, by design: this commit is durable once any later
  // commit is synced, and the ingest that files a document with this number
  // is (before it is acknowledged). A crash before that may hand the number
  // out again, but no acknowledged document carries it. Saves one sync per
  // document.
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite(Durability::kWithNextSync));
  int64_t serial = 1;
  {
    BEIAN_ASSIGN_OR_RETURN(Statement s,
                           db.Prepare("SELECT next_serial FROM number_counters "
                                      "WHERE district = ?1 AND year = ?2"));
    s.BindText(1, district).BindInt(2, year);
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (row) serial = s.Int(0);
  }
  // Skip serials an imported document already holds (and, should the
  // counter ever lag, serials handed out or voided before).
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("SELECT 1 FROM documents WHERE district = ?1 AND "
                   "number_year = ?2 AND number_serial = ?3 UNION ALL SELECT "
                   "1 FROM number_allocations WHERE district = ?1 AND year = "
                   "?2 AND serial = ?3 UNION ALL SELECT 1 FROM number_voids "
                   "WHERE district = ?1 AND year = ?2 AND serial = ?3"));
    s.BindText(1, district).BindInt(2, year).BindInt(3, serial);
    BEIAN_ASSIGN_OR_RETURN(const bool taken, s.Step());
    if (!taken) break;
    ++serial;
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO number_counters (district, year, next_serial) "
                   "VALUES (?1, ?2, ?3) ON CONFLICT (district, year) DO "
                   "UPDATE SET next_serial = excluded.next_serial"));
    s.BindText(1, district).BindInt(2, year).BindInt(3, serial + 1);
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  const std::string number = FormatDocumentNumber(
      DocumentNumber{district_code, std::string(core::KindNumberCode(kind)), year, serial});
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO number_allocations (district, year, serial, "
                   "number, allocated_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
    s.BindText(1, district)
        .BindInt(2, year)
        .BindInt(3, serial)
        .BindText(4, number)
        .BindText(5, impl_->Now());
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return number;
}

core::Result<Document> CatalogArchive::Ingest(const NewDocument& in) {
  BEIAN_RETURN_IF_ERROR(CheckNewDocument(in));
  const std::optional<DocumentNumber> parsed = ParseDocumentNumber(in.number);
  Document d;
  d.number = in.number;
  d.kind = in.kind;
  d.template_version = in.template_version;
  d.data = in.canonical_data.empty() ? core::WriteCanonicalJson(in.data) : in.canonical_data;
  d.credit_code = in.credit_code;
  d.enterprise_name = in.enterprise_name;
  d.project_name = in.project_name;
  d.district = in.district;
  d.issued_at = in.issued_at;
  d.created_by = in.created_by;
  d.pages = in.pages;
  d.status = DocumentStatus::kIssued;
  d.verify_url = in.verify_url;
  d.pdf_standard = in.pdf_standard;

  {
    // Refuse without leaving a blob behind (the transaction asks again in
    // case another caller races us).
    std::lock_guard<std::mutex> lock(impl_->mu);
    BEIAN_RETURN_IF_ERROR(impl_->RefuseIngestLocked(in, parsed));
  }
  // The blob first (published with the batch, before its rows commit): a
  // crash in between leaves only an unreferenced blob.
  BEIAN_ASSIGN_OR_RETURN(const StagedBlob blob, impl_->blobs.Stage(in.pdf));
  d.sha256 = blob.info.sha256;
  d.sm3 = blob.info.sm3;
  d.bytes = blob.info.size;
  std::optional<StagedBlob> ofd;
  if (!in.ofd.empty()) {
    core::Result<StagedBlob> staged = impl_->blobs.Stage(in.ofd);
    if (!staged.ok()) {
      impl_->blobs.Discard(blob);
      return staged.status();
    }
    ofd = std::move(staged).value();
    d.ofd_sha256 = ofd->info.sha256;
    d.ofd_sm3 = ofd->info.sm3;
    d.ofd_bytes = ofd->info.size;
  }

  Impl::PendingIngest item{&d, &in, &parsed, &blob, ofd ? &*ofd : nullptr, core::Status::Ok()};
  impl_->CommitIngest(item);
  BEIAN_RETURN_IF_ERROR(item.result);
  return d;
}

void CatalogArchive::Impl::CommitIngest(PendingIngest& item) {
  std::unique_lock<std::mutex> lock(commit_mu);
  commit_queue.push_back(&item);
  while (!item.done) {
    if (committing) {
      commit_cv.wait(lock);
      continue;
    }
    committing = true;
    std::vector<PendingIngest*> batch;
    batch.swap(commit_queue);
    lock.unlock();
    CommitIngests(batch);
    lock.lock();
    for (PendingIngest* p : batch) p->done = true;
    committing = false;
    commit_cv.notify_all();
    // After the batch is answered and the next may commit: the engine's
    // upkeep holds up this caller alone, not every ingest queued behind it.
    lock.unlock();
    db.Housekeep();
    lock.lock();
  }
}

void CatalogArchive::Impl::CommitIngests(
    const std::vector<PendingIngest*>& batch) {
  auto fail_all = [&](const core::Status& status) {
    for (PendingIngest* p : batch) {
      if (p->result.ok()) p->result = status;
    }
  };
  std::vector<const StagedBlob*> blobs;
  for (const PendingIngest* p : batch) {
    blobs.push_back(p->blob);
    if (p->ofd_blob != nullptr) blobs.push_back(p->ofd_blob);
  }
  if (core::Status published = this->blobs.Publish(blobs); !published.ok()) {
    for (const StagedBlob* b : blobs) this->blobs.Discard(*b);
    fail_all(published);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    Transaction txn(db);
    if (core::Status begun = txn.BeginWrite(Durability::kAtSync); !begun.ok()) {
      fail_all(begun);
      return;
    }
    for (PendingIngest* p : batch) {
      if (core::Status s = db.Exec("SAVEPOINT ingest"); !s.ok()) {
        fail_all(s);
        return;
      }
      p->result = InsertDocumentLocked(*p->document, *p->in, *p->parsed);
      const core::Status undone =
          p->result.ok() ? core::Status::Ok()
                         : db.Exec("ROLLBACK TO SAVEPOINT ingest");
      const core::Status released = db.Exec("RELEASE SAVEPOINT ingest");
      if (!undone.ok() || !released.ok()) {
        fail_all(!undone.ok() ? undone : released);
        return;  // the transaction rolls back
      }
    }
    if (core::Status committed = txn.Commit(); !committed.ok()) {
      fail_all(committed);
      return;
    }
  }
  // Durable before any caller hears of it; `mu` is free meanwhile.
  fail_all(db.Sync());
}

core::Result<std::vector<StaffKey>> CatalogArchive::Impl::StaffConflicts(
    Database& db, const std::vector<StaffKey>& keys, std::string_view credit_code) {
  std::vector<StaffKey> conflicts;
  if (keys.empty()) return conflicts;
  // One query for the lot, the keys as a JSON array; a person has a row per
  // enterprise in staff_presence, so each key is one short index range.
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("SELECT j.value FROM " + JsonStrings(db.dialect(), "?1", "j") +
                 " WHERE EXISTS (SELECT 1 FROM staff_presence p WHERE p.hmac = j.value AND "
                 "p.credit_code <> ?2)"));
  s.BindText(1, DistinctPersons(keys)).BindText(2, credit_code);
  std::set<std::string> taken;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    taken.insert(s.Text(0));
  }
  for (const StaffKey& key : keys) {
    if (taken.count(key.hmac) != 0) conflicts.push_back(key);
  }
  return conflicts;
}

core::Status CatalogArchive::Impl::RefuseIngestLocked(
    const NewDocument& in, const std::optional<DocumentNumber>& parsed) {
  if (in.idempotency) {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("SELECT document_id FROM idempotency_keys WHERE token_id "
                   "= ?1 AND key = ?2"));
    s.BindInt(1, in.idempotency->client).BindText(2, in.idempotency->key);
    BEIAN_ASSIGN_OR_RETURN(const bool used, s.Step());
    if (used) {
      return core::AlreadyExists(
          "idempotency key \"" + in.idempotency->key +
          "\" was used by this token already (document id " +
          std::to_string(s.Int(0)) + ")");
    }
  }
  BEIAN_ASSIGN_OR_RETURN(const bool taken,
                         NumberTakenLocked(in.number, in.district, parsed));
  if (taken) return AlreadyFiled(in.number);
  if (parsed) {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("SELECT number FROM number_voids WHERE district = ?1 AND "
                   "year = ?2 AND serial = ?3"));
    s.BindText(1, in.district).BindInt(2, parsed->year).BindInt(
        3, parsed->serial);
    BEIAN_ASSIGN_OR_RETURN(const bool void_number, s.Step());
    if (void_number) {
      return core::FailedPrecondition("document number " + in.number +
                                      " is void (recorded as " + s.Text(0) +
                                      "); allocate a new one");
    }
  }
  if (in.staff_presence_version) {
    BEIAN_ASSIGN_OR_RETURN(
        const int64_t version,
        db.QueryInt("SELECT version FROM staff_presence_version"));
    if (version == *in.staff_presence_version) return core::Status::Ok();
  }
  BEIAN_ASSIGN_OR_RETURN(const std::vector<StaffKey> conflicts,
                         StaffConflicts(db, in.staff_keys, in.credit_code));
  // Names the path in this document only, never the other enterprise.
  if (!conflicts.empty()) {
    return core::AlreadyExists("staff conflict at " + conflicts[0].path);
  }
  return core::Status::Ok();
}

core::Status CatalogArchive::Impl::ForgetStaffLocked(int64_t document_id) {
  std::string credit_code, keys;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s, db.Prepare("SELECT credit_code, keys FROM document_staff "
                                "WHERE document_id = ?1"));
    s.BindInt(1, document_id);
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) return core::Status::Ok();
    credit_code = s.Text(0);
    keys = s.Text(1);
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("DELETE FROM document_staff WHERE document_id = ?1"));
    s.BindInt(1, document_id);
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  // Each person stays present for the enterprise while another of its
  // current documents lists them (its own documents only: a bounded scan).
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("DELETE FROM staff_presence WHERE credit_code = ?2 AND hmac IN (SELECT " +
                 FirstElement(db.dialect(), "j") + " FROM " + JsonArrays(db.dialect(), "?1", "j") +
                 ") AND hmac NOT IN (SELECT " + FirstElement(db.dialect(), "k") +
                 " FROM document_staff s, " + JsonArrays(db.dialect(), "s.keys", "k") +
                 " WHERE s.credit_code = ?2)"));
  s.BindText(1, keys).BindText(2, credit_code);
  return s.Run();
}

core::Status CatalogArchive::Impl::WriteStaffKeysLocked(
    const Document& document, const std::vector<StaffKey>& keys) {
  BEIAN_RETURN_IF_ERROR(ForgetStaffLocked(document.id));
  // A revoked document's staff stand nowhere; a person listed twice (staff
  // and project manager) counts once.
  if (document.status != DocumentStatus::kRevoked && !keys.empty()) {
    core::Json list = core::Json::MakeArray();
    for (const StaffKey& key : keys) {
      core::Json pair = core::Json::MakeArray();
      pair.Push(key.hmac);
      pair.Push(key.path);
      list.Push(std::move(pair));
    }
    const std::string keys_json = core::WriteJson(list);
    {
      BEIAN_ASSIGN_OR_RETURN(
          Statement s,
          db.Prepare("INSERT INTO document_staff (document_id, credit_code, "
                     "keys) VALUES (?1, ?2, ?3)"));
      s.BindInt(1, document.id)
          .BindText(2, document.credit_code)
          .BindText(3, keys_json);
      BEIAN_RETURN_IF_ERROR(s.Run());
    }
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO staff_presence (hmac, credit_code) SELECT j.value, ?2 FROM " +
                   JsonStrings(db.dialect(), "?1", "j") + " WHERE true ON CONFLICT DO NOTHING"));
    s.BindText(1, DistinctPersons(keys)).BindText(2, document.credit_code);
    BEIAN_RETURN_IF_ERROR(s.Run());
    if (db.Changes() > 0) {
      BEIAN_RETURN_IF_ERROR(db.Exec(
          "UPDATE staff_presence_version SET version = version + 1"));
    }
  }
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      db.Prepare("UPDATE documents SET staff_indexed = 1 WHERE id = ?1"));
  s.BindInt(1, document.id);
  return s.Run();
}

core::Status CatalogArchive::Impl::InsertDocumentLocked(
    Document& d, const NewDocument& in,
    const std::optional<DocumentNumber>& parsed) {
  BEIAN_RETURN_IF_ERROR(RefuseIngestLocked(in, parsed));
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO documents (number, kind, template_version, "
                   "data, credit_code, enterprise_name, project_name, "
                   "district, issued_at, created_by, sha256, sm3, bytes, "
                   "pages, status, number_year, number_serial, verify_url, pdf_standard, "
                   "ofd_sha256, ofd_sm3, ofd_bytes) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                   "?13, ?14, 'issued', ?15, ?16, ?17, ?18, ?19, ?20, ?21) RETURNING id"));
    s.BindText(1, d.number)
        .BindText(2, d.kind)
        .BindInt(3, d.template_version)
        .BindText(4, d.data)
        .BindText(5, d.credit_code)
        .BindText(6, d.enterprise_name)
        .BindText(7, d.project_name)
        .BindText(8, d.district)
        .BindText(9, d.issued_at)
        .BindText(10, d.created_by)
        .BindText(11, d.sha256)
        .BindText(12, d.sm3)
        .BindInt(13, d.bytes)
        .BindInt(14, d.pages)
        .BindText(17, d.verify_url)
        .BindText(18, d.pdf_standard)
        .BindText(19, d.ofd_sha256)
        .BindText(20, d.ofd_sm3)
        .BindInt(21, d.ofd_bytes);
    if (parsed) {
      s.BindInt(15, parsed->year).BindInt(16, parsed->serial);
    } else {
      s.BindNull(15).BindNull(16);
    }
    core::Result<int64_t> inserted = InsertedId(s);
    if (inserted.status().code() == core::Code::kFailedPrecondition &&
        db.dialect() == SqlDialect::kSqlite) {
      // Tell a taken number apart from other constraint failures (the
      // check above makes this rare: another process came first).
      BEIAN_ASSIGN_OR_RETURN(
          const bool taken,
          NumberTakenLocked(d.number, d.district, parsed));
      if (taken) return AlreadyFiled(d.number);
    }
    BEIAN_RETURN_IF_ERROR(inserted.status());
    d.id = *inserted;
  }
  BEIAN_RETURN_IF_ERROR(IndexDocumentTerms(
      db, d.id,
      SearchFields{d.kind, d.district, d.issued_at, d.credit_code,
                   d.enterprise_name, d.project_name}));
  if (parsed) {
    // Keep AllocateNumber ahead of numbers that came from elsewhere (import).
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO number_counters (district, year, next_serial) "
                   "VALUES (?1, ?2, ?3) ON CONFLICT (district, year) DO "
                   "UPDATE SET next_serial = CASE WHEN excluded.next_serial > "
                   "number_counters.next_serial THEN excluded.next_serial ELSE "
                   "number_counters.next_serial END"));
    s.BindText(1, d.district)
        .BindInt(2, parsed->year)
        .BindInt(3, parsed->serial + 1);
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  if (in.idempotency) {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO idempotency_keys (token_id, key, "
                   "request_sha256, document_id, created_at) VALUES (?1, ?2, "
                   "?3, ?4, ?5)"));
    s.BindInt(1, in.idempotency->client)
        .BindText(2, in.idempotency->key)
        .BindText(3, in.idempotency->request_sha256)
        .BindInt(4, d.id)
        .BindText(5, Now());
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  if (in.staff_indexed || !in.staff_keys.empty()) {
    BEIAN_RETURN_IF_ERROR(WriteStaffKeysLocked(d, in.staff_keys));
  }
  core::Json detail = core::Json::MakeObject();
  if (in.backfilled) detail.Set("backfill", true);
  detail.Set("document_id", d.id);
  detail.Set("number", d.number);
  detail.Set("row_sha256", DocumentRowDigest(d));
  // The PDF's digest and length themselves, so that an inclusion proof of
  // this entry ties the file (or a reprint that begins with it) to the signed
  // log without the row, which holds personal data.
  detail.Set("sha256", d.sha256);
  detail.Set("bytes", d.bytes);
  detail.Set("status", std::string(DocumentStatusName(d.status)));
  BEIAN_RETURN_IF_ERROR(
      AppendAuditLocked(d.created_by, kActionIngest, d.number, detail)
          .status());
  return core::Status::Ok();
}

core::Result<IdempotentResult> CatalogArchive::FindIdempotencyKey(
    int64_t client, std::string_view key) {
  std::lock_guard<std::mutex> lock(impl_->reader_mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      impl_->reader.Prepare("SELECT request_sha256, document_id, created_at FROM "
                            "idempotency_keys WHERE token_id = ?1 AND key = ?2"));
  // The column is named token_id from before users: it holds the client.
  s.BindInt(1, client).BindText(2, key);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) {
    return core::NotFound("no document was created under this idempotency "
                          "key by client " +
                          std::to_string(client));
  }
  return IdempotentResult{s.Text(0), s.Int(1), s.Text(2)};
}

core::Result<Document> CatalogArchive::Get(int64_t id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->GetLocked(id);
}

core::Result<Document> CatalogArchive::FindByNumber(std::string_view number) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(std::optional<Document> found,
                         impl_->FindNumberLocked(number));
  if (found) return std::move(*found);
  const std::string normalized = NormalizeDocumentNumber(number);
  if (normalized != number) {
    BEIAN_ASSIGN_OR_RETURN(found, impl_->FindNumberLocked(normalized));
    if (found) return std::move(*found);
  }
  return core::NotFound("no document numbered " + std::string(number));
}

core::Result<Sha256Matches> CatalogArchive::FindBySha256(
    std::string_view sha256_in) {
  BEIAN_ASSIGN_OR_RETURN(const std::string sha256, NormalizeSha256(sha256_in));
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Sha256Matches matches;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare(Select(kDocumentColumns,
                          "FROM documents WHERE sha256 = ?1 OR "
                          "(ofd_sha256 = ?1 AND ofd_sha256 != '') ORDER BY id")));
    s.BindText(1, sha256);
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      BEIAN_ASSIGN_OR_RETURN(Document d, ReadDocument(s));
      matches.documents.push_back(std::move(d));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare(Select(kSignedCopyColumns,
                          "FROM signed_copies WHERE sha256 = ?1 ORDER BY id")));
    s.BindText(1, sha256);
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      matches.signed_copies.push_back(ReadSignedCopy(s));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare(Select(kReprintColumns,
                          "FROM reprints WHERE sha256 = ?1 ORDER BY id")));
    s.BindText(1, sha256);
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      matches.reprints.push_back(ReadReprint(s));
    }
  }
  return matches;
}

core::Result<std::string> CatalogArchive::ReadBlob(std::string_view sha256_in) {
  BEIAN_ASSIGN_OR_RETURN(const std::string sha256, NormalizeSha256(sha256_in));
  return impl_->blobs.Get(sha256);
}

core::Result<SignedCopy> CatalogArchive::AttachSignedCopy(
    const NewSignedCopy& in) {
  BEIAN_RETURN_IF_ERROR(CheckNewSignedCopy(in));
  BEIAN_RETURN_IF_ERROR(Get(in.document_id).status());

  SignedCopy c;
  c.document_id = in.document_id;
  c.pages = in.pages;
  c.media_type = in.media_type;
  c.original_name = in.original_name;
  c.uploaded_by = in.uploaded_by;
  c.uploaded_at = in.uploaded_at.empty() ? impl_->Now() : in.uploaded_at;
  c.of_record = in.of_record;
  BEIAN_ASSIGN_OR_RETURN(const BlobInfo blob, impl_->blobs.Put(in.content));
  c.sha256 = blob.sha256;
  c.sm3 = blob.sm3;
  c.bytes = blob.size;

  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(const Document document,
                         impl_->GetLocked(in.document_id));
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO signed_copies (document_id, sha256, sm3, "
                   "bytes, pages, media_type, original_name, uploaded_by, "
                   "uploaded_at, of_record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                   "?7, ?8, ?9, ?10) RETURNING id"));
    s.BindInt(1, c.document_id)
        .BindText(2, c.sha256)
        .BindText(3, c.sm3)
        .BindInt(4, c.bytes)
        .BindInt(5, c.pages)
        .BindText(6, c.media_type)
        .BindText(7, c.original_name)
        .BindText(8, c.uploaded_by)
        .BindText(9, c.uploaded_at)
        .BindInt(10, c.of_record ? 1 : 0);
    BEIAN_ASSIGN_OR_RETURN(c.id, InsertedId(s));
  }
  core::Json detail = core::Json::MakeObject();
  detail.Set("document_id", c.document_id);
  detail.Set("row_sha256", SignedCopyRowDigest(c));
  detail.Set("signed_copy_id", c.id);
  if (c.of_record && document.status == DocumentStatus::kIssued) {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("UPDATE documents SET status = 'signed' WHERE id = ?1"));
    s.BindInt(1, document.id);
    BEIAN_RETURN_IF_ERROR(s.Run());
    detail.Set("status",
               std::string(DocumentStatusName(DocumentStatus::kSigned)));
  }
  BEIAN_RETURN_IF_ERROR(impl_
                            ->AppendAuditLocked(c.uploaded_by, kActionAttach,
                                                document.number, detail)
                            .status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return c;
}

core::Result<std::vector<SignedCopy>> CatalogArchive::SignedCopiesOf(
    int64_t document_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      impl_->db.Prepare(
          Select(kSignedCopyColumns,
                 "FROM signed_copies WHERE document_id = ?1 ORDER BY id")));
  s.BindInt(1, document_id);
  std::vector<SignedCopy> copies;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    copies.push_back(ReadSignedCopy(s));
  }
  return copies;
}

core::Result<Reprint> CatalogArchive::AddReprint(const NewReprint& in) {
  BEIAN_RETURN_IF_ERROR(CheckNewReprint(in));
  BEIAN_ASSIGN_OR_RETURN(const Document original, Get(in.document_id));
  Reprint r;
  r.document_id = in.document_id;
  r.marked = in.marked;
  r.operator_name = in.operator_name;
  r.reprinted_at = in.reprinted_at.empty() ? impl_->Now() : in.reprinted_at;
  if (in.marked) {
    BEIAN_ASSIGN_OR_RETURN(const std::string base,
                           impl_->blobs.Get(original.sha256));
    if (in.pdf.size() <= base.size() ||
        in.pdf.compare(0, base.size(), base) != 0) {
      return core::InvalidArgument(
          "a marked reprint must be an incremental update on top of the "
          "original bytes of " +
          original.number);
    }
    BEIAN_ASSIGN_OR_RETURN(const BlobInfo blob, impl_->blobs.Put(in.pdf));
    r.sha256 = blob.sha256;
    r.sm3 = blob.sm3;
    r.bytes = blob.size;
  } else {
    r.sha256 = original.sha256;
    r.sm3 = original.sm3;
    r.bytes = original.bytes;
  }

  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO reprints (document_id, marked, sha256, sm3, "
                   "bytes, operator, reprinted_at) VALUES (?1, ?2, ?3, ?4, "
                   "?5, ?6, ?7) RETURNING id"));
    s.BindInt(1, r.document_id)
        .BindInt(2, r.marked ? 1 : 0)
        .BindText(3, r.sha256)
        .BindText(4, r.sm3)
        .BindInt(5, r.bytes)
        .BindText(6, r.operator_name)
        .BindText(7, r.reprinted_at);
    BEIAN_ASSIGN_OR_RETURN(r.id, InsertedId(s));
  }
  core::Json detail = core::Json::MakeObject();
  detail.Set("document_id", r.document_id);
  detail.Set("marked", r.marked);
  detail.Set("reprint_id", r.id);
  detail.Set("operator", r.operator_name);
  detail.Set("row_sha256", ReprintRowDigest(r));
  BEIAN_RETURN_IF_ERROR(
      impl_
          ->AppendAuditLocked(in.actor.empty() ? r.operator_name : in.actor,
                              kActionReprint, original.number, detail)
          .status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return r;
}

core::Result<std::vector<Reprint>> CatalogArchive::ReprintsOf(
    int64_t document_id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s, impl_->db.Prepare(Select(
                       kReprintColumns,
                       "FROM reprints WHERE document_id = ?1 ORDER BY id")));
  s.BindInt(1, document_id);
  std::vector<Reprint> reprints;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    reprints.push_back(ReadReprint(s));
  }
  return reprints;
}

namespace {

// The moves DocumentStatus allows.
bool LifecycleAllows(DocumentStatus from, DocumentStatus to) {
  using S = DocumentStatus;
  switch (to) {
    case S::kIssued:
      return false;
    case S::kSigned:
      return from == S::kIssued;
    case S::kAccepted:
      return from == S::kIssued || from == S::kSigned;
    case S::kFiled:
    case S::kRefused:
      return from == S::kAccepted;
    case S::kRevoked:
      return from != S::kRevoked;
  }
  return false;
}

}  // namespace

core::Result<Document> CatalogArchive::ChangeStatus(const StatusChange& c) {
  BEIAN_RETURN_IF_ERROR(CheckStatusChange(c));
  // The lifecycle fields this step sets, as stored and audited.
  const std::string at = c.at.empty() ? impl_->Now() : c.at;
  std::vector<std::pair<std::string_view, std::string>> fields;
  switch (c.to) {
    case DocumentStatus::kAccepted:
      fields = {{"accepted_on", c.accepted_on},
                {"decision_due", c.decision_due}};
      break;
    case DocumentStatus::kFiled:
      fields = {{"decided_at", at}, {"filing_number", c.filing_number}};
      break;
    case DocumentStatus::kRefused:
      fields = {{"decided_at", at}, {"status_reason", c.reason}};
      break;
    case DocumentStatus::kRevoked:
      fields = {{"revoked_at", at}, {"status_reason", c.reason}};
      break;
    case DocumentStatus::kIssued:
    case DocumentStatus::kSigned:
      break;
  }
  core::Json detail = core::Json::MakeObject();
  if (c.detail.is_object()) {
    for (const auto& [key, value] : c.detail.as_object()) {
      const bool reserved =
          key == "document_id" || key == "from" || key == "to" ||
          std::find(std::begin(kLifecycleFields), std::end(kLifecycleFields),
                    key) != std::end(kLifecycleFields);
      if (reserved) {
        return core::InvalidArgument("status change detail may not set \"" +
                                     key + "\" (the archive records it)");
      }
      detail.Set(key, value);
    }
  }

  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(Document d, impl_->GetLocked(c.document_id));
  const std::string current(DocumentStatusName(d.status));
  if (std::find(c.from.begin(), c.from.end(), d.status) == c.from.end()) {
    return core::FailedPrecondition("document " + d.number + " is " +
                                    current);
  }
  if (!LifecycleAllows(d.status, c.to)) {
    return core::FailedPrecondition(
        "document " + d.number + " is " + current + "; " +
        (d.status == DocumentStatus::kRevoked
             ? std::string("revocation is final")
             : "it cannot become " + std::string(DocumentStatusName(c.to))));
  }
  std::string sql = "UPDATE documents SET status = ?1";
  for (size_t i = 0; i < fields.size(); ++i) {
    sql += ", " + std::string(fields[i].first) + " = ?" + std::to_string(i + 3);
  }
  sql += " WHERE id = ?2";
  {
    BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
    s.BindText(1, DocumentStatusName(c.to)).BindInt(2, d.id);
    for (size_t i = 0; i < fields.size(); ++i) {
      s.BindText(static_cast<int>(i + 3), fields[i].second);
    }
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  if (c.to == DocumentStatus::kRevoked) {
    // Its staff are free to stand with another enterprise.
    BEIAN_RETURN_IF_ERROR(impl_->ForgetStaffLocked(d.id));
  }
  detail.Set("document_id", d.id);
  detail.Set("from", current);
  detail.Set("to", std::string(DocumentStatusName(c.to)));
  for (const auto& [name, value] : fields) {
    detail.Set(std::string(name), value);
    *LifecycleField(d, name) = value;
  }
  BEIAN_RETURN_IF_ERROR(
      impl_->AppendAuditLocked(c.actor, kActionSetStatus, d.number, detail)
          .status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  d.status = c.to;
  return d;
}

core::Result<std::vector<std::string>> CatalogArchive::VoidUnusedNumbers(
    std::string_view actor, std::string_view allocated_before) {
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("actor", actor));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("actor", actor));
  BEIAN_RETURN_IF_ERROR(CheckTime("allocated_before", allocated_before));
  struct Unused {
    std::string district, number, allocated_at;
    int64_t year, serial;
  };
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  std::vector<Unused> unused;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare(
            "SELECT a.district, a.year, a.serial, a.number, a.allocated_at "
            "FROM number_allocations a WHERE a.allocated_at < ?1 AND NOT "
            "EXISTS (SELECT 1 FROM documents d WHERE d.district = a.district "
            "AND d.number_year = a.year AND d.number_serial = a.serial) AND "
            "NOT EXISTS (SELECT 1 FROM number_voids v WHERE v.district = "
            "a.district AND v.year = a.year AND v.serial = a.serial) ORDER "
            "BY a.id"));
    s.BindText(1, allocated_before);
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      unused.push_back(
          {s.Text(0), s.Text(3), s.Text(4), s.Int(1), s.Int(2)});
    }
  }
  std::vector<std::string> voided;
  for (const Unused& u : unused) {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO number_voids (district, year, serial, number, "
                   "allocated_at, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    s.BindText(1, u.district)
        .BindInt(2, u.year)
        .BindInt(3, u.serial)
        .BindText(4, u.number)
        .BindText(5, u.allocated_at)
        .BindText(6, kVoidReasonUnused);
    BEIAN_RETURN_IF_ERROR(s.Run());
    core::Json detail = core::Json::MakeObject();
    detail.Set("allocated_at", u.allocated_at);
    detail.Set("district", u.district);
    detail.Set("number", u.number);
    detail.Set("reason", std::string(kVoidReasonUnused));
    detail.Set("serial", u.serial);
    detail.Set("year", u.year);
    BEIAN_RETURN_IF_ERROR(
        impl_->AppendAuditLocked(actor, kActionVoidNumber, u.number, detail)
            .status());
    voided.push_back(u.number);
  }
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return voided;
}

core::Result<std::vector<StaffKey>> CatalogArchive::FindStaffConflicts(
    const std::vector<StaffKey>& keys, std::string_view credit_code,
    int64_t* presence_version) {
  BEIAN_RETURN_IF_ERROR(CheckStaffKeys(keys));
  std::lock_guard<std::mutex> lock(impl_->reader_mu);
  Database& db = impl_->reader;
  // The version and the check read one snapshot.
  Transaction snapshot(db);
  BEIAN_RETURN_IF_ERROR(snapshot.BeginRead());
  if (presence_version != nullptr) {
    BEIAN_ASSIGN_OR_RETURN(
        *presence_version,
        db.QueryInt("SELECT version FROM staff_presence_version"));
  }
  BEIAN_ASSIGN_OR_RETURN(std::vector<StaffKey> conflicts,
                         Impl::StaffConflicts(db, keys, credit_code));
  BEIAN_RETURN_IF_ERROR(snapshot.Commit());
  return conflicts;
}

core::Result<std::vector<StaffConflict>> CatalogArchive::ListStaffConflicts(
    std::string_view district) {
  if (!district.empty()) BEIAN_RETURN_IF_ERROR(core::DistrictNumberCode(district).status());
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction snapshot(db);
  BEIAN_RETURN_IF_ERROR(snapshot.BeginRead());
  // Persons present with 2+ enterprises (one pass over staff_presence), then
  // the current documents of those enterprises that list them.
  std::vector<StaffConflict> found;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("SELECT hmac FROM staff_presence GROUP BY hmac HAVING "
                   "count(*) >= 2 ORDER BY hmac"));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      found.push_back(StaffConflict{s.Text(0), {}});
    }
  }
  std::vector<StaffConflict> conflicts;
  for (StaffConflict& conflict : found) {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare(Select(kDocumentColumns,
                          ("FROM documents WHERE id IN (SELECT s.document_id "
                           "FROM staff_presence p JOIN document_staff s ON "
                           "s.credit_code = p.credit_code, " +
                           JsonArrays(db.dialect(), "s.keys", "k") + " WHERE p.hmac = ?1 AND " +
                           FirstElement(db.dialect(), "k") + " = ?1) ORDER BY id").c_str())));
    s.BindText(1, conflict.hmac);
    bool in_district = district.empty();
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      BEIAN_ASSIGN_OR_RETURN(Document d, ReadDocument(s));
      d.data.clear();  // may hold personal ID numbers
      in_district = in_district || d.district == district;
      conflict.documents.push_back(std::move(d));
    }
    if (in_district) conflicts.push_back(std::move(conflict));
  }
  BEIAN_RETURN_IF_ERROR(snapshot.Commit());
  return conflicts;
}

core::Result<Document> CatalogArchive::AttachOfd(int64_t document_id, std::string_view ofd,
                                                std::string_view actor) {
  if (ofd.empty()) return core::InvalidArgument("the OFD is empty");
  if (actor.empty() || !core::IsValidUtf8(actor)) return core::InvalidArgument("the actor must be UTF-8 text");
  BEIAN_ASSIGN_OR_RETURN(const Document before, Get(document_id));
  const std::string sha256 = core::Sha256Hex(ofd);
  if (!before.ofd_sha256.empty()) {
    if (before.ofd_sha256 == sha256) return before;
    return core::AlreadyExists("document " + before.number + " has its OFD already");
  }
  // The blob first: a crash before the row commits leaves only an
  // unreferenced blob (a notice of verify).
  BEIAN_ASSIGN_OR_RETURN(const BlobInfo blob, impl_->blobs.Put(ofd));
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(Document d, impl_->GetLocked(document_id));
  if (!d.ofd_sha256.empty()) {
    if (d.ofd_sha256 == blob.sha256) return d;
    return core::AlreadyExists("document " + d.number + " has its OFD already");
  }
  d.ofd_sha256 = blob.sha256;
  d.ofd_sm3 = blob.sm3;
  d.ofd_bytes = blob.size;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("UPDATE documents SET ofd_sha256 = ?2, ofd_sm3 = ?3, ofd_bytes = ?4 "
                   "WHERE id = ?1 AND ofd_sha256 = ''"));
    s.BindInt(1, d.id).BindText(2, d.ofd_sha256).BindText(3, d.ofd_sm3).BindInt(4, d.ofd_bytes);
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  core::Json detail = core::Json::MakeObject();
  detail.Set("document_id", d.id);
  detail.Set("ofd_sha256", d.ofd_sha256);
  detail.Set("row_sha256", DocumentRowDigest(d));
  BEIAN_RETURN_IF_ERROR(impl_->AppendAuditLocked(std::string(actor), kActionAttachOfd, d.number, detail).status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return d;
}

core::Result<std::vector<int64_t>> CatalogArchive::DocumentsWithoutOfd(int64_t after_id, int limit) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      impl_->db.Prepare("SELECT id FROM documents WHERE id > ?1 AND pdf_standard != '' AND "
                        "ofd_sha256 = '' ORDER BY id LIMIT ?2"));
  s.BindInt(1, after_id).BindInt(2, limit);
  return FirstColumnIds(s);
}

core::Result<std::vector<int64_t>> CatalogArchive::DocumentsWithoutStaffKeys() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      impl_->db.Prepare(
          "SELECT id FROM documents WHERE staff_indexed = 0 ORDER BY id"));
  return FirstColumnIds(s);
}

core::Status CatalogArchive::SetStaffKeys(int64_t document_id,
                                         const std::vector<StaffKey>& keys) {
  BEIAN_RETURN_IF_ERROR(CheckStaffKeys(keys));
  std::lock_guard<std::mutex> lock(impl_->mu);
  Transaction txn(impl_->db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(const Document document, impl_->GetLocked(document_id));
  BEIAN_RETURN_IF_ERROR(impl_->WriteStaffKeysLocked(document, keys));
  return txn.Commit();
}

core::Result<AccessToken> CatalogArchive::AddAccessToken(
    const NewAccessToken& in) {
  BEIAN_RETURN_IF_ERROR(CheckNewAccessToken(in));
  AccessToken t;
  t.role = in.role;
  t.credit_code = in.credit_code;
  t.district = in.district;
  t.label = in.label;
  t.created_by = in.created_by;
  t.created_at = impl_->Now();
  t.secret_sha256 = in.secret_sha256;
  t.name = in.name;
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO access_tokens (secret_sha256, role, "
                   "credit_code, district, label, created_by, created_at, "
                   "name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id"));
    s.BindText(1, t.secret_sha256)
        .BindText(2, AccessRoleName(t.role))
        .BindText(3, t.credit_code)
        .BindText(4, t.district)
        .BindText(5, t.label)
        .BindText(6, t.created_by)
        .BindText(7, t.created_at)
        .BindText(8, t.name);
    core::Result<int64_t> inserted = InsertedId(s);
    if (inserted.status().code() == core::Code::kFailedPrecondition) {
      return core::FailedPrecondition("a token with this secret exists");
    }
    BEIAN_RETURN_IF_ERROR(inserted.status());
    t.id = *inserted;
  }
  core::Json detail = core::Json::MakeObject();
  detail.Set("token_id", t.id);
  detail.Set("role", std::string(AccessRoleName(t.role)));
  detail.Set("row_sha256", AccessTokenRowDigest(t));
  BEIAN_RETURN_IF_ERROR(impl_
                            ->AppendAuditLocked(t.created_by,
                                                kActionTokenCreate,
                                                "token " + std::to_string(t.id),
                                                detail)
                            .status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return t;
}

core::Result<AccessToken> CatalogArchive::FindAccessToken(
    std::string_view secret_sha256) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s,
      impl_->db.Prepare(Select(kAccessTokenColumns,
                               "FROM access_tokens WHERE secret_sha256 = ?1")));
  s.BindText(1, secret_sha256);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return core::NotFound("no such access token");
  return ReadAccessToken(s);
}

core::Result<std::vector<AccessToken>> CatalogArchive::ListAccessTokens() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s, impl_->db.Prepare(Select(kAccessTokenColumns,
                                            "FROM access_tokens ORDER BY id")));
  std::vector<AccessToken> tokens;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    tokens.push_back(ReadAccessToken(s));
  }
  return tokens;
}

core::Result<AccessToken> CatalogArchive::RevokeAccessToken(
    int64_t id, std::string_view actor) {
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("actor", actor));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("actor", actor));
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  AccessToken t;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s, db.Prepare(Select(kAccessTokenColumns,
                                       "FROM access_tokens WHERE id = ?1")));
    s.BindInt(1, id);
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) return core::NotFound("no access token " + std::to_string(id));
    t = ReadAccessToken(s);
  }
  if (t.revoked()) return t;
  t.revoked_at = impl_->Now();
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("UPDATE access_tokens SET revoked_at = ?1 WHERE id = ?2"));
    s.BindText(1, t.revoked_at).BindInt(2, t.id);
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  core::Json detail = core::Json::MakeObject();
  detail.Set("token_id", t.id);
  detail.Set("row_sha256", AccessTokenRowDigest(t));
  BEIAN_RETURN_IF_ERROR(
      impl_
          ->AppendAuditLocked(actor, kActionTokenRevoke,
                              "token " + std::to_string(t.id), detail)
          .status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return t;
}

core::Result<std::vector<AuditEntry>> CatalogArchive::AuditEntriesOf(std::string_view subject, int limit) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s, impl_->db.Prepare(std::string("SELECT ") + kAuditColumns +
                                     " FROM audit_log WHERE subject = ?1 ORDER BY seq LIMIT ?2"));
  s.BindText(1, subject).BindInt(2, std::clamp(limit, 1, 10000));
  std::vector<AuditEntry> entries;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    entries.push_back(ReadAuditEntry(s));
  }
  return entries;
}

// ---- Users, sessions and failed sign-ins

namespace {

// The user `id` in the caller's transaction; kNotFound if none.
core::Result<User> UserById(Database& db, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(Select(kUserColumns, "FROM users WHERE id = ?1")));
  s.BindInt(1, id);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return core::NotFound("no user " + std::to_string(id));
  return ReadUser(s);
}

core::Status EndSessionsOf(Database& db, int64_t user_id, const std::string& at) {
  BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare("UPDATE user_sessions SET ended_at = ?1 "
                                                 "WHERE user_id = ?2 AND ended_at = ''"));
  s.BindText(1, at).BindInt(2, user_id);
  return s.Run();
}

core::Json UserDetail(const User& u) {
  core::Json detail = core::Json::MakeObject();
  detail.Set("user_id", u.id);
  detail.Set("username", u.username);
  detail.Set("role", std::string(AccessRoleName(u.role)));
  detail.Set("row_sha256", UserRowDigest(u));
  return detail;
}

}  // namespace

core::Result<User> CatalogArchive::AddUser(const NewUser& in) {
  BEIAN_RETURN_IF_ERROR(CheckNewUser(in));
  User u;
  u.username = in.username;
  u.role = in.role;
  u.credit_code = in.credit_code;
  u.district = in.district;
  u.name = in.name;
  u.display_name = in.display_name;
  u.password_hash = in.password_hash;
  u.created_by = in.created_by;
  u.created_at = impl_->Now();
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("INSERT INTO users (username, role, credit_code, district, name, display_name, "
                   "password_hash, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                   "RETURNING id"));
    s.BindText(1, u.username)
        .BindText(2, AccessRoleName(u.role))
        .BindText(3, u.credit_code)
        .BindText(4, u.district)
        .BindText(5, u.name)
        .BindText(6, u.display_name)
        .BindText(7, u.password_hash)
        .BindText(8, u.created_by)
        .BindText(9, u.created_at);
    core::Result<int64_t> inserted = InsertedId(s);
    if (inserted.status().code() == core::Code::kFailedPrecondition) {
      return core::FailedPrecondition("the username \"" + u.username + "\" is taken");
    }
    BEIAN_RETURN_IF_ERROR(inserted.status());
    u.id = *inserted;
  }
  BEIAN_RETURN_IF_ERROR(
      impl_->AppendAuditLocked(u.created_by, kActionUserCreate, "user " + u.username, UserDetail(u)).status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return u;
}

core::Result<User> CatalogArchive::FindUser(std::string_view username) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(Statement s, impl_->db.Prepare(Select(kUserColumns, "FROM users WHERE username = ?1")));
  s.BindText(1, username);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return core::NotFound("no such user");
  return ReadUser(s);
}

core::Result<User> CatalogArchive::GetUser(int64_t id) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return UserById(impl_->db, id);
}

core::Result<std::vector<User>> CatalogArchive::ListUsers() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(Statement s, impl_->db.Prepare(Select(kUserColumns, "FROM users ORDER BY id")));
  std::vector<User> users;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    users.push_back(ReadUser(s));
  }
  return users;
}

core::Result<User> CatalogArchive::Impl::ChangeUser(
    int64_t id, std::string_view actor, std::string_view action,
    const std::function<core::Result<bool>(User&, const std::string& now)>& change) {
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("actor", actor));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("actor", actor));
  std::lock_guard<std::mutex> lock(mu);
  Transaction txn(db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(User u, UserById(db, id));
  const std::string now = Now();
  BEIAN_ASSIGN_OR_RETURN(const bool changed, change(u, now));
  if (!changed) return u;
  {
    BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare("UPDATE users SET password_hash = ?1, disabled_at = ?2 "
                                                   "WHERE id = ?3"));
    s.BindText(1, u.password_hash).BindText(2, u.disabled_at).BindInt(3, u.id);
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  BEIAN_RETURN_IF_ERROR(EndSessionsOf(db, u.id, now));
  BEIAN_RETURN_IF_ERROR(AppendAuditLocked(std::string(actor), action, "user " + u.username, UserDetail(u)).status());
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return u;
}

core::Result<User> CatalogArchive::DisableUser(int64_t id, std::string_view actor) {
  return impl_->ChangeUser(id, actor, kActionUserDisable, [&](User& u, const std::string& now) -> core::Result<bool> {
    if (u.disabled()) return false;
    u.disabled_at = now;
    return true;
  });
}

core::Result<User> CatalogArchive::SetUserPassword(int64_t id, std::string_view password_hash,
                                                  std::string_view actor) {
  if (password_hash.compare(0, 8, "$scrypt$") != 0 || password_hash.size() > 200) {
    return core::InvalidArgument("password_hash must be a scrypt PHC string");
  }
  return impl_->ChangeUser(id, actor, kActionUserPassword, [&](User& u, const std::string&) -> core::Result<bool> {
    u.password_hash = std::string(password_hash);
    return true;
  });
}

core::Status CatalogArchive::AddUserSession(const NewUserSession& in) {
  BEIAN_RETURN_IF_ERROR(CheckNewUserSession(in));
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s, impl_->db.Prepare("INSERT INTO user_sessions (secret_sha256, user_id, created_at, expires_at, "
                                     "idle_until) VALUES (?1, ?2, ?3, ?4, ?5)"));
  s.BindText(1, in.secret_sha256)
      .BindInt(2, in.user_id)
      .BindText(3, in.created_at)
      .BindText(4, in.expires_at)
      .BindText(5, in.idle_until);
  return s.Run();
}

core::Result<UserSession> CatalogArchive::FindUserSession(std::string_view secret_sha256) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s, impl_->db.Prepare(Select(kUserSessionColumns, "FROM user_sessions WHERE secret_sha256 = ?1")));
  s.BindText(1, secret_sha256);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return core::NotFound("no such session");
  return ReadUserSession(s);
}

core::Status CatalogArchive::TouchUserSession(std::string_view secret_sha256, std::string_view idle_until) {
  if (!core::IsBeijingTime(idle_until)) return core::InvalidArgument("idle_until must be Beijing time");
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(
      Statement s, impl_->db.Prepare("UPDATE user_sessions SET idle_until = CASE WHEN ?1 < expires_at "
                                     "THEN ?1 ELSE expires_at END "
                                     "WHERE secret_sha256 = ?2 AND ended_at = ''"));
  s.BindText(1, idle_until).BindText(2, secret_sha256);
  return s.Run();
}

core::Status CatalogArchive::EndUserSession(std::string_view secret_sha256) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(Statement s, impl_->db.Prepare("UPDATE user_sessions SET ended_at = ?1 "
                                                        "WHERE secret_sha256 = ?2 AND ended_at = ''"));
  s.BindText(1, impl_->Now()).BindText(2, secret_sha256);
  return s.Run();
}

core::Result<SignInFailures> CatalogArchive::GetSignInFailures(std::string_view username) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(Statement s, impl_->db.Prepare("SELECT failures, last_failed_at FROM signin_failures "
                                                        "WHERE username = ?1"));
  s.BindText(1, username);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return SignInFailures{};
  return SignInFailures{s.Int(0), s.Text(1)};
}

core::Result<SignInFailures> CatalogArchive::RecordSignInFailure(std::string_view username) {
  if (username.empty() || username.size() > 256) return core::InvalidArgument("username must be 1 to 256 bytes");
  std::lock_guard<std::mutex> lock(impl_->mu);
  const std::string now = impl_->Now();
  BEIAN_ASSIGN_OR_RETURN(
      Statement s, impl_->db.Prepare("INSERT INTO signin_failures (username, failures, last_failed_at) "
                                     "VALUES (?1, 1, ?2) ON CONFLICT (username) DO UPDATE SET "
                                     "failures = signin_failures.failures + 1, last_failed_at = excluded.last_failed_at "
                                     "RETURNING failures"));
  s.BindText(1, username).BindText(2, now);
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return core::Internal("recording a failed sign-in returned no row");
  SignInFailures f{s.Int(0), now};
  BEIAN_RETURN_IF_ERROR(s.Run());
  return f;
}

core::Status CatalogArchive::ClearSignInFailures(std::string_view username) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(Statement s, impl_->db.Prepare("DELETE FROM signin_failures WHERE username = ?1"));
  s.BindText(1, username);
  return s.Run();
}

core::Result<SignInFailures> CatalogArchive::GetSignInThrottle(std::string_view key) {
  if (key.empty() || key.size() > 256) return core::InvalidArgument("a sign-in throttle key is 1 to 256 bytes");
  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(Statement s, impl_->db.Prepare("SELECT failures, last_failed_at FROM signin_throttle "
                                                        "WHERE key = ?1"));
  s.BindText(1, core::Sha256Hex(key));
  BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
  if (!row) return SignInFailures{};
  return SignInFailures{s.Int(0), s.Text(1)};
}

core::Result<SignInFailures> CatalogArchive::RecordSignInThrottle(std::string_view key) {
  if (key.empty() || key.size() > 256) return core::InvalidArgument("a sign-in throttle key is 1 to 256 bytes");
  std::lock_guard<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  const std::string now = impl_->Now();
  SignInFailures f;
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s, db.Prepare("INSERT INTO signin_throttle (key, failures, last_failed_at) VALUES (?1, 1, ?2) "
                                "ON CONFLICT (key) DO UPDATE SET failures = signin_throttle.failures + 1, "
                                "last_failed_at = excluded.last_failed_at RETURNING failures"));
    s.BindText(1, core::Sha256Hex(key)).BindText(2, now);
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) return core::Internal("recording a failed sign-in returned no row");
    f = SignInFailures{s.Int(0), now};
    BEIAN_RETURN_IF_ERROR(s.Run());
  }
  // The bound: the keys failed longest ago go first.
  BEIAN_ASSIGN_OR_RETURN(Statement s,
                         db.Prepare("DELETE FROM signin_throttle WHERE key IN (SELECT key FROM signin_throttle "
                                    "ORDER BY last_failed_at, key LIMIT (SELECT CASE WHEN count(*) > ?1 THEN "
                                    "count(*) - ?1 ELSE 0 END FROM signin_throttle))"));
  s.BindInt(1, kSignInThrottleKeys);
  BEIAN_RETURN_IF_ERROR(s.Run());
  return f;
}

core::Result<AuditEntry> CatalogArchive::AppendAudit(const NewAuditEntry& in) {
  BEIAN_RETURN_IF_ERROR(CheckActionName(in.action));
  if (IsArchiveAction(in.action)) {
    return core::InvalidArgument("audit action \"" + in.action +
                                 "\" is written by the archive itself");
  }
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("actor", in.actor));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("actor", in.actor));
  if (!core::IsValidUtf8(in.subject)) {
    return core::InvalidArgument("subject is not UTF-8");
  }
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("subject", in.subject));
  std::lock_guard<std::mutex> lock(impl_->mu);
  Transaction txn(impl_->db);
  BEIAN_RETURN_IF_ERROR(txn.BeginWrite());
  BEIAN_ASSIGN_OR_RETURN(
      AuditEntry e,
      impl_->AppendAuditLocked(in.actor, in.action, in.subject, in.detail));
  BEIAN_RETURN_IF_ERROR(txn.Commit());
  return e;
}

namespace {

// kInvalidArgument unless 1 <= limit <= 1000.
core::Status CheckLimit(const DocumentFilter& filter) {
  if (filter.limit >= 1 && filter.limit <= 1000) return core::Status::Ok();
  return core::InvalidArgument("limit must be 1..1000, got " +
                               std::to_string(filter.limit));
}

// Appends the filter's conditions on the documents row (`column_prefix` "" or
// "d."), each value through `bind` (which returns its "?N"): kind, district
// and credit code unless `indexed` says the full-text index answers them,
// then status and the issue-time bounds.
template <typename Bind>
void AppendRowConditions(std::string& sql, const DocumentFilter& filter,
                         const std::string& column_prefix, bool indexed,
                         Bind bind) {
  auto condition = [&](const char* column, const char* op,
                       const std::string& value) {
    sql += " AND " + column_prefix + column + op + bind(value);
  };
  if (!indexed) {
    if (!filter.kind.empty()) condition("kind", " = ", filter.kind);
    if (!filter.district.empty()) condition("district", " = ", filter.district);
    if (!filter.credit_code.empty()) {
      condition("credit_code", " = ", filter.credit_code);
    }
  }
  if (filter.status) {
    condition("status", " = ", std::string(DocumentStatusName(*filter.status)));
  }
  if (!filter.issued_from.empty()) {
    condition("issued_at", " >= ", filter.issued_from);
  }
  if (!filter.issued_before.empty()) {
    condition("issued_at", " < ", filter.issued_before);
  }
}

// Reads the rows of `s` (which asked for limit + 1) into a page: the extra
// row, if any, only says that another page follows.
core::Result<DocumentPage> ReadPage(Statement& s, int limit,
                                    bool without_data) {
  DocumentPage page;
  for (;;) {
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (!row) break;
    BEIAN_ASSIGN_OR_RETURN(Document d, ReadDocument(s));
    if (without_data) d.data.clear();
    page.documents.push_back(std::move(d));
  }
  if (static_cast<int>(page.documents.size()) > limit) {
    page.documents.pop_back();
    const Document& last = page.documents.back();
    page.next = DocumentCursor{last.issued_at, last.id};
  }
  return page;
}

}  // namespace

// Text search on PostgreSQL, newest first, over the bucketed terms
// (search_terms.h): every term of `terms` and, if given, any of `period`,
// with the filter's row conditions and keyset. GIN answers "which documents
// of a bucket hold these lexemes" but not in id order, and every match costs
// a heap fetch to learn its id, however few the page needs; testing
// documents one by one newest first finds the newest at once when matches are
// dense. So the search walks the candidates, newest first: the documents of
// the filter's enterprise, else of its district and kind, by an index of
// documents (which holds issued_at, so a period is tested there too), or
// every document when the filter names none of them. From what the walk
// measured (how dense the candidates are, what share of them match) it goes
// on walking or asks GIN bucket by bucket, whichever costs less for the rest
// of the page. A period bounds the ids to those its months' documents span
// (search_months). Matching ids are then read from documents with the row
// conditions, in id order, until the page (limit + 1) is full.
// bench/archive_search_bench measures it at 1,000,000 documents; the costs
// below are what it measured per step on PostgreSQL 15.
core::Result<DocumentPage> SearchTermBuckets(Database& db, const std::vector<std::string>& terms,
                                             const std::vector<std::string>* period, const DocumentFilter& filter) {
  constexpr int64_t kBucketIds = int64_t{1} << kTermBucketBits;
  constexpr int64_t kProbeRows = 128;         // most candidates tested before choosing
  constexpr int64_t kMostRowsAStep = 1024;    // candidates tested in one statement
  constexpr int64_t kMostBucketsAStep = 32;   // buckets in one statement
  constexpr double kBucketMicros = 150;       // a bucket asked of GIN
  const int64_t want = filter.limit + 1;
  // The tsquery of bucket `b`.
  auto query_for = [&](int64_t b) {
    std::vector<std::string> all;
    for (const std::string& t : terms) all.push_back(BucketedTerm(b, t));
    std::string q = TsQueryAllOf(all);
    if (period != nullptr) {
      std::vector<std::string> any;
      for (const std::string& t : *period) any.push_back(BucketedTerm(b, t));
      q += " & " + TsQueryAnyOf(any);
    }
    return q;
  };
  // The documents among `ids` (descending) that meet the row conditions, up
  // to the page, appended to `found`: as many ids a statement as the page
  // lacks (most meet them; each read costs a heap fetch).
  std::string fetch_sql = "SELECT " + PrefixedDocumentColumns() + " FROM documents d WHERE d.id = ANY(CAST(?1 AS bigint[]))";
  int next = 2;
  std::vector<std::pair<int, std::string>> texts;
  AppendRowConditions(fetch_sql, filter, "d.", /*indexed=*/true, [&](const std::string& value) {
    texts.push_back({next, value});
    return "?" + std::to_string(next++);
  });
  fetch_sql += " ORDER BY d.id DESC";
  std::vector<Document> found;
  auto fetch = [&](const std::vector<int64_t>& ids) -> core::Status {
    for (size_t i = 0; i < ids.size() && static_cast<int64_t>(found.size()) < want;) {
      std::string array = "{";
      for (int64_t n = want - static_cast<int64_t>(found.size()); n > 0 && i < ids.size(); --n, ++i) {
        array += (array.size() > 1 ? "," : "") + std::to_string(ids[i]);
      }
      array += "}";
      BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(fetch_sql));
      s.BindText(1, array);
      for (const auto& [index, value] : texts) s.BindText(index, value);
      for (;;) {
        BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
        if (!row) break;
        BEIAN_ASSIGN_OR_RETURN(Document d, ReadDocument(s));
        d.data.clear();  // may hold personal ID numbers: never in search results
        found.push_back(std::move(d));
      }
    }
    return core::Status::Ok();
  };
  // Which scans the planner may use now: 0 as it likes, 1 indexes in order,
  // 2 GIN.
  int scans = 0;
  auto allow = [&](int wanted) -> core::Status {
    if (scans == wanted) return core::Status::Ok();
    scans = wanted;
    return db.Exec(wanted == 1 ? "SET LOCAL enable_indexscan = on; SET LOCAL enable_bitmapscan = off"
                               : "SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = on");
  };
  // The candidates: the filter's enterprise, else its district and kind, in
  // id order by an index of documents (which holds issued_at: a period is
  // asked of the index too); without either, every document.
  std::string facets;
  std::vector<std::string> facet_values;
  auto facet = [&](const char* condition, const std::string& value) {
    facets += std::string(facets.empty() ? "" : " AND ") + condition + std::to_string(6 + facet_values.size());
    facet_values.push_back(value);
  };
  if (!filter.credit_code.empty()) {
    facet("credit_code = ?", filter.credit_code);
  } else {
    if (!filter.district.empty()) facet("district = ?", filter.district);
    if (!filter.kind.empty()) facet("kind = ?", filter.kind);
  }
  if (!facets.empty() && !filter.issued_from.empty()) facet("issued_at >= ?", filter.issued_from);
  if (!facets.empty() && !filter.issued_before.empty()) facet("issued_at < ?", filter.issued_before);
  // Each candidate is tested against the tsquery of its own bucket: ?3 holds
  // those of buckets ?5 and up.
  auto own_query = [](const char* id) {
    return "(CAST(?3 AS tsquery[]))[(" + std::string(id) + " >> " + std::to_string(kTermBucketBits) + ") - ?5 + 1]";
  };
  // A candidate tested: read in id order beside its neighbours, or fetched
  // on its own by the id an index of documents gave. A GIN match fetched:
  // among the newest pages, which stay cached, or one of a district's or
  // kind's, scattered as that walk's.
  const double test_micros = facets.empty() ? 4 : 20;
  const double fetch_micros = facets.empty() ? 2 : 15;
  // Candidates tested before choosing: where each costs more, those that
  // would fill the page twice.
  const int64_t probe = facets.empty() ? kProbeRows : std::min(kProbeRows, 2 * want);
  const std::string walk_sql =
      facets.empty()
          ? "SELECT document_id, CAST(terms @@ " + own_query("document_id") + " AS integer) FROM document_terms "
            "WHERE document_id >= ?1 AND document_id < ?2 ORDER BY document_id DESC LIMIT ?4"
          : "SELECT c.id, CAST(coalesce(t.terms @@ " + own_query("c.id") + ", false) AS integer) FROM (SELECT id FROM "
                "documents WHERE " +
                facets + " AND id >= ?1 AND id < ?2 ORDER BY id DESC LIMIT ?4) c LEFT JOIN document_terms t "
                "ON t.document_id = c.id ORDER BY c.id DESC";
  // The newest `limit` candidates in [low, high), at most kMostBucketsAStep
  // buckets: the ids of those that match, how many were tested and the
  // lowest of them.
  struct Walked {
    std::vector<int64_t> matches;
    int64_t tested = 0;
    int64_t lowest = 0;
  };
  auto walk = [&](int64_t low, int64_t high, int64_t limit) -> core::Result<Walked> {
    BEIAN_RETURN_IF_ERROR(allow(1));
    const int64_t first = TermBucket(low), last = TermBucket(high - 1);
    std::string queries = "{";
    for (int64_t b = first; b <= last; ++b) queries += (b == first ? "" : ",") + PgArrayElement(query_for(b));
    queries += "}";
    BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(walk_sql));
    s.BindInt(1, low).BindInt(2, high).BindText(3, queries).BindInt(4, limit).BindInt(5, first);
    for (size_t i = 0; i < facet_values.size(); ++i) s.BindText(static_cast<int>(6 + i), facet_values[i]);
    Walked w;
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      ++w.tested;
      w.lowest = s.Int(0);
      if (s.Int(1) != 0) w.matches.push_back(w.lowest);
    }
    return w;
  };
  // The newest `want` matching ids in [low, high) of each of `buckets`
  // buckets from TermBucket(high - 1) down, by GIN, newest first: one
  // statement, a branch per bucket, each a plain AND of its lexemes (one OR
  // over the buckets would make GIN read every posting list whole). The id
  // bounds only trim the edge buckets: a filter, not a bitmap of the span.
  auto by_gin = [&](int64_t buckets, int64_t low, int64_t high) -> core::Result<std::vector<int64_t>> {
    BEIAN_RETURN_IF_ERROR(allow(2));
    std::string sql;
    for (int64_t i = 0; i < buckets; ++i) {
      const std::string q = "?" + std::to_string(i + 4);
      sql += std::string(i == 0 ? "" : " UNION ALL ") +
             "(SELECT document_id FROM document_terms WHERE document_id + 0 >= ?1 AND document_id + 0 < ?2 AND "
             "terms @@ CAST(" + q + " AS tsquery) ORDER BY document_id DESC LIMIT ?3)";
    }
    BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
    s.BindInt(1, low).BindInt(2, high).BindInt(3, want);
    const int64_t top = TermBucket(high - 1);
    for (int64_t i = 0; i < buckets; ++i) s.BindText(static_cast<int>(i + 4), query_for(top - i));
    BEIAN_ASSIGN_OR_RETURN(std::vector<int64_t> ids, FirstColumnIds(s));
    std::sort(ids.begin(), ids.end(), std::greater<>());
    return ids;
  };

  int64_t high = 0;  // exclusive: everything below is still to search
  if (filter.after) {
    high = filter.after->id;
  } else {
    BEIAN_ASSIGN_OR_RETURN(high, db.QueryInt("SELECT coalesce(max(id), 0) + 1 FROM documents"));
  }
  int64_t lowest = 1;  // inclusive: nothing below can match
  if (!filter.issued_from.empty() || !filter.issued_before.empty()) {
    // The ids the months of the period span (search_months): documents
    // issued then lie within them, whenever they were filed.
    BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare("SELECT coalesce(min(first_id), 0), coalesce(max(last_id), 0) "
                                                   "FROM search_months WHERE month >= ?1 AND month <= ?2"));
    s.BindText(1, filter.issued_from.substr(0, 7))
        .BindText(2, filter.issued_before.empty() ? std::string("9999-99") : filter.issued_before.substr(0, 7));
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (row) {
      lowest = std::max<int64_t>(1, s.Int(0));
      high = std::min(high, s.Int(1) + 1);
    }
  }
  // The plan of each statement is made once and kept (planning a tsquery
  // costs more than running it on a bucket); candidates are tested in a
  // nested loop, in the order of their index; no JIT (the planner's costs
  // of a GIN step over many buckets would have it compile for 20 ms what runs
  // in 1).
  BEIAN_RETURN_IF_ERROR(db.Exec("SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; "
                                "SET LOCAL enable_mergejoin = off; SET LOCAL max_parallel_workers_per_gather = 0; "
                                "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL jit = off"));
  // What the walk measured: candidates tested, those that matched, and the
  // ids they spanned.
  int64_t tested = 0, matched = 0, spanned = 0;
  bool walking = true;
  int64_t span = 1;  // buckets a GIN step asks
  while (static_cast<int64_t>(found.size()) < want && high > lowest) {
    const int64_t remaining = want - static_cast<int64_t>(found.size());
    const int64_t top = TermBucket(high - 1);
    if (walking) {
      // The probe, then enough candidates for the rest of the page at the
      // share measured.
      int64_t limit = probe - tested;
      if (tested >= probe) {
        limit = std::clamp<int64_t>(3 * remaining * tested / (2 * std::max<int64_t>(matched, 1)), 32, kMostRowsAStep);
      }
      // Buckets enough for them, if the density of candidates is known.
      int64_t buckets = kMostBucketsAStep;
      if (facets.empty()) {  // every id a candidate
        const int64_t in_top = high - (top << kTermBucketBits);
        buckets = limit <= in_top ? 1 : 1 + (limit - in_top + kBucketIds - 1) / kBucketIds;
      } else if (tested > 0) {
        buckets = limit * spanned / tested / kBucketIds + 2;
      }
      buckets = std::min(buckets, kMostBucketsAStep);
      const int64_t low = std::max(lowest, (top - buckets + 1) << kTermBucketBits);
      BEIAN_ASSIGN_OR_RETURN(const Walked w, walk(low, high, limit));
      BEIAN_RETURN_IF_ERROR(fetch(w.matches));
      const int64_t end = w.tested == limit ? w.lowest : low;  // all of [low, high) tested, or down to here
      tested += w.tested;
      matched += static_cast<int64_t>(w.matches.size());
      spanned += high - end;
      high = end;
      const int64_t rest = want - static_cast<int64_t>(found.size());
      if (rest <= 0 || tested < probe) continue;
      // Go on walking, or ask GIN: the cheaper for the rest of the page.
      const double share = double(std::max<int64_t>(matched, 1)) / double(tested + 1);
      const double per_bucket = double(kBucketIds) * double(tested) / double(std::max<int64_t>(spanned, 1)) * share;
      const double walk_cost = matched == 0 ? 1e18 : test_micros * double(rest) / share;
      const double gin_buckets = std::ceil(double(rest) / per_bucket);
      const double gin_cost = kBucketMicros * gin_buckets + fetch_micros * std::max(double(rest), per_bucket);
      if (gin_cost < walk_cost) {
        walking = false;
        span = std::clamp<int64_t>(static_cast<int64_t>(gin_buckets), 1, kMostBucketsAStep);
      }
    } else {
      const int64_t buckets = std::min(span, top - TermBucket(lowest) + 1);
      const int64_t low = std::max<int64_t>(lowest, (top - buckets + 1) << kTermBucketBits);
      BEIAN_ASSIGN_OR_RETURN(const std::vector<int64_t> ids, by_gin(buckets, low, high));
      BEIAN_RETURN_IF_ERROR(fetch(ids));
      // Fewer than the page: ask more buckets next time, as many as the
      // matches of these say.
      const int64_t rest = want - static_cast<int64_t>(found.size());
      if (rest > 0) {
        const int64_t per_bucket = static_cast<int64_t>(ids.size()) / buckets;
        span = std::clamp<int64_t>(per_bucket > 0 ? (rest + per_bucket - 1) / per_bucket : 2 * buckets, 1,
                                   kMostBucketsAStep);
      }
      high = low;
    }
  }
  DocumentPage page;
  page.documents = std::move(found);
  if (static_cast<int64_t>(page.documents.size()) > filter.limit) {
    page.documents.pop_back();
    const Document& last = page.documents.back();
    page.next = DocumentCursor{last.issued_at, last.id};
  }
  return page;
}

core::Result<DocumentPage> CatalogArchive::ListDocuments(
    const DocumentFilter& filter) {
  BEIAN_RETURN_IF_ERROR(CheckLimit(filter));
  std::string sql = Select(kDocumentColumns, "FROM documents WHERE true");
  int next = 1;
  std::vector<std::pair<int, std::string>> texts;
  auto bind_text = [&](const std::string& value) {
    texts.push_back({next, value});
    return "?" + std::to_string(next++);
  };
  AppendRowConditions(sql, filter, "", /*indexed=*/false, bind_text);
  int after_index = 0;
  if (filter.after) {
    after_index = next;
    sql += " AND (issued_at, id) < (?" + std::to_string(next) + ", ?" +
           std::to_string(next + 1) + ")";
    next += 2;
  }
  sql += " ORDER BY issued_at DESC, id DESC LIMIT ?" + std::to_string(next);

  std::lock_guard<std::mutex> lock(impl_->mu);
  BEIAN_ASSIGN_OR_RETURN(Statement s, impl_->db.Prepare(sql));
  for (const auto& [index, value] : texts) s.BindText(index, value);
  if (filter.after) {
    s.BindText(after_index, filter.after->issued_at)
        .BindInt(after_index + 1, filter.after->id);
  }
  s.BindInt(next, filter.limit + 1);
  return ReadPage(s, filter.limit, /*without_data=*/false);
}

core::Result<DocumentPage> CatalogArchive::Search(const SearchQuery& query) {
  const DocumentFilter& filter = query.filter;
  BEIAN_RETURN_IF_ERROR(CheckLimit(filter));
  const std::string_view text = Trim(query.text);
  if (text.empty()) {
    return core::InvalidArgument(
        "search query is empty: give 2+ Chinese characters, pinyin, a "
        "document number or a credit-code prefix");
  }
  if (!core::IsValidUtf8(text)) {
    return core::InvalidArgument("search query is not valid UTF-8");
  }

  // How the documents are found; the filter and keyset conditions on the row
  // are the same for all three.
  enum class Mode { kNumber, kCreditCode, kText };
  Mode mode = Mode::kText;
  std::string number, credit_low, credit_high, match;

  std::unique_lock<std::mutex> lock(impl_->mu);
  Database& db = impl_->db;
  // One snapshot for the probes and the page.
  Transaction snapshot(db);
  BEIAN_RETURN_IF_ERROR(snapshot.BeginRead());
  {
    BEIAN_ASSIGN_OR_RETURN(std::optional<Document> found,
                           impl_->FindNumberLocked(text));
    if (!found) {
      const std::string normalized = NormalizeDocumentNumber(text);
      if (normalized != text) {
        BEIAN_ASSIGN_OR_RETURN(found, impl_->FindNumberLocked(normalized));
      }
    }
    if (found) {
      mode = Mode::kNumber;
      number = found->number;
    }
  }
  // Full-text terms, all required.
  std::vector<std::string> terms;
  if (mode == Mode::kText) {
    if (const std::optional<std::string> prefix = CreditCodePrefix(text)) {
      // The first and last code with the prefix: two index probes.
      BEIAN_ASSIGN_OR_RETURN(
          Statement probe,
          db.Prepare("SELECT min(credit_code), max(credit_code) FROM documents WHERE credit_code >= ?1 AND "
                     "credit_code < ?2"));
      // Credit codes are [0-9A-Z]; '~' sorts after all of them.
      probe.BindText(1, *prefix).BindText(2, *prefix + "~");
      BEIAN_ASSIGN_OR_RETURN(const bool row, probe.Step());
      const bool any = row && !probe.IsNull(0);
      const std::string first = any ? probe.Text(0) : std::string(), last = any ? probe.Text(1) : std::string();
      if (any && prefix->size() <= kMaxIndexedCreditCodePrefix) {
        // Matches many documents: the index term yields them newest first.
        terms.push_back(CreditCodePrefixTerm(*prefix));
      } else if (any) {
        mode = Mode::kCreditCode;
        credit_low = *prefix;
        credit_high = *prefix + "~";
        // One enterprise (the usual answer to 10+ characters): its documents
        // come from the index of codes in id order, not sorted afterwards.
        if (first == last) credit_low = credit_high = first;
      }
    }
  }
  if (mode == Mode::kText) {
    if (terms.empty()) {
      core::Result<std::vector<std::string>> words = QueryTerms(text);
      if (!words.ok()) {
        return core::InvalidArgument(
            words.status().message() +
            " (search takes 2+ Chinese characters, pinyin, a document number "
            "or a credit-code prefix of 6+ characters)");
      }
      terms = std::move(words).value();
    }
    // Kind, district and period are facet terms: one FTS5 scan answers them.
    // (PostgreSQL joins them its own way: PostgresFacetTerms.)
    const std::vector<std::string> text_terms = terms;
    if (!filter.kind.empty()) terms.push_back(FacetTerm("kind", filter.kind));
    if (!filter.district.empty()) {
      terms.push_back(FacetTerm("district", filter.district));
    }
    if (!filter.credit_code.empty()) {
      terms.push_back(CreditCodePrefixTerm(filter.credit_code));
    }
    match = MatchExpression(terms);
    if (match.empty()) {
      return core::InvalidArgument("search query has nothing to search for");
    }
    std::optional<std::vector<std::string>> period;
    if (!filter.issued_from.empty() || !filter.issued_before.empty()) {
      BEIAN_ASSIGN_OR_RETURN(
          Statement span,
          db.Prepare("SELECT (SELECT min(issued_at) FROM documents), "
                     "(SELECT max(issued_at) FROM documents)"));
      BEIAN_ASSIGN_OR_RETURN(const bool row, span.Step());
      if (row) {
        period = PeriodTerms(filter.issued_from, filter.issued_before,
                             span.Text(0), span.Text(1));
        if (period && period->empty()) {
          BEIAN_RETURN_IF_ERROR(snapshot.Commit());
          return DocumentPage{};  // no document issued in the range
        }
        if (period) match += " AND " + MatchAnyOf(*period);
      }
    }
    if (db.dialect() == SqlDialect::kPostgres) {
      std::vector<std::string> all = text_terms, any;
      PostgresFacetTerms(filter.kind, filter.district, filter.credit_code, period ? &*period : nullptr, &all, &any);
      BEIAN_ASSIGN_OR_RETURN(DocumentPage page, SearchTermBuckets(db, all, period ? &any : nullptr, filter));
      BEIAN_RETURN_IF_ERROR(snapshot.Commit());
      return page;
    }
  }

  // Newest first is id descending; a page continues below the cursor's id.
  // The keyset bound is the one rowid upper bound FTS5 takes.
  std::string sql = "SELECT " + PrefixedDocumentColumns();
  int next = 1;
  std::vector<std::pair<int, std::string>> texts;
  auto bind_text = [&](const std::string& value) {
    texts.push_back({next, value});
    return "?" + std::to_string(next++);
  };
  const char* id_column = "d.id";
  switch (mode) {
    case Mode::kNumber:
      sql += " FROM documents d WHERE d.number = " + bind_text(number);
      break;
    case Mode::kCreditCode:
      if (credit_low == credit_high) {
        sql += " FROM documents d WHERE d.credit_code = " + bind_text(credit_low);
      } else {
        sql += " FROM documents d WHERE d.credit_code >= " + bind_text(credit_low) +
               " AND d.credit_code < " + bind_text(credit_high);
      }
      break;
    case Mode::kText:
      id_column = "f.rowid";
      sql += " FROM documents_fts f JOIN documents d ON d.id = f.rowid WHERE "
             "documents_fts MATCH " +
             bind_text(match);
      break;
  }
  // In text mode kind, district and credit code are facet terms of the MATCH.
  AppendRowConditions(sql, filter, "d.", /*indexed=*/mode == Mode::kText,
                      bind_text);
  int after_index = 0;
  if (filter.after) {
    after_index = next++;
    sql += std::string(" AND ") + id_column + " < ?" +
           std::to_string(after_index);
  }
  sql += std::string(" ORDER BY ") + id_column + " DESC LIMIT ?" +
         std::to_string(next);

  BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
  for (const auto& [index, value] : texts) s.BindText(index, value);
  if (filter.after) s.BindInt(after_index, filter.after->id);
  s.BindInt(next, filter.limit + 1);
  // data may hold personal ID numbers: never in search results.
  BEIAN_ASSIGN_OR_RETURN(DocumentPage page,
                         ReadPage(s, filter.limit, /*without_data=*/true));
  BEIAN_RETURN_IF_ERROR(snapshot.Commit());
  return page;
}

core::Status CatalogArchive::ForEachDocument(
    const std::function<core::Status(const Document&)>& fn) {
  return impl_->ForEachBatched<Document>(
      Select(kDocumentColumns,
             "FROM documents WHERE id > ?1 ORDER BY id LIMIT ?2"),
      [](const Statement& s) { return ReadDocument(s); }, fn,
      +[](const Document& d) { return d.id; });
}

core::Status CatalogArchive::ForEachSignedCopy(
    const std::function<core::Status(const SignedCopy&)>& fn) {
  return impl_->ForEachBatched<SignedCopy>(
      Select(kSignedCopyColumns,
             "FROM signed_copies WHERE id > ?1 ORDER BY id LIMIT ?2"),
      [](const Statement& s) {
        return core::Result<SignedCopy>(ReadSignedCopy(s));
      },
      fn, +[](const SignedCopy& c) { return c.id; });
}

core::Status CatalogArchive::ForEachReprint(
    const std::function<core::Status(const Reprint&)>& fn) {
  return impl_->ForEachBatched<Reprint>(
      Select(kReprintColumns,
             "FROM reprints WHERE id > ?1 ORDER BY id LIMIT ?2"),
      [](const Statement& s) { return core::Result<Reprint>(ReadReprint(s)); },
      fn, +[](const Reprint& r) { return r.id; });
}

core::Status CatalogArchive::ForEachAuditEntry(
    const std::function<core::Status(const AuditEntry&)>& fn) {
  return impl_->ForEachBatched<AuditEntry>(
      Select(kAuditColumns,
             "FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"),
      [](const Statement& s) {
        return core::Result<AuditEntry>(ReadAuditEntry(s));
      },
      fn, +[](const AuditEntry& e) { return e.seq; });
}

core::Result<VerifyReport> CatalogArchive::VerifyStorage(
    const VerifyProgress& progress, const KeptCheckpoint* since) {
  // A connection of its own, so that verify reads one snapshot without
  // holding up the archive's other callers; the long tables are scanned
  // row by row, not read whole.
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Database> connection, impl_->open(/*read_only=*/true));
  Database& db = *connection;
  // Entries not yet signed are signed first (unless the log no longer
  // extends the last checkpoint, which the checks below report).
  (void)impl_->signer->Sign();
  // The catalog's record of the last checkpoint, then the checkpoints file,
  // then the snapshot: each is written after the one before it (the record
  // after the file's line, the line after its entries committed), so none
  // read here can be ahead of the next.
  int64_t recorded_size = 0;
  std::string recorded_line;
  {
    BEIAN_ASSIGN_OR_RETURN(Statement s,
                           db.Prepare("SELECT size, line FROM checkpoint_state WHERE id = 1"));
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (row) {
      recorded_size = s.Int(0);
      recorded_line = s.Text(1);
    }
  }
  core::Result<CheckpointFile> checkpoints =
      ReadCheckpointFile(impl_->CheckpointsPath());
  Transaction snapshot(db);
  BEIAN_RETURN_IF_ERROR(snapshot.BeginRead());
  BEIAN_ASSIGN_OR_RETURN(
      const int64_t rows,
      db.QueryInt("SELECT (SELECT count(*) FROM audit_log) + "
                  "(SELECT count(*) FROM documents) + "
                  "(SELECT count(*) FROM signed_copies) + "
                  "(SELECT count(*) FROM reprints)"));
  // Listed after the snapshot began: every blob a snapshot row names was
  // written before that row committed, so it is in the listing.
  BEIAN_ASSIGN_OR_RETURN(const BlobListing listing, impl_->blobs.List());

  Verifier verifier(impl_->blobs, progress);
  verifier.SetTotal(rows + static_cast<int64_t>(listing.blobs.size()));
  // Every blob file on every core first: the two digests of one blob cost
  // as much as reading it several times over.
  verifier.RehashBlobs(listing.blobs, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.PrepareScan(Select(kAuditColumns, "FROM audit_log ORDER BY seq")));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddAuditEntry(ReadAuditEntry(s));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("SELECT seq, hash FROM audit_head WHERE id = 1"));
    BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
    if (row) {
      verifier.FinishAudit(s.Int(0), s.Text(1));
    } else {
      verifier.FinishAudit(-1, "");
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.PrepareScan("SELECT level, idx, hash FROM merkle_nodes ORDER BY level, idx"));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddMerkleNode(static_cast<int>(s.Int(0)), s.Int(1), s.Blob(2));
    }
    verifier.FinishMerkleTree();
  }
  const core::VerifyingKey& key = impl_->signer->key();
  verifier.CheckCheckpoints(std::move(checkpoints), key, recorded_size, recorded_line);
  if (since != nullptr) verifier.CheckSince(*since, key);
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.PrepareScan(Select(kDocumentColumns, "FROM documents ORDER BY id")));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      core::Result<Document> d = ReadDocument(s);
      if (d.ok()) {
        verifier.AddDocument(*d);
      } else {
        verifier.AddUnreadableRow(s.Text(1), d.status().message());
      }
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s, db.PrepareScan(Select(kSignedCopyColumns,
                                       "FROM signed_copies ORDER BY id")));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddSignedCopy(ReadSignedCopy(s));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.PrepareScan(Select(kReprintColumns, "FROM reprints ORDER BY id")));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddReprint(ReadReprint(s));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s, db.Prepare(Select(kAccessTokenColumns,
                                       "FROM access_tokens ORDER BY id")));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddAccessToken(ReadAccessToken(s));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(Statement s, db.Prepare(Select(kUserColumns, "FROM users ORDER BY id")));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddUser(ReadUser(s));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s, db.Prepare("SELECT district, year, next_serial FROM "
                                "number_counters"));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddNumberCounter(s.Text(0), s.Int(1), s.Int(2));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s, db.PrepareScan("SELECT district, year, serial, number FROM "
                                "number_allocations"));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddAllocation(s.Text(0), s.Int(1), s.Int(2), s.Text(3));
    }
  }
  {
    BEIAN_ASSIGN_OR_RETURN(
        Statement s,
        db.Prepare("SELECT district, year, serial, number, allocated_at, "
                   "reason FROM number_voids"));
    for (;;) {
      BEIAN_ASSIGN_OR_RETURN(const bool row, s.Step());
      if (!row) break;
      verifier.AddVoid(s.Text(0), s.Int(1), s.Int(2), s.Text(3), s.Text(4),
                       s.Text(5));
    }
  }
  verifier.FinishRows();
  verifier.FinishNumbers();
  verifier.CheckBlobTree(listing);
  BEIAN_RETURN_IF_ERROR(snapshot.Commit());
  return verifier.TakeReport();
}

}  // namespace beian::archive
