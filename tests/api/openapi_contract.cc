#include "openapi_contract.h"

#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/json_schema.h"
#include "beian/core/problem.h"
#include "process.h"

namespace beian::api::testing {
namespace {

constexpr std::string_view kSchemaRefPrefix = "#/components/schemas/";
// Deeper schema nesting than this is taken for a runaway spec.
constexpr int kMaxSchemaDepth = 64;
// $ref chains between response objects longer than this are refused.
constexpr int kMaxResponseRefs = 8;
// Body problems quoted in one error message.
constexpr size_t kMaxProblemsShown = 5;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// "Application/JSON; charset=utf-8" -> "application/json".
std::string BareMediaType(std::string_view type) {
  std::string_view bare = type.substr(0, type.find(';'));
  while (!bare.empty() && (bare.back() == ' ' || bare.back() == '\t')) {
    bare.remove_suffix(1);
  }
  while (!bare.empty() && (bare.front() == ' ' || bare.front() == '\t')) {
    bare.remove_prefix(1);
  }
  return Lower(bare);
}

bool IsJsonMediaType(const std::string& media) {
  constexpr std::string_view kSuffix = "+json";
  return media == "application/json" ||
         (media.size() > kSuffix.size() &&
          media.compare(media.size() - kSuffix.size(), kSuffix.size(),
                        kSuffix) == 0);
}

// OpenAPI keywords that annotate and never constrain.
bool IsOpenApiAnnotation(const std::string& keyword) {
  return keyword == "example" || keyword == "readOnly" ||
         keyword == "writeOnly" || keyword == "deprecated" ||
         keyword == "xml" || keyword == "externalDocs" ||
         keyword == "discriminator" || keyword.rfind("x-", 0) == 0;
}

// Translates OpenAPI 3.0 schema objects into the core::JsonSchema subset,
// collecting the component schemas they reference.
class SchemaTranslator {
 public:
  explicit SchemaTranslator(const core::Json& spec) : spec_(spec) {}

  core::Result<core::Json> Standalone(const core::Json& schema) {
    BEIAN_ASSIGN_OR_RETURN(core::Json root, Translate(schema, 0));
    core::Json defs = core::Json::MakeObject();
    while (!pending_.empty()) {
      const std::string name = *pending_.begin();
      pending_.erase(pending_.begin());
      const core::Json* target =
          spec_.At(core::PointerAppend("/components/schemas", name));
      BEIAN_ASSIGN_OR_RETURN(core::Json translated, Translate(*target, 0));
      defs.Set(name, std::move(translated));
    }
    if (!root.is_object()) {
      core::Json wrapper = core::Json::MakeObject();
      core::Json all_of = core::Json::MakeArray();
      all_of.Push(std::move(root));
      wrapper.Set("allOf", std::move(all_of));
      root = std::move(wrapper);
    }
    if (root.Find("$defs") != nullptr) {
      return core::FailedPrecondition(
          "an OpenAPI schema must not use $defs; put shared schemas in "
          "components.schemas");
    }
    if (defs.size() > 0) root.Set("$defs", std::move(defs));
    return root;
  }

