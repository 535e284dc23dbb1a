#include "byte_range.h"

#include <algorithm>
#include <string_view>

namespace beian::api::internal {

std::optional<std::pair<int64_t, int64_t>> ParseRange(const std::string& header,
                                                      int64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.compare(0, kUnit.size(), kUnit) != 0 || size == 0) {
    return std::nullopt;
  }
  const std::string spec = header.substr(kUnit.size());
  const size_t dash = spec.find('-');
  if (dash == std::string::npos || spec.find(',') != std::string::npos) {
    return std::nullopt;
  }
  auto number = [](const std::string& s) -> std::optional<int64_t> {
    if (s.empty() || s.size() > 18) return std::nullopt;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      v = v * 10 + (c - '0');
    }
    return v;
  };
  const std::string first_text = spec.substr(0, dash);
  const std::string last_text = spec.substr(dash + 1);
  const std::optional<int64_t> first = number(first_text);
  const std::optional<int64_t> last = number(last_text);
  // Either number may be left out, not malformed ("bytes=x-1" is no "bytes=-1").
  if ((!first && !first_text.empty()) || (!last && !last_text.empty())) {
    return std::nullopt;
  }
  if (!first) {
    if (!last || *last == 0) return std::nullopt;  // suffix range
    return std::make_pair(std::max<int64_t>(0, size - *last), size - 1);
  }
  if (*first >= size) return std::nullopt;
  if (!last) return std::make_pair(*first, size - 1);
  if (*last < *first) return std::nullopt;
  return std::make_pair(*first, std::min(*last, size - 1));
}

}  // namespace beian::api::internal
