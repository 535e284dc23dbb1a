#include "beian/core/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <new>
#include <string_view>
#include <vector>

#include "beian/core/utf8.h"
#include "number_format.h"
#include "utf8_internal.h"

namespace beian::core {
namespace {

// 2^63 as a double: doubles in [-2^63, 2^63) convert to int64 exactly when
// integral.
constexpr double kTwoPow63 = 9223372036854775808.0;

bool DoubleIsInt64(double d) {
  return std::isfinite(d) && std::floor(d) == d && d >= -kTwoPow63 &&
         d < kTwoPow63;
}

const std::string& EmptyString() {
  static const std::string* const empty = new std::string();
  return *empty;
}

const Json::Array& EmptyArray() {
  static const Json::Array* const empty = new Json::Array();
  return *empty;
}

const Json::Object& EmptyObject() {
  static const Json::Object* const empty = new Json::Object();
  return *empty;
}

std::string HexDigits(uint32_t value, int digits) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kHex[value & 0xF];
    value >>= 4;
  }
  return out;
}

std::string HexByte(unsigned char byte) { return HexDigits(byte, 2); }

std::string HexUnit(uint32_t unit) { return HexDigits(unit, 4); }

std::string DescribeEscape(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7F) return std::string(1, c);
  return "<byte 0x" + HexByte(byte) + ">";
}

}  // namespace

// ---------------------------------------------------------------------------
// Json value

Json::Json() : int_(0) {}

Json::Json(std::nullptr_t) : Json() {}

Json::Json(bool value) : type_(Type::kBool), bool_(value), int_(0) {}

Json::Json(int value) : Json(static_cast<int64_t>(value)) {}

Json::Json(int64_t value) : type_(Type::kNumber), is_int_(true), int_(value) {
  new (&text_) std::string();
}

Json::Json(double value) : type_(Type::kNumber), double_(value) {
  new (&text_) std::string();
}

Json::Json(const char* value)
    : Json(std::string(value == nullptr ? "" : value)) {}

Json::Json(std::string value) : type_(Type::kString), int_(0) {
  new (&text_) std::string(std::move(value));
}

Json::Json(std::string_view value) : Json(std::string(value)) {}

Json::Json(const Json& other) : int_(0) { CopyFrom(other); }

Json::Json(Json&& other) noexcept : int_(0) { MoveFrom(other); }

Json& Json::operator=(const Json& other) {
  if (this != &other) {
    Json copy(other);
    Destroy();
    MoveFrom(copy);
  }
  return *this;
}

Json& Json::operator=(Json&& other) noexcept {
  if (this != &other) {
    // `other` may be owned by this value (e.g. an element); move it out before
    // destroying.
    Json taken;
    taken.MoveFrom(other);
    Destroy();
    MoveFrom(taken);
  }
  return *this;
}

Json::~Json() { Destroy(); }

Json Json::FromInt64(int64_t value) { return Json(value); }

namespace {

// Moves the non-empty containers directly inside `value` to `pending`, leaving
// nulls behind.
void TakeNestedContainers(Json& value, std::vector<Json>& pending) {
  auto take = [&pending](Json& child) {
    if ((child.is_array() || child.is_object()) && child.size() > 0) {
      pending.push_back(std::move(child));
    }
  };
  if (value.is_array()) {
    for (Json& child : value.as_array()) take(child);
  } else if (value.is_object()) {
    for (auto& member : value.as_object()) take(member.second);
  }
}

bool HasNestedContainer(const Json& value) {
  auto nested = [](const Json& child) {
    return child.is_array() || child.is_object();
  };
  if (value.is_array()) {
    return std::any_of(value.as_array().begin(), value.as_array().end(),
                       nested);
  }
  return std::any_of(value.as_object().begin(), value.as_object().end(),
                     [&](const auto& member) { return nested(member.second); });
}

}  // namespace

void Json::Destroy() {
  // Nested containers are torn down from an explicit worklist so that
  // destroying a deeply nested value cannot exhaust the native stack.
  if ((type_ == Type::kArray || type_ == Type::kObject) &&
      HasNestedContainer(*this)) {
    std::vector<Json> pending;
    TakeNestedContainers(*this, pending);
    while (!pending.empty()) {
      Json item = std::move(pending.back());
      pending.pop_back();
      TakeNestedContainers(item, pending);
    }
  }
  switch (type_) {
    case Type::kNumber:
    case Type::kString:
      text_.~basic_string();
      break;
    case Type::kArray:
      array_.~Array();
      break;
    case Type::kObject:
      object_.~Object();
      break;
    case Type::kNull:
    case Type::kBool:
      break;
  }
  type_ = Type::kNull;
  bool_ = false;
  is_int_ = false;
  int_ = 0;
}

