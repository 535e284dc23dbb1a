// Check and Derive over whole documents of every kind.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "beian/domain/rules.h"
#include "sample_documents.h"

namespace beian::domain {
namespace {

using core::Severity;
using testing::Calendar;
using testing::ContractFilingData;
using testing::Describe;
using testing::kToday;
using testing::Parse;
using testing::With;
using testing::WithCode;
using testing::Without;

std::vector<core::Problem> CheckData(const std::string& kind,
                                     const core::Json& data) {
  return Check(kind, data, Calendar(), kToday);
}

bool Has(const std::vector<core::Problem>& problems, const std::string& path,
         const std::string& code) {
  for (const core::Problem& p : problems) {
    if (p.path == path && p.code == code) return true;
  }
  return false;
}

TEST(CheckTest, EverySampleDocumentIsClean) {
  struct Sample {
    const char* kind;
    core::Json data;
  };
  const Sample samples[] = {
      {"qualification-verification", testing::QualificationVerificationData()},
      {"commitment-letter", testing::CommitmentLetterData()},
      {"authorization-letter", testing::AuthorizationLetterData()},
      {"contract-filing", ContractFilingData()},
      {"preliminary-contract-filing", testing::PreliminaryFilingData()},
      {"out-of-town-contract-filing", testing::OutOfTownFilingData()},
      {"promotion-notice", testing::PromotionNoticeData()},
      {"promotion-notice", testing::ProvisionalPromotionData()},
      {"site-verification", testing::SiteVerificationData()},
      {"acceptance-receipt", testing::AcceptanceReceiptData()},
  };
  for (const Sample& sample : samples) {
    SCOPED_TRACE(sample.kind);
    std::vector<core::Problem> problems = CheckData(sample.kind, sample.data);
    EXPECT_TRUE(problems.empty()) << Describe(problems);
  }
}

TEST(CheckTest, AFilingWithoutLegalRepresentativeIsRefused) {
  for (const char* kind : {"contract-filing", "preliminary-contract-filing",
                           "out-of-town-contract-filing"}) {
    SCOPED_TRACE(kind);
    core::Json data = std::string(kind) == "preliminary-contract-filing"
                          ? testing::PreliminaryFilingData()
                      : std::string(kind) == "out-of-town-contract-filing"
                          ? testing::OutOfTownFilingData()
                          : ContractFilingData();
    std::vector<core::Problem> problems = CheckData(
        kind, Without(data, "/enterprise/legal_representative"));
    ASSERT_EQ(problems.size(), 1u) << Describe(problems);
    EXPECT_EQ(problems[0].path, "/enterprise/legal_representative");
    EXPECT_EQ(problems[0].code, "filing.legal_representative_missing");
    EXPECT_EQ(problems[0].message, "缺少法定代表人");
    EXPECT_TRUE(core::HasError(problems));

    problems = CheckData(kind, Without(data, "/project/manager"));
    ASSERT_EQ(problems.size(), 1u) << Describe(problems);
    EXPECT_EQ(problems[0].path, "/project/manager");
    EXPECT_EQ(problems[0].code, "filing.project_manager_missing");
    EXPECT_EQ(problems[0].message, "物业项目缺少项目负责人");
  }
}

TEST(CheckTest, ReportsFieldAndRuleProblemsAllAtOnce) {
  core::Json data = ContractFilingData();
  data = Without(data, "/enterprise/legal_representative");
  data = Without(data, "/enterprise/qualification/certificate_no");
  data = With(data, "/enterprise/credit_code", "91110108551385082A");
  data = With(data, "/staff/2/id_number", "120101197601093339");
  data = With(data, "/project/term/to", "2025-01-01");
  data = With(data, "/project/district", "崇文区");
  std::vector<core::Problem> problems = CheckData("contract-filing", data);
  EXPECT_TRUE(Has(problems, "/enterprise/legal_representative",
                  "filing.legal_representative_missing"));
  EXPECT_TRUE(Has(problems, "/enterprise/qualification/certificate_no",
                  "filing.enterprise_incomplete"));
  EXPECT_TRUE(Has(problems, "/enterprise/credit_code", "credit_code.check"));
  EXPECT_TRUE(Has(problems, "/staff/2/id_number", "id_number.gender"));
  EXPECT_TRUE(Has(problems, "/staff/2/id_number", "person.duplicate"));
  EXPECT_TRUE(Has(problems, "/project/term/to", "term.reversed"));
  EXPECT_TRUE(Has(problems, "/project/district", "district.obsolete"));
  EXPECT_EQ(problems.size(), 7u) << Describe(problems);
}

TEST(CheckTest, UnknownKindsGetOnlyTheFieldValidators) {
  core::Json data = Without(ContractFilingData(), "/enterprise/legal_representative");
  data = With(data, "/project/term/to", "2025-01-01");
  EXPECT_TRUE(CheckData("mystery-kind", data).empty());
  data = With(data, "/enterprise/district", "朝阳");
  std::vector<core::Problem> problems = CheckData("mystery-kind", data);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].code, "district.unknown");
}

