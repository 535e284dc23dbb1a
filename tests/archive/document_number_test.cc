#include "beian/archive/document_number.h"

#include <gtest/gtest.h>

#include <string>

#include "beian/core/districts.h"
#include "beian/core/kinds.h"

namespace beian::archive {
namespace {

TEST(DocumentNumberTest, FormatsLikeAnOfficialDocumentNumber) {
  EXPECT_EQ(FormatDocumentNumber({"朝", "备", 2026, 123}),
            "京朝备〔2026〕000123号");
  EXPECT_EQ(FormatDocumentNumber({"开", "前备", 2027, 1}),
            "京开前备〔2027〕000001号");
  EXPECT_EQ(FormatDocumentNumber({"海", "核", 2026, 1234567}),
            "京海核〔2026〕1234567号");
}

TEST(DocumentNumberTest, ParseInvertsFormatForEveryDistrictAndKind) {
  int64_t serial = 1;
  for (const core::District& district : core::BeijingDistricts()) {
    for (const core::DocumentKind& kind : core::DocumentKinds()) {
      const DocumentNumber number{std::string(district.number_code),
                                  std::string(kind.number_code), 2026, serial};
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
