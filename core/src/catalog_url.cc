#include "beian/core/catalog_url.h"

#include <string>

namespace beian::core {

bool IsPostgresUrl(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string RedactPostgresUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t authority = scheme + 3;
  const size_t at = url.find('@', authority);
  const size_t slash = url.find('/', authority);
  std::string out(url);
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash)) {
    const size_t colon = url.find(':', authority);
    if (colon != std::string_view::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  const size_t password = out.find("password=");
  if (password != std::string::npos) {
    const size_t end = out.find_first_of("& ", password);
    out.replace(password + 9, (end == std::string::npos ? out.size() : end) - password - 9, "***");
  }
  return out;
}

}  // namespace beian::core
