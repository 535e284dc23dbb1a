// The outcome of Archive::VerifyStorage.
#ifndef BEIAN_ARCHIVE_VERIFY_REPORT_H_
#define BEIAN_ARCHIVE_VERIFY_REPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace beian::archive {

// What is wrong. Every kind is a problem except the notices at the end.
enum class FindingKind {
  kBlobMissing,        // a catalog row's blob file is gone
  kBlobCorrupt,        // the blob's bytes no longer hash to its name
  kBlobSm3Mismatch,    // the blob's SM3 differs from the catalog's
  kBlobSizeMismatch,   // the blob's size differs from the catalog's
  kRowEdited,          // a catalog row differs from what its audit entry covers
  kRowNotAudited,      // a catalog row without its audit entry
  kRowMissing,         // an audit entry names a catalog row that is gone
  kStatusMismatch,     // a document's status or lifecycle field (accepted_on,
                       // filing_number, status_reason, ...) disagrees with
                       // the audit log
  kReprintNotPrefix,   // a marked reprint does not start with the original
  kAuditRowEdited,     // an audit row's hash does not match its content
  kAuditRowMissing,    // seq numbers jump: rows deleted (names the first)
  kAuditChainBroken,   // prev_hash differs from the previous row's hash
  kAuditHeadMismatch,  // the recorded chain head is not the last row
  kAuditDetailInvalid,  // an archive-written audit row lacks its references
  kSerialUnaccounted,  // a serial below its counter that is neither a
                       // document, nor a void, nor a recorded allocation
  kCounterBehind,      // a number counter at or below a serial in use
  kVoidFiled,          // a serial recorded as void is also a document
  // Notices: harmless, reported but not problems.
  kBlobUnreferenced,  // a blob no row names (e.g. a crash before commit)
  kStrayFile,         // a file in the blob tree that is no blob (temp file)
  kSerialInFlight,    // allocated, not yet filed or void
};

// "blob-missing", "row-edited", "audit-row-missing", ... (kebab case).
std::string_view FindingKindName(FindingKind kind);

// True for the kinds that make an archive unsound (all but the notices).
bool IsProblem(FindingKind kind);

// One thing found wrong, naming what it concerns.
struct Finding {
  FindingKind kind;
  std::string number;  // the document's 文书编号, when a document is concerned
  std::string blob;       // the blob's SHA-256 (or stray file path), if any
  int64_t audit_seq = 0;  // the audit row, when the log is concerned
  std::string message;    // one line for a person
};

// Counts and findings of one verification run.
struct VerifyReport {
  int64_t documents = 0;
  int64_t signed_copies = 0;
  int64_t reprints = 0;
  int64_t audit_rows = 0;
  int64_t blobs = 0;         // blob files found
  int64_t bytes_hashed = 0;  // bytes read to re-hash blobs
  int64_t audit_head_seq = 0;
  std::string audit_head_hash;  // record it elsewhere to detect a rewritten log
  std::vector<Finding> problems;  // each makes the archive unsound
  std::vector<Finding> notices;   // harmless leftovers

  // True iff no problem was found (notices allowed).
  bool clean() const { return problems.empty(); }
};

// Called with (done, total) items as verification proceeds; done reaches total
// at the end. Called on the verifying thread.
using VerifyProgress = std::function<void(int64_t done, int64_t total)>;

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_VERIFY_REPORT_H_
