// Check and Derive: which validators and rules apply to which document kind.

#include <optional>
#include <string>

#include "beian/core/kinds.h"
#include "beian/domain/rules.h"
#include "beian/domain/validators.h"
#include "problems.h"

namespace beian::domain {
namespace {

using internal::Append;

const core::Json& EnterpriseJson(const core::Json& data) {
  static const core::Json kNull;
  const core::Json* e = data.Find("enterprise");
  return e != nullptr ? *e : kNull;
}

// Project terms at /project and /projects/*.
std::vector<core::Problem> CheckProjectTerms(const core::Json& data) {
  std::vector<core::Problem> problems;
  if (const core::Json* project = data.Find("project")) {
    Append(&problems, CheckTerm(Project::FromJson(*project).term,
                                "/project/term"));
  }
  if (const core::Json* projects = data.Find("projects")) {
    for (size_t i = 0; i < projects->as_array().size(); ++i) {
      Append(&problems,
             CheckTerm(Project::FromJson(projects->as_array()[i]).term,
                       core::PointerAppend("/projects", i) + "/term"));
    }
  }
  return problems;
}

}  // namespace

std::vector<core::Problem> Check(const std::string& kind,
                                 const core::Json& data,
                                 const HolidayCalendar& calendar,
                                 const Date& today) {
  if (!data.is_object()) {
    return {internal::Error("", "data.not_object",
                            "文书数据应为JSON对象",
                            "document data must be a JSON object")};
  }
  const Enterprise enterprise = Enterprise::FromJson(EnterpriseJson(data));
  FieldCheckOptions options;
  options.enterprise_out_of_town =
      enterprise.out_of_town || kind == "out-of-town-contract-filing";
  std::vector<core::Problem> problems = CheckFields(data, today, options);
  if (core::FindDocumentKind(kind) == nullptr) return problems;

  if (data.Find("enterprise") != nullptr) {
    Append(&problems, CheckLicensedSince(enterprise, "/enterprise"));
  }
  Append(&problems, CheckOnePersonOneEnterprise(PersonsIn(data)));
  Append(&problems, CheckProjectTerms(data));

  if (std::optional<FilingKind> filing_kind = FilingKindOf(kind)) {
    ContractFiling filing = ContractFiling::FromJson(*filing_kind, data);
    Append(&problems, CheckFilingGate(filing));
    Append(&problems, CheckFilingForm(filing));
  } else if (kind == "promotion-notice") {
    PromotionNotice notice = PromotionNotice::FromJson(data);
    Append(&problems, CheckStepwisePromotion(notice));
    Append(&problems, CheckProvisionalWindow(notice));
    Append(&problems, CheckNoticeMaterial(notice));
    Append(&problems,
           CheckNoticePeriod(notice.notice, notice.applied_on, "/notice"));
  } else if (kind == "acceptance-receipt") {
    Append(&problems, CheckAcceptanceDeadline(AcceptanceReceipt::FromJson(data),
                                              calendar));
  } else if (kind == "authorization-letter") {
    Append(&problems,
           CheckAuthorizationValidity(AuthorizationLetter::FromJson(data)));
  }
  return problems;
}

core::Status FillDerivedFields(const std::string& kind, core::Json& data,
                               const HolidayCalendar& calendar,
                               std::vector<core::Problem>* problems) {
  if (!data.is_object()) {
    return core::InvalidArgument("document data must be a JSON object");
  }
  // Everything is worked out before anything is written, so that a failure
  // leaves the data as it was.
  std::vector<core::Problem> found;
  std::optional<Date> licensed_since;
  const Enterprise enterprise = Enterprise::FromJson(EnterpriseJson(data));
  if (enterprise.qualification.licensed_since.year_only) {
    found = CheckLicensedSince(enterprise, "/enterprise");
    if (!core::HasError(found)) {
      licensed_since =
          LicensedSinceFromEstablishment(*enterprise.established_on.date);
      for (core::Problem& p : found) {
        p.message = p.message + "（已自动填写）";
        p.message_en += " (filled in)";
      }
    }
  }

  std::optional<HolidayCalendar::Reckoned> deadline;
  if (kind == "acceptance-receipt") {
    const core::Json* accepted = data.Find("accepted_on");
    if (accepted == nullptr || !accepted->is_string()) {
      return core::InvalidArgument(
          "acceptance-receipt: accepted_on is missing; no deadline can be "
          "derived");
    }
    core::Result<Date> accepted_on = Date::Parse(accepted->as_string());
    if (!accepted_on.ok()) {
      return core::InvalidArgument("acceptance-receipt: accepted_on: " +
                                   accepted_on.status().message());
    }
    BEIAN_ASSIGN_OR_RETURN(deadline,
                           AcceptanceDeadline(calendar, *accepted_on));
  }

  if (licensed_since) {
    data.Find("enterprise")
        ->Find("qualification")
        ->Set("licensed_since", licensed_since->Iso());
  }
  if (deadline) {
    data.Set("deadline", deadline->date.Iso());
    if (deadline->provisional) {
      data.Set("deadline_provisional", true);
    } else if (data.Find("deadline_provisional") != nullptr) {
      data.Set("deadline_provisional", false);  // as given by a caller: the deadline is firm
    }
  }
  if (problems != nullptr) Append(problems, std::move(found));
  return core::Status::Ok();
}

core::Result<core::Json> Derive(const std::string& kind, const core::Json& data,
                                const HolidayCalendar& calendar,
                                std::vector<core::Problem>* problems) {
  core::Json out = data;
  BEIAN_RETURN_IF_ERROR(FillDerivedFields(kind, out, calendar, problems));
  return out;
}

}  // namespace beian::domain
