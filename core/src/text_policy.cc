#include "beian/core/text_policy.h"

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>

#include <cstdint>
#include <tuple>
#include <utility>

#include "beian/core/utf8.h"
#include "utf8_internal.h"

namespace beian::core {
namespace {

// ICU's NFC normalizer, or nullptr when its data cannot be loaded (then no
// text beyond U+02FF passes: the archive keeps nothing it could not check).
const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* instance = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? instance : nullptr;
  }();
  return nfc;
}

bool IsControl(char32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

bool IsDirectionControl(char32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0xFEFF;
}

// The general category's mask, looked up once per code point; ASCII is all
// assigned and holds no mark. (Noncharacters are unassigned, U_GC_CN_MASK.)
uint32_t CategoryMask(char32_t cp) {
  return cp < 0x80 ? 0 : U_MASK(u_charType(static_cast<UChar32>(cp)));
}

bool IsNormalized(const icu::Normalizer2& nfc, std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const bool normalized = nfc.isNormalizedUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), status);
  return U_SUCCESS(status) && normalized;
}

// In a segment [begin, end) that is not NFC: the code point with which a
// prefix of the segment stops being NFC. Past kExactSearch code points (a long
// run of conjoining jamo, say) the first that is not NFC by itself, may
// compose with what precedes it or stands out of canonical order, else the
// segment's first. Returns its byte offset and code point.
std::pair<size_t, char32_t> NfcOffender(const icu::Normalizer2& nfc,
                                        std::string_view text, size_t begin,
                                        size_t end) {
  constexpr size_t kExactSearch = 64;
  size_t pos = begin;
  for (size_t n = 0; pos < end && n < kExactSearch; ++n) {
    const size_t at = pos;
    const char32_t cp = DecodeUtf8(text, pos);
    if (!IsNormalized(nfc, text.substr(begin, pos - begin))) return {at, cp};
  }
  uint8_t previous_class = 0;
  for (pos = begin; pos < end;) {
    const size_t at = pos;
    const char32_t cp = DecodeUtf8(text, pos);
    const auto c = static_cast<UChar32>(cp);
    const uint8_t combining_class = u_getCombiningClass(c);
    if (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) != UNORM_YES ||
        (combining_class != 0 && combining_class < previous_class)) {
      return {at, cp};
    }
    previous_class = combining_class;
  }
  pos = begin;
  return {begin, DecodeUtf8(text, pos)};
}

// Where valid UTF-8 `text` leaves NFC, or nullopt when it is in NFC.
std::optional<TextFault> NfcFault(std::string_view text) {
  // Below U+0300 (lead bytes below 0xCC) every code point is NFC and composes
  // with nothing: ASCII and Latin-1 need no look-up.
  bool simple = true;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0xCC) {
      simple = false;
      break;
    }
  }
  if (simple) return std::nullopt;
  const icu::Normalizer2* nfc = Nfc();
  if (nfc != nullptr && IsNormalized(*nfc, text)) return std::nullopt;
  // Name the code point: look at the text segment by segment (a segment
  // starts where normalization cannot reach back over).
  size_t offset = 0;
  char32_t offender = 0;
  if (nfc == nullptr) {
    for (size_t pos = 0; pos < text.size();) {
      offset = pos;
      offender = DecodeUtf8(text, pos);
      if (offender >= 0x300) break;
    }
  } else {
    bool found = false;
    for (size_t segment = 0; !found && segment < text.size();) {
      size_t next = segment;
      DecodeUtf8(text, next);
      while (next < text.size()) {
        size_t after = next;
        const char32_t cp = DecodeUtf8(text, after);
        if (nfc->hasBoundaryBefore(static_cast<UChar32>(cp))) break;
        next = after;
      }
      if (!IsNormalized(*nfc, text.substr(segment, next - segment))) {
        std::tie(offset, offender) = NfcOffender(*nfc, text, segment, next);
        found = true;
      }
      segment = next;
    }
    if (!found) {
      std::tie(offset, offender) = NfcOffender(*nfc, text, 0, text.size());
    }
  }
  TextFault fault;
  fault.kind = TextFaultKind::kNotNfc;
  fault.offset = offset;
  fault.character = CountCodePoints(text.substr(0, offset)) + 1;
  fault.code_point = offender;
  return fault;
}

std::string ByteLabel(char32_t byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "0x";
  out.push_back(kHex[(byte >> 4) & 0xF]);
  out.push_back(kHex[byte & 0xF]);
  return out;
}

}  // namespace

std::optional<TextFault> FindTextFault(std::string_view text, TextLines lines) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = bytes + text.size();
  // Printable ASCII (keys, codes, numbers, dates: most strings) has nothing to refuse.
  const auto* printable = bytes;
  while (printable < end && *printable >= 0x20 && *printable < 0x7F) ++printable;
  if (printable == end) return std::nullopt;
  size_t character = 0;
  size_t run = 0;
  TextFault marks;  // the first mark beyond the limit in the current run
  marks.kind = TextFaultKind::kCombiningMarks;
  for (size_t pos = 0; pos < text.size();) {
    ++character;
    char32_t cp = bytes[pos];
    size_t length = 1;
    internal::Utf8Error error = internal::Utf8Error::kNone;
    if (cp >= 0x80)
      error = internal::DecodeStrict(bytes + pos, end, &cp, &length);
    const uint32_t category =
        error == internal::Utf8Error::kNone ? CategoryMask(cp) : 0;
    const bool mark = (category & U_GC_M_MASK) != 0;
    if (!mark && run > kMaxCombiningMarks) {
      marks.run = run;
      return marks;
    }
    if (error != internal::Utf8Error::kNone) {
      return TextFault{TextFaultKind::kInvalidUtf8, pos, character, bytes[pos]};
    }
    if (mark) {
      if (++run == kMaxCombiningMarks + 1) {
        marks.offset = pos;
        marks.character = character;
        marks.code_point = cp;
      }
    } else {
      run = 0;
    }
    if (IsControl(cp) && !(cp == U'\n' && lines == TextLines::kSeveral)) {
      return TextFault{
          cp == U'\n' ? TextFaultKind::kLineBreak : TextFaultKind::kControl,
          pos, character, cp};
    }
    if (IsDirectionControl(cp)) {
      return TextFault{TextFaultKind::kDirectionControl, pos, character, cp};
    }
    if ((category & U_GC_CN_MASK) != 0) {
      return TextFault{TextFaultKind::kUnassigned, pos, character, cp};
    }
    pos += length;
  }
  if (run > kMaxCombiningMarks) {
    marks.run = run;
    return marks;
  }
  return NfcFault(text);
}

