// The one door to beian: every workflow that joins the renderer, the domain
// rules and the archive, and every decision of who may do what. The HTTP API
// and the command line call only this (and core).
//
// Authority (DESIGN.md §6), decided here for every call from the Identity
// given, never from request data:
//   issue      enterprise kinds: the enterprise of the data's credit code, in
//              its registered name; bureau kinds (kind.json "issuers"): the
//              bureau of the district, in the bureau's name; admin: any.
//   read, search, reprint, submit a scan: an enterprise its own credit code's
//              documents, a bureau its district's, admin all. A document
//              outside an identity's scope is kNotFound, as if absent.
//   attach the copy of record, accept, file, refuse, revoke: the bureau of the
//              document's district, or admin (kPermissionDenied otherwise).
//   backdate (issued_at), token administration, export/import: admin.
// Every change is one audit entry whose actor is Identity::Actor().
#ifndef BEIAN_SERVICE_FILING_SERVICE_H_
#define BEIAN_SERVICE_FILING_SERVICE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"
#include "beian/service/identity.h"
#include "beian/service/upload_inspection.h"
#include "beian/service/archive_check.h"
#include "beian/service/evidence.h"
#include "beian/service/views.h"

namespace beian::service {

struct ServiceOptions {
  // The folder holding templates/ and fonts/.
  std::string root;
  // The archive's folder (blobs, checkpoints, keys; shared by every node when
  // the catalog is on PostgreSQL); "" opens no archive (rendering and
  // validation only).
  std::string data_dir;
  // Where the catalog is: "" for SQLite in data_dir, or a postgresql:// URL.
  std::string catalog;
  // false: no templates are loaded (token administration only). Kinds() is
  // then empty and nothing renders.
  bool load_templates = true;
  // A holiday calendar file (the shape of domain/data/holidays-cn.json: the
  // State Council's 节假日安排, one entry a year) replacing the bundled one,
  // checked at Open; "" for the bundled one (2025–2026).
  std::string holiday_calendar;
  // The kinds to load: those named (a command that renders one kind), or
  // every kind when empty. An unknown name fails Open.
  std::vector<std::string> kinds;
  // Where prepared working faces are kept between processes (see
  // render::EngineOptions::face_cache); "" prepares them in every process.
  // The faces are loaded at the first rendering, or by LoadFonts.
  std::string face_cache;
  // The current time in Beijing, "2026-11-27T10:00:00+08:00"; null means the
  // system clock. Every time the service records is this clock's.
  std::function<std::string()> now;
  // How long an authenticated token is trusted without looking again: a
  // revocation takes effect within this time.
  std::chrono::milliseconds token_cache_ttl{5000};
  // For fault-injection tests: called at the points of Issue between taking a
  // number and committing the document ("number-taken", "rendered"); a
  // non-ok status ends the issue there, as a failure or a crash would. Null
  // in production.
  std::function<core::Status(std::string_view point)> fault;
  // How uploaded scans are inspected: the sandboxed helper's binary and limits.
  UploadLimits uploads;
  // The private key that signs the audit log's checkpoints; "" means
  // <data_dir>/keys/checkpoint.pem. Created if missing, with
  // `signing_algorithm` ("ed25519" or "sm2").
  std::string signing_key;
  std::string signing_algorithm = "ed25519";
  // A console session ends after this long without a request, and after
  // session_max_seconds however active.
  int64_t session_idle_seconds = 30 * 60;
  // The public address of the verification page, printed in every QR code as
  // PUBLIC_URL/v/NUMBER?k=KEY ("https://beian.example.gov.cn"); "" prints the
  // beian:verify/NUMBER?key=KEY form. See SetPublicUrl.
  std::string public_url;
  int64_t session_max_seconds = 12 * 60 * 60;
  // Each PDF/A document is also kept as OFD. With this set (the server), the
  // OFD is rendered off the request path by one thread at a lower CPU
  // priority, which also renders, at start, those a stop left without one;
  // without it (the command line), right after the document is archived.
  // Either way ReadOfd renders one that is not there yet.
  bool ofd_in_background = false;
};

// A document to issue.
struct IssueRequest {
  std::string kind;
  core::Json data;
  // Only from admin, backfilling a paper archive; "" means now.
  std::string issued_at;
  // A client's key for retrying safely (the Idempotency-Key header), per
  // identity: the same key with the same request gives the document made the
  // first time; with another request, kInvalidArgument. "" for none.
  std::string idempotency_key;
};

// A document rendered outside the archive.
struct Rendering {
  std::string number;  // as printed
  std::string pdf;
  std::string ofd;     // the same document as OFD (GB/T 33190-2016), when asked for
  int pages = 0;
};

// Thread-safe.
class FilingService {
 public:
  // Loads the fonts and templates under options.root and opens (creating it
  // if needed) the archive in options.data_dir.
  static core::Result<std::unique_ptr<FilingService>> Open(const ServiceOptions& options);
  ~FilingService();
  FilingService(const FilingService&) = delete;
  FilingService& operator=(const FilingService&) = delete;

