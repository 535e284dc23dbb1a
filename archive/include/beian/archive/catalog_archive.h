// The archive over a SQL catalog: documents, the audit log and every index in
// a database (SQLite in one machine's folder, or PostgreSQL shared by several
// nodes), blobs, the checkpoints file and keys in a folder. SqliteArchive
// and PostgresArchive open one.
#ifndef BEIAN_ARCHIVE_CATALOG_ARCHIVE_H_
#define BEIAN_ARCHIVE_CATALOG_ARCHIVE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "beian/archive/archive.h"
#include "beian/core/status.h"

namespace beian::archive {

// How an archive behaves.
struct ArchiveOptions {
  // The current time as RFC 3339 in Beijing time, e.g.
  // "2026-03-01T09:30:00+08:00"; used for audit entries and for upload and
  // reprint times left empty. Null means NowInBeijing.
  std::function<std::string()> now;
  // How long a call waits for another process's write lock before failing
  // (SQLite; PostgreSQL waits for its lock as long as it takes).
  int busy_timeout_ms = 10000;
  // The private key that signs checkpoints of the audit log; "" means
  // <dir>/keys/checkpoint.pem. Created (0400, with PATH.pub beside it) with
  // `signing_algorithm` if missing. Keep it apart from the catalog: whoever
  // can write both can rewrite history.
  std::string signing_key;
  core::SignatureAlgorithm signing_algorithm = core::SignatureAlgorithm::kEd25519;
  // A checkpoint is signed once this many entries came since the last one,
  int checkpoint_every_entries = 256;
  // and at least this often while entries arrive (0: on count and close only).
  std::chrono::milliseconds checkpoint_interval{60000};
};

// The current system time in Beijing (UTC+8) as "YYYY-MM-DDTHH:MM:SS+08:00".
std::string NowInBeijing();

// The schema version this build creates and understands (both engines).
int CatalogSchemaVersion();

// A data folder (<dir>/blobs/, <dir>/checkpoints, <dir>/keys/) and a
// catalog. The folder may be shared by several processes and machines (as
// NFS would be): blob writes are atomic and durable, and checkpoints are
// written by one process at a time. Within a process one archive serves all
// threads.
class CatalogArchive : public Archive {
 public:
  ~CatalogArchive() override;
  CatalogArchive(const CatalogArchive&) = delete;
  CatalogArchive& operator=(const CatalogArchive&) = delete;

  // The data folder.
  const std::string& dir() const;
  // <dir>/checkpoints.
  std::string checkpoints_path() const;
  // Where the catalog is, for messages: the SQLite file, or the PostgreSQL
  // server and database (never a password).
  const std::string& catalog() const;

