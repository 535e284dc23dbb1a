#include "beian/domain/validators.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "beian/core/districts.h"
#include "beian/core/id_numbers.h"
#include "beian/domain/vocabulary.h"
#include "sample_documents.h"

namespace beian::domain {
namespace {

using core::Severity;
using testing::ContractFilingData;
using testing::Describe;
using testing::kToday;
using testing::With;

constexpr std::string_view kAlphabet = core::kCreditCodeAlphabet;

// --- 统一社会信用代码 (GB 32100) ---

// Codes printed on public business licences and the standard's own example;
// each passes the check character.
TEST(CreditCodeTest, AcceptsPublishedCodes) {
  // More in tests/core/id_numbers_test.cc.
  for (const char* code : {"91350100M000100Y43", "91110108551385082Q"}) {
    SCOPED_TRACE(code);
    std::vector<core::Problem> problems = ValidateCreditCode(code, "/c");
    EXPECT_TRUE(problems.empty()) << Describe(problems);
  }
}

TEST(CreditCodeTest, CheckCharacterRoundTrips) {
  // Deterministic pseudo-random first 17 characters (digits at 3..8).
  uint32_t state = 12345;
  auto next = [&]() {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  for (int n = 0; n < 300; ++n) {
    std::string code;
    for (int i = 0; i < 17; ++i) {
      bool digit = i >= 2 && i <= 7;
      code += kAlphabet[next() % (digit ? 10 : kAlphabet.size())];
    }
    std::optional<char> check = core::CreditCodeCheckChar(code);
    ASSERT_TRUE(check.has_value());
    SCOPED_TRACE(code + *check);
    EXPECT_TRUE(ValidateCreditCode(code + *check, "/c").empty());
    for (char other : kAlphabet) {
      if (other == *check) continue;
      std::vector<core::Problem> problems =
          ValidateCreditCode(code + other, "/c");
      ASSERT_EQ(problems.size(), 1u);
      EXPECT_EQ(problems[0].code, "credit_code.check");
    }
  }
}

// Any single wrong character among the first 17 changes the check character
// (the weights 3^i mod 31 are never 0 mod the prime 31).
TEST(CreditCodeTest, DetectsEverySingleSubstitution) {
  const std::string valid = "9144030071526726XG";
  for (size_t i = 0; i < 17; ++i) {
    for (char c : kAlphabet) {
      if (c == valid[i] || (i >= 2 && i <= 7 && (c < '0' || c > '9'))) {
        continue;
      }
      std::string code = valid;
      code[i] = c;
      std::vector<core::Problem> problems = ValidateCreditCode(code, "/c");
      ASSERT_EQ(problems.size(), 1u) << code;
      EXPECT_EQ(problems[0].code, "credit_code.check") << code;
    }
  }
}

TEST(CreditCodeTest, WrongCheckCharacterIsOnlyAWarningNamingTheRightOne) {
  std::vector<core::Problem> problems =
      ValidateCreditCode("91110108551385082A", "/enterprise/credit_code");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "/enterprise/credit_code");
  EXPECT_EQ(problems[0].code, "credit_code.check");
  EXPECT_EQ(problems[0].severity, Severity::kWarning);
  EXPECT_NE(problems[0].message.find("应为“Q”"), std::string::npos)
      << problems[0].message;
  EXPECT_NE(problems[0].message_en.find("'Q'"), std::string::npos);
}

// --- 居民身份证号码 (GB 11643) ---

TEST(IdNumberTest, AcceptsPublishedExamples) {
  // GB 11643-1999's own example (a woman born 1949-12-31 in 北京市朝阳区).
  EXPECT_TRUE(
      ValidateIdNumber("11010519491231002X", "女", kToday, "/p").empty());
  // The example widely used in references (广东 汕头, born 1880-01-01, 男):
  // its check character is right, but a birth year before 1900 is refused as
  // implausible for anyone an enterprise maintains today.
  std::vector<core::Problem> problems =
      ValidateIdNumber("440524188001010014", "男", kToday, "/p");
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].code, "id_number.birth_date");
  // A computed number whose check character is X (17th digit 1: 男).
  EXPECT_TRUE(
      ValidateIdNumber("11010119491001001X", "男", kToday, "/p").empty());
  // No gender stated: only the number is checked.
  EXPECT_TRUE(ValidateIdNumber("11010519491231002X", "", kToday, "/p").empty());
}

