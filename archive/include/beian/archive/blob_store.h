// Content-addressed storage of byte strings in the file system.
#ifndef BEIAN_ARCHIVE_BLOB_STORE_H_
#define BEIAN_ARCHIVE_BLOB_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::archive {

// Digests and size of a stored blob.
struct BlobInfo {
  std::string sha256;  // 64 lowercase hex chars; the blob's name
  std::string sm3;     // 64 lowercase hex chars
  int64_t size = 0;
};

// A blob written under a temporary name: not yet visible under its SHA-256
// and not yet durable (BlobStore::Publish does both).
struct StagedBlob {
  BlobInfo info;
  std::string temp_path;  // "" when the blob already existed
};

// What lies in the blob tree.
struct BlobListing {
  std::vector<std::string> blobs;   // SHA-256 names, ascending
  std::vector<std::string> strays;  // other files (e.g. temp files left by a
                                    // crash), paths relative to the root
};

// Blobs live in files named by their SHA-256 under a root directory:
// <root>/ab/cdef... (the first two hex chars name the subdirectory). Writes are
// atomic and durable (temp file in the same directory, synced, renamed, the
// directory synced; see Stage/Publish for many at once), so a crash leaves
// either the whole blob or none (plus at most a temp file). OS errors come back as kIoError naming the path. Thread-safe
// and safe across processes.
class BlobStore {
 public:
  // A store rooted at `root`, which is created if missing.
  static core::Result<BlobStore> Open(std::string root);

  // Stores `bytes` and returns their digests. Deduplicated: when a blob with
  // that name exists it is not rewritten (by design, even if it was damaged:
  // verify must still see the damage).
  core::Result<BlobInfo> Put(std::string_view bytes) const;

  // The two halves of Put, for storing many blobs with fewer syncs: Stage
  // writes the bytes to a temporary file (no sync); Publish makes staged
  // blobs durable and visible. For one blob Publish syncs the file, renames
  // it and syncs its directory; for several it syncs the whole file system
  // once (syncfs), renames them all and syncs it again, so that the cost does
  // not grow with the number of blobs. A temp file never gets its final name
  // before its bytes are durable. Staged blobs that are not published are
  // left as temp files (stray files to verify) unless Discard is called.
  core::Result<StagedBlob> Stage(std::string_view bytes) const;
  core::Status Publish(const std::vector<const StagedBlob*>& blobs) const;
  void Discard(const StagedBlob& blob) const;

  // The bytes of blob `sha256`; kNotFound if absent, kInvalidArgument if
  // `sha256` is not 64 lowercase hex chars.
  core::Result<std::string> Get(std::string_view sha256) const;

  // Whether blob `sha256` exists.
  core::Result<bool> Has(std::string_view sha256) const;

  // Re-reads blob `sha256` and hashes what is on disk (streaming, any size).
  // The result's sha256 differs from the argument iff the file was damaged.
  core::Result<BlobInfo> Rehash(std::string_view sha256) const;

  // Everything in the tree.
  core::Result<BlobListing> List() const;

  // The file that holds (or would hold) blob `sha256`.
  std::string PathOf(std::string_view sha256) const;

  // The root directory.
  const std::string& root() const { return root_; }

 private:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}

  std::string root_;
};

// True iff `text` is 64 lowercase hex chars.
bool IsSha256Hex(std::string_view text);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_BLOB_STORE_H_
