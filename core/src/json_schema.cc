#include "beian/core/json_schema.h"

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "beian/core/civil_date.h"
#include "beian/core/utf8.h"
#include "class_pattern.h"
#include "number_format.h"

namespace beian::core {
namespace {

// Strings longer than this are not matched against `pattern` (and fail it).
constexpr size_t kMaxPatternInputBytes = 4096;
// std::regex recurses once per input character; longer inputs are matched on a
// thread whose stack is large enough for kMaxPatternInputBytes characters of
// any reasonable pattern.
constexpr size_t kInlinePatternInputBytes = 256;
constexpr size_t kPatternStackBytes = 64 * 1024 * 1024;
// Enum values listed in one message at most.
constexpr size_t kMaxListedEnumValues = 10;
// Code points of a string value quoted in a message at most.
constexpr size_t kMaxQuotedCodePoints = 40;

enum TypeBit : uint32_t {
  kNullBit = 1,
  kBooleanBit = 2,
  kObjectBit = 4,
  kArrayBit = 8,
  kNumberBit = 16,
  kIntegerBit = 32,
  kStringBit = 64,
};

struct TypeInfo {
  std::string_view name;
  TypeBit bit;
  std::string_view zh;
};

constexpr TypeInfo kTypes[] = {
    {"null", kNullBit, "空值"},       {"boolean", kBooleanBit, "布尔值"},
    {"object", kObjectBit, "对象"},   {"array", kArrayBit, "数组"},
    {"number", kNumberBit, "数字"},   {"integer", kIntegerBit, "整数"},
    {"string", kStringBit, "字符串"},
};

const TypeInfo* FindType(std::string_view name) {
  for (const TypeInfo& info : kTypes) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

enum class Format { kNone, kDate, kDateTime };

struct Node {
  std::string location;  // JSON Pointer of this schema inside the root schema
  bool is_bool = false;
  bool bool_value = true;
  std::string label;
  std::vector<const TypeInfo*> types;
  uint32_t type_mask = 0;
  std::vector<std::pair<std::string, int>> properties;
  std::vector<std::string> required;
  int additional = -1;
  int items = -1;
  std::optional<uint64_t> min_items;
  std::optional<uint64_t> max_items;
  // The smallest maxItems of this schema and those it applies to the same
  // value unconditionally ($ref, allOf): an array longer than this is refused
  // and its items are not validated.
  uint64_t items_limit = std::numeric_limits<uint64_t>::max();
  bool multiline = false;  // x-multiline: the string may hold line breaks
  std::optional<uint64_t> min_length;
  std::optional<uint64_t> max_length;
  std::optional<std::vector<Json>> enum_values;
  std::optional<Json> const_value;
  std::optional<std::string> pattern;
  std::regex regex;
  std::optional<ClassPattern> class_pattern;  // when the pattern is that simple
  std::optional<double> minimum;
  std::optional<double> maximum;
  Format format = Format::kNone;
  int ref = -1;
  std::vector<int> all_of;
  std::vector<int> any_of;
  std::vector<int> one_of;
  int if_schema = -1;
  int then_schema = -1;
  int else_schema = -1;
  int not_schema = -1;

  int FindProperty(std::string_view name) const {
    for (const auto& property : properties) {
      if (property.first == name) return property.second;
    }
    return -1;
  }
};

std::string Num(double value) { return internal::FormatDouble(value); }

std::string Num(uint64_t value) {
  return internal::FormatInt(static_cast<int64_t>(value));
}

bool IsDigits(std::string_view s, size_t pos, size_t count) {
  if (pos + count > s.size()) return false;
  for (size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

int ReadInt(std::string_view s, size_t pos, size_t count) {
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) value = value * 10 + (s[i] - '0');
  return value;
}

bool IsFullDate(std::string_view s) {
  if (s.size() != 10 || !IsDigits(s, 0, 4) || s[4] != '-' ||
      !IsDigits(s, 5, 2) || s[7] != '-' || !IsDigits(s, 8, 2)) {
    return false;
  }
  const int year = ReadInt(s, 0, 4);
  const int month = ReadInt(s, 5, 2);
  const int day = ReadInt(s, 8, 2);
  return Date::IsValid(year, month, day);
}

bool IsDateTime(std::string_view s) {
  if (s.size() < 20 || !IsFullDate(s.substr(0, 10))) return false;
  if (s[10] != 'T' && s[10] != 't') return false;
  if (!IsDigits(s, 11, 2) || s[13] != ':' || !IsDigits(s, 14, 2) ||
      s[16] != ':' || !IsDigits(s, 17, 2)) {
    return false;
  }
  if (ReadInt(s, 11, 2) > 23 || ReadInt(s, 14, 2) > 59 ||
      ReadInt(s, 17, 2) > 60)
    return false;
  size_t pos = 19;
  if (s[pos] == '.') {
    ++pos;
    const size_t digits_start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == digits_start) return false;
  }
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  if (s.size() != pos + 6 || !IsDigits(s, pos + 1, 2) || s[pos + 3] != ':' ||
      !IsDigits(s, pos + 4, 2)) {
    return false;
  }
  return ReadInt(s, pos + 1, 2) <= 23 && ReadInt(s, pos + 4, 2) <= 59;
}

std::string SchemaWhere(const std::string& location) {
  return "schema #" + location + ": ";
}

// ---------------------------------------------------------------------------
// Compilation

class SchemaCompiler {
 public:
  explicit SchemaCompiler(const Json& root) : root_(root) {}

  Result<std::vector<Node>> Run() {
    BEIAN_ASSIGN_OR_RETURN(const int root_index, CompileAt(""));
    (void)root_index;
    if (const Json* defs = root_.Find("$defs");
        defs != nullptr && defs->is_object()) {
      for (const auto& def : defs->as_object()) {
        BEIAN_ASSIGN_OR_RETURN(const int index,
                               CompileAt(PointerAppend("/$defs", def.first)));
        (void)index;
      }
    }
    BEIAN_RETURN_IF_ERROR(CheckCycles());
    std::vector<bool> done(nodes_.size(), false);
    for (size_t i = 0; i < nodes_.size(); ++i) {
      ItemsLimit(static_cast<int>(i), &done);
    }
    return std::move(nodes_);
  }

 private:
  Result<int> CompileAt(const std::string& pointer) {
    if (auto it = memo_.find(pointer); it != memo_.end()) return it->second;
    const Json* schema = root_.At(pointer);
    if (schema == nullptr)
      return InvalidArgument(SchemaWhere(pointer) + "schema not found");
    const int index = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    memo_.emplace(pointer, index);
    Node node;
    node.location = pointer;
    BEIAN_RETURN_IF_ERROR(Fill(*schema, &node));
    nodes_[static_cast<size_t>(index)] = std::move(node);
    return index;
  }

  Result<uint64_t> NonNegativeInt(const Json& value, const Node& node,
                                  std::string_view keyword) {
    if (!value.is_integer() || value.as_int() < 0) {
      return InvalidArgument(SchemaWhere(node.location) + std::string(keyword) +
                             " must be a non-negative integer");
    }
    return static_cast<uint64_t>(value.as_int());
  }

  Result<std::vector<int>> SchemaList(const Json& value, const Node& node,
                                      const std::string& keyword) {
    if (!value.is_array() || value.size() == 0) {
      return InvalidArgument(SchemaWhere(node.location) + keyword +
                             " must be a non-empty array of schemas");
    }
    std::vector<int> result;
    const std::string base = PointerAppend(node.location, keyword);
    for (size_t i = 0; i < value.size(); ++i) {
      BEIAN_ASSIGN_OR_RETURN(const int index,
                             CompileAt(PointerAppend(base, i)));
      result.push_back(index);
    }
    return result;
  }

  Status Fill(const Json& schema, Node* node) {
    if (schema.is_bool()) {
      node->is_bool = true;
      node->bool_value = schema.as_bool();
      return Status::Ok();
    }
    if (!schema.is_object()) {
      return InvalidArgument(SchemaWhere(node->location) +
                             "a schema must be an object or a boolean");
    }
    for (const auto& [keyword, value] : schema.as_object()) {
      BEIAN_RETURN_IF_ERROR(FillKeyword(keyword, value, node));
    }
    return Status::Ok();
  }

  Status FillKeyword(const std::string& keyword, const Json& value,
                     Node* node) {
    const std::string& where = node->location;
    auto bad = [&](const std::string& what) {
      return InvalidArgument(SchemaWhere(where) + keyword + " " + what);
    };
    auto sub = [&](int* out) -> Status {
      BEIAN_ASSIGN_OR_RETURN(*out, CompileAt(PointerAppend(where, keyword)));
      return Status::Ok();
    };
    if (keyword == "$schema" || keyword == "$id" || keyword == "title" ||
        keyword == "description" || keyword == "examples" ||
        keyword == "default" || keyword == "$comment") {
      return Status::Ok();
    }
    if (keyword == "x-label") {
      if (!value.is_string()) return bad("must be a string");
      node->label = value.as_string();
      return Status::Ok();
    }
    if (keyword == "x-multiline") {
      if (!value.is_bool()) return bad("must be true or false");
      node->multiline = value.as_bool();
      return Status::Ok();
    }
    if (keyword == "type") {
      std::vector<const Json*> names;
      if (value.is_string()) {
        names.push_back(&value);
      } else if (value.is_array() && value.size() > 0) {
        for (const Json& name : value.as_array()) names.push_back(&name);
      } else {
        return bad("must be a type name or a non-empty array of type names");
      }
      for (const Json* name : names) {
        const TypeInfo* info =
            name->is_string() ? FindType(name->as_string()) : nullptr;
        if (info == nullptr)
          return bad("has an unknown type " + WriteJson(*name));
        if ((node->type_mask & info->bit) == 0) node->types.push_back(info);
        node->type_mask |= info->bit;
      }
      return Status::Ok();
    }
    if (keyword == "properties") {
      if (!value.is_object()) return bad("must be an object of schemas");
      const std::string base = PointerAppend(where, "properties");
      for (const auto& property : value.as_object()) {
        BEIAN_ASSIGN_OR_RETURN(const int index,
                               CompileAt(PointerAppend(base, property.first)));
        node->properties.emplace_back(property.first, index);
      }
      return Status::Ok();
    }
    if (keyword == "required") {
      if (!value.is_array()) return bad("must be an array of strings");
      for (const Json& name : value.as_array()) {
        if (!name.is_string()) return bad("must be an array of strings");
        if (std::find(node->required.begin(), node->required.end(),
                      name.as_string()) == node->required.end()) {
          node->required.push_back(name.as_string());
        }
      }
      return Status::Ok();
    }
    if (keyword == "additionalProperties") return sub(&node->additional);
    if (keyword == "items") {
      if (value.is_array())
        return bad("must be a single schema (tuple form is not supported)");
      return sub(&node->items);
    }
    if (keyword == "minItems" || keyword == "maxItems" ||
        keyword == "minLength" || keyword == "maxLength") {
      BEIAN_ASSIGN_OR_RETURN(const uint64_t limit,
                             NonNegativeInt(value, *node, keyword));
      if (keyword == "minItems") node->min_items = limit;
      if (keyword == "maxItems") node->max_items = limit;
      if (keyword == "minLength") node->min_length = limit;
      if (keyword == "maxLength") node->max_length = limit;
      return Status::Ok();
    }
    if (keyword == "enum") {
      if (!value.is_array()) return bad("must be an array");
      node->enum_values = value.as_array();
      return Status::Ok();
    }
    if (keyword == "const") {
      node->const_value = value;
      return Status::Ok();
    }
    if (keyword == "pattern") {
      if (!value.is_string()) return bad("must be a string");
      try {
        node->regex = std::regex(value.as_string(), std::regex::ECMAScript);
      } catch (const std::regex_error& error) {
        return bad("is not a valid ECMAScript regular expression: " +
                   std::string(error.what()));
      }
      node->pattern = value.as_string();
      node->class_pattern = ClassPattern::Compile(value.as_string());
      return Status::Ok();
    }
    if (keyword == "minimum" || keyword == "maximum") {
      if (!value.is_number()) return bad("must be a number");
      (keyword == "minimum" ? node->minimum : node->maximum) =
          value.as_number();
      return Status::Ok();
    }
    if (keyword == "format") {
      if (value.is_string() && value.as_string() == "date") {
        node->format = Format::kDate;
      } else if (value.is_string() && value.as_string() == "date-time") {
        node->format = Format::kDateTime;
      } else {
        return bad("value " + WriteJson(value) +
                   " is not supported (only \"date\", \"date-time\")");
      }
      return Status::Ok();
    }
    if (keyword == "$ref") {
      if (!value.is_string() || value.as_string().empty() ||
          value.as_string()[0] != '#') {
        return bad("must be a local reference such as \"#/$defs/name\"");
      }
      const std::string target = value.as_string().substr(1);
      if (!target.empty() && target[0] != '/') {
        return bad("must be a local reference such as \"#/$defs/name\"");
      }
      if (root_.At(target) == nullptr)
        return bad("target " + value.as_string() + " not found");
      BEIAN_ASSIGN_OR_RETURN(node->ref, CompileAt(target));
      return Status::Ok();
    }
    if (keyword == "$defs") {
      if (!value.is_object()) return bad("must be an object of schemas");
      const std::string base = PointerAppend(where, "$defs");
      for (const auto& def : value.as_object()) {
        BEIAN_ASSIGN_OR_RETURN(const int index,
                               CompileAt(PointerAppend(base, def.first)));
        (void)index;
      }
      return Status::Ok();
    }
    if (keyword == "allOf") {
      BEIAN_ASSIGN_OR_RETURN(node->all_of, SchemaList(value, *node, keyword));
      return Status::Ok();
    }
    if (keyword == "anyOf") {
      BEIAN_ASSIGN_OR_RETURN(node->any_of, SchemaList(value, *node, keyword));
      return Status::Ok();
    }
    if (keyword == "oneOf") {
      BEIAN_ASSIGN_OR_RETURN(node->one_of, SchemaList(value, *node, keyword));
      return Status::Ok();
    }
    if (keyword == "if") return sub(&node->if_schema);
    if (keyword == "then") return sub(&node->then_schema);
    if (keyword == "else") return sub(&node->else_schema);
    if (keyword == "not") return sub(&node->not_schema);
    return InvalidArgument(SchemaWhere(where) + "unsupported keyword \"" +
                           keyword + "\"");
  }

  // Fills nodes_[index].items_limit (and those it depends on); CheckCycles
  // has made sure $ref and allOf chains end.
  uint64_t ItemsLimit(int index, std::vector<bool>* done) {
    Node& node = nodes_[static_cast<size_t>(index)];
    if ((*done)[static_cast<size_t>(index)]) return node.items_limit;
    uint64_t limit =
        node.max_items.value_or(std::numeric_limits<uint64_t>::max());
    if (node.ref >= 0) limit = std::min(limit, ItemsLimit(node.ref, done));
    for (int sub : node.all_of) limit = std::min(limit, ItemsLimit(sub, done));
    node.items_limit = limit;
    (*done)[static_cast<size_t>(index)] = true;
    return limit;
  }

  // Rejects cycles of applicators that stay at the same data location (e.g.
  // {"$ref": "#"}), which would never terminate during validation.
  Status CheckCycles() const {
    std::vector<int> state(nodes_.size(),
                           0);  // 0 unvisited, 1 on stack, 2 done
    for (size_t i = 0; i < nodes_.size(); ++i) {
      BEIAN_RETURN_IF_ERROR(Visit(static_cast<int>(i), &state));
    }
    return Status::Ok();
  }

  Status Visit(int index, std::vector<int>* state) const {
    int& mark = (*state)[static_cast<size_t>(index)];
    if (mark == 2) return Status::Ok();
    if (mark == 1) {
      return InvalidArgument(
          SchemaWhere(nodes_[static_cast<size_t>(index)].location) +
          "$ref cycle that never descends into the data");
    }
    mark = 1;
    const Node& node = nodes_[static_cast<size_t>(index)];
    std::vector<int> next = {node.ref, node.if_schema, node.then_schema,
                             node.else_schema, node.not_schema};
    next.insert(next.end(), node.all_of.begin(), node.all_of.end());
    next.insert(next.end(), node.any_of.begin(), node.any_of.end());
    next.insert(next.end(), node.one_of.begin(), node.one_of.end());
    for (int child : next) {
      if (child >= 0) BEIAN_RETURN_IF_ERROR(Visit(child, state));
    }
    (*state)[static_cast<size_t>(index)] = 2;
    return Status::Ok();
  }

  const Json& root_;
  std::vector<Node> nodes_;
  std::map<std::string, int> memo_;
};

// ---------------------------------------------------------------------------
// Pattern matching

enum class MatchResult { kMatch, kNoMatch, kError };

struct RegexJob {
  const std::regex* regex;
  const std::string* text;
  MatchResult result = MatchResult::kError;
};

void RunRegexJob(RegexJob* job) {
  try {
    job->result = std::regex_search(*job->text, *job->regex)
                      ? MatchResult::kMatch
                      : MatchResult::kNoMatch;
  } catch (const std::exception&) {
    job->result = MatchResult::kError;
  }
}

void* RegexThreadMain(void* arg) {
  RunRegexJob(static_cast<RegexJob*>(arg));
  return nullptr;
}

MatchResult SearchPattern(const std::regex& regex, const std::string& text) {
  RegexJob job{&regex, &text};
  if (text.size() <= kInlinePatternInputBytes) {
    RunRegexJob(&job);
    return job.result;
  }
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return MatchResult::kError;
  pthread_t thread;
  const bool started =
      pthread_attr_setstacksize(&attr, kPatternStackBytes) == 0 &&
      pthread_create(&thread, &attr, RegexThreadMain, &job) == 0;
  pthread_attr_destroy(&attr);
  if (!started) return MatchResult::kError;
  pthread_join(thread, nullptr);
  return job.result;
}

// ---------------------------------------------------------------------------
// Validation

struct Finding {
  std::vector<uint32_t>
      order;  // positions of the path's members/elements in the data
  Problem problem;
  std::string raw_message;  // Chinese message without the label prefix
  bool type_mismatch_here = false;
};

std::string QuoteZh(std::string_view text) {
  std::string out = "“";
  size_t pos = 0;
  size_t count = 0;
  while (pos < text.size() && count < kMaxQuotedCodePoints) {
    AppendUtf8(out, DecodeUtf8(text, pos));
    ++count;
  }
  if (pos < text.size()) out += "…";
  out += "”";
  return out;
}

std::string Truncated(std::string text) {
  const size_t limit = kMaxQuotedCodePoints * 2;
  if (CountCodePoints(text) <= limit) return text;
  size_t pos = 0;
  for (size_t i = 0; i < limit; ++i) DecodeUtf8(text, pos);
  text.resize(pos);
  return text + "...";
}

std::string ShowZh(const Json& value) {
  if (value.is_string()) return QuoteZh(value.as_string());
  return Truncated(WriteJson(value));
}

std::string ShowEn(const Json& value) { return Truncated(WriteJson(value)); }

std::string_view TypeNameEn(const Json& value) {
  switch (value.type()) {
    case Json::Type::kNull:
      return "null";
    case Json::Type::kBool:
      return "boolean";
    case Json::Type::kNumber:
      return "number";
    case Json::Type::kString:
      return "string";
    case Json::Type::kArray:
      return "array";
    case Json::Type::kObject:
      return "object";
  }
  return "unknown";
}

std::string_view TypeNameZh(const Json& value) {
  return FindType(TypeNameEn(value))->zh;
}

bool MatchesType(uint32_t mask, const Json& value) {
  switch (value.type()) {
    case Json::Type::kNull:
      return (mask & kNullBit) != 0;
    case Json::Type::kBool:
      return (mask & kBooleanBit) != 0;
    case Json::Type::kString:
      return (mask & kStringBit) != 0;
    case Json::Type::kArray:
      return (mask & kArrayBit) != 0;
    case Json::Type::kObject:
      return (mask & kObjectBit) != 0;
    case Json::Type::kNumber: {
      if ((mask & kNumberBit) != 0) return true;
      const double d = value.as_number();
      return (mask & kIntegerBit) != 0 && std::isfinite(d) &&
             std::floor(d) == d;
    }
  }
  return false;
}

// One validation: the findings it keeps (the first `max_kept` distinct ones
// found) and what it learns about the data on the way.
class Validator {
 public:
  Validator(const std::vector<Node>& nodes, size_t max_kept)
      : nodes_(nodes), max_kept_(max_kept) {}

  void Run(const Json& data) { Check(0, data, "", &kept_); }

  // The kept findings, in the order they were found.
  std::vector<Finding>& kept() { return kept_; }

  // Distinct findings found beyond the kept ones.
  size_t Unlisted() {
    std::sort(unlisted_.begin(), unlisted_.end());
    return static_cast<size_t>(std::unique(unlisted_.begin(), unlisted_.end()) -
                               unlisted_.begin());
  }

  std::vector<std::pair<std::string, uint64_t>>& overlong() {
    return overlong_;
  }
  std::unordered_set<const Json*>& multiline() { return multiline_; }

 private:
  const Node& node(int index) const {
    return nodes_[static_cast<size_t>(index)];
  }

  // What makes two findings one.
  static std::string FindingKey(std::string_view path, std::string_view code,
                                std::string_view message_en) {
    std::string key;
    key.reserve(path.size() + code.size() + message_en.size() + 2);
    key += path;
    key += '\0';
    key += code;
    key += '\0';
    key += message_en;
    return key;
  }

  // Appends to `out`; the validation's own list keeps each finding once (the
  // same path, code and English message is the same finding, whichever
  // schema found it) and at most max_kept_ of them, counting the rest.
  void Add(std::vector<Finding>* out, Finding finding) {
    if (out != &kept_) {
      out->push_back(std::move(finding));
      return;
    }
    std::string key = FindingKey(finding.problem.path, finding.problem.code,
                                 finding.problem.message_en);
    if (kept_keys_.count(key) != 0) return;
    if (kept_.size() < max_kept_) {
      kept_keys_.insert(std::move(key));
      kept_.push_back(std::move(finding));
    } else {
      unlisted_.push_back(std::hash<std::string>{}(key));
    }
  }

  void Emit(std::vector<Finding>* out, const std::string& path,
            std::string_view code, const std::string& label, std::string zh,
            std::string en, bool type_mismatch = false) {
    if (out == &kept_ && kept_.size() >= max_kept_) {
      // Only counted: no need to build the finding.
      const std::string key = FindingKey(path, code, en);
      if (kept_keys_.count(key) == 0)
        unlisted_.push_back(std::hash<std::string>{}(key));
      return;
    }
    Finding finding;
    finding.order = order_;
    finding.problem.path = path;
    finding.problem.code = std::string(code);
    finding.problem.message = label.empty() ? zh : label + "：" + zh;
    finding.problem.message_en = std::move(en);
    finding.raw_message = std::move(zh);
    finding.type_mismatch_here = type_mismatch;
    Add(out, std::move(finding));
  }

  // The label a property's schema gives the value, following $ref when the
  // schema has none.
  std::string LabelOf(int index) const {
    for (size_t hops = 0; index >= 0 && hops <= nodes_.size(); ++hops) {
      if (!node(index).label.empty()) return node(index).label;
      index = node(index).ref;
    }
    return std::string();
  }

  std::vector<Finding> Trial(int index, const Json& data,
                             const std::string& label) {
    std::vector<Finding> findings;
    ++trial_depth_;
    Check(index, data, label, &findings);
    --trial_depth_;
    return findings;
  }

  // Among failed alternatives, the only one whose type fits the data, if
  // exactly one does.
  static int SoleTypeFit(const std::vector<std::vector<Finding>>& trials,
                         const std::string& path) {
    int fit = -1;
    for (size_t i = 0; i < trials.size(); ++i) {
      const bool type_failed = std::any_of(
          trials[i].begin(), trials[i].end(), [&](const Finding& finding) {
            return finding.type_mismatch_here && finding.problem.path == path;
          });
      if (type_failed) continue;
      if (fit >= 0) return -1;
      fit = static_cast<int>(i);
    }
    return fit;
  }

  static const Finding* BestHint(
      const std::vector<std::vector<Finding>>& trials) {
    const Finding* best = nullptr;
    size_t best_count = 0;
    for (const auto& trial : trials) {
      if (trial.empty()) continue;
      if (best == nullptr || trial.size() < best_count) {
        best = &trial.front();
        best_count = trial.size();
      }
    }
    return best;
  }

  void Alternatives(const std::vector<int>& branches, bool exactly_one,
                    const Json& data, const std::string& label,
                    std::vector<Finding>* out) {
    std::vector<std::vector<Finding>> trials;
    trials.reserve(branches.size());
    size_t passed = 0;
    for (int branch : branches) {
      trials.push_back(Trial(branch, data, label));
      if (trials.back().empty()) ++passed;
    }
    const std::string_view code =
        exactly_one ? "schema.one_of" : "schema.any_of";
    if (passed == 1 || (passed > 1 && !exactly_one)) return;
    if (passed > 1) {
      Emit(out, path_, code, label,
           "同时符合多种格式（" + Num(static_cast<uint64_t>(passed)) +
               " 种），只能符合其中一种",
           "matches " + Num(static_cast<uint64_t>(passed)) +
               " alternatives, exactly one expected");
      return;
    }
    const int fit = SoleTypeFit(trials, path_);
    if (fit >= 0) {
      for (Finding& finding : trials[static_cast<size_t>(fit)])
        Add(out, std::move(finding));
      return;
    }
    std::string zh = "不符合任何一种允许的格式";
    std::string en = "matches none of the allowed alternatives";
    if (const Finding* hint = BestHint(trials); hint != nullptr) {
      zh += "（例如：" + hint->raw_message + "）";
      en += " (e.g. " + hint->problem.message_en + ")";
    }
    Emit(out, path_, code, label, std::move(zh), std::move(en));
  }

  void Check(int index, const Json& data, const std::string& inherited_label,
             std::vector<Finding>* out) {
    if (&data == value_) {
      CheckValue(index, data, inherited_label, out);
      return;
    }
    // The first schema to see a value decides how many items an array may
    // have before they go unvalidated; the schemas it applies to the same
    // value keep that limit.
    const Json* outer_value = value_;
    const uint64_t outer_limit = items_limit_;
    value_ = &data;
    items_limit_ = node(index).items_limit;
    CheckValue(index, data, inherited_label, out);
    value_ = outer_value;
    items_limit_ = outer_limit;
  }

  void CheckValue(int index, const Json& data,
                  const std::string& inherited_label,
                  std::vector<Finding>* out) {
    const Node& n = node(index);
    if (n.is_bool) {
      if (!n.bool_value) {
        Emit(out, path_, "schema.not", inherited_label, "此处不允许有值",
             "no value is allowed here");
      }
      return;
    }
    const std::string& label = n.label.empty() ? inherited_label : n.label;

    if (n.type_mask != 0 && !MatchesType(n.type_mask, data)) {
      std::string zh = "类型错误：应为";
      std::string en = "wrong type: expected ";
      for (size_t i = 0; i < n.types.size(); ++i) {
        if (i > 0) {
          zh += "或";
          en += " or ";
        }
        zh += n.types[i]->zh;
        en += n.types[i]->name;
      }
      zh += "，实际为";
      zh += TypeNameZh(data);
      en += ", got ";
      en += TypeNameEn(data);
      Emit(out, path_, "schema.type", label, std::move(zh), std::move(en),
           true);
      return;
    }

    if (n.ref >= 0) Check(n.ref, data, label, out);

    if (n.const_value.has_value() && !(data == *n.const_value)) {
      Emit(out, path_, "schema.const", label,
           "值必须为 " + ShowZh(*n.const_value) + "，实际为 " + ShowZh(data),
           "value must be " + ShowEn(*n.const_value) + ", got " + ShowEn(data));
    }
    if (n.enum_values.has_value() &&
        std::find(n.enum_values->begin(), n.enum_values->end(), data) ==
            n.enum_values->end()) {
      std::string zh = "值不在允许范围内：可选值为 ";
      std::string en = "value must be one of ";
      const size_t count = n.enum_values->size();
      for (size_t i = 0; i < count && i < kMaxListedEnumValues; ++i) {
        if (i > 0) {
          zh += "、";
          en += ", ";
        }
        const Json& allowed = (*n.enum_values)[i];
        zh += allowed.is_string() ? allowed.as_string() : WriteJson(allowed);
        en += ShowEn(allowed);
      }
      if (count > kMaxListedEnumValues) {
        zh += " 等 " + Num(static_cast<uint64_t>(count)) + " 项";
        en += ", ... (" + Num(static_cast<uint64_t>(count)) + " values)";
      }
      zh += "，实际为 " + ShowZh(data);
      en += "; got " + ShowEn(data);
      Emit(out, path_, "schema.enum", label, std::move(zh), std::move(en));
    }

    switch (data.type()) {
      case Json::Type::kString:
        CheckString(n, data.as_string(), label, out);
        break;
      case Json::Type::kNumber:
        CheckNumber(n, data.as_number(), label, out);
        break;
      case Json::Type::kArray:
        CheckArray(n, data.as_array(), label, out);
        break;
      case Json::Type::kObject:
        CheckObject(n, data.as_object(), out);
        break;
      case Json::Type::kNull:
      case Json::Type::kBool:
        break;
    }

    for (int sub : n.all_of) Check(sub, data, label, out);
    if (!n.any_of.empty()) Alternatives(n.any_of, false, data, label, out);
    if (!n.one_of.empty()) Alternatives(n.one_of, true, data, label, out);
    if (n.not_schema >= 0 && Trial(n.not_schema, data, label).empty()) {
      Emit(out, path_, "schema.not", label, "不允许的值：" + ShowZh(data),
           "value " + ShowEn(data) + " matches a schema it must not match");
    }
    if (n.if_schema >= 0) {
      const int branch = Trial(n.if_schema, data, label).empty()
                             ? n.then_schema
                             : n.else_schema;
      if (branch >= 0) Check(branch, data, label, out);
    }
  }

  void CheckString(const Node& n, const std::string& text,
                   const std::string& label, std::vector<Finding>* out) {
    if (n.multiline) multiline_.insert(value_);
    if (n.min_length.has_value() || n.max_length.has_value()) {
      const uint64_t length = CountCodePoints(text);
      if (n.min_length.has_value() && length < *n.min_length) {
        Emit(out, path_, "schema.min_length", label,
             "长度不得少于 " + Num(*n.min_length) + " 个字符（实际 " +
                 Num(length) + " 个）",
             "too short: at least " + Num(*n.min_length) + " characters, got " +
                 Num(length));
      }
      if (n.max_length.has_value() && length > *n.max_length) {
        Emit(out, path_, "schema.max_length", label,
             "长度不得超过 " + Num(*n.max_length) + " 个字符（实际 " +
                 Num(length) + " 个）",
             "too long: " + Num(*n.max_length) + " characters at most, got " +
                 Num(length));
      }
    }
    if (n.pattern.has_value()) {
      if (text.size() > kMaxPatternInputBytes) {
        Emit(out, path_, "schema.pattern", label,
             "格式不正确（内容超过 " +
                 Num(static_cast<uint64_t>(kMaxPatternInputBytes)) +
                 " 字节，无法校验格式）",
             "string of " + Num(static_cast<uint64_t>(text.size())) +
                 " bytes is too long to check against pattern " + *n.pattern);
      } else {
        const MatchResult result =
            n.class_pattern
                ? (n.class_pattern->Matches(text) ? MatchResult::kMatch
                                                  : MatchResult::kNoMatch)
                : SearchPattern(n.regex, text);
        if (result == MatchResult::kNoMatch) {
          Emit(out, path_, "schema.pattern", label,
               "格式不正确：" + QuoteZh(text),
               "does not match pattern " + *n.pattern + ": " +
                   ShowEn(Json(text)));
        } else if (result == MatchResult::kError) {
          Emit(out, path_, "schema.pattern", label,
               "格式不正确（无法校验格式）",
               "pattern " + *n.pattern + " could not be evaluated");
        }
      }
    }
    if (n.format == Format::kDate && !IsFullDate(text)) {
      Emit(out, path_, "schema.format", label,
           "日期格式不正确，应为 YYYY-MM-DD 格式的有效日期（如 "
           "2026-11-27），实际为 " +
               QuoteZh(text),
           "invalid date: expected a real calendar date YYYY-MM-DD, got " +
               ShowEn(Json(text)));
    } else if (n.format == Format::kDateTime && !IsDateTime(text)) {
      Emit(out, path_, "schema.format", label,
           "日期时间格式不正确，应为 RFC 3339 格式（如 "
           "2026-11-27T10:00:00+08:00），实际为 " +
               QuoteZh(text),
           "invalid date-time: expected RFC 3339 such as "
           "2026-11-27T10:00:00+08:00, got " +
               ShowEn(Json(text)));
    }
  }

  void CheckNumber(const Node& n, double value, const std::string& label,
                   std::vector<Finding>* out) {
    if (n.minimum.has_value() && value < *n.minimum) {
      Emit(out, path_, "schema.minimum", label,
           "数值不得小于 " + Num(*n.minimum) + "（实际 " + Num(value) + "）",
           "must be >= " + Num(*n.minimum) + ", got " + Num(value));
    }
    if (n.maximum.has_value() && value > *n.maximum) {
      Emit(out, path_, "schema.maximum", label,
           "数值不得大于 " + Num(*n.maximum) + "（实际 " + Num(value) + "）",
           "must be <= " + Num(*n.maximum) + ", got " + Num(value));
    }
  }

  void CheckArray(const Node& n, const Json::Array& elements,
                  const std::string& label, std::vector<Finding>* out) {
    const uint64_t count = elements.size();
    if (n.min_items.has_value() && count < *n.min_items) {
      Emit(
          out, path_, "schema.min_items", label,
          "至少需要 " + Num(*n.min_items) + " 项（实际 " + Num(count) + " 项）",
          "too few items: at least " + Num(*n.min_items) + ", got " +
              Num(count));
    }
    if (n.max_items.has_value() && count > *n.max_items) {
      Emit(
          out, path_, "schema.max_items", label,
          "最多允许 " + Num(*n.max_items) + " 项（实际 " + Num(count) + " 项）",
          "too many items: at most " + Num(*n.max_items) + ", got " +
              Num(count));
    }
    if (count > items_limit_) {
      // Refused as too long: its items are not worth the time.
      too_long_.insert(&elements);
      if (trial_depth_ == 0 && overlong_seen_.insert(&elements).second) {
        overlong_.emplace_back(path_, items_limit_);
      }
      return;
    }
    // Nor when a schema applied to it before (say through the $ref beside
    // this schema's properties) refused it as too long.
    if (too_long_.count(&elements) != 0) return;
    if (n.items < 0) return;
    const size_t path_size = path_.size();
    for (size_t i = 0; i < elements.size(); ++i) {
      PointerPush(path_, i);
      order_.push_back(static_cast<uint32_t>(i));
      Check(n.items, elements[i], std::string(), out);
      order_.pop_back();
      path_.resize(path_size);
    }
  }

  void CheckObject(const Node& n, const Json::Object& members,
                   std::vector<Finding>* out) {
    for (const std::string& name : n.required) {
      const bool present =
          std::any_of(members.begin(), members.end(),
                      [&](const auto& member) { return member.first == name; });
      if (present) continue;
      const int property = n.FindProperty(name);
      Emit(out, PointerAppend(path_, name), "schema.required",
           property >= 0 ? LabelOf(property) : std::string(),
           "缺少必填项 " + name, "missing required field " + name);
    }
    if (n.properties.empty() && n.additional < 0) return;
    const size_t path_size = path_.size();
    for (size_t i = 0; i < members.size(); ++i) {
      const auto& [key, value] = members[i];
      int sub = n.FindProperty(key);
      if (sub < 0) sub = n.additional;
      if (sub < 0) continue;
      PointerPush(path_, key);
      order_.push_back(static_cast<uint32_t>(i));
      if (node(sub).is_bool && !node(sub).bool_value) {
        Emit(out, path_, "schema.additional", std::string(),
             "不允许的字段 " + key, "unknown field " + key);
      } else {
        Check(sub, value, std::string(), out);
      }
      order_.pop_back();
      path_.resize(path_size);
    }
  }

  const std::vector<Node>& nodes_;
  const size_t max_kept_;
  std::string path_;
  std::vector<uint32_t> order_;
  const Json* value_ = nullptr;  // the value being checked
  uint64_t items_limit_ = std::numeric_limits<uint64_t>::max();
  int trial_depth_ = 0;  // > 0 inside anyOf, oneOf, not and if
  std::vector<Finding> kept_;
  std::unordered_set<std::string> kept_keys_;
  std::vector<size_t> unlisted_;  // hashes of findings beyond max_kept_
  std::vector<std::pair<std::string, uint64_t>> overlong_;
  std::unordered_set<const Json::Array*> overlong_seen_;
  std::unordered_set<const Json::Array*> too_long_;
  std::unordered_set<const Json*> multiline_;
};

}  // namespace

struct JsonSchema::Impl {
  std::vector<Node> nodes;
};

JsonSchema::JsonSchema(std::shared_ptr<const Impl> impl)
    : impl_(std::move(impl)) {}

Result<JsonSchema> JsonSchema::Compile(const Json& schema) {
  SchemaCompiler compiler(schema);
  BEIAN_ASSIGN_OR_RETURN(std::vector<Node> nodes, compiler.Run());
  auto impl = std::make_shared<Impl>();
  impl->nodes = std::move(nodes);
  return JsonSchema(std::move(impl));
}

SchemaFindings JsonSchema::Check(const Json& data, size_t max_problems) const {
  Validator validator(impl_->nodes, max_problems);
  validator.Run(data);
  std::vector<Finding>& kept = validator.kept();
  std::stable_sort(
      kept.begin(), kept.end(),
      [](const Finding& a, const Finding& b) { return a.order < b.order; });
  SchemaFindings out;
  out.problems.reserve(kept.size());
  for (Finding& finding : kept)
    out.problems.push_back(std::move(finding.problem));
  out.unlisted = validator.Unlisted();
  out.overlong_arrays = std::move(validator.overlong());
  out.multiline_texts = std::move(validator.multiline());
  return out;
}

std::vector<Problem> JsonSchema::Validate(const Json& data) const {
  return Check(data, std::numeric_limits<size_t>::max()).problems;
}

}  // namespace beian::core