  // The current time in Beijing by the service's clock.
  std::string Now() const;

  // Changes the address printed in the QR codes of documents issued from
  // now on (a server learns its own address once it listens); each document
  // keeps the one it was printed with. kInvalidArgument unless "" or an
  // http(s) address without query or trailing '/'.
  core::Status SetPublicUrl(const std::string& url);
  std::string PublicUrl() const;

  // ---- The catalogue of kinds (public facts; no identity needed)

  // Every kind that is issued, sorted by name (not the archive's own
  // archive-check-report, which CheckArchive makes).
  std::vector<const KindInfo*> Kinds() const;
  // The same, read from templates/ under `root` without loading anything
  // (no schema or example): a listing in milliseconds.
  static core::Result<std::vector<KindInfo>> ListKinds(const std::string& root);
  // The kind (any, the report included), or nullptr.
  const KindInfo* FindKind(std::string_view name) const;
  // The faces the documents are set in (empty without templates).
  std::vector<FontInfo> Fonts() const;
  // The holiday calendar in use (ServiceOptions::holiday_calendar).
  CalendarInfo Calendar() const;
  // The calendar in `file` ("" for the bundled one), checked as Open checks
  // it: every year with its notice and all seven festivals, make-up days on
  // weekends. kInvalidArgument naming the file and the JSON Pointer.
  static core::Result<CalendarInfo> ReadCalendar(const std::string& file);
  // Loads and checks the faces now rather than at the first rendering (a
  // server, at start: a changed font file stops it there).
  core::Status LoadFonts() const;
  // What a document's bytes depend on besides template, data and fonts:
  // beian's version and its rendering libraries' (render::EngineVersion).
  static std::string EngineVersion();

  // ---- Rendering without archiving

  // Every problem of the data: the text policy, the kind's JSON Schema, the
  // field validators and the rules of the regulations, at most
  // core::kMaxListedProblems and a last problems.more counting the rest.
  // kNotFound for an unknown kind.
  core::Result<std::vector<core::Problem>> Validate(const std::string& kind, core::Json data) const;

  // Validates and renders one document at the command line. The number
  // printed is `number`, or when empty one made of the kind's prefix, the
  // issue date and a digest of the data ("HT-20261127-ABCDEF"), which no
  // archived document has. Invalid data: kInvalidArgument, every problem in
  // `problems` (warnings are returned there on success too). `with_ofd`:
  // the OFD too, from the same layout.
  core::Result<Rendering> Render(const std::string& kind, core::Json data, const std::string& number,
                                 const std::string& issued_at, std::vector<core::Problem>& problems,
                                 bool with_ofd = false) const;

