#include "beian/core/json_schema.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"

namespace beian::core {
namespace {

Json J(std::string_view text) {
  Result<Json> result = ParseJson(text);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().ToString();
  return result.ok() ? std::move(result).value() : Json();
}

JsonSchema Schema(std::string_view text) {
  Result<JsonSchema> schema = JsonSchema::Compile(J(text));
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  if (!schema.ok()) std::abort();
  return std::move(schema).value();
}

std::string CompileError(std::string_view text) {
  Result<JsonSchema> schema = JsonSchema::Compile(J(text));
  if (schema.ok()) return "<compiled>";
  EXPECT_EQ(schema.status().code(), Code::kInvalidArgument);
  return schema.status().message();
}

std::vector<Problem> Check(std::string_view schema, std::string_view data) {
  return Schema(schema).Validate(J(data));
}

// "path code" per problem, for compact assertions.
std::vector<std::string> Summary(const std::vector<Problem>& problems) {
  std::vector<std::string> out;
  for (const Problem& problem : problems)
    out.push_back(problem.path + " " + problem.code);
  return out;
}

using Lines = std::vector<std::string>;

// ---------------------------------------------------------------------------
// Compilation

TEST(JsonSchemaCompileTest, AcceptsSupportedKeywordsAndAnnotations) {
  EXPECT_EQ(CompileError(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "urn:x", "title": "t",
    "description": "d", "$comment": "c", "examples": [1], "default": {}, "x-label": "企业",
    "type": "object", "required": ["a"], "additionalProperties": false,
    "properties": {
      "a": {"type": ["string", "null"], "minLength": 1, "maxLength": 5,
        "pattern": "^[a-z]+$",
            "format": "date"},
      "b": {"type": "array", "items": {"$ref": "#/$defs/n"}, "minItems": 0,
        "maxItems": 3},
      "c": {"enum": [1, "x"], "const": 1, "minimum": 0, "maximum": 9.5},
      "d": {"allOf": [true], "anyOf": [{}], "oneOf": [{}], "not": false,
            "if": {}, "then": {}, "else": {}, "format": "date-time"}
    },
    "$defs": {"n": {"type": "integer", "x-multiline": false}}
  })"),
            "<compiled>");
  EXPECT_EQ(CompileError("true"), "<compiled>");
  EXPECT_EQ(CompileError("{}"), "<compiled>");
}

TEST(JsonSchemaCompileTest, RejectsUnsupportedKeywords) {
  EXPECT_EQ(
      CompileError(R"({"properties": {"age": {"exclusiveMinimum": 0}}})"),
      "schema #/properties/age: unsupported keyword \"exclusiveMinimum\"");
  EXPECT_NE(
      CompileError(R"({"patternProperties": {}})").find("patternProperties"),
      std::string::npos);
  EXPECT_NE(
      CompileError(R"({"x-other": 1})").find("unsupported keyword \"x-other\""),
      std::string::npos);
}

TEST(JsonSchemaCompileTest, RejectsMalformedSchemas) {
  EXPECT_NE(CompileError(R"({"format": "email"})").find("not supported"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"type": "text"})").find("unknown type"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"type": []})").find("type"), std::string::npos);
  EXPECT_NE(CompileError(R"({"pattern": "([a-z"})").find("regular expression"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"minLength": -1})").find("non-negative integer"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"maxItems": 1.5})").find("non-negative integer"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"items": [{}]})").find("tuple"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"required": [1]})").find("strings"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"properties": {"a": 3}})").find("#/properties/a"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"anyOf": []})").find("non-empty"),
            std::string::npos);
  EXPECT_NE(
      CompileError(R"({"$ref": "other.json#/x"})").find("local reference"),
      std::string::npos);
  EXPECT_NE(CompileError(R"({"$ref": "#/$defs/missing"})").find("not found"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"minimum": "1"})").find("must be a number"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"x-label": 1})").find("must be a string"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"x-multiline": "yes"})").find("true or false"),
            std::string::npos);
  EXPECT_NE(CompileError(R"({"$defs": {"bad": {"type": "nope"}}})")
                .find("#/$defs/bad"),
            std::string::npos);
  EXPECT_NE(CompileError("3").find("object or a boolean"), std::string::npos);
}

TEST(JsonSchemaCompileTest, RejectsReferenceCyclesThatNeverConsumeData) {
  EXPECT_NE(CompileError(R"({"$ref": "#"})").find("cycle"), std::string::npos);
  EXPECT_NE(CompileError(
                R"({"$defs": {"a": {"$ref": "#/$defs/b"},
            "b": {"allOf": [{"$ref": "#/$defs/a"}]}}})")
                .find("cycle"),
            std::string::npos);
}

// ---------------------------------------------------------------------------
// Keywords

TEST(JsonSchemaTest, TypeWithMessages) {
  const char* schema = R"({"properties": {"name": {"type": "string"}}})";
  EXPECT_TRUE(Check(schema, R"({"name": "x"})").empty());
  const auto problems = Check(schema, R"({"name": 5})");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "/name");
  EXPECT_EQ(problems[0].code, "schema.type");
  EXPECT_EQ(problems[0].message, "类型错误：应为字符串，实际为数字");
  EXPECT_EQ(problems[0].message_en, "wrong type: expected string, got number");
  EXPECT_EQ(problems[0].severity, Severity::kError);
}

