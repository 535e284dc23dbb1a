// The outcome of Archive::VerifyStorage.
#ifndef BEIAN_ARCHIVE_VERIFY_REPORT_H_
#define BEIAN_ARCHIVE_VERIFY_REPORT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/merkle.h"
#include "beian/core/signing.h"
#include "beian/core/status.h"

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
  kMerkleTreeMismatch,  // the catalog's stored Merkle tree differs from the
                        // tree of its audit entries
  kLogRewritten,       // the log does not extend a signed checkpoint: an
                       // entry differs from what it covered (names the first)
  kLogTruncated,       // entries a signed checkpoint covered are gone from the
                       // end of the log (names the first)
  kCheckpointsMissing,  // the checkpoints file is gone or ends before a
                        // checkpoint the catalog or the caller knows
  kCheckpointInvalid,  // a checkpoint line is malformed, its signature fails
                       // or its root is not that of the leaves before it
  kCheckpointKeyChanged,  // a checkpoint names another key than the archive's
  // Notices: harmless, reported but not problems.
  kBlobUnreferenced,  // a blob no row names (e.g. a crash before commit)
  kStrayFile,         // a file in the blob tree that is no blob (temp file)
  kSerialInFlight,    // allocated, not yet filed or void
  kEntriesUnsigned,   // entries after the last checkpoint (signed soon)
  kCheckpointResidue,  // the end of an append a stopped process left in the
                       // checkpoints file (cut off by the next checkpoint)
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
  std::string audit_head_hash;
  std::string merkle_root;  // the tree head of the log as verified (hex)
  int64_t checkpoints = 0;  // signed checkpoints in the checkpoints file
  // The file's last checkpoint line: keep it elsewhere and pass it to
  // verify --since to detect a rewritten log.
  std::string latest_checkpoint;
  // With `since`: one line saying what was proved about it.
  std::string since_result;
  std::vector<Finding> problems;  // each makes the archive unsound
  std::vector<Finding> notices;   // harmless leftovers

  // True iff no problem was found (notices allowed).
  bool clean() const { return problems.empty(); }
};

// A checkpoint kept outside the archive, given to verify --since: a line,
// or a copy of the checkpoints file (then its last checkpoint, and the leaves
// of every entry it covers).
struct KeptCheckpoint {
  core::Checkpoint checkpoint;
  std::vector<core::MerkleHash> leaves;  // empty, or checkpoint.size leaves
};

// Parses a checkpoint line, or the text of a checkpoints file (its last
// checkpoint and the leaves before it must agree: the leaves' tree head is
// the checkpoint's root). kInvalidArgument saying what is wrong.
core::Result<KeptCheckpoint> ParseKeptCheckpoint(std::string_view text);

// Called with (done, total) items as verification proceeds; done reaches total
// at the end. Called on the verifying thread.
using VerifyProgress = std::function<void(int64_t done, int64_t total)>;

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_VERIFY_REPORT_H_
