#include "beian/domain/validators.h"

#include <set>
#include <string>

#include "beian/core/districts.h"
#include "beian/core/id_numbers.h"
#include "beian/core/utf8.h"
#include "beian/domain/vocabulary.h"
#include "date_parse.h"
#include "problems.h"

namespace beian::domain {
namespace {

using internal::Error;
using internal::Quote;
using internal::Warning;

bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }

std::string Str(std::string_view s) { return std::string(s); }

std::string JoinWords(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += "、";
    out += w;
  }
  return out;
}

std::string JoinWordsEn(const std::vector<std::string_view>& words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

// A value that must be one of `words`.
std::vector<core::Problem> ValidateWord(std::string_view text,
                                        const std::vector<std::string_view>& words,
                                        const std::string& path,
                                        const std::string& code,
                                        const std::string& label,
                                        const std::string& label_en) {
  if (IsOneOf(words, text)) return {};
  return {Error(path, code,
                label + Quote(Str(text)) + "不在可选范围内，应为以下之一：" +
                    JoinWords(words),
                label_en + " \"" + Str(text) + "\" is not one of: " +
                    JoinWordsEn(words))};
}

}  // namespace

std::vector<core::Problem> ValidateCreditCode(std::string_view code,
                                              const std::string& path) {
  const std::string text = Str(code);
  const std::u32string chars = core::ToUtf32(code);
  auto format = [&](const std::string& why, const std::string& why_en) {
    return std::vector<core::Problem>{
        Error(path, "credit_code.format",
              "统一社会信用代码" + Quote(text) + why,
              "unified social credit code \"" + text + "\" " + why_en)};
  };
  if (chars.size() != 18) {
    return format("应为18位，实为" + std::to_string(chars.size()) + "位",
                  "must have 18 characters, has " +
                      std::to_string(chars.size()));
  }
  for (size_t i = 0; i < chars.size(); ++i) {
    char32_t c = chars[i];
    std::string shown;
    core::AppendUtf8(shown, c);
    std::string pos = "第" + std::to_string(i + 1) + "位";
    std::string pos_en = " at position " + std::to_string(i + 1);
    if (c >= 'a' && c <= 'z') {
      return format(pos + "字母" + Quote(shown) + "应为大写",
                    "has a lowercase letter '" + shown + "'" + pos_en);
    }
    if (c > 0x7f || core::kCreditCodeAlphabet.find(static_cast<char>(c)) ==
                        std::string_view::npos) {
      return format(pos + "含有不允许的字符" + Quote(shown) +
                        "（只用数字和除I、O、Z、S、V以外的大写字母）",
                    "has the character '" + shown + "'" + pos_en +
                        " outside 0-9 and A-Z without I, O, Z, S, V");
    }
    if (i >= 2 && i <= 7 && !IsAsciiDigit(c)) {
      return format("第3至8位为登记管理机关行政区划码，应为数字，" + pos +
                        "为" + Quote(shown),
                    "positions 3-8 (administrative division code) must be "
                    "digits; found '" + shown + "'" + pos_en);
    }
  }
  char expected = *core::CreditCodeCheckChar(code.substr(0, 17));
  if (code[17] != expected) {
    return {Warning(
        path, "credit_code.check",
        "统一社会信用代码" + Quote(text) + "的校验码（第18位）按GB 32100应为" +
            Quote(std::string(1, expected)) + "，实为" +
            Quote(std::string(1, code[17])) +
            "；请与营业执照核对（部分早期试点代码不符合校验规则，核对无误可继续）",
        "unified social credit code \"" + text +
            "\": GB 32100 check character should be '" +
            std::string(1, expected) + "', is '" + std::string(1, code[17]) +
            "' (some early pilot codes legally fail the check; verify against "
            "the business licence)")};
  }
  return {};
}