TEST(JsonSchemaTest, TypeUnionsAndIntegers) {
  const char* nullable = R"({"type": ["string", "null"]})";
  EXPECT_TRUE(Check(nullable, "null").empty());
  EXPECT_TRUE(Check(nullable, "\"a\"").empty());
  const auto problems = Check(nullable, "[]");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "类型错误：应为字符串或空值，实际为数组");
  EXPECT_EQ(problems[0].message_en,
            "wrong type: expected string or null, got array");

  EXPECT_TRUE(Check(R"({"type": "integer"})", "3").empty());
  EXPECT_TRUE(Check(R"({"type": "integer"})", "3.0").empty());
  EXPECT_EQ(Check(R"({"type": "integer"})", "3.5")[0].message,
            "类型错误：应为整数，实际为数字");
  EXPECT_TRUE(Check(R"({"type": "number"})", "3.5").empty());
  EXPECT_EQ(Check(R"({"type": "boolean"})", "{}")[0].message_en,
            "wrong type: expected boolean, got object");
  EXPECT_EQ(Check(R"({"type": "object"})", "true")[0].message,
            "类型错误：应为对象，实际为布尔值");
}

TEST(JsonSchemaTest, RequiredReportsTheMissingMemberPath) {
  const char* schema = R"({
    "type": "object", "required": ["enterprise"],
    "properties": {"enterprise": {"type": "object", "required": ["name",
      "code"],
      "properties": {"name": {"type": "string", "x-label": "企业名称"}, "code": {"type": "string"}}}}
  })";
  EXPECT_TRUE(
      Check(schema, R"({"enterprise": {"name": "a", "code": "b"}})").empty());
  const auto problems = Check(schema, R"({"enterprise": {"code": "b"}})");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "/enterprise/name");
  EXPECT_EQ(problems[0].code, "schema.required");
  EXPECT_EQ(problems[0].message, "企业名称：缺少必填项 name");
  EXPECT_EQ(problems[0].message_en, "missing required field name");
  const auto both = Check(schema, R"({"enterprise": {}})");
  EXPECT_EQ(Summary(both), (Lines{"/enterprise/name schema.required",
                                  "/enterprise/code schema.required"}));
  EXPECT_EQ(both[1].message, "缺少必填项 code");
  EXPECT_EQ(Summary(Check(schema, "{}")),
            (Lines{"/enterprise schema.required"}));
}

