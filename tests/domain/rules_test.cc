#include "beian/domain/rules.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample_documents.h"

namespace beian::domain {
namespace {

using core::Severity;
using testing::Calendar;
using testing::ContractFilingData;
using testing::Describe;
using testing::Parse;
using testing::PromotionNoticeData;
using testing::ProvisionalPromotionData;
using testing::With;
using testing::WithCode;
using testing::Without;

Date D(const char* iso) { return *Date::Parse(iso); }

ContractFiling Filing(const core::Json& data,
                      FilingKind kind = FilingKind::kContract) {
  return ContractFiling::FromJson(kind, data);
}

// Expects exactly one problem, with this path, code and severity.
void ExpectOnly(const std::vector<core::Problem>& problems,
                const std::string& path, const std::string& code,
                Severity severity = Severity::kError) {
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].path, path);
  EXPECT_EQ(problems[0].code, code);
  EXPECT_EQ(problems[0].severity, severity);
}

// --- Acceptance deadline ---

TEST(AcceptanceDeadlineTest, CountsTenWorkingDays) {
  EXPECT_EQ(kAcceptanceWorkingDays, 10);
  EXPECT_EQ(AcceptanceDeadline(Calendar(), D("2026-11-27"))->date, D("2026-12-11"));
  EXPECT_EQ(AcceptanceDeadline(Calendar(), D("2025-09-30"))->date, D("2025-10-21"));
  EXPECT_EQ(AcceptanceDeadline(Calendar(), D("2026-04-30"))->date, D("2026-05-18"));
  EXPECT_FALSE(AcceptanceDeadline(Calendar(), D("2026-11-27"))->provisional);
}

// A 受理 late in the last published year: the days in the next are counted
// Monday to Friday, and the deadline says it is provisional.
TEST(AcceptanceDeadlineTest, RunningIntoAnUnpublishedYearIsProvisional) {
  core::Result<HolidayCalendar::Reckoned> due = AcceptanceDeadline(Calendar(), D("2026-12-28"));
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  // 12-29, 12-30, 12-31, then 2027-01-01 (a Friday, its 元旦 unknown) and 01-04..01-08, 01-11.
  EXPECT_EQ(due->date, D("2027-01-11"));
  EXPECT_TRUE(due->provisional);
  EXPECT_EQ(due->unpublished, std::vector<int>{2027});
}

// Next year's notice may rearrange the last days of December (元旦 2019 made
// 2018-12-29 a working day and 2018-12-31 a holiday): a deadline that falls
// on them is provisional until that year is in the calendar.
TEST(AcceptanceDeadlineTest, TheLastDaysOfDecemberWaitForNextYearsNotice) {
  core::Result<HolidayCalendar::Reckoned> late = AcceptanceDeadline(Calendar(), D("2026-12-11"));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->date, D("2026-12-25"));
  EXPECT_TRUE(late->provisional);
  EXPECT_EQ(late->unpublished, std::vector<int>{2027});
  EXPECT_FALSE(AcceptanceDeadline(Calendar(), D("2026-12-10"))->provisional);  // due 12-24
  EXPECT_FALSE(AcceptanceDeadline(Calendar(), D("2025-12-11"))->provisional);  // 2026 is in
}

TEST(AcceptanceDeadlineTest, FarOutsideTheCalendarIsAnError) {
  for (const char* day : {"2030-06-03", "2024-12-30"}) {
    core::Result<HolidayCalendar::Reckoned> deadline = AcceptanceDeadline(Calendar(), D(day));
    ASSERT_FALSE(deadline.ok()) << day;
    EXPECT_EQ(deadline.status().code(), core::Code::kOutOfRange) << day;
  }
}

// --- licensed_since by year ---

TEST(LicensedSinceTest, IsTheDayAfterEstablishment) {
  EXPECT_EQ(LicensedSinceFromEstablishment(D("2006-04-18")), D("2006-04-19"));
  EXPECT_EQ(LicensedSinceFromEstablishment(D("2004-12-31")), D("2005-01-01"));
  EXPECT_EQ(LicensedSinceFromEstablishment(D("2008-02-28")), D("2008-02-29"));
}