TEST(IdNumberTest, DetectsSingleSubstitutionsAndAdjacentSwaps) {
  const std::string valid = "110105198001010016";
  ASSERT_TRUE(ValidateIdNumber(valid, "男", kToday, "/p").empty());
  for (size_t i = 0; i < 17; ++i) {
    for (char c = '0'; c <= '9'; ++c) {
      if (c == valid[i]) continue;
      std::string id = valid;
      id[i] = c;
      EXPECT_EQ(testing::WithCode(ValidateIdNumber(id, "", kToday, "/p"),
                                  "id_number.check")
                    .size(),
                1u)
          << id;
    }
    if (i + 1 < 17 && valid[i] != valid[i + 1]) {
      std::string id = valid;
      std::swap(id[i], id[i + 1]);
      EXPECT_EQ(testing::WithCode(ValidateIdNumber(id, "", kToday, "/p"),
                                  "id_number.check")
                    .size(),
                1u)
          << id;
    }
  }
}

// What the validator accepts, the archive's privacy checks recognise; a
// mistyped number is refused here and still protected there.
TEST(IdNumberTest, AgreesWithTheRecognitionInCore) {
  for (const char* id : {"11010519491231002X", "11010519491231002x",
                         "110105198001010016"}) {
    EXPECT_EQ(testing::WithCode(ValidateIdNumber(id, "", kToday, "/p"),
                                "id_number.check")
                  .size(),
              0u)
        << id;
    EXPECT_TRUE(core::ContainsIdNumber(id)) << id;
  }
  EXPECT_EQ(testing::WithCode(
                ValidateIdNumber("110105198001010017", "", kToday, "/p"),
                "id_number.check")
                .size(),
            1u);
  EXPECT_TRUE(core::ContainsIdNumber("110105198001010017"));
  for (const char* id : {"990105198001010016", "110105198002300016",
                         "110105800101001"}) {
    EXPECT_FALSE(ValidateIdNumber(id, "", kToday, "/p").empty()) << id;
    EXPECT_FALSE(core::ContainsIdNumber(id)) << id;
  }
}

TEST(IdNumberTest, GenderDigitMustMatchTheStatedGender) {
  // 17th digit 2: female.
  std::vector<core::Problem> problems =
      ValidateIdNumber("11010519491231002X", "男", kToday, "/staff/3/id_number");
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].code, "id_number.gender");
  EXPECT_EQ(problems[0].path, "/staff/3/id_number");
  EXPECT_NE(problems[0].message.find("性别为女"), std::string::npos);
}

TEST(IdNumberTest, BirthDateMayNotBeAfterToday) {
  // Born 2026-11-27 (today): fine; 2026-11-28: not yet born.
  std::string today = "11010520261127001";
  std::string tomorrow = "11010520261128001";
  EXPECT_TRUE(
      ValidateIdNumber(today + *core::IdNumberCheckChar(today), "", kToday, "/p")
          .empty());
  std::vector<core::Problem> problems = ValidateIdNumber(
      tomorrow + *core::IdNumberCheckChar(tomorrow), "", kToday, "/p");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].code, "id_number.birth_date");
}

// --- Vocabulary ---

TEST(VocabularyTest, AcceptsEveryListedValue) {
  for (const core::District& d : core::BeijingDistricts()) {
    EXPECT_TRUE(ValidateDistrict(d.name, "/d").empty()) << d.name;
  }
  for (std::string_view t : PropertyTypes()) {
    EXPECT_TRUE(ValidatePropertyType(t, "/t").empty()) << t;
  }
  for (std::string_view r : PersonRoles()) {
    EXPECT_TRUE(ValidateRole(r, "/r").empty()) << r;
  }
  for (const char* level : {"一级", "二级", "三级", "三级（暂定）"}) {
    EXPECT_TRUE(ValidateQualificationLevel(level, "/l").empty()) << level;
  }
  EXPECT_TRUE(ValidateContractType("事实服务", "/c").empty());
  EXPECT_TRUE(ValidateFeeMethod("酬金制", "/f").empty());
  EXPECT_TRUE(ValidateGender("女", "/g").empty());
}

TEST(VocabularyTest, QualificationLevelsPromoteOneStepAtATime) {
  EXPECT_EQ(NextQualificationLevel(QualificationLevel::kProvisionalThird),
            QualificationLevel::kThird);
  EXPECT_EQ(NextQualificationLevel(QualificationLevel::kThird),
            QualificationLevel::kSecond);
  EXPECT_EQ(NextQualificationLevel(QualificationLevel::kSecond),
            QualificationLevel::kFirst);
  EXPECT_EQ(NextQualificationLevel(QualificationLevel::kFirst), std::nullopt);
  EXPECT_EQ(ParseQualificationLevel("三级（暂定）"),
            QualificationLevel::kProvisionalThird);
  EXPECT_EQ(ParseQualificationLevel("三级(暂定)"), std::nullopt);
  EXPECT_EQ(QualificationLevelName(QualificationLevel::kSecond), "二级");
}