TEST(JsonSchemaTest, AdditionalProperties) {
  const char* closed =
      R"({"properties": {"a": {}}, "additionalProperties": false})";
  EXPECT_TRUE(Check(closed, R"({"a": 1})").empty());
  const auto problems = Check(closed, R"({"a": 1, "foo": 2, "a/b": 3})");
  EXPECT_EQ(Summary(problems),
            (Lines{"/foo schema.additional", "/a~1b schema.additional"}));
  EXPECT_EQ(problems[0].message, "不允许的字段 foo");
  EXPECT_EQ(problems[0].message_en, "unknown field foo");

  const char* typed =
      R"({"properties": {"a": {}},
        "additionalProperties": {"type": "integer"}})";
  EXPECT_TRUE(Check(typed, R"({"a": "x", "b": 1})").empty());
  EXPECT_EQ(Summary(Check(typed, R"({"a": "x", "b": "y"})")),
            (Lines{"/b schema.type"}));

  EXPECT_EQ(Summary(Check(R"({"properties": {"secret": false}})",
                          R"({"secret": 1})")),
            (Lines{"/secret schema.additional"}));
  EXPECT_TRUE(Check(R"({"properties": {"a": {}}})", R"({"z": 1})").empty());
}

TEST(JsonSchemaTest, ItemsReportElementPaths) {
  const char* schema = R"({"properties": {"staff": {"type": "array",
    "items": {"type": "object",
      "properties": {"age": {"type": "integer"}}}}}})";
  EXPECT_TRUE(Check(schema, R"({"staff": [{"age": 1}, {}]})").empty());
  EXPECT_EQ(
      Summary(Check(schema, R"({"staff": [{"age": 1}, {"age": "x"}, 5]})")),
      (Lines{"/staff/1/age schema.type", "/staff/2 schema.type"}));
}

TEST(JsonSchemaTest, MinAndMaxItems) {
  const char* schema = R"({"type": "array", "minItems": 2, "maxItems": 3})";
  EXPECT_TRUE(Check(schema, "[1, 2]").empty());
  EXPECT_TRUE(Check(schema, "[1, 2, 3]").empty());
  auto few = Check(schema, "[1]");
  ASSERT_EQ(Summary(few), (Lines{" schema.min_items"}));
  EXPECT_EQ(few[0].message, "至少需要 2 项（实际 1 项）");
  EXPECT_EQ(few[0].message_en, "too few items: at least 2, got 1");
  auto many = Check(schema, "[1, 2, 3, 4]");
  ASSERT_EQ(Summary(many), (Lines{" schema.max_items"}));
  EXPECT_EQ(many[0].message, "最多允许 3 项（实际 4 项）");
}

TEST(JsonSchemaTest, ItemsOfAnArrayOverMaxItemsAreNotValidated) {
  const char* schema = R"({"properties": {"staff": {"type": "array",
    "maxItems": 2, "items": {"type": "object", "required": ["name"]}}}})";
  EXPECT_EQ(Summary(Check(schema, R"({"staff": [{}, {}]})")),
            (Lines{"/staff/0/name schema.required",
                   "/staff/1/name schema.required"}));
  // One item too many: one problem at the array, none for its items.
  std::string data = R"({"staff": [)";
  for (int i = 0; i < 100000; ++i) data += i == 0 ? "{}" : ",{}";
  data += "]}";
  const SchemaFindings found = Schema(schema).Check(J(data), 200);
  EXPECT_EQ(Summary(found.problems), (Lines{"/staff schema.max_items"}));
  EXPECT_EQ(found.problems[0].message_en,
            "too many items: at most 2, got 100000");
  EXPECT_EQ(found.unlisted, 0u);
  EXPECT_EQ(found.overlong_arrays,
            (std::vector<std::pair<std::string, uint64_t>>{{"/staff", 2}}));
  // A maxItems that allOf or $ref applies to the same array counts too,
  // whichever schema validates the items.
  const char* split = R"({"$defs": {"short": {"maxItems": 1}},
    "allOf": [{"items": {"type": "integer"}}, {"$ref": "#/$defs/short"}]})";
  EXPECT_EQ(Summary(Check(split, R"(["a", "b"])")),
            (Lines{" schema.max_items"}));
  EXPECT_EQ(Summary(Check(split, R"(["a"])")), (Lines{"/0 schema.type"}));
  // So does one a $ref beside the schema's own properties applied first.
  const char* beside =
      R"({"$defs": {"e": {"properties": {"b": {"maxItems": 1}}}},
    "$ref": "#/$defs/e", "properties": {"b": {"items": {"type": "integer"}}}})";
  EXPECT_EQ(Summary(Check(beside, R"({"b": ["x", "y"]})")),
            (Lines{"/b schema.max_items"}));
  // Inside an alternative the array only fails that alternative: the caller
  // is not told to leave it alone.
  const SchemaFindings alternative =
      Schema(R"({"anyOf": [{"maxItems": 1}, {"type": "string"}]})")
          .Check(J("[1, 2]"), 200);
  EXPECT_EQ(Summary(alternative.problems), (Lines{" schema.max_items"}));
  EXPECT_TRUE(alternative.overlong_arrays.empty());
}

