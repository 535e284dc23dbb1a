#ifndef BEIAN_DOMAIN_RULES_H_
#define BEIAN_DOMAIN_RULES_H_

#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"
#include "beian/domain/calendar.h"
#include "beian/domain/date.h"
#include "beian/domain/entities.h"

namespace beian::domain {

// 办理时限: a filing is decided within this many working days of acceptance
// (京建发〔2010〕721号).
inline constexpr int kAcceptanceWorkingDays = 10;

// The acceptance deadline: 10 working days after the day of acceptance
// (办理时限：10个工作日). When it runs into a year whose holiday arrangement
// is not in the calendar yet (a 受理 in late December before next year's
// notice is installed), it is counted Monday to Friday there and marked
// provisional — stated, never silently guessed. kOutOfRange when acceptance
// itself lies before the calendar or more than a year past its last year.
core::Result<HolidayCalendar::Reckoned> AcceptanceDeadline(const HolidayCalendar& calendar,
                                                           const Date& accepted_on);

// 准予从事物业管理活动时间 when the certificate shows only a year: the
// business-licence establishment date plus one day (企业信息维护 notes).
Date LicensedSinceFromEstablishment(const Date& established_on);

// --- Rules. Each returns every problem it finds (empty = the rule holds),
// with paths as in the kind's JSON data. ---

// Filing gate (合同备案 data check): the enterprise record is complete (name,
// credit_code and every qualification field: filing.enterprise_incomplete),
// the legal representative is present ("缺少法定代表人" at
// /enterprise/legal_representative: filing.legal_representative_missing;
// without name or id_number: filing.legal_representative_incomplete), and the
// project has its 项目负责人 ("物业项目缺少项目负责人" at /project/manager:
// filing.project_manager_missing; filing.project_manager_incomplete). When
// staff is given, the legal representative and the project manager should be
// among it (warnings filing.legal_representative_not_in_staff,
// filing.manager_not_in_staff).
std::vector<core::Problem> CheckFilingGate(const ContractFiling& filing);

// The right form for the enterprise and contract: the 外埠在京企业 form only
// for out_of_town enterprises and the Beijing form only for the others
// (filing.form_mismatch); a 前期物业服务合同 filed only as
// preliminary-contract-filing and vice versa (filing.contract_type_mismatch).
std::vector<core::Problem> CheckFilingForm(const ContractFiling& filing);

// One person, one enterprise, within one submission: an id_number used for two
// different names is person.duplicate (error, at the later one's id_number);
// the same person listed twice in staff is person.listed_twice (warning).
// Appearing as legal representative or project manager and in staff is fine.
std::vector<core::Problem> CheckOnePersonOneEnterprise(
    const std::vector<PersonAt>& persons);

// One person, one enterprise, across submissions: an id_number that appears
// under two enterprises.
struct PersonConflict {
  std::string id_number;                  // uppercase X
  std::vector<std::string> credit_codes;  // sorted, at least two
};

// Every id_number (of the persons PersonsIn finds) that appears under two
// different enterprises, by enterprise.credit_code, in these submissions;
// sorted by id_number. Submissions without a credit code are skipped.
std::vector<PersonConflict> PersonsInSeveralEnterprises(
    const std::vector<core::Json>& submissions);

// Stepwise promotion 三级（暂定）→三级→二级→一级 (逐级申报): target_level must
// be the level after current_level (promotion.not_stepwise; missing levels:
// promotion.level_missing); current_level must match the enterprise's
// qualification level when both are given (promotion.current_level_mismatch).
std::vector<core::Problem> CheckStepwisePromotion(
    const PromotionNotice& notice);

// A 三级（暂定） holder applies within the 30 days before its provisional
// qualification expires: provisional_expires_on − 30 ≤ applied_on ≤
// provisional_expires_on (promotion.provisional_window; missing dates:
// promotion.provisional_expiry_missing, promotion.applied_on_missing). Other
// levels: no problem.
std::vector<core::Problem> CheckProvisionalWindow(
    const PromotionNotice& notice);

// Public-notice material for promotion to 二级 or 一级: noticed projects are
// ≥ 20 % of all managed projects (promotion.notice_share), cover ≥ 2 property
// types (promotion.notice_types; only a warning when the managed projects
// themselves have a single type), and include a 住宅 project if any managed
// project is residential (promotion.notice_residential). For any target:
// every noticed entry must index a project (promotion.noticed_index; a repeat
// is the warning promotion.noticed_duplicate).
std::vector<core::Problem> CheckNoticeMaterial(const PromotionNotice& notice);

// Public notice of at least 7 days, counting both ends (to − from + 1 ≥ 7):
// notice.too_short, notice.reversed, notice.period_missing; `path` is the
// notice object's JSON Pointer. If `applied_on` is given, a notice ending after
// it is the warning notice.after_application (公示 precedes the application).
std::vector<core::Problem> CheckNoticePeriod(const Notice& notice,
                                             const DateField& applied_on,
                                             const std::string& path);

// licensed_since given only as a year: a warning
// (qualification.licensed_since_year) naming the date it stands for, or an
// error with the same code when established_on is no real date to derive it
// from. `path` is the enterprise object's JSON Pointer.
std::vector<core::Problem> CheckLicensedSince(const Enterprise& enterprise,
                                              const std::string& path);

// The acceptance receipt's deadline: accepted_on present
// (receipt.accepted_on_missing) and within reach of the calendar
// (receipt.outside_calendar, see AcceptanceDeadline); a working day (warning
// receipt.not_working_day); a deadline that runs into an unpublished year is
// provisional (warning receipt.deadline_provisional); a given deadline that
// differs from the computed one is replaced by Derive (warning
// receipt.deadline_recomputed).
std::vector<core::Problem> CheckAcceptanceDeadline(
    const AcceptanceReceipt& receipt, const HolidayCalendar& calendar);

// A span whose end precedes its start (term.reversed at path + "/to").
std::vector<core::Problem> CheckTerm(const Term& term, const std::string& path);

// An authorization whose valid_to precedes valid_from
// (authorization.validity_reversed).
std::vector<core::Problem> CheckAuthorizationValidity(
    const AuthorizationLetter& letter);

// --- Whole documents. ---

// Checks one document's data: field validators on every field they apply to,
// and the rules that apply to the kind. Unknown kinds get only the field
// validators. `today` is for rules that need the current date. Data that is
// not a JSON object gives the single problem data.not_object.
std::vector<core::Problem> Check(const std::string& kind,
                                 const core::Json& data,
                                 const HolidayCalendar& calendar,
                                 const Date& today);

// Fills the fields the system derives, returning the new data: for
// acceptance-receipt, "deadline" (ISO date) from "accepted_on", and
// "deadline_provisional": true when it is (false when given for a firm one);
// for any kind,
// enterprise.qualification.licensed_since given as a bare year ("2006")
// becomes established_on + 1 day (ISO) with a warning problem returned via
// `problems` (an error problem, and the year left as is, when established_on
// is not a real date). kInvalidArgument if data is not an object or an
// acceptance receipt has no valid accepted_on; kOutOfRange if the calendar
// does not cover its deadline. `problems` may be null; problems are appended.
core::Result<core::Json> Derive(const std::string& kind,
                                const core::Json& data,
                                const HolidayCalendar& calendar,
                                std::vector<core::Problem>* problems);

// Derive without a copy: fills the derived fields into `data` itself. On
// failure (the errors of Derive) `data` is left as it was.
core::Status FillDerivedFields(const std::string& kind, core::Json& data,
                               const HolidayCalendar& calendar,
                               std::vector<core::Problem>* problems);

}  // namespace beian::domain

#endif  // BEIAN_DOMAIN_RULES_H_
