#include "beian/domain/vocabulary.h"

#include <algorithm>

namespace beian::domain {

std::optional<QualificationLevel> ParseQualificationLevel(
    std::string_view text) {
  for (QualificationLevel level :
       {QualificationLevel::kProvisionalThird, QualificationLevel::kThird,
        QualificationLevel::kSecond, QualificationLevel::kFirst}) {
    if (text == QualificationLevelName(level)) return level;
  }
  return std::nullopt;
}

std::string_view QualificationLevelName(QualificationLevel level) {
  switch (level) {
    case QualificationLevel::kProvisionalThird:
      return "三级（暂定）";
    case QualificationLevel::kThird:
      return "三级";
    case QualificationLevel::kSecond:
      return "二级";
    case QualificationLevel::kFirst:
      return "一级";
  }
  return "";
}

std::optional<QualificationLevel> NextQualificationLevel(
    QualificationLevel level) {
  switch (level) {
    case QualificationLevel::kProvisionalThird:
      return QualificationLevel::kThird;
    case QualificationLevel::kThird:
      return QualificationLevel::kSecond;
    case QualificationLevel::kSecond:
      return QualificationLevel::kFirst;
    case QualificationLevel::kFirst:
      return std::nullopt;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& PropertyTypes() {
  static const std::vector<std::string_view> kTypes = {
      "住宅", "办公楼", "商业", "工业厂房", "医院", "学校", "其他"};
  return kTypes;
}

const std::vector<std::string_view>& PersonRoles() {
  static const std::vector<std::string_view> kRoles = {
      "法定代表人", "企业负责人", "项目负责人",  "工程负责人",
      "财务负责人", "专职管理人员", "技术人员"};
  return kRoles;
}

const std::vector<std::string_view>& ContractTypes() {
  static const std::vector<std::string_view> kTypes = {
      "物业服务合同", "前期物业服务合同", "事实服务"};
  return kTypes;
}

const std::vector<std::string_view>& FeeMethods() {
  static const std::vector<std::string_view> kMethods = {"包干制", "酬金制"};
  return kMethods;
}

const std::vector<std::string_view>& Genders() {
  static const std::vector<std::string_view> kGenders = {"男", "女"};
  return kGenders;
}

bool IsOneOf(const std::vector<std::string_view>& words,
             std::string_view text) {
  return std::find(words.begin(), words.end(), text) != words.end();
}

}  // namespace beian::domain
