#include "beian/domain/entities.h"

#include <gtest/gtest.h>

#include "sample_documents.h"

namespace beian::domain {
namespace {

using testing::ContractFilingData;
using testing::Parse;
using testing::PromotionNoticeData;
using testing::With;
using testing::Without;

TEST(EntitiesTest, ReadsAnEnterprise) {
  Enterprise e = Enterprise::FromJson(*ContractFilingData().Find("enterprise"));
  EXPECT_EQ(e.name, "北京瑞祥恒业物业管理有限公司");
  EXPECT_EQ(e.credit_code, "91110108551385082Q");
  EXPECT_EQ(e.district, "朝阳区");
  EXPECT_EQ(e.registered_capital_wan, 1000.0);
  EXPECT_EQ(e.established_on.date, (Date{2006, 4, 18}));
  ASSERT_TRUE(e.legal_representative.has_value());
  EXPECT_EQ(e.legal_representative->name, "王喆");
  EXPECT_EQ(e.legal_representative->position, "执行董事");
  EXPECT_EQ(e.qualification.level, QualificationLevel::kSecond);
  EXPECT_EQ(e.qualification.certificate_no, "京物服字第0238号");
  EXPECT_EQ(e.qualification.approved_on.date, (Date{2019, 9, 12}));
  EXPECT_EQ(e.qualification.licensed_since.date.date, (Date{2006, 4, 19}));
  EXPECT_FALSE(e.qualification.licensed_since.year_only.has_value());
  EXPECT_EQ(e.contact.phone, "010-6552 1234");
  EXPECT_FALSE(e.out_of_town);
  ASSERT_EQ(e.branches.size(), 1u);
  EXPECT_EQ(e.branches[0].address, "北京市海淀区中关村大街27号");
}

TEST(EntitiesTest, WrongTypesAndAbsentMembersAreLeftEmpty) {
  Enterprise e = Enterprise::FromJson(Parse(R"({
    "name": 12, "established_on": "2026-02-30", "out_of_town": "yes",
    "legal_representative": {}, "branches": {}, "qualification": []})"));
  EXPECT_EQ(e.name, "");
  EXPECT_TRUE(e.established_on.given());
  EXPECT_FALSE(e.established_on.date.has_value());
  EXPECT_FALSE(e.out_of_town);
  EXPECT_FALSE(e.legal_representative.has_value());
  EXPECT_TRUE(e.branches.empty());
  EXPECT_FALSE(e.qualification.licensed_since.given());
  EXPECT_FALSE(Enterprise::FromJson(core::Json()).legal_representative);
}

TEST(EntitiesTest, LicensedSinceMayBeABareYear) {
  for (const core::Json& year : {core::Json("2006"), core::Json(2006)}) {
    Qualification q = Qualification::FromJson(
        With(Parse(R"({"licensed_since": null})"), "/licensed_since", year));
    EXPECT_EQ(q.licensed_since.year_only, 2006);
    EXPECT_TRUE(q.licensed_since.given());
  }
}

TEST(EntitiesTest, ReadsAContractFiling) {
  ContractFiling f =
      ContractFiling::FromJson(FilingKind::kContract, ContractFilingData());
  EXPECT_EQ(f.staff.size(), 3u);
  EXPECT_EQ(f.staff[2].gender, "女");
  EXPECT_EQ(f.project.property_types,
            (std::vector<std::string>{"住宅", "商业"}));
  EXPECT_TRUE(f.project.HasType("住宅"));
  EXPECT_FALSE(f.project.HasType("医院"));
  EXPECT_EQ(f.project.households, 1200);
  ASSERT_TRUE(f.project.manager.has_value());
  EXPECT_EQ(f.project.manager->role, "项目负责人");
  EXPECT_EQ(f.project.term.to.date, (Date{2028, 12, 31}));
  EXPECT_EQ(f.contract.signed_on.date, (Date{2025, 12, 20}));
  EXPECT_EQ(f.contract.fee_method, "包干制");
  ASSERT_EQ(f.materials.size(), 4u);
  EXPECT_EQ(f.materials[0], (std::pair<std::string, bool>{"application_form", true}));
  EXPECT_EQ(f.applied_on.date, (Date{2026, 11, 27}));
}

TEST(EntitiesTest, FilingKindsByName) {
  EXPECT_EQ(FilingKindOf("contract-filing"), FilingKind::kContract);
  EXPECT_EQ(FilingKindOf("preliminary-contract-filing"),
            FilingKind::kPreliminary);
  EXPECT_EQ(FilingKindOf("out-of-town-contract-filing"),
            FilingKind::kOutOfTown);
  EXPECT_EQ(FilingKindOf("promotion-notice"), std::nullopt);
}

TEST(EntitiesTest, ReadsAPromotionNotice) {
  core::Json data = PromotionNoticeData();
  data = With(data, "/noticed", Parse(R"([0, "x", 4])"));
  PromotionNotice n = PromotionNotice::FromJson(data);
  EXPECT_EQ(n.current_level, QualificationLevel::kThird);
  EXPECT_EQ(n.target_level, QualificationLevel::kSecond);
  EXPECT_EQ(n.notice.from.date, (Date{2026, 11, 1}));
  EXPECT_EQ(n.notice.place, "望京花园小区南门公告栏");
  EXPECT_EQ(n.projects.size(), 5u);
  ASSERT_EQ(n.noticed.size(), 3u);
  EXPECT_EQ(n.noticed[0], 0);
  EXPECT_EQ(n.noticed[1], std::nullopt);
  EXPECT_EQ(n.noticed[2], 4);
}

TEST(EntitiesTest, ReadsTheOtherKinds) {
  AcceptanceReceipt r = AcceptanceReceipt::FromJson(testing::AcceptanceReceiptData());
  EXPECT_EQ(r.accepted_on.date, (Date{2026, 11, 27}));
  EXPECT_FALSE(r.deadline.given());
  EXPECT_EQ(r.bureau.district, "朝阳区");
  EXPECT_EQ(r.filing.number, "朝建备字〔2026〕第0123号");

  AuthorizationLetter a =
      AuthorizationLetter::FromJson(testing::AuthorizationLetterData());
  EXPECT_EQ(a.agent.work_unit, "北京瑞祥恒业物业管理有限公司");
  EXPECT_EQ(a.matters.size(), 1u);
  EXPECT_EQ(a.valid_to.date, (Date{2027, 6, 30}));

  SiteVerification s = SiteVerification::FromJson(testing::SiteVerificationData());
  EXPECT_EQ(s.applied_level, QualificationLevel::kSecond);
  EXPECT_EQ(s.project.name, "望京花园");

  QualificationVerification q =
      QualificationVerification::FromJson(testing::QualificationVerificationData());
  EXPECT_EQ(q.filled_on.date, (Date{2026, 11, 27}));
  EXPECT_EQ(q.projects.size(), 5u);
  EXPECT_EQ(q.staff.size(), 3u);
}

TEST(EntitiesTest, PersonsInListsMaintainedPersonnelWithPaths) {
  core::Json data = ContractFilingData();
  std::vector<PersonAt> persons = PersonsIn(data);
  ASSERT_EQ(persons.size(), 5u);
  EXPECT_EQ(persons[0].path, "/enterprise/legal_representative");
  EXPECT_EQ(persons[1].path, "/staff/0");
  EXPECT_EQ(persons[3].path, "/staff/2");
  EXPECT_EQ(persons[4].path, "/project/manager");
  EXPECT_EQ(persons[4].person.name, "张建国");

  std::vector<PersonAt> in_notice = PersonsIn(With(
      PromotionNoticeData(), "/projects/1/manager", Parse(testing::kManager)));
  ASSERT_EQ(in_notice.size(), 2u);
  EXPECT_EQ(in_notice[1].path, "/projects/1/manager");

  // The agent of an authorization letter is not the enterprise's personnel.
  EXPECT_EQ(PersonsIn(testing::AuthorizationLetterData()).size(), 1u);
  EXPECT_TRUE(PersonsIn(Without(data, "/enterprise")).size() == 4u);
}

}  // namespace
}  // namespace beian::domain
