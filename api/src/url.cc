#include "url.h"

namespace beian::api::internal {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view text,
                                         bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<Fields> ParseQuery(std::string_view query) {
  Fields fields;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view piece = query.substr(start, end - start);
    if (!piece.empty()) {
      size_t eq = piece.find('=');
      std::string_view name = piece.substr(0, eq);
      std::string_view value =
          eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
      auto decoded_name = PercentDecode(name, true);
      auto decoded_value = PercentDecode(value, true);
      if (!decoded_name || !decoded_value) return std::nullopt;
      fields.emplace_back(std::move(*decoded_name), std::move(*decoded_value));
    }
    start = end + 1;
  }
  return fields;
}

std::optional<int64_t> PathId(const Request& req, std::string_view name) {
  const std::string* text = req.PathParam(name);
  if (text == nullptr || text->empty() || text->size() > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  if (id <= 0) return std::nullopt;
  return id;
}

}  // namespace beian::api::internal
