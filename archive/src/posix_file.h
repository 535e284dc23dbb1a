// POSIX file access for the archive: the one place where errno becomes a
// Status, and the durable-write steps (write everything, fsync the file and
// the directory that names it).
#ifndef BEIAN_ARCHIVE_SRC_POSIX_FILE_H_
#define BEIAN_ARCHIVE_SRC_POSIX_FILE_H_

#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::archive {

// kIoError "<what> <path>: <strerror(error)>", or kNotFound for ENOENT.
core::Status PosixError(std::string_view what, std::string_view path,
                        int error);

// Closes a file descriptor on scope exit.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor();
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  // Closes now; returns 0 or the errno of close.
  int Close();

 private:
  int fd_;
};

// Writes all of `bytes` to `fd` (retrying short writes and EINTR); `path`
// names the file in the error.
core::Status WriteAll(int fd, std::string_view bytes, const std::string& path);

// Reads `fd` to its end (retrying EINTR); `path` names the file in the error.
core::Result<std::string> ReadAll(int fd, const std::string& path);

// fsync(2) of a directory: makes the names created in it durable.
core::Status FsyncDirectory(const std::string& dir);

// Creates or truncates `path`, writes `bytes` and fsyncs the file before
// closing it. The directory entry is durable only after FsyncDirectory of its
// directory.
core::Status WriteFileSynced(const std::string& path, std::string_view bytes);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_POSIX_FILE_H_
