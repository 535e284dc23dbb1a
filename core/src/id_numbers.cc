#include "beian/core/id_numbers.h"

#include "beian/core/utf8.h"

#include <string>
#include <utility>
#include <vector>

namespace beian::core {
namespace {

bool IsDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

bool IsGroupSeparator(char32_t c) { return c == U' ' || c == U'-'; }

// The 18 characters of a candidate at `m` as ASCII, in `text`.
std::string CandidateChars(std::u32string_view text, const IdNumberMatch& m) {
  std::string out(18, '0');
  for (size_t k = 0; k < 18; ++k) {
    out[k] = static_cast<char>(FoldFullWidth(text[m.chars[k]]));
  }
  return out;
}

bool IsPlausibleIdNumber(std::string_view id) {
  return IsIdNumberProvinceCode((id[0] - '0') * 10 + (id[1] - '0')) &&
         IdNumberBirthDate(id).has_value();
}

}  // namespace

std::optional<char> IdNumberCheckChar(std::string_view first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6,
                                       3, 7, 9, 10, 5, 8, 4, 2};
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(static_cast<unsigned char>(first17[i]))) return std::nullopt;
    sum += (first17[i] - '0') * kWeights[i];
  }
  return "10X98765432"[sum % 11];
}

bool IsIdNumberProvinceCode(int code) {
  static constexpr int kCodes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31,
                                   32, 33, 34, 35, 36, 37, 41, 42, 43,
                                   44, 45, 46, 50, 51, 52, 53, 54, 61,
                                   62, 63, 64, 65, 71, 81, 82, 83};
  for (int c : kCodes) {
    if (c == code) return true;
  }
  return false;
}

std::optional<Date> IdNumberBirthDate(std::string_view id) {
  if (id.size() < 14) return std::nullopt;
  int value[3] = {0, 0, 0};  // year, month, day
  for (size_t i = 6; i < 14; ++i) {
    if (!IsDigit(static_cast<unsigned char>(id[i]))) return std::nullopt;
    int& part = value[i < 10 ? 0 : i < 12 ? 1 : 2];
    part = part * 10 + (id[i] - '0');
  }
  const Date birth{value[0], value[1], value[2]};
  if (birth.year < Date::kMinYear || birth.year > Date::kMaxYear ||
      !Date::IsValid(birth.year, birth.month, birth.day)) {
    return std::nullopt;
  }
  return birth;
}

std::vector<IdNumberMatch> FindIdNumbers(std::u32string_view text) {
  std::vector<IdNumberMatch> found;
  const size_t n = text.size();
  auto at = [&](size_t i) { return FoldFullWidth(text[i]); };
  size_t i = 0;
  while (i < n) {
    if (!IsDigit(at(i)) || (i > 0 && IsDigit(at(i - 1)))) {
      ++i;
      continue;
    }
    IdNumberMatch m;
    size_t j = i;
    bool ok = true;
    for (size_t k = 0; k < 18 && ok; ++k) {
      if ((k == 6 || k == 14) && j + 1 < n && IsGroupSeparator(at(j)) &&
          IsDigit(at(j + 1))) {
        ++j;
      }
      if (j < n && (IsDigit(at(j)) ||
                    (k == 17 && (at(j) == U'X' || at(j) == U'x')))) {
        m.chars[k] = j++;
      } else {
        ok = false;
      }
    }
    if (ok && (j == n || !IsDigit(at(j))) &&
        IsPlausibleIdNumber(CandidateChars(text, m))) {
      found.push_back(m);
      i = j;
    } else {
      ++i;
    }
  }
  return found;
}

bool ContainsIdNumber(std::string_view text) {
  // An ID number is 17 digits and a check character: text with fewer digits (ASCII or
  // full-width, U+FF10–FF19 = EF BC 90–99) has none, and most text is that.
  size_t digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBC &&
               static_cast<unsigned char>(text[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(text[i + 2]) <= 0x99) {
      ++digits;
      i += 2;
    }
  }
  if (digits < 17) return false;
  return !FindIdNumbers(ToUtf32(text)).empty();
}

std::string MaskIdNumbers(std::string_view text) {
  std::u32string cps;
  std::vector<std::pair<size_t, size_t>>
      bytes;  // [begin, end) of each code point
  size_t pos = 0;
  while (pos < text.size()) {
    size_t begin = pos;
    cps.push_back(DecodeUtf8(text, pos));
    bytes.emplace_back(begin, pos);
  }
  std::vector<bool> masked(cps.size(), false);
  bool any = false;
  for (const IdNumberMatch& m : FindIdNumbers(cps)) {
    for (size_t k = 6; k < 14; ++k) masked[m.chars[k]] = true;
    any = true;
  }
  if (!any) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < cps.size(); ++i) {
    if (masked[i]) {
      out.push_back('*');
    } else {
      out.append(text.substr(bytes[i].first, bytes[i].second - bytes[i].first));
    }
  }
  return out;
}

std::optional<char> CreditCodeCheckChar(std::string_view first17) {
  if (first17.size() != 17) return std::nullopt;
  int sum = 0;
  int weight = 1;  // 3^i mod 31 for position i (0-based)
  for (char c : first17) {
    const size_t value = kCreditCodeAlphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    sum += static_cast<int>(value) * weight;
    weight = weight * 3 % 31;
  }
  return kCreditCodeAlphabet[(31 - sum % 31) % 31];
}

bool IsCreditCodeForm(std::string_view code) {
  if (code.size() != 18) return false;
  for (size_t i = 0; i < code.size(); ++i) {
    if (kCreditCodeAlphabet.find(code[i]) == std::string_view::npos) {
      return false;
    }
    if (i >= 2 && i <= 7 && !IsDigit(static_cast<unsigned char>(code[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace beian::core