TEST(JsonSchemaTest, CheckListsTheFirstProblemsAndCountsTheRest) {
  const char* schema = R"({"$defs": {"person": {"required": ["name", "id"],
      "properties": {"name": {"x-label": "姓名"}}}},
    "type": "array", "items": {"$ref": "#/$defs/person", "required": ["name"]}})";
  // The item schema and its $ref both require "name": one problem per item.
  std::string data = "[";
  for (int i = 0; i < 300; ++i)
    data += i == 0 ? R"({"id": 1})" : R"(,{"id": 1})";
  data += "]";
  const SchemaFindings found = Schema(schema).Check(J(data), 200);
  ASSERT_EQ(found.problems.size(), 200u);
  EXPECT_EQ(found.unlisted, 100u);
  EXPECT_EQ(found.problems[0].path, "/0/name");
  EXPECT_EQ(found.problems[0].message, "姓名：缺少必填项 name");
  EXPECT_EQ(found.problems[199].path, "/199/name");
  EXPECT_EQ(Schema(schema).Validate(J(data)).size(), 300u);
  const SchemaFindings all = Schema(schema).Check(J("[{}, {}]"), 3);
  EXPECT_EQ(Summary(all.problems),
            (Lines{"/0/name schema.required", "/0/id schema.required",
                   "/1/name schema.required"}));
  EXPECT_EQ(all.unlisted, 1u);
}

TEST(JsonSchemaTest, MultilineTextsAreTheStringsItsSchemaMarks) {
  const JsonSchema schema = Schema(R"({"$defs": {"note": {"type": "string",
      "x-multiline": true}},
    "properties": {"remark": {"$ref": "#/$defs/note"},
      "name": {"type": "string"}, "lines": {"items": {"x-multiline": true}}}})");
  const Json data = J(R"({"remark": "a\nb", "name": "c", "lines": ["d", 1]})");
  const SchemaFindings found = schema.Check(data, 200);
  EXPECT_EQ(found.multiline_texts,
            (std::unordered_set<const Json*>{data.At("/remark"),
                                             data.At("/lines/0")}));
}

TEST(JsonSchemaTest, EnumAndConst) {
  const char* schema = R"({"properties": {
    "kind": {"enum": ["有限责任公司", "股份有限公司", null], "x-label": "企业类型"},
    "version": {"const": 1}}})";
  EXPECT_TRUE(
      Check(schema, R"({"kind": "股份有限公司", "version": 1.0})").empty());
  EXPECT_TRUE(Check(schema, R"({"kind": null})").empty());
  const auto problems = Check(schema, R"({"kind": "个体", "version": 2})");
  ASSERT_EQ(Summary(problems),
            (Lines{"/kind schema.enum", "/version schema.const"}));
  EXPECT_EQ(problems[0].message,
            "企业类型：值不在允许范围内：可选值为 "
            "有限责任公司、股份有限公司、null，实际为 “个体”");
  EXPECT_EQ(problems[0].message_en,
            "value must be one of \"有限责任公司\", \"股份有限公司\", null; "
            "got \"个体\"");
  EXPECT_EQ(problems[1].message, "值必须为 1，实际为 2");
  EXPECT_EQ(problems[1].message_en, "value must be 1, got 2");
  EXPECT_EQ(Summary(Check(R"({"const": {"a": [1, 2]}})", R"({"a": [2, 1]})")),
            (Lines{" schema.const"}));
  EXPECT_TRUE(
      Check(R"({"const": {"a": [1, 2], "b": 0}})", R"({"b": 0, "a": [1, 2]})")
          .empty());
}