bool IsAcceptableText(std::string_view text, TextLines lines) {
  return !FindTextFault(text, lines).has_value();
}

Problem TextProblem(const TextFault& fault, std::string path) {
  const std::string n = std::to_string(fault.character);
  const std::string cp = CodePointLabel(fault.code_point);
  Problem p;
  p.path = std::move(path);
  switch (fault.kind) {
    case TextFaultKind::kInvalidUtf8:
      p.code = "text.invalid_utf8";
      p.message = "第 " + n + " 个字符处不是有效的 UTF-8 编码（字节 " +
                  ByteLabel(fault.code_point) + "）";
      p.message_en = "not valid UTF-8 at character " + n + " (byte " +
                     ByteLabel(fault.code_point) + ")";
      break;
    case TextFaultKind::kControl:
      p.code = "text.control";
      p.message =
          "第 " + n + " 个字符是控制字符 " + cp + "，文字中不能含有控制字符";
      p.message_en = "character " + n + " is the control character " + cp +
                     "; text may not contain control characters";
      break;
    case TextFaultKind::kLineBreak:
      p.code = "text.line_break";
      p.message = "第 " + n + " 个字符是换行符 " + cp + "，此项只能填写一行";
      p.message_en = "character " + n + " is a line break " + cp +
                     "; this field is one line";
      break;
    case TextFaultKind::kNotNfc:
      p.code = "text.not_nfc";
      p.message = "第 " + n + " 个字符 " + cp +
                  " 未按 Unicode 标准组合（NFC），请重新输入这个字，"
                  "不要用组合符号或兼容字符拼写";
      p.message_en = "character " + n + ", " + cp +
                     ", is not in Unicode normalization form C (NFC); type it "
                     "again as one composed character";
      break;
    case TextFaultKind::kUnassigned:
      p.code = "text.unassigned";
      p.message = "第 " + n + " 个字符 " + cp + " 不是 Unicode 已分配的字符";
      p.message_en = "character " + n + ", " + cp +
                     ", is not a character Unicode has assigned";
      break;
    case TextFaultKind::kDirectionControl:
      p.code = "text.direction_control";
      p.message = "第 " + n + " 个字符是不可见的文字方向控制符 " + cp +
                  "，它会改变文字在屏幕上的显示顺序，不能使用";
      p.message_en = "character " + n + " is the invisible direction control " +
                     cp + ", which changes the order text is shown in";
      break;
    case TextFaultKind::kCombiningMarks: {
      const std::string run = std::to_string(fault.run);
      const std::string limit = std::to_string(kMaxCombiningMarks);
      p.code = "text.combining_marks";
      p.message = "第 " + n + " 个字符 " + cp + " 处连续叠加了 " + run +
                  " 个组合符号，最多允许 " + limit + " 个";
      p.message_en = "character " + n + ", " + cp + ", is in a run of " + run +
                     " combining marks; at most " + limit + " are allowed";
      break;
    }
  }
  return p;
}

std::vector<Problem> CheckTexts(
    const Json& data, const std::unordered_set<const Json*>& multiline,
    size_t max_problems, size_t* unlisted) {
  std::vector<Problem> problems;
  size_t more = 0;
  std::string path;
  auto check = [&](std::string_view text, TextLines lines) {
    std::optional<TextFault> fault = FindTextFault(text, lines);
    if (!fault) return;
    if (problems.size() < max_problems) {
      problems.push_back(TextProblem(*fault, path));
    } else {
      ++more;
    }
  };
  auto check_value = [&](const Json& value) {
    if (value.is_string()) {
      check(value.as_string(), multiline.count(&value) != 0
                                   ? TextLines::kSeveral
                                   : TextLines::kOne);
    }
  };
  struct Frame {
    const Json* container;
    size_t next;       // the element or member to visit next
    size_t path_size;  // the container's own path
  };
  std::vector<Frame> stack;
  check_value(data);
  if (data.size() > 0) stack.push_back({&data, 0, 0});
  while (!stack.empty()) {
    Frame& frame = stack.back();
    const Json& container = *frame.container;
    if (frame.next == container.size()) {
      stack.pop_back();
      continue;
    }
    const size_t i = frame.next++;
    path.resize(frame.path_size);
    const Json* child;
    if (container.is_array()) {
      PointerPush(path, i);
      child = &container.as_array()[i];
    } else {
      const auto& member = container.as_object()[i];
      PointerPush(path, member.first);
      check(member.first, TextLines::kOne);
      child = &member.second;
    }
    check_value(*child);
    if (child->size() > 0) stack.push_back({child, 0, path.size()});
  }
  if (unlisted != nullptr) *unlisted = more;
  return problems;
}

}  // namespace beian::core