 private:
  core::Result<core::Json> Translate(const core::Json& schema, int depth) {
    if (depth > kMaxSchemaDepth) {
      return core::FailedPrecondition("schema nested deeper than " +
                                      std::to_string(kMaxSchemaDepth));
    }
    // Booleans pass as they are; anything else is refused by the compiler.
    if (!schema.is_object()) return schema;
    if (const core::Json* ref = schema.Find("$ref")) return Reference(*ref);
    core::Json out = core::Json::MakeObject();
    bool nullable = false;
    for (const auto& [keyword, value] : schema.as_object()) {
      if (keyword == "nullable") {
        nullable = value.is_bool() && value.as_bool();
      } else if (IsOpenApiAnnotation(keyword)) {
        continue;
      } else if (keyword == "format") {
        if (value.is_string() &&
            (value.as_string() == "date" || value.as_string() == "date-time")) {
          out.Set(keyword, value);
        }
      } else if (keyword == "properties" && value.is_object()) {
        core::Json properties = core::Json::MakeObject();
        for (const auto& [name, sub] : value.as_object()) {
          BEIAN_ASSIGN_OR_RETURN(core::Json translated,
                                 Translate(sub, depth + 1));
          properties.Set(name, std::move(translated));
        }
        out.Set(keyword, std::move(properties));
      } else if (keyword == "items" || keyword == "additionalProperties" ||
                 keyword == "not") {
        BEIAN_ASSIGN_OR_RETURN(core::Json translated,
                               Translate(value, depth + 1));
        out.Set(keyword, std::move(translated));
      } else if ((keyword == "allOf" || keyword == "anyOf" ||
                  keyword == "oneOf") &&
                 value.is_array()) {
        core::Json list = core::Json::MakeArray();
        for (const core::Json& sub : value.as_array()) {
          BEIAN_ASSIGN_OR_RETURN(core::Json translated,
                                 Translate(sub, depth + 1));
          list.Push(std::move(translated));
        }
        out.Set(keyword, std::move(list));
      } else {
        out.Set(keyword, value);
      }
    }
    if (nullable) return AllowNull(std::move(out));
    return out;
  }

  // OpenAPI 3.0 ignores the siblings of $ref, and so does this.
  core::Result<core::Json> Reference(const core::Json& ref) {
    const std::string text = ref.is_string() ? ref.as_string() : "";
    if (text.compare(0, kSchemaRefPrefix.size(), kSchemaRefPrefix) != 0 ||
        text.size() == kSchemaRefPrefix.size()) {
      return core::FailedPrecondition(
          "schema $ref " + core::WriteJson(ref) +
          " does not point into #/components/schemas/");
    }
    if (spec_.At(text.substr(1)) == nullptr) {
      return core::FailedPrecondition("schema $ref " + text +
                                      " does not resolve");
    }
    const std::string name = text.substr(kSchemaRefPrefix.size());
    if (name.find('/') != std::string::npos) {
      return core::FailedPrecondition("schema $ref " + text +
                                      " points inside a component schema");
    }
    if (done_.insert(name).second) pending_.insert(name);
    core::Json out = core::Json::MakeObject();
    out.Set("$ref", "#/$defs/" + name);
    return out;
  }

  // `nullable: true`: a type list with "null" when the schema names its
  // types, else an anyOf with a null schema.
  static core::Json AllowNull(core::Json schema) {
    const core::Json null_value;
    if (core::Json* enum_values = schema.Find("enum");
        enum_values != nullptr && enum_values->is_array()) {
      bool has_null = false;
      for (const core::Json& v : enum_values->as_array()) {
        has_null = has_null || v.is_null();
      }
      if (!has_null) enum_values->Push(null_value);
    }
    core::Json* type = schema.Find("type");
    if (type != nullptr && type->is_string()) {
      core::Json types = core::Json::MakeArray();
      types.Push(*type);
      types.Push("null");
      *type = std::move(types);
      return schema;
    }
    if (type != nullptr && type->is_array()) {
      bool has_null = false;
      for (const core::Json& t : type->as_array()) {
        has_null = has_null || (t.is_string() && t.as_string() == "null");
      }
      if (!has_null) type->Push("null");
      return schema;
    }
    core::Json null_schema = core::Json::MakeObject();
    null_schema.Set("type", "null");
    core::Json any_of = core::Json::MakeArray();
    any_of.Push(std::move(schema));
    any_of.Push(std::move(null_schema));
    core::Json out = core::Json::MakeObject();
    out.Set("anyOf", std::move(any_of));
    return out;
  }

