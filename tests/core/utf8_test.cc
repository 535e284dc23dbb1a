#include "beian/core/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace beian::core {
namespace {

TEST(Utf8Test, ValidSequences) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("物业服务企业"));
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));              // U+0080
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));          // U+D7FF
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));          // U+E000
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));      // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
}

TEST(Utf8Test, RejectsMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong 3-byte
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong 4-byte
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800 encoded
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF encoded
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8"));   // truncated 中
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8x"));  // continuation missing
  EXPECT_FALSE(IsValidUtf8("ok\xE4"));
}

TEST(Utf8Test, DecodeAdvances) {
  const std::string s = "a中\xF0\x9F\x98\x80";
  size_t pos = 0;
  EXPECT_EQ(DecodeUtf8(s, pos), U'a');
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(DecodeUtf8(s, pos), U'中');
  EXPECT_EQ(pos, 4u);
  EXPECT_EQ(DecodeUtf8(s, pos), U'\U0001F600');
  EXPECT_EQ(pos, 8u);
  EXPECT_EQ(DecodeUtf8(s, pos), kReplacementChar);
  EXPECT_EQ(pos, 8u);
}

TEST(Utf8Test, DecodeMalformedAdvancesOneByte) {
  const std::string s = "\xE4\xB8x";
  size_t pos = 0;
  EXPECT_EQ(DecodeUtf8(s, pos), kReplacementChar);
  EXPECT_EQ(pos, 1u);
  EXPECT_EQ(DecodeUtf8(s, pos), kReplacementChar);
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(DecodeUtf8(s, pos), U'x');
}

TEST(Utf8Test, AppendEncodesAllLengths) {
  std::string out;
  AppendUtf8(out, U'A');
  AppendUtf8(out, 0xE9);
  AppendUtf8(out, U'中');
  AppendUtf8(out, 0x1F600);
  EXPECT_EQ(out, "A\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80");
  std::string bad;
  AppendUtf8(bad, 0xD800);
  AppendUtf8(bad, 0x110000);
  EXPECT_EQ(bad, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8Test, CountAndConvert) {
  EXPECT_EQ(CountCodePoints(""), 0u);
  EXPECT_EQ(CountCodePoints("北京市物业"), 5u);
  EXPECT_EQ(CountCodePoints("a\xFF"
                            "b"),
            3u);
  EXPECT_EQ(ToUtf32("a中\xF0\x9F\x98\x80"), std::u32string(U"a中\U0001F600"));
  EXPECT_EQ(ToUtf32("\xFF"), std::u32string(1, kReplacementChar));
}

TEST(Utf8Test, FoldFullWidth) {
  EXPECT_EQ(FoldFullWidth(U'１'), U'1');
  EXPECT_EQ(FoldFullWidth(U'Ｘ'), U'X');
  EXPECT_EQ(FoldFullWidth(U'ｘ'), U'x');
  EXPECT_EQ(FoldFullWidth(U'－'), U'-');
  EXPECT_EQ(FoldFullWidth(U'\u3000'), U' ');
  EXPECT_EQ(FoldFullWidth(U'中'), U'中');
  EXPECT_EQ(FoldFullWidth(U'1'), U'1');
}

TEST(Utf8Test, CodePointLabel) {
  EXPECT_EQ(CodePointLabel(U'中'), "U+4E2D");
  EXPECT_EQ(CodePointLabel(0x41), "U+0041");
  EXPECT_EQ(CodePointLabel(0x1F600), "U+1F600");
  EXPECT_EQ(CodePointLabel(0x10FFFF), "U+10FFFF");
}

TEST(Utf8Test, BlankText) {
  EXPECT_TRUE(IsBlank(""));
  EXPECT_TRUE(IsBlank("  \u3000 "));
  EXPECT_FALSE(IsBlank(" 作废 "));
}

}  // namespace
}  // namespace beian::core
