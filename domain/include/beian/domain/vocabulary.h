#ifndef BEIAN_DOMAIN_VOCABULARY_H_
#define BEIAN_DOMAIN_VOCABULARY_H_

#include <optional>
#include <string_view>
#include <vector>

namespace beian::domain {

// 物业服务企业资质等级, in promotion order (lowest first).
enum class QualificationLevel {
  kProvisionalThird,  // 三级（暂定）
  kThird,             // 三级
  kSecond,            // 二级
  kFirst,             // 一级
};

// The level named exactly 一级, 二级, 三级 or 三级（暂定） (full-width
// parentheses); nullopt for anything else.
std::optional<QualificationLevel> ParseQualificationLevel(std::string_view text);

// The printed name: "三级（暂定）", "三级", "二级" or "一级".
std::string_view QualificationLevelName(QualificationLevel level);

// The one level a holder of `level` may apply for next (逐级申报); nullopt for
// 一级.
std::optional<QualificationLevel> NextQualificationLevel(
    QualificationLevel level);

// 物业类型: 住宅, 办公楼, 商业, 工业厂房, 医院, 学校, 其他.
const std::vector<std::string_view>& PropertyTypes();

// The property type of residential projects, 住宅.
inline constexpr std::string_view kResidential = "住宅";

// 人员角色: 法定代表人, 企业负责人, 项目负责人, 工程负责人, 财务负责人,
// 专职管理人员, 技术人员.
const std::vector<std::string_view>& PersonRoles();

// 合同类型: 物业服务合同, 前期物业服务合同, 事实服务.
const std::vector<std::string_view>& ContractTypes();

// 收费方式: 包干制, 酬金制.
const std::vector<std::string_view>& FeeMethods();

// 性别: 男, 女.
const std::vector<std::string_view>& Genders();

// True iff `text` is one of `words`.
bool IsOneOf(const std::vector<std::string_view>& words, std::string_view text);

}  // namespace beian::domain

#endif  // BEIAN_DOMAIN_VOCABULARY_H_
