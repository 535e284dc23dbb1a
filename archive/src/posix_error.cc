#include "posix_error.h"

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

}  // namespace beian::archive
