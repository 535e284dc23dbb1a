#ifndef BEIAN_CORE_UTF8_H_
#define BEIAN_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace beian::core {

// Replacement character used for malformed input.
inline constexpr char32_t kReplacementChar = 0xFFFD;

// True iff bytes are well-formed UTF-8 (no overlongs, no surrogates, <=
// U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Decodes the code point at `pos` and advances pos past it; on malformed input
// returns U+FFFD and advances one byte; at or past the end returns U+FFFD and
// leaves pos unchanged.
char32_t DecodeUtf8(std::string_view s, size_t& pos);

// Appends the UTF-8 encoding of cp; surrogates and values above U+10FFFF append
// U+FFFD.
void AppendUtf8(std::string& out, char32_t cp);

// Number of code points, each malformed byte counting as one.
size_t CountCodePoints(std::string_view s);

// True iff `text` is empty or only spaces (ASCII and U+3000 ideographic).
bool IsBlank(std::string_view text);

// Decodes to UTF-32, each malformed byte becoming U+FFFD.
std::u32string ToUtf32(std::string_view s);

// Full-width ASCII (U+FF01..U+FF5E, e.g. "１" or "Ｘ") as its ASCII form and
// the ideographic space U+3000 as a space; any other code point unchanged.
char32_t FoldFullWidth(char32_t cp);

// "U+4E2D" style name: uppercase hex, at least four digits.
std::string CodePointLabel(char32_t cp);

}  // namespace beian::core

#endif  // BEIAN_CORE_UTF8_H_
