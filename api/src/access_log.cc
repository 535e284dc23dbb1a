#include "beian/api/access_log.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>

#include "beian/core/id_numbers.h"
#include "beian/core/json.h"
#include "url.h"

namespace beian::api {
namespace {

// "2024-05-01T08:30:00.123Z".
std::string FormatTime(std::chrono::system_clock::time_point time) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto ms = duration_cast<milliseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, millis);
  return buffer;
}

// The target as logged: masked as sent, or decoded and masked when only the
// decoded form reveals an ID number (e.g. %31%31%30...).
std::string LoggedTarget(const std::string& target) {
  std::string masked = core::MaskIdNumbers(target);
  auto decoded = internal::PercentDecode(target, true);
  if (decoded) {
    std::string masked_decoded = core::MaskIdNumbers(*decoded);
    if (masked_decoded != *decoded) return masked_decoded;
  }
  return masked;
}

bool IsReservedKey(std::string_view key) {
  static constexpr std::string_view kReserved[] = {
      "time",  "id",       "remote",    "method",      "path", "route",
      "status", "bytes_in", "bytes_out", "duration_ms", "error"};
  for (std::string_view reserved : kReserved) {
    if (key == reserved) return true;
  }
  return false;
}

}  // namespace

std::string FormatAccessLogLine(const AccessLogEntry& entry) {
  core::Json line = core::Json::MakeObject();
  line.Set("time", FormatTime(entry.time));
  line.Set("id", entry.request_id);
  line.Set("remote", entry.remote);
  line.Set("method", entry.method);
  line.Set("path", LoggedTarget(entry.target));
  line.Set("route", entry.route);
  line.Set("status", entry.status);
  line.Set("bytes_in", entry.bytes_in);
  line.Set("bytes_out", entry.bytes_out);
  line.Set("duration_ms", std::round(entry.duration_ms * 1000) / 1000);
  if (!entry.error.empty()) line.Set("error", entry.error);
  for (const auto& [key, value] : entry.fields) {
    if (key.empty() || IsReservedKey(key)) continue;
    line.Set(key, value);
  }
  // Masking the serialised line covers every field at once; JSON escaping
  // leaves digits, "X" and the 6-8-4 separators as they are.
  return core::MaskIdNumbers(core::WriteJson(line));
}

AccessLog::AccessLog(std::ostream* out) : out_(out) {}

core::Result<std::unique_ptr<AccessLog>> AccessLog::OpenFile(
    const std::string& path) {
  auto file = std::make_unique<std::ofstream>(
      path, std::ios::out | std::ios::app | std::ios::binary);
  if (!file->is_open()) {
    return core::IoError("cannot open access log " + path + ": " +
                         std::strerror(errno));
  }
  std::unique_ptr<AccessLog> log(new AccessLog());
  log->out_ = file.get();
  log->file_ = std::move(file);
  return log;
}

void AccessLog::Write(const AccessLogEntry& entry) {
  std::string line = FormatAccessLogLine(entry);
  line += '\n';
  std::lock_guard<std::mutex> lock(mu_);
  if (!out_) return;
  out_->write(line.data(), static_cast<std::streamsize>(line.size()));
  out_->flush();
}

}  // namespace beian::api