void Json::CopyFrom(const Json& other) {
  type_ = other.type_;
  bool_ = other.bool_;
  is_int_ = other.is_int_;
  if (type_ == Type::kNumber && !is_int_) {
    double_ = other.double_;
  } else {
    int_ = other.int_;
  }
  switch (type_) {
    case Type::kNumber:
    case Type::kString:
      new (&text_) std::string(other.text_);
      break;
    case Type::kArray:
      new (&array_) Array(other.array_);
      break;
    case Type::kObject:
      new (&object_) Object(other.object_);
      break;
    case Type::kNull:
    case Type::kBool:
      break;
  }
}

void Json::MoveFrom(Json& other) {
  type_ = other.type_;
  bool_ = other.bool_;
  is_int_ = other.is_int_;
  if (type_ == Type::kNumber && !is_int_) {
    double_ = other.double_;
  } else {
    int_ = other.int_;
  }
  switch (type_) {
    case Type::kNumber:
    case Type::kString:
      new (&text_) std::string(std::move(other.text_));
      break;
    case Type::kArray:
      new (&array_) Array(std::move(other.array_));
      break;
    case Type::kObject:
      new (&object_) Object(std::move(other.object_));
      break;
    case Type::kNull:
    case Type::kBool:
      break;
  }
  other.Destroy();
}

Json Json::MakeArray() {
  Json value;
  value.type_ = Type::kArray;
  new (&value.array_) Array();
  return value;
}

Json Json::MakeObject() {
  Json value;
  value.type_ = Type::kObject;
  new (&value.object_) Object();
  return value;
}

bool Json::as_bool() const { return type_ == Type::kBool && bool_; }

double Json::as_number() const {
  if (type_ != Type::kNumber) return 0;
  return is_int_ ? static_cast<double>(int_) : double_;
}

const std::string& Json::as_string() const {
  return type_ == Type::kString ? text_ : EmptyString();
}

bool Json::is_integer() const {
  if (type_ != Type::kNumber) return false;
  return is_int_ || DoubleIsInt64(double_);
}

int64_t Json::as_int() const {
  if (type_ != Type::kNumber) return 0;
  if (is_int_) return int_;
  return DoubleIsInt64(double_) ? static_cast<int64_t>(double_) : 0;
}

const Json::Array& Json::as_array() const {
  return type_ == Type::kArray ? array_ : EmptyArray();
}

Json::Array& Json::as_array() {
  if (type_ != Type::kArray) *this = MakeArray();
  return array_;
}

const Json::Object& Json::as_object() const {
  return type_ == Type::kObject ? object_ : EmptyObject();
}

Json::Object& Json::as_object() {
  if (type_ != Type::kObject) *this = MakeObject();
  return object_;
}

const Json* Json::Find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& member : object_) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

Json* Json::Find(std::string_view key) {
  return const_cast<Json*>(static_cast<const Json*>(this)->Find(key));
}

Json& Json::Set(std::string key, Json value) {
  Object& members = as_object();
  for (auto& member : members) {
    if (member.first == key) {
      member.second = std::move(value);
      return member.second;
    }
  }
  members.emplace_back(std::move(key), std::move(value));
  return members.back().second;
}

void Json::Push(Json value) { as_array().push_back(std::move(value)); }

size_t Json::size() const {
  if (type_ == Type::kArray) return array_.size();
  if (type_ == Type::kObject) return object_.size();
  return 0;
}

const Json* Json::At(std::string_view pointer) const {
  const Json* current = this;
  std::string token;
  size_t pos = 0;
  if (pointer.empty()) return current;
  if (pointer[0] != '/') return nullptr;
  while (pos < pointer.size()) {
    ++pos;  // the '/'
    const size_t next = std::min(pointer.find('/', pos), pointer.size());
    token.clear();
    for (size_t i = pos; i < next; ++i) {
      if (pointer[i] != '~') {
        token.push_back(pointer[i]);
        continue;
      }
      if (i + 1 >= next) return nullptr;
      const char escaped = pointer[++i];
      if (escaped == '0') {
        token.push_back('~');
      } else if (escaped == '1') {
        token.push_back('/');
      } else {
        return nullptr;
      }
    }
    pos = next;
    if (current->is_object()) {
      current = current->Find(token);
      if (current == nullptr) return nullptr;
    } else if (current->is_array()) {
      if (token.empty() || token.size() > 19 ||
          (token.size() > 1 && token[0] == '0')) {
        return nullptr;
      }
      uint64_t index = 0;
      const auto result =
          std::from_chars(token.data(), token.data() + token.size(), index);
      if (result.ec != std::errc() || result.ptr != token.data() + token.size())
        return nullptr;
      if (index >= current->array_.size()) return nullptr;
      current = &current->array_[index];
    } else {
      return nullptr;
    }
  }
  return current;
}

Json* Json::At(std::string_view pointer) {
  return const_cast<Json*>(static_cast<const Json*>(this)->At(pointer));
}

