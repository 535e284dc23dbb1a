#ifndef BEIAN_CORE_JSON_H_
#define BEIAN_CORE_JSON_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "beian/core/status.h"

namespace beian::core {

// A JSON value: null, boolean, number, string, array or object (members kept in
// insertion order). Copying, comparing and writing recurse once per nesting
// level; destruction does not recurse.
class Json {
 public:
  // The kind of value held.
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  // Elements of an array.
  using Array = std::vector<Json>;
  // Members of an object, in insertion order; keys are unique when built by
  // ParseJson or Set.
  using Object = std::vector<std::pair<std::string, Json>>;

  // A null value.
  Json();
  // A null value.
  Json(std::nullptr_t);  // NOLINT(google-explicit-constructor)
  // A boolean.
  Json(bool value);  // NOLINT(google-explicit-constructor)
  // An integer number.
  Json(int value);  // NOLINT(google-explicit-constructor)
  // An integer number.
  Json(int64_t value);  // NOLINT(google-explicit-constructor)
  // An integer number from any other integral type; unsigned values above
  // INT64_MAX become doubles.
  template <typename T,
            std::enable_if_t<
                std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                    !std::is_same_v<T, int> && !std::is_same_v<T, int64_t>,
                int> = 0>
  Json(T value)  // NOLINT(google-explicit-constructor)
      : Json(FromIntegral(value)) {}
  // A number; NaN and infinities are written as null.
  Json(double value);  // NOLINT(google-explicit-constructor)
  // A string (bytes are expected to be UTF-8).
  Json(const char* value);  // NOLINT(google-explicit-constructor)
  // A string (bytes are expected to be UTF-8).
  Json(std::string value);  // NOLINT(google-explicit-constructor)
  // A string (bytes are expected to be UTF-8).
  Json(std::string_view value);  // NOLINT(google-explicit-constructor)

  // Deep copy.
  Json(const Json& other);
  // Leaves `other` null.
  Json(Json&& other) noexcept;
  // Deep copy.
  Json& operator=(const Json& other);
  // Leaves `other` null.
  Json& operator=(Json&& other) noexcept;
  // Frees the value and everything nested in it.
  ~Json();

  // An empty array.
  static Json MakeArray();
  // An empty object.
  static Json MakeObject();

  // The kind of value held.
  Type type() const { return type_; }
  // True iff null.
  bool is_null() const { return type_ == Type::kNull; }
  // True iff a boolean.
  bool is_bool() const { return type_ == Type::kBool; }
  // True iff a number.
  bool is_number() const { return type_ == Type::kNumber; }
  // True iff a string.
  bool is_string() const { return type_ == Type::kString; }
  // True iff an array.
  bool is_array() const { return type_ == Type::kArray; }
  // True iff an object.
  bool is_object() const { return type_ == Type::kObject; }

  // The boolean; precondition is_bool() (false otherwise).
  bool as_bool() const;
  // The number as a double; precondition is_number() (0 otherwise).
  double as_number() const;
  // The string; precondition is_string() (an empty string otherwise).
  const std::string& as_string() const;
  // True iff a number with an integral value that fits int64 (1.0 and 1e3
  // count).
  bool is_integer() const;
  // The integral value; precondition is_integer() (a truncated or 0 value
  // otherwise).
  int64_t as_int() const;
  // The elements; precondition is_array() (an empty array otherwise).
  const Array& as_array() const;
  // The elements; precondition is_array() (otherwise the value is first
  // replaced by an empty array).
  Array& as_array();
  // The members; precondition is_object() (an empty object otherwise).
  const Object& as_object() const;
  // The members; precondition is_object() (otherwise the value is first
  // replaced by an empty object).
  Object& as_object();

  // The member named key, or nullptr if absent or if this is not an object.
  const Json* Find(std::string_view key) const;
  // The member named key, or nullptr if absent or if this is not an object.
  Json* Find(std::string_view key);
  // Replaces the member named key or appends it; returns the stored value. A
  // non-object becomes an empty object first.
  Json& Set(std::string key, Json value);
  // Appends to an array. A non-array becomes an empty array first.
  void Push(Json value);
  // Element count of an array or object, else 0.
  size_t size() const;

  // The value at RFC 6901 JSON Pointer `pointer` ("" = this, "/a/0/b", ~0 and
  // ~1 escapes), or nullptr if absent or the pointer is malformed.
  const Json* At(std::string_view pointer) const;
  // The value at `pointer`, or nullptr, as above.
  Json* At(std::string_view pointer);

