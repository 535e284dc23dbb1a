// The archive interface: filed documents, signed copies, reprints, the audit
// log and verification, independent of where they are stored. SqliteArchive is
// the embedded implementation; a PostgreSQL one can fill the same interface.
#ifndef BEIAN_ARCHIVE_ARCHIVE_H_
#define BEIAN_ARCHIVE_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/archive/records.h"
#include "beian/archive/verify_report.h"
#include "beian/core/merkle.h"
#include "beian/core/signing.h"
#include "beian/core/status.h"

namespace beian::archive {

// A long operation's progress: `done` of `total` units of `stage`
// ("documents", "blobs" in bytes, "catalog").
using Progress = std::function<void(std::string_view stage, int64_t done, int64_t total)>;

// kInvalidArgument naming the first thing Ingest would refuse in `document`,
// as far as it can be told without the catalog (a number already taken or
// void, a staff conflict, a used idempotency key are the catalog's to say).
// Lets a caller refuse a document before it takes a number for it.
core::Status CheckNewDocument(const NewDocument& document);

// An audit entry and the RFC 6962 path that proves it is in a signed
// checkpoint of the log (docs/evidence.md).
struct AuditProof {
  AuditEntry entry;
  // The bytes its Merkle leaf hashes: the canonical JSON of the entry's
  // action, actor_sha256 (SHA-256 hex of the actor), at, detail, seq and
  // subject.
  std::string leaf_data;
  std::vector<core::MerkleHash> path;  // audit path of leaf entry.seq - 1
  core::Checkpoint checkpoint;         // the tree head the path leads to
};

// Keys Archive::RecordSignInThrottle keeps at most.
inline constexpr int64_t kSignInThrottleKeys = 10000;

// Implementations are thread-safe. Every change is atomic together with its
// audit entry (concurrent ingests may share one commit, each under a
// savepoint of its own); a call returns after its change is durable, and a
// failed call changes nothing in the catalog (a blob written before the
// failure may remain, reported by verify as unreferenced).
class Archive {
 public:
  virtual ~Archive() = default;

  // Reserves the next 文书编号 for `district` and `year` (see
  // document_number.h), e.g. "京朝备〔2026〕000123号", and records the
  // allocation (district, year, serial, number, time). Serials count up per
  // district and year across all kinds and are never reused; a number
  // allocated but never ingested stays "allocated, not yet filed or void"
  // until VoidUnusedNumbers records it as void. Cheap by design: the
  // allocation is not synced by itself but rides on the next synced commit
  // (a crash before that may hand the same number out again; no
  // acknowledged document carries it). kInvalidArgument for an unknown
  // district or a year outside 2000..9999.
  virtual core::Result<std::string> AllocateNumber(std::string_view district,
                                                   int year,
                                                   std::string_view kind) = 0;

  // Stores the PDF as a blob, then the catalog row, its idempotency key and
  // staff keys and its "ingest" audit entry in one transaction.
  // kInvalidArgument for a malformed record (empty PDF, bad time, unknown
  // district, an ID number in a catalog column, a number of another
  // district, a malformed idempotency or staff key); kFailedPrecondition if
  // the number is already filed or void; kAlreadyExists, with nothing
  // stored, if the token already used the idempotency key (its number then
  // stays unused until VoidUnusedNumbers) or a staff key stands in a current
  // document of another credit code ("staff conflict at /staff/3": the path
  // in this document; the other enterprise is never named).
  virtual core::Result<Document> Ingest(const NewDocument& document) = 0;

  // The document created earlier under (client, key) (see IdempotencyKey);
  // kNotFound if none. Keys are kept as long as the catalog (never purged).
  virtual core::Result<IdempotentResult> FindIdempotencyKey(
      int64_t client, std::string_view key) = 0;

  // The document with that id; kNotFound if none.
  virtual core::Result<Document> Get(int64_t id) = 0;

  // The document with that number. Accepts the printed form and common typing
  // variants ("京朝备[2026]123号"); kNotFound if none.
  virtual core::Result<Document> FindByNumber(std::string_view number) = 0;

  // Everything whose bytes have this SHA-256 (64 hex chars, any case).
  virtual core::Result<Sha256Matches> FindBySha256(std::string_view sha256) = 0;

  // The bytes of the blob with that SHA-256; kNotFound if absent.
  virtual core::Result<std::string> ReadBlob(std::string_view sha256) = 0;

