// Uploaded scans are parsed outside the server process. A helper process (the
// beian binary run as `beian inspect-upload`, the "zygote") waits on a control
// socket; for each upload it forks a child that drops to a sandbox — limits on
// memory, CPU time and files, no_new_privs, a seccomp filter that allows
// reading and writing its one socket and managing memory, nothing else — and
// only then reads the bytes, sniffs, inspects (PDF) or wraps (JPEG, PNG) them
// and answers. A crash, a timeout or a limit ends only that child: the server
// answers 422 and goes on.
//
// The conversation on the child's socket (a stream socket pair; the server
// keeps one end, the zygote passes the other to the child):
//   zygote → server  'P' pid (4 bytes, host order)          once forked
//   server → child   created_at length (4), created_at, upload length (8), upload
//   child  → server  'R' header length (4), header JSON, payload length (8), payload
//   zygote → server  'X' wait status (4)                    once the child is reaped
// The header is {"status": "ok", "media_type", "pages", "producer"} or
// {"status": "invalid" | "unprocessable", "message"}; the payload is the
// one-page PDF of a wrapped image (empty for a PDF upload).
#ifndef BEIAN_SERVICE_UPLOAD_SANDBOX_H_
#define BEIAN_SERVICE_UPLOAD_SANDBOX_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"
#include "beian/core/work_gate.h"
#include "beian/service/upload_inspection.h"

namespace beian::service {

// What the sandboxed inspection found in an acceptable upload.
struct InspectedUpload {
  std::string media_type;  // application/pdf, image/jpeg or image/png
  int pages = 0;
  std::string producer;    // a PDF's /Producer, UTF-8
  std::string wrapped_pdf; // an image's one-page PDF; empty for a PDF upload
};

// The server's side: starts the zygote on first use (and again if it died)
// and runs one sandboxed child per upload. Thread-safe.
class UploadInspector {
 public:
  explicit UploadInspector(UploadLimits limits);
  ~UploadInspector();
  UploadInspector(const UploadInspector&) = delete;
  UploadInspector& operator=(const UploadInspector&) = delete;

  // Starts the helper now (else at the first upload); kInternal if it cannot.
  core::Status Start();

  // kInvalidArgument with the parser's bilingual message for a bad upload;
  // kUnprocessable naming the reason when the child crashed, timed out or hit
  // a limit; kInternal when no child could be started.
  core::Result<InspectedUpload> Inspect(std::string_view upload, const std::string& created_at);

  const UploadLimits& limits() const { return limits_; }
  // The helper's process id, -1 before it starts (for tests and diagnostics).
  pid_t helper_pid();

 private:
  // The control socket of a running zygote, starting one if needed; `mu_` held.
  core::Result<int> ControlLocked();
  void StopLocked();
  // A new sandboxed child: passes one end of a new socket pair to the zygote
  // and returns the other, with the child's pid, once it is forked.
  struct Child {
    int socket = -1;
    pid_t pid = -1;
  };
  core::Result<Child> Fork(std::chrono::steady_clock::time_point deadline);

  const UploadLimits limits_;
  core::WorkGate gate_;
  std::mutex mu_;
  int control_ = -1;
  pid_t zygote_ = -1;
};

// The zygote's main loop (`beian inspect-upload`): fd 0 is the control socket.
// Returns the process's exit code when the server closes the socket.
int RunInspectionZygote(const UploadLimits& limits);

// Puts the calling process into the inspection sandbox: rlimits, no new
// privileges, the seccomp filter. Exposed for the filter's own tests.
core::Status EnterSandbox(const UploadLimits& limits);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_UPLOAD_SANDBOX_H_