  // Deep equality; numbers compare by value (1 == 1.0); object member order is
  // ignored.
  bool operator==(const Json& other) const;
  // Negation of operator==.
  bool operator!=(const Json& other) const { return !(*this == other); }

  // For numbers: the literal as written in the parsed source, else the shortest
  // round-trip form (integers without ".0", ECMAScript-style exponents such as
  // "1e+21"); empty for non-numbers.
  std::string number_text() const;

 private:
  static Json FromInt64(int64_t value);
  template <typename T>
  static Json FromIntegral(T value) {
    if constexpr (std::is_signed_v<T>) {
      return FromInt64(static_cast<int64_t>(value));
    } else {
      if (static_cast<uint64_t>(value) <=
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return FromInt64(static_cast<int64_t>(value));
      }
      return Json(static_cast<double>(value));
    }
  }

  void Destroy();
  void CopyFrom(const Json& other);
  void MoveFrom(Json& other);

  friend class JsonParser;

  Type type_ = Type::kNull;
  bool bool_ = false;
  bool is_int_ = false;  // number held in int_ rather than double_
  union {
    int64_t int_;
    double double_;
  };
  // Active member depends on type_: text_ for kString (the value) and kNumber
  // (the source literal, possibly empty); array_ for kArray; object_ for
  // kObject; none otherwise.
  union {
    std::string text_;
    Array array_;
    Object object_;
  };
};

// Limits applied by ParseJson. They bound the memory a hostile input can take:
// each value costs 48 bytes or more once parsed (80 as an object member), so
// the value limit, not the byte limit, is what keeps "[{},{},...]" small.
struct ParseOptions {
  // Maximum nesting of arrays and objects; a scalar root has depth 0, "[]" has
  // depth 1.
  size_t max_depth = 64;
  // Maximum input size in bytes: the HTTP API's default body limit.
  size_t max_bytes = 20 * 1024 * 1024;
  // Maximum number of values (every string, number, literal, array and object,
  // the root included; object keys are not counted). The largest document the
  // kinds' schemas admit (20,000 staff and 20,000 projects, every field given)
  // has about 760,000.
  size_t max_values = 1000000;
  // Maximum members of one object. No object of a kind's data has more than a
  // few dozen; a body of a million keys costs seconds of hashing and copying.
  size_t max_members = 10000;
};

// Parses RFC 8259 JSON in one pass. Rejects invalid UTF-8 anywhere (overlongs,
// encoded surrogates, code points above U+10FFFF), lone surrogate \u escapes,
// control characters in strings, trailing data, duplicate object keys, nesting
// deeper than max_depth, input larger than max_bytes, more values than
// max_values, objects of more than max_members members, NaN/Infinity, leading zeros, numbers that overflow a double and a
// leading UTF-8 BOM. Errors have code kParseError and the message "line L,
// column C (byte B): <what>", followed by " at <JSON Pointer>" when the error
// lies inside a value below the root; <what> starts "nesting too deep", "too
// many values" or "too many members" for those limits. Columns count code points. An input over
// max_bytes is rejected before parsing with "input too large: N bytes, ...".
// Memory while parsing stays near that of the parsed value.
Result<Json> ParseJson(std::string_view text, const ParseOptions& options = {});

// Compact JSON: keys in insertion order, non-ASCII as UTF-8 (malformed bytes
// become U+FFFD),
// "/" not escaped, control characters as \b \t \n \f \r or \u00xx, numbers as
// number_text().
std::string WriteJson(const Json& value);

// Canonical JSON (RFC 8785-like): object keys sorted by UTF-16 code units, no
// whitespace, numbers holding an integer written as integers, others in
// shortest round-trip ECMAScript form.
std::string WriteCanonicalJson(const Json& value);

// Human-readable JSON with 2-space indentation and no trailing newline.
std::string WritePrettyJson(const Json& value);

// Escapes one JSON Pointer reference token (~ becomes ~0, / becomes ~1).
std::string PointerEscape(std::string_view token);

// base + "/" + escaped token.
std::string PointerAppend(std::string_view base, std::string_view token);

// base + "/" + decimal index.
std::string PointerAppend(std::string_view base, size_t index);

// The same in place: appends "/" and the escaped token (or the index) to `pointer`, so that a
// walk keeps one buffer and cuts it back with resize() after each member.
void PointerPush(std::string& pointer, std::string_view token);
void PointerPush(std::string& pointer, size_t index);

}  // namespace beian::core

#endif  // BEIAN_CORE_JSON_H_
