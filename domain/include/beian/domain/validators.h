#ifndef BEIAN_DOMAIN_VALIDATORS_H_
#define BEIAN_DOMAIN_VALIDATORS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/domain/date.h"

namespace beian::domain {

// Field validators. Each takes one value and the JSON Pointer it sits at and
// returns every problem it finds (empty = valid), with a specific Chinese
// message for the clerk and an English one. An empty value is malformed here;
// whether a field may be left empty is for the rules (and the kind's schema).

// 统一社会信用代码: credit_code.format (error) unless core::IsCreditCodeForm
// (18 characters of the alphabet with digits in positions 3–8);
// credit_code.check (warning only:
// some early pilot codes legally fail it) if the 18th is not the check
// character.
std::vector<core::Problem> ValidateCreditCode(std::string_view code,
                                              const std::string& path);

// 居民身份证号码 (18 characters), judged with the parts of core/id_numbers.h:
// id_number.format (not 17 digits + digit or X; a 15-digit number of the old
// form is named as such), id_number.region (not core::IsIdNumberProvinceCode),
// id_number.birth_date (not core::IdNumberBirthDate: not a real day or before
// 1900; or after `today`), id_number.check (wrong check
// character), id_number.gender (the 17th digit, odd = 男 / even = 女,
// disagrees with `stated_gender` when that is 男 or 女). A lowercase x is
// accepted with the warning id_number.lowercase_x.
std::vector<core::Problem> ValidateIdNumber(std::string_view id,
                                            std::string_view stated_gender,
                                            const Date& today,
                                            const std::string& path);

// One of Beijing's 16 districts or 北京经济技术开发区: district.obsolete for a
// former name (崇文区, 宣武区, 密云县, 延庆县), else district.unknown with a
// suggestion where one is obvious (朝阳 → 朝阳区).
std::vector<core::Problem> ValidateDistrict(std::string_view text,
                                            const std::string& path);

// A mainland mobile number (1[3-9] + 9 digits, optionally +86) or a Beijing
// landline (010 + 8 digits, or the 8 digits alone), spaces, dashes and
// parentheses allowed, an extension after 转 allowed. Another city's landline
// is the warning phone.not_beijing; anything else phone.format.
std::vector<core::Problem> ValidatePhone(std::string_view text,
                                         const std::string& path);

// A date written 2026-11-27 or 2026年11月27日 naming a real day: date.format
// otherwise, with the reason (form, year range, no such day).
std::vector<core::Problem> ValidateDate(std::string_view text,
                                        const std::string& path);

// 一级, 二级, 三级 or 三级（暂定）: qualification_level.unknown otherwise (a
// half-width “三级(暂定)” is named as such).
std::vector<core::Problem> ValidateQualificationLevel(std::string_view text,
                                                      const std::string& path);

// One of PropertyTypes(): property_type.unknown otherwise.
std::vector<core::Problem> ValidatePropertyType(std::string_view text,
                                                const std::string& path);

// One of PersonRoles(): role.unknown otherwise.
std::vector<core::Problem> ValidateRole(std::string_view text,
                                        const std::string& path);

// 男 or 女: gender.unknown otherwise.
std::vector<core::Problem> ValidateGender(std::string_view text,
                                          const std::string& path);

// One of ContractTypes(): contract_type.unknown otherwise.
std::vector<core::Problem> ValidateContractType(std::string_view text,
                                                const std::string& path);

// 包干制 or 酬金制: fee_method.unknown otherwise.
std::vector<core::Problem> ValidateFeeMethod(std::string_view text,
                                             const std::string& path);

// How CheckFields treats context-dependent fields.
struct FieldCheckOptions {
  // 外埠在京企业: /enterprise/district is the home district elsewhere in China
  // and is not checked against Beijing's districts, and the enterprise's own
  // landlines may be in another city (no phone.not_beijing under
  // /enterprise).
  bool enterprise_out_of_town = false;
};

// Runs the field validators over every member of `data`, at any depth, whose
// name they apply to: credit_code, id_number (with the sibling gender),
// district, phone, gender, role, level / current_level / target_level /
// applied_level, property_types, contract_type, fee_method, dates (names
// ending in _on, licensed_since, valid_from, valid_to, from, to, deadline), and
// the numbers registered_capital_wan, building_area_m2, households
// (number.type, number.range). Null and empty-string values are skipped (the
// rules judge what is required); other wrong JSON types give field.type. A
// bare year in licensed_since is left to the rules. established_on,
// approved_on and licensed_since after `today` give date.future.
std::vector<core::Problem> CheckFields(const core::Json& data,
                                       const Date& today,
                                       const FieldCheckOptions& options = {});

}  // namespace beian::domain

#endif  // BEIAN_DOMAIN_VALIDATORS_H_
