#include "beian/archive/blob_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "beian/core/digest.h"
#include "posix_file.h"

namespace beian::archive {
namespace {

bool IsHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

// Creates `dir` if missing; a newly created directory's entry is made durable
// by syncing its parent.
core::Status EnsureDirectory(const std::string& dir,
                             const std::string& parent) {
  if (::mkdir(dir.c_str(), 0700) == 0) {
    return parent.empty() ? core::Status::Ok() : FsyncDirectory(parent);
  }
  if (errno != EEXIST) return PosixError("cannot create directory", dir, errno);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    return PosixError("cannot stat", dir, errno);
  if (!S_ISDIR(st.st_mode)) {
    return PosixError("cannot use as directory", dir, ENOTDIR);
  }
  return core::Status::Ok();
}

core::Status CheckName(std::string_view sha256) {
  if (IsSha256Hex(sha256)) return core::Status::Ok();
  return core::InvalidArgument("not a SHA-256 blob name: \"" +
                               std::string(sha256.substr(0, 80)) + "\"");
}

// Streams a file through SHA-256 and SM3 at once.
class DualHasher {
 public:
  DualHasher() : sha_(EVP_MD_CTX_new()), sm3_(EVP_MD_CTX_new()) {}
  ~DualHasher() {
    EVP_MD_CTX_free(sha_);
    EVP_MD_CTX_free(sm3_);
  }
  DualHasher(const DualHasher&) = delete;
  DualHasher& operator=(const DualHasher&) = delete;

  core::Status Init() {
    static EVP_MD* const sm3 = EVP_MD_fetch(nullptr, "SM3", nullptr);
    if (sha_ == nullptr || sm3_ == nullptr || sm3 == nullptr ||
        EVP_DigestInit_ex(sha_, EVP_sha256(), nullptr) != 1 ||
        EVP_DigestInit_ex(sm3_, sm3, nullptr) != 1) {
      return core::Internal("OpenSSL cannot compute SHA-256 and SM3");
    }
    return core::Status::Ok();
  }
  void Update(const char* data, size_t size) {
    EVP_DigestUpdate(sha_, data, size);
    EVP_DigestUpdate(sm3_, data, size);
  }
  void Final(std::string* sha256, std::string* sm3) {
    *sha256 = Finish(sha_);
    *sm3 = Finish(sm3_);
  }

 private:
  static std::string Finish(EVP_MD_CTX* ctx) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx, out, &length);
    return core::HexEncode(
        std::string_view(reinterpret_cast<const char*>(out), length));
  }

  EVP_MD_CTX* sha_;
  EVP_MD_CTX* sm3_;
};

}  // namespace

bool IsSha256Hex(std::string_view text) {
  return text.size() == 64 && IsHex(text);
}

core::Result<std::unique_ptr<DirectoryBlobStore>> DirectoryBlobStore::Open(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.empty()) return core::InvalidArgument("blob store root is empty");
  BEIAN_RETURN_IF_ERROR(EnsureDirectory(root, ""));
  return std::unique_ptr<DirectoryBlobStore>(new DirectoryBlobStore(std::move(root)));
}

std::string DirectoryBlobStore::PathOf(std::string_view sha256) const {
  std::string path = root_;
  path += '/';
  path += sha256.substr(0, 2);
  path += '/';
  path += sha256.substr(std::min<size_t>(2, sha256.size()));
  return path;
}

core::Result<BlobInfo> DirectoryBlobStore::Put(std::string_view bytes) const {
  BEIAN_ASSIGN_OR_RETURN(const StagedBlob staged, Stage(bytes));
  BEIAN_RETURN_IF_ERROR(Publish({&staged}));
  return staged.info;
}

core::Result<StagedBlob> DirectoryBlobStore::Stage(std::string_view bytes) const {
  StagedBlob out;
  BlobInfo& info = out.info;
  info.sha256 = core::Sha256Hex(bytes);
  BEIAN_ASSIGN_OR_RETURN(info.sm3, core::Sm3Hex(bytes));
  info.size = static_cast<int64_t>(bytes.size());

  const std::string path = PathOf(info.sha256);
  const std::string dir = root_ + "/" + info.sha256.substr(0, 2);
  struct stat st;
  // Deduplicated: Publish still syncs, as the blob may have been renamed into
  // place a moment ago by a writer that has not synced it yet.
  if (::stat(path.c_str(), &st) == 0) return out;
  if (errno != ENOENT) return PosixError("cannot stat", path, errno);

  BEIAN_RETURN_IF_ERROR(EnsureDirectory(dir, root_));
  // Temp names start with '.', so List() never mistakes one for a blob.
  std::string temp = dir + "/." + info.sha256.substr(2, 16) + ".tmp.XXXXXX";
  FileDescriptor fd(::mkostemp(temp.data(), O_CLOEXEC));
  if (fd.get() < 0) return PosixError("cannot create", temp, errno);
  auto fail = [&temp](core::Status status) {
    ::unlink(temp.c_str());
    return status;
  };
  if (::fchmod(fd.get(), 0400) != 0) {
    return fail(PosixError("cannot chmod", temp, errno));
  }
  core::Status written = WriteAll(fd.get(), bytes, temp);
  if (!written.ok()) return fail(written);
  if (const int error = fd.Close(); error != 0) {
    return fail(PosixError("cannot close", temp, error));
  }
  out.staged_as = std::move(temp);
  return out;
}

