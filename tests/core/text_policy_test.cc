#include "beian/core/text_policy.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/utf8.h"

namespace beian::core {
namespace {

// The UTF-8 of code points, for text no editor shows.
std::string U(std::initializer_list<char32_t> code_points) {
  std::string out;
  for (char32_t cp : code_points) AppendUtf8(out, cp);
  return out;
}

std::string Repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// "kind U+XXXX @character" of the fault, or "ok".
std::string Fault(std::string_view text, TextLines lines = TextLines::kOne) {
  const std::optional<TextFault> fault = FindTextFault(text, lines);
  if (!fault) return "ok";
  const char* kinds[] = {"utf8",  "control",    "line_break", "not_nfc",
                         "marks", "unassigned", "direction"};
  std::string out = kinds[static_cast<int>(fault->kind)];
  out += fault->kind == TextFaultKind::kInvalidUtf8
             ? " byte " + std::to_string(fault->code_point)
             : " " + CodePointLabel(fault->code_point);
  out += " @" + std::to_string(fault->character);
  if (fault->kind == TextFaultKind::kCombiningMarks)
    out += " run " + std::to_string(fault->run);
  return out;
}

TEST(TextPolicyTest, ChineseTextWithIdeographicPunctuationPasses) {
  EXPECT_EQ(Fault("北京瑞祥恒业物业管理有限公司"), "ok");
  EXPECT_EQ(Fault("北京市朝阳区望京西路48号院3号楼12层1203（甲）、《物业服务合"
                  "同》“前期”——"
                  "第一条：……！？；。〇　㎡"),
            "ok");
  EXPECT_EQ(Fault("Nguyễn Thị Minh Khai, Ærø, Ångström, Café, 𠀀"), "ok");
  EXPECT_EQ(Fault(""), "ok");
  EXPECT_EQ(Fault("第一行\n第二行", TextLines::kSeveral), "ok");
  EXPECT_TRUE(IsAcceptableText("王喆", TextLines::kOne));
}

TEST(TextPolicyTest, RefusesInvalidUtf8) {
  EXPECT_EQ(Fault("ab\xC0\xAF"), "utf8 byte 192 @3");      // overlong "/"
  EXPECT_EQ(Fault("\xE0\x80\xAF"), "utf8 byte 224 @1");    // overlong, 3 bytes
  EXPECT_EQ(Fault("北\xED\xA0\x80"), "utf8 byte 237 @2");  // U+D800
  EXPECT_EQ(Fault("\xED\xBF\xBF"), "utf8 byte 237 @1");    // U+DFFF
  EXPECT_EQ(Fault("\xF4\x90\x80\x80"), "utf8 byte 244 @1");  // above U+10FFFF
  EXPECT_EQ(Fault("北京\xE4\xB8"), "utf8 byte 228 @3");      // truncated
  EXPECT_EQ(Fault("a\x80"), "utf8 byte 128 @2");  // stray continuation
  EXPECT_EQ(Fault("\xFF"), "utf8 byte 255 @1");
  EXPECT_FALSE(IsAcceptableText("\xC3\x28", TextLines::kSeveral));
}

TEST(TextPolicyTest, RefusesNulAndOtherControls) {
  EXPECT_EQ(Fault(std::string("北京\0瑞祥", 10)), "control U+0000 @3");
  EXPECT_EQ(Fault("ring\x07"), "control U+0007 @5");         // BEL
  EXPECT_EQ(Fault("\x1b[2J清屏"), "control U+001B @1");      // ESC
  EXPECT_EQ(Fault("a\x7f"), "control U+007F @2");            // DEL
  EXPECT_EQ(Fault("a" + U({0x85})), "control U+0085 @2");    // NEL, C1
  EXPECT_EQ(Fault(U({0x9B}) + "31m"), "control U+009B @1");  // CSI, C1
  // Only the line feed is allowed, and only in several lines.
  EXPECT_EQ(Fault("a\tb", TextLines::kSeveral), "control U+0009 @2");
  EXPECT_EQ(Fault("a\r\nb", TextLines::kSeveral), "control U+000D @2");
  EXPECT_EQ(Fault(std::string("a\0", 2), TextLines::kSeveral),
            "control U+0000 @2");
}

// "Trojan Source": a name that shows one way and is another.
TEST(TextPolicyTest, RefusesInvisibleDirectionControls) {
  EXPECT_EQ(Fault("北京" + U({0x202E}) + "司公限有"), "direction U+202E @3");  // RLO
  for (char32_t cp : {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
                      0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF}) {
    EXPECT_EQ(Fault("a" + U({cp})), "direction " + CodePointLabel(cp) + " @2");
  }
  // Right-to-left letters themselves are text.
  EXPECT_EQ(Fault(U({0x05E9, 0x05DC, 0x05D5, 0x05DD})), "ok");
}

TEST(TextPolicyTest, RefusesUnassignedCodePointsAndNoncharacters) {
  EXPECT_EQ(Fault("a" + U({0xFFFE})), "unassigned U+FFFE @2");
  EXPECT_EQ(Fault(U({0xFDD0})), "unassigned U+FDD0 @1");
  EXPECT_EQ(Fault(U({0x10FFFF})), "unassigned U+10FFFF @1");
  EXPECT_EQ(Fault("王" + U({0x0378})), "unassigned U+0378 @2");  // Greek gap
  EXPECT_EQ(Fault(U({0x2FFFF})), "unassigned U+2FFFF @1");
  // Private use is assigned (fonts decide whether it prints); so is CJK
  // Extension B and the last ideographs ICU's Unicode knows.
  EXPECT_EQ(Fault(U({0xE000, 0x20BB7, 0x3134A})), "ok");
}

TEST(TextPolicyTest, ALineBreakOnlyWhereTheFieldHasSeveralLines) {
  EXPECT_EQ(Fault("第一行\n第二行"), "line_break U+000A @4");
  EXPECT_EQ(Fault("第一行\n第二行", TextLines::kSeveral), "ok");
  EXPECT_EQ(Fault("\n"), "line_break U+000A @1");
}

TEST(TextPolicyTest, RefusesTextNotInNfc) {
  EXPECT_EQ(Fault("Caf" + U({0xE9})), "ok");
  EXPECT_EQ(Fault("Cafe" + U({0x301})), "not_nfc U+0301 @5");         // NFD é
  EXPECT_EQ(Fault("王" + U({0x1100, 0x1161})), "not_nfc U+1161 @3");  // jamo 가
  EXPECT_EQ(Fault("10" + U({0x212B})), "not_nfc U+212B @3");  // Angstrom sign
  EXPECT_EQ(Fault(U({0xF900}) + "园"),
            "not_nfc U+F900 @1");  // compatibility 豈
  // A mark no letter composes with is NFC; out of canonical order it is not.
  EXPECT_EQ(Fault("x" + U({0x301})), "ok");
  EXPECT_EQ(Fault("x" + U({0x301, 0x316})), "not_nfc U+0316 @3");
  // The offender is found in the segment that is not NFC, not earlier.
  EXPECT_EQ(Fault("x" + U({0x301}) + "和e" + U({0x301})), "not_nfc U+0301 @5");
}

TEST(TextPolicyTest, RefusesLongRunsOfCombiningMarks) {
  const std::string accents = Repeat(U({0x301}), 99);
  EXPECT_EQ(Fault("a" + accents), "marks U+0301 @6 run 99");
  EXPECT_EQ(Fault("王" + accents + "喆"), "marks U+0301 @6 run 99");
  EXPECT_EQ(Fault(accents, TextLines::kSeveral), "marks U+0301 @5 run 99");
  EXPECT_EQ(Fault("x" + U({0x301, 0x302, 0x303, 0x304})), "ok");
  EXPECT_EQ(Fault("x" + U({0x301, 0x302, 0x303, 0x304, 0x305})),
            "marks U+0305 @6 run 5");
  // Runs are counted apart.
  EXPECT_EQ(Fault("q" + Repeat(U({0x308}), 4) + "q" + Repeat(U({0x308}), 4)),
            "ok");
  // The earliest fault wins: a run before a control character.
  EXPECT_EQ(Fault("q" + Repeat(U({0x308}), 5) + "\x1b"),
            "marks U+0308 @6 run 5");
}

TEST(TextPolicyTest, ProblemsNameTheFieldAndTheCodePoint) {
  Problem nul =
      TextProblem(*FindTextFault(std::string("北京\0", 7), TextLines::kOne),
                  "/enterprise/name");
  EXPECT_EQ(nul.path, "/enterprise/name");
  EXPECT_EQ(nul.code, "text.control");
  EXPECT_EQ(nul.severity, Severity::kError);
  EXPECT_EQ(nul.message,
            "第 3 个字符是控制字符 U+0000，文字中不能含有控制字符");
  EXPECT_EQ(nul.message_en,
            "character 3 is the control character U+0000; text may not contain "
            "control characters");
  auto code_of = [](std::string_view text) {
    return TextProblem(*FindTextFault(text, TextLines::kOne), "").code;
  };
  EXPECT_EQ(code_of("\xC0\xAF"), "text.invalid_utf8");
  EXPECT_NE(TextProblem(*FindTextFault("\xC0\xAF", TextLines::kOne), "")
                .message.find("0xC0"),
            std::string::npos);
  EXPECT_EQ(code_of("a\nb"), "text.line_break");
  EXPECT_EQ(code_of("e" + U({0x301})), "text.not_nfc");
  Problem marks = TextProblem(
      *FindTextFault("a" + Repeat(U({0x301}), 99), TextLines::kOne), "/a");
  EXPECT_EQ(marks.code, "text.combining_marks");
  EXPECT_NE(marks.message.find("U+0301"), std::string::npos);
  EXPECT_NE(marks.message.find("99"), std::string::npos);
  EXPECT_NE(marks.message_en.find("at most 4"), std::string::npos);
}

TEST(TextPolicyTest, CheckTextsWalksEveryStringAndMemberName) {
  Json data = Json::MakeObject();
  data.Set("enterprise", Json::MakeObject())
      .Set("name", std::string("北京\0瑞祥", 10));
  Json staff = Json::MakeArray();
  Json person = Json::MakeObject();
  person.Set("name", "王\a");
  staff.Push(Json::MakeObject());
  staff.Push(std::move(person));
  data.Set("staff", std::move(staff));
  data.Set("remark", "第一行\n第二行");
  data.Set("note", "第一行\n第二行");
  data.Set("bad\x1bkey", 1);
  const std::unordered_set<const Json*> multiline = {data.At("/remark")};
  size_t unlisted = 99;
  std::vector<Problem> problems = CheckTexts(data, multiline, 200, &unlisted);
  std::vector<std::string> got;
  for (const Problem& p : problems) got.push_back(p.path + " " + p.code);
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "/enterprise/name text.control", "/staff/1/name text.control",
                "/note text.line_break", "/bad\x1bkey text.control"}));
  EXPECT_EQ(unlisted, 0u);
  // A root string is checked too.
  EXPECT_EQ(CheckTexts(Json("a\x07"), {}, 200, &unlisted).size(), 1u);
}

TEST(TextPolicyTest, CheckTextsListsAtMostTheLimit) {
  Json data = Json::MakeArray();
  for (int i = 0; i < 300; ++i) data.Push(std::string("x\0", 2));
  size_t unlisted = 0;
  std::vector<Problem> problems = CheckTexts(data, {}, 200, &unlisted);
  ASSERT_EQ(problems.size(), 200u);
  EXPECT_EQ(problems.back().path, "/199");
  EXPECT_EQ(unlisted, 100u);
  // Deep nesting does not recurse.
  Json deep = Json("\x07");
  for (int i = 0; i < 100000; ++i) {
    Json outer = Json::MakeArray();
    outer.Push(std::move(deep));
    deep = std::move(outer);
  }
  EXPECT_EQ(CheckTexts(deep, {}, 200, &unlisted).size(), 1u);
}

}  // namespace
}  // namespace beian::core
