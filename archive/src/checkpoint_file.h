// The checkpoints file beside the catalog and the key that signs it.
//
// <dir>/checkpoints is append-only text, one item per line:
//
//   leaf SEQ HASH                     the Merkle leaf hash of audit entry SEQ
//   beian-checkpoint/1 SIZE ROOT ...  a signed checkpoint (see core/signing.h)
//
// The leaves are the log's own copy of what each checkpoint covered: a leaf
// line for every entry 1..SIZE stands before the checkpoint of SIZE. With them
// verify names the first entry of the catalog that differs from what was
// signed, not only that something differs.
#ifndef BEIAN_ARCHIVE_SRC_CHECKPOINT_FILE_H_
#define BEIAN_ARCHIVE_SRC_CHECKPOINT_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/merkle.h"
#include "beian/core/signing.h"
#include "beian/core/status.h"

namespace beian::archive {

// What a checkpoints file holds, and what is wrong with its form.
struct CheckpointFile {
  std::vector<core::MerkleHash> leaves;  // leaves[i] is entry i + 1's
  std::vector<core::Checkpoint> checkpoints;  // in file order
  // Malformed, out-of-order or truncated lines, each "line N: why"; reading
  // stops at the first.
  std::vector<std::string> defects;
  int64_t defect_at = -1;    // the first defect's offset
  int64_t bytes = 0;         // the file's length when read
  int64_t signed_bytes = 0;  // just past the last checkpoint line
};

// Parses a checkpoints file's text.
CheckpointFile ParseCheckpointFile(std::string_view text);

// Reads and parses the whole file; kNotFound if it does not exist.
core::Result<CheckpointFile> ReadCheckpointFile(const std::string& path);

// The end of a checkpoints file, read without reading all of it.
struct CheckpointTail {
  int64_t bytes = 0;         // the file's length
  int64_t signed_bytes = 0;  // just past the last checkpoint line (0: none)
  std::optional<core::Checkpoint> last;
};

// kNotFound if the file does not exist. Lines after the last checkpoint can
// only be what a process stopped in the middle of appending left behind.
core::Result<CheckpointTail> ReadCheckpointTail(const std::string& path);

// Appends leaf lines for entries first_seq, first_seq + 1, ... and then the
// checkpoint's line, in one write under an exclusive lock of the file
// (flock), and syncs it; first cuts off what an interrupted append left past
// tail.signed_bytes. Creates the file (0600) if missing. kFailedPrecondition
// if the file's length is no longer tail.bytes (another process appended):
// read the tail again and retry.
core::Status AppendCheckpoint(const std::string& path, const CheckpointTail& tail,
                              int64_t first_seq,
                              const std::vector<core::MerkleHash>& leaves,
                              const core::Checkpoint& checkpoint);

// The signing key at `path`. If none exists and `create` is set, makes one of
// `algorithm`: the folder 0700 if new, the key 0400, written and synced
// before its name appears, and its public half beside it as PATH.pub (0400, like every file of the archive).
// kNotFound if missing and not to be created; kInvalidArgument if the file
// is no Ed25519 or SM2 private key; kFailedPrecondition if others may read
// it (group or world permission bits).
core::Result<core::SigningKey> LoadSigningKey(const std::string& path,
                                              bool create,
                                              core::SignatureAlgorithm algorithm);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_CHECKPOINT_FILE_H_