TEST(DistrictTest, SuggestsTheFullName) {
  std::vector<core::Problem> problems = ValidateDistrict("朝阳", "/d");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("应写作“朝阳区”"), std::string::npos)
      << problems[0].message;
  problems = ValidateDistrict("亦庄", "/d");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("北京经济技术开发区"), std::string::npos);
  problems = ValidateDistrict("宣武区", "/d");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("西城区"), std::string::npos);
}

// --- Phone numbers ---

TEST(PhoneTest, AcceptsMobileAndBeijingLandlines) {
  for (const char* phone :
       {"13901126738", "139 0112 6738", "139-0112-6738", "+86 139 0112 6738",
        "8613901126738", "19912345678", "010-65521234", "010 6552 1234",
        "(010)65521234", "01065521234", "65521234", "6552-1234",
        "010-65521234转801"}) {
    EXPECT_TRUE(ValidatePhone(phone, "/p").empty()) << phone;
  }
}

// --- Dates ---

TEST(DateFieldTest, SaysWhyADayDoesNotExist) {
  std::vector<core::Problem> problems = ValidateDate("2026-02-30", "/d");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("2026年2月只有28天"), std::string::npos)
      << problems[0].message;
  problems = ValidateDate("2026年13月1日", "/d");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("没有13月"), std::string::npos);
  EXPECT_TRUE(ValidateDate("2026年1月5日", "/d").empty());
}

// --- Known-bad values, one at a time, in a valid contract filing: each must
// give exactly one problem, at that path, with that code. ---

struct BadValue {
  const char* path;
  core::Json value;
  const char* code;
  Severity severity = Severity::kError;
};

std::vector<BadValue> BadValues() {
  const Severity kW = Severity::kWarning;
  return {
      // 统一社会信用代码
      {"/enterprise/credit_code", "91110108551385082", "credit_code.format"},
      {"/enterprise/credit_code", "91110108551385082QQ", "credit_code.format"},
      {"/enterprise/credit_code", "91110108551385082q", "credit_code.format"},
      {"/enterprise/credit_code", "91110108551385O82Q", "credit_code.format"},
      {"/enterprise/credit_code", "91110108551385I82Q", "credit_code.format"},
      {"/enterprise/credit_code", "91A10108551385082Q", "credit_code.format"},
      {"/enterprise/credit_code", "91110108551385082Ｑ", "credit_code.format"},
      {"/enterprise/credit_code", "9111010855138508-Q", "credit_code.format"},
      {"/enterprise/credit_code", "91110108551385082A", "credit_code.check",
       kW},
      {"/enterprise/credit_code", "9144030071526726XF", "credit_code.check",
       kW},
      {"/enterprise/credit_code", 91110108, "field.type"},
      // 居民身份证号码 (陈静, 女)
      {"/staff/2/id_number", "11010519800101002", "id_number.format"},
      {"/staff/2/id_number", "110105800101002", "id_number.format"},
      {"/staff/2/id_number", "11010519800101002Y", "id_number.format"},
      {"/staff/2/id_number", "1101051980010100AX", "id_number.format"},
      {"/staff/2/id_number", "110105198001010025", "id_number.check"},
      {"/staff/2/id_number", "110105194902300020", "id_number.birth_date"},
      {"/staff/2/id_number", "110105203001010028", "id_number.birth_date"},
      {"/staff/2/id_number", "110105189912310023", "id_number.birth_date"},
      {"/staff/2/id_number", "000105194912310024", "id_number.region"},
      {"/staff/2/id_number", "110105198001010016", "id_number.gender"},
      {"/enterprise/legal_representative/id_number", "11010519491231002X",
       "id_number.gender"},
      {"/staff/1/id_number", "11010819851203123x", "id_number.lowercase_x",
       kW},
      // Districts
      {"/enterprise/district", "朝阳", "district.unknown"},
      {"/enterprise/district", "北京市海淀区", "district.unknown"},
      {"/enterprise/district", "浦东新区", "district.unknown"},
      {"/enterprise/district", "崇文区", "district.obsolete"},
      {"/project/district", "延庆县", "district.obsolete"},
      {"/project/district", "通州", "district.unknown"},
      // Phones
      {"/enterprise/contact/phone", "1390112673", "phone.format"},
      {"/enterprise/contact/phone", "12901126738", "phone.format"},
      {"/enterprise/contact/phone", "010-6552123", "phone.format"},
      {"/enterprise/contact/phone", "6552-123", "phone.format"},
      {"/enterprise/contact/phone", "１３９０１１２６７３８", "phone.format"},
      {"/enterprise/contact/phone", "010-65521234转abc", "phone.format"},
      {"/staff/0/phone", "400-810-8888", "phone.format"},
      {"/staff/0/phone", "139 0112 6738 ext 5", "phone.format"},
      {"/staff/1/phone", "021-64381234", "phone.not_beijing", kW},
      // Dates
      {"/applied_on", "2026-02-30", "date.format"},
      {"/contract/signed_on", "2026/11/27", "date.format"},
      {"/project/term/from", "2026-1-5", "date.format"},
      {"/project/term/to", "2026年13月1日", "date.format"},
      {"/enterprise/established_on", "27.11.2026", "date.format"},
      {"/enterprise/established_on", "1899-12-31", "date.format"},
      {"/enterprise/qualification/approved_on", "2027-01-01", "date.future"},
      {"/enterprise/qualification/licensed_since", "2006年", "date.format"},
      // Qualification levels
      {"/enterprise/qualification/level", "三级(暂定)",
       "qualification_level.unknown"},
      {"/enterprise/qualification/level", "特级",
       "qualification_level.unknown"},
      {"/enterprise/qualification/level", "二 级",
       "qualification_level.unknown"},
      // Property types, roles, genders, contract types, fee methods
      {"/project/property_types/0", "写字楼", "property_type.unknown"},
      {"/project/property_types/0", "住宅小区", "property_type.unknown"},
      {"/project/property_types/1", "住宅", "property_type.duplicate", kW},
      {"/staff/1/role", "总经理", "role.unknown"},
      {"/staff/1/gender", "M", "gender.unknown"},
      {"/project/contract_type", "委托合同", "contract_type.unknown"},
      {"/contract/fee_method", "包干", "fee_method.unknown"},
      // Numbers
      {"/project/building_area_m2", -5, "number.range"},
      {"/project/households", 12.5, "number.range"},
      {"/enterprise/registered_capital_wan", "1000", "number.type"},
  };
}