TEST(JsonSchemaTest, LengthCountsCodePoints) {
  const char* schema = R"({"type": "string", "minLength": 2, "maxLength": 3})";
  EXPECT_TRUE(Check(schema, "\"北京\"").empty());
  EXPECT_TRUE(Check(schema, "\"北京市\"").empty());
  auto short_problems = Check(schema, "\"北\"");
  ASSERT_EQ(Summary(short_problems), (Lines{" schema.min_length"}));
  EXPECT_EQ(short_problems[0].message, "长度不得少于 2 个字符（实际 1 个）");
  EXPECT_EQ(short_problems[0].message_en,
            "too short: at least 2 characters, got 1");
  auto long_problems = Check(schema, "\"北京市朝阳\"");
  ASSERT_EQ(Summary(long_problems), (Lines{" schema.max_length"}));
  EXPECT_EQ(long_problems[0].message, "长度不得超过 3 个字符（实际 5 个）");
  EXPECT_EQ(long_problems[0].message_en,
            "too long: 3 characters at most, got 5");
}

TEST(JsonSchemaTest, HugeStringAgainstMaxLength) {
  JsonSchema schema =
      Schema(R"({"type": "object", "properties": {"enterprise": {"properties": {
    "name": {"type": "string", "maxLength": 100, "x-label": "企业名称"}}}}})");
  std::string name;
  for (int i = 0; i < 50000; ++i) name += "企";
  Json data = Json::MakeObject();
  data.Set("enterprise", Json::MakeObject()).Set("name", name);
  const auto problems = schema.Validate(data);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "/enterprise/name");
  EXPECT_EQ(problems[0].code, "schema.max_length");
  EXPECT_EQ(problems[0].message,
            "企业名称：长度不得超过 100 个字符（实际 50000 个）");
  EXPECT_EQ(problems[0].message_en,
            "too long: 100 characters at most, got 50000");
}

TEST(JsonSchemaTest, Pattern) {
  const char* schema =
      R"({"properties": {"code": {"type": "string", "pattern": "^[0-9A-Z]{18}$",
    "x-label": "统一社会信用代码"}, "part": {"pattern": "b"}}})";
  EXPECT_TRUE(Check(schema, R"({"code": "91110105MA01ABCD2X", "part": "abc"})")
                  .empty());
  const auto problems = Check(schema, R"({"code": "9111-bad", "part": "xyz"})");
  ASSERT_EQ(Summary(problems),
            (Lines{"/code schema.pattern", "/part schema.pattern"}));
  EXPECT_EQ(problems[0].message, "统一社会信用代码：格式不正确：“9111-bad”");
  EXPECT_EQ(problems[0].message_en,
            "does not match pattern ^[0-9A-Z]{18}$: \"9111-bad\"");
}

TEST(JsonSchemaTest, PatternOnLongStringsDoesNotExhaustTheStack) {
  JsonSchema schema = Schema(R"({"pattern": "^(a|b)*$"})");
  EXPECT_TRUE(schema.Validate(Json(std::string(4000, 'a'))).empty());
  EXPECT_EQ(Summary(schema.Validate(Json(std::string(3999, 'a') + "c"))),
            (Lines{" schema.pattern"}));
  const auto too_long = schema.Validate(Json(std::string(50000, 'a')));
  ASSERT_EQ(Summary(too_long), (Lines{" schema.pattern"}));
  EXPECT_NE(too_long[0].message_en.find("too long"), std::string::npos);
}

