#include "checkpoint_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "beian/archive/verify_report.h"
#include "posix_file.h"

namespace beian::archive {
namespace {

constexpr std::string_view kLeafTag = "leaf ";

core::Result<std::string> ReadAll(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return PosixError("cannot open", path, errno);
  std::string text;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError("cannot read", path, errno);
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

core::Result<CheckpointFile> ReadCheckpointFile(const std::string& path) {
  BEIAN_ASSIGN_OR_RETURN(const std::string text, ReadAll(path));
  return ParseCheckpointFile(text);
}

CheckpointFile ParseCheckpointFile(std::string_view text) {
  CheckpointFile file;
  file.bytes = static_cast<int64_t>(text.size());
  size_t start = 0;
  int64_t line_number = 0;
  while (start < text.size()) {
    ++line_number;
    const size_t end = text.find('\n', start);
    const size_t line_start = start;
    auto defect = [&](const std::string& why) {
      file.defects.push_back("line " + std::to_string(line_number) + ": " + why);
      file.defect_at = static_cast<int64_t>(line_start);
    };
    if (end == std::string::npos) {
      defect("ends without a line break (the file was cut short)");
      break;
    }
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.substr(0, kLeafTag.size()) == kLeafTag) {
      const std::string_view rest = line.substr(kLeafTag.size());
      const size_t space = rest.find(' ');
      const std::string expected = std::to_string(file.leaves.size() + 1);
      core::MerkleHash leaf{};
      if (space == std::string_view::npos ||
          !core::ParseMerkleHash(rest.substr(space + 1), &leaf)) {
        defect("a malformed leaf line");
        break;
      }
      if (rest.substr(0, space) != expected) {
        defect("leaf " + std::string(rest.substr(0, space)) +
               " where leaf " + expected + " belongs");
        break;
      }
      file.leaves.push_back(leaf);
      continue;
    }
    core::Result<core::Checkpoint> checkpoint = core::ParseCheckpoint(line);
    if (!checkpoint.ok()) {
      defect(checkpoint.status().message());
      break;
    }
    if (checkpoint->size != file.leaves.size()) {
      defect("a checkpoint of " + std::to_string(checkpoint->size) +
             " entries after " + std::to_string(file.leaves.size()) +
             " leaves");
      break;
    }
    file.checkpoints.push_back(std::move(*checkpoint));
    file.signed_bytes = static_cast<int64_t>(start);
  }
  return file;
}

core::Result<CheckpointTail> ReadCheckpointTail(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return PosixError("cannot open", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return PosixError("cannot stat", path, errno);
  CheckpointTail tail;
  tail.bytes = st.st_size;
  // Back from the end in growing windows until a whole checkpoint line is in
  // view (or the start of the file).
  for (int64_t window = 8192;; window *= 4) {
    const int64_t from = std::max<int64_t>(0, tail.bytes - window);
    std::string text(static_cast<size_t>(tail.bytes - from), '\0');
    size_t got = 0;
    while (got < text.size()) {
      const ssize_t n = ::pread(fd.get(), text.data() + got, text.size() - got,
                                from + static_cast<int64_t>(got));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return PosixError("cannot read", path, errno);
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    text.resize(got);
    // Complete lines only, last first; the first line of a window that does
    // not start the file may be cut.
    size_t end = text.rfind('\n');
    while (end != std::string::npos) {
      const size_t begin = end == 0 ? std::string::npos : text.rfind('\n', end - 1);
      if (begin == std::string::npos && from > 0) break;
      const size_t start = begin == std::string::npos ? 0 : begin + 1;
      const std::string_view line(text.data() + start, end - start);
      if (line.substr(0, kLeafTag.size()) != kLeafTag) {
        core::Result<core::Checkpoint> c = core::ParseCheckpoint(line);
        if (c.ok()) {
          tail.last = std::move(*c);
          tail.signed_bytes = from + static_cast<int64_t>(end) + 1;
          return tail;
        }
      }
      if (begin == std::string::npos) break;
      end = begin;
    }
    if (from == 0) return tail;  // no checkpoint at all
  }
}

core::Status AppendCheckpoint(const std::string& path, const CheckpointTail& tail,
                              int64_t first_seq,
                              const std::vector<core::MerkleHash>& leaves,
                              const core::Checkpoint& checkpoint) {
  FileDescriptor fd(::open(path.c_str(),
                           O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (fd.get() < 0) return PosixError("cannot open", path, errno);
  if (::flock(fd.get(), LOCK_EX) != 0) return PosixError("cannot lock", path, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return PosixError("cannot stat", path, errno);
  if (st.st_size != tail.bytes) {
    return core::FailedPrecondition(path + " changed while a checkpoint was made");
  }
  if (tail.bytes > tail.signed_bytes &&
      ::ftruncate(fd.get(), tail.signed_bytes) != 0) {
    return PosixError("cannot cut an interrupted append from", path, errno);
  }
  std::string text;
  text.reserve(leaves.size() * 80 + 300);
  for (size_t i = 0; i < leaves.size(); ++i) {
    text.append(kLeafTag);
    text.append(std::to_string(first_seq + static_cast<int64_t>(i)));
    text.push_back(' ');
    text.append(core::MerkleHashHex(leaves[i]));
    text.push_back('\n');
  }
  text.append(checkpoint.Line());
  text.push_back('\n');
  BEIAN_RETURN_IF_ERROR(WriteAll(fd.get(), text, path));
  if (::fdatasync(fd.get()) != 0) return PosixError("cannot sync", path, errno);
  if (tail.bytes == 0) {
    BEIAN_RETURN_IF_ERROR(
        FsyncDirectory(std::filesystem::path(path).parent_path().string()));
  }
  return core::Status::Ok();
}

core::Result<core::SigningKey> LoadSigningKey(const std::string& path, bool create,
                                              core::SignatureAlgorithm algorithm) {
  core::Result<std::string> pem = ReadAll(path);
  if (pem.ok()) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      return core::FailedPrecondition(
          "signing key " + path +
          " may be read by others: chmod 0400 it (and keep it off the "
          "catalog's disk if you can)");
    }
    core::Result<core::SigningKey> key = core::SigningKey::FromPem(*pem);
    if (!key.ok()) {
      return core::InvalidArgument("signing key " + path + ": " +
                                   key.status().message());
    }
    return key;
  }
  if (pem.status().code() != core::Code::kNotFound || !create) {
    return pem.status();
  }
  BEIAN_ASSIGN_OR_RETURN(core::SigningKey key,
                         core::SigningKey::Generate(algorithm));
  const std::filesystem::path file(path);
  const std::string dir =
      file.has_parent_path() ? file.parent_path().string() : std::string(".");
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) {
    std::filesystem::create_directories(dir, error);
    if (error) return PosixError("cannot create", dir, error.value());
    if (::chmod(dir.c_str(), 0700) != 0) return PosixError("cannot restrict", dir, errno);
  }
  // Written under a temporary name and linked to its own: another process
  // creating a key at the same moment loses cleanly, and no half-written key
  // ever carries the name.
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  BEIAN_RETURN_IF_ERROR(WriteFileSynced(tmp, key.Pem()));
  if (::chmod(tmp.c_str(), 0400) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return PosixError("cannot restrict", tmp, e);
  }
  if (::link(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    if (e == EEXIST) return LoadSigningKey(path, false, algorithm);
    return PosixError("cannot create", path, e);
  }
  ::unlink(tmp.c_str());
  const std::string pub = path + ".pub";
  BEIAN_RETURN_IF_ERROR(WriteFileSynced(tmp, key.public_key().Pem()));
  if (::chmod(tmp.c_str(), 0400) != 0 || ::rename(tmp.c_str(), pub.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return PosixError("cannot create", pub, e);
  }
  BEIAN_RETURN_IF_ERROR(FsyncDirectory(dir));
  return key;
}

core::Result<KeptCheckpoint> ParseKeptCheckpoint(std::string_view text) {
  KeptCheckpoint kept;
  if (text.substr(0, kLeafTag.size()) != kLeafTag &&
      text.find("\n" + std::string(kLeafTag)) == std::string_view::npos) {
    BEIAN_ASSIGN_OR_RETURN(kept.checkpoint, core::ParseCheckpoint(text));
    return kept;
  }
  CheckpointFile file = ParseCheckpointFile(text);
  if (file.checkpoints.empty()) {
    return core::InvalidArgument(
        file.defects.empty() ? "the checkpoints file holds no checkpoint"
                             : "not a checkpoints file: " + file.defects.front());
  }
  if (!file.defects.empty() && file.defect_at < file.signed_bytes) {
    return core::InvalidArgument("the checkpoints file is damaged: " +
                                 file.defects.front());
  }
  kept.checkpoint = file.checkpoints.back();
  kept.leaves.assign(file.leaves.begin(),
                     file.leaves.begin() + static_cast<int64_t>(kept.checkpoint.size));
  if (core::MerkleRoot(kept.leaves) != kept.checkpoint.root) {
    return core::InvalidArgument(
        "the checkpoints file's leaves do not hash to its last checkpoint's "
        "root: the copy was edited");
  }
  return kept;
}

}  // namespace beian::archive
