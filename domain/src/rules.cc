#include "beian/domain/rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "beian/domain/vocabulary.h"
#include "problems.h"

namespace beian::domain {
namespace {

using internal::Error;
using internal::Quote;
using internal::Warning;

std::string Str(std::string_view s) { return std::string(s); }

std::string LevelName(QualificationLevel level) {
  return Str(QualificationLevelName(level));
}

// An id_number as compared: a lowercase x made uppercase.
std::string NormalizeId(std::string id) {
  if (!id.empty() && id.back() == 'x') id.back() = 'X';
  return id;
}

// Where a person sits, in words for the clerk.
std::string DescribePlace(const std::string& path) {
  if (path == "/enterprise/legal_representative") return "法定代表人";
  if (path == "/project/manager") return "项目负责人";
  auto index_after = [&](std::string_view prefix) -> std::string {
    std::string rest = path.substr(prefix.size());
    size_t end = rest.find('/');
    return std::to_string(std::stoul(rest.substr(0, end)) + 1);
  };
  if (path.rfind("/staff/", 0) == 0) {
    return "人员名单第" + index_after("/staff/") + "人";
  }
  if (path.rfind("/projects/", 0) == 0) {
    return "第" + index_after("/projects/") + "个物业项目的项目负责人";
  }
  return path;
}

bool InStaff(const std::vector<Person>& staff, const Person& person) {
  std::string id = NormalizeId(person.id_number);
  return std::any_of(staff.begin(), staff.end(), [&](const Person& p) {
    return !id.empty() ? NormalizeId(p.id_number) == id
                       : !person.name.empty() && p.name == person.name;
  });
}

}  // namespace

core::Result<HolidayCalendar::Reckoned> AcceptanceDeadline(const HolidayCalendar& calendar,
                                                           const Date& accepted_on) {
  const std::vector<int> years = calendar.Years();
  if (years.empty() || accepted_on.year < years.front() || accepted_on.year > years.back() + 1) {
    std::string listed;
    for (int y : years) listed += (listed.empty() ? "" : ", ") + std::to_string(y);
    return core::OutOfRange("the holiday calendar covers " + (listed.empty() ? std::string("no year") : listed) +
                            ", not " + std::to_string(accepted_on.year) + " (" + accepted_on.Iso() + ")");
  }
  return calendar.AddWorkingDaysProvisionally(accepted_on, kAcceptanceWorkingDays);
}

Date LicensedSinceFromEstablishment(const Date& established_on) {
  return established_on.AddDays(1);
}

std::vector<core::Problem> CheckFilingGate(const ContractFiling& filing) {
  std::vector<core::Problem> problems;
  const Enterprise& e = filing.enterprise;
  const Qualification& q = e.qualification;
  struct Required {
    bool given;
    const char* path;
    const char* label;
    const char* label_en;
  };
  const Required required[] = {
      {!e.name.empty(), "/enterprise/name", "企业名称", "the enterprise name"},
      {!e.credit_code.empty(), "/enterprise/credit_code", "统一社会信用代码",
       "the unified social credit code"},
      {!q.level_text.empty(), "/enterprise/qualification/level", "资质等级",
       "the qualification level"},
      {!q.certificate_no.empty(), "/enterprise/qualification/certificate_no",
       "资质证书编号", "the qualification certificate number"},
      {q.approved_on.given(), "/enterprise/qualification/approved_on",
       "资质核定日期", "the qualification approval date"},
      {q.licensed_since.given(), "/enterprise/qualification/licensed_since",
       "准予从事物业管理活动时间",
       "the date licensed for property management"},
  };
  for (const Required& r : required) {
    if (r.given) continue;
    problems.push_back(Error(
        r.path, "filing.enterprise_incomplete",
        std::string("企业信息不完整：缺少") + r.label +
            "（企业资质的所有信息均须填写后方可合同备案）",
        std::string("the enterprise record is incomplete: ") + r.label_en +
            " is missing (every qualification field is required for a "
            "contract filing)"));
  }

  if (!e.legal_representative) {
    problems.push_back(Error("/enterprise/legal_representative",
                             "filing.legal_representative_missing",
                             "缺少法定代表人",
                             "the legal representative is missing"));
  } else {
    const Person& rep = *e.legal_representative;
    if (rep.name.empty()) {
      problems.push_back(Error("/enterprise/legal_representative/name",
                               "filing.legal_representative_incomplete",
                               "法定代表人缺少姓名",
                               "the legal representative has no name"));
    }
    if (rep.id_number.empty()) {
      problems.push_back(Error("/enterprise/legal_representative/id_number",
                               "filing.legal_representative_incomplete",
                               "法定代表人缺少身份证号码",
                               "the legal representative has no ID number"));
    }
    if (!filing.staff.empty() && !InStaff(filing.staff, rep)) {
      problems.push_back(Warning(
          "/enterprise/legal_representative",
          "filing.legal_representative_not_in_staff",
          "法定代表人" + rep.name + "不在企业人员名单中，请先在人员信息中维护",
          "the legal representative is not among the enterprise's staff"));
    }
  }

  if (!filing.project.manager) {
    problems.push_back(Error("/project/manager",
                             "filing.project_manager_missing",
                             "物业项目缺少项目负责人",
                             "the project has no project manager"));
  } else {
    const Person& manager = *filing.project.manager;
    if (manager.name.empty()) {
      problems.push_back(Error("/project/manager/name",
                               "filing.project_manager_incomplete",
                               "项目负责人缺少姓名",
                               "the project manager has no name"));
    }
    if (manager.id_number.empty()) {
      problems.push_back(Error("/project/manager/id_number",
                               "filing.project_manager_incomplete",
                               "项目负责人缺少身份证号码",
                               "the project manager has no ID number"));
    }
    if (!filing.staff.empty() && !InStaff(filing.staff, manager)) {
      problems.push_back(Warning(
          "/project/manager", "filing.manager_not_in_staff",
          "项目负责人" + manager.name + "不在企业人员名单中，请先在人员信息中维护",
          "the project manager is not among the enterprise's staff"));
    }
  }
  return problems;
}

std::vector<core::Problem> CheckFilingForm(const ContractFiling& filing) {
  std::vector<core::Problem> problems;
  if (filing.kind == FilingKind::kOutOfTown && !filing.enterprise.out_of_town) {
    problems.push_back(Error(
        "/enterprise/out_of_town", "filing.form_mismatch",
        "外埠在京企业物业服务合同备案申请表仅适用于外埠在京企业；本市企业请使用北京市物业服务合同备案申请表",
        "the out-of-town filing form is only for enterprises registered "
        "outside Beijing (enterprise.out_of_town is not true)"));
  }
  if (filing.kind == FilingKind::kContract && filing.enterprise.out_of_town) {
    problems.push_back(Error(
        "/enterprise/out_of_town", "filing.form_mismatch",
        "外埠在京企业应使用外埠在京企业物业服务合同备案申请表",
        "an out-of-town enterprise files with the out-of-town form"));
  }
  const std::string& type = filing.project.contract_type;
  if (!type.empty()) {
    bool preliminary = type == "前期物业服务合同";
    if (filing.kind == FilingKind::kPreliminary && !preliminary) {
      problems.push_back(Error(
          "/project/contract_type", "filing.contract_type_mismatch",
          "前期物业服务合同备案的合同类型应为“前期物业服务合同”，实为" +
              Quote(type),
          "a preliminary contract filing needs contract_type "
          "前期物业服务合同, not \"" + type + "\""));
    }
    if (filing.kind != FilingKind::kPreliminary && preliminary) {
      problems.push_back(Error(
          "/project/contract_type", "filing.contract_type_mismatch",
          "前期物业服务合同应通过北京市前期物业服务合同备案申请表备案",
          "a 前期物业服务合同 is filed as preliminary-contract-filing"));
    }
  }
  return problems;
}

std::vector<core::Problem> CheckOnePersonOneEnterprise(
    const std::vector<PersonAt>& persons) {
  std::vector<core::Problem> problems;
  std::map<std::string, size_t> first;  // id_number -> index in persons
  for (size_t i = 0; i < persons.size(); ++i) {
    const PersonAt& at = persons[i];
    std::string id = NormalizeId(at.person.id_number);
    if (id.empty()) continue;
    auto [it, inserted] = first.emplace(id, i);
    if (inserted) continue;
    const PersonAt& earlier = persons[it->second];
    if (earlier.person.name != at.person.name) {
      problems.push_back(Error(
          at.path + "/id_number", "person.duplicate",
          "身份证号码" + id + "已用于" + DescribePlace(earlier.path) +
              earlier.person.name + "，" + DescribePlace(at.path) +
              "却填写为" + at.person.name + "；同一身份证号码只能对应一人",
          "ID number " + id + " is already used by " + earlier.path +
              " under another name; one ID number is one person"));
    } else if (earlier.path.rfind("/staff/", 0) == 0 &&
               at.path.rfind("/staff/", 0) == 0) {
      problems.push_back(Warning(
          at.path, "person.listed_twice",
          "人员名单中" + at.person.name + "重复出现（" +
              DescribePlace(earlier.path) + "与" + DescribePlace(at.path) + "）",
          "the same person is listed twice in staff (" + earlier.path +
              " and " + at.path + ")"));
    }
  }
  return problems;
}

std::vector<PersonConflict> PersonsInSeveralEnterprises(
    const std::vector<core::Json>& submissions) {
  std::map<std::string, std::set<std::string>> enterprises_of;
  for (const core::Json& submission : submissions) {
    const core::Json* code = submission.At("/enterprise/credit_code");
    if (code == nullptr || !code->is_string() || code->as_string().empty()) {
      continue;
    }
    for (const PersonAt& at : PersonsIn(submission)) {
      std::string id = NormalizeId(at.person.id_number);
      if (!id.empty()) enterprises_of[id].insert(code->as_string());
    }
  }
  std::vector<PersonConflict> conflicts;
  for (const auto& [id, codes] : enterprises_of) {
    if (codes.size() < 2) continue;
    conflicts.push_back(
        PersonConflict{id, std::vector<std::string>(codes.begin(), codes.end())});
  }
  return conflicts;
}

std::vector<core::Problem> CheckStepwisePromotion(
    const PromotionNotice& notice) {
  std::vector<core::Problem> problems;
  if (notice.current_level_text.empty()) {
    problems.push_back(Error("/current_level", "promotion.level_missing",
                             "缺少现有资质等级",
                             "the current qualification level is missing"));
  }
  if (notice.target_level_text.empty()) {
    problems.push_back(Error("/target_level", "promotion.level_missing",
                             "缺少申请晋升的资质等级",
                             "the target qualification level is missing"));
  }
  const std::optional<QualificationLevel>& held =
      notice.enterprise.qualification.level;
  if (notice.current_level && held && *held != *notice.current_level) {
    problems.push_back(Error(
        "/current_level", "promotion.current_level_mismatch",
        "现有资质等级" + Quote(notice.current_level_text) +
            "与企业资质信息中的" + Quote(LevelName(*held)) + "不一致",
        "current_level does not match the enterprise's qualification level"));
  }
  if (!notice.current_level || !notice.target_level) return problems;
  QualificationLevel current = *notice.current_level;
  QualificationLevel target = *notice.target_level;
  std::optional<QualificationLevel> next = NextQualificationLevel(current);
  if (!next) {
    problems.push_back(Error(
        "/target_level", "promotion.not_stepwise",
        "一级已是最高资质等级，无需申请晋升",
        "一级 is the highest level; there is nothing to be promoted to"));
  } else if (target != *next) {
    std::string why = target <= current
                          ? "申请等级" + Quote(LevelName(target)) +
                                "不高于现有等级" + Quote(LevelName(current))
                          : "不能越级申请" + Quote(LevelName(target));
    problems.push_back(Error(
        "/target_level", "promotion.not_stepwise",
        "晋升资质等级应逐级申报：现有资质" + LevelName(current) +
            "，只能申请" + LevelName(*next) + "，" + why,
        "promotion is stepwise: a holder of " + LevelName(current) +
            " may apply only for " + LevelName(*next) + ", not " +
            LevelName(target)));
  }
  return problems;
}

std::vector<core::Problem> CheckProvisionalWindow(
    const PromotionNotice& notice) {
  std::vector<core::Problem> problems;
  if (notice.current_level != QualificationLevel::kProvisionalThird) {
    return problems;
  }
  if (!notice.provisional_expires_on.given()) {
    problems.push_back(Error(
        "/provisional_expires_on", "promotion.provisional_expiry_missing",
        "三级（暂定）企业应填写暂定资质期满日期",
        "a 三级（暂定） holder must give the date its provisional "
        "qualification expires"));
  }
  if (!notice.applied_on.given()) {
    problems.push_back(Error("/applied_on", "promotion.applied_on_missing",
                             "缺少申请日期", "the application date is missing"));
  }
  if (!notice.provisional_expires_on.date || !notice.applied_on.date) {
    return problems;
  }
  const Date& expires = *notice.provisional_expires_on.date;
  const Date& applied = *notice.applied_on.date;
  const Date opens = expires.AddDays(-30);
  if (applied < opens) {
    problems.push_back(Error(
        "/applied_on", "promotion.provisional_window",
        "三级（暂定）企业应在暂定期满前30日内提出申请：暂定期满日为" +
            expires.Chinese() + "，" + opens.Chinese() + "起方可申请，" +
            applied.Chinese() + "过早",
        "a 三级（暂定） holder applies within the 30 days before expiry (" +
            expires.Iso() + "): not before " + opens.Iso() + ", applied " +
            applied.Iso()));
  } else if (expires < applied) {
    problems.push_back(Error(
        "/applied_on", "promotion.provisional_window",
        "暂定资质已于" + expires.Chinese() + "期满，" + applied.Chinese() +
            "申请已逾期；逾期未申请的，原暂定资质予以注销",
        "the provisional qualification expired on " + expires.Iso() +
            "; an application on " + applied.Iso() + " is too late"));
  }
  return problems;
}

std::vector<core::Problem> CheckNoticeMaterial(const PromotionNotice& notice) {
  std::vector<core::Problem> problems;
  const size_t n = notice.projects.size();
  std::set<size_t> chosen;
  for (size_t i = 0; i < notice.noticed.size(); ++i) {
    const std::optional<int64_t>& index = notice.noticed[i];
    std::string path = core::PointerAppend("/noticed", i);
    if (!index || *index < 0 || static_cast<uint64_t>(*index) >= n) {
      problems.push_back(Error(
          path, "promotion.noticed_index",
          "提交公示材料的项目序号无效：应为在管物业项目列表中的序号（0至" +
              std::to_string(n == 0 ? 0 : n - 1) + "）",
          "not an index into projects (0.." +
              std::to_string(n == 0 ? 0 : n - 1) + ")"));
      continue;
    }
    if (!chosen.insert(static_cast<size_t>(*index)).second) {
      problems.push_back(Warning(path, "promotion.noticed_duplicate",
                                 "提交公示材料的项目重复列出",
                                 "this project is listed twice"));
    }
  }
  if (notice.target_level != QualificationLevel::kSecond &&
      notice.target_level != QualificationLevel::kFirst) {
    return problems;
  }
  if (n == 0) {
    problems.push_back(Error("/projects", "promotion.no_projects",
                             "申请晋升二级以上资质，应列出全部在管物业项目",
                             "promotion to 二级 or above lists all managed "
                             "projects; none given"));
    return problems;
  }
  const size_t needed = (n + 4) / 5;  // ceil(20 % of n)
  if (chosen.size() < needed) {
    problems.push_back(Error(
        "/noticed", "promotion.notice_share",
        "申请晋升二级以上资质，提交公示材料的项目应不少于物业项目总数的20%：在管" +
            std::to_string(n) + "个，至少" + std::to_string(needed) +
            "个，现为" + std::to_string(chosen.size()) + "个",
        "promotion to 二级 or above needs notice material for >= 20 % of " +
            std::to_string(n) + " projects, i.e. " + std::to_string(needed) +
            "; has " + std::to_string(chosen.size())));
  }
  std::set<std::string> all_types, noticed_types;
  bool any_residential = false, noticed_residential = false;
  for (size_t i = 0; i < n; ++i) {
    const Project& p = notice.projects[i];
    all_types.insert(p.property_types.begin(), p.property_types.end());
    any_residential = any_residential || p.HasType(kResidential);
    if (chosen.count(i) != 0) {
      noticed_types.insert(p.property_types.begin(), p.property_types.end());
      noticed_residential = noticed_residential || p.HasType(kResidential);
    }
  }
  if (noticed_types.size() < 2) {
    std::string count = std::to_string(noticed_types.size());
    if (all_types.size() >= 2) {
      problems.push_back(Error(
          "/noticed", "promotion.notice_types",
          "申请晋升二级以上资质，提交公示材料的项目应涵盖两种以上物业类型，现为" +
              count + "种",
          "promotion to 二级 or above needs notice material covering >= 2 "
          "property types; covers " + count));
    } else {
      problems.push_back(Warning(
          "/noticed", "promotion.notice_types",
          "在管物业项目只有" + std::to_string(all_types.size()) +
              "种物业类型，无法满足公示材料涵盖两种以上物业类型的要求，请与受理部门确认",
          "the managed projects have fewer than 2 property types, so the "
          "notice material cannot cover 2; confirm with the bureau"));
    }
  }
  if (any_residential && !noticed_residential) {
    problems.push_back(Error(
        "/noticed", "promotion.notice_residential",
        "在管物业项目中有住宅，必须提交至少1个住宅物业项目的公示材料",
        "the managed projects include housing, so at least one residential "
        "project must carry notice material"));
  }
  return problems;
}

std::vector<core::Problem> CheckNoticePeriod(const Notice& notice,
                                             const DateField& applied_on,
                                             const std::string& path) {
  std::vector<core::Problem> problems;
  if (!notice.from.given() || !notice.to.given()) {
    problems.push_back(Error(
        notice.from.given() ? path + "/to" : path + "/from",
        "notice.period_missing", "缺少公示起止日期（公示期不少于7天）",
        "the notice period (from, to) is missing"));
    return problems;
  }
  if (!notice.from.date || !notice.to.date) return problems;  // date.format
  const Date& from = *notice.from.date;
  const Date& to = *notice.to.date;
  if (to < from) {
    problems.push_back(Error(
        path + "/to", "notice.reversed",
        "公示截止日期" + to.Chinese() + "早于开始日期" + from.Chinese(),
        "the notice ends (" + to.Iso() + ") before it starts (" + from.Iso() +
            ")"));
    return problems;
  }
  int days = from.DaysUntil(to) + 1;
  if (days < 7) {
    problems.push_back(Error(
        path, "notice.too_short",
        "公示期为" + std::to_string(days) + "天（" + from.Chinese() + "至" +
            to.Chinese() + "），应不少于7天，至少公示至" +
            from.AddDays(6).Chinese(),
        "the notice lasts " + std::to_string(days) +
            " days; at least 7 are required (until " +
            from.AddDays(6).Iso() + ")"));
  }
  if (applied_on.date && *applied_on.date < to) {
    problems.push_back(Warning(
        path + "/to", "notice.after_application",
        "公示应在申请前完成：公示截止" + to.Chinese() + "晚于申请日期" +
            applied_on.date->Chinese(),
        "the notice should end before the application (" +
            applied_on.date->Iso() + ")"));
  }
  return problems;
}

std::vector<core::Problem> CheckLicensedSince(const Enterprise& enterprise,
                                              const std::string& path) {
  const LicensedSince& since = enterprise.qualification.licensed_since;
  const std::string at = path + "/qualification/licensed_since";
  if (!since.year_only) return {};
  std::string year = std::to_string(*since.year_only);
  if (*since.year_only < 1900 || *since.year_only > 2199) {
    return {Error(at, "date.format",
                  "准予从事物业管理活动时间" + Quote(year) + "不是有效年份",
                  "licensed_since " + year + " is not a plausible year")};
  }
  if (!enterprise.established_on.date) {
    return {Error(
        at, "qualification.licensed_since_year",
        "准予从事物业管理活动时间只有年份（" + year +
            "），应按营业执照上的成立日期后推一天填写，但缺少有效的成立日期",
        "licensed_since is only a year (" + year +
            "); it must be the establishment date plus one day, but "
            "established_on is missing or invalid")};
  }
  Date derived = LicensedSinceFromEstablishment(*enterprise.established_on.date);
  return {Warning(
      at, "qualification.licensed_since_year",
      "准予从事物业管理活动时间只有年份（" + year +
          "），按规定统一填写为营业执照成立日期后一天：" + derived.Chinese(),
      "licensed_since is only a year (" + year +
          "); it is taken as the establishment date plus one day: " +
          derived.Iso())};
}

std::vector<core::Problem> CheckAcceptanceDeadline(
    const AcceptanceReceipt& receipt, const HolidayCalendar& calendar) {
  std::vector<core::Problem> problems;
  if (!receipt.accepted_on.given()) {
    problems.push_back(Error("/accepted_on", "receipt.accepted_on_missing",
                             "缺少受理日期，无法计算办理时限",
                             "accepted_on is missing; no deadline can be "
                             "computed"));
    return problems;
  }
  if (!receipt.accepted_on.date) return problems;  // date.format
  const Date& accepted = *receipt.accepted_on.date;
  core::Result<HolidayCalendar::Reckoned> deadline = AcceptanceDeadline(calendar, accepted);
  if (!deadline.ok()) {
    std::string years;
    for (int y : calendar.Years()) {
      if (!years.empty()) years += "、";
      years += std::to_string(y);
    }
    problems.push_back(Error(
        "/accepted_on", "receipt.outside_calendar",
        "节假日安排只收录了" + (years.empty() ? std::string("（无）") : years) +
            "年，无法计算自" + accepted.Chinese() +
            "起10个工作日的办理时限，请先补充国务院办公厅公布的当年节假日安排",
        "the holiday calendar does not cover the 10 working days after " +
            accepted.Iso() + ": " + deadline.status().message()));
    return problems;
  }
  core::Result<bool> working = calendar.IsWorkingDay(accepted);
  if (working.ok() && !*working) {
    problems.push_back(Warning(
        "/accepted_on", "receipt.not_working_day",
        "受理日期" + accepted.Chinese() + "不是工作日，请核对",
        "accepted_on " + accepted.Iso() + " is not a working day"));
  }
  if (deadline->provisional) {
    std::string years, years_en;
    for (int y : deadline->unpublished) {
      years += (years.empty() ? "" : "、") + std::to_string(y);
      years_en += (years_en.empty() ? "" : ", ") + std::to_string(y);
    }
    problems.push_back(Warning(
        "/deadline", "receipt.deadline_provisional",
        "办理期限" + deadline->date.Chinese() + "为暂定：" + years + "年节假日安排尚未收录，按周一至周五推算，" +
            "公布后以其为准",
        "the deadline " + deadline->date.Iso() + " is provisional: the holiday arrangement of " + years_en +
            " is not in the calendar yet, so those days are counted Monday to Friday"));
  }
  if (receipt.deadline.date && *receipt.deadline.date != deadline->date) {
    problems.push_back(Warning(
        "/deadline", "receipt.deadline_recomputed",
        "办理时限应为" + deadline->date.Chinese() + "（受理之日起10个工作日），将按节假日安排重新计算",
        "the deadline is " + deadline->date.Iso() +
            " (10 working days after acceptance); the given one is replaced"));
  }
  return problems;
}

std::vector<core::Problem> CheckTerm(const Term& term,
                                     const std::string& path) {
  if (!term.from.date || !term.to.date || !(*term.to.date < *term.from.date)) {
    return {};
  }
  return {Error(path + "/to", "term.reversed",
                "期限截止日期" + term.to.date->Chinese() + "早于开始日期" +
                    term.from.date->Chinese(),
                "the term ends (" + term.to.date->Iso() +
                    ") before it starts (" + term.from.date->Iso() + ")")};
}

std::vector<core::Problem> CheckAuthorizationValidity(
    const AuthorizationLetter& letter) {
  if (!letter.valid_from.date || !letter.valid_to.date ||
      !(*letter.valid_to.date < *letter.valid_from.date)) {
    return {};
  }
  return {Error("/valid_to", "authorization.validity_reversed",
                "委托期限截止日期" + letter.valid_to.date->Chinese() +
                    "早于开始日期" + letter.valid_from.date->Chinese(),
                "the authorization ends before it starts")};
}

}  // namespace beian::domain