TEST(LicensedSinceTest, AFullDateNeedsNothing) {
  Enterprise e = Enterprise::FromJson(*ContractFilingData().Find("enterprise"));
  EXPECT_TRUE(CheckLicensedSince(e, "/enterprise").empty());
}

TEST(LicensedSinceTest, ABareYearIsDerivedWithAWarning) {
  core::Json data = With(ContractFilingData(),
                         "/enterprise/qualification/licensed_since", "2006");
  Enterprise e = Enterprise::FromJson(*data.Find("enterprise"));
  std::vector<core::Problem> problems = CheckLicensedSince(e, "/enterprise");
  ExpectOnly(problems, "/enterprise/qualification/licensed_since",
             "qualification.licensed_since_year", Severity::kWarning);
  EXPECT_NE(problems[0].message.find("2006年4月19日"), std::string::npos)
      << problems[0].message;
}

TEST(LicensedSinceTest, ABareYearWithoutEstablishmentDateIsAnError) {
  core::Json data = With(ContractFilingData(),
                         "/enterprise/qualification/licensed_since", 2006);
  data = Without(data, "/enterprise/established_on");
  Enterprise e = Enterprise::FromJson(*data.Find("enterprise"));
  ExpectOnly(CheckLicensedSince(e, "/enterprise"),
             "/enterprise/qualification/licensed_since",
             "qualification.licensed_since_year");
}

// --- Filing gate ---

TEST(FilingGateTest, ACompleteFilingPasses) {
  std::vector<core::Problem> problems =
      CheckFilingGate(Filing(ContractFilingData()));
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

TEST(FilingGateTest, NoLegalRepresentativeIsRefusedByName) {
  std::vector<core::Problem> problems = CheckFilingGate(
      Filing(Without(ContractFilingData(), "/enterprise/legal_representative")));
  ExpectOnly(problems, "/enterprise/legal_representative",
             "filing.legal_representative_missing");
  EXPECT_EQ(problems[0].message, "缺少法定代表人");
}

TEST(FilingGateTest, NoProjectManagerIsRefusedByName) {
  std::vector<core::Problem> problems = CheckFilingGate(
      Filing(Without(ContractFilingData(), "/project/manager")));
  ExpectOnly(problems, "/project/manager", "filing.project_manager_missing");
  EXPECT_EQ(problems[0].message, "物业项目缺少项目负责人");
  // An empty object is no manager either.
  ExpectOnly(CheckFilingGate(Filing(
                 With(ContractFilingData(), "/project/manager", Parse("{}")))),
             "/project/manager", "filing.project_manager_missing");
}

TEST(FilingGateTest, PeopleWithoutNameOrIdNumberAreIncomplete) {
  std::vector<core::Problem> problems = CheckFilingGate(Filing(Without(
      ContractFilingData(), "/enterprise/legal_representative/id_number")));
  EXPECT_EQ(WithCode(problems, "filing.legal_representative_incomplete").size(),
            1u)
      << Describe(problems);
  EXPECT_EQ(problems[0].path, "/enterprise/legal_representative/id_number");
  EXPECT_EQ(problems[0].message, "法定代表人缺少身份证号码");

  problems = CheckFilingGate(
      Filing(Without(ContractFilingData(), "/project/manager/name")));
  ExpectOnly(problems, "/project/manager/name",
             "filing.project_manager_incomplete");
}

TEST(FilingGateTest, EveryQualificationFieldIsRequired) {
  struct Field {
    const char* path;
    const char* names;
  };
  for (const Field& f : {
           Field{"/enterprise/qualification/level", "资质等级"},
           Field{"/enterprise/qualification/certificate_no", "资质证书编号"},
           Field{"/enterprise/qualification/approved_on", "资质核定日期"},
           Field{"/enterprise/qualification/licensed_since",
                 "准予从事物业管理活动时间"},
           Field{"/enterprise/credit_code", "统一社会信用代码"},
           Field{"/enterprise/name", "企业名称"},
       }) {
    SCOPED_TRACE(f.path);
    std::vector<core::Problem> problems =
        CheckFilingGate(Filing(Without(ContractFilingData(), f.path)));
    ExpectOnly(problems, f.path, "filing.enterprise_incomplete");
    EXPECT_NE(problems[0].message.find(std::string("缺少") + f.names),
              std::string::npos)
        << problems[0].message;
  }
  // All at once.
  std::vector<core::Problem> problems = CheckFilingGate(Filing(
      Without(Without(ContractFilingData(), "/enterprise/qualification"),
              "/project/manager")));
  EXPECT_EQ(WithCode(problems, "filing.enterprise_incomplete").size(), 4u);
  EXPECT_EQ(WithCode(problems, "filing.project_manager_missing").size(), 1u);
}

TEST(FilingGateTest, ManagerAndLegalRepresentativeShouldBeInStaff) {
  core::Json data = With(ContractFilingData(), "/staff",
                         Parse(R"([{"name": "陈静", "gender": "女",
                                    "id_number": "110105198001010024"}])"));
  std::vector<core::Problem> problems = CheckFilingGate(Filing(data));
  EXPECT_EQ(problems.size(), 2u) << Describe(problems);
  EXPECT_EQ(WithCode(problems, "filing.manager_not_in_staff").size(), 1u);
  EXPECT_EQ(
      WithCode(problems, "filing.legal_representative_not_in_staff").size(),
      1u);
  EXPECT_FALSE(core::HasError(problems));
}

