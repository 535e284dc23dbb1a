#include "beian/archive/document_number.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace beian::archive {
namespace {

const char* const kDistricts[] = {"东城区",
                                  "西城区",
                                  "朝阳区",
                                  "海淀区",
                                  "丰台区",
                                  "石景山区",
                                  "门头沟区",
                                  "房山区",
                                  "通州区",
                                  "顺义区",
                                  "昌平区",
                                  "大兴区",
                                  "怀柔区",
                                  "平谷区",
                                  "密云区",
                                  "延庆区",
                                  "北京经济技术开发区"};

const char* const kKinds[] = {"contract-filing",
                              "preliminary-contract-filing",
                              "out-of-town-contract-filing",
                              "qualification-verification",
                              "commitment-letter",
                              "authorization-letter",
                              "promotion-notice",
                              "site-verification",
                              "acceptance-receipt"};

TEST(DocumentNumberTest, FormatsLikeAnOfficialDocumentNumber) {
  EXPECT_EQ(FormatDocumentNumber({"朝", "备", 2026, 123}),
            "京朝备〔2026〕000123号");
  EXPECT_EQ(FormatDocumentNumber({"开", "前备", 2027, 1}),
            "京开前备〔2027〕000001号");
  EXPECT_EQ(FormatDocumentNumber({"海", "核", 2026, 1234567}),
            "京海核〔2026〕1234567号");
}

TEST(DocumentNumberTest, EveryDistrictHasItsOwnCode) {
  std::set<std::string> codes;
  for (const char* district : kDistricts) {
    core::Result<std::string> code = DistrictCode(district);
    ASSERT_TRUE(code.ok()) << district;
    codes.insert(*code);
  }
  EXPECT_EQ(codes.size(), 17u);
  EXPECT_EQ(*DistrictCode("大兴区"), "兴");
  EXPECT_EQ(*DistrictCode("东城区"), "东");
  EXPECT_EQ(DistrictCode("朝阳").status().code(), core::Code::kInvalidArgument);
  EXPECT_EQ(DistrictCode("浦东新区").status().code(),
            core::Code::kInvalidArgument);
}

TEST(DocumentNumberTest, KindsHaveDistinctCodesAndOthersShareOne) {
  std::set<std::string> codes;
  for (const char* kind : kKinds) codes.insert(KindCode(kind));
  EXPECT_EQ(codes.size(), 9u);
  EXPECT_EQ(codes.count("文"), 0u);
  EXPECT_EQ(KindCode("contract-filing"), "备");
  EXPECT_EQ(KindCode("some-future-kind"), "文");
}

TEST(DocumentNumberTest, ParseInvertsFormatForEveryDistrictAndKind) {
  int64_t serial = 1;
  for (const char* district : kDistricts) {
    for (const char* kind : kKinds) {
      const DocumentNumber number{*DistrictCode(district), KindCode(kind), 2026,
                                  serial};
      serial = serial * 3 + 1;
      if (serial > 99999999) serial = 7;
      const std::string text = FormatDocumentNumber(number);
      std::optional<DocumentNumber> parsed = ParseDocumentNumber(text);
      ASSERT_TRUE(parsed.has_value()) << text;
      EXPECT_EQ(parsed->district_code, number.district_code);
      EXPECT_EQ(parsed->kind_code, number.kind_code);
      EXPECT_EQ(parsed->year, 2026);
      EXPECT_EQ(parsed->serial, number.serial);
    }
  }
}

TEST(DocumentNumberTest, ParseRejectsAnythingButTheCanonicalForm) {
  for (const char* text :
       {"", "京朝备〔2026〕123号", "京朝备〔2026〕0000123号",
        "京朝备[2026]000123号", "京沪备〔2026〕000123号",
        "京朝X〔2026〕000123号", "京朝备〔26〕000123号", "京朝备〔2026〕000123",
        "京朝备〔2026〕第000123号", "京朝备〔2026〕000000号",
        "BJ-CY-2026-000123", "京", "京朝"}) {
    EXPECT_FALSE(ParseDocumentNumber(text).has_value()) << text;
  }
}

TEST(DocumentNumberTest, NormalizeAcceptsWhatPeopleType) {
  const std::string canonical = "京朝备〔2026〕000123号";
  for (const char* typed :
       {"京朝备〔2026〕000123号", "京朝备[2026]123号", "京朝备(2026)123",
        " 京朝备（2026）第123号 ", "京朝备【2026】000123号",
        "京朝备〔２０２６〕１２３号", "京朝备 [2026] 第 000123 号",
        "京朝备［2026］123号"}) {
    EXPECT_EQ(NormalizeDocumentNumber(typed), canonical) << typed;
  }
}

TEST(DocumentNumberTest, NormalizeLeavesOtherTextAlone) {
  for (const char* text :
       {"HTBA-20261127-ABCDEF", "京朝备", "京沪备[2026]1号", "123", ""}) {
    EXPECT_EQ(NormalizeDocumentNumber(text), text);
  }
}

}  // namespace
}  // namespace beian::archive