namespace {

bool NumbersEqual(const Json& a, const Json& b) {
  const bool a_int = a.is_integer();
  const bool b_int = b.is_integer();
  if (a_int && b_int) return a.as_int() == b.as_int();
  if (a_int != b_int) return false;
  return a.as_number() == b.as_number();
}

}  // namespace

bool Json::operator==(const Json& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::kNull:
      return true;
    case Type::kBool:
      return bool_ == other.bool_;
    case Type::kNumber:
      return NumbersEqual(*this, other);
    case Type::kString:
      return text_ == other.text_;
    case Type::kArray:
      return array_ == other.array_;
    case Type::kObject: {
      if (object_.size() != other.object_.size()) return false;
      for (const auto& member : object_) {
        const Json* found = other.Find(member.first);
        if (found == nullptr || !(*found == member.second)) return false;
      }
      return true;
    }
  }
  return false;
}

std::string Json::number_text() const {
  if (type_ != Type::kNumber) return std::string();
  if (!text_.empty()) return text_;
  return is_int_ ? internal::FormatInt(int_) : internal::FormatDouble(double_);
}

// ---------------------------------------------------------------------------
// Parser

namespace {

void AppendPointerEscaped(std::string& out, std::string_view token) {
  size_t run = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '~' && token[i] != '/') continue;
    out.append(token.data() + run, i - run);
    out += token[i] == '~' ? "~0" : "~1";
    run = i + 1;
  }
  out.append(token.data() + run, token.size() - run);
}

}  // namespace

std::string PointerEscape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  AppendPointerEscaped(out, token);
  return out;
}

void PointerPush(std::string& pointer, std::string_view token) {
  pointer.push_back('/');
  AppendPointerEscaped(pointer, token);
}

void PointerPush(std::string& pointer, size_t index) {
  pointer.push_back('/');
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), index);
  pointer.append(buffer, result.ptr);
}

std::string PointerAppend(std::string_view base, std::string_view token) {
  std::string out(base);
  PointerPush(out, token);
  return out;
}

std::string PointerAppend(std::string_view base, size_t index) {
  std::string out(base);
  PointerPush(out, index);
  return out;
}

// Elements of the small containers being parsed, in chunks of a fixed size,
// so that each is moved once into a vector of its exact size and a growing
// container never holds two copies of itself: a finished container's chunks
// are freed as its elements move out. (A large container grows in a vector of
// its own instead: see JsonParser::Frame.)
template <typename T>
class Staging {
 public:
  size_t size() const { return size_; }

  void push_back(T value) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) {
      chunks_.emplace_back();
      chunks_.back().reserve(kChunk);
    }
    chunks_.back().push_back(std::move(value));
    ++size_;
  }

  const T& operator[](size_t i) const {
    return chunks_[i / kChunk][i % kChunk];
  }

  // Moves the elements from `start` on, in order, into `out` (sized exactly)
  // and drops them.
  void MoveTailTo(size_t start, std::vector<T>& out) {
    out.reserve(size_ - start);
    const size_t first = start / kChunk;
    const size_t keep = start % kChunk;
    for (size_t c = first; c < chunks_.size(); ++c) {
      std::vector<T>& chunk = chunks_[c];
      for (size_t i = c == first ? keep : 0; i < chunk.size(); ++i) {
        out.push_back(std::move(chunk[i]));
      }
      if (c > first || keep == 0) std::vector<T>().swap(chunk);
    }
    if (keep > 0) {
      chunks_[first].resize(keep);
      chunks_.resize(first + 1);
    } else {
      chunks_.resize(first);
    }
    size_ = start;
  }

 private:
  static constexpr size_t kChunk = 1024;
  std::vector<std::vector<T>> chunks_;
  size_t size_ = 0;
};

// Single-pass iterative parser; containers under construction live on explicit
// stacks so nesting depth never grows the native stack and each finished
// container is allocated at its exact size.
class JsonParser {
 public:
  JsonParser(std::string_view text, const ParseOptions& options)
      : begin_(text.data()),
        p_(text.data()),
        end_(text.data() + text.size()),
        options_(options) {}

  Result<Json> Parse();

 private:
  // Error messages abbreviate JSON Pointers longer than this many bytes.
  static constexpr size_t kMaxPointerInMessage = 1024;
  // Objects with more members than this switch from linear to hashed duplicate
  // detection.
  static constexpr size_t kLinearDuplicateScan = 16;

  // A container staged in values_ or members_ moves to a vector of its own
  // once it has this many elements: it then grows there and becomes the
  // parsed value without a further copy.
  static constexpr size_t kOwnVectorAt = 1024;

