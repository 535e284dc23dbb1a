#include "common.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

namespace beian::cli {

int Fail(int code, const std::string& message) {
  std::cerr << "beian: " << message << "\n";
  return code;
}

core::Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::IoError("cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return core::IoError("error reading " + path);
  return bytes.str();
}

core::Result<core::Json> ReadConfig(const std::string& path) {
  BEIAN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  // Comment lines become blank lines: the parser's line numbers still hold.
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const size_t first = text.find_first_not_of(" \t\r", start);
    if (first < end && text.compare(first, 2, "//") == 0) {
      std::fill(text.begin() + static_cast<std::ptrdiff_t>(start), text.begin() + static_cast<std::ptrdiff_t>(end),
                ' ');
    }
    start = end + 1;
  }
  core::Result<core::Json> config = core::ParseJson(text);
  if (!config.ok()) return core::InvalidArgument(path + ": " + config.status().message());
  if (!config->is_object()) return core::InvalidArgument(path + ": the config must be a JSON object");
  return config;
}

}  // namespace beian::cli