// --- Filing form ---

TEST(FilingFormTest, MatchingFormsPass) {
  EXPECT_TRUE(CheckFilingForm(Filing(ContractFilingData())).empty());
  EXPECT_TRUE(CheckFilingForm(Filing(testing::PreliminaryFilingData(),
                                     FilingKind::kPreliminary))
                  .empty());
  EXPECT_TRUE(CheckFilingForm(Filing(testing::OutOfTownFilingData(),
                                     FilingKind::kOutOfTown))
                  .empty());
}

TEST(FilingFormTest, WrongFormsAreRefused) {
  ExpectOnly(CheckFilingForm(
                 Filing(ContractFilingData(), FilingKind::kOutOfTown)),
             "/enterprise/out_of_town", "filing.form_mismatch");
  ExpectOnly(CheckFilingForm(Filing(testing::OutOfTownFilingData())),
             "/enterprise/out_of_town", "filing.form_mismatch");
  ExpectOnly(CheckFilingForm(
                 Filing(ContractFilingData(), FilingKind::kPreliminary)),
             "/project/contract_type", "filing.contract_type_mismatch");
  ExpectOnly(CheckFilingForm(Filing(testing::PreliminaryFilingData())),
             "/project/contract_type", "filing.contract_type_mismatch");
}

// --- One person, one enterprise ---

