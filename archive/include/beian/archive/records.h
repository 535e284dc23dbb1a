// What the archive keeps: documents, signed copies, reprints and audit entries,
// as plain values shared by every Archive implementation.
#ifndef BEIAN_ARCHIVE_RECORDS_H_
#define BEIAN_ARCHIVE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"

namespace beian::archive {

// Where a document stands in its lifecycle (DESIGN.md §6). A new document is
// issued; its copy of record makes it signed; the bureau accepts it (受理),
// then files it (备案) or refuses it (不予备案); any document but a revoked one
// may be revoked (作废). The archive allows only these moves:
//
//   issued → signed | accepted | revoked      signed → accepted | revoked
//   accepted → filed | refused | revoked      filed, refused → revoked
//
// Revocation is final (a revoked document stays revoked when a copy is
// attached later).
enum class DocumentStatus {
  kIssued,
  kSigned,
  kAccepted,
  kFiled,
  kRefused,
  kRevoked
};

// "issued", "signed", "accepted", "filed", "refused" or "revoked": the text
// stored in the catalog.
std::string_view DocumentStatusName(DocumentStatus status);

// The status named by DocumentStatusName; kInvalidArgument for anything else.
core::Result<DocumentStatus> ParseDocumentStatus(std::string_view name);

// A client's idempotency key for creating a document (the Idempotency-Key of
// an HTTP request), scoped to the client that sent it.
struct IdempotencyKey {
  // The client: AccessToken::id (>= 1), or minus User::id (<= -1) for a
  // person signed in to the console. Never 0.
  int64_t client = 0;
  std::string key;          // 1..200 printable ASCII bytes (0x20..0x7E)
  std::string request_sha256;  // of the request, 64 lowercase hex chars
};

// What Archive::FindIdempotencyKey answers: the document created earlier
// under a key, and the digest of the request that created it (a retry with
// another request body under the same key is the caller's error to report).
struct IdempotentResult {
  std::string request_sha256;
  int64_t document_id = 0;
  std::string created_at;  // when the document was ingested (archive clock)
};

// One person in a document's data, in the keyed staff index (one person, one
// enterprise: 挂证). The archive never sees a plain ID number for this: the
// service computes HMAC-SHA256(key, normalized ID number) with a key kept
// outside the catalog.
struct StaffKey {
  std::string hmac;  // 64 lowercase hex chars
  std::string path;  // JSON Pointer of the person in the data, e.g. "/staff/3"
                     // ("" or starting with '/', at most 200 bytes)
};

// A generated document handed to Archive::Ingest. Times are RFC 3339 in
// Beijing time with the offset written out, e.g. "2026-03-01T09:30:00+08:00"
// (the catalog orders and filters by this text, so one offset keeps it right).
struct NewDocument {
  std::string number;  // 文书编号, from Archive::AllocateNumber (or an import)
  std::string kind;  // e.g. "contract-filing"
  int template_version = 0;
  core::Json data;          // stored as canonical JSON; may contain ID numbers
  // core::WriteCanonicalJson(data) when the caller has written it already (the service has,
  // for the verification key): stored as given instead of written again. "" = not given.
  std::string canonical_data;
  std::string credit_code;  // 统一社会信用代码 of the enterprise, or ""
  std::string enterprise_name;  // or ""
  std::string project_name;     // or ""
  std::string district;  // one of the 16 districts or 北京经济技术开发区
  std::string issued_at;   // the time printed on the document
  std::string created_by;  // user or client that asked for it
  int pages = 0;           // page count, >= 1
  std::string pdf;         // the PDF bytes, stored unchanged
  // The public verification address the QR code was printed with
  // ("https://beian.example.gov.cn"; the QR holds it + "/v/NUMBER?k=KEY"),
  // needed to render the same bytes again; "" for the "beian:verify/" form.
  std::string verify_url;
  // The PDF standard the document was rendered to ("PDF/A-3u"), needed to
  // render the same bytes again; "" for the plain PDF of earlier documents.
  std::string pdf_standard;
  // The same document as OFD (GB/T 33190-2016), stored unchanged as a blob
  // of its own beside the PDF; "" for none.
  std::string ofd;
  // The issue time was given by an admin backfilling a paper archive: the
  // "ingest" audit entry's detail records "backfill": true (the entry's own
  // time is the real time of the ingest).
  bool backfilled = false;
  // Makes a retried request safe: stored in the same transaction as the
  // document (see IdempotencyKey). Not exported in BagIt: it is per-token
  // request state, not part of the record.
  std::optional<IdempotencyKey> idempotency;
  // The keyed staff index of the document (see StaffKey), stored in the same
  // transaction. Ingest refuses the document (kAlreadyExists, "staff conflict
  // at <path>") when a key stands in a current document of another credit
  // code. The document is marked indexed when keys are given or
  // staff_indexed says they were computed (possibly none); otherwise it is
  // listed by Archive::DocumentsWithoutStaffKeys until SetStaffKeys records
  // its keys, so a caller that computed none and one that never computed any
  // cannot be confused.
  std::vector<StaffKey> staff_keys;
  bool staff_indexed = false;
  // The presence_version of the FindStaffConflicts that cleared staff_keys:
  // Ingest then re-checks them (for enterprises racing) only if persons were
  // added to the staff index since. Unset: Ingest always re-checks.
  std::optional<int64_t> staff_presence_version;
};

// A document as filed in the catalog. `data` is the canonical JSON text; parse
// it with core::ParseJson when the values are needed.
struct Document {
  int64_t id = 0;
  std::string number;
  std::string kind;
  int template_version = 0;
  std::string data;
  std::string credit_code;
  std::string enterprise_name;
  std::string project_name;
  std::string district;
  std::string issued_at;
  std::string created_by;
  std::string sha256;  // of the PDF, 64 lowercase hex chars: the blob's name
  std::string sm3;     // of the PDF, 64 lowercase hex chars
  int64_t bytes = 0;   // PDF size
  int pages = 0;
  DocumentStatus status = DocumentStatus::kIssued;
  std::string verify_url;  // see NewDocument
  std::string pdf_standard;  // see NewDocument
  // The OFD beside the PDF (see NewDocument::ofd): "" and 0 when none.
  std::string ofd_sha256;
  std::string ofd_sm3;
  int64_t ofd_bytes = 0;
  // Lifecycle facts, each "" until its step happened (Archive::ChangeStatus).
  // They stay when a later step follows (a filed document that is revoked
  // keeps its filing_number).
  std::string accepted_on;    // 受理 date, e.g. "2026-12-07"
  std::string decision_due;   // last day of the 10 working days, "2026-12-21"
  std::string filing_number;  // 备案编号, given when filed
  std::string decided_at;     // time of 备案 / 不予备案 (RFC 3339 +08:00)
  std::string revoked_at;     // time of 作废
  std::string status_reason;  // the reason of the refusal or of the
                              // revocation, whichever came last
};

// A move of a document through its lifecycle (Archive::ChangeStatus).
struct StatusChange {
  int64_t document_id = 0;
  std::vector<DocumentStatus> from;  // states this change may leave
  DocumentStatus to = DocumentStatus::kIssued;
  std::string actor;                 // who (audit actor)
  std::string reason;                // kRefused, kRevoked: required, 1..500
                                     // characters; "" for the others
  std::string accepted_on, decision_due;  // kAccepted: both required (dates
                                          // "YYYY-MM-DD", due >= accepted_on);
                                          // "" for the others
  std::string filing_number;  // kFiled: required (1..100 bytes); "" otherwise
  core::Json detail;  // extra audit detail (object or null), e.g. the
                      // caller's note; its members join the entry's detail
                      // and may not reuse the archive's own keys
  // When the step happened, RFC 3339 +08:00; "" means now (the archive's
  // clock). Becomes decided_at (filed, refused) or revoked_at (revoked). Set
  // only to restore a recorded lifecycle (BagIt import); the audit entry's own
  // time is always the archive's clock.
  std::string at;
};

// A signed, stamped scan of a document. The stored bytes are what the caller
// passes (a PDF, or an image already wrapped into one).
struct NewSignedCopy {
  int64_t document_id = 0;
  std::string media_type;  // of the upload: "application/pdf", "image/jpeg"...
  std::string original_name;  // file name as uploaded
  std::string uploaded_by;
  std::string uploaded_at;  // RFC 3339 +08:00; "" means now
  int pages = 0;            // >= 1
  std::string content;      // bytes to keep
  // True: the copy of record (attached by a bureau or an admin); attaching it
  // moves an issued document to signed. False: a copy submitted by the
  // enterprise (提交件), which changes no status.
  bool of_record = true;
};

// A signed copy as filed.
struct SignedCopy {
  int64_t id = 0;
  int64_t document_id = 0;
  std::string sha256;
  std::string sm3;
  int64_t bytes = 0;
  int pages = 0;
  std::string media_type;
  std::string original_name;
  std::string uploaded_by;
  std::string uploaded_at;
  bool of_record = true;  // copies filed before submissions existed are
                          // copies of record
};

// A reprint of a document. Unmarked: the original bytes handed out again
// (`pdf` is left empty; the row carries the original's digests). Marked (补打):
// `pdf` is an incremental update written on top of the original bytes, which
// must be its exact prefix.
struct NewReprint {
  int64_t document_id = 0;
  bool marked = false;
  std::string operator_name;  // the operator printed on a marked reprint
  std::string reprinted_at;   // RFC 3339 +08:00; "" means now
  std::string pdf;            // marked reprints only
  // Who asked for it, as the audit entry records it (the authenticated
  // identity); "" means operator_name. The entry's detail names the operator.
  std::string actor;
};

// A reprint as filed.
struct Reprint {
  int64_t id = 0;
  int64_t document_id = 0;
  bool marked = false;
  std::string sha256;
  std::string sm3;
  int64_t bytes = 0;
  std::string operator_name;
  std::string reprinted_at;
};

// Everything found under one SHA-256: answers "is this paper the one filed?".
struct Sha256Matches {
  std::vector<Document> documents;  // by the digest of their PDF or of their OFD
  std::vector<SignedCopy> signed_copies;
  std::vector<Reprint> reprints;