  const core::Json& spec_;
  std::set<std::string> done_;
  std::set<std::string> pending_;
};

// The object at `pointer` after following up to kMaxResponseRefs $refs;
// `pointer` is updated to where it was found.
core::Result<const core::Json*> Follow(const core::Json& spec,
                                       const core::Json* object,
                                       std::string* pointer) {
  for (int hops = 0; object != nullptr && object->is_object(); ++hops) {
    const core::Json* ref = object->Find("$ref");
    if (ref == nullptr) return object;
    if (hops == kMaxResponseRefs) break;
    if (!ref->is_string() || ref->as_string().empty() ||
        ref->as_string()[0] != '#') {
      return core::FailedPrecondition(*pointer + ": $ref " +
                                      core::WriteJson(*ref) +
                                      " is not a local reference");
    }
    *pointer = ref->as_string().substr(1);
    object = spec.At(*pointer);
    if (object == nullptr) {
      return core::FailedPrecondition("$ref " + ref->as_string() +
                                      " does not resolve");
    }
  }
  return core::FailedPrecondition(*pointer + ": not an object, or a $ref loop");
}

// The documented media type matching `media`: exact, then "type/*", then
// "*/*"; the key as written in the spec, or "" if none matches.
std::string MatchMediaType(const core::Json& content,
                           const std::string& media) {
  const std::string wildcard = media.substr(0, media.find('/')) + "/*";
  std::string best;
  int best_rank = 0;
  for (const auto& [key, value] : content.as_object()) {
    (void)value;
    const std::string bare = BareMediaType(key);
    const int rank = bare == media      ? 3
                     : bare == wildcard ? 2
                     : bare == "*/*"    ? 1
                                        : 0;
    if (rank > best_rank) {
      best_rank = rank;
      best = key;
    }
  }
  return best;
}

std::string Keys(const core::Json& object) {
  std::string out;
  for (const auto& [key, value] : object.as_object()) {
    (void)value;
    if (!out.empty()) out += ", ";
    out += key;
  }
  return out.empty() ? "none" : out;
}

// Compiled schemas by spec digest, operation, status and media type.
class SchemaCache {
 public:
  static SchemaCache& Get() {
    static SchemaCache* cache = new SchemaCache();
    return *cache;
  }

  std::shared_ptr<const core::JsonSchema> Find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = schemas_.find(key);
    return it == schemas_.end() ? nullptr : it->second;
  }

