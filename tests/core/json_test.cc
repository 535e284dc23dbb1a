#include "beian/core/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace beian::core {
namespace {

// The parse error message for `text`, or "<parsed>" if it parsed.
std::string ErrorOf(std::string_view text, const ParseOptions& options = {}) {
  Result<Json> result = ParseJson(text, options);
  if (result.ok()) return "<parsed>";
  EXPECT_EQ(result.status().code(), Code::kParseError);
  return result.status().message();
}

Json Parsed(std::string_view text) {
  Result<Json> result = ParseJson(text);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().ToString();
  return result.ok() ? std::move(result).value() : Json();
}

std::string Nested(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// ---------------------------------------------------------------------------
// Values

TEST(JsonValueTest, ScalarsAndTypes) {
  EXPECT_TRUE(Json().is_null());
  EXPECT_TRUE(Json(nullptr).is_null());
  EXPECT_TRUE(Json(true).is_bool());
  EXPECT_TRUE(Json(true).as_bool());
  EXPECT_EQ(Json(3).type(), Json::Type::kNumber);
  EXPECT_EQ(Json(int64_t{-5}).as_int(), -5);
  EXPECT_DOUBLE_EQ(Json(2.5).as_number(), 2.5);
  EXPECT_EQ(Json("物业").as_string(), "物业");
  EXPECT_EQ(Json(std::string("x")).as_string(), "x");
  EXPECT_EQ(Json(std::string_view("sv")).as_string(), "sv");
  EXPECT_TRUE(Json::MakeArray().is_array());
  EXPECT_TRUE(Json::MakeObject().is_object());
  EXPECT_EQ(Json(size_t{7}).as_int(), 7);
  EXPECT_EQ(Json(static_cast<long long>(-9)).as_int(), -9);
  EXPECT_EQ(Json(std::numeric_limits<uint64_t>::max()).is_integer(), false);
}

TEST(JsonValueTest, WrongTypeAccessorsAreSafe) {
  Json number(1);
  EXPECT_EQ(number.as_string(), "");
  EXPECT_TRUE(number.as_array().empty());
  EXPECT_FALSE(Json("x").as_bool());
  EXPECT_EQ(Json("x").as_number(), 0);
  EXPECT_EQ(Json("x").size(), 0u);
}

TEST(JsonValueTest, IntegerDetection) {
  EXPECT_TRUE(Json(1.0).is_integer());
  EXPECT_EQ(Json(1.0).as_int(), 1);
  EXPECT_FALSE(Json(1.5).is_integer());
  EXPECT_FALSE(Json(1e19).is_integer());
  EXPECT_FALSE(Json("1").is_integer());
  const int64_t big =
      9007199254740993;  // 2^53 + 1, not representable as a double
  EXPECT_EQ(Json(big).as_int(), big);
  EXPECT_EQ(Parsed("9007199254740993").as_int(), big);
  EXPECT_EQ(Parsed("9223372036854775807").as_int(),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Parsed("-9223372036854775808").as_int(),
            std::numeric_limits<int64_t>::min());
  Json beyond = Parsed("12345678901234567890");
  EXPECT_FALSE(beyond.is_integer());
  EXPECT_DOUBLE_EQ(beyond.as_number(), 12345678901234567890.0);
  EXPECT_EQ(beyond.number_text(), "12345678901234567890");
}

TEST(JsonValueTest, ObjectsKeepInsertionOrderAndReplace) {
  Json object = Json::MakeObject();
  object.Set("b", 1);
  object.Set("a", "x");
  Json& stored = object.Set("b", 2);
  EXPECT_EQ(stored.as_int(), 2);
  ASSERT_EQ(object.size(), 2u);
  EXPECT_EQ(object.as_object()[0].first, "b");
  EXPECT_EQ(object.as_object()[1].first, "a");
  ASSERT_NE(object.Find("a"), nullptr);
  EXPECT_EQ(object.Find("a")->as_string(), "x");
  EXPECT_EQ(object.Find("zzz"), nullptr);
  EXPECT_EQ(Json(1).Find("a"), nullptr);
  object.Find("a")->as_string();
  *object.Find("a") = Json(5);
  EXPECT_EQ(object.Find("a")->as_int(), 5);
}

TEST(JsonValueTest, ArraysPush) {
  Json array = Json::MakeArray();
  array.Push(1);
  array.Push("two");
  array.Push(Json::MakeObject());
  ASSERT_EQ(array.size(), 3u);
  EXPECT_EQ(array.as_array()[1].as_string(), "two");
  Json null_becomes_array;
  null_becomes_array.Push(true);
  EXPECT_TRUE(null_becomes_array.is_array());
}

TEST(JsonValueTest, CopyMoveAndSelfContainedAssignment) {
  Json original = Parsed(R"({"a":[1,{"b":"c"}],"d":"e"})");
  Json copy = original;
  EXPECT_EQ(copy, original);
  copy.Find("a")->as_array()[1].Set("b", "changed");
  EXPECT_NE(copy, original);
  Json moved = std::move(copy);
  EXPECT_EQ(moved.Find("a")->as_array()[1].Find("b")->as_string(), "changed");
  // Assigning a value's own child to it must not read freed memory.
  Json tree = Parsed(R"({"child":{"x":[1,2,3]}})");
  tree = *tree.Find("child");
  EXPECT_EQ(WriteJson(tree), R"({"x":[1,2,3]})");
  Json list = Parsed("[[\"deep\"]]");
  list = std::move(list.as_array()[0]);
  EXPECT_EQ(WriteJson(list), R"(["deep"])");
  Json self = Parsed("[1]");
  Json& alias = self;
  self = alias;
  EXPECT_EQ(WriteJson(self), "[1]");
}

TEST(JsonValueTest, EqualityIsDeepAndOrderInsensitiveForObjects) {
  EXPECT_EQ(Parsed(R"({"a":1,"b":[1,2]})"), Parsed(R"({"b":[1,2],"a":1.0})"));
  EXPECT_NE(Parsed(R"({"a":1})"), Parsed(R"({"a":1,"b":2})"));
  EXPECT_NE(Parsed("[1,2]"), Parsed("[2,1]"));
  EXPECT_NE(Json("1"), Json(1));
  EXPECT_NE(Json(), Json(false));
  EXPECT_EQ(Json(1), Json(1.0));
  EXPECT_NE(Json(1), Json(1.5));
  EXPECT_EQ(Json("中"), Parsed(R"("\u4e2d")"));
}

TEST(JsonValueTest, NumberTextForConstructedNumbers) {
  EXPECT_EQ(Json(100.0).number_text(), "100");
  EXPECT_EQ(Json(0.1).number_text(), "0.1");
  EXPECT_EQ(Json(-2.5).number_text(), "-2.5");
  EXPECT_EQ(Json(1e21).number_text(), "1e+21");
  EXPECT_EQ(Json(1e20).number_text(), "100000000000000000000");
  EXPECT_EQ(Json(1e-7).number_text(), "1e-7");
  EXPECT_EQ(Json(0.000001).number_text(), "0.000001");
  EXPECT_EQ(Json(int64_t{-42}).number_text(), "-42");
  EXPECT_EQ(Json("x").number_text(), "");
}

TEST(JsonValueTest, NumberTextKeepsParsedLiteral) {
  EXPECT_EQ(Parsed("1.50").number_text(), "1.50");
  EXPECT_EQ(Parsed("1E2").number_text(), "1E2");
  EXPECT_EQ(Parsed("-0").number_text(), "-0");
}

// ---------------------------------------------------------------------------
// JSON Pointer

TEST(JsonPointerTest, ResolvesRfc6901Examples) {
  Json doc = Parsed(
      R"({"foo":["bar","baz"],"":0,"a/b":1,"c%d":2,"e^f":3,"g|h":4,"i\\j":5,
                        "k\"l":6," ":7,"m~n":8})");
  EXPECT_EQ(doc.At(""), &doc);
  EXPECT_EQ(doc.At("/foo")->size(), 2u);
  EXPECT_EQ(doc.At("/foo/0")->as_string(), "bar");
  EXPECT_EQ(doc.At("/")->as_int(), 0);
  EXPECT_EQ(doc.At("/a~1b")->as_int(), 1);
  EXPECT_EQ(doc.At("/c%d")->as_int(), 2);
  EXPECT_EQ(doc.At("/i\\j")->as_int(), 5);
  EXPECT_EQ(doc.At("/k\"l")->as_int(), 6);
  EXPECT_EQ(doc.At("/ ")->as_int(), 7);
  EXPECT_EQ(doc.At("/m~0n")->as_int(), 8);
}

TEST(JsonPointerTest, AbsentAndMalformed) {
  Json doc = Parsed(R"({"a":[{"b":true}]})");
  EXPECT_TRUE(doc.At("/a/0/b")->as_bool());
  EXPECT_EQ(doc.At("/a/1"), nullptr);
  EXPECT_EQ(doc.At("/a/-"), nullptr);
  EXPECT_EQ(doc.At("/a/00"), nullptr);
  EXPECT_EQ(doc.At("/a/+0"), nullptr);
  EXPECT_EQ(doc.At("/a/0/b/c"), nullptr);
  EXPECT_EQ(doc.At("/x"), nullptr);
  EXPECT_EQ(doc.At("a"), nullptr);
  EXPECT_EQ(doc.At("/a~2"), nullptr);
  EXPECT_EQ(doc.At("/a~"), nullptr);
}

TEST(JsonPointerTest, EscapeAndAppend) {
  EXPECT_EQ(PointerEscape("a/b~c"), "a~1b~0c");
  EXPECT_EQ(PointerEscape("~1"), "~01");
  EXPECT_EQ(PointerAppend("", "staff"), "/staff");
  EXPECT_EQ(PointerAppend("/staff", size_t{3}), "/staff/3");
  EXPECT_EQ(PointerAppend("/staff/3", "a/b"), "/staff/3/a~1b");
  Json doc = Parsed(R"({"x/y":{"~":[0,1]}})");
  const std::string pointer =
      PointerAppend(PointerAppend(PointerAppend("", "x/y"), "~"), 1);
  EXPECT_EQ(pointer, "/x~1y/~0/1");
  ASSERT_NE(doc.At(pointer), nullptr);
  EXPECT_EQ(doc.At(pointer)->as_int(), 1);
}

// ---------------------------------------------------------------------------
// Parsing and writing

TEST(JsonParseTest, RoundTripsCompactText) {
  const std::string texts[] = {
      "null",
      "true",
      "-0",
      "1.50",
      "\"\"",
      "[]",
      "{}",
      R"({"enterprise":{"name":"北京某某物业服务有限公司","staff":[{"name":"张三","age":35},)"
      R"({"name":"李四","age":41.5}]},"tags":["a/b","\"q\"","\\","\n\t"],"ok":true,"n":null,)"
      R"("nums":[0,-1,1e10,2.5E-3,123456789012345678901234567890],"emoji":"😀"})",
  };
  for (const std::string& text : texts) {
    EXPECT_EQ(WriteJson(Parsed(text)), text);
  }
}