  // A preview over the API: what Issue would produce (same authority and
  // checks), rendered with a preview number and the current time, archived
  // nowhere.
  core::Result<Rendering> Preview(const Identity& who, IssueRequest request,
                                  std::vector<core::Problem>& problems) const;

  // ---- Identity

  // The identity of a bearer token's secret; kNotFound for an unknown or
  // revoked token.
  core::Result<Identity> Authenticate(std::string_view secret);
  // Admin only. Makes a secret and records the token.
  core::Result<CreatedToken> CreateToken(const Identity& who, const NewToken& token);
  core::Result<std::vector<TokenInfo>> ListTokens(const Identity& who);
  core::Result<TokenInfo> RevokeToken(const Identity& who, int64_t id);

  // ---- People who sign in to the console. Their actions go through the
  // same calls as a token's, with Identity::Actor() "user-ID NAME".

  // A session for the username and password, or the delay to wait (growing
  // with failures per username and per `address`), or neither for a wrong
  // username or password (unknown, disabled and wrong are not told apart).
  core::Result<SignInOutcome> SignIn(std::string_view username, std::string_view password,
                                     const std::string& address);
  // The session of a cookie's secret; kNotFound if unknown, ended, expired,
  // or its user disabled. Using it moves its idle end on.
  core::Result<UserSessionInfo> ResumeSession(std::string_view secret);
  core::Status SignOut(std::string_view secret);
  // Admin only. kInvalidArgument whose message starts with the field
  // ("password: ..."), kAlreadyExists for a username taken.
  core::Result<UserInfo> CreateUser(const Identity& who, NewUserAccount account);
  core::Result<std::vector<UserInfo>> ListUsers(const Identity& who);
  core::Result<UserInfo> FindUser(const Identity& who, std::string_view username);
  // Disables the user for good and ends their sessions.
  core::Result<UserInfo> DisableUser(const Identity& who, int64_t id);
  // A new password; ends the user's sessions.
  core::Result<UserInfo> SetUserPassword(const Identity& who, int64_t id, const std::string& password);

  // ---- Documents

  // Validates, numbers (per district and year), renders and archives one
  // document. Refused data: kInvalidArgument with every problem in
  // `problems` (a person already in the current documents of another
  // enterprise, 挂证, among them); not entitled: kPermissionDenied with the
  // problem naming the field. Nothing is stored and no number is taken
  // unless it succeeds. `replayed` (optional) is set when the answer is the
  // document an earlier request with the same idempotency key made.
  core::Result<DocumentInfo> Issue(const Identity& who, IssueRequest request,
                                   std::vector<core::Problem>& problems, bool* replayed = nullptr);

  // The document with its data; kNotFound if absent or outside `who`'s scope.
  core::Result<DocumentInfo> Get(const Identity& who, int64_t id);
  // The same by 文书编号 (printed form or as commonly typed).
  core::Result<DocumentInfo> GetByNumber(const Identity& who, std::string_view number);
  // The archived PDF, byte for byte.
  core::Result<std::string> ReadPdf(const Identity& who, int64_t id);
  // The archived OFD (GB/T 33190-2016) of the same document, byte for byte;
  // kNotFound for a document issued before beian kept one.
  core::Result<std::string> ReadOfd(const Identity& who, int64_t id);
  // The data the archived PDF/A document carries inside it (canonical JSON,
  // as the catalog keeps it: verify checks that they are equal). kNotFound
  // for a document issued before PDF/A, which embeds none.
  core::Result<std::string> ReadEmbeddedData(const Identity& who, int64_t id);
  core::Result<std::vector<SignedCopyInfo>> SignedCopiesOf(const Identity& who, int64_t id);
  core::Result<std::vector<ReprintInfo>> ReprintsOf(const Identity& who, int64_t id);

