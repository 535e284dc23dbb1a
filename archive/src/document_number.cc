#include "beian/archive/document_number.h"

#include <cstdio>
#include <string>
#include <utility>

#include "beian/core/districts.h"
#include "beian/core/kinds.h"
#include "beian/core/utf8.h"

namespace beian::archive {
namespace {

constexpr std::string_view kCity = "京";
constexpr std::string_view kOpen = "〔";
constexpr std::string_view kClose = "〕";
constexpr std::string_view kHao = "号";

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Reads one code point starting at `pos` as a string; empty at the end.
std::string_view NextChar(std::string_view text, size_t pos) {
  size_t end = pos;
  core::DecodeUtf8(text, end);
  return text.substr(pos, end - pos);
}

}  // namespace

std::string FormatDocumentNumber(const DocumentNumber& number) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%04d", number.year);
  std::string out(kCity);
  out += number.district_code;
  out += number.kind_code;
  out += kOpen;
  out += digits;
  out += kClose;
  std::snprintf(digits, sizeof digits, "%06lld",
                static_cast<long long>(number.serial));
  out += digits;
  out += kHao;
  return out;
}

std::optional<DocumentNumber> ParseDocumentNumber(std::string_view text) {
  if (text.substr(0, kCity.size()) != kCity) return std::nullopt;
  size_t pos = kCity.size();
  DocumentNumber number;
  number.district_code = std::string(NextChar(text, pos));
  if (!core::IsDistrictNumberCode(number.district_code)) return std::nullopt;
  pos += number.district_code.size();
  const size_t open = text.find(kOpen, pos);
  if (open == std::string_view::npos) return std::nullopt;
  number.kind_code = std::string(text.substr(pos, open - pos));
  if (!core::IsKindNumberCode(number.kind_code)) return std::nullopt;
  pos = open + kOpen.size();
  const std::string_view year = text.substr(pos, 4);
  if (year.size() != 4 || !AllDigits(year)) return std::nullopt;
  pos += 4;
  if (text.substr(pos, kClose.size()) != kClose) return std::nullopt;
  pos += kClose.size();
  if (text.size() < pos + kHao.size() ||
      text.substr(text.size() - kHao.size()) != kHao) {
    return std::nullopt;
  }
  const std::string_view serial =
      text.substr(pos, text.size() - kHao.size() - pos);
  // Canonical serials have at least six digits and no padding beyond that.
  if (!AllDigits(serial) || serial.size() < 6 || serial.size() > 15 ||
      (serial.size() > 6 && serial[0] == '0')) {
    return std::nullopt;
  }
  number.year = std::stoi(std::string(year));
  number.serial = std::stoll(std::string(serial));
  if (number.serial <= 0) return std::nullopt;
  return number;
}

std::string NormalizeDocumentNumber(std::string_view text) {
  // Map the typing variants onto the canonical characters, code point by
  // code point, dropping spaces.
  std::string mapped;
  size_t pos = 0;
  while (pos < text.size()) {
    const char32_t cp = core::DecodeUtf8(text, pos);
    switch (cp) {
      case U' ':
      case U'\t':
      case U'\u3000':  // ideographic space
        continue;
      case U'[':
      case U'(':
      case U'\uFF08':  // （
      case U'\u3010':  // 【
      case U'\uFF3B':  // ［
      case U'\uFE5D':  // ﹝
        mapped += kOpen;
        continue;
      case U']':
      case U')':
      case U'\uFF09':  // ）
      case U'\u3011':  // 】
      case U'\uFF3D':  // ］
      case U'\uFE5E':  // ﹞
        mapped += kClose;
        continue;
      default:
        break;
    }
    if (cp >= U'\uFF10' && cp <= U'\uFF19') {  // full-width digits
      mapped += static_cast<char>('0' + (cp - U'\uFF10'));
    } else {
      core::AppendUtf8(mapped, cp);
    }
  }
  // Drop "第" right after the closing bracket; add a missing "号"; pad.
  const size_t close = mapped.find(kClose);
  if (close != std::string::npos) {
    const size_t after = close + kClose.size();
    if (mapped.compare(after, std::string_view("第").size(), "第") == 0) {
      mapped.erase(after, std::string_view("第").size());
    }
    std::string_view rest = std::string_view(mapped).substr(after);
    if (rest.size() >= kHao.size() &&
        rest.substr(rest.size() - kHao.size()) == kHao) {
      rest.remove_suffix(kHao.size());
    }
    if (AllDigits(rest) && rest.size() <= 15) {
      const long long serial = std::stoll(std::string(rest));
      const std::string head = mapped.substr(0, after);
      char digits[32];
      std::snprintf(digits, sizeof digits, "%06lld", serial);
      mapped = head + digits + std::string(kHao);
    }
  }
  if (ParseDocumentNumber(mapped)) return mapped;
  return std::string(text);
}

}  // namespace beian::archive