  struct Frame {
    bool is_object = false;
    size_t start = 0;  // first slot in values_ or members_
    size_t count = 0;  // finished elements or members
    bool own = false;  // the elements are in own_values or own_members
    Json::Array own_values;
    Json::Object own_members;
    bool in_value = false;
    std::string key;  // object: key of the member being parsed
    // Large objects: an open-addressing hash table of the first `indexed`
    // members, each slot (32 bits of the key's hash) << 32 | (position + 1),
    // 0 when empty; probes compare keys only when the hash bits match.
    std::vector<uint64_t> slots;
    size_t indexed = 0;
  };

  bool Fail(const char* at, std::string what);
  void SkipWhitespace() {
    while (p_ < end_ &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
      ++p_;
  }
  // Counts one more value against max_values; false (with the error) past it.
  bool CountValue();
  bool OpenContainer(bool is_object, bool* closed, Json* value);
  bool ParseMemberKey();
  // The key of member `i` of the object `frame` is parsing.
  const std::string& MemberKey(const Frame& frame, size_t i) const {
    return frame.own ? frame.own_members[i].first
                     : members_[frame.start + i].first;
  }
  // Whether the object being parsed has a member named frame.key already.
  bool HasMember(Frame& frame);
  // Adds a finished value to the innermost container.
  void Append(Frame& frame, Json value);
  bool ParseScalar(Json* value);
  bool ParseString(std::string* out);
  bool ParseHex4(const char* at, uint32_t* unit);
  bool ParseNumber(Json* value);
  bool ParseLiteral(std::string_view word, Json literal, Json* value);
  Json CloseArray();
  Json CloseObject();
  std::string DescribeChar(const char* at) const;
  std::string CurrentPointer() const;

  const char* const begin_;
  const char* p_;
  const char* const end_;
  const ParseOptions& options_;
  size_t values_seen_ = 0;
  std::vector<Frame> frames_;
  Staging<Json> values_;
  Staging<std::pair<std::string, Json>> members_;
  Status error_;
};

bool JsonParser::CountValue() {
  if (++values_seen_ <= options_.max_values) return true;
  return Fail(
      p_, "too many values: more than " +
              internal::FormatInt(static_cast<int64_t>(options_.max_values)) +
              " strings, numbers, arrays, objects and literals in one "
              "document");
}

Result<Json> JsonParser::Parse() {
  const size_t size = static_cast<size_t>(end_ - begin_);
  if (size > options_.max_bytes) {
    return ParseError(
        "input too large: " + internal::FormatInt(static_cast<int64_t>(size)) +
        " bytes, the limit is " +
        internal::FormatInt(static_cast<int64_t>(options_.max_bytes)) +
        " bytes");
  }
  if (size >= 3 && static_cast<unsigned char>(begin_[0]) == 0xEF &&
      static_cast<unsigned char>(begin_[1]) == 0xBB &&
      static_cast<unsigned char>(begin_[2]) == 0xBF) {
    Fail(begin_,
         "input starts with a UTF-8 byte order mark (BOM); JSON must be saved "
         "as UTF-8 without BOM");
    return error_;
  }
  frames_.reserve(std::min<size_t>(options_.max_depth, 64));

  SkipWhitespace();
  if (p_ == end_) {
    Fail(p_, "empty input, expected a JSON value");
    return error_;
  }
  Json value;
  bool have_value = false;
  for (;;) {
    if (!have_value) {
      SkipWhitespace();
      if (p_ == end_) {
        Fail(p_, "unexpected end of input, expected a value");
        return error_;
      }
      const char c = *p_;
      if (c == '{' || c == '[') {
        if (!CountValue() || !OpenContainer(c == '{', &have_value, &value)) {
          return error_;
        }
        continue;
      }
      if (!CountValue() || !ParseScalar(&value)) return error_;
      have_value = true;
    }
    // A value is complete: attach it to the innermost open container.
    if (frames_.empty()) {
      SkipWhitespace();
      if (p_ != end_) {
        Fail(p_, "unexpected " + DescribeChar(p_) + " after the JSON value");
        return error_;
      }
      return value;
    }
    Frame& frame = frames_.back();
    frame.in_value = false;
    Append(frame, std::move(value));
    SkipWhitespace();
    const char close = frame.is_object ? '}' : ']';
    if (p_ == end_) {
      Fail(p_, std::string("unexpected end of input, expected ',' or '") +
                   close + "'");
      return error_;
    }
    if (*p_ == ',') {
      ++p_;
      SkipWhitespace();
      if (p_ < end_ && (*p_ == ']' || *p_ == '}')) {
        Fail(p_, std::string("trailing comma before '") + *p_ + "'");
        return error_;
      }
      if (frame.is_object) {
        if (!ParseMemberKey()) return error_;
      } else {
        frame.in_value = true;
      }
      have_value = false;
      continue;
    }
    if (*p_ == close) {
      ++p_;
      value = frame.is_object ? CloseObject() : CloseArray();
      continue;
    }
    Fail(p_, "unexpected " + DescribeChar(p_) + ", expected ',' or '" + close +
                 "'");
    return error_;
  }
}

bool JsonParser::OpenContainer(bool is_object, bool* closed, Json* value) {
  if (frames_.size() >= options_.max_depth) {
    return Fail(
        p_, "nesting too deep: more than " +
                internal::FormatInt(static_cast<int64_t>(options_.max_depth)) +
                " levels of arrays and objects");
  }
  ++p_;
  frames_.emplace_back();
  Frame& frame = frames_.back();
  frame.is_object = is_object;
  frame.start = is_object ? members_.size() : values_.size();
  SkipWhitespace();
  const char close = is_object ? '}' : ']';
  if (p_ < end_ && *p_ == close) {
    ++p_;
    *value = is_object ? CloseObject() : CloseArray();
    *closed = true;
    return true;
  }
  *closed = false;
  if (is_object) return ParseMemberKey();
  frame.in_value = true;
  return true;
}

bool JsonParser::ParseMemberKey() {
  Frame& frame = frames_.back();
  if (p_ == end_)
    return Fail(p_, "unexpected end of input, expected an object key");
  if (*p_ != '"') {
    return Fail(p_, "unexpected " + DescribeChar(p_) +
                        ", expected an object key in double quotes");
  }
  if (frame.count == options_.max_members) {
    return Fail(p_, "too many members: more than " +
                        internal::FormatInt(static_cast<int64_t>(options_.max_members)) +
                        " in one object");
  }
  const char* key_start = p_;
  if (!ParseString(&frame.key)) return false;
  if (HasMember(frame)) {
    frame.in_value = true;
    return Fail(key_start, "duplicate object key \"" + frame.key + "\"");
  }
  SkipWhitespace();
  if (p_ == end_) return Fail(p_, "unexpected end of input, expected ':'");
  if (*p_ != ':')
    return Fail(p_, "unexpected " + DescribeChar(p_) + ", expected ':'");
  ++p_;
  frame.in_value = true;
  return true;
}

void JsonParser::Append(Frame& frame, Json value) {
  if (!frame.own && frame.count == kOwnVectorAt) {
    frame.own = true;
    if (frame.is_object) {
      members_.MoveTailTo(frame.start, frame.own_members);
    } else {
      values_.MoveTailTo(frame.start, frame.own_values);
    }
  }
  if (frame.is_object) {
    std::pair<std::string, Json> member(std::move(frame.key), std::move(value));
    frame.key.clear();
    if (frame.own) {
      frame.own_members.push_back(std::move(member));
    } else {
      members_.push_back(std::move(member));
    }
  } else if (frame.own) {
    frame.own_values.push_back(std::move(value));
  } else {
    values_.push_back(std::move(value));
  }
  ++frame.count;
}

bool JsonParser::HasMember(Frame& frame) {
  if (frame.count < kLinearDuplicateScan) {
    for (size_t i = 0; i < frame.count; ++i) {
      if (MemberKey(frame, i) == frame.key) return true;
    }
    return false;
  }
  auto hash = [](std::string_view key) {
    return static_cast<uint32_t>(std::hash<std::string_view>{}(key));
  };
  auto insert = [&frame](uint64_t entry) {
    const size_t mask = frame.slots.size() - 1;
    size_t slot = static_cast<uint32_t>(entry >> 32) & mask;
    while (frame.slots[slot] != 0) slot = (slot + 1) & mask;
    frame.slots[slot] = entry;
  };
  if (frame.slots.size() < 2 * (frame.count + 1)) {
    std::vector<uint64_t> old(std::max<size_t>(64, frame.slots.size() * 2), 0);
    old.swap(frame.slots);
    for (uint64_t entry : old) {
      if (entry != 0) insert(entry);
    }
  }
  for (; frame.indexed < frame.count; ++frame.indexed) {
    const uint64_t h = hash(MemberKey(frame, frame.indexed));
    insert(h << 32 | (frame.indexed + 1));
  }
  const uint32_t h = hash(frame.key);
  const size_t mask = frame.slots.size() - 1;
  for (size_t slot = h & mask; frame.slots[slot] != 0;
       slot = (slot + 1) & mask) {
    const uint64_t entry = frame.slots[slot];
    if (static_cast<uint32_t>(entry >> 32) == h &&
        MemberKey(frame, static_cast<uint32_t>(entry) - 1) == frame.key) {
      return true;
    }
  }
  return false;
}

Json JsonParser::CloseArray() {
  Frame& frame = frames_.back();
  Json result;
  result.type_ = Json::Type::kArray;
  new (&result.array_) Json::Array();
  if (frame.own) {
    result.array_ = std::move(frame.own_values);
  } else {
    values_.MoveTailTo(frame.start, result.array_);
  }
  frames_.pop_back();
  return result;
}

Json JsonParser::CloseObject() {
  Frame& frame = frames_.back();
  Json result;
  result.type_ = Json::Type::kObject;
  new (&result.object_) Json::Object();
  if (frame.own) {
    result.object_ = std::move(frame.own_members);
  } else {
    members_.MoveTailTo(frame.start, result.object_);
  }
  frames_.pop_back();
  return result;
}

bool JsonParser::ParseScalar(Json* value) {
  switch (*p_) {
    case '"': {
      std::string text;
      if (!ParseString(&text)) return false;
      *value = Json(std::move(text));
      return true;
    }
    case 't':
      return ParseLiteral("true", Json(true), value);
    case 'f':
      return ParseLiteral("false", Json(false), value);
    case 'n':
      return ParseLiteral("null", Json(), value);
    case 'N':
    case 'I':
      return Fail(p_, "NaN and Infinity are not valid JSON numbers");
    default:
      if (*p_ == '-' || (*p_ >= '0' && *p_ <= '9')) return ParseNumber(value);
      return Fail(p_, "unexpected " + DescribeChar(p_) + ", expected a value");
  }
}

bool JsonParser::ParseLiteral(std::string_view word, Json literal,
                              Json* value) {
  if (static_cast<size_t>(end_ - p_) < word.size() ||
      std::string_view(p_, word.size()) != word) {
    return Fail(p_, "invalid literal, expected '" + std::string(word) + "'");
  }
  p_ += word.size();
  *value = std::move(literal);
  return true;
}

bool JsonParser::ParseHex4(const char* at, uint32_t* unit) {
  if (end_ - p_ < 4)
    return Fail(at, "invalid \\u escape: expected 4 hex digits");
  uint32_t result = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = p_[i];
    uint32_t digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return Fail(at, "invalid \\u escape: expected 4 hex digits");
    }
    result = (result << 4) | digit;
  }
  p_ += 4;
  *unit = result;
  return true;
}

