// The server's own log: what it did and what went wrong, one event a line,
// beside the access log (one line a request).
//
// Until SetLogOutput is called (the command line), an event is a plain line on
// standard error: "beian: <message>". `beian serve` makes it JSON lines —
//   {"time":"2026-12-07T09:00:00.123+08:00","level":"info","event":"serving",
//    "message":"serving http://127.0.0.1:8080 ...","address":"http://..."}
// — on standard error (journald under systemd) or in a file. Every message and
// field has 18-digit ID numbers masked (core::MaskIdNumbers) before it is
// written: a log is read by more people than the archive.
#ifndef BEIAN_CORE_LOG_H_
#define BEIAN_CORE_LOG_H_

#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace beian::core {

enum class LogLevel { kInfo, kWarning, kError };

// "info", "warning", "error".
std::string_view LogLevelName(LogLevel level);

// Named values of an event besides its message ("address", "document_id").
using LogFields = std::vector<std::pair<std::string, std::string>>;

// Writes one event. Thread-safe; a line is written whole.
void Log(LogLevel level, std::string_view event, std::string_view message, const LogFields& fields = {});

// Events become JSON lines on `out` (not owned; must outlive every Log call,
// or be replaced first). nullptr: plain lines on standard error again.
void SetLogOutput(std::ostream* out);

// One event as a JSON line (without the newline), at `time` (RFC 3339).
std::string FormatLogLine(std::string_view time, LogLevel level, std::string_view event, std::string_view message,
                          const LogFields& fields);

}  // namespace beian::core

#endif  // BEIAN_CORE_LOG_H_