  // Files a signed copy of an existing document ("attach" audit entry). A copy
  // of record moves an issued document to signed; a submitted copy
  // (of_record false) changes no status. kNotFound for an unknown document.
  virtual core::Result<SignedCopy> AttachSignedCopy(
      const NewSignedCopy& copy) = 0;

  // The signed copies of a document, oldest first.
  virtual core::Result<std::vector<SignedCopy>> SignedCopiesOf(
      int64_t document_id) = 0;

  // Records a reprint ("reprint" audit entry), storing a marked reprint's
  // bytes. kInvalidArgument if a marked reprint does not begin with the
  // original's bytes or an unmarked one carries bytes.
  virtual core::Result<Reprint> AddReprint(const NewReprint& reprint) = 0;

  // The reprints of a document, oldest first.
  virtual core::Result<std::vector<Reprint>> ReprintsOf(
      int64_t document_id) = 0;

  // Moves a document to `change.to` if its current status is in
  // `change.from` and the move is one the lifecycle allows (see
  // DocumentStatus), with its "set-status" audit entry in one transaction
  // (detail: document_id, from, to, every lifecycle field set, and the
  // members of change.detail). The time of the change is change.at or the
  // archive's clock (ArchiveOptions::now). Returns the document as
  // changed. kFailedPrecondition naming the current status ("document
  // 京朝备〔2026〕000001号 is filed") otherwise; kInvalidArgument for a missing
  // or malformed required field, a field that does not belong to `to`, an
  // empty `from`, `to` kIssued, or a detail that is not an object; kNotFound
  // for an unknown id.
  virtual core::Result<Document> ChangeStatus(const StatusChange& change) = 0;

  // Records as void (作废号) every serial allocated before `allocated_before`
  // (RFC 3339 Beijing time) that no document carries and that is not void
  // yet: one "void-number" audit entry per serial (subject = the printed
  // number; detail: district, year, serial, number, allocated_at, reason
  // "allocated but never filed"), all in one transaction. Ingesting a void
  // number is refused afterwards (kFailedPrecondition). Serials a catalog
  // left unfiled before allocations were recorded (schema 4) count as
  // allocated at an unknown time (allocated_at "") and are voided by any
  // call. Returns the printed numbers voided, in allocation order.
  // kInvalidArgument for an empty actor or a malformed time. Scans every
  // recorded allocation: meant for a daily job, not for each request.
  virtual core::Result<std::vector<std::string>> VoidUnusedNumbers(
      std::string_view actor, std::string_view allocated_before) = 0;

  // The keys among `keys` that stand in the staff of a current (not revoked)
  // document of a credit code other than `credit_code`, in the order given.
  // One index lookup per key, whatever the archive's size. `presence_version`,
  // when given, receives the version of the staff index the check saw: pass
  // it as NewDocument::staff_presence_version so that Ingest re-checks only
  // if persons were added to the index since. kInvalidArgument for a
  // malformed key.
  virtual core::Result<std::vector<StaffKey>> FindStaffConflicts(
      const std::vector<StaffKey>& keys, std::string_view credit_code,
      int64_t* presence_version = nullptr) = 0;

  // Every key that stands in current documents of two or more credit codes,
  // ordered by key; limited to conflicts with at least one document in
  // `district` when it is not "" (a bureau's scope). kInvalidArgument for an
  // unknown district.
  virtual core::Result<std::vector<StaffConflict>> ListStaffConflicts(
      std::string_view district) = 0;

  // Stores `ofd` as the OFD of document `document_id` (a blob of its own,
  // its digests in the document's row) in one transaction with an
  // "attach-ofd" audit entry by `actor` carrying the row's new digest.
  // Returns the document as it is then. kAlreadyExists when the document
  // has an OFD already (other bytes); the same bytes again are a no-op;
  // kNotFound for an unknown id.
  virtual core::Result<Document> AttachOfd(int64_t document_id, std::string_view ofd,
                                           std::string_view actor) = 0;

  // PDF/A documents without their OFD yet (issued and not yet rendered as
  // OFD, or a crash in between) with ids above `after_id`, id order, at
  // most `limit`.
  virtual core::Result<std::vector<int64_t>> DocumentsWithoutOfd(int64_t after_id, int limit) = 0;

