#ifndef BEIAN_API_ACCESS_LOG_H_
#define BEIAN_API_ACCESS_LOG_H_

#include <chrono>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>

#include "beian/api/request.h"
#include "beian/core/status.h"

namespace beian::api {

// What the access log records about one request.
struct AccessLogEntry {
  // When the request started.
  std::chrono::system_clock::time_point time;
  std::string request_id;
  // Peer "host:port".
  std::string remote;
  std::string method;
  // The request target (path and query) as sent, still percent-encoded.
  std::string target;
  // The route name ("unmatched" when no route matched).
  std::string route;
  int status = 0;
  // Body bytes received and sent (headers not counted).
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  // From the first request byte to the last response byte.
  double duration_ms = 0;
  // The response's error code, if it is an error response.
  std::string error;
  // Extra fields set by the handler (Response::SetLogField), e.g. user, role,
  // and "exception" when a handler threw.
  Fields fields;
};

// One JSON object per line:
//   {"time":"2024-05-01T08:30:00.123Z","id":"...","remote":"127.0.0.1:5123",
//    "method":"GET","path":"/v1/documents/x?y=1","route":"/v1/documents/{id}",
//    "status":200,"bytes_in":0,"bytes_out":1234,"duration_ms":1.25,
//    "error":"...","user":"...","role":"..."}
// ("error" and the handler's fields only when set). Every line is passed
// through core::MaskIdNumbers, and a target whose percent-decoded form
// contains a personal ID number is logged decoded and masked, so no ID number
// appears in the log in any encoding the masker knows.
std::string FormatAccessLogLine(const AccessLogEntry& entry);

// Writes access log lines to a stream or an append-only file. Thread-safe:
// lines from concurrent requests never interleave.
class AccessLog {
 public:
  // Writes to `out`, which is not owned and must outlive the log.
  explicit AccessLog(std::ostream* out);
  // Opens `path` for appending (created if missing). Errors: kIoError.
  static core::Result<std::unique_ptr<AccessLog>> OpenFile(
      const std::string& path);

  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  // Appends FormatAccessLogLine(entry) and a newline, and flushes.
  void Write(const AccessLogEntry& entry);

 private:
  AccessLog() = default;

  std::mutex mu_;
  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_ = nullptr;
};

}  // namespace beian::api

#endif  // BEIAN_API_ACCESS_LOG_H_
