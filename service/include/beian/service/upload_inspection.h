// How uploaded scans are inspected: in a sandboxed helper process (see
// service/src/upload_sandbox.h), never in the server itself.
#ifndef BEIAN_SERVICE_UPLOAD_INSPECTION_H_
#define BEIAN_SERVICE_UPLOAD_INSPECTION_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace beian::service {

struct UploadLimits {
  // The beian binary that runs `inspect-upload` ("/proc/self/exe" from beian
  // itself); "" refuses every upload.
  std::string executable;
  // Each inspection's address space (RLIMIT_AS) beyond the helper's own.
  uint64_t memory_bytes = uint64_t{768} << 20;
  // Each inspection's CPU time (RLIMIT_CPU): a backstop to the deadline.
  int cpu_seconds = 20;
  // From handing an upload over to its answer; then the inspection is killed
  // and the upload refused (422 unreadable_upload).
  std::chrono::milliseconds deadline{10000};
  // Inspections at once (0: one per core); more wait in arrival order.
  int slots = 0;
};

// `beian inspect-upload [--memory-mb N] [--cpu-seconds N]`: the helper process
// the service starts, reading its control socket on fd 0. Returns the exit
// code. Not a command for people.
int InspectUploadCommand(const std::vector<std::string>& args);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_UPLOAD_INSPECTION_H_