  core::Result<std::string> AllocateNumber(std::string_view district, int year,
                                           std::string_view kind) override;
  core::Result<Document> Ingest(const NewDocument& document) override;
  core::Result<IdempotentResult> FindIdempotencyKey(
      int64_t client, std::string_view key) override;
  core::Result<Document> Get(int64_t id) override;
  core::Result<Document> FindByNumber(std::string_view number) override;
  core::Result<Sha256Matches> FindBySha256(std::string_view sha256) override;
  core::Result<std::string> ReadBlob(std::string_view sha256) override;
  core::Result<SignedCopy> AttachSignedCopy(const NewSignedCopy& copy) override;
  core::Result<std::vector<SignedCopy>> SignedCopiesOf(
      int64_t document_id) override;
  core::Result<Reprint> AddReprint(const NewReprint& reprint) override;
  core::Result<std::vector<Reprint>> ReprintsOf(int64_t document_id) override;
  core::Result<Document> ChangeStatus(const StatusChange& change) override;
  core::Result<std::vector<std::string>> VoidUnusedNumbers(
      std::string_view actor, std::string_view allocated_before) override;
  core::Result<std::vector<StaffKey>> FindStaffConflicts(
      const std::vector<StaffKey>& keys, std::string_view credit_code,
      int64_t* presence_version = nullptr) override;
  core::Result<std::vector<StaffConflict>> ListStaffConflicts(
      std::string_view district) override;
  core::Result<std::vector<int64_t>> DocumentsWithoutStaffKeys() override;
  core::Result<Document> AttachOfd(int64_t document_id, std::string_view ofd, std::string_view actor) override;
  core::Result<std::vector<int64_t>> DocumentsWithoutOfd(int64_t after_id, int limit) override;
  core::Status SetStaffKeys(int64_t document_id,
                            const std::vector<StaffKey>& keys) override;
  core::Result<AuditEntry> AppendAudit(const NewAuditEntry& entry) override;
  core::Result<DocumentPage> ListDocuments(
      const DocumentFilter& filter) override;
  core::Result<DocumentPage> Search(const SearchQuery& query) override;
  core::Status ForEachDocument(
      const std::function<core::Status(const Document&)>& fn) override;
  core::Status ForEachSignedCopy(
      const std::function<core::Status(const SignedCopy&)>& fn) override;
  core::Status ForEachReprint(
      const std::function<core::Status(const Reprint&)>& fn) override;
  core::Status ForEachAuditEntry(
      const std::function<core::Status(const AuditEntry&)>& fn) override;
  core::Result<AccessToken> AddAccessToken(
      const NewAccessToken& token) override;
  core::Result<AccessToken> FindAccessToken(
      std::string_view secret_sha256) override;
  core::Result<std::vector<AccessToken>> ListAccessTokens() override;
  core::Result<AccessToken> RevokeAccessToken(int64_t id,
                                              std::string_view actor) override;
  core::Result<std::vector<AuditEntry>> AuditEntriesOf(std::string_view subject, int limit) override;
  core::Result<User> AddUser(const NewUser& user) override;
  core::Result<User> FindUser(std::string_view username) override;
  core::Result<User> GetUser(int64_t id) override;
  core::Result<std::vector<User>> ListUsers() override;
  core::Result<User> DisableUser(int64_t id, std::string_view actor) override;
  core::Result<User> SetUserPassword(int64_t id, std::string_view password_hash,
                                     std::string_view actor) override;
  core::Status AddUserSession(const NewUserSession& session) override;
  core::Result<UserSession> FindUserSession(std::string_view secret_sha256) override;
  core::Status TouchUserSession(std::string_view secret_sha256, std::string_view idle_until) override;
  core::Status EndUserSession(std::string_view secret_sha256) override;
  core::Result<SignInFailures> GetSignInFailures(std::string_view username) override;
  core::Result<SignInFailures> RecordSignInFailure(std::string_view username) override;
  core::Status ClearSignInFailures(std::string_view username) override;
  core::Result<SignInFailures> GetSignInThrottle(std::string_view key) override;
  core::Result<SignInFailures> RecordSignInThrottle(std::string_view key) override;
  core::Result<core::Checkpoint> WriteCheckpoint() override;
  const core::VerifyingKey& CheckpointKey() const override;
  core::Result<AuditProof> ProveIngest(std::string_view number) override;
  core::Result<VerifyReport> VerifyStorage(
      const VerifyProgress& progress = nullptr,
      const KeptCheckpoint* since = nullptr) override;

