// Personal ID numbers (居民身份证号码, GB 11643) and unified social credit
// codes (统一社会信用代码, GB 32100): their check characters and how to
// recognise them. The domain's validators word their findings from these
// parts; the archive's privacy checks, search and masking recognise ID
// numbers with FindIdNumbers only.
#ifndef BEIAN_CORE_ID_NUMBERS_H_
#define BEIAN_CORE_ID_NUMBERS_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/civil_date.h"

namespace beian::core {

// ---------------------------------------------------------------------------
// 居民身份证号码: 6 digits of address (the first two a province), 8 of birth
// date (YYYYMMDD), 3 of sequence (the last odd for men, even for women) and a
// check character.

// The GB 11643 check character ('0'..'9' or uppercase 'X') of an ID number
// given its first 17 digits: "10X98765432"[Σ digit × weight mod 11] with the
// weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; nullopt unless exactly 17 ASCII
// digits.
std::optional<char> IdNumberCheckChar(std::string_view first17);

// True iff `code` (the first two digits) is a province-level code an ID
// number may begin with: those of GB/T 2260 (11 北京 … 65 新疆), 71 台湾,
// 81 香港, 82 澳门, and 83 of the residence permits of Taiwan residents.
bool IsIdNumberProvinceCode(int code);

// The birth date in characters 7–14 of `id` (of at least 14 characters) if
// they are 8 ASCII digits naming a real day of the years Date::kMinYear..
// Date::kMaxYear; nullopt otherwise. Whether that day is past is for the
// caller to judge: core reads no clock.
std::optional<Date> IdNumberBirthDate(std::string_view id);

// Where one ID number stands in a text: the index of each of its 18
// characters (separators between the groups are not among them).
struct IdNumberMatch {
  std::array<size_t, 18> chars;
};

// Every ID number in `text` (code points), left to right, not overlapping.
//
// One rule for all of beian's privacy protections (catalog columns, search
// terms and queries, masked display): a match is 17 digits and a digit or X,
// optionally grouped 6-8-4 by one space or hyphen after the 6th and the 14th
// character, not preceded or followed by a digit, whose first two digits pass
// IsIdNumberProvinceCode and whose birth date passes IdNumberBirthDate.
// Full-width digits, Ｘ, spaces and hyphens count as their ASCII forms, and a
// lowercase x as X.
//
// By design the check character is not required to match: a number mistyped
// in one digit is still a person's number, and it is protected like a correct
// one (the domain's validator refuses it separately, id_number.check). The
// 15-digit numbers issued before 1999 are not recognised: without a check
// character or a century they cannot be told from other 15-digit numbers (the
// validator refuses them as the old form).
std::vector<IdNumberMatch> FindIdNumbers(std::u32string_view text);

// True iff FindIdNumbers finds an ID number in the UTF-8 `text` (invalid bytes
// act as separators).
bool ContainsIdNumber(std::string_view text);

// Masks the ID numbers FindIdNumbers finds, for display, keeping the first 6
// and last 4 characters: 110105197103143253 → 110105********3253, also with a
// final X, full-width digits, or the 6-8-4 grouping with spaces or hyphens
// (the separators are kept). Everything else, including invalid UTF-8, is
// copied unchanged.
std::string MaskIdNumbers(std::string_view text);

// ---------------------------------------------------------------------------
// 统一社会信用代码: 18 characters of kCreditCodeAlphabet: registering
// authority, kind of organisation, the GB/T 2260 division of registration
// (characters 3–8, digits), the organisation code (9 characters) and a check
// character.

// The characters a credit code is written with (no I, O, S, V, Z), in the
// order of their values 0..30.
inline constexpr std::string_view kCreditCodeAlphabet =
    "0123456789ABCDEFGHJKLMNPQRTUWXY";

// The GB 32100 check character of a credit code given its first 17
// characters: with v the values and w = 3^(i-1) mod 31 the weights,
// 31 − Σ v×w mod 31, 31 written as '0'; nullopt unless 17 characters of
// kCreditCodeAlphabet.
std::optional<char> CreditCodeCheckChar(std::string_view first17);

// True iff `code` has the form of a credit code: 18 characters of
// kCreditCodeAlphabet with digits in positions 3–8. The check character is
// not verified: some early pilot codes legally fail the check.
bool IsCreditCodeForm(std::string_view code);

}  // namespace beian::core

#endif  // BEIAN_CORE_ID_NUMBERS_H_
