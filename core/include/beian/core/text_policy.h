// One policy for the text people put into records: every string of a
// document's data, and the reasons, filing numbers, operator names, file names
// and token names the API and the command line take. What is archived and
// signed is refused, not rewritten, when it breaks the policy.
#ifndef BEIAN_CORE_TEXT_POLICY_H_
#define BEIAN_CORE_TEXT_POLICY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"

namespace beian::core {

// Whether a text may run over several lines.
enum class TextLines {
  // Names, numbers, addresses: no line break.
  kOne,
  // Free text (reasons; document fields whose schema says "x-multiline":
  // true): line feeds U+000A allowed, no other control character.
  kSeveral,
};

// The most combining marks (Unicode general category M) allowed in a row.
// Written text in NFC puts at most two or three on one letter (Vietnamese
// two; Tibetan and Indic stacks three or four); longer runs only stack
// accents over the lines above and below on paper ("zalgo" text).
inline constexpr size_t kMaxCombiningMarks = 4;

// What the policy refuses in a text.
enum class TextFaultKind {
  // Bytes that are not UTF-8: overlong forms, surrogates, above U+10FFFF,
  // truncated or stray bytes.
  kInvalidUtf8,
  // A C0 control (U+0000..U+001F, NUL, BEL, ESC, tab and carriage return
  // included), DEL (U+007F) or a C1 control (U+0080..U+009F).
  kControl,
  // A line feed U+000A in a one-line text.
  kLineBreak,
  // Not in Unicode Normalization Form C (decomposed accents, compatibility
  // ideographs such as U+F900, the Angstrom sign U+212B, ...).
  kNotNfc,
  // More than kMaxCombiningMarks combining marks in a row.
  kCombiningMarks,
  // A code point Unicode has not assigned (general category Cn), the 66
  // noncharacters (U+FDD0..U+FDEF, U+xxFFFE, U+xxFFFF) included: nothing can
  // print or search it, and a later Unicode may give it any meaning.
  kUnassigned,
  // An invisible control of text direction (U+061C, U+200E, U+200F,
  // U+202A..U+202E, U+2066..U+2069) or U+FEFF: they reorder or hide what a
  // screen shows ("Trojan Source", CVE-2021-42574), so that a name reads
  // otherwise on the console or the verification page than in the record.
  kDirectionControl,
};

// Where and what a text breaks the policy.
struct TextFault {
  TextFaultKind kind = TextFaultKind::kInvalidUtf8;
  // Byte offset of the offending code point (or byte).
  size_t offset = 0;
  // 1-based position of that code point, each malformed byte counting as one.
  size_t character = 0;
  // The offending code point; for kInvalidUtf8 the first offending byte. For
  // kCombiningMarks the first mark beyond kMaxCombiningMarks.
  char32_t code_point = 0;
  // kCombiningMarks: how many marks the run has.
  size_t run = 0;
};

// The first thing `text` breaks, or nullopt when the policy accepts it.
// Invalid UTF-8, controls, line breaks and combining runs are found in one
// pass, the first by position; NFC is checked (with ICU) when they are not.
// Thread-safe.
std::optional<TextFault> FindTextFault(std::string_view text, TextLines lines);

// True iff FindTextFault finds nothing.
bool IsAcceptableText(std::string_view text, TextLines lines);

// The fault as a problem at `path` (a JSON Pointer): code text.invalid_utf8,
// text.control, text.line_break, text.not_nfc, text.combining_marks,
// text.unassigned or text.direction_control, naming
// the code point as U+XXXX (the byte as 0xXX) and its position, in Chinese and
// English.
Problem TextProblem(const TextFault& fault, std::string path);

// Checks every string of `data`, object member names included (as one-line
// text, at the member's path). A string may hold line breaks iff `multiline`
// holds its address (see core::SchemaFindings::multiline_texts). Returns the
// problems in document order, at most `max_problems`; `*unlisted` receives how
// many more were found. Linear in the size of the data; never recurses.
std::vector<Problem> CheckTexts(
    const Json& data, const std::unordered_set<const Json*>& multiline,
    size_t max_problems, size_t* unlisted);

}  // namespace beian::core

#endif  // BEIAN_CORE_TEXT_POLICY_H_
