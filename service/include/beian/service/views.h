// What the service hands to its edges (the HTTP API and the command line):
// documents, copies, reprints, tokens, search pages and verification
// outcomes as plain values. The archive's and the renderer's own types stay
// behind the service.
#ifndef BEIAN_SERVICE_VIEWS_H_
#define BEIAN_SERVICE_VIEWS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/service/evidence.h"
#include "beian/service/identity.h"

namespace beian::service {

// One document kind of the catalogue.
struct KindInfo {
  std::string name;   // "contract-filing"
  std::string title;  // "北京市物业服务合同备案申请表"
  int current_version = 1;
  std::vector<int> versions;
  // Who may issue it besides admin: kEnterprise (the enterprise of the data's
  // credit code) or kBureau (the bureau of the district), from kind.json.
  Role issuer = Role::kEnterprise;
  const core::Json* schema = nullptr;   // owned by the service
  const core::Json* example = nullptr;  // owned by the service
};

// A face of fonts/manifest.json, as loaded: its file matched the SHA-256.
struct FontInfo {
  std::string id;      // "gbsn00lp"
  std::string file;    // "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
  std::string sha256;  // of the file
};

// A document as filed, with where it stands in the filing lifecycle.
struct DocumentInfo {
  int64_t id = 0;
  std::string number;  // 文书编号, 京朝备〔2026〕000123号
  std::string kind;
  int template_version = 0;
  std::string credit_code;
  std::string enterprise_name;  // ID numbers masked
  std::string project_name;     // ID numbers masked
  std::string district;
  std::string issued_at;
  std::string created_by;
  std::string sha256;
  std::string sm3;
  int64_t bytes = 0;
  int pages = 0;
  std::string pdf_standard;  // "PDF/A-3u", or "" for a plain PDF issued before
  // The OFD kept beside the PDF: "" and 0 for a document issued without one.
  std::string ofd_sha256, ofd_sm3;
  int64_t ofd_bytes = 0;
  // issued, signed (the copy of record is attached), accepted (受理),
  // filed (备案), refused (不予备案) or revoked (作废).
  std::string status;
  std::string accepted_on;    // 受理 date
  std::string decision_due;   // last day of the 10 working days, on today's calendar
  // The calendar lacks the holiday arrangement of a year the 10 working days
  // reach (not yet published): decision_due counts Monday to Friday there and
  // may move once it is installed.
  bool decision_due_provisional = false;
  std::string filing_number;  // 备案编号
  std::string decided_at;     // 备案 / 不予备案 time
  std::string revoked_at;     // 作废 time
  std::string status_reason;  // why refused or revoked
  // The canonical data as filed (may hold ID numbers); only in answers that
  // read one document.
  std::optional<core::Json> data;
};

// A scan of a signed paper: a submitted copy (提交件, from the enterprise) or
// the copy of record (attached by the bureau).
struct SignedCopyInfo {
  int64_t id = 0;
  int64_t document_id = 0;
  bool of_record = true;
  std::string sha256;
  std::string sm3;
  int64_t bytes = 0;
  int pages = 0;
  std::string media_type;
  std::string original_name;
  std::string uploaded_by;
  std::string uploaded_at;
};

// A reprint: the stored bytes again, or a marked (补打) copy.
struct ReprintInfo {
  int64_t id = 0;
  int64_t document_id = 0;
  bool marked = false;
  std::string sha256;
  std::string sm3;
  int64_t bytes = 0;
  std::string operator_name;  // as stamped
  std::string reprinted_at;
};

// A reprint handed out, with its bytes.
struct ReprintOutcome {
  ReprintInfo reprint;
  std::string pdf;
};

// A bearer token as recorded (never its secret).
struct TokenInfo {
  int64_t id = 0;
  Role role = Role::kEnterprise;
  std::string credit_code;
  std::string district;
  std::string name;
  std::string label;
  std::string created_by;
  std::string created_at;
  std::string revoked_at;  // "" while valid
};

// A token just made, with its secret (shown once, not recoverable).
struct CreatedToken {
  std::string secret;  // "bn_" and 52 base32 characters (256 random bits)
  TokenInfo token;
};

// A token to make.
struct NewToken {
  Role role = Role::kEnterprise;
  std::string credit_code;  // kEnterprise
  std::string district;     // kBureau
  std::string name;         // kEnterprise: registered name; kBureau: the bureau's name
  std::string label;
};

// A person who signs in to the console, as recorded (never the password).
struct UserInfo {
  int64_t id = 0;
  std::string username;
  Role role = Role::kEnterprise;
  std::string display_name;  // the person: 王红
  std::string name;          // the bureau's or enterprise's official name
  std::string district;      // kBureau
  std::string credit_code;   // kEnterprise
  std::string created_by;
  std::string created_at;
  std::string disabled_at;  // "" while the user may sign in
};

// A user to make.
struct NewUserAccount {
  std::string username;  // 2-64 of a-z 0-9 . _ -, case folded
  std::string password;  // at least 10 characters of two kinds
  Role role = Role::kEnterprise;
  std::string display_name;
  std::string name;
  std::string district;
  std::string credit_code;
};

// A signed-in session. The secret goes into the session cookie and nowhere
// else; the CSRF token must come back with every change the session makes.
struct UserSessionInfo {
  std::string secret;      // "bs_" and 52 base32 characters; only on sign-in
  std::string csrf_token;  // derived from the secret
  std::string expires_at;  // when it ends unless used before (idle), or at the latest
  UserInfo user;
  Identity identity;
};

// The answer to a sign-in: a session, or how long to wait before trying
// again (the growing delay after failures), or neither (a wrong username or
// password; which of the two is not told).
struct SignInOutcome {
  std::optional<UserSessionInfo> session;
  int64_t retry_after_seconds = 0;
  // Too many sign-ins wait for the password hash already: try again in a
  // second (nothing was checked or counted).
  bool busy = false;
};

// A filing in a bureau's work queue (待办).
struct QueueItem {
  DocumentInfo document;
  // "acceptance": issued and its paper submitted (a 提交件) or the copy of
  // record attached, awaiting 受理; "decision": accepted, awaiting 备案 or
  // 不予备案 by decision_due.
  std::string awaiting;
  // "decision": working days from today to decision_due by the holiday
  // calendar (0 on the day, negative once overdue); nullopt when the
  // calendar does not reach that far, and for "acceptance".
  std::optional<int> working_days_left;
  // 预警: "overdue", "due_soon" (within 2 working days), or "".
  std::string warning;
};

// One audit entry about a document, as its page shows it.
struct AuditEntryInfo {
  int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;  // ingest, attach, reprint, set-status, ...
  std::string subject;
  core::Json detail;
};

// A listing or search. Empty strings mean "any".
struct SearchRequest {
  std::string text;  // Chinese 2+ characters, pinyin, a number or a credit-code prefix; "" lists
  std::string kind;
  std::string district;
  std::string status;
  std::string from;    // a date or a time, inclusive
  std::string to;      // a date includes its day; a time is an exclusive bound
  int limit = 20;      // 1..100
  std::string cursor;  // a page's next_cursor, to continue after it
};

struct SearchPage {
  std::vector<DocumentInfo> documents;  // without data, newest first
  std::string next_cursor;              // "" when no more follow
};

// Everything an identity may see whose bytes are exactly a given file.
struct FileMatches {
  std::string sha256;
  std::vector<DocumentInfo> documents;
  std::vector<SignedCopyInfo> signed_copies;
  std::vector<ReprintInfo> reprints;
  bool empty() const { return documents.empty() && signed_copies.empty() && reprints.empty(); }
};

// What the QR code's public check tells anyone holding the paper: the
// document, who issued it, where it stands — and nothing personal.
struct PublicCheck {
  std::string number;
  std::string kind;
  std::string title;
  std::string issuer;  // the enterprise, or the bureau for a bureau's kind
  std::string enterprise_name;
  std::string project_name;
  std::string district;
  std::string issued_at;
  std::string status;
  std::string status_label;   // the status in Chinese: 已出具, 已签章, 已受理, 已备案, 不予备案, 已作废
  std::string status_date;    // when it reached its status ("" for issued)
  std::string status_reason;  // why it was refused or revoked
  std::string filing_number;
  int pages = 0;
  std::string sha256;
  std::string sm3;
  // That the document is in the signed audit log (absent if the archive
  // cannot prove it right now: verify tells why).
  std::optional<DocumentProof> proof;
};

// An ID number standing in the current documents of two or more enterprises
// (挂证). The person is named by an opaque key, never by the ID number.
struct StaffConflictInfo {
  std::string person_key;  // the start of the keyed index entry
  // The current documents that list the person. Those outside the asker's
  // scope carry only their number, kind and district.
  std::vector<DocumentInfo> documents;
};

// One thing verification found.
struct VerifyFinding {
  std::string kind;    // "blob-missing", "row-edited", "rerender-mismatch", "number-gap", ...
  std::string number;  // the document concerned, if any
  std::string message;
  int64_t audit_seq = 0;  // the audit entry concerned, if any
};

struct VerifyOutcome {
  std::vector<VerifyFinding> problems;  // each makes the archive unsound
  std::vector<VerifyFinding> notices;   // harmless leftovers
  std::vector<std::string> voided_numbers;  // unused serials recorded as void by this run
  int64_t documents_rerendered = 0;
  // What the storage checks covered.
  int64_t documents = 0, signed_copies = 0, reprints = 0, blobs = 0, bytes_hashed = 0, audit_entries = 0;
  std::string audit_head_hash;
  std::string merkle_root;        // the tree head of the audit log verified
  int64_t checkpoints = 0;        // signed checkpoints in the checkpoints file
  std::string latest_checkpoint;  // keep it elsewhere; pass it to --since
  std::string since_result;       // what was proved about the checkpoint given
  bool clean() const { return problems.empty(); }
};

// A slice of the archive for export.
struct ExportFilter {
  std::string district;
  int year = 0;
  std::string kind;
};

// What an export or import moved.
struct BagSummary {
  int64_t documents = 0;
  int64_t signed_copies = 0;
  int64_t reprints = 0;
  int64_t payload_files = 0;
  int64_t payload_bytes = 0;
  std::string manifest_sha256;  // export only
};

// An archive moved to another catalog (FilingService::Migrate).
struct MigrationSummary {
  int64_t documents = 0;
  int64_t audit_entries = 0;  // copied, before the "migrate" entry
  int64_t rows = 0;           // of every catalog table
  std::string target;         // the folder, and the catalog if on PostgreSQL
};

// What a backup holds, or what a restore made (FilingService::Backup, Restore).
struct BackupInfo {
  int64_t documents = 0;
  int64_t audit_entries = 0;  // in the copy (a restore then adds its own)
  int64_t blobs = 0;
  int64_t blob_bytes = 0;
  std::string last_checkpoint;          // the copy's last signed checkpoint, "" if none
  std::vector<std::string> kept_apart;  // backup: the secrets left out; restore: where they were put back
};

// The holiday calendar working days are reckoned on (国务院办公厅 节假日安排).
struct CalendarInfo {
  struct Holiday {
    std::string name, from, to;  // ISO dates, every day from..to off
  };
  struct MakeUpDay {
    std::string date, for_holiday;  // a Saturday or Sunday worked
  };
  struct Year {
    int year = 0;
    std::string notice, notice_no, published_on;
    std::vector<Holiday> holidays;
    std::vector<MakeUpDay> working_days;
  };
  std::string source;  // the file, or "bundled" (domain/data/holidays-cn.json)
  std::vector<Year> years;
};

// How far a long command has come: `done` of `total` units of `stage`
// ("blobs" in bytes, "catalog", "documents").
using ProgressFn = std::function<void(std::string_view stage, int64_t done, int64_t total)>;

}  // namespace beian::service

#endif  // BEIAN_SERVICE_VIEWS_H_