  void Put(const std::string& key,
           std::shared_ptr<const core::JsonSchema> schema) {
    std::lock_guard<std::mutex> lock(mu_);
    schemas_[key] = std::move(schema);
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const core::JsonSchema>> schemas_;
};

core::Result<std::shared_ptr<const core::JsonSchema>> CompiledSchema(
    const core::Json& spec, const core::Json& schema,
    const std::string& schema_pointer, const std::string& cache_key) {
  SchemaCache& cache = SchemaCache::Get();
  if (auto hit = cache.Find(cache_key)) return hit;
  core::Result<core::Json> standalone = StandaloneSchema(spec, schema);
  if (!standalone.ok()) {
    return core::FailedPrecondition(schema_pointer + ": " +
                                    standalone.status().message());
  }
  core::Result<core::JsonSchema> compiled =
      core::JsonSchema::Compile(*standalone);
  if (!compiled.ok()) {
    return core::FailedPrecondition(
        schema_pointer + ": cannot compile: " + compiled.status().message());
  }
  auto shared =
      std::make_shared<const core::JsonSchema>(std::move(compiled).value());
  cache.Put(cache_key, shared);
  return std::shared_ptr<const core::JsonSchema>(shared);
}

}  // namespace

core::Result<core::Json> LoadOpenApi() {
  const std::string path = beian::testing::SourceRoot() + "/api/openapi.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::IoError("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  core::Result<core::Json> spec = core::ParseJson(text.str());
  if (!spec.ok()) {
    return core::ParseError(path + ": " + spec.status().message());
  }
  return spec;
}

core::Result<core::Json> StandaloneSchema(const core::Json& spec,
                                          const core::Json& schema) {
  return SchemaTranslator(spec).Standalone(schema);
}

core::Status CheckResponse(const core::Json& spec, std::string_view method,
                           std::string_view route_pattern, int status,
                           std::string_view content_type,
                           std::string_view body) {
  const std::string op_method = Lower(method);
  const std::string op_name =
      std::string(method) + " " + std::string(route_pattern);
  const std::string where_op =
      "/paths/" + core::PointerEscape(route_pattern) + "/" + op_method;
  const core::Json* operation = spec.At(where_op);
  if (operation == nullptr || !operation->is_object()) {
    return core::FailedPrecondition("the spec has no operation " + op_name +
                                    " (" + where_op + ")");
  }
  const core::Json* responses = operation->Find("responses");
  if (responses == nullptr || !responses->is_object()) {
    return core::FailedPrecondition(where_op + " has no responses");
  }

  // The status: exact, then a range such as "4XX", then "default".
  const std::string code = std::to_string(status);
  std::string status_key;
  for (const std::string& candidate :
       {code, code.substr(0, 1) + "XX", std::string("default")}) {
    if (responses->Find(candidate) != nullptr) {
      status_key = candidate;
      break;
    }
  }
  if (status_key.empty()) {
    return core::InvalidArgument(
        op_name + ": status " + code +
        " is not documented (documented: " + Keys(*responses) + ")");
  }
  std::string where_response =
      core::PointerAppend(where_op + "/responses", status_key);
  BEIAN_ASSIGN_OR_RETURN(
      const core::Json* response,
      Follow(spec, responses->Find(status_key), &where_response));

  // The media type.
  const core::Json* content = response->Find("content");
  if (content == nullptr || !content->is_object() || content->size() == 0) {
    if (!body.empty()) {
      return core::InvalidArgument(op_name + " " + code +
                                   ": the spec documents no body (" +
                                   where_response + "), but " +
                                   std::to_string(body.size()) + " bytes came");
    }
    return core::Status::Ok();
  }
  const std::string media = BareMediaType(content_type);
  if (media.empty()) {
    return core::InvalidArgument(op_name + " " + code +
                                 ": no Content-Type, but the spec documents " +
                                 Keys(*content));
  }
  const std::string media_key = MatchMediaType(*content, media);
  if (media_key.empty()) {
    return core::InvalidArgument(
        op_name + " " + code + ": Content-Type " + media +
        " is not documented (documented: " + Keys(*content) + ")");
  }

  // The body, when JSON.
  if (!IsJsonMediaType(BareMediaType(media_key))) return core::Status::Ok();
  const std::string where_schema =
      core::PointerAppend(where_response + "/content", media_key) + "/schema";
  const core::Json* schema = spec.At(where_schema);
  if (schema == nullptr) return core::Status::Ok();
  BEIAN_ASSIGN_OR_RETURN(std::shared_ptr<const core::JsonSchema> compiled,
                         CompiledSchema(spec, *schema, where_schema,
                                        core::Sha256Hex(core::WriteJson(spec)) +
                                            "\n" + where_schema));
  core::Result<core::Json> parsed = core::ParseJson(body);
  if (!parsed.ok()) {
    return core::InvalidArgument(
        op_name + " " + code +
        ": the body is not JSON: " + parsed.status().message());
  }
  const std::vector<core::Problem> problems = compiled->Validate(*parsed);
  if (problems.empty()) return core::Status::Ok();
  std::string message = op_name + " " + code + " " + media +
                        ": the body does not match " + where_schema + ":";
  for (size_t i = 0; i < problems.size() && i < kMaxProblemsShown; ++i) {
    message += "\n  " + core::FormatProblem(problems[i]);
  }
  if (problems.size() > kMaxProblemsShown) {
    message += "\n  ... and " +
               std::to_string(problems.size() - kMaxProblemsShown) + " more";
  }
  return core::InvalidArgument(message);
}

}  // namespace beian::api::testing
