// Content-addressed storage of byte strings.
#ifndef BEIAN_ARCHIVE_BLOB_STORE_H_
#define BEIAN_ARCHIVE_BLOB_STORE_H_

#include <cstdint>
#include <memory>
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

// A blob written but not yet visible under its SHA-256 and not yet durable
// (BlobStore::Publish does both).
struct StagedBlob {
  BlobInfo info;
  std::string staged_as;  // the store's name for it until published ("" when
                          // the blob existed already)
};

// What lies in the store.
struct BlobListing {
  std::vector<std::string> blobs;   // SHA-256 names, ascending
  std::vector<std::string> strays;  // anything else (e.g. temporary files a
                                    // crash left), as the store names it
};

// Where the archive keeps the bytes of its documents, scans and reprints,
// named by their SHA-256. Every write is atomic and durable: a crash leaves
// either the whole blob or none (plus at most a stray). Errors come back as
// kIoError naming the place. Implementations are thread-safe and safe across
// processes and machines sharing the store. DirectoryBlobStore is the one
// there is; an S3-compatible store would be another.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores `bytes` and returns their digests. Deduplicated: when a blob with
  // that name exists it is not rewritten (by design, even if it was damaged:
  // verify must still see the damage).
  virtual core::Result<BlobInfo> Put(std::string_view bytes) const = 0;

  // The two halves of Put, for storing many blobs with fewer syncs: Stage
  // writes the bytes (not durable, not visible); Publish makes staged blobs
  // durable and visible, at a cost that does not grow with their number. A
  // blob is never visible before its bytes are durable. Staged blobs that
  // are not published are left as strays unless Discard is called.
  virtual core::Result<StagedBlob> Stage(std::string_view bytes) const = 0;
  virtual core::Status Publish(const std::vector<const StagedBlob*>& blobs) const = 0;
  virtual void Discard(const StagedBlob& blob) const = 0;

  // The bytes of blob `sha256`; kNotFound if absent, kInvalidArgument if
  // `sha256` is not 64 lowercase hex chars.
  virtual core::Result<std::string> Get(std::string_view sha256) const = 0;

  // Whether blob `sha256` exists.
  virtual core::Result<bool> Has(std::string_view sha256) const = 0;

  // Reads blob `sha256` again and hashes what is stored (streaming, any
  // size). The result's sha256 differs from the argument iff it was damaged.
  virtual core::Result<BlobInfo> Rehash(std::string_view sha256) const = 0;

  // Everything in the store.
  virtual core::Result<BlobListing> List() const = 0;
};

// Blobs in files named by their SHA-256 under a root directory:
// <root>/ab/cdef... (the first two hex chars name the subdirectory). A blob is
// written to a temporary file in the same directory, synced, renamed and the
// directory synced (Stage and Publish: for several at once the file system is
// synced once, syncfs, before the renames and once after). The directory may
// be shared by several machines, as over NFS. Strays are paths relative to the
// root.
class DirectoryBlobStore : public BlobStore {
 public:
  // A store rooted at `root`, which is created if missing.
  static core::Result<std::unique_ptr<DirectoryBlobStore>> Open(std::string root);

  core::Result<BlobInfo> Put(std::string_view bytes) const override;
  core::Result<StagedBlob> Stage(std::string_view bytes) const override;
  core::Status Publish(const std::vector<const StagedBlob*>& blobs) const override;
  void Discard(const StagedBlob& blob) const override;
  core::Result<std::string> Get(std::string_view sha256) const override;
  core::Result<bool> Has(std::string_view sha256) const override;
  core::Result<BlobInfo> Rehash(std::string_view sha256) const override;
  core::Result<BlobListing> List() const override;

  // The file that holds (or would hold) blob `sha256`.
  std::string PathOf(std::string_view sha256) const;

  // The root directory.
  const std::string& root() const { return root_; }

 private:
  explicit DirectoryBlobStore(std::string root) : root_(std::move(root)) {}

  std::string root_;
};

// True iff `text` is 64 lowercase hex chars.
bool IsSha256Hex(std::string_view text);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_BLOB_STORE_H_