bool JsonParser::ParseString(std::string* out) {
  out->clear();
  ++p_;  // opening quote
  const char* run = p_;
  for (;;) {
    while (p_ < end_) {
      const auto c = static_cast<unsigned char>(*p_);
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ++p_;
        continue;
      }
      if (c < 0x80) break;
      char32_t cp;
      size_t length;
      const internal::Utf8Error error = internal::DecodeStrict(
          reinterpret_cast<const unsigned char*>(p_),
          reinterpret_cast<const unsigned char*>(end_), &cp, &length);
      if (error != internal::Utf8Error::kNone) {
        return Fail(p_, std::string(internal::Utf8ErrorText(error)) +
                            " (byte 0x" + HexByte(c) + ") in string");
      }
      p_ += length;
    }
    if (p_ == end_) return Fail(p_, "unexpected end of input inside a string");
    const auto c = static_cast<unsigned char>(*p_);
    out->append(run, p_);
    if (c == '"') {
      ++p_;
      return true;
    }
    if (c < 0x20) {
      return Fail(p_, "control character " + CodePointLabel(c) +
                          " must be escaped in a string");
    }
    // Backslash escape.
    const char* escape_start = p_;
    ++p_;
    if (p_ == end_) return Fail(p_, "unexpected end of input inside a string");
    const char e = *p_++;
    switch (e) {
      case '"':
        out->push_back('"');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case 'u': {
        uint32_t unit;
        if (!ParseHex4(escape_start, &unit)) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
          return Fail(escape_start, "lone low surrogate \\u" + HexUnit(unit) +
                                        " (not preceded by a high surrogate)");
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') {
            return Fail(
                escape_start,
                "lone high surrogate \\u" + HexUnit(unit) +
                    " (not followed by a low surrogate \\uDC00-\\uDFFF)");
          }
          const char* low_start = p_;
          p_ += 2;
          uint32_t low;
          if (!ParseHex4(low_start, &low)) return false;
          if (low < 0xDC00 || low > 0xDFFF) {
            return Fail(
                escape_start,
                "lone high surrogate \\u" + HexUnit(unit) +
                    " (not followed by a low surrogate \\uDC00-\\uDFFF)");
          }
          unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        AppendUtf8(*out, static_cast<char32_t>(unit));
        break;
      }
      default:
        p_ = escape_start;
        return Fail(escape_start, "invalid escape sequence '\\" +
                                      DescribeEscape(e) + "' in string");
    }
    run = p_;
  }
}

