// Fast matching for the regular expressions JSON Schemas here use: anchored
// sequences of character classes with counts, such as ^[0-9]{17}[0-9X]$.
// std::regex takes tens of thousands of instructions per match; these match
// in one pass per class.
#ifndef BEIAN_CORE_SRC_CLASS_PATTERN_H_
#define BEIAN_CORE_SRC_CLASS_PATTERN_H_

#include <bitset>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace beian::core {

// A pattern ^A1...An$ where each Ai is an ASCII literal, an escaped
// punctuation character or \d, or a bracket class of those and ASCII ranges
// (not negated), each optionally followed by ?, *, +, {n}, {n,} or {n,m}
// (a lazy ? after a quantifier changes nothing for a whole-string match).
// Matches exactly what ECMAScript std::regex_search matches for it.
class ClassPattern {
 public:
  // The compiled pattern, or nullopt when `pattern` is not of that form (use
  // std::regex then).
  static std::optional<ClassPattern> Compile(std::string_view pattern);

  // True iff all of `text` matches. Thread-safe.
  bool Matches(std::string_view text) const;

 private:
  struct Atom {
    std::bitset<256> bytes;
    uint32_t min = 1;
    uint32_t max = 1;  // kUnbounded for * and + and {n,}
  };
  static constexpr uint32_t kUnbounded = UINT32_MAX;

  std::vector<Atom> atoms_;
};

}  // namespace beian::core

#endif  // BEIAN_CORE_SRC_CLASS_PATTERN_H_
