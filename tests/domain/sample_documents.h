#ifndef BEIAN_TESTS_DOMAIN_SAMPLE_DOCUMENTS_H_
#define BEIAN_TESTS_DOMAIN_SAMPLE_DOCUMENTS_H_

// Valid sample data for every document kind (as of kToday), and helpers to
// break one field at a time.

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/domain/calendar.h"
#include "beian/domain/date.h"

namespace beian::domain::testing {

// The "today" every sample is valid on.
inline const Date kToday{2026, 11, 27};

inline const HolidayCalendar& Calendar() {
  const core::Result<HolidayCalendar>& calendar = BundledHolidayCalendar();
  if (!calendar.ok()) ADD_FAILURE() << calendar.status().ToString();
  return *calendar;
}

inline core::Json Parse(std::string_view text) {
  core::Result<core::Json> json = core::ParseJson(text);
  if (!json.ok()) ADD_FAILURE() << json.status().ToString();
  return json.ok() ? *json : core::Json();
}

// The tokens of a JSON Pointer without escapes ("/a/0/b" -> a, 0, b).
inline std::vector<std::string> Tokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  size_t pos = 1;
  while (pos <= pointer.size()) {
    size_t end = pointer.find('/', pos);
    if (end == std::string_view::npos) end = pointer.size();
    tokens.emplace_back(pointer.substr(pos, end - pos));
    pos = end + 1;
  }
  return tokens;
}

// The parent of `pointer`'s target; the last token in *last.
inline core::Json* Parent(core::Json& root, std::string_view pointer,
                          std::string* last) {
  std::vector<std::string> tokens = Tokens(pointer);
  core::Json* at = &root;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    at = at->is_array() ? &at->as_array()[std::stoul(tokens[i])]
                        : at->Find(tokens[i]);
    if (at == nullptr) {
      ADD_FAILURE() << "no " << pointer;
      return nullptr;
    }
  }
  *last = tokens.back();
  return at;
}

// Sets the value at `pointer` (its parent must exist).
inline core::Json With(core::Json root, std::string_view pointer,
                       core::Json value) {
  std::string last;
  core::Json* parent = Parent(root, pointer, &last);
  if (parent == nullptr) return root;
  if (parent->is_array()) {
    parent->as_array()[std::stoul(last)] = std::move(value);
  } else {
    parent->Set(last, std::move(value));
  }
  return root;
}

// Removes the object member at `pointer`.
inline core::Json Without(core::Json root, std::string_view pointer) {
  std::string last;
  core::Json* parent = Parent(root, pointer, &last);
  if (parent == nullptr) return root;
  core::Json::Object& members = parent->as_object();
  for (auto it = members.begin(); it != members.end(); ++it) {
    if (it->first == last) {
      members.erase(it);
      return root;
    }
  }
  ADD_FAILURE() << "no member " << pointer;
  return root;
}

// Problems as one line each, for failure messages.
inline std::string Describe(const std::vector<core::Problem>& problems) {
  std::string out;
  for (const core::Problem& p : problems) {
    out += (p.severity == core::Severity::kError ? "  E " : "  W ") +
           core::FormatProblem(p) + "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

// The problems with the given code.
inline std::vector<core::Problem> WithCode(
    const std::vector<core::Problem>& problems, std::string_view code) {
  std::vector<core::Problem> out;
  for (const core::Problem& p : problems) {
    if (p.code == code) out.push_back(p);
  }
  return out;
}

inline constexpr std::string_view kEnterprise = R"({
  "name": "北京瑞祥恒业物业管理有限公司",
  "credit_code": "91110108551385082Q",
  "district": "朝阳区",
  "registered_address": "北京市朝阳区望京西路48号院3号楼12层1203",
  "office_address": "北京市朝阳区工体北路甲2号盈科中心B座10层",
  "registered_capital_wan": 1000,
  "established_on": "2006-04-18",
  "legal_representative": {"name": "王喆", "gender": "男",
    "id_number": "110105197103143253", "role": "法定代表人",
    "phone": "13901126738", "position": "执行董事"},
  "qualification": {"level": "二级", "certificate_no": "京物服字第0238号",
    "approved_on": "2019-09-12", "licensed_since": "2006-04-19"},
  "contact": {"name": "郑雪梅", "phone": "010-6552 1234"},
  "out_of_town": false,
  "branches": [{"name": "北京瑞祥恒业物业管理有限公司海淀分公司",
                "address": "北京市海淀区中关村大街27号"}]
})";

inline constexpr std::string_view kStaff = R"([
  {"name": "王喆", "gender": "男", "id_number": "110105197103143253",
   "role": "法定代表人", "title": "高级经济师", "specialty": "工商管理",
   "certificate_no": "11012008001253", "phone": "13901126738"},
  {"name": "张建国", "gender": "男", "id_number": "120101197601093339",
   "role": "项目负责人", "title": "工程师", "specialty": "工业与民用建筑",
   "certificate_no": "11012010004462", "phone": "139 0112 6739"},
  {"name": "陈静", "gender": "女", "id_number": "110105198001010024",
   "role": "财务负责人", "title": "会计师", "specialty": "会计学",
   "phone": "+86 150 0123 7795"}
])";

inline constexpr std::string_view kManager = R"({"name": "张建国",
  "gender": "男", "id_number": "120101197601093339", "role": "项目负责人",
  "phone": "13901126739"})";