TEST(JsonParseTest, ParsesStructure) {
  Json doc = Parsed(" {\"a\" : [ 1 , {\"b\" : false} ] ,\r\n\t\"c\":\"d\" } ");
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc.size(), 2u);
  EXPECT_EQ(doc.At("/a/0")->as_int(), 1);
  EXPECT_FALSE(doc.At("/a/1/b")->as_bool());
  EXPECT_EQ(doc.At("/c")->as_string(), "d");
  EXPECT_EQ(WriteJson(doc), R"({"a":[1,{"b":false}],"c":"d"})");
}

TEST(JsonParseTest, Escapes) {
  EXPECT_EQ(Parsed(R"("\u4e2d\u6587")").as_string(), "中文");
  EXPECT_EQ(Parsed(R"("\ud83d\ude00")").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(Parsed(R"("\"\\\/\b\f\n\r\t")").as_string(), "\"\\/\b\f\n\r\t");
  EXPECT_EQ(Parsed(R"("\u0000")").as_string(), std::string(1, '\0'));
  EXPECT_EQ(Parsed(R"("\u00e9\u00E9")").as_string(), "\xC3\xA9\xC3\xA9");
}

TEST(JsonParseTest, ErrorMessageHasLineColumnByteAndPointer) {
  EXPECT_EQ(
      ErrorOf("{\n  \"a\": tru\n}"),
      "line 2, column 8 (byte 9): invalid literal, expected 'true' at /a");
  EXPECT_EQ(ErrorOf("{\"名称\": x}"),
            "line 1, column 8 (byte 11): unexpected character 'x', expected a "
            "value at /名称");
  EXPECT_EQ(ErrorOf("[1, 2"),
            "line 1, column 6 (byte 5): unexpected end of input, expected ',' "
            "or ']'");
}

TEST(JsonParseTest, InvalidUtf8ReportsPointer) {
  const std::string text =
      "{\"staff\": [\n  {\"name\": \"张三\"},\n  {\"name\": \"李四\"},\n  "
      "{\"name\": \"王五\"},\n"
      "  {\"name\": \"赵\xFF\"}\n]}";
  const std::string error = ErrorOf(text);
  // Line 5 starts at byte 78; 13 code points ("  {"name": "赵) precede the bad
  // byte.
  EXPECT_EQ(error.find("line 5, column 14 (byte 93): "), 0u) << error;
  EXPECT_NE(error.find("invalid UTF-8"), std::string::npos) << error;
  EXPECT_NE(error.find(" at /staff/3/name"), std::string::npos) << error;
  EXPECT_EQ(error.substr(error.size() - 17), " at /staff/3/name");
}

TEST(JsonParseTest, RejectsEachKindOfInvalidUtf8) {
  EXPECT_NE(ErrorOf("[\"\xC0\xAF\"]").find("overlong"), std::string::npos);
  EXPECT_NE(ErrorOf("[\"\xE0\x80\xAF\"]").find("overlong"), std::string::npos);
  EXPECT_NE(ErrorOf("[\"\xF0\x80\x80\xAF\"]").find("overlong"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[\"\xED\xA0\x80\"]").find("surrogate"), std::string::npos);
  EXPECT_NE(ErrorOf("[\"\xF4\x90\x80\x80\"]").find("above U+10FFFF"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[\"\xE4\xB8\"]").find("truncated"), std::string::npos);
  EXPECT_NE(ErrorOf("[\"\x80\"]").find("continuation"), std::string::npos);
  EXPECT_NE(ErrorOf("[\"ok\"] \xFF").find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"\xFF\": 1}").find("invalid UTF-8"), std::string::npos);
  EXPECT_EQ(ErrorOf("[\"a\", \"\xFF\"]"),
            "line 1, column 8 (byte 7): invalid UTF-8: byte that never occurs "
            "in UTF-8 (byte "
            "0xFF) in string at /1");
}

TEST(JsonParseTest, RejectsLoneSurrogateEscapes) {
  EXPECT_NE(ErrorOf(R"(["\ud800"])").find("lone high surrogate"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"(["\ud800x"])").find("lone high surrogate"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"(["\ud800\u0041"])").find("lone high surrogate"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"(["\ud800\ud800"])").find("lone high surrogate"),
            std::string::npos);
  EXPECT_EQ(ErrorOf(R"({"k": "ab\udc00"})"),
            "line 1, column 10 (byte 9): lone low surrogate \\uDC00 (not "
            "preceded by a high "
            "surrogate) at /k");
}

TEST(JsonParseTest, RejectsBadEscapes) {
  EXPECT_NE(ErrorOf(R"(["\x"])").find("invalid escape sequence '\\x'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"(["\u12"])").find("expected 4 hex digits"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"(["\u12G4"])").find("expected 4 hex digits"),
            std::string::npos);
}

TEST(JsonParseTest, RejectsControlCharactersInStrings) {
  EXPECT_EQ(ErrorOf("{\"a\": \"x\ny\"}"),
            "line 1, column 9 (byte 8): control character U+000A must be "
            "escaped in a string at /a");
  EXPECT_NE(ErrorOf("[\"\t\"]").find("U+0009"), std::string::npos);
  EXPECT_NE(ErrorOf(std::string("[\"\0\"]", 5)).find("U+0000"),
            std::string::npos);
  EXPECT_EQ(ErrorOf("[\"\x7F\"]"), "<parsed>");
}

TEST(JsonParseTest, RejectsTrailingGarbage) {
  EXPECT_EQ(ErrorOf("{} x"),
            "line 1, column 4 (byte 3): unexpected character 'x' after the "
            "JSON value");
  EXPECT_NE(ErrorOf("[1]]").find("after the JSON value"), std::string::npos);
  EXPECT_NE(ErrorOf("1 2").find("after the JSON value"), std::string::npos);
  EXPECT_NE(ErrorOf("truex").find("after the JSON value"), std::string::npos);
  EXPECT_EQ(ErrorOf("{}  \n\t "), "<parsed>");
}

TEST(JsonParseTest, RejectsDuplicateKeys) {
  EXPECT_EQ(ErrorOf(R"({"a":1,"a":2})"),
            "line 1, column 8 (byte 7): duplicate object key \"a\" at /a");
  EXPECT_NE(ErrorOf(R"({"staff":[{},{"name":"x","age":1,"name":"y"}]})")
                .find("duplicate object key \"name\" at /staff/1/name"),
            std::string::npos);
  // Escaped and unescaped spellings of the same key are duplicates.
  EXPECT_NE(ErrorOf(R"({"ab":1,"\u0061b":2})").find("duplicate"),
            std::string::npos);
  // Large objects use hashed detection.
  std::string big = "{";
  for (int i = 0; i < 100; ++i)
    big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  EXPECT_EQ(ErrorOf(big + "\"k100\":0}"), "<parsed>");
  EXPECT_NE(ErrorOf(big + "\"k57\":0}").find("duplicate object key \"k57\""),
            std::string::npos);
  EXPECT_NE(ErrorOf(big + "\"k3\":0}").find("duplicate object key \"k3\""),
            std::string::npos);
  // Around each growth of the index, the first and the latest key are found.
  for (int n : {16, 17, 32, 33, 129, 5000}) {
    std::string keys = "{";
    for (int i = 0; i < n; ++i)
      keys += "\"k" + std::to_string(i) + "\":{\"a\":1},";
    SCOPED_TRACE(n);
    EXPECT_EQ(ErrorOf(keys + "\"x\":0}"), "<parsed>");
    EXPECT_NE(ErrorOf(keys + "\"k0\":0}").find("duplicate object key \"k0\""),
              std::string::npos);
    const std::string last = "k" + std::to_string(n - 1);
    EXPECT_NE(ErrorOf(keys + "\"" + last + "\":0}")
                  .find("duplicate object key \"" + last),
              std::string::npos);
    // An object inside with the same keys is another object.
    EXPECT_EQ(ErrorOf(keys + "\"in\":" + keys + "\"x\":0}}"), "<parsed>");
  }
}

TEST(JsonParseTest, DepthLimit) {
  EXPECT_EQ(ErrorOf(Nested(64)), "<parsed>");
  EXPECT_EQ(ErrorOf(Nested(65)),
            "line 1, column 65 (byte 64): nesting too deep: more than 64 "
            "levels of arrays and "
            "objects at "
            "/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/"
            "0/0/0/0/0/0/"
            "0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0");
  std::string objects;
  for (int i = 0; i < 65; ++i) objects += "{\"a\":";
  objects += "1" + std::string(65, '}');
  EXPECT_NE(ErrorOf(objects).find("nesting too deep"), std::string::npos);
  ParseOptions shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(ErrorOf("[[1]]", shallow), "<parsed>");
  EXPECT_NE(ErrorOf("[[[1]]]", shallow).find("nesting too deep"),
            std::string::npos);
  // Parsing and destroying never recurse per level, so a raised limit cannot
  // exhaust the stack.
  ParseOptions deep;
  deep.max_depth = 1000000;
  EXPECT_EQ(ErrorOf(Nested(200000), deep), "<parsed>");
  const std::string unclosed = ErrorOf(std::string(300000, '['), deep);
  EXPECT_NE(unclosed.find("unexpected end of input"), std::string::npos);
  // Very deep pointers are abbreviated in the message.
  EXPECT_LT(unclosed.size(), 1200u);
  EXPECT_EQ(unclosed.substr(unclosed.size() - 4), "/...");
}

TEST(JsonParseTest, SizeLimit) {
  ParseOptions options;
  options.max_bytes = 10;
  EXPECT_EQ(ErrorOf("[1,2,3,4]", options), "<parsed>");
  EXPECT_EQ(ErrorOf("[1,2,3,4,5]", options),
            "input too large: 11 bytes, the limit is 10 bytes");
}

TEST(JsonParseTest, ValueLimit) {
  ParseOptions options;
  options.max_values = 4;
  EXPECT_EQ(ErrorOf("[1,\"a\",null]", options), "<parsed>");
  EXPECT_EQ(ErrorOf("{\"a\":[],\"b\":{}}", options), "<parsed>");
  EXPECT_EQ(ErrorOf("[1,2,3,4]", options),
            "line 1, column 8 (byte 7): too many values: more than 4 strings, "
            "numbers, arrays, objects and literals in one document at /3");
  EXPECT_NE(ErrorOf("[[],[],[{}]]", options).find("too many values"),
            std::string::npos);
  // The default admits the largest document a kind's schema allows and
  // refuses a body of a million empty objects.
  std::string many = "[";
  for (size_t i = 0; i + 1 < ParseOptions{}.max_values; ++i) many += "{},";
  many.back() = ']';
  EXPECT_EQ(ErrorOf(many), "<parsed>");
  many.back() = ',';
  many += "{}]";
  EXPECT_NE(ErrorOf(many).find("too many values: more than 1000000"),
            std::string::npos);
}

TEST(JsonParseTest, MemberLimit) {
  ParseOptions options;
  options.max_members = 2;
  EXPECT_EQ(ErrorOf("{\"a\":1,\"b\":{\"c\":1,\"d\":2}}", options), "<parsed>");
  EXPECT_EQ(ErrorOf("{\"x\":{\"a\":1,\"b\":2,\"c\":3}}", options),
            "line 1, column 19 (byte 18): too many members: more than 2 in one "
            "object at /x");
  // Arrays are bounded by max_values alone.
  EXPECT_EQ(ErrorOf("[1,2,3,4,5]", options), "<parsed>");
  // The default refuses a body of a hundred thousand keys before hashing them all.
  std::string keys = "{";
  for (size_t i = 0; i < ParseOptions{}.max_members; ++i) keys += "\"k" + std::to_string(i) + "\":0,";
  keys.back() = '}';
  EXPECT_EQ(ErrorOf(keys), "<parsed>");
  keys.back() = ',';
  keys += "\"last\":0}";
  EXPECT_NE(ErrorOf(keys).find("too many members: more than 10000 in one object"),
            std::string::npos);
}

TEST(JsonParseTest, StagingKeepsElementOrderAcrossChunks) {
  // Nested containers closing inside a long array share the staging chunks
  // with it.
  std::string text = "[";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) text += ",";
    text += i % 3 == 0 ? "[" + std::to_string(i) +
                             ",{\"k\":" + std::to_string(i) + "}]"
                       : std::to_string(i);
  }
  text += "]";
  Json doc = Parsed(text);
  ASSERT_EQ(doc.size(), 5000u);
  EXPECT_EQ(WriteJson(doc), text);
  EXPECT_EQ(doc.At("/4998/1/k")->as_int(), 4998);
}

TEST(JsonParseTest, RejectsNanAndInfinity) {
  EXPECT_NE(ErrorOf("NaN").find("NaN and Infinity"), std::string::npos);
  EXPECT_NE(ErrorOf("[Infinity]").find("NaN and Infinity"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"x\":-Infinity}")
                .find("NaN and Infinity are not valid JSON numbers at /x"),
            std::string::npos);
  EXPECT_NE(ErrorOf("1e400").find("out of range"), std::string::npos);
  EXPECT_EQ(Parsed("1e-400").as_number(), 0.0);
}

TEST(JsonParseTest, RejectsMalformedNumbers) {
  EXPECT_EQ(
      ErrorOf("01"),
      "line 1, column 1 (byte 0): leading zeros are not allowed in numbers");
  EXPECT_NE(ErrorOf("[-01]").find("leading zeros"), std::string::npos);
  EXPECT_NE(ErrorOf("[00]").find("leading zeros"), std::string::npos);
  EXPECT_NE(ErrorOf("1.").find("decimal point"), std::string::npos);
  EXPECT_NE(ErrorOf(".5").find("unexpected character '.'"), std::string::npos);
  EXPECT_NE(ErrorOf("+1").find("unexpected character '+'"), std::string::npos);
  EXPECT_NE(ErrorOf("-").find("digit after '-'"), std::string::npos);
  EXPECT_NE(ErrorOf("1e").find("exponent"), std::string::npos);
  EXPECT_NE(ErrorOf("1e+").find("exponent"), std::string::npos);
  EXPECT_EQ(Parsed("0").as_int(), 0);
  EXPECT_EQ(Parsed("-0.0").as_number(), 0.0);
  EXPECT_DOUBLE_EQ(Parsed("0.5e+2").as_number(), 50.0);
  EXPECT_DOUBLE_EQ(Parsed("-12.75E-1").as_number(), -1.275);
}

TEST(JsonParseTest, RejectsBom) {
  EXPECT_EQ(ErrorOf("\xEF\xBB\xBF{}"),
            "line 1, column 1 (byte 0): input starts with a UTF-8 byte order "
            "mark (BOM); JSON "
            "must be saved as UTF-8 without BOM");
}

TEST(JsonParseTest, RejectsStructuralErrors) {
  EXPECT_EQ(ErrorOf(""),
            "line 1, column 1 (byte 0): empty input, expected a JSON value");
  EXPECT_NE(ErrorOf("  \n ").find("line 2, column 2 (byte 4): empty input"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[1,]").find("trailing comma before ']'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("{\"a\":1,}").find("trailing comma before '}'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("{a:1}").find("expected an object key in double quotes"),
            std::string::npos);
  EXPECT_NE(ErrorOf("{\"a\" 1}").find("expected ':'"), std::string::npos);
  EXPECT_NE(ErrorOf("[1 2]").find("expected ',' or ']'"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"a\":1 \"b\":2}").find("expected ',' or '}'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("\"abc").find("unexpected end of input inside a string"),
            std::string::npos);
  EXPECT_NE(ErrorOf("[").find("unexpected end of input"), std::string::npos);
  EXPECT_NE(ErrorOf("{\"a\":").find(
                "unexpected end of input, expected a value at /a"),
            std::string::npos);
  EXPECT_NE(ErrorOf("nul").find("expected 'null'"), std::string::npos);
  EXPECT_NE(ErrorOf("[1, 中]").find("unexpected character U+4E2D '中'"),
            std::string::npos);
}

TEST(JsonWriteTest, EscapesOnlyWhatIsNeeded) {
  Json value(std::string("a/b \"q\" \\ \x01\x1F\b\f\n\r\t\x7F 中文 😀"));
  EXPECT_EQ(WriteJson(value),
            "\"a/b \\\"q\\\" \\\\ \\u0001\\u001f\\b\\f\\n\\r\\t\x7F 中文 😀\"");
}

TEST(JsonWriteTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(WriteJson(Json(std::string("a\xFF"
                                       "b"))),
            "\"a\xEF\xBF\xBD"
            "b\"");
}

TEST(JsonWriteTest, NonFiniteNumbersBecomeNull) {
  Json array = Json::MakeArray();
  array.Push(std::nan(""));
  array.Push(std::numeric_limits<double>::infinity());
  EXPECT_EQ(WriteJson(array), "[null,null]");
}

TEST(JsonWriteTest, Pretty) {
  Json doc = Parsed(R"({"a":[1,{"b":null}],"c":{},"d":[],"e":"中"})");
  EXPECT_EQ(WritePrettyJson(doc),
            "{\n"
            "  \"a\": [\n"
            "    1,\n"
            "    {\n"
            "      \"b\": null\n"
            "    }\n"
            "  ],\n"
            "  \"c\": {},\n"
            "  \"d\": [],\n"
            "  \"e\": \"中\"\n"
            "}");
  EXPECT_EQ(Parsed(WritePrettyJson(doc)), doc);
}

TEST(JsonCanonicalTest, SortsKeysRecursively) {
  Json doc = Parsed(R"({"b":1,"a":{"d":[1,2.50,1e2,{"z":0,"y":0}],"c":null},)"
                    R"("aa":true,"":"e"})");
  EXPECT_EQ(WriteCanonicalJson(doc),
            R"({"":"e","a":{"c":null,"d":[1,2.5,100,{"y":0,"z":0}]},)"
            R"("aa":true,"b":1})");
}

TEST(JsonCanonicalTest, SortsByUtf16CodeUnits) {
  // U+E000 sorts after U+1F600 in UTF-16 (0xE000 > 0xD83D) though before it by
  // code point.
  Json doc = Json::MakeObject();
  doc.Set("\xEE\x80\x80", 1);      // U+E000
  doc.Set("\xF0\x9F\x98\x80", 2);  // U+1F600
  doc.Set("\xC3\xA9", 3);          // U+00E9
  doc.Set("z", 4);
  EXPECT_EQ(
      WriteCanonicalJson(doc),
      "{\"z\":4,\"\xC3\xA9\":3,\"\xF0\x9F\x98\x80\":2,\"\xEE\x80\x80\":1}");
  // RFC 8785 section 3.2.3 example ordering.
  Json rfc =
      Parsed(R"({"\u20ac":"Euro Sign","\r":"Carriage Return",)"
             R"("\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",)"
             R"("\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control",)"
             R"("\u00f6":"Latin Small Letter O With Diaeresis"})");
  const std::string canonical = WriteCanonicalJson(rfc);
  std::vector<std::string> values;
  for (size_t pos = 0; (pos = canonical.find(":\"", pos)) != std::string::npos;
       pos += 2) {
    values.push_back(
        canonical.substr(pos + 2, canonical.find('"', pos + 2) - pos - 2));
  }
  EXPECT_EQ(values,
            (std::vector<std::string>{"Carriage Return", "One", "Control",
                                      "Latin Small Letter O With Diaeresis",
                                      "Euro Sign", "Emoji: Grinning Face",
                                      "Hebrew Letter Dalet With Dagesh"}));
}

TEST(JsonCanonicalTest, NumberForms) {
  EXPECT_EQ(WriteCanonicalJson(
                Parsed("[333333333.33333329,1E30,4.50,2e-3,0."
                       "000000000000000000000000001,1.0,-0,100,"
                       "1e21,1e20,5e-324,-1.5e-7,9007199254740993,0.1]")),
            "[333333333.3333333,1e+30,4.5,0.002,1e-27,1,0,100,1e+21,"
            "100000000000000000000,"
            "5e-324,-1.5e-7,9007199254740993,0.1]");
  EXPECT_EQ(WriteCanonicalJson(Json(1e-6)), "0.000001");
  EXPECT_EQ(WriteCanonicalJson(Json(1e-7)), "1e-7");
  EXPECT_EQ(WriteCanonicalJson(Json(-0.0)), "0");
}

TEST(JsonCanonicalTest, StringEscapesFollowRfc8785) {
  Json value = Parsed(R"("\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/")");
  EXPECT_EQ(WriteCanonicalJson(value), "\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
}

TEST(JsonParseTest, LargeDocumentRoundTrips) {
  std::string text = "{\"staff\":[";
  for (int i = 0; i < 2000; ++i) {
    if (i > 0) text += ",";
    text += "{\"name\":\"员工" + std::to_string(i) +
            "\",\"id\":" + std::to_string(i) +
            ",\"rate\":" + std::to_string(i) +
            ".25,\"active\":true,\"note\":null}";
  }
  text += "]}";
  ASSERT_GT(text.size(), 100000u);
  Json doc = Parsed(text);
  EXPECT_EQ(doc.At("/staff")->size(), 2000u);
  EXPECT_EQ(doc.At("/staff/1999/name")->as_string(), "员工1999");
  EXPECT_EQ(WriteJson(doc), text);
}

}  // namespace
}  // namespace beian::core