TEST(CheckTest, DataMustBeAnObject) {
  std::vector<core::Problem> problems = CheckData("contract-filing", Parse("[]"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "");
  EXPECT_EQ(problems[0].code, "data.not_object");
}

TEST(CheckTest, PromotionNoticeRules) {
  core::Json data = testing::PromotionNoticeData();
  data = With(data, "/target_level", "一级");
  data = With(data, "/notice/to", "2026-11-05");
  data = With(data, "/noticed", Parse("[1]"));
  std::vector<core::Problem> problems = CheckData("promotion-notice", data);
  EXPECT_TRUE(Has(problems, "/target_level", "promotion.not_stepwise"));
  EXPECT_TRUE(Has(problems, "/notice", "notice.too_short"));
  EXPECT_TRUE(Has(problems, "/noticed", "promotion.notice_types"));
  EXPECT_TRUE(Has(problems, "/noticed", "promotion.notice_residential"));
  EXPECT_EQ(problems.size(), 4u) << Describe(problems);

  data = With(testing::ProvisionalPromotionData(), "/applied_on", "2026-10-01");
  problems = CheckData("promotion-notice", data);
  EXPECT_TRUE(Has(problems, "/applied_on", "promotion.provisional_window"));
  EXPECT_TRUE(Has(problems, "/notice/to", "notice.after_application"));
  EXPECT_EQ(problems.size(), 2u) << Describe(problems);
}

TEST(CheckTest, AcceptanceReceiptOutsideTheCalendar) {
  std::vector<core::Problem> problems = CheckData(
      "acceptance-receipt",
      With(testing::AcceptanceReceiptData(), "/accepted_on", "2030-01-07"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].code, "receipt.outside_calendar");
  EXPECT_EQ(problems[0].path, "/accepted_on");
}

TEST(CheckTest, BareLicensedSinceYearIsAWarning) {
  std::vector<core::Problem> problems = CheckData(
      "contract-filing", With(ContractFilingData(),
                              "/enterprise/qualification/licensed_since", "2006"));
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].code, "qualification.licensed_since_year");
  EXPECT_EQ(problems[0].severity, Severity::kWarning);
}

TEST(CheckTest, OutOfTownEnterpriseIsNotHeldToBeijingDistricts) {
  core::Json data = testing::OutOfTownFilingData();
  EXPECT_TRUE(CheckData("out-of-town-contract-filing", data).empty());
  // The same enterprise on the Beijing form: wrong form, not wrong district.
  std::vector<core::Problem> problems = CheckData("contract-filing", data);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].code, "filing.form_mismatch");
}

// --- Derive ---

TEST(DeriveTest, FillsTheAcceptanceDeadline) {
  std::vector<core::Problem> problems;
  core::Result<core::Json> derived =
      Derive("acceptance-receipt", testing::AcceptanceReceiptData(), Calendar(),
             &problems);
  ASSERT_TRUE(derived.ok()) << derived.status().ToString();
  EXPECT_TRUE(problems.empty()) << Describe(problems);
  ASSERT_NE(derived->Find("deadline"), nullptr);
  EXPECT_EQ(derived->Find("deadline")->as_string(), "2026-12-11");
  EXPECT_EQ(Without(*derived, "/deadline"), testing::AcceptanceReceiptData());
  // A derived document checks clean.
  EXPECT_TRUE(CheckData("acceptance-receipt", *derived).empty());

  // Chinese dates in, ISO out; a given deadline is replaced.
  core::Json data = With(testing::AcceptanceReceiptData(), "/accepted_on",
                         "2026年9月30日");
  data.Set("deadline", "2026-10-08");
  derived = Derive("acceptance-receipt", data, Calendar(), nullptr);
  ASSERT_TRUE(derived.ok()) << derived.status().ToString();
  EXPECT_EQ(derived->Find("deadline")->as_string(), "2026-10-20");
}

