// The one place where errno becomes a Status.
#ifndef BEIAN_ARCHIVE_SRC_POSIX_ERROR_H_
#define BEIAN_ARCHIVE_SRC_POSIX_ERROR_H_

#include <string_view>

#include "beian/core/status.h"

namespace beian::archive {

// kIoError "<what> <path>: <strerror(error)>", or kNotFound for ENOENT.
core::Status PosixError(std::string_view what, std::string_view path,
                        int error);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_POSIX_ERROR_H_
