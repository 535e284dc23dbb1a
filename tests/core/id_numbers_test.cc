#include "beian/core/id_numbers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "beian/core/utf8.h"

namespace beian::core {
namespace {

// --- 居民身份证号码 (GB 11643) ---

TEST(IdNumberTest, CheckCharOfPublishedExamples) {
  // GB 11643-1999's own example (a woman born 1949-12-31 in 北京市朝阳区).
  EXPECT_EQ(IdNumberCheckChar("11010519491231002"), 'X');
  // The example widely used in references (广东 汕头, born 1880-01-01).
  EXPECT_EQ(IdNumberCheckChar("44052418800101001"), '4');
  EXPECT_EQ(IdNumberCheckChar("11010519710314325"), '3');
  EXPECT_EQ(IdNumberCheckChar("11010119491001001"), 'X');
}

TEST(IdNumberTest, CheckCharNeedsSeventeenAsciiDigits) {
  EXPECT_EQ(IdNumberCheckChar("1101051949123100"), std::nullopt);
  EXPECT_EQ(IdNumberCheckChar("110105194912310021"), std::nullopt);
  EXPECT_EQ(IdNumberCheckChar("1101051949123100X"), std::nullopt);
  EXPECT_EQ(IdNumberCheckChar(""), std::nullopt);
}

TEST(IdNumberTest, ProvinceCodes) {
  for (int code : {11, 12, 31, 44, 50, 65, 71, 81, 82, 83}) {
    EXPECT_TRUE(IsIdNumberProvinceCode(code)) << code;
  }
  for (int code : {0, 10, 16, 20, 24, 30, 38, 47, 55, 66, 70, 80, 84, 91}) {
    EXPECT_FALSE(IsIdNumberProvinceCode(code)) << code;
  }
}

TEST(IdNumberTest, BirthDateIsARealDayFrom1900) {
  EXPECT_EQ(IdNumberBirthDate("11010519491231002X"), (Date{1949, 12, 31}));
  EXPECT_EQ(IdNumberBirthDate("11010520000229"), (Date{2000, 2, 29}));
  EXPECT_EQ(IdNumberBirthDate("11010519000101001X"), (Date{1900, 1, 1}));
  for (const char* id : {"110105190002290012", "110105197113010011",
                         "110105197102300011", "440524188001010014",
                         "11010519491A31002X", "1101051949123"}) {
    EXPECT_EQ(IdNumberBirthDate(id), std::nullopt) << id;
  }
}

// The ID numbers FindIdNumbers finds in `text`, as written there.
std::vector<std::string> Found(std::string_view text) {
  const std::u32string cps = ToUtf32(text);
  std::vector<std::string> out;
  for (const IdNumberMatch& m : FindIdNumbers(cps)) {
    std::string id;
    for (size_t k = 0; k < 18; ++k) AppendUtf8(id, cps[m.chars[k]]);
    out.push_back(id);
  }
  return out;
}

using Ids = std::vector<std::string>;

TEST(IdNumberTest, FindsNumbersInText) {
  EXPECT_EQ(Found("110105197103143253"), (Ids{"110105197103143253"}));
  EXPECT_EQ(Found("法定代表人张三，身份证号110105197103143253，电话13800138000"),
            (Ids{"110105197103143253"}));
  EXPECT_EQ(Found("a 110105197103143253 b 110108198001011234"),
            (Ids{"110105197103143253", "110108198001011234"}));
  EXPECT_EQ(Found("身份证：11010519491231002X。"), (Ids{"11010519491231002X"}));
  // Written 6-8-4 with spaces or hyphens; the separators are not part of it.
  EXPECT_EQ(Found("110105 19710314 3253"), (Ids{"110105197103143253"}));
  EXPECT_EQ(Found("110105-19710314-3253"), (Ids{"110105197103143253"}));
  // After letters: only a digit next to it makes it part of something longer.
  EXPECT_EQ(Found("id11010519491231002x"), (Ids{"11010519491231002x"}));
}

TEST(IdNumberTest, LowercaseXAndFullWidthFormsAreFound) {
  EXPECT_EQ(Found("11010519491231002x"), (Ids{"11010519491231002x"}));
  EXPECT_EQ(Found("１１０１０５１９７１０３１４３２５３"),
            (Ids{"１１０１０５１９７１０３１４３２５３"}));
  EXPECT_EQ(Found("１１０１０５１９４９１２３１００２Ｘ"),
            (Ids{"１１０１０５１９４９１２３１００２Ｘ"}));
}

TEST(IdNumberTest, AWrongCheckCharacterIsStillAPersonsNumber) {
  EXPECT_EQ(Found("110105197103143254"), (Ids{"110105197103143254"}));
  EXPECT_EQ(Found("110105197103143250"), (Ids{"110105197103143250"}));
}

TEST(IdNumberTest, OtherNumbersAreNotFound) {
  for (const char* text : {
           "11010519710314325",     // 17 digits
           "1101051971031432531",   // 19 digits
           "编号1101051971031432531",
           "1101051971X3143253",    // an X inside
           "991051197103143253",    // no province 99
           "160105197103143253",    // nor 16
           "110105197113143253",    // month 13
           "110105190002290012",    // 1900 was not a leap year
           "440524188001010014",    // born before 1900
           "110105710314325",       // the 15-digit form of before 1999
           "13800138000",
           "110105  19710314 3253",  // two spaces
           "110105 19710314-325 3",
           "91110108551385082Q",    // a credit code
           "911101085513850823",    // an all-digit credit code
       }) {
    EXPECT_EQ(Found(text), Ids{}) << text;
  }
}

TEST(IdNumberTest, ContainsIdNumberReadsUtf8) {
  EXPECT_TRUE(ContainsIdNumber("张三 110105197103143253"));
  EXPECT_TRUE(ContainsIdNumber("\xFF" "110105197103143253" "\xC3"));
  EXPECT_TRUE(ContainsIdNumber("１１０１０５１９７１０３１４３２５３"));
  EXPECT_FALSE(ContainsIdNumber("北京市朝阳区望京西路 13800138000"));
  EXPECT_FALSE(ContainsIdNumber(""));
}

// --- 统一社会信用代码 (GB 32100) ---

TEST(CreditCodeTest, CheckCharOfPublishedCodes) {
  for (const char* code : {
           "91350100M000100Y43",  // GB 32100-2015, the standard's example
           "9144030071526726XG",  // 腾讯科技（深圳）有限公司
           "914403001922038216",  // 华为技术有限公司
           "91110108551385082Q",  // 小米科技有限责任公司
           "91110000802100433B",  // 北京百度网讯科技有限公司
       }) {
    EXPECT_EQ(CreditCodeCheckChar(std::string_view(code).substr(0, 17)),
              code[17])
        << code;
    EXPECT_TRUE(IsCreditCodeForm(code)) << code;
  }
}

TEST(CreditCodeTest, CheckCharOfSumsZeroAndOne) {
  // Σ ≡ 0 (mod 31): 31 − 0 = 31 is written '0'; Σ ≡ 1: 30, the last letter.
  EXPECT_EQ(CreditCodeCheckChar("9111010500000000N"), '0');
  EXPECT_EQ(CreditCodeCheckChar("91110105000000001"), 'Y');
}

TEST(CreditCodeTest, CheckCharNeedsSeventeenCharactersOfTheAlphabet) {
  EXPECT_EQ(CreditCodeCheckChar("91110108551385082"), 'Q');
  EXPECT_EQ(CreditCodeCheckChar("9111010855138508"), std::nullopt);
  EXPECT_EQ(CreditCodeCheckChar("91110108551385O82"), std::nullopt);  // O
  EXPECT_EQ(CreditCodeCheckChar("91110108551385i82"), std::nullopt);
}

TEST(CreditCodeTest, FormNeedsDigitsForTheDivision) {
  EXPECT_TRUE(IsCreditCodeForm("91110108551385082A"));  // check not verified
  EXPECT_FALSE(IsCreditCodeForm("9111010855138508Q"));
  EXPECT_FALSE(IsCreditCodeForm("91110108551385082Q1"));
  EXPECT_FALSE(IsCreditCodeForm("91A10108551385082Q"));
  EXPECT_FALSE(IsCreditCodeForm("91110108551385082q"));
  EXPECT_FALSE(IsCreditCodeForm("9111010855138508IQ"));
  EXPECT_FALSE(IsCreditCodeForm(""));
}

TEST(IdNumbersTest, MaskedForDisplay) {
  EXPECT_EQ(MaskIdNumbers("110105197103143253"), "110105********3253");
  EXPECT_EQ(MaskIdNumbers("11010519710314325X"), "110105********325X");
  EXPECT_EQ(MaskIdNumbers("11010519710314325x"), "110105********325x");
  EXPECT_EQ(MaskIdNumbers("身份证号110105197103143253，电话13800138000"),
            "身份证号110105********3253，电话13800138000");
  EXPECT_EQ(MaskIdNumbers("110105 19710314 3253"), "110105 ******** 3253");
  EXPECT_EQ(MaskIdNumbers("110105-19710314-3253"), "110105-********-3253");
  EXPECT_EQ(MaskIdNumbers("１１０１０５１９７１０３１４３２５３"),
            "１１０１０５********３２５３");
  EXPECT_EQ(MaskIdNumbers("a 110105197103143253 b 110108198001011234"),
            "a 110105********3253 b 110108********1234");
  // Characters outside the BMP around it (CJK Extension B names) stay whole.
  EXPECT_EQ(MaskIdNumbers("𠮷祥110105197103143253王𪚥"), "𠮷祥110105********3253王𪚥");
  // Not ID numbers: too short, too long, an X in the middle.
  EXPECT_EQ(MaskIdNumbers("11010519710314325"), "11010519710314325");
  EXPECT_EQ(MaskIdNumbers("1101051971031432531"), "1101051971031432531");
  EXPECT_EQ(MaskIdNumbers("1101051971X3143253"), "1101051971X3143253");
  // Everything else is copied byte for byte, invalid UTF-8 included.
  EXPECT_EQ(MaskIdNumbers("\xFF朝阳 110105197103143253\xC3"),
            "\xFF朝阳 110105********3253\xC3");
  EXPECT_EQ(MaskIdNumbers(""), "");
}

}  // namespace
}  // namespace beian::core