  // Documents whose staff were never indexed (catalogs from before the staff
  // index, BagIt imports, documents ingested without staff keys), id order:
  // the service computes their keys and calls SetStaffKeys.
  virtual core::Result<std::vector<int64_t>> DocumentsWithoutStaffKeys() = 0;

  // Records a document's staff keys (possibly none) as indexed; replaces
  // earlier ones. Not audited and not checked for conflicts (derived data,
  // like the search index: ListStaffConflicts reports what it finds).
  // kNotFound for an unknown id; kInvalidArgument for a malformed key or a
  // path given twice.
  virtual core::Status SetStaffKeys(int64_t document_id,
                                    const std::vector<StaffKey>& keys) = 0;

  // Appends an entry for an operation outside the catalog (export, import).
  // kInvalidArgument for the archive's own actions or a malformed action.
  virtual core::Result<AuditEntry> AppendAudit(const NewAuditEntry& entry) = 0;

  // A page of documents matching `filter`, newest first; pass page.next back
  // as filter.after for the following page. Stable under concurrent ingests:
  // no document is skipped or repeated.
  virtual core::Result<DocumentPage> ListDocuments(
      const DocumentFilter& filter) = 0;

  // Documents matching `query` (see SearchQuery) and its filter, newest filed
  // first (id descending: filing order, which is issue order for documents
  // ingested when issued); pass page.next back as query.filter.after for the
  // following page (stable: no document skipped or repeated). Results carry no
  // `data` (it may hold personal ID numbers): Document::data is "" in them.
  // kInvalidArgument for a query the index cannot answer (empty, a single
  // Chinese character, a personal ID number, ...) or a bad limit.
  virtual core::Result<DocumentPage> Search(const SearchQuery& query) = 0;

  // Calls `fn` for every document in id order, stopping at the first error
  // (which is returned). `fn` may call back into the archive. This is the hook
  // for re-rendering: a document carries kind, template_version, data, number,
  // issued_at and sha256.
  virtual core::Status ForEachDocument(
      const std::function<core::Status(const Document&)>& fn) = 0;

  // Like ForEachDocument, for signed copies.
  virtual core::Status ForEachSignedCopy(
      const std::function<core::Status(const SignedCopy&)>& fn) = 0;

  // Like ForEachDocument, for reprints.
  virtual core::Status ForEachReprint(
      const std::function<core::Status(const Reprint&)>& fn) = 0;

  // Like ForEachDocument, for audit entries in seq order.
  virtual core::Status ForEachAuditEntry(
      const std::function<core::Status(const AuditEntry&)>& fn) = 0;

  // The audit entries whose subject is `subject` (a document's number names
  // its ingest, attach, reprint and set-status entries), in seq order, at
  // most `limit`.
  virtual core::Result<std::vector<AuditEntry>> AuditEntriesOf(std::string_view subject, int limit) = 0;

  // Records an access token ("token-create" audit entry). kInvalidArgument
  // when the role's scope is missing or malformed (an enterprise token needs
  // an 18-character credit code, a bureau token a district, an admin token
  // neither); kFailedPrecondition if the secret's digest is recorded already.
  virtual core::Result<AccessToken> AddAccessToken(
      const NewAccessToken& token) = 0;

  // The token whose secret hashes to `secret_sha256`, revoked or not;
  // kNotFound if none.
  virtual core::Result<AccessToken> FindAccessToken(
      std::string_view secret_sha256) = 0;

  // Every recorded token, oldest first.
  virtual core::Result<std::vector<AccessToken>> ListAccessTokens() = 0;

  // Revokes a token for good ("token-revoke" audit entry); revoking a revoked
  // token changes nothing. kNotFound for an unknown id.
  virtual core::Result<AccessToken> RevokeAccessToken(
      int64_t id, std::string_view actor) = 0;

  // ---- People who sign in to the console

  // Records a user ("user-create" audit entry by `created_by`).
  // kInvalidArgument for a malformed user (see NewUser); kFailedPrecondition
  // if the username is taken.
  virtual core::Result<User> AddUser(const NewUser& user) = 0;

  // The user of this username, disabled or not; kNotFound if none.
  virtual core::Result<User> FindUser(std::string_view username) = 0;

  // The user `id`, disabled or not; kNotFound if none.
  virtual core::Result<User> GetUser(int64_t id) = 0;

