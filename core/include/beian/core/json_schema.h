#ifndef BEIAN_CORE_JSON_SCHEMA_H_
#define BEIAN_CORE_JSON_SCHEMA_H_

#include <memory>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"

namespace beian::core {

// A compiled JSON Schema (draft 2020-12 subset) that validates data into
// Problems.
//
// Supported keywords: type, properties, required, additionalProperties, items,
// minItems, maxItems, enum, const, minLength, maxLength (code points), pattern,
// minimum, maximum, format ("date", "date-time"), $ref ("#" or
// "#/$defs/<name>", any local JSON Pointer, no percent-decoding), $defs, allOf,
// anyOf, oneOf, if/then/else, not, and boolean schemas. Ignored annotations:
// $schema, $id, title, description, examples, default, $comment, x-label (a
// Chinese field label used in messages). `pattern` is an ECMAScript regex
// (std::regex) searched for anywhere in the string, meant for ASCII patterns;
// strings longer than 4096 bytes are not matched and fail the pattern. Problems
// at one location come in keyword order; a failed anyOf/oneOf reports one
// schema.any_of / schema.one_of problem, or the problems of the only
// alternative whose `type` fits the data.
class JsonSchema {
 public:
  // Compiles a schema; kInvalidArgument if it uses an unsupported keyword or is
  // malformed.
  static Result<JsonSchema> Compile(const Json& schema);

  // Every problem in data (not just the first), in document order. Thread-safe.
  std::vector<Problem> Validate(const Json& data) const;

 private:
  struct Impl;

  explicit JsonSchema(std::shared_ptr<const Impl> impl);

  std::shared_ptr<const Impl> impl_;
};

}  // namespace beian::core

#endif  // BEIAN_CORE_JSON_SCHEMA_H_