TEST(OnePersonOneEnterpriseTest, TheSamePersonInSeveralRolesPasses) {
  // 王喆 is legal representative and staff; 张建国 staff and manager.
  std::vector<core::Problem> problems =
      CheckOnePersonOneEnterprise(PersonsIn(ContractFilingData()));
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

TEST(OnePersonOneEnterpriseTest, OneIdNumberForTwoNamesIsRefused) {
  core::Json data = With(ContractFilingData(), "/staff/2/id_number",
                         "120101197601093339");  // 张建国's
  std::vector<core::Problem> problems =
      CheckOnePersonOneEnterprise(PersonsIn(data));
  // 陈静 collides with 张建国 (staff 2); the manager 张建国 is the same person.
  ExpectOnly(problems, "/staff/2/id_number", "person.duplicate");
  EXPECT_NE(problems[0].message.find("人员名单第2人张建国"), std::string::npos)
      << problems[0].message;
  // The manager's name differs from the staff entry with the same number.
  data = With(ContractFilingData(), "/project/manager/name", "张建华");
  ExpectOnly(CheckOnePersonOneEnterprise(PersonsIn(data)),
             "/project/manager/id_number", "person.duplicate");
}

TEST(OnePersonOneEnterpriseTest, ListingAPersonTwiceIsAWarning) {
  core::Json data = ContractFilingData();
  data.Find("staff")->Push(*data.At("/staff/2"));
  ExpectOnly(CheckOnePersonOneEnterprise(PersonsIn(data)), "/staff/3",
             "person.listed_twice", Severity::kWarning);
}

TEST(PersonsInSeveralEnterprisesTest, DistinctEnterprisesShareNobody) {
  core::Json other = testing::OutOfTownFilingData();
  other = With(other, "/enterprise/legal_representative",
               Parse(R"({"name": "李国栋", "gender": "男",
                         "id_number": "130102197508212178"})"));
  other = With(other, "/staff", Parse("[]"));
  other = With(other, "/project/manager",
               Parse(R"({"name": "孙浩然", "gender": "男",
                         "id_number": "410105198312305154"})"));
  EXPECT_TRUE(
      PersonsInSeveralEnterprises({ContractFilingData(), other}).empty());
  // The same enterprise filing twice is no conflict either.
  EXPECT_TRUE(PersonsInSeveralEnterprises(
                  {ContractFilingData(), ContractFilingData()})
                  .empty());
}

TEST(PersonsInSeveralEnterprisesTest, FindsAPersonUnderTwoEnterprises) {
  core::Json other = testing::OutOfTownFilingData();  // 9144030071526726XG
  other = With(other, "/enterprise/legal_representative",
               Parse(R"({"name": "李国栋", "gender": "男",
                         "id_number": "130102197508212178"})"));
  other = With(other, "/staff", Parse("[]"));
  // The same 项目负责人 (张建国) kept by both.
  std::vector<PersonConflict> conflicts =
      PersonsInSeveralEnterprises({ContractFilingData(), other});
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].id_number, "120101197601093339");
  EXPECT_EQ(conflicts[0].credit_codes,
            (std::vector<std::string>{"91110108551385082Q",
                                      "9144030071526726XG"}));
}

TEST(PersonsInSeveralEnterprisesTest, NormalizesXAndSkipsUnknownEnterprises) {
  core::Json a = Parse(R"({"enterprise": {"credit_code": "91110108551385082Q"},
    "staff": [{"name": "甲", "id_number": "11010519491231002X"}]})");
  core::Json b = Parse(R"({"enterprise": {"credit_code": "91110000802100433B"},
    "staff": [{"name": "甲", "id_number": "11010519491231002x"}]})");
  core::Json c = Parse(R"({"enterprise": {},
    "staff": [{"name": "甲", "id_number": "11010519491231002X"}]})");
  std::vector<PersonConflict> conflicts = PersonsInSeveralEnterprises({a, b, c});
  ASSERT_EQ(conflicts.size(), 1u);
  EXPECT_EQ(conflicts[0].id_number, "11010519491231002X");
  EXPECT_EQ(conflicts[0].credit_codes.size(), 2u);
}

// --- Stepwise promotion ---

TEST(StepwisePromotionTest, EachNextLevelPasses) {
  const char* steps[][2] = {
      {"三级（暂定）", "三级"}, {"三级", "二级"}, {"二级", "一级"}};
  for (auto& step : steps) {
    SCOPED_TRACE(std::string(step[0]) + " -> " + step[1]);
    core::Json data = With(PromotionNoticeData(), "/current_level", step[0]);
    data = With(data, "/target_level", step[1]);
    data = With(data, "/enterprise/qualification/level", step[0]);
    EXPECT_TRUE(CheckStepwisePromotion(PromotionNotice::FromJson(data)).empty());
  }
}

TEST(StepwisePromotionTest, SkippingOrNotRisingIsRefused) {
  const char* steps[][2] = {{"三级（暂定）", "二级"}, {"三级", "一级"},
                            {"三级（暂定）", "一级"}, {"二级", "二级"},
                            {"二级", "三级"},         {"一级", "一级"}};
  for (auto& step : steps) {
    SCOPED_TRACE(std::string(step[0]) + " -> " + step[1]);
    core::Json data = With(PromotionNoticeData(), "/current_level", step[0]);
    data = With(data, "/target_level", step[1]);
    data = With(data, "/enterprise/qualification/level", step[0]);
    ExpectOnly(CheckStepwisePromotion(PromotionNotice::FromJson(data)),
               "/target_level", "promotion.not_stepwise");
  }
}