TEST(JsonSchemaTest, MinimumAndMaximum) {
  const char* schema = R"({"type": "number", "minimum": 0, "maximum": 100.5})";
  EXPECT_TRUE(Check(schema, "0").empty());
  EXPECT_TRUE(Check(schema, "100.5").empty());
  auto low = Check(schema, "-1");
  ASSERT_EQ(Summary(low), (Lines{" schema.minimum"}));
  EXPECT_EQ(low[0].message, "数值不得小于 0（实际 -1）");
  EXPECT_EQ(low[0].message_en, "must be >= 0, got -1");
  auto high = Check(schema, "101");
  ASSERT_EQ(Summary(high), (Lines{" schema.maximum"}));
  EXPECT_EQ(high[0].message, "数值不得大于 100.5（实际 101）");
  EXPECT_TRUE(Check(R"({"minimum": 5})", "\"not a number\"").empty());
}

TEST(JsonSchemaTest, DateFormat) {
  const char* schema =
      R"({"properties": {"d": {"type": "string", "format": "date",
    "x-label": "成立日期"}}})";
  for (const char* ok :
       {"2026-11-27", "2024-02-29", "2000-02-29", "1999-12-31"}) {
    EXPECT_TRUE(Check(schema, std::string(R"({"d": ")") + ok + "\"}").empty())
        << ok;
  }
  for (const char* bad :
       {"2026-02-30", "2023-02-29", "1900-02-29", "2026-13-01", "2026-00-10",
        "2026-04-31", "2026-1-05", "2026/01/05", "2026-01-05T00:00:00Z", ""}) {
    EXPECT_EQ(Summary(Check(schema, std::string(R"({"d": ")") + bad + "\"}")),
              (Lines{"/d schema.format"}))
        << bad;
  }
  const auto problems = Check(schema, R"({"d": "2026-02-30"})");
  EXPECT_EQ(problems[0].message,
            "成立日期：日期格式不正确，应为 YYYY-MM-DD 格式的有效日期（如 "
            "2026-11-27），实际为 "
            "“2026-02-30”");
  EXPECT_EQ(problems[0].message_en,
            "invalid date: expected a real calendar date YYYY-MM-DD, got "
            "\"2026-02-30\"");
}

TEST(JsonSchemaTest, DateTimeFormat) {
  const char* schema = R"({"format": "date-time"})";
  for (const char* ok :
       {"2026-11-27T10:00:00+08:00", "2026-11-27T10:00:00Z",
        "2026-11-27T23:59:60.123-05:30", "2026-11-27t10:00:00z"}) {
    EXPECT_TRUE(Check(schema, std::string("\"") + ok + "\"").empty()) << ok;
  }
  for (const char* bad : {"2026-11-27 10:00:00+08:00", "2026-11-27T10:00:00",
                          "2026-11-27T24:00:00Z", "2026-02-30T10:00:00Z",
                          "2026-11-27T10:00:00+0800", "2026-11-27T10:00:00.Z",
                          "2026-11-27T10:00Z"}) {
    EXPECT_EQ(Summary(Check(schema, std::string("\"") + bad + "\"")),
              (Lines{" schema.format"}))
        << bad;
  }
}

TEST(JsonSchemaTest, RefRecursion) {
  const char* schema = R"({
    "$ref": "#/$defs/node",
    "$defs": {"node": {"type": "object", "required": ["name"],
      "additionalProperties": false,
      "properties": {"name": {"type": "string"},
                     "children": {"type": "array",
                       "items": {"$ref": "#/$defs/node"}}}}}
  })";
  EXPECT_TRUE(
      Check(schema, R"({"name": "root", "children": [{"name": "a", "children": [
                                  {"name": "b"}]}]})")
          .empty());
  EXPECT_EQ(
      Summary(Check(schema,
                    R"({"name": "root", "children": [{"name": "a", "children": [
                                       {"name": "b"}, {"name": 3, "x": 1},
                                         {}]}]})")),
      (Lines{"/children/0/children/1/name schema.type",
             "/children/0/children/1/x schema.additional",
             "/children/0/children/2/name schema.required"}));
}

