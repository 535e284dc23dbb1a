#include "posix_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace beian::archive {

core::Status PosixError(std::string_view what, std::string_view path,
                        int error) {
  std::string message(what);
  message += ' ';
  message += path;
  message += ": ";
  char buffer[256];
  // GNU strerror_r returns the message, which may or may not be `buffer`.
  message += strerror_r(error, buffer, sizeof buffer);
  if (error == ENOENT) return core::NotFound(std::move(message));
  return core::IoError(std::move(message));
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

int FileDescriptor::Close() {
  const int fd = fd_;
  fd_ = -1;
  return ::close(fd) == 0 ? 0 : errno;
}

core::Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return PosixError("cannot write", path, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return core::Status::Ok();
}

core::Result<std::string> ReadAll(int fd, const std::string& path) {
  std::string bytes, buffer(1 << 16, '\0');
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError("cannot read", path, errno);
    if (n == 0) return bytes;
    bytes.append(buffer.data(), static_cast<size_t>(n));
  }
}

core::Status FsyncDirectory(const std::string& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return PosixError("cannot open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return PosixError("cannot fsync", dir, errno);
  return core::Status::Ok();
}

core::Status WriteFileSynced(const std::string& path, std::string_view bytes) {
  FileDescriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return PosixError("cannot create", path, errno);
  BEIAN_RETURN_IF_ERROR(WriteAll(fd.get(), bytes, path));
  if (::fsync(fd.get()) != 0) return PosixError("cannot fsync", path, errno);
  if (const int error = fd.Close(); error != 0) {
    return PosixError("cannot close", path, error);
  }
  return core::Status::Ok();
}

}  // namespace beian::archive