TEST(StepwisePromotionTest, CurrentLevelMustMatchTheCertificate) {
  core::Json data =
      With(PromotionNoticeData(), "/enterprise/qualification/level", "二级");
  ExpectOnly(CheckStepwisePromotion(PromotionNotice::FromJson(data)),
             "/current_level", "promotion.current_level_mismatch");
  ExpectOnly(CheckStepwisePromotion(PromotionNotice::FromJson(
                 Without(PromotionNoticeData(), "/target_level"))),
             "/target_level", "promotion.level_missing");
}

// --- 三级（暂定） 30-day window ---

TEST(ProvisionalWindowTest, ApplyingWithinThirtyDaysOfExpiryPasses) {
  // Expires 2026-12-15: the window is 2026-11-15 .. 2026-12-15.
  for (const char* applied : {"2026-11-15", "2026-11-20", "2026-12-15"}) {
    SCOPED_TRACE(applied);
    core::Json data = With(ProvisionalPromotionData(), "/applied_on", applied);
    EXPECT_TRUE(CheckProvisionalWindow(PromotionNotice::FromJson(data)).empty());
  }
}

TEST(ProvisionalWindowTest, TooEarlyOrTooLateIsRefused) {
  for (const char* applied : {"2026-11-14", "2026-06-01", "2026-12-16"}) {
    SCOPED_TRACE(applied);
    core::Json data = With(ProvisionalPromotionData(), "/applied_on", applied);
    ExpectOnly(CheckProvisionalWindow(PromotionNotice::FromJson(data)),
               "/applied_on", "promotion.provisional_window");
  }
  std::vector<core::Problem> early = CheckProvisionalWindow(
      PromotionNotice::FromJson(With(ProvisionalPromotionData(), "/applied_on",
                                     "2026-11-14")));
  EXPECT_NE(early[0].message.find("2026年11月15日起方可申请"), std::string::npos)
      << early[0].message;
}

TEST(ProvisionalWindowTest, OnlyForProvisionalHoldersWhoGiveTheirExpiry) {
  core::Json data = With(PromotionNoticeData(), "/applied_on", "2020-01-01");
  EXPECT_TRUE(CheckProvisionalWindow(PromotionNotice::FromJson(data)).empty());
  ExpectOnly(CheckProvisionalWindow(PromotionNotice::FromJson(
                 Without(ProvisionalPromotionData(), "/provisional_expires_on"))),
             "/provisional_expires_on", "promotion.provisional_expiry_missing");
}

// --- Public-notice material for 二级 and above ---

