#include "progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "beian/core/utf8.h"

namespace beian::cli {
namespace {

std::string Bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char out[32];
  std::snprintf(out, sizeof out, unit == 0 || bytes >= 100 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return out;
}

std::string Duration(double seconds) {
  char out[32];
  if (seconds < 90) {
    std::snprintf(out, sizeof out, "%.0f s", std::ceil(seconds));
  } else if (seconds < 90 * 60) {
    std::snprintf(out, sizeof out, "%.0f min", std::ceil(seconds / 60));
  } else {
    std::snprintf(out, sizeof out, "%.1f h", seconds / 3600);
  }
  return out;
}

}  // namespace

ProgressLine::ProgressLine(bool shown) : shown_(shown) {}
ProgressLine::ProgressLine() : ProgressLine(::isatty(STDERR_FILENO) != 0) {}

ProgressLine::~ProgressLine() {
  if (shown_ && width_ > 0) std::cerr << "\r" << std::string(width_, ' ') << "\r" << std::flush;
}

std::string ProgressLine::Format(std::string_view stage, int64_t done, int64_t total, double elapsed) {
  const bool bytes = stage == "blobs";
  auto amount = [&](int64_t n) { return bytes ? Bytes(static_cast<double>(n)) : std::to_string(n); };
  std::string line(stage);
  line += " " + amount(done);
  if (total > 0) {
    line += (bytes ? " of " : "/") + amount(total);
    line += " (" + std::to_string(static_cast<int>(100.0 * static_cast<double>(done) / static_cast<double>(total))) + " %)";
  }
  if (elapsed >= 0.5 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed;
    char per[48];
    if (bytes) {
      std::snprintf(per, sizeof per, ", %s/s", Bytes(rate).c_str());
    } else {
      std::snprintf(per, sizeof per, rate >= 10 ? ", %.0f/s" : ", %.1f/s", rate);
    }
    line += per;
    if (total > done) line += ", about " + Duration(static_cast<double>(total - done) / rate) + " left";
  }
  return line;
}

void ProgressLine::Update(std::string_view stage, int64_t done, int64_t total) {
  if (!shown_) return;
  const auto now = std::chrono::steady_clock::now();
  if (stage != stage_) {
    stage_ = std::string(stage);
    stage_start_ = now;
  } else if (now - last_shown_ < std::chrono::milliseconds(100) && done != total) {
    return;
  }
  last_shown_ = now;
  const std::string line =
      Format(stage, done, total, std::chrono::duration<double>(now - stage_start_).count());
  const size_t width = core::CountCodePoints(line);
  std::cerr << "\r" << line;
  if (width < width_) std::cerr << std::string(width_ - width, ' ');
  std::cerr << std::flush;
  width_ = width;
}

service::ProgressFn ProgressLine::Fn() {
  return [this](std::string_view stage, int64_t done, int64_t total) { Update(stage, done, total); };
}

}  // namespace beian::cli
