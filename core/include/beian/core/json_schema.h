#ifndef BEIAN_CORE_JSON_SCHEMA_H_
#define BEIAN_CORE_JSON_SCHEMA_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"

namespace beian::core {

// What one validation found (JsonSchema::Check).
struct SchemaFindings {
  // The problems, in document order: the first ones found, at most as many as
  // asked for, each once.
  std::vector<Problem> problems;
  // How many more distinct problems were found (all errors).
  size_t unlisted = 0;
  // Arrays refused for holding more items than maxItems allows, as (JSON
  // Pointer, that maxItems), outside anyOf/oneOf/not/if alternatives. Their
  // items were not validated.
  std::vector<std::pair<std::string, uint64_t>> overlong_arrays;
  // The strings of the data a schema with "x-multiline": true validated: text
  // that may hold line breaks. Valid while the data is not changed.
  std::unordered_set<const Json*> multiline_texts;
};

// A compiled JSON Schema (draft 2020-12 subset) that validates data into
// Problems.
//
// Supported keywords: type, properties, required, additionalProperties, items,
// minItems, maxItems, enum, const, minLength, maxLength (code points), pattern,
// minimum, maximum, format ("date", "date-time"), $ref ("#" or
// "#/$defs/<name>", any local JSON Pointer, no percent-decoding), $defs, allOf,
// anyOf, oneOf, if/then/else, not, and boolean schemas. Annotations: $schema,
// $id, title, description, examples, default, $comment (ignored), x-label (a
// Chinese field label used in messages) and x-multiline (true: the string may
// run over several lines; see core/text_policy.h). An array longer than its
// maxItems (the smallest of its schema's and of those $ref and allOf apply to
// it) is refused with one problem and its items are not validated. `pattern`
// is an ECMAScript regex (std::regex) searched for anywhere in the string,
// meant for ASCII patterns; strings longer than 4096 bytes are not matched and
// fail the pattern. Problems at one location come in keyword order, each once
// (two schemas finding the same code and English message at one path make one
// problem, the first found); a failed anyOf/oneOf reports one
// schema.any_of / schema.one_of problem, or the problems of the only
// alternative whose `type` fits the data.
class JsonSchema {
 public:
  // Compiles a schema; kInvalidArgument if it uses an unsupported keyword or is
  // malformed.
  static Result<JsonSchema> Compile(const Json& schema);

  // Every problem in data (not just the first), in document order. Thread-safe.
  std::vector<Problem> Validate(const Json& data) const;

  // Validates, listing at most `max_problems` problems (counting the rest);
  // time and memory stay linear in the data however many problems it has.
  // Thread-safe.
  SchemaFindings Check(const Json& data, size_t max_problems) const;

 private:
  struct Impl;

  explicit JsonSchema(std::shared_ptr<const Impl> impl);

  std::shared_ptr<const Impl> impl_;
};

}  // namespace beian::core

#endif  // BEIAN_CORE_JSON_SCHEMA_H_