TEST(JsonSchemaTest, RefToRootAndLabelsThroughRef) {
  const char* schema = R"({"type": "object", "properties": {
      "next": {"$ref": "#"}, "name": {"$ref": "#/$defs/short", "x-label": "名称"}},
    "$defs": {"short": {"type": "string", "maxLength": 2}}})";
  const auto problems = Check(schema, R"({"next": {"next": {"name": "abc"}}})");
  ASSERT_EQ(Summary(problems), (Lines{"/next/next/name schema.max_length"}));
  EXPECT_EQ(problems[0].message, "名称：长度不得超过 2 个字符（实际 3 个）");
}

TEST(JsonSchemaTest, AllOf) {
  const char* schema =
      R"({"allOf": [{"required": ["a"]},
        {"properties": {"b": {"type": "string"}}}]})";
  EXPECT_TRUE(Check(schema, R"({"a": 1, "b": "x"})").empty());
  EXPECT_EQ(Summary(Check(schema, R"({"b": 1})")),
            (Lines{"/a schema.required", "/b schema.type"}));
}

TEST(JsonSchemaTest, AnyOf) {
  const char* schema =
      R"({"anyOf": [{"type": "string", "format": "date"},
        {"type": "integer"}]})";
  EXPECT_TRUE(Check(schema, "\"2026-01-01\"").empty());
  EXPECT_TRUE(Check(schema, "7").empty());
  const auto problems = Check(schema, "true");
  ASSERT_EQ(Summary(problems), (Lines{" schema.any_of"}));
  EXPECT_EQ(
      problems[0].message,
      "不符合任何一种允许的格式（例如：类型错误：应为字符串，实际为布尔值）");
  // When only one alternative has the right type, its specific problems are
  // reported.
  EXPECT_EQ(Summary(Check(schema, "\"2026-02-30\"")),
            (Lines{" schema.format"}));
  const char* nullable_object =
      R"({"properties": {"owner": {"anyOf": [{"type": "null"},
    {"type": "object", "required": ["name"]}]}}})";
  EXPECT_TRUE(Check(nullable_object, R"({"owner": null})").empty());
  EXPECT_EQ(Summary(Check(nullable_object, R"({"owner": {}})")),
            (Lines{"/owner/name schema.required"}));
  EXPECT_EQ(Summary(Check(nullable_object, R"({"owner": 1})")),
            (Lines{"/owner schema.any_of"}));
}

TEST(JsonSchemaTest, OneOf) {
  const char* schema = R"({"oneOf": [{"type": "integer"}, {"minimum": 10}]})";
  EXPECT_TRUE(Check(schema, "3").empty());     // integer only
  EXPECT_TRUE(Check(schema, "10.5").empty());  // minimum only
  const auto both = Check(schema, "12");
  ASSERT_EQ(Summary(both), (Lines{" schema.one_of"}));
  EXPECT_EQ(both[0].message, "同时符合多种格式（2 种），只能符合其中一种");
  EXPECT_EQ(both[0].message_en, "matches 2 alternatives, exactly one expected");
  const char* typed = R"({"oneOf": [{"type": "string"}, {"type": "integer"}]})";
  EXPECT_EQ(Summary(Check(typed, "1.5")), (Lines{" schema.one_of"}));
}

TEST(JsonSchemaTest, Not) {
  const char* schema = R"({"not": {"const": "无"}})";
  EXPECT_TRUE(Check(schema, "\"有\"").empty());
  const auto problems = Check(schema, "\"无\"");
  ASSERT_EQ(Summary(problems), (Lines{" schema.not"}));
  EXPECT_EQ(problems[0].message, "不允许的值：“无”");
}

