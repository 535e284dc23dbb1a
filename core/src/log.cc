#include "beian/core/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>

#include "beian/core/id_numbers.h"
#include "beian/core/json.h"

namespace beian::core {
namespace {

std::mutex mu;
std::ostream* json_out = nullptr;  // guarded by mu

// Now in Beijing, RFC 3339 with milliseconds: 2026-12-07T09:00:00.123+08:00.
std::string Now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t beijing = static_cast<std::time_t>(ms / 1000) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&beijing, &tm);
  char out[40];
  std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return out;
}

}  // namespace

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
    case LogLevel::kInfo:
      break;
  }
  return "info";
}

std::string FormatLogLine(std::string_view time, LogLevel level, std::string_view event, std::string_view message,
                          const LogFields& fields) {
  Json line = Json::MakeObject();
  line.Set("time", std::string(time));
  line.Set("level", std::string(LogLevelName(level)));
  line.Set("event", std::string(event));
  line.Set("message", MaskIdNumbers(message));
  for (const auto& [key, value] : fields) {
    if (key != "time" && key != "level" && key != "event" && key != "message") line.Set(key, MaskIdNumbers(value));
  }
  return WriteJson(line);
}

void Log(LogLevel level, std::string_view event, std::string_view message, const LogFields& fields) {
  std::lock_guard<std::mutex> lock(mu);
  if (json_out == nullptr) {
    std::cerr << "beian: " << MaskIdNumbers(message) << "\n" << std::flush;
    return;
  }
  *json_out << FormatLogLine(Now(), level, event, message, fields) << "\n" << std::flush;
}

void SetLogOutput(std::ostream* out) {
  std::lock_guard<std::mutex> lock(mu);
  json_out = out;
}

}  // namespace beian::core
