// The digests that make the catalog tamper-evident. Shared by every Archive
// implementation and by the verifier, so that they agree byte for byte.
//
// A catalog row's digest is the SHA-256 hex of the canonical JSON of its
// immutable columns (everything but a document's status, which the audit log
// records separately). The archive puts that digest into the row's audit entry
// ("row_sha256"), and the audit entry is hash-chained, so editing a row, or
// the entry, or both, is detectable.
#ifndef BEIAN_ARCHIVE_SRC_ROW_DIGEST_H_
#define BEIAN_ARCHIVE_SRC_ROW_DIGEST_H_

#include <string>
#include <string_view>

#include "beian/archive/records.h"

namespace beian::archive {

// The prev_hash of the first audit row: 64 '0's.
const std::string& GenesisHash();

// SHA-256 hex over the document's columns: bytes, created_by, credit_code,
// data (the stored text, as a JSON string), district, enterprise_name, id,
// issued_at, kind, number, pages, project_name, sha256, sm3, template_version.
std::string DocumentRowDigest(const Document& document);

// SHA-256 hex over bytes, document_id, id, media_type, of_record (only when
// false, so that rows filed before submitted copies existed keep their
// digest), original_name, pages, sha256, sm3, uploaded_at, uploaded_by.
std::string SignedCopyRowDigest(const SignedCopy& copy);

// SHA-256 hex over bytes, document_id, id, marked, operator, reprinted_at,
// sha256, sm3.
std::string ReprintRowDigest(const Reprint& reprint);

// SHA-256 hex over created_at, created_by, credit_code, district, id, label,
// name (only when not empty, so that tokens created before names keep their
// digest), revoked_at, role, secret_sha256.
std::string AccessTokenRowDigest(const AccessToken& token);
std::string UserRowDigest(const User& user);

// The chained hash of an audit row (see AuditEntry in records.h); uses every
// field of `entry` except hash.
std::string AuditEntryHash(const AuditEntry& entry);

// Action names the archive writes itself and their detail members.
inline constexpr std::string_view kActionIngest = "ingest";
inline constexpr std::string_view kActionAttach = "attach";
inline constexpr std::string_view kActionReprint = "reprint";
inline constexpr std::string_view kActionSetStatus = "set-status";
inline constexpr std::string_view kActionTokenCreate = "token-create";
inline constexpr std::string_view kActionTokenRevoke = "token-revoke";
inline constexpr std::string_view kActionVoidNumber = "void-number";
inline constexpr std::string_view kActionUserCreate = "user-create";
inline constexpr std::string_view kActionUserDisable = "user-disable";
inline constexpr std::string_view kActionUserPassword = "user-password";
inline constexpr std::string_view kActionAttachOfd = "attach-ofd";

// The reason a "void-number" entry gives.
inline constexpr std::string_view kVoidReasonUnused =
    "allocated but never filed";

// The lifecycle fields of a document as named in the catalog, in Document
// and in "set-status" audit details; verify replays them from the log.
inline constexpr std::string_view kLifecycleFields[] = {
    "accepted_on", "decision_due", "filing_number",
    "decided_at",  "revoked_at",   "status_reason"};

// The lifecycle field of `document` named by one of kLifecycleFields.
std::string* LifecycleField(Document& document, std::string_view name);
const std::string& LifecycleField(const Document& document,
                                  std::string_view name);

// True for the actions above.
bool IsArchiveAction(std::string_view action);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_ROW_DIGEST_H_