std::vector<core::Problem> ValidateIdNumber(std::string_view id,
                                            std::string_view stated_gender,
                                            const Date& today,
                                            const std::string& path) {
  std::vector<core::Problem> problems;
  const std::string text = Str(id);
  const std::u32string chars = core::ToUtf32(id);
  const std::string label = "居民身份证号码" + Quote(text);
  const std::string label_en = "ID card number \"" + text + "\"";
  if (chars.size() != 18) {
    std::string why = chars.size() == 15
                          ? "为15位旧号码，应填写18位居民身份证号码"
                          : "应为18位，实为" + std::to_string(chars.size()) +
                                "位";
    problems.push_back(Error(path, "id_number.format", label + why,
                             label_en + " must have 18 characters, has " +
                                 std::to_string(chars.size())));
    return problems;
  }
  for (size_t i = 0; i < 17; ++i) {
    if (!IsAsciiDigit(chars[i])) {
      problems.push_back(Error(
          path, "id_number.format",
          label + "前17位应为数字，第" + std::to_string(i + 1) + "位不是",
          label_en + ": the first 17 characters must be digits, position " +
              std::to_string(i + 1) + " is not"));
      return problems;
    }
  }
  char last = static_cast<char>(chars[17]);
  if (chars[17] > 0x7f || (!IsAsciiDigit(chars[17]) && last != 'X' &&
                           last != 'x')) {
    problems.push_back(Error(path, "id_number.format",
                             label + "第18位（校验码）应为数字或X",
                             label_en + ": the 18th character must be a "
                                        "digit or X"));
    return problems;
  }
  if (last == 'x') {
    problems.push_back(Warning(path, "id_number.lowercase_x",
                               label + "末位校验码应为大写X",
                               label_en + ": the check character should be "
                                          "an uppercase X"));
    last = 'X';
  }
  int province = (id[0] - '0') * 10 + (id[1] - '0');
  if (!core::IsIdNumberProvinceCode(province)) {
    problems.push_back(Error(
        path, "id_number.region",
        label + "前两位" + Quote(Str(id.substr(0, 2))) + "不是有效的省级行政区划代码",
        label_en + ": \"" + Str(id.substr(0, 2)) +
            "\" is not a province code"));
  }
  const std::string birth = Str(id.substr(6, 8));
  const std::optional<Date> born = core::IdNumberBirthDate(id);
  if (!born) {
    problems.push_back(Error(
        path, "id_number.birth_date",
        label + "第7至14位出生日期" + Quote(birth) + "不是有效日期",
        label_en + ": the birth date " + birth + " is not a real day"));
  } else if (today < *born) {
    problems.push_back(Error(
        path, "id_number.birth_date",
        label + "第7至14位出生日期" + Quote(birth) + "晚于今天",
        label_en + ": the birth date " + birth + " is in the future"));
  }
  char expected = *core::IdNumberCheckChar(id.substr(0, 17));
  if (last != expected) {
    problems.push_back(Error(
        path, "id_number.check",
        label + "校验码（第18位）应为" + Quote(std::string(1, expected)) +
            "，实为" + Quote(std::string(1, last)) + "，请核对号码是否抄错",
        label_en + ": GB 11643 check character should be '" +
            std::string(1, expected) + "', is '" + std::string(1, last) +
            "'"));
  }
  if (stated_gender == "男" || stated_gender == "女") {
    bool male = (id[16] - '0') % 2 == 1;
    std::string_view by_id = male ? "男" : "女";
    if (by_id != stated_gender) {
      problems.push_back(Error(
          path, "id_number.gender",
          label + "第17位表示性别为" + Str(by_id) + "，与填写的性别" +
              Quote(Str(stated_gender)) + "不一致",
          label_en + ": the 17th digit means " +
              (male ? "male" : "female") + ", but the stated gender is " +
              (male ? "female" : "male")));
    }
  }
  return problems;
}

std::vector<core::Problem> ValidateDistrict(std::string_view text,
                                            const std::string& path) {
  if (core::IsBeijingDistrict(text)) return {};
  const std::string value = Str(text);
  struct Former {
    std::string_view name, now, when;
  };
  static constexpr Former kFormer[] = {{"崇文区", "东城区", "2010年"},
                                       {"宣武区", "西城区", "2010年"},
                                       {"密云县", "密云区", "2015年"},
                                       {"延庆县", "延庆区", "2015年"}};
  for (const Former& f : kFormer) {
    if (text == f.name) {
      return {Error(path, "district.obsolete",
                    Quote(value) + "已于" + Str(f.when) + "撤销，现为" +
                        Quote(Str(f.now)),
                    "\"" + value + "\" no longer exists; it is now \"" +
                        Str(f.now) + "\""),
              };
    }
  }
  std::string suggestion;
  std::string_view rest = text;
  if (rest.substr(0, std::string_view("北京市").size()) == "北京市") {
    rest.remove_prefix(std::string_view("北京市").size());
  }
  for (const core::District& district : core::BeijingDistricts()) {
    const std::string_view d = district.name;
    bool development_zone =
        rest == "经济技术开发区" || rest == "亦庄" || rest == "开发区";
    if (rest == d || Str(rest) + "区" == Str(d) ||
        (development_zone && d == "北京经济技术开发区")) {
      suggestion = Str(d);
    }
  }
  std::string hint =
      suggestion.empty()
          ? "应为北京市16个区或北京经济技术开发区之一，如“朝阳区”"
          : "应写作" + Quote(suggestion);
  return {Error(path, "district.unknown",
                "区县" + Quote(value) + "不是北京市的区，" + hint,
                "\"" + value + "\" is not a Beijing district" +
                    (suggestion.empty() ? std::string()
                                        : "; write \"" + suggestion + "\""))};
}