  // A scan of the signed paper (PDF, or a JPEG/PNG wrapped into an A4 page).
  // `of_record` false: a submitted copy (提交件), from anyone who may see the
  // document; it changes no status. `of_record` true: the copy of record,
  // attached by the bureau of the district or admin (kPermissionDenied
  // otherwise); an issued document becomes signed. The upload is read in a
  // sandboxed helper process, never here. A bad upload: kInvalidArgument
  // saying what is wrong; one whose inspection crashed, timed out or hit a
  // limit: kUnprocessable saying which. Nothing is stored for either.
  core::Result<SignedCopyInfo> AttachScan(const Identity& who, int64_t id, std::string_view upload,
                                          const std::string& original_name, bool of_record);

  // Starts the upload inspection helper now with `limits` (its executable, if
  // empty, as ServiceOptions::uploads says), rather than at the first upload.
  // Call before serving, not while uploads are inspected.
  core::Status StartUploadInspection(UploadLimits limits);

  // ---- The filing lifecycle (DESIGN.md §6): the bureau of the document's
  // district or admin moves it; kPermissionDenied for anyone else,
  // kFailedPrecondition naming the current status for a step that does not
  // follow from it. Each step is one audit entry.

  // 受理: an issued or signed application is accepted today; the decision is
  // due within 10 working days by the holiday calendar. Only the
  // enterprise's own kinds are accepted (a bureau's papers are not filed).
  core::Result<DocumentInfo> Accept(const Identity& who, int64_t id);
  // 备案: an accepted application is filed under `filing_number` (备案编号;
  // "" files it under its own 文书编号).
  core::Result<DocumentInfo> File(const Identity& who, int64_t id, const std::string& filing_number);
  // 不予备案: an accepted application is refused, with the reason.
  core::Result<DocumentInfo> Refuse(const Identity& who, int64_t id, const std::string& reason);
  // 作废: any document not yet revoked is withdrawn, with the reason. The PDF
  // stays in the archive; the public check says 作废 from then on.
  core::Result<DocumentInfo> Revoke(const Identity& who, int64_t id, const std::string& reason);

  // A reprint: the stored bytes, or (marked) a 补打 stamp with the date and
  // operator on every page as an incremental update. The operator printed is
  // `operator_name` — bureau or admin only (kPermissionDenied otherwise) — or
  // when empty the identity's label.
  core::Result<ReprintOutcome> Reprint(const Identity& who, int64_t id, bool marked,
                                       const std::string& operator_name);

  // Documents matching the request within `who`'s scope, newest first.
  // kInvalidArgument for a bad request, kPermissionDenied for a district
  // outside a bureau's scope; either with one problem whose path is the
  // request's parameter ("to", "cursor", "q", ...).
  core::Result<SearchPage> Search(const Identity& who, const SearchRequest& request,
                                  std::vector<core::Problem>& problems);

  // The work queue of a bureau's district (admin: every district): filings
  // awaiting a decision, the most urgent first, then those awaiting 受理,
  // the oldest first; at most 200 of each. kPermissionDenied for an
  // enterprise.
  core::Result<std::vector<QueueItem>> Queue(const Identity& who);

  // The audit entries of a document `who` may see, oldest first.
  core::Result<std::vector<AuditEntryInfo>> AuditOf(const Identity& who, int64_t id);

  // The stored bytes of a copy (submitted or of record) of a document `who`
  // may see; kNotFound if the copy is not the document's.
  core::Result<std::string> ReadCopy(const Identity& who, int64_t id, int64_t copy_id);

  // Everything `who` may see whose bytes are exactly `file`.
  core::Result<FileMatches> Identify(const Identity& who, std::string_view file);

  // The public check behind the QR code: kNotFound unless `key` is the key
  // printed with `number` (an unknown number and a wrong key are not told
  // apart).
  core::Result<PublicCheck> CheckPrinted(std::string_view number, std::string_view key);

  // Persons who stand in the current documents of two or more enterprises:
  // a bureau's in its district, admin all (kPermissionDenied for an
  // enterprise).
  core::Result<std::vector<StaffConflictInfo>> Conflicts(const Identity& who);

