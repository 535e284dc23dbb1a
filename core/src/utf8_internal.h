#ifndef BEIAN_CORE_SRC_UTF8_INTERNAL_H_
#define BEIAN_CORE_SRC_UTF8_INTERNAL_H_

#include <cstddef>
#include <cstdint>

namespace beian::core::internal {

// Why a byte sequence is not well-formed UTF-8.
enum class Utf8Error {
  kNone,
  kUnexpectedContinuation,  // 0x80..0xBF where a sequence should start
  kInvalidByte,             // 0xF8..0xFF, never valid
  kOverlong,                // 0xC0, 0xC1, 0xE0 0x80..0x9F, 0xF0 0x80..0x8F
  kSurrogate,               // 0xED 0xA0..0xBF: U+D800..U+DFFF
  kTooLarge,                // 0xF4 0x90.., 0xF5..0xF7: above U+10FFFF
  kTruncated,               // a continuation byte is missing
};

// Decodes one sequence starting at p (p < end) strictly per Unicode Table 3-7.
// On success sets *cp and *length; on failure sets *length to 1.
inline Utf8Error DecodeStrict(const unsigned char* p, const unsigned char* end,
                              char32_t* cp, size_t* length) {
  *length = 1;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) {
    *cp = b0;
    return Utf8Error::kNone;
  }
  if (b0 < 0xC0) return Utf8Error::kUnexpectedContinuation;
  if (b0 < 0xC2) return Utf8Error::kOverlong;
  if (b0 > 0xF7) return Utf8Error::kInvalidByte;
  if (b0 > 0xF4) return Utf8Error::kTooLarge;
  const size_t need = b0 < 0xE0 ? 2 : (b0 < 0xF0 ? 3 : 4);
  const size_t avail = static_cast<size_t>(end - p);
  auto is_cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  if (avail < 2 || !is_cont(p[1])) return Utf8Error::kTruncated;
  const unsigned char b1 = p[1];
  if (need == 3) {
    if (b0 == 0xE0 && b1 < 0xA0) return Utf8Error::kOverlong;
    if (b0 == 0xED && b1 >= 0xA0) return Utf8Error::kSurrogate;
  } else if (need == 4) {
    if (b0 == 0xF0 && b1 < 0x90) return Utf8Error::kOverlong;
    if (b0 == 0xF4 && b1 >= 0x90) return Utf8Error::kTooLarge;
  }
  for (size_t i = 2; i < need; ++i) {
    if (avail <= i || !is_cont(p[i])) return Utf8Error::kTruncated;
  }
  char32_t value;
  if (need == 2) {
    value = (static_cast<char32_t>(b0 & 0x1F) << 6) | (b1 & 0x3F);
  } else if (need == 3) {
    value = (static_cast<char32_t>(b0 & 0x0F) << 12) |
            (static_cast<char32_t>(b1 & 0x3F) << 6) | (p[2] & 0x3F);
  } else {
    value = (static_cast<char32_t>(b0 & 0x07) << 18) |
            (static_cast<char32_t>(b1 & 0x3F) << 12) |
            (static_cast<char32_t>(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
  }
  *cp = value;
  *length = need;
  return Utf8Error::kNone;
}

// Short English description of an error, e.g. "overlong UTF-8 encoding".
inline const char* Utf8ErrorText(Utf8Error error) {
  switch (error) {
    case Utf8Error::kNone:
      return "valid UTF-8";
    case Utf8Error::kUnexpectedContinuation:
      return "invalid UTF-8: unexpected continuation byte";
    case Utf8Error::kInvalidByte:
      return "invalid UTF-8: byte that never occurs in UTF-8";
    case Utf8Error::kOverlong:
      return "invalid UTF-8: overlong encoding";
    case Utf8Error::kSurrogate:
      return "invalid UTF-8: encoded surrogate (U+D800..U+DFFF)";
    case Utf8Error::kTooLarge:
      return "invalid UTF-8: code point above U+10FFFF";
    case Utf8Error::kTruncated:
      return "invalid UTF-8: truncated multi-byte sequence";
  }
  return "invalid UTF-8";
}

}  // namespace beian::core::internal

#endif  // BEIAN_CORE_SRC_UTF8_INTERNAL_H_
