#include "common.h"

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

}  // namespace beian::cli