TEST(DeriveTest, ADeadlineOutsideTheCalendarIsAnError) {
  core::Result<core::Json> derived = Derive(
      "acceptance-receipt",
      With(testing::AcceptanceReceiptData(), "/accepted_on", "2030-01-07"),
      Calendar(), nullptr);
  ASSERT_FALSE(derived.ok());
  EXPECT_EQ(derived.status().code(), core::Code::kOutOfRange);

}

// Into the year after the calendar's last: derived, and marked provisional.
TEST(DeriveTest, ADeadlineInAnUnpublishedYearIsDerivedAsProvisional) {
  core::Result<core::Json> derived =
      Derive("acceptance-receipt", With(testing::AcceptanceReceiptData(), "/accepted_on", "2026-12-28"), Calendar(),
             nullptr);
  ASSERT_TRUE(derived.ok()) << derived.status().ToString();
  EXPECT_EQ(derived->Find("deadline")->as_string(), "2027-01-11");
  ASSERT_NE(derived->Find("deadline_provisional"), nullptr);
  EXPECT_TRUE(derived->Find("deadline_provisional")->as_bool());
  // A firm deadline carries no flag, and a flag given for one is turned off.
  derived = Derive("acceptance-receipt", With(testing::AcceptanceReceiptData(), "/deadline_provisional", true),
                   Calendar(), nullptr);
  ASSERT_TRUE(derived.ok());
  EXPECT_FALSE(derived->Find("deadline_provisional")->as_bool());
  EXPECT_EQ(Derive("acceptance-receipt", testing::AcceptanceReceiptData(), Calendar(), nullptr)
                ->Find("deadline_provisional"),
            nullptr);
}

TEST(DeriveTest, AReceiptNeedsAValidAcceptanceDate) {
  EXPECT_EQ(Derive("acceptance-receipt",
                   Without(testing::AcceptanceReceiptData(), "/accepted_on"),
                   Calendar(), nullptr)
                .status()
                .code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(Derive("acceptance-receipt",
                   With(testing::AcceptanceReceiptData(), "/accepted_on",
                        "2026-02-30"),
                   Calendar(), nullptr)
                .status()
                .code(),
            core::Code::kInvalidArgument);
  EXPECT_EQ(Derive("contract-filing", Parse("7"), Calendar(), nullptr)
                .status()
                .code(),
            core::Code::kInvalidArgument);
}

TEST(DeriveTest, TurnsABareLicensedSinceYearIntoADate) {
  for (const core::Json& year : {core::Json("2006"), core::Json(2006)}) {
    std::vector<core::Problem> problems;
    core::Result<core::Json> derived = Derive(
        "qualification-verification",
        With(testing::QualificationVerificationData(),
             "/enterprise/qualification/licensed_since", year),
        Calendar(), &problems);
    ASSERT_TRUE(derived.ok()) << derived.status().ToString();
    EXPECT_EQ(derived->At("/enterprise/qualification/licensed_since")->as_string(),
              "2006-04-19");  // established 2006-04-18
    ASSERT_EQ(problems.size(), 1u) << Describe(problems);
    EXPECT_EQ(problems[0].path, "/enterprise/qualification/licensed_since");
    EXPECT_EQ(problems[0].code, "qualification.licensed_since_year");
    EXPECT_EQ(problems[0].severity, Severity::kWarning);
    EXPECT_EQ(*derived, testing::QualificationVerificationData());
    EXPECT_TRUE(CheckData("qualification-verification", *derived).empty());
  }
}

TEST(DeriveTest, LeavesAYearItCannotDeriveAndSaysWhy) {
  core::Json data = With(ContractFilingData(),
                         "/enterprise/qualification/licensed_since", "2006");
  data = Without(data, "/enterprise/established_on");
  std::vector<core::Problem> problems;
  core::Result<core::Json> derived =
      Derive("contract-filing", data, Calendar(), &problems);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, data);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "qualification.licensed_since_year");
  EXPECT_EQ(problems[0].severity, Severity::kError);
}

TEST(DeriveTest, OtherwiseReturnsTheDataUnchanged) {
  std::vector<core::Problem> problems;
  core::Result<core::Json> derived =
      Derive("contract-filing", ContractFilingData(), Calendar(), &problems);
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(*derived, ContractFilingData());
  EXPECT_TRUE(problems.empty());
}

}  // namespace
}  // namespace beian::domain