bool JsonParser::ParseNumber(Json* value) {
  const char* start = p_;
  auto is_digit = [this]() { return p_ < end_ && *p_ >= '0' && *p_ <= '9'; };
  if (*p_ == '-') {
    ++p_;
    if (p_ < end_ && (*p_ == 'I' || *p_ == 'N')) {
      return Fail(start, "NaN and Infinity are not valid JSON numbers");
    }
    if (!is_digit()) return Fail(p_, "expected a digit after '-'");
  }
  const char* int_start = p_;
  if (*p_ == '0') {
    ++p_;
    if (is_digit())
      return Fail(int_start, "leading zeros are not allowed in numbers");
  } else {
    while (is_digit()) ++p_;
  }
  const char* int_end = p_;
  bool integral = true;
  if (p_ < end_ && *p_ == '.') {
    ++p_;
    integral = false;
    if (!is_digit())
      return Fail(p_, "expected a digit after the decimal point");
    while (is_digit()) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    ++p_;
    integral = false;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    if (!is_digit()) return Fail(p_, "expected a digit in the exponent");
    while (is_digit()) ++p_;
  }
  Json result;
  result.type_ = Json::Type::kNumber;
  new (&result.text_) std::string(start, p_);
  if (integral) {
    int64_t i = 0;
    const auto parsed = std::from_chars(start, p_, i);
    if (parsed.ec == std::errc() && parsed.ptr == p_) {
      result.is_int_ = true;
      result.int_ = i;
      *value = std::move(result);
      return true;
    }
  }
  double d = 0;
  const auto parsed = std::from_chars(start, p_, d);
  if (parsed.ec == std::errc::result_out_of_range) {
    // Distinguish underflow (a tiny value, read as zero) from overflow by the
    // decimal magnitude.
    int64_t magnitude = 0;
    bool seen_nonzero = false;
    for (const char* q = int_start; q < p_ && *q != 'e' && *q != 'E'; ++q) {
      if (*q == '.') continue;
      const bool in_int_part = q < int_end;
      if (!seen_nonzero && *q != '0') {
        seen_nonzero = true;
        if (!in_int_part) magnitude = -(q - int_end);
      }
      if (seen_nonzero && in_int_part) ++magnitude;
    }
    const char* exp = std::find_if(int_start, p_,
                                   [](char c) { return c == 'e' || c == 'E'; });
    if (exp != p_) {
      const char* digits = exp + 1;
      bool negative = false;
      if (*digits == '+' || *digits == '-') negative = *digits++ == '-';
      int64_t exponent = 0;
      const auto r = std::from_chars(digits, p_, exponent);
      if (r.ec != std::errc()) exponent = std::numeric_limits<int32_t>::max();
      magnitude += negative ? -exponent : exponent;
    }
    if (magnitude > 0) return Fail(start, "number out of range for a double");
    d = *start == '-' ? -0.0 : 0.0;
  } else if (parsed.ec != std::errc() || parsed.ptr != p_) {
    return Fail(start, "invalid number");
  }
  result.double_ = d;
  *value = std::move(result);
  return true;
}