 protected:
  // What an engine's Open hands over: the folder, the options and how to
  // reach the catalog (defined in archive/src/catalog_setup.h).
  struct Setup;
  CatalogArchive();
  // Opens the folder and the catalog, upgrading the catalog's schema; once,
  // before any other call.
  core::Status OpenCatalog(Setup setup);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The archive in `dir` whose catalog is `catalog`: "" for SQLite in the
// folder (SqliteArchive), a postgresql:// URL for PostgreSQL
// (PostgresArchive). kInvalidArgument for anything else.
core::Result<std::unique_ptr<CatalogArchive>> OpenArchive(const std::string& dir, const std::string& catalog,
                                                          ArchiveOptions options = {});

// What CopyArchive moved.
struct CopySummary {
  int64_t documents = 0;
  int64_t audit_entries = 0;
  int64_t rows = 0;  // of every table
};

// Copies the archive in `from_dir` whose catalog is `from_catalog` (see
// OpenArchive) to `to_dir` and `to_catalog`, another engine or another place:
// every catalog row as it is (ids, the audit log and its Merkle tree, the
// last checkpoint recorded, numbers, the staff index, tokens, users,
// sessions), the search index built anew for the target's engine, and the
// folder's files (blobs, the checkpoints file, keys) unless both are one
// folder. Row digests, Merkle leaves and checkpoints stay valid, so verify of
// the copy is clean when the source's is. The source is read in one snapshot
// and must not change meanwhile (stop the service); the target catalog is
// created if needed and must hold no documents and no audit entries
// (kFailedPrecondition). The copy records nothing in the audit log: the
// caller appends the entry that says who moved it.
// `progress` is told of the tables copied ("catalog").
core::Result<CopySummary> CopyArchive(const std::string& from_dir, const std::string& from_catalog,
                                      const std::string& to_dir, const std::string& to_catalog,
                                      const Progress& progress = nullptr);

// CopyArchive's catalog half: the rows only, read in one snapshot (a
// REPEATABLE READ transaction on PostgreSQL, a read transaction on SQLite),
// which the source's writers do not wait for. `to_dir`'s SQLite catalog is
// created 0600 when `to_catalog` is "".
core::Result<CopySummary> CopyCatalog(const std::string& from_dir, const std::string& from_catalog,
                                      const std::string& to_dir, const std::string& to_catalog,
                                      const Progress& progress = nullptr);

// A secret of an archive, which a backup keeps apart: its name in the keys
// folder ("checkpoint.pem") and its file.
struct Secret {
  std::string name;
  std::string path;
};

// What BackupArchive copied.
struct BackupSummary {
  int64_t documents = 0;
  int64_t audit_entries = 0;
  int64_t blobs = 0;
  int64_t blob_bytes = 0;
  std::string last_checkpoint;          // the copied checkpoints file's last line, "" if none
  std::vector<std::string> kept_apart;  // backup: the secrets' names; restore: where they were put
};

// A consistent copy of the archive in `from_dir` whose catalog is
// `from_catalog` (see OpenArchive), made in `to_dir` (new or empty) while the
// archive's services keep writing: first the catalog in one snapshot (a
// SQLite catalog by SQLite's online backup; one on PostgreSQL row by row in
// one REPEATABLE READ transaction into a SQLite catalog in `to_dir`, as
// CopyCatalog, restorable to either engine), then the checkpoints file, read
// after it and cut at the checkpoint the snapshot records as its last (a line
// is written before the catalog records it, so it is there; later ones may
// sign entries the snapshot lacks), then every blob the folder holds, each
// copied and checked against its
// SHA-256 (a blob the snapshot names was written before it). The other files
// of `from_dir` (the signing key's public half...) are copied, but `secrets`
// (in `from_dir` or elsewhere: the checkpoint signing key, the staff index
// key) never go into `to_dir`: when `keys_dir` is given they are copied there
// by name (0700, files 0400), to be kept on other media. A file BACKUP,
// written last, marks the copy whole and says what it holds and what was
// kept apart.
core::Result<BackupSummary> BackupArchive(const std::string& from_dir, const std::string& from_catalog,
                                          const std::string& to_dir, const std::vector<Secret>& secrets,
                                          const std::string& keys_dir, const Progress& progress = nullptr);

// The archive of the backup in `backup_dir` (BackupArchive's) made anew in
// `to_dir` (new or empty) with its catalog in `to_catalog` ("" for SQLite in
// the folder, or a postgresql:// URL whose database holds no archive), blobs
// checked against their SHA-256 as they are copied. Each of `secrets` the
// backup kept apart is put back at its path from `keys_dir`.
// kFailedPrecondition if the backup is not whole (no BACKUP file) or a secret
// it kept apart is not in `keys_dir`.
core::Result<BackupSummary> RestoreArchive(const std::string& backup_dir, const std::string& to_dir,
                                           const std::string& to_catalog, const std::vector<Secret>& secrets,
                                           const std::string& keys_dir, const Progress& progress = nullptr);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_CATALOG_ARCHIVE_H_