// contract-filing data (物业服务合同备案).
inline core::Json ContractFilingData() {
  core::Json data = Parse(R"({
    "project": {"name": "望京花园", "address": "北京市朝阳区望京街10号",
      "district": "朝阳区", "property_types": ["住宅", "商业"],
      "building_area_m2": 125000.5, "households": 1200,
      "contract_type": "物业服务合同",
      "term": {"from": "2026-01-01", "to": "2028-12-31"}},
    "contract": {"signed_on": "2025年12月20日", "party": "望京花园业主委员会",
      "fee_standard": "2.80元/平方米·月", "fee_method": "包干制"},
    "materials": {"application_form": true, "contract": true,
      "certificate": true, "business_licence": true},
    "applied_on": "2026-11-27"
  })");
  data.Set("enterprise", Parse(kEnterprise));
  data.Set("staff", Parse(kStaff));
  data.Find("project")->Set("manager", Parse(kManager));
  return data;
}

// preliminary-contract-filing data (前期物业服务合同备案).
inline core::Json PreliminaryFilingData() {
  core::Json data = ContractFilingData();
  data = With(data, "/project/contract_type", "前期物业服务合同");
  data = With(data, "/contract/party", "北京望京置业有限公司");
  return data;
}

// out-of-town-contract-filing data (外埠在京企业).
inline core::Json OutOfTownFilingData() {
  core::Json data = ContractFilingData();
  data = With(data, "/enterprise/out_of_town", true);
  data = With(data, "/enterprise/district", "上海市浦东新区");
  data = With(data, "/enterprise/credit_code", "9144030071526726XG");
  data = With(data, "/enterprise/contact/phone", "021-6438 1234");
  return data;
}

inline constexpr std::string_view kProjects = R"([
  {"name": "望京花园", "district": "朝阳区", "property_types": ["住宅"],
   "households": 1200, "building_area_m2": 125000},
  {"name": "盈科中心", "district": "朝阳区", "property_types": ["办公楼"],
   "building_area_m2": 98000},
  {"name": "金源购物中心", "district": "海淀区", "property_types": ["商业"],
   "building_area_m2": 210000},
  {"name": "回龙观小区", "district": "昌平区", "property_types": ["住宅"],
   "households": 3400, "building_area_m2": 310000},
  {"name": "北京市第八十中学", "district": "朝阳区",
   "property_types": ["学校"], "building_area_m2": 42000}
])";

// promotion-notice data: 三级 applying for 二级.
inline core::Json PromotionNoticeData() {
  core::Json data = Parse(R"({
    "current_level": "三级", "target_level": "二级",
    "applied_on": "2026-11-20",
    "notice": {"from": "2026-11-01", "to": "2026-11-10",
               "place": "望京花园小区南门公告栏"},
    "noticed": [0, 1],
    "contact": {"name": "郑雪梅", "phone": "010-65521234"}
  })");
  data.Set("enterprise", Parse(kEnterprise));
  data = With(data, "/enterprise/qualification/level", "三级");
  data.Set("projects", Parse(kProjects));
  return data;
}

// promotion-notice data: 三级（暂定） applying for 三级 within its window.
inline core::Json ProvisionalPromotionData() {
  core::Json data = PromotionNoticeData();
  data = With(data, "/enterprise/qualification/level", "三级（暂定）");
  data = With(data, "/current_level", "三级（暂定）");
  data = With(data, "/target_level", "三级");
  data.Set("provisional_expires_on", "2026-12-15");
  return data;
}

// acceptance-receipt data; the deadline is derived.
inline core::Json AcceptanceReceiptData() {
  core::Json data = Parse(R"({
    "filing": {"kind_name": "物业服务合同备案", "number": "朝建备字〔2026〕第0123号",
               "project_name": "望京花园"},
    "accepted_on": "2026-11-27",
    "bureau": {"name": "北京市朝阳区房屋管理局", "district": "朝阳区"}
  })");
  data.Set("enterprise", Parse(kEnterprise));
  return data;
}

// site-verification data.
inline core::Json SiteVerificationData() {
  core::Json data = Parse(R"({"applied_level": "二级"})");
  data.Set("enterprise", Parse(kEnterprise));
  data.Set("project", *ContractFilingData().Find("project"));
  return data;
}

// qualification-verification data.
inline core::Json QualificationVerificationData() {
  core::Json data = Parse(R"({"filled_on": "2026年11月27日"})");
  data.Set("enterprise", Parse(kEnterprise));
  data.Set("staff", Parse(kStaff));
  data.Set("projects", Parse(kProjects));
  return data;
}

// commitment-letter data.
inline core::Json CommitmentLetterData() {
  core::Json data = Parse(R"({"signed_on": "2026-11-27"})");
  data.Set("enterprise", Parse(kEnterprise));
  return data;
}

// authorization-letter data.
inline core::Json AuthorizationLetterData() {
  core::Json data = Parse(R"({
    "agent": {"name": "赵丽娜", "gender": "女", "id_number": "310104199001012340",
      "position": "综合管理部经理", "phone": "15810426637",
      "work_unit": "北京瑞祥恒业物业管理有限公司"},
    "matters": ["办理本单位物业服务合同备案申请，领取备案证明；"],
    "valid_from": "2026-11-27", "valid_to": "2027-06-30",
    "signed_on": "2026-11-27"
  })");
  data.Set("enterprise", Parse(kEnterprise));
  return data;
}

}  // namespace beian::domain::testing

#endif  // BEIAN_TESTS_DOMAIN_SAMPLE_DOCUMENTS_H_