TEST(JsonSchemaTest, IfThenElse) {
  const char* schema = R"({"type": "object",
    "if": {"properties": {"kind": {"const": "company"}}, "required": ["kind"]},
    "then": {"required": ["credit_code"]},
    "else": {"required": ["id_number"]}})";
  EXPECT_TRUE(
      Check(schema, R"({"kind": "company", "credit_code": "x"})").empty());
  EXPECT_TRUE(Check(schema, R"({"kind": "person", "id_number": "x"})").empty());
  EXPECT_EQ(Summary(Check(schema, R"({"kind": "company"})")),
            (Lines{"/credit_code schema.required"}));
  EXPECT_EQ(Summary(Check(schema, R"({"kind": "person"})")),
            (Lines{"/id_number schema.required"}));
}

TEST(JsonSchemaTest, BooleanSchemas) {
  EXPECT_TRUE(Check("true", R"({"anything": [1]})").empty());
  EXPECT_EQ(Summary(Check("false", "1")), (Lines{" schema.not"}));
  EXPECT_EQ(Summary(Check(R"({"items": false})", "[1]")),
            (Lines{"/0 schema.not"}));
  EXPECT_TRUE(Check(R"({"items": false})", "[]").empty());
}

TEST(JsonSchemaTest, ReportsEveryProblemInDocumentOrder) {
  const char* schema = R"({
    "type": "object", "required": ["enterprise", "staff", "date"],
      "additionalProperties": false,
    "properties": {
      "staff": {"type": "array", "items": {"type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "minLength": 2},
          "age": {"type": "integer"}}}},
      "enterprise": {"type": "object",
        "properties": {"name": {"type": "string"}}},
      "date": {"type": "string", "format": "date"}
    },
    "allOf": [{"properties": {"date": {"maxLength": 5}}}]
  })";
  const auto problems = Check(schema, R"({
    "staff": [{"name": "张"}, {"age": "x"}, {"name": 1, "age": 2}],
    "enterprise": {"name": 5},
    "extra": true,
    "date": "2026-02-30"
  })");
  EXPECT_EQ(
      Summary(problems),
      (Lines{"/staff/0/name schema.min_length", "/staff/1/name schema.required",
             "/staff/1/age schema.type", "/staff/2/name schema.type",
             "/enterprise/name schema.type", "/extra schema.additional",
             "/date schema.format", "/date schema.max_length"}));
  EXPECT_TRUE(HasError(problems));
}

TEST(JsonSchemaTest, IdenticalProblemsAreReportedOnce) {
  const char* schema =
      R"({"allOf": [{"required": ["a"]}, {"required": ["a"]}]})";
  EXPECT_EQ(Summary(Check(schema, "{}")), (Lines{"/a schema.required"}));
}

TEST(JsonSchemaTest, ValidateIsThreadSafe) {
  const JsonSchema schema =
      Schema(R"({"type": "array", "items": {"type": "string",
    "pattern": "^[a-z]+$", "maxLength": 300}})");
  Json data = Json::MakeArray();
  for (int i = 0; i < 50; ++i)
    data.Push(i % 7 == 0 ? std::string(400, 'a') : std::string("ok"));
  data.Push("BAD");
  const std::vector<Problem> expected = schema.Validate(data);
  ASSERT_EQ(expected.size(), 9u);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        const std::vector<Problem> got = schema.Validate(data);
        if (Summary(got) != Summary(expected))
          ++mismatches[static_cast<size_t>(t)];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, (std::vector<int>{0, 0, 0, 0}));
}

TEST(JsonSchemaTest, CopiesShareTheCompiledSchema) {
  JsonSchema original = Schema(R"({"type": "string"})");
  JsonSchema copy = original;
  EXPECT_EQ(Summary(copy.Validate(Json(1))), (Lines{" schema.type"}));
  EXPECT_TRUE(original.Validate(Json("x")).empty());
}

}  // namespace
}  // namespace beian::core
