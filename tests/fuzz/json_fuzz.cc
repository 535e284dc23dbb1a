// Fuzzes core::ParseJson with any bytes. Beyond not crashing, a parsed value must survive every
// writer: WriteJson, WriteCanonicalJson and WritePrettyJson output parses back to an equal value,
// canonical output is a fixed point, a copy equals the original, and every value is found again
// by At() under the JSON Pointer its path spells.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"
#include "fuzz_support.h"

namespace {

using beian::core::Json;
using beian::fuzz::Check;
using beian::fuzz::Fail;

// Values checked by pointer per input; At() costs the depth, so this bounds the work.
constexpr size_t kMaxPointerChecks = 4096;

void CheckRoundTrip(const Json& value, const std::string& text, const char* writer) {
  beian::core::Result<Json> again = beian::core::ParseJson(text);
  if (!again.ok()) Fail(std::string(writer) + " output does not parse: " + again.status().ToString());
  if (*again != value) Fail(std::string(writer) + " output parses to another value: " + text);
}

// Every value below `node`, with the pointer that names it from the root, must be found by At().
void CheckPointers(const Json& root, const Json& node, const std::string& pointer, size_t& budget) {
  if (budget == 0) return;
  --budget;
  if (root.At(pointer) != &node) Fail("At() does not find the value at " + pointer);
  if (node.is_array()) {
    const Json::Array& items = node.as_array();
    for (size_t i = 0; i < items.size(); ++i) {
      CheckPointers(root, items[i], beian::core::PointerAppend(pointer, i), budget);
    }
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.as_object()) {
      CheckPointers(root, value, beian::core::PointerAppend(pointer, key), budget);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = beian::fuzz::Bytes(data, size);
  beian::core::Result<Json> parsed = beian::core::ParseJson(text);
  if (!parsed.ok()) {
    Check(parsed.status().code() == beian::core::Code::kParseError, "a refusal that is not kParseError");
    Check(!parsed.status().message().empty(), "a refusal without a message");
    return 0;
  }
  const Json& value = *parsed;

  CheckRoundTrip(value, beian::core::WriteJson(value), "WriteJson");
  CheckRoundTrip(value, beian::core::WritePrettyJson(value), "WritePrettyJson");
  const std::string canonical = beian::core::WriteCanonicalJson(value);
  CheckRoundTrip(value, canonical, "WriteCanonicalJson");
  beian::core::Result<Json> reparsed = beian::core::ParseJson(canonical);
  Check(beian::core::WriteCanonicalJson(*reparsed) == canonical, "canonical JSON is not a fixed point");

  const Json copy = value;
  Check(copy == value, "a copy differs from the original");
  Check(beian::core::WriteJson(copy) == beian::core::WriteJson(value), "a copy writes differently");

  size_t budget = kMaxPointerChecks;
  CheckPointers(value, value, "", budget);
  return 0;
}