std::vector<core::Problem> ValidatePhone(std::string_view text,
                                         const std::string& path) {
  const std::string value = Str(text);
  auto bad = [&]() {
    return std::vector<core::Problem>{Error(
        path, "phone.format",
        "电话号码" + Quote(value) +
            "格式不对，应为11位手机号码（如13901126738）或北京固定电话（如010-65521234）",
        "phone number \"" + value +
            "\" is neither a mainland mobile number (1[3-9] + 9 digits) nor a "
            "Beijing landline (010-xxxxxxxx)")};
  };
  std::string_view main = text;
  size_t ext = main.find("转");
  if (ext != std::string_view::npos) {
    std::string_view extension = main.substr(ext + std::string_view("转").size());
    if (extension.empty() || extension.size() > 6) return bad();
    for (char c : extension) {
      if (!IsAsciiDigit(static_cast<unsigned char>(c))) return bad();
    }
    main = main.substr(0, ext);
  }
  std::string digits;
  for (size_t i = 0; i < main.size(); ++i) {
    char c = main[i];
    if (c == ' ' || c == '-' || c == '(' || c == ')') continue;
    if (c == '+' && i == 0) {
      digits += '+';
      continue;
    }
    if (!IsAsciiDigit(static_cast<unsigned char>(c))) return bad();
    digits += c;
  }
  if (digits.rfind("+86", 0) == 0) digits = digits.substr(3);
  if (digits.find('+') != std::string::npos) return bad();
  auto all_subscriber = [](std::string_view d) {
    return !d.empty() && d[0] >= '2' && d[0] <= '9';
  };
  // Mobile: 1[3-9]xxxxxxxxx, optionally 86-prefixed.
  if (digits.size() == 13 && digits.rfind("86", 0) == 0) {
    digits = digits.substr(2);
  }
  if (digits.size() == 11 && digits[0] == '1') {
    if (digits[1] >= '3' && digits[1] <= '9') return {};
    return bad();
  }
  // Beijing landline: 010 + 8 digits, or 8 digits alone.
  if (digits.size() == 8 && all_subscriber(digits)) return {};
  if (digits.rfind("010", 0) == 0) {
    if (digits.size() == 11 && all_subscriber(digits.substr(3))) return {};
    return bad();
  }
  // Another city's landline: 0 + area code (2-3 digits) + 7-8 digits.
  if (digits.size() >= 10 && digits.size() <= 12 && digits[0] == '0' &&
      digits[1] != '0') {
    return {Warning(path, "phone.not_beijing",
                    "电话号码" + Quote(value) + "不是北京的固定电话，请核对",
                    "phone number \"" + value +
                        "\" is a landline outside Beijing")};
  }
  return bad();
}

std::vector<core::Problem> ValidateDate(std::string_view text,
                                        const std::string& path) {
  Date date;
  const std::string value = Str(text);
  switch (core::ParseDate(text, &date)) {
    case core::DateFault::kNone:
      return {};
    case core::DateFault::kForm:
      return {Error(path, "date.format",
                    "日期" + Quote(value) +
                        "格式不对，应写作2026-11-27或2026年11月27日",
                    "date \"" + value +
                        "\" must be written 2026-11-27 or 2026年11月27日")};
    case core::DateFault::kYearRange:
      return {Error(path, "date.format",
                    "日期" + Quote(value) + "的年份应在1900至2199年之间",
                    "date \"" + value + "\" has a year outside 1900..2199")};
    case core::DateFault::kNoSuchDay:
      break;
  }
  // Recover year and month to say why the day does not exist.
  int year = 0, month = 0;
  size_t i = 0;
  for (; i < 4 && i < text.size(); ++i) year = year * 10 + (text[i] - '0');
  while (i < text.size() && !IsAsciiDigit(static_cast<unsigned char>(text[i]))) {
    ++i;
  }
  for (; i < text.size() && IsAsciiDigit(static_cast<unsigned char>(text[i]));
       ++i) {
    month = month * 10 + (text[i] - '0');
  }
  std::string why = month < 1 || month > 12
                        ? "没有" + std::to_string(month) + "月"
                        : std::to_string(year) + "年" + std::to_string(month) +
                              "月只有" +
                              std::to_string(Date::DaysInMonth(year, month)) + "天";
  return {Error(path, "date.format", "日期" + Quote(value) + "不存在：" + why,
                "date \"" + value + "\" does not exist")};
}

