#include "face_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libdeflate.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "mapped_file.h"

namespace beian::render {
namespace {

constexpr std::string_view kMagic = "beian-face 1\n";

std::string CacheKey(const FontFaceSpec& spec, const std::string& identity) {
  return "font " + spec.sha256 + "\nindex " + std::to_string(spec.index) + "\nengine " + EngineVersion() +
         "\nfile " + identity + "\n";
}

// The face id as a file name part: letters, digits, '-', '_' and '.' kept, the rest '_'.
std::string FileNamePart(const std::string& id) {
  std::string out;
  for (char c : id) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.';
    out.push_back(keep ? c : '_');
  }
  return out;
}

template <typename T>
T ReadRaw(std::string_view bytes, size_t at) {
  T v{};
  std::memcpy(&v, bytes.data() + at, sizeof v);
  return v;
}

// Where the fields after the magic are.
constexpr size_t kCrcAt = kMagic.size();
constexpr size_t kKeyLengthAt = kCrcAt + 4;
constexpr size_t kCheckedEndAt = kKeyLengthAt + 4;
constexpr size_t kKeyAt = kCheckedEndAt + 8;

// Stores `face` at `path` (temporary file, then rename) and removes the entries of other
// versions of the same face.
core::Status Store(const std::string& cache_dir, const std::string& path, const std::string& key,
                   const FontFaceSpec& spec, const Face& face) {
  for (size_t slash = cache_dir.find('/', 1);; slash = cache_dir.find('/', slash + 1)) {
    const std::string folder = cache_dir.substr(0, slash);
    if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) {
      return core::IoError("cannot make " + folder + ": " + std::strerror(errno));
    }
    if (slash == std::string::npos) break;
  }
  std::string out(kMagic);
  out.resize(kKeyAt, '\0');  // CRC, key length and checked end, below
  out += key;
  const uint64_t checked_end = face.Write(out);
  const uint32_t key_length = static_cast<uint32_t>(key.size());
  std::memcpy(out.data() + kKeyLengthAt, &key_length, sizeof key_length);
  std::memcpy(out.data() + kCheckedEndAt, &checked_end, sizeof checked_end);
  const uint32_t crc = libdeflate_crc32(0, out.data() + kKeyLengthAt, checked_end - kKeyLengthAt);
  std::memcpy(out.data() + kCrcAt, &crc, sizeof crc);

  std::random_device random;
  const std::string temporary = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return core::IoError("cannot write " + temporary + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < out.size()) {
    const ssize_t n = ::write(fd, out.data() + written, out.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool closed = ::close(fd) == 0;
  const bool whole = written == out.size() && closed;
  if (!whole || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return core::IoError("cannot write " + path + ": " + reason);
  }
  // Other versions of this face (an earlier font file) are of no further use.
  const std::string prefix = FileNamePart(spec.id) + "-";
  const std::string mine = path.substr(path.rfind('/') + 1);
  if (DIR* dir = ::opendir(cache_dir.c_str())) {
    while (const dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != mine && name.rfind(prefix, 0) == 0 && name.size() == mine.size() &&
          name.compare(name.size() - 5, 5, ".face") == 0) {
        ::unlink((cache_dir + "/" + name).c_str());
      }
    }
    ::closedir(dir);
  }
  return core::Status::Ok();
}

// Prepares the face from its font file and stores it when `path` is not empty.
core::Result<std::unique_ptr<Face>> Prepare(const FontFaceSpec& spec, FontSource& source,
                                            const std::string& cache_dir, const std::string& path,
                                            const std::string& key) {
  BEIAN_ASSIGN_OR_RETURN(std::shared_ptr<const FontFile> file, source.Open(spec.file));
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<Face> face, Face::Load(spec, std::move(file)));
  if (!path.empty()) (void)Store(cache_dir, path, key, spec, *face);
  return face;
}

// The face stored at `path` if its key is `key` and the bytes before its working face are
// whole (the working face is checked when first used); an error saying why not.
core::Result<std::unique_ptr<Face>> ReadCached(const std::string& cache_dir, const std::string& path,
                                               const std::string& key, const FontFaceSpec& spec,
                                               std::shared_ptr<FontSource> source) {
  // Only this user's files in this user's folder: a face planted by another
  // would change what documents show.
  for (const std::string& owned : {cache_dir, path}) {
    struct stat st;
    if (::lstat(owned.c_str(), &st) != 0) return core::NotFound(owned + ": none");
    if (st.st_uid != ::geteuid() || (st.st_mode & 022) != 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))) {
      return core::PermissionDenied(owned + ": not this user's alone");
    }
  }
  BEIAN_ASSIGN_OR_RETURN(std::shared_ptr<const MappedFile> stored, MappedFile::Open(path));
  const std::string_view bytes = stored->bytes();
  if (bytes.size() < kKeyAt || bytes.substr(0, kMagic.size()) != kMagic) {
    return core::Internal(path + ": not a prepared face");
  }
  const auto key_length = ReadRaw<uint32_t>(bytes, kKeyLengthAt);
  if (bytes.size() - kKeyAt < key_length || bytes.substr(kKeyAt, key_length) != key) {
    return core::Internal(path + ": stale (prepared from another font file or by another engine)");
  }
  const auto checked_end = ReadRaw<uint64_t>(bytes, kCheckedEndAt);
  if (checked_end < kKeyAt + key_length || checked_end > bytes.size() ||
      libdeflate_crc32(0, bytes.data() + kKeyLengthAt, checked_end - kKeyLengthAt) !=
          ReadRaw<uint32_t>(bytes, kCrcAt)) {
    return core::Internal(path + ": damaged");
  }
  std::shared_ptr<const FontFile> file;
  if (spec.last_resort) {
    BEIAN_ASSIGN_OR_RETURN(file, source->Open(spec.file));
  }
  // A working face found damaged when first used is prepared again and stored anew.
  Face::PrepareAgain again = [spec, source, cache_dir, path, key] {
    return Prepare(spec, *source, cache_dir, path, key);
  };
  return Face::Read(spec, std::move(stored), kKeyAt + key_length, static_cast<size_t>(checked_end), std::move(file),
                    std::move(again));
}

// The cache file of `spec` in `cache_dir`.
std::string FaceCachePath(const std::string& cache_dir, const FontFaceSpec& spec) {
  return cache_dir + "/" + FileNamePart(spec.id) + "-" + spec.sha256.substr(0, 16) + ".face";
}

}  // namespace

core::Result<std::unique_ptr<Face>> LoadFace(const FontFaceSpec& spec, std::shared_ptr<FontSource> source,
                                             const std::string& cache_dir) {
  // Only a face whose file the manifest pins by SHA-256 and whose identity is known can be
  // trusted from the cache without reading the file.
  const std::string identity = cache_dir.empty() || spec.sha256.size() != 64 ? "" : source->Identity(spec.file);
  if (identity.empty()) return Prepare(spec, *source, "", "", "");
  const std::string path = FaceCachePath(cache_dir, spec);
  const std::string key = CacheKey(spec, identity);
  if (auto cached = ReadCached(cache_dir, path, key, spec, source); cached.ok()) return cached;
  return Prepare(spec, *source, cache_dir, path, key);
}

}  // namespace beian::render