TEST(CheckFieldsTest, TheSampleFilingIsValid) {
  std::vector<core::Problem> problems =
      CheckFields(ContractFilingData(), kToday);
  EXPECT_TRUE(problems.empty()) << Describe(problems);
}

TEST(CheckFieldsTest, EachKnownBadValueGivesOneProblemAtItsPath) {
  std::vector<BadValue> cases = BadValues();
  EXPECT_GE(cases.size(), 30u);
  for (const BadValue& bad : cases) {
    SCOPED_TRACE(std::string(bad.path) + " = " + core::WriteJson(bad.value));
    std::vector<core::Problem> problems =
        CheckFields(With(ContractFilingData(), bad.path, bad.value), kToday);
    ASSERT_EQ(problems.size(), 1u) << Describe(problems);
    EXPECT_EQ(problems[0].path, bad.path);
    EXPECT_EQ(problems[0].code, bad.code);
    EXPECT_EQ(problems[0].severity, bad.severity);
    EXPECT_FALSE(problems[0].message.empty());
    EXPECT_FALSE(problems[0].message_en.empty());
  }
}

TEST(CheckFieldsTest, ReportsAllProblemsAtOnce) {
  core::Json data = ContractFilingData();
  data = With(data, "/enterprise/credit_code", "91110108551385082");
  data = With(data, "/staff/2/id_number", "110105198001010025");
  data = With(data, "/project/district", "通州");
  data = With(data, "/applied_on", "2026-02-30");
  std::vector<core::Problem> problems = CheckFields(data, kToday);
  ASSERT_EQ(problems.size(), 4u) << Describe(problems);
}

TEST(CheckFieldsTest, SkipsNullAndEmptyValues) {
  core::Json data = ContractFilingData();
  data = With(data, "/enterprise/credit_code", "");
  data = With(data, "/staff/1/phone", nullptr);
  data = With(data, "/applied_on", "");
  EXPECT_TRUE(CheckFields(data, kToday).empty());
}

TEST(CheckFieldsTest, OutOfTownEnterpriseDistrictIsNotABeijingDistrict) {
  core::Json data = With(ContractFilingData(), "/enterprise/district",
                         "上海市浦东新区");
  EXPECT_EQ(CheckFields(data, kToday).size(), 1u);
  FieldCheckOptions options;
  options.enterprise_out_of_town = true;
  EXPECT_TRUE(CheckFields(data, kToday, options).empty());
  // The project is still in Beijing.
  data = With(data, "/project/district", "浦东新区");
  std::vector<core::Problem> problems = CheckFields(data, kToday, options);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "/project/district");
}

TEST(CheckFieldsTest, LeavesABareLicensedSinceYearToTheRules) {
  EXPECT_TRUE(CheckFields(With(ContractFilingData(),
                               "/enterprise/qualification/licensed_since",
                               "2006"),
                          kToday)
                  .empty());
  EXPECT_TRUE(CheckFields(With(ContractFilingData(),
                               "/enterprise/qualification/licensed_since",
                               2006),
                          kToday)
                  .empty());
}

}  // namespace
}  // namespace beian::domain
