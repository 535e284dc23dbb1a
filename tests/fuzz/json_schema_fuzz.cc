// Fuzzes core::JsonSchema. An input starting with 'S' is a schema: the rest is parsed, compiled
// and, when it compiles, checks every kind's example.json, the schema itself and a few fixed
// values. Any other input is data (after its first byte, which only picks this mode): the rest
// is parsed and validated against every kind's templates/*/schema.json. Every problem must carry
// a code, both messages and a JSON Pointer, and validating twice must give the same problems.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/json_schema.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"
#include "fuzz_support.h"
#include "process.h"

namespace {

using beian::core::Json;
using beian::core::JsonSchema;
using beian::core::Problem;
using beian::fuzz::Check;
using beian::fuzz::Fail;

struct Kinds {
  std::vector<JsonSchema> schemas;
  std::vector<Json> examples;
};

Json ParseOrDie(const std::string& path) {
  beian::core::Result<Json> json = beian::core::ParseJson(beian::testing::ReadFileOrDie(path));
  if (!json.ok()) Fail(path + ": " + json.status().ToString());
  return std::move(json).value();
}

// Every kind's schema and example, in the order of the kinds' names.
const Kinds& LoadKinds() {
  static const Kinds* kinds = [] {
    auto* out = new Kinds;
    std::vector<std::filesystem::path> dirs;
    for (const auto& e : std::filesystem::directory_iterator(beian::testing::SourceRoot() + "/templates")) {
      if (e.is_directory()) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& dir : dirs) {
      beian::core::Result<JsonSchema> schema = JsonSchema::Compile(ParseOrDie(dir / "schema.json"));
      if (!schema.ok()) Fail(dir.string() + ": " + schema.status().ToString());
      out->schemas.push_back(std::move(schema).value());
      out->examples.push_back(ParseOrDie(dir / "example.json"));
    }
    if (out->schemas.empty()) Fail("no kinds under templates/");
    return out;
  }();
  return *kinds;
}

bool SameProblems(const std::vector<Problem>& a, const std::vector<Problem>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Problem& x, const Problem& y) {
    return x.path == y.path && x.code == y.code && x.message == y.message && x.message_en == y.message_en &&
           x.severity == y.severity;
  });
}

void CheckValidation(const JsonSchema& schema, const Json& data) {
  const std::vector<Problem> problems = schema.Validate(data);
  for (const Problem& p : problems) {
    Check(!p.code.empty() && !p.message.empty() && !p.message_en.empty(), "a problem without code or message");
    Check(p.path.empty() || p.path[0] == '/', "a problem whose path is not a JSON Pointer");
  }
  if (!SameProblems(problems, schema.Validate(data))) Fail("validating twice gives other problems");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  LoadKinds();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Kinds& kinds = LoadKinds();
  beian::core::Result<Json> parsed = beian::core::ParseJson(beian::fuzz::Bytes(data + 1, size - 1));
  if (!parsed.ok()) return 0;
  if (data[0] == 'S') {
    beian::core::Result<JsonSchema> schema = JsonSchema::Compile(*parsed);
    if (!schema.ok()) return 0;
    for (const Json& example : kinds.examples) CheckValidation(*schema, example);
    CheckValidation(*schema, *parsed);
    for (const Json& fixed : {Json(), Json(0), Json(""), Json::MakeArray(), Json::MakeObject()}) {
      CheckValidation(*schema, fixed);
    }
  } else {
    for (const JsonSchema& schema : kinds.schemas) CheckValidation(schema, *parsed);
  }
  return 0;
}