void DirectoryBlobStore::Discard(const StagedBlob& blob) const {
  if (!blob.staged_as.empty()) ::unlink(blob.staged_as.c_str());
}

core::Status DirectoryBlobStore::Publish(
    const std::vector<const StagedBlob*>& blobs) const {
  if (blobs.empty()) return core::Status::Ok();
  auto sync_file = [](const std::string& path) -> core::Status {
    FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return PosixError("cannot open", path, errno);
    if (::fsync(fd.get()) != 0) return PosixError("cannot fsync", path, errno);
    return core::Status::Ok();
  };
  auto sync_all = [this]() -> core::Status {
    FileDescriptor fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return PosixError("cannot open directory", root_, errno);
    if (::syncfs(fd.get()) != 0) return PosixError("cannot syncfs", root_, errno);
    return core::Status::Ok();
  };
  const bool one = blobs.size() == 1;
  // The bytes first.
  if (one) {
    if (!blobs[0]->staged_as.empty()) {
      BEIAN_RETURN_IF_ERROR(sync_file(blobs[0]->staged_as));
    }
  } else {
    BEIAN_RETURN_IF_ERROR(sync_all());
  }
  // Then the names.
  for (const StagedBlob* blob : blobs) {
    if (blob->staged_as.empty()) continue;
    const std::string path = PathOf(blob->info.sha256);
    if (::rename(blob->staged_as.c_str(), path.c_str()) != 0) {
      const int error = errno;
      Discard(*blob);
      return PosixError("cannot rename to", path, error);
    }
  }
  if (one) {
    return FsyncDirectory(root_ + "/" + blobs[0]->info.sha256.substr(0, 2));
  }
  return sync_all();
}

core::Result<std::string> DirectoryBlobStore::Get(std::string_view sha256) const {
  BEIAN_RETURN_IF_ERROR(CheckName(sha256));
  const std::string path = PathOf(sha256);
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return PosixError("cannot open blob", path, errno);
  struct stat st;
  if (::fstat(fd.get(), &st) != 0)
    return PosixError("cannot stat", path, errno);
  std::string bytes;
  bytes.reserve(static_cast<size_t>(st.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError("cannot read", path, errno);
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
  }
  return bytes;
}

core::Result<bool> DirectoryBlobStore::Has(std::string_view sha256) const {
  BEIAN_RETURN_IF_ERROR(CheckName(sha256));
  const std::string path = PathOf(sha256);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return PosixError("cannot stat", path, errno);
}

core::Result<BlobInfo> DirectoryBlobStore::Rehash(std::string_view sha256) const {
  BEIAN_RETURN_IF_ERROR(CheckName(sha256));
  const std::string path = PathOf(sha256);
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return PosixError("cannot open blob", path, errno);
  DualHasher hasher;
  BEIAN_RETURN_IF_ERROR(hasher.Init());
  std::unique_ptr<char[]> buffer(new char[1 << 20]);
  BlobInfo info;
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.get(), 1 << 20);
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError("cannot read", path, errno);
    }
    if (n == 0) break;
    hasher.Update(buffer.get(), static_cast<size_t>(n));
    info.size += n;
  }
  hasher.Final(&info.sha256, &info.sm3);
  return info;
}

core::Result<BlobListing> DirectoryBlobStore::List() const {
  BlobListing listing;
  std::unique_ptr<DIR, int (*)(DIR*)> top(::opendir(root_.c_str()), ::closedir);
  if (!top) return PosixError("cannot list", root_, errno);
  std::vector<std::string> subdirs;
  while (const dirent* entry = ::readdir(top.get())) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const std::string path = root_ + "/" + name;
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0)
      return PosixError("cannot stat", path, errno);
    if (S_ISDIR(st.st_mode) && name.size() == 2 && IsHex(name)) {
      subdirs.push_back(name);
    } else {
      listing.strays.push_back(name);
    }
  }
  for (const std::string& sub : subdirs) {
    const std::string dir = root_ + "/" + sub;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) return PosixError("cannot list", dir, errno);
    while (const dirent* entry = ::readdir(d.get())) {
      const std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (name.size() == 62 && IsHex(name)) {
        listing.blobs.push_back(sub + name);
      } else {
        listing.strays.push_back(sub + "/" + name);
      }
    }
  }
  std::sort(listing.blobs.begin(), listing.blobs.end());
  std::sort(listing.strays.begin(), listing.strays.end());
  return listing;
}

}  // namespace beian::archive