std::vector<core::Problem> ValidateQualificationLevel(std::string_view text,
                                                      const std::string& path) {
  if (ParseQualificationLevel(text)) return {};
  const std::string value = Str(text);
  if (text == "三级(暂定)" || text == "三级（暂定)" || text == "三级(暂定）" ||
      text == "暂定三级") {
    return {Error(path, "qualification_level.unknown",
                  "资质等级" + Quote(value) + "应写作“三级（暂定）”（全角括号）",
                  "qualification level \"" + value +
                      "\" must be written \"三级（暂定）\" (full-width "
                      "parentheses)")};
  }
  return {Error(path, "qualification_level.unknown",
                "资质等级" + Quote(value) +
                    "不在可选范围内，应为一级、二级、三级或三级（暂定）",
                "qualification level \"" + value +
                    "\" is not one of 一级, 二级, 三级, 三级（暂定）")};
}

std::vector<core::Problem> ValidatePropertyType(std::string_view text,
                                                const std::string& path) {
  return ValidateWord(text, PropertyTypes(), path, "property_type.unknown",
                      "物业类型", "property type");
}

std::vector<core::Problem> ValidateRole(std::string_view text,
                                        const std::string& path) {
  return ValidateWord(text, PersonRoles(), path, "role.unknown", "人员角色",
                      "role");
}

std::vector<core::Problem> ValidateGender(std::string_view text,
                                          const std::string& path) {
  return ValidateWord(text, Genders(), path, "gender.unknown", "性别",
                      "gender");
}

std::vector<core::Problem> ValidateContractType(std::string_view text,
                                                const std::string& path) {
  return ValidateWord(text, ContractTypes(), path, "contract_type.unknown",
                      "合同类型", "contract type");
}

std::vector<core::Problem> ValidateFeeMethod(std::string_view text,
                                             const std::string& path) {
  return ValidateWord(text, FeeMethods(), path, "fee_method.unknown",
                      "收费方式", "fee method");
}

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

bool IsDateKey(std::string_view key) {
  return EndsWith(key, "_on") || key == "licensed_since" ||
         key == "valid_from" || key == "valid_to" || key == "from" ||
         key == "to" || key == "deadline";
}

bool IsLevelKey(std::string_view key) {
  return key == "level" || key == "current_level" || key == "target_level" ||
         key == "applied_level";
}

bool IsPastFactKey(std::string_view key) {
  return key == "established_on" || key == "approved_on" ||
         key == "licensed_since";
}

class FieldWalker {
 public:
  FieldWalker(const Date& today, const FieldCheckOptions& options,
              std::vector<core::Problem>* out)
      : today_(today), options_(options), out_(out) {}

  // `path` is the pointer of `value`; it is extended for each member and cut back after.
  void Walk(const core::Json& value, std::string& path) {
    const size_t length = path.size();
    if (value.is_array()) {
      for (size_t i = 0; i < value.size(); ++i) {
        core::PointerPush(path, i);
        Walk(value.as_array()[i], path);
        path.resize(length);
      }
    } else if (value.is_object()) {
      for (const auto& [key, member] : value.as_object()) {
        core::PointerPush(path, key);
        Member(value, key, member, path);
        if (member.is_object() || member.is_array()) Walk(member, path);
        path.resize(length);
      }
    }
  }

 private:
  // Non-null, non-empty string: true; null or "": false (skip); other
  // types: a field.type problem and false.
  bool Text(const core::Json& v, const std::string& path) {
    if (v.is_null()) return false;
    if (v.is_string()) return !v.as_string().empty();
    out_->push_back(Error(path, "field.type", "此项应填写文字",
                          "this field must be a string"));
    return false;
  }

