// What the commands of the `beian` command line share.
#ifndef BEIAN_CLI_SRC_COMMON_H_
#define BEIAN_CLI_SRC_COMMON_H_

#include <string>

#include "beian/core/json.h"
#include "beian/core/status.h"

namespace beian::cli {

// Exit codes: 0 success, 1 bad input, 2 usage, 3 internal error.
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// Prints "beian: <message>" on stderr and returns `code`.
int Fail(int code, const std::string& message);

// The bytes of the file at `path`; kIoError if it cannot be read.
core::Result<std::string> ReadFile(const std::string& path);

// The serve config at `path`: a JSON object, where a line whose first
// non-blank characters are "//" is a comment (the default config explains
// every setting so). kInvalidArgument naming the file otherwise.
core::Result<core::Json> ReadConfig(const std::string& path);

}  // namespace beian::cli

#endif  // BEIAN_CLI_SRC_COMMON_H_
