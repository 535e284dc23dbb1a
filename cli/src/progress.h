// The progress line of a long command (verify, check, export, import, backup,
// restore, migrate): on standard error when it is a terminal, rewritten in
// place at most ten times a second —
//   blobs 1.2 GB of 3.4 GB (35 %), 85 MB/s, about 26 s left
// — and nothing at all when it is not (a pipe, a log, cron), so scripts read
// only the command's result.
#ifndef BEIAN_CLI_PROGRESS_H_
#define BEIAN_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "beian/service/views.h"

namespace beian::cli {

class ProgressLine {
 public:
  // `shown`: whether to write at all (normally: standard error is a terminal).
  explicit ProgressLine(bool shown);
  ProgressLine();
  // Clears the line, so what the command prints next starts clean.
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // `done` of `total` units of `stage`: "blobs" counts bytes, "documents" and
  // "entries" count items; total 0 when unknown.
  void Update(std::string_view stage, int64_t done, int64_t total);
  // Update as a service::ProgressFn.
  service::ProgressFn Fn();

  // The line Update would show at `elapsed` seconds into `stage` (for tests).
  static std::string Format(std::string_view stage, int64_t done, int64_t total, double elapsed_seconds);

 private:
  bool shown_;
  std::string stage_;
  std::chrono::steady_clock::time_point stage_start_, last_shown_;
  size_t width_ = 0;  // of the line on screen
};

}  // namespace beian::cli

#endif  // BEIAN_CLI_PROGRESS_H_