std::string JsonParser::DescribeChar(const char* at) const {
  if (at >= end_) return "end of input";
  const auto c = static_cast<unsigned char>(*at);
  if (c >= 0x20 && c < 0x7F)
    return std::string("character '") + static_cast<char>(c) + "'";
  if (c < 0x80) return "character " + CodePointLabel(c);
  char32_t cp;
  size_t length;
  if (internal::DecodeStrict(reinterpret_cast<const unsigned char*>(at),
                             reinterpret_cast<const unsigned char*>(end_), &cp,
                             &length) != internal::Utf8Error::kNone) {
    return "byte 0x" + HexByte(c) + " (invalid UTF-8)";
  }
  return "character " + CodePointLabel(cp) + " '" + std::string(at, length) +
         "'";
}

std::string JsonParser::CurrentPointer() const {
  std::string pointer;
  for (const Frame& frame : frames_) {
    if (!frame.in_value) break;
    if (pointer.size() > kMaxPointerInMessage) {
      pointer += "/...";
      break;
    }
    if (frame.is_object) {
      PointerPush(pointer, frame.key);
    } else {
      PointerPush(pointer, frame.count);
    }
  }
  return pointer;
}

bool JsonParser::Fail(const char* at, std::string what) {
  size_t line = 1;
  const char* line_start = begin_;
  for (const char* q = begin_; q < at; ++q) {
    if (*q == '\n') {
      ++line;
      line_start = q + 1;
    }
  }
  const size_t column = CountCodePoints(std::string_view(
                            line_start, static_cast<size_t>(at - line_start))) +
                        1;
  std::string message =
      "line " + internal::FormatInt(static_cast<int64_t>(line)) + ", column " +
      internal::FormatInt(static_cast<int64_t>(column)) + " (byte " +
      internal::FormatInt(static_cast<int64_t>(at - begin_)) +
      "): " + std::move(what);
  const std::string pointer = CurrentPointer();
  if (!pointer.empty()) {
    message += " at ";
    message += pointer;
  }
  error_ = ParseError(std::move(message));
  return false;
}

Result<Json> ParseJson(std::string_view text, const ParseOptions& options) {
  JsonParser parser(text, options);
  return parser.Parse();
}