  // ---- The archive as a whole (admin)

  // Storage checks, then every document re-rendered and compared byte for
  // byte. `progress` is called with (done, total) per document. `since`, when
  // not empty, is a checkpoint kept elsewhere (a line, or a copy of the
  // checkpoints file): the audit log must extend it (kInvalidArgument if it
  // is neither).
  core::Result<VerifyOutcome> Verify(const Identity& who, const std::function<void(int64_t, int64_t)>& progress = {},
                                     std::string_view since = {});
  // The DA/T 70-2018 四性检测 of the archive (archive_check.h): Verify, then every stored
  // PDF examined and the archive's file permissions. Render the report with
  // Render("archive-check-report", ArchiveCheckReportData(check), "", check.checked_at, ...).
  core::Result<ArchiveCheck> CheckArchive(const Identity& who,
                                          const std::function<void(int64_t, int64_t)>& progress = {});
  // Signs the audit log's tree head if it grew since the last checkpoint;
  // the latest checkpoint's line, to keep elsewhere.
  core::Result<std::string> Checkpoint(const Identity& who);

  // ---- Evidence (docs/evidence.md)

  // The inclusion proof of a visible document's ingest entry in the latest
  // signed checkpoint (one is signed first if none covers it yet).
  core::Result<DocumentProof> Proof(const Identity& who, int64_t id);
  // The public key the archive signs its checkpoints with; anyone may have it.
  core::Result<SigningKeyInfo> SigningKey();
  // A BagIt bag of the documents matching `filter`.
  core::Result<BagSummary> Export(const Identity& who, const std::string& dir, const ExportFilter& filter,
                                  const ProgressFn& progress = nullptr);
  // Every document, copy and reprint of a bag, or nothing.
  core::Result<BagSummary> Import(const Identity& who, const std::string& dir, const ProgressFn& progress = nullptr);
  // Copies the archive to `to_dir` with its catalog at `to_catalog` ("" for
  // SQLite in the folder, or a postgresql:// URL): every catalog row, the
  // audit log, its Merkle tree, checkpoints, blobs and keys
  // (archive::CopyArchive), then a "migrate" entry by `who` in the copy's log,
  // which extends every checkpoint signed before. Admin only. Stop every
  // server of the archive first: what they write meanwhile is not copied.
  core::Result<MigrationSummary> Migrate(const Identity& who, const std::string& to_dir,
                                         const std::string& to_catalog, const ProgressFn& progress = nullptr);
  // A consistent copy of the archive in `to_dir` (new or empty), made while
  // the servers keep serving (archive::BackupArchive: the catalog in one
  // snapshot, the checkpoints file as far as it, the blobs each checked, the
  // public key). The
  // checkpoint signing key and the staff index key are secrets and never in
  // it: copied into `keys_dir` when given (to keep on other media), else left
  // out; BackupInfo::kept_apart names them. One "backup" entry by `who` in
  // the archive's log says where and what. Admin only.
  core::Result<BackupInfo> Backup(const Identity& who, const std::string& to_dir, const std::string& keys_dir,
                                  const ProgressFn& progress = nullptr);
  // The archive of the backup in `backup_dir` made anew for `options`
  // (options.data_dir new or empty; options.catalog "" or a PostgreSQL
  // database holding no archive), with the secrets the backup kept apart
  // from `keys_dir` (kFailedPrecondition if one is missing there); then a
  // "restore" entry by `actor` in its log, which extends every checkpoint the
  // backup holds, and a checkpoint. Verify the result with a service opened
  // on it.
  static core::Result<BackupInfo> Restore(const ServiceOptions& options, const std::string& backup_dir,
                                          const std::string& keys_dir, const std::string& actor,
                                          const ProgressFn& progress = nullptr);

 private:
  struct Impl;
  explicit FilingService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace beian::service

#endif  // BEIAN_SERVICE_FILING_SERVICE_H_