  void Member(const core::Json& parent, const std::string& key,
              const core::Json& v, const std::string& at) {
    if (key == "credit_code") {
      if (Text(v, at)) Add(ValidateCreditCode(v.as_string(), at));
    } else if (key == "id_number") {
      if (!Text(v, at)) return;
      const core::Json* gender = parent.Find("gender");
      std::string_view stated =
          gender != nullptr && gender->is_string() ? gender->as_string()
                                                   : std::string_view();
      Add(ValidateIdNumber(v.as_string(), stated, today_, at));
    } else if (key == "district") {
      if (at == "/enterprise/district" && options_.enterprise_out_of_town) {
        return;
      }
      if (Text(v, at)) Add(ValidateDistrict(v.as_string(), at));
    } else if (key == "phone") {
      if (!Text(v, at)) return;
      std::vector<core::Problem> problems = ValidatePhone(v.as_string(), at);
      // An out-of-town enterprise's own numbers may well be elsewhere.
      if (options_.enterprise_out_of_town && at.rfind("/enterprise/", 0) == 0 &&
          !problems.empty() && problems[0].code == "phone.not_beijing") {
        return;
      }
      Add(std::move(problems));
    } else if (key == "gender") {
      if (Text(v, at)) Add(ValidateGender(v.as_string(), at));
    } else if (key == "role") {
      if (Text(v, at)) Add(ValidateRole(v.as_string(), at));
    } else if (IsLevelKey(key)) {
      if (Text(v, at)) Add(ValidateQualificationLevel(v.as_string(), at));
    } else if (key == "contract_type") {
      if (Text(v, at)) Add(ValidateContractType(v.as_string(), at));
    } else if (key == "fee_method") {
      if (Text(v, at)) Add(ValidateFeeMethod(v.as_string(), at));
    } else if (key == "property_types") {
      PropertyTypeList(v, at);
    } else if (IsDateKey(key)) {
      DateMember(key, v, at);
    } else if (key == "registered_capital_wan" || key == "building_area_m2") {
      Number(v, at, /*integer=*/false);
    } else if (key == "households") {
      Number(v, at, /*integer=*/true);
    }
  }

  void PropertyTypeList(const core::Json& v, const std::string& at) {
    if (v.is_null()) return;
    if (!v.is_array()) {
      out_->push_back(Error(at, "field.type", "物业类型应为列表（可多选）",
                            "property_types must be an array"));
      return;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < v.size(); ++i) {
      const core::Json& item = v.as_array()[i];
      std::string ip = core::PointerAppend(at, i);
      if (!Text(item, ip)) continue;
      Add(ValidatePropertyType(item.as_string(), ip));
      if (!seen.insert(item.as_string()).second) {
        out_->push_back(Warning(ip, "property_type.duplicate",
                                "物业类型" + Quote(item.as_string()) + "重复",
                                "property type \"" + item.as_string() +
                                    "\" is listed twice"));
      }
    }
  }

  void DateMember(const std::string& key, const core::Json& v,
                  const std::string& at) {
    if (key == "licensed_since" && v.is_integer()) return;  // bare year: rules
    if (!Text(v, at)) return;
    const std::string& text = v.as_string();
    if (key == "licensed_since" && internal::IsBareYear(text)) return;
    std::vector<core::Problem> problems = ValidateDate(text, at);
    if (problems.empty() && IsPastFactKey(key)) {
      Date date = *Date::Parse(text);
      if (today_ < date) {
        problems.push_back(Error(
            at, "date.future",
            "日期" + Quote(text) + "晚于今天（" + today_.Chinese() + "），请核对",
            "date " + date.Iso() + " is after today (" + today_.Iso() + ")"));
      }
    }
    Add(std::move(problems));
  }

  void Number(const core::Json& v, const std::string& at, bool integer) {
    if (v.is_null()) return;
    if (!v.is_number()) {
      out_->push_back(Error(at, "number.type", "此项应填写数字",
                            "this field must be a number"));
      return;
    }
    if (integer ? (!v.is_integer() || v.as_int() < 0) : !(v.as_number() > 0)) {
      out_->push_back(Error(
          at, "number.range",
          integer ? "此项应为不小于0的整数" : "此项应为大于0的数",
          integer ? "must be a whole number >= 0" : "must be greater than 0"));
    }
  }

  void Add(std::vector<core::Problem> problems) {
    internal::Append(out_, std::move(problems));
  }

  const Date& today_;
  const FieldCheckOptions& options_;
  std::vector<core::Problem>* out_;
};

}  // namespace

std::vector<core::Problem> CheckFields(const core::Json& data,
                                       const Date& today,
                                       const FieldCheckOptions& options) {
  std::vector<core::Problem> problems;
  std::string path;
  FieldWalker(today, options, &problems).Walk(data, path);
  return problems;
}

}  // namespace beian::domain
