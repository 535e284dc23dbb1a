#include "beian/core/utf8.h"

#include <cstdint>

#include "utf8_internal.h"

namespace beian::core {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  const unsigned char* p = Bytes(bytes);
  const unsigned char* end = p + bytes.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    char32_t cp;
    size_t length;
    if (internal::DecodeStrict(p, end, &cp, &length) !=
        internal::Utf8Error::kNone)
      return false;
    p += length;
  }
  return true;
}

char32_t DecodeUtf8(std::string_view s, size_t& pos) {
  if (pos >= s.size()) return kReplacementChar;
  const unsigned char* p = Bytes(s) + pos;
  char32_t cp;
  size_t length;
  if (internal::DecodeStrict(p, Bytes(s) + s.size(), &cp, &length) !=
      internal::Utf8Error::kNone) {
    ++pos;
    return kReplacementChar;
  }
  pos += length;
  return cp;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = kReplacementChar;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t CountCodePoints(std::string_view s) {
  size_t count = 0;
  size_t pos = 0;
  while (pos < s.size()) {
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
    } else {
      DecodeUtf8(s, pos);
    }
    ++count;
  }
  return count;
}

std::u32string ToUtf32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) out.push_back(DecodeUtf8(s, pos));
  return out;
}

char32_t FoldFullWidth(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFEE0;
  if (cp == 0x3000) return U' ';
  return cp;
}

std::string CodePointLabel(char32_t cp) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  uint32_t value = static_cast<uint32_t>(cp);
  do {
    digits.insert(digits.begin(), kHex[value & 0xF]);
    value >>= 4;
  } while (value != 0);
  if (digits.size() < 4) digits.insert(0, 4 - digits.size(), '0');
  return "U+" + digits;
}

bool IsBlank(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const char32_t cp = DecodeUtf8(text, i);
    if (cp != U' ' && cp != 0x3000) return false;
  }
  return true;
}

}  // namespace beian::core