  // True iff nothing in the archive has that digest.
  bool empty() const {
    return documents.empty() && signed_copies.empty() && reprints.empty();
  }
};

// An audit entry appended by the caller (export, import, ...). The archive
// itself writes the actions "ingest", "attach", "reprint", "set-status",
// "void-number", "token-create" and "token-revoke"; callers may not.
struct NewAuditEntry {
  std::string actor;    // who
  std::string action;   // lowercase word(s) joined by '-', e.g. "export"
  std::string subject;  // what, for a human: a number, a directory, ...
  core::Json detail;    // stored as canonical JSON
};

// One row of the hash-chained audit log.
// hash = SHA-256 hex of (prev_hash + canonical JSON of {"action", "actor",
// "at", "detail" (the stored text, as a JSON string), "seq", "subject"}); the
// first row's prev_hash is 64 '0's.
struct AuditEntry {
  int64_t seq = 0;  // 1, 2, 3, ... without gaps
  std::string at;
  std::string actor;
  std::string action;
  std::string subject;
  std::string detail;  // canonical JSON text
  std::string prev_hash;
  std::string hash;
};

// Position in a newest-first listing: the last document of a page.
struct DocumentCursor {
  std::string issued_at;
  int64_t id = 0;
};

// Which documents to list. Empty strings and nullopt mean "any". Bounds compare
// as text with issued_at, so "2026-03-01" and full times both work.
struct DocumentFilter {
  std::string kind;
  std::string district;
  std::string credit_code;  // the enterprise's, exactly
  std::optional<DocumentStatus> status;
  std::string issued_from;              // inclusive
  std::string issued_before;            // exclusive
  int limit = 50;                       // 1..1000
  std::optional<DocumentCursor> after;  // continue after this document
};

// One page of a listing, newest first (issued_at, then id, descending).
struct DocumentPage {
  std::vector<Document> documents;
  std::optional<DocumentCursor> next;  // set iff more documents may follow
};

// A full-text search (Archive::Search). `text` is one of:
//  - Chinese text with a run of 2+ characters: matches documents whose
//    enterprise or project name contains it ("朝阳", "望京家园");
//  - pinyin of 2+ characters of a name, full or initials ("chaoyang", "cy");
//  - a document number, printed or as commonly typed ("京朝备[2026]123号");
//  - a credit-code prefix: 6 to 18 characters of [0-9A-Z] with at least one
//    digit (lower case is upper-cased), matching credit codes that begin
//    with it.
// A number or credit-code prefix is looked up first (B-tree lookups); when no
// document has it, the text is searched as words in the full-text index.
// Kind, district, the months of the date range and short credit-code prefixes
// are facet terms in that index, so a filtered search stays one index scan
// whatever order the documents were filed in.
// Personal ID numbers are refused, and never indexed. `filter` narrows the results as in ListDocuments;
// its `after` continues a search (only the id of the cursor is used).
struct SearchQuery {
  std::string text;
  DocumentFilter filter;
};

// Who an access token speaks for; the HTTP layer decides what each may do.
enum class AccessRole { kEnterprise, kBureau, kAdmin };

// "enterprise", "bureau" or "admin": the text stored in the catalog.
std::string_view AccessRoleName(AccessRole role);

// The role named by AccessRoleName; kInvalidArgument for anything else.
core::Result<AccessRole> ParseAccessRole(std::string_view name);

// A bearer token to record (Archive::AddAccessToken). Only the SHA-256 of the
// secret is stored: the secret is shown once, to whoever created it.
struct NewAccessToken {
  AccessRole role = AccessRole::kEnterprise;
  std::string credit_code;  // kEnterprise: the enterprise's, 18 characters
  std::string district;     // kBureau: one of the districts
  std::string label;        // what the token is for (free text)
  std::string created_by;
  std::string secret_sha256;  // 64 lowercase hex chars
  // Whom the token speaks for, as printed on what it issues: a bureau's
  // official name (北京市朝阳区住房和城乡建设委员会), an enterprise's registered
  // name. Required for those two roles (non-empty UTF-8 without control
  // characters, at most 200 bytes); "" for an admin token.
  std::string name;
};

// A recorded token.
struct AccessToken {
  int64_t id = 0;
  AccessRole role = AccessRole::kEnterprise;
  std::string credit_code;
  std::string district;
  std::string label;
  std::string created_by;
  std::string created_at;
  std::string revoked_at;  // "" while the token is valid
  std::string secret_sha256;
  std::string name;  // "" for admin tokens and tokens created before names
  bool revoked() const { return !revoked_at.empty(); }
};

// A person who signs in to the console (Archive::AddUser): a bureau clerk
// of a district, a user of one enterprise, or an administrator. The scope
// fields are as for an access token.
struct NewUser {
  // Sign-in name: 2 to 64 of [a-z0-9._-] starting with a letter or digit
  // (IsUsername); unique.
  std::string username;
  AccessRole role = AccessRole::kEnterprise;
  std::string credit_code;  // kEnterprise
  std::string district;     // kBureau
  std::string name;         // the bureau's official or enterprise's registered name
  // The person, as the audit log and the console show them ("王红"): one
  // line, 1 to 100 bytes, no ID number.
  std::string display_name;
  // core::HashPassword's PHC string; never the password.
  std::string password_hash;
  std::string created_by;
};

// A recorded user.
struct User {
  int64_t id = 0;
  std::string username;
  AccessRole role = AccessRole::kEnterprise;
  std::string credit_code;
  std::string district;
  std::string name;
  std::string display_name;
  std::string password_hash;
  std::string created_by;
  std::string created_at;
  std::string disabled_at;  // "" while the user may sign in
  bool disabled() const { return !disabled_at.empty(); }
};

// True iff `url` may be printed as a document's verification address:
// "http://" or "https://", a host (and port, path), at most 200 bytes of
// printable ASCII without spaces, '?', '#' or a trailing '/'.
bool IsVerifyUrl(std::string_view url);

// True iff `username` is 2 to 64 of [a-z0-9._-] starting with a letter or a
// digit.
bool IsUsername(std::string_view username);

// A signed-in session to record (Archive::AddUserSession). Only the SHA-256
// of the cookie's secret is stored.
struct NewUserSession {
  std::string secret_sha256;  // 64 lowercase hex
  int64_t user_id = 0;
  std::string created_at;
  std::string expires_at;  // the latest it may last, however active
  std::string idle_until;  // ends sooner unless used before this
};

// A recorded session.
struct UserSession {
  std::string secret_sha256;
  int64_t user_id = 0;
  std::string created_at;
  std::string expires_at;
  std::string idle_until;
  std::string ended_at;  // "" until signed out (or the user disabled)
};

// Failed sign-ins under one username (known or not) since its last success.
struct SignInFailures {
  int64_t failures = 0;
  std::string last_failed_at;  // "" when failures is 0
};

// One person standing in the current staff of two or more enterprises
// (Archive::ListStaffConflicts).
struct StaffConflict {
  std::string hmac;
  // The current (not revoked) documents naming the person, id order: at least
  // two, of at least two credit codes. Document::data is "" in them.
  std::vector<Document> documents;
};

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_RECORDS_H_