TEST(NoticeMaterialTest, EnoughProjectsTypesAndHousingPass) {
  std::vector<core::Problem> problems =
      CheckNoticeMaterial(PromotionNotice::FromJson(PromotionNoticeData()));
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

TEST(NoticeMaterialTest, FewerThanTwentyPercentIsRefused) {
  // 11 projects need 3 (ceil 2.2); 2 noticed.
  core::Json data = PromotionNoticeData();
  for (int i = 0; i < 6; ++i) {
    data.Find("projects")->Push(*data.At("/projects/2"));
  }
  std::vector<core::Problem> problems =
      CheckNoticeMaterial(PromotionNotice::FromJson(data));
  ExpectOnly(problems, "/noticed", "promotion.notice_share");
  EXPECT_NE(problems[0].message.find("在管11个，至少3个，现为2个"),
            std::string::npos)
      << problems[0].message;
  data = With(data, "/noticed", Parse("[0, 1, 2]"));
  EXPECT_TRUE(CheckNoticeMaterial(PromotionNotice::FromJson(data)).empty());
}

TEST(NoticeMaterialTest, OneTypeIsRefused) {
  core::Json data = With(PromotionNoticeData(), "/noticed", Parse("[0, 3]"));
  ExpectOnly(CheckNoticeMaterial(PromotionNotice::FromJson(data)), "/noticed",
             "promotion.notice_types");
  // A project of two types counts for both.
  data = With(data, "/projects/0/property_types", Parse(R"(["住宅", "商业"])"));
  EXPECT_TRUE(CheckNoticeMaterial(PromotionNotice::FromJson(data)).empty());
}

TEST(NoticeMaterialTest, OnlyOneManagedTypeIsAWarning) {
  core::Json data = PromotionNoticeData();
  for (size_t i = 0; i < 5; ++i) {
    data = With(data, "/projects/" + std::to_string(i) + "/property_types",
                Parse(R"(["住宅"])"));
  }
  ExpectOnly(CheckNoticeMaterial(PromotionNotice::FromJson(data)), "/noticed",
             "promotion.notice_types", Severity::kWarning);
}

TEST(NoticeMaterialTest, HousingMustBeAmongThemIfManaged) {
  core::Json data = With(PromotionNoticeData(), "/noticed", Parse("[1, 2]"));
  ExpectOnly(CheckNoticeMaterial(PromotionNotice::FromJson(data)), "/noticed",
             "promotion.notice_residential");
  // No housing managed at all: no housing needed.
  data = With(data, "/projects/0/property_types", Parse(R"(["医院"])"));
  data = With(data, "/projects/3/property_types", Parse(R"(["工业厂房"])"));
  EXPECT_TRUE(CheckNoticeMaterial(PromotionNotice::FromJson(data)).empty());
}

TEST(NoticeMaterialTest, AppliesOnlyToSecondLevelAndAbove) {
  core::Json data = With(PromotionNoticeData(), "/noticed", Parse("[]"));
  EXPECT_EQ(CheckNoticeMaterial(PromotionNotice::FromJson(data)).size(), 3u);
  data = With(data, "/target_level", "三级");
  EXPECT_TRUE(CheckNoticeMaterial(PromotionNotice::FromJson(data)).empty());
}

TEST(NoticeMaterialTest, NoticedEntriesMustIndexProjects) {
  core::Json data = With(PromotionNoticeData(), "/noticed",
                         Parse(R"([0, 1, 5, -1, "2", 1])"));
  std::vector<core::Problem> problems =
      CheckNoticeMaterial(PromotionNotice::FromJson(data));
  ASSERT_EQ(problems.size(), 4u) << Describe(problems);
  EXPECT_EQ(problems[0].path, "/noticed/2");
  EXPECT_EQ(problems[0].code, "promotion.noticed_index");
  EXPECT_EQ(problems[1].path, "/noticed/3");
  EXPECT_EQ(problems[2].path, "/noticed/4");
  EXPECT_EQ(problems[3].path, "/noticed/5");
  EXPECT_EQ(problems[3].code, "promotion.noticed_duplicate");
  EXPECT_EQ(problems[3].severity, Severity::kWarning);
}

// --- Public notice of at least 7 days ---

Notice NoticeOf(const char* from, const char* to) {
  return PromotionNotice::FromJson(
             With(With(PromotionNoticeData(), "/notice/from", from),
                  "/notice/to", to))
      .notice;
}

TEST(NoticePeriodTest, SevenDaysCountingBothEndsPass) {
  EXPECT_TRUE(CheckNoticePeriod(NoticeOf("2026-11-01", "2026-11-07"),
                                DateField{}, "/notice")
                  .empty());
  EXPECT_TRUE(CheckNoticePeriod(NoticeOf("2026-11-01", "2026-11-10"),
                                DateField{}, "/notice")
                  .empty());
}

TEST(NoticePeriodTest, SixDaysIsTooShort) {
  std::vector<core::Problem> problems = CheckNoticePeriod(
      NoticeOf("2026-11-01", "2026-11-06"), DateField{}, "/notice");
  ExpectOnly(problems, "/notice", "notice.too_short");
  EXPECT_NE(problems[0].message.find("公示期为6天"), std::string::npos);
  EXPECT_NE(problems[0].message.find("至少公示至2026年11月7日"),
            std::string::npos)
      << problems[0].message;
}

TEST(NoticePeriodTest, ReversedMissingAndLateNoticesAreReported) {
  ExpectOnly(CheckNoticePeriod(NoticeOf("2026-11-10", "2026-11-01"),
                               DateField{}, "/notice"),
             "/notice/to", "notice.reversed");
  ExpectOnly(CheckNoticePeriod(Notice{}, DateField{}, "/notice"),
             "/notice/from", "notice.period_missing");
  const core::Json applied_on("2026-11-05");
  DateField applied = DateField::FromJson(&applied_on);
  ExpectOnly(CheckNoticePeriod(NoticeOf("2026-11-01", "2026-11-10"), applied,
                               "/notice"),
             "/notice/to", "notice.after_application", Severity::kWarning);
}

// --- Acceptance receipt ---

AcceptanceReceipt Receipt(const core::Json& data) {
  return AcceptanceReceipt::FromJson(data);
}

TEST(AcceptanceReceiptRuleTest, AWorkingDayInsideTheCalendarPasses) {
  EXPECT_TRUE(CheckAcceptanceDeadline(Receipt(testing::AcceptanceReceiptData()),
                                      Calendar())
                  .empty());
  core::Json with_deadline =
      With(testing::AcceptanceReceiptData(), "/deadline", "2026-12-11");
  EXPECT_TRUE(CheckAcceptanceDeadline(Receipt(with_deadline), Calendar()).empty());
}

TEST(AcceptanceReceiptRuleTest, OutsideTheCalendarIsAnError) {
  core::Json data =
      With(testing::AcceptanceReceiptData(), "/accepted_on", "2030-03-01");
  std::vector<core::Problem> problems =
      CheckAcceptanceDeadline(Receipt(data), Calendar());
  ExpectOnly(problems, "/accepted_on", "receipt.outside_calendar");
  EXPECT_NE(problems[0].message.find("只收录了2025、2026年"), std::string::npos)
      << problems[0].message;
}

TEST(AcceptanceReceiptRuleTest, ADeadlineInAnUnpublishedYearIsAProvisionalWarning) {
  core::Json data = With(testing::AcceptanceReceiptData(), "/accepted_on", "2026-12-28");
  std::vector<core::Problem> problems = CheckAcceptanceDeadline(Receipt(data), Calendar());
  ExpectOnly(problems, "/deadline", "receipt.deadline_provisional", Severity::kWarning);
  EXPECT_NE(problems[0].message.find("2027年节假日安排尚未收录"), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[0].message.find("2027年1月11日"), std::string::npos) << problems[0].message;
}

TEST(AcceptanceReceiptRuleTest, WarnsAboutHolidaysAndWrongDeadlines) {
  core::Json data =
      With(testing::AcceptanceReceiptData(), "/accepted_on", "2026-10-01");
  ExpectOnly(CheckAcceptanceDeadline(Receipt(data), Calendar()), "/accepted_on",
             "receipt.not_working_day", Severity::kWarning);
  data = With(testing::AcceptanceReceiptData(), "/deadline", "2026-12-07");
  ExpectOnly(CheckAcceptanceDeadline(Receipt(data), Calendar()), "/deadline",
             "receipt.deadline_recomputed", Severity::kWarning);
  ExpectOnly(CheckAcceptanceDeadline(
                 Receipt(Without(testing::AcceptanceReceiptData(),
                                 "/accepted_on")),
                 Calendar()),
             "/accepted_on", "receipt.accepted_on_missing");
}

// --- Spans ---

TEST(TermTest, EndBeforeStartIsRefused) {
  Project p = Project::FromJson(*ContractFilingData().Find("project"));
  EXPECT_TRUE(CheckTerm(p.term, "/project/term").empty());
  const core::Json to("2025-12-31");
  p.term.to = DateField::FromJson(&to);
  ExpectOnly(CheckTerm(p.term, "/project/term"), "/project/term/to",
             "term.reversed");
}

TEST(AuthorizationValidityTest, EndBeforeStartIsRefused) {
  core::Json data = testing::AuthorizationLetterData();
  EXPECT_TRUE(
      CheckAuthorizationValidity(AuthorizationLetter::FromJson(data)).empty());
  data = With(data, "/valid_to", "2026-11-26");
  ExpectOnly(CheckAuthorizationValidity(AuthorizationLetter::FromJson(data)),
             "/valid_to", "authorization.validity_reversed");
}

}  // namespace
}  // namespace beian::domain