  // Every user, oldest first.
  virtual core::Result<std::vector<User>> ListUsers() = 0;

  // Disables a user for good ("user-disable" audit entry) and ends every
  // session of theirs; disabling a disabled user changes nothing. kNotFound
  // for an unknown id.
  virtual core::Result<User> DisableUser(int64_t id, std::string_view actor) = 0;

  // Replaces a user's password hash ("user-password" audit entry) and ends
  // every session of theirs. kNotFound for an unknown id.
  virtual core::Result<User> SetUserPassword(int64_t id, std::string_view password_hash,
                                             std::string_view actor) = 0;

  // Records a session. Sessions change no record and are not audited.
  // kFailedPrecondition if the secret's digest is recorded already.
  virtual core::Status AddUserSession(const NewUserSession& session) = 0;

  // The session of this secret digest, ended or not; kNotFound if none.
  virtual core::Result<UserSession> FindUserSession(std::string_view secret_sha256) = 0;

  // Moves a session's idle_until (not past its expires_at).
  virtual core::Status TouchUserSession(std::string_view secret_sha256, std::string_view idle_until) = 0;

  // Ends a session now (signing out); ending an ended one changes nothing.
  virtual core::Status EndUserSession(std::string_view secret_sha256) = 0;

  // Failed sign-ins under `username` (lower case, known user or not) since
  // the last success.
  virtual core::Result<SignInFailures> GetSignInFailures(std::string_view username) = 0;

  // Counts one more failure now; returns the count.
  virtual core::Result<SignInFailures> RecordSignInFailure(std::string_view username) = 0;

  // Forgets the failures (a successful sign-in).
  virtual core::Status ClearSignInFailures(std::string_view username) = 0;

  // Failed sign-ins under a key that names no user (an address, a username
  // nobody has), kept in the catalog so that every node counts them alike,
  // for at most kSignInThrottleKeys keys (the one failed longest ago is
  // forgotten first): guessing cannot grow the catalog. `key` is 1..256
  // bytes; the catalog keeps its SHA-256 only.
  virtual core::Result<SignInFailures> GetSignInThrottle(std::string_view key) = 0;
  // Counts one more failure now; returns the count.
  virtual core::Result<SignInFailures> RecordSignInThrottle(std::string_view key) = 0;

  // Signs the tree head of the whole audit log and appends it to the
  // checkpoints file if the log has grown since the last checkpoint (or none
  // was made yet); returns the latest checkpoint either way. Also done by
  // the archive itself every N entries, at least once a minute while entries
  // arrive, and on close. kFailedPrecondition, signing nothing, if the log no
  // longer extends the last checkpoint (entries deleted or rewritten) or the
  // last checkpoint is not the key's: run verify.
  virtual core::Result<core::Checkpoint> WriteCheckpoint() = 0;

  // The public key checkpoints are signed with.
  virtual const core::VerifyingKey& CheckpointKey() const = 0;

  // The inclusion proof of the "ingest" entry of document `number` (in any
  // form FindByNumber accepts) in the latest checkpoint, signing one first
  // if the latest does not reach the entry yet. kNotFound for an unknown
  // number.
  virtual core::Result<AuditProof> ProveIngest(std::string_view number) = 0;

  // Checks storage over one consistent snapshot of the catalog: every blob
  // re-hashed (SHA-256 and SM3) against the catalog, every row has its blob,
  // no blob unreferenced, every row matches the digest its audit entry
  // recorded, statuses and lifecycle fields agree with the log, every serial
  // of every district and year up to its counter is a document, a recorded
  // void or an allocation in flight (reported as a notice), and the audit
  // chain is walked; the Merkle tree is recomputed from the entries and
  // compared with the stored one and with every checkpoint of the
  // checkpoints file (signed by the archive's key, leaves as the catalog's),
  // and the file must reach the last checkpoint the catalog recorded. Given
  // `since`, a checkpoint kept elsewhere, the log must extend it (an RFC 6962
  // consistency proof) or the first entry that differs is named. The report
  // names each problem's document number, blob or audit seq. An error status
  // only when verification itself could not run.
  virtual core::Result<VerifyReport> VerifyStorage(
      const VerifyProgress& progress = nullptr,
      const KeptCheckpoint* since = nullptr) = 0;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_ARCHIVE_H_