// ---------------------------------------------------------------------------
// Writers

namespace {

enum class Style { kCompact, kCanonical, kPretty };

void WriteString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const unsigned char* run = p;
    while (p < end) {
      if (*p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') {
        ++p;
        continue;
      }
      if (*p < 0x80) break;
      char32_t cp;
      size_t length;
      if (internal::DecodeStrict(p, end, &cp, &length) !=
          internal::Utf8Error::kNone)
        break;
      p += length;
    }
    out.append(reinterpret_cast<const char*>(run),
               static_cast<size_t>(p - run));
    if (p == end) break;
    const unsigned char c = *p;
    if (c >= 0x80) {
      AppendUtf8(out, kReplacementChar);
      ++p;
      continue;
    }
    ++p;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
        break;
    }
  }
  out.push_back('"');
}

// UTF-16 code unit order of one code point's first unit (its high surrogate
// when supplementary).
uint32_t Utf16LeadKey(char32_t cp) {
  return cp < 0x10000 ? static_cast<uint32_t>(cp)
                      : 0xD800 + ((cp - 0x10000) >> 10);
}

bool Utf16Less(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j] && static_cast<unsigned char>(a[i]) < 0x80) {
      ++i;
      ++j;
      continue;
    }
    const char32_t ca = DecodeUtf8(a, i);
    const char32_t cb = DecodeUtf8(b, j);
    if (ca == cb) continue;
    const uint32_t ka = Utf16LeadKey(ca);
    const uint32_t kb = Utf16LeadKey(cb);
    if (ka != kb) return ka < kb;
    return ca < cb;
  }
  return (a.size() - i) < (b.size() - j);
}

void WriteNumber(std::string& out, const Json& value, Style style) {
  if (style != Style::kCanonical) {
    out += value.number_text();
    return;
  }
  if (value.is_integer()) {
    out += internal::FormatInt(value.as_int());
  } else {
    out += internal::FormatDouble(value.as_number());
  }
}

void Indent(std::string& out, int depth) {
  out.push_back('\n');
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

void WriteValue(std::string& out, const Json& value, Style style, int depth) {
  switch (value.type()) {
    case Json::Type::kNull:
      out += "null";
      return;
    case Json::Type::kBool:
      out += value.as_bool() ? "true" : "false";
      return;
    case Json::Type::kNumber:
      WriteNumber(out, value, style);
      return;
    case Json::Type::kString:
      WriteString(out, value.as_string());
      return;
    case Json::Type::kArray: {
      const Json::Array& elements = value.as_array();
      out.push_back('[');
      for (size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out.push_back(',');
        if (style == Style::kPretty) Indent(out, depth + 1);
        WriteValue(out, elements[i], style, depth + 1);
      }
      if (style == Style::kPretty && !elements.empty()) Indent(out, depth);
      out.push_back(']');
      return;
    }
    case Json::Type::kObject: {
      using Member = std::pair<std::string, Json>;
      const Json::Object& members = value.as_object();
      // Most objects have a few members: they are ordered in place, without allocating, by
      // insertion (stable, and linear when the keys come sorted); larger ones by stable_sort.
      constexpr size_t kInline = 24;
      const Member* inline_order[kInline];
      std::vector<const Member*> heap_order;
      const Member** order = inline_order;
      if (members.size() > kInline) {
        heap_order.resize(members.size());
        order = heap_order.data();
      }
      size_t n = 0;
      for (const Member& member : members) order[n++] = &member;
      auto less = [](const Member* a, const Member* b) { return Utf16Less(a->first, b->first); };
      if (style == Style::kCanonical && n <= kInline) {
        for (size_t i = 1; i < n; ++i) {
          const Member* m = order[i];
          size_t j = i;
          for (; j > 0 && less(m, order[j - 1]); --j) order[j] = order[j - 1];
          order[j] = m;
        }
      } else if (style == Style::kCanonical) {
        std::stable_sort(heap_order.begin(), heap_order.end(), less);
      }
      out.push_back('{');
      for (size_t i = 0; i < n; ++i) {
        if (i > 0) out.push_back(',');
        if (style == Style::kPretty) Indent(out, depth + 1);
        WriteString(out, order[i]->first);
        out += style == Style::kPretty ? ": " : ":";
        WriteValue(out, order[i]->second, style, depth + 1);
      }
      if (style == Style::kPretty && n != 0) Indent(out, depth);
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

std::string WriteJson(const Json& value) {
  std::string out;
  WriteValue(out, value, Style::kCompact, 0);
  return out;
}

std::string WriteCanonicalJson(const Json& value) {
  std::string out;
  WriteValue(out, value, Style::kCanonical, 0);
  return out;
}

std::string WritePrettyJson(const Json& value) {
  std::string out;
  WriteValue(out, value, Style::kPretty, 0);
  return out;
}

}  // namespace beian::core
