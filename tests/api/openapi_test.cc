// api/openapi.json: that it is a well-formed OpenAPI 3.0 document, that it
// describes exactly the routes FilingApi registers, and that CheckResponse
// tells conforming responses from others.
#include <algorithm>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/json_schema.h"
#include "beian/core/status.h"
#include "gtest/gtest.h"
#include "openapi_contract.h"
#include "process.h"

namespace beian::api::testing {
namespace {

using core::Code;
using core::Json;

const char* const kMethods[] = {"get",     "put",  "post",  "delete",
                                "options", "head", "patch", "trace"};

// The spec, loaded once; a failed load fails every test that uses it.
const Json& Spec() {
  static const Json* spec = [] {
    core::Result<Json> loaded = LoadOpenApi();
    EXPECT_TRUE(loaded.ok()) << loaded.status().ToString();
    return new Json(loaded.ok() ? std::move(loaded).value() : Json());
  }();
  return *spec;
}

struct Operation {
  std::string path;
  std::string method;  // lower case, as in the spec
  const Json* object = nullptr;
};

std::vector<Operation> Operations(const Json& spec) {
  std::vector<Operation> out;
  const Json* paths = spec.Find("paths");
  if (paths == nullptr) return out;
  for (const auto& [path, item] : paths->as_object()) {
    for (const char* method : kMethods) {
      if (const Json* op = item.Find(method)) out.push_back({path, method, op});
    }
  }
  return out;
}

// The object `value` refers to when it is a {"$ref": "#/..."}, else `value`.
const Json* Resolve(const Json& spec, const Json* value) {
  for (int hops = 0; value != nullptr && hops < 8; ++hops) {
    const Json* ref = value->Find("$ref");
    if (ref == nullptr || !ref->is_string()) return value;
    value = spec.At(ref->as_string().substr(1));
  }
  return value;
}

void CollectRefs(const Json& value, const std::string& where,
                 std::vector<std::pair<std::string, std::string>>* out) {
  if (value.is_object()) {
    for (const auto& [key, member] : value.as_object()) {
      if (key == "$ref" && member.is_string()) {
        out->emplace_back(where, member.as_string());
      } else {
        CollectRefs(member, core::PointerAppend(where, key), out);
      }
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      CollectRefs(value.as_array()[i], core::PointerAppend(where, i), out);
    }
  }
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

bool IsPublic(const Operation& op) {
  return (op.path == "/healthz" || op.path == "/v1/verify/{number}" || op.path == "/v1/keys" ||
          op.path == "/v/{number}") &&
         op.method == "get";
}

// The console's session itself: signing in (public, but a wrong password is
// 401), and the session by its cookie alone.
bool IsSessionRoute(const Operation& op) { return op.path == "/v1/session"; }

// Pages for people, in HTML: their errors are pages too.
bool IsHtmlPage(const Operation& op) { return op.path == "/v/{number}"; }

// ---------------------------------------------------------------------------
// The document itself

TEST(OpenApiSpecTest, IsAnOpenApi30Document) {
  const Json& spec = Spec();
  ASSERT_TRUE(spec.is_object());
  const Json* version = spec.Find("openapi");
  ASSERT_NE(version, nullptr);
  ASSERT_TRUE(version->is_string());
  EXPECT_EQ(version->as_string().rfind("3.0.", 0), 0u) << version->as_string();
  ASSERT_NE(spec.At("/info/title"), nullptr);
  EXPECT_TRUE(spec.At("/info/title")->is_string());
  ASSERT_NE(spec.At("/info/version"), nullptr);
  EXPECT_TRUE(spec.At("/info/version")->is_string());
  ASSERT_NE(spec.Find("paths"), nullptr);
  EXPECT_GT(spec.Find("paths")->size(), 0u);
  for (const char* name :
       {"Error", "Problem", "Document", "SignedCopy", "Reprint", "SearchPage",
        "VerifyMatches", "PrintedDocument", "KindList", "Health"}) {
    EXPECT_NE(spec.At(core::PointerAppend("/components/schemas", name)),
              nullptr)
        << name;
  }
}

TEST(OpenApiSpecTest, EveryRefResolves) {
  std::vector<std::pair<std::string, std::string>> refs;
  CollectRefs(Spec(), "", &refs);
  EXPECT_GT(refs.size(), 20u);
  for (const auto& [where, ref] : refs) {
    ASSERT_FALSE(ref.empty()) << where;
    EXPECT_EQ(ref[0], '#') << where << ": " << ref << " is not local";
    const Json* target = Spec().At(ref.substr(1));
    EXPECT_NE(target, nullptr) << where << ": " << ref << " does not resolve";
    if (target != nullptr) {
      EXPECT_TRUE(target->is_object()) << ref;
    }
  }
}

TEST(OpenApiSpecTest, EveryOperationHasResponsesAndAUniqueOperationId) {
  std::set<std::string> ids;
  const std::vector<Operation> ops = Operations(Spec());
  ASSERT_FALSE(ops.empty());
  for (const Operation& op : ops) {
    const std::string name = op.method + " " + op.path;
    const Json* responses = op.object->Find("responses");
    ASSERT_NE(responses, nullptr) << name;
    EXPECT_TRUE(responses->is_object() && responses->size() > 0) << name;
    bool has_success = false;
    for (const auto& [status, response] : responses->as_object()) {
      has_success = has_success || status[0] == '2';
      EXPECT_NE(Resolve(Spec(), &response), nullptr) << name << " " << status;
      const Json* described = Resolve(Spec(), &response);
      if (described != nullptr) {
        EXPECT_NE(described->Find("description"), nullptr)
            << name << " " << status << " needs a description";
      }
    }
    EXPECT_TRUE(has_success) << name << " documents no 2XX answer";
    const Json* id = op.object->Find("operationId");
    ASSERT_NE(id, nullptr) << name;
    ASSERT_TRUE(id->is_string()) << name;
    EXPECT_TRUE(ids.insert(id->as_string()).second)
        << "operationId " << id->as_string() << " repeated at " << name;
  }
}

TEST(OpenApiSpecTest, EveryOperationButThePublicOnesNeedsABearerToken) {
  const Json* scheme = Spec().At("/components/securitySchemes/bearer");
  ASSERT_NE(scheme, nullptr);
  EXPECT_EQ(*scheme->Find("type"), Json("http"));
  EXPECT_EQ(*scheme->Find("scheme"), Json("bearer"));
  int public_ops = 0;
  for (const Operation& op : Operations(Spec())) {
    const std::string name = op.method + " " + op.path;
    const Json* security = op.object->Find("security");
    ASSERT_NE(security, nullptr) << name << " must state its security";
    ASSERT_TRUE(security->is_array()) << name;
    const Json* unauthorized = Resolve(Spec(), op.object->At("/responses/401"));
    if (IsPublic(op)) {
      ++public_ops;
      EXPECT_EQ(security->size(), 0u) << name << " is public: security []";
      EXPECT_EQ(unauthorized, nullptr) << name << " never answers 401";
      continue;
    }
    if (IsSessionRoute(op)) {
      const std::string expected = op.method == "post" ? "[]" : "[{\"session\":[]}]";
      EXPECT_EQ(core::WriteJson(*security), expected) << name;
      continue;
    }
    bool bearer = false;
    for (const Json& requirement : security->as_array()) {
      for (const auto& [scheme_name, scopes] : requirement.as_object()) {
        (void)scopes;
        EXPECT_NE(Spec().At(core::PointerAppend("/components/securitySchemes",
                                                scheme_name)),
                  nullptr)
            << name << ": unknown scheme " << scheme_name;
        bearer = bearer || scheme_name == "bearer";
      }
    }
    EXPECT_TRUE(bearer) << name << " must require the bearer token";
    ASSERT_NE(unauthorized, nullptr) << name << " must document 401";
    EXPECT_NE(unauthorized->At("/headers/WWW-Authenticate"), nullptr)
        << name << ": 401 comes with WWW-Authenticate";
  }
  EXPECT_EQ(public_ops, 4);  // /healthz, the QR check and its page, the signing key
}

// The spec documents exactly the routes FilingApi::Register adds. Building the
// real router needs an engine and an archive, so the registrations are read
// from the source text.
TEST(OpenApiSpecTest, PathsAreExactlyTheRoutesFilingApiRegisters) {
  // The API's routes: add( calls in filing_api.cc, add( and
  // add_authenticated( in console.cc (whose pages and assets, registered with
  // router.Add, are not the API's).
  const std::string source =
      beian::testing::ReadFileOrDie(beian::testing::SourceRoot() + "/api/src/filing_api.cc") +
      beian::testing::ReadFileOrDie(beian::testing::SourceRoot() + "/api/src/console.cc");
  const std::regex add_call(R"re(\badd(?:_authenticated)?\(\s*"([A-Z]+)"\s*,\s*"([^"]+)")re");
  std::set<std::pair<std::string, std::string>> registered;
  for (auto it = std::sregex_iterator(source.begin(), source.end(), add_call);
       it != std::sregex_iterator(); ++it) {
    registered.emplace((*it)[1].str(), (*it)[2].str());
  }
  // Guards the regex: every add( call site must have been understood.
  const std::regex any_call(R"re(\badd(?:_authenticated)?\()re");
  const auto calls = std::distance(
      std::sregex_iterator(source.begin(), source.end(), any_call),
      std::sregex_iterator());
  ASSERT_EQ(static_cast<size_t>(calls), registered.size())
      << "an add( call in filing_api.cc is not of the form "
         "add(\"METHOD\", \"/pattern\", ...)";
  ASSERT_FALSE(registered.empty());

  std::set<std::pair<std::string, std::string>> documented;
  for (const Operation& op : Operations(Spec())) {
    documented.emplace(Upper(op.method), op.path);
  }
  for (const auto& [method, path] : registered) {
    EXPECT_EQ(documented.count({method, path}), 1u)
        << method << " " << path << " is registered but not in openapi.json";
  }
  for (const auto& [method, path] : documented) {
    EXPECT_EQ(registered.count({method, path}), 1u)
        << method << " " << path << " is in openapi.json but not registered";
  }
}

TEST(OpenApiSpecTest, PathParametersMatchTheTemplates) {
  const std::regex param(R"(\{([^}]+)\})");
  for (const Operation& op : Operations(Spec())) {
    const std::string name = op.method + " " + op.path;
    std::set<std::string> in_template;
    for (auto it = std::sregex_iterator(op.path.begin(), op.path.end(), param);
         it != std::sregex_iterator(); ++it) {
      in_template.insert((*it)[1].str());
    }
    std::set<std::string> declared;
    if (const Json* params = op.object->Find("parameters")) {
      for (const Json& p : params->as_array()) {
        const Json* resolved = Resolve(Spec(), &p);
        ASSERT_NE(resolved, nullptr) << name;
        if (*resolved->Find("in") != Json("path")) continue;
        declared.insert(resolved->Find("name")->as_string());
        ASSERT_NE(resolved->Find("required"), nullptr) << name;
        EXPECT_EQ(*resolved->Find("required"), Json(true))
            << name << ": path parameters are required";
      }
    }
    EXPECT_EQ(in_template, declared) << name;
  }
}

TEST(OpenApiSpecTest, EveryErrorAnswerHasTheErrorBody) {
  for (const Operation& op : Operations(Spec())) {
    for (const auto& [status, response] :
         op.object->Find("responses")->as_object()) {
      if (status[0] != '4' && status[0] != '5') continue;
      if (IsHtmlPage(op)) continue;
      const std::string name = op.method + " " + op.path + " " + status;
      const Json* resolved = Resolve(Spec(), &response);
      ASSERT_NE(resolved, nullptr) << name;
      const Json* content = resolved->Find("content");
      ASSERT_NE(content, nullptr) << name;
      EXPECT_EQ(content->size(), 1u) << name;
      const Json* schema = content->At("/application~1json/schema/$ref");
      ASSERT_NE(schema, nullptr) << name;
      EXPECT_EQ(*schema, Json("#/components/schemas/Error")) << name;
    }
  }
}

TEST(OpenApiSpecTest, EveryComponentSchemaCompiles) {
  const Json* schemas = Spec().At("/components/schemas");
  ASSERT_NE(schemas, nullptr);
  for (const auto& [name, schema] : schemas->as_object()) {
    core::Result<Json> standalone = StandaloneSchema(Spec(), schema);
    ASSERT_TRUE(standalone.ok())
        << name << ": " << standalone.status().ToString();
    core::Result<core::JsonSchema> compiled =
        core::JsonSchema::Compile(*standalone);
    EXPECT_TRUE(compiled.ok()) << name << ": " << compiled.status().ToString();
  }
}

// Each example in a response is a body the checker must accept: checks the
// spec's examples and the checker against each other.
TEST(OpenApiSpecTest, EveryResponseExampleFitsItsSchema) {
  int checked = 0;
  for (const Operation& op : Operations(Spec())) {
    for (const auto& [status, response] :
         op.object->Find("responses")->as_object()) {
      const Json* resolved = Resolve(Spec(), &response);
      const Json* content = resolved ? resolved->Find("content") : nullptr;
      if (content == nullptr) continue;
      for (const auto& [media, description] : content->as_object()) {
        const Json* example = description.Find("example");
        if (example == nullptr || media != "application/json") continue;
        ++checked;
        const core::Status s =
            CheckResponse(Spec(), Upper(op.method), op.path, std::stoi(status),
                          media, core::WriteJson(*example));
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    }
  }
  EXPECT_GT(checked, 30);
}

// ---------------------------------------------------------------------------
// CheckResponse

Json SampleDocument() {
  Json links = Json::MakeObject();
  links.Set("self", "/v1/documents/7");
  links.Set("pdf", "/v1/documents/7/pdf");
  links.Set("signed_copies", "/v1/documents/7/signed-copies");
  links.Set("reprints", "/v1/documents/7/reprints");
  Json d = Json::MakeObject();
  d.Set("id", 7);
  d.Set("number", "京朝备[2026]7号");
  d.Set("kind", "contract-filing");
  d.Set("template_version", 1);
  d.Set("credit_code", "91110105798516320J");
  d.Set("enterprise_name", "北京瑞祥恒业物业管理有限公司");
  d.Set("project_name", "");
  d.Set("district", "朝阳区");
  d.Set("issued_at", "2026-03-01T09:30:00+08:00");
  d.Set("status", "signed");
  d.Set("sha256", std::string(64, 'a'));
  d.Set("sm3", std::string(64, '0'));
  d.Set("bytes", int64_t{120000});
  d.Set("pages", 2);
  d.Set("links", std::move(links));
  return d;
}

Json SampleError() {
  Json error = Json::MakeObject();
  error.Set("status", 404);
  error.Set("code", "not_found");
  error.Set("message", "no document 7");
  error.Set("field", "id");
  Json body = Json::MakeObject();
  body.Set("error", std::move(error));
  return body;
}

core::Status CheckDocument(const Json& body) {
  return CheckResponse(Spec(), "GET", "/v1/documents/{id}", 200,
                       "application/json; charset=utf-8",
                       core::WriteJson(body));
}

TEST(OpenApiContractTest, AcceptsAConformingDocument) {
  core::Status s = CheckDocument(SampleDocument());
  EXPECT_TRUE(s.ok()) << s.ToString();
  Json with_parts = SampleDocument();
  with_parts.Set("data", Json::MakeObject());
  with_parts.Set("signed_copies", Json::MakeArray());
  with_parts.Set("reprints", Json::MakeArray());
  s = CheckDocument(with_parts);
  EXPECT_TRUE(s.ok()) << s.ToString();
  // The media type is compared without parameters and case.
  s = CheckResponse(Spec(), "get", "/v1/documents/{id}", 200,
                    "Application/JSON", core::WriteJson(SampleDocument()));
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(OpenApiContractTest, AcceptsBinaryAndEmptyAnswers) {
  core::Status s = CheckResponse(Spec(), "GET", "/v1/documents/{id}/pdf", 206,
                                 "application/pdf", "%PDF-1.7 partial");
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = CheckResponse(Spec(), "GET", "/v1/documents/{id}/pdf", 304, "", "");
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = CheckResponse(Spec(), "GET", "/metrics", 200,
                    "text/plain; version=0.0.4; charset=utf-8", "# HELP x\n");
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = CheckResponse(Spec(), "POST", "/v1/documents", 201, "application/pdf",
                    "%PDF-1.7");
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST(OpenApiContractTest, RefusesAnUndocumentedStatus) {
  const core::Status s =
      CheckResponse(Spec(), "GET", "/v1/kinds", 418, "application/json",
                    core::WriteJson(SampleError()));
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("418"), std::string::npos) << s.message();
  // 206 belongs to the PDF, not to the document.
  EXPECT_EQ(CheckResponse(Spec(), "GET", "/v1/documents/{id}", 206,
                          "application/json", "{}")
                .code(),
            Code::kInvalidArgument);
}

TEST(OpenApiContractTest, RefusesAnUndocumentedContentType) {
  core::Status s = CheckResponse(Spec(), "GET", "/v1/documents/{id}", 200,
                                 "text/html", "<html></html>");
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("text/html"), std::string::npos) << s.message();
  s = CheckResponse(Spec(), "GET", "/v1/documents/{id}/pdf", 200,
                    "application/json", "{}");
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  s = CheckResponse(Spec(), "GET", "/v1/documents/{id}", 200, "",
                    core::WriteJson(SampleDocument()));
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << "a missing Content-Type";
}

TEST(OpenApiContractTest, RefusesADocumentWithoutSha256) {
  Json d = SampleDocument();
  Json::Object& members = d.as_object();
  members.erase(
      std::remove_if(members.begin(), members.end(),
                     [](const auto& m) { return m.first == "sha256"; }),
      members.end());
  const core::Status s = CheckDocument(d);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/sha256"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("schema.required"), std::string::npos)
      << s.message();
}

TEST(OpenApiContractTest, RefusesUnknownMembers) {
  Json error = SampleError();
  error.Find("error")->Set("hint", "try again");
  core::Status s = CheckResponse(Spec(), "GET", "/v1/documents/{id}", 404,
                                 "application/json", core::WriteJson(error));
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/error/hint"), std::string::npos) << s.message();

  Json outer = SampleError();
  outer.Set("detail", "x");
  s = CheckResponse(Spec(), "GET", "/v1/documents/{id}", 404,
                    "application/json", core::WriteJson(outer));
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();

  Json d = SampleDocument();
  d.Set("created_by", "token-1");  // the archive has it; the API must not say
  s = CheckDocument(d);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/created_by"), std::string::npos) << s.message();
}

TEST(OpenApiContractTest, RefusesWrongTypesAndPatterns) {
  Json d = SampleDocument();
  d.Set("id", "7");
  core::Status s = CheckDocument(d);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/id"), std::string::npos) << s.message();

  d = SampleDocument();
  d.Set("sha256", std::string(64, 'A'));  // digests are lower case
  s = CheckDocument(d);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/sha256"), std::string::npos) << s.message();

  d = SampleDocument();
  d.Set("status", "archived");
  EXPECT_EQ(CheckDocument(d).code(), Code::kInvalidArgument);

  d = SampleDocument();
  d.Find("links")->Set("pdf", 7);
  s = CheckDocument(d);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/links/pdf"), std::string::npos) << s.message();

  s = CheckDocument(Json::MakeArray());
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();

  s = CheckResponse(Spec(), "GET", "/v1/documents/{id}", 200,
                    "application/json", "{\"id\":");
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << "not JSON";
}

TEST(OpenApiContractTest, NextCursorIsAStringOrNull) {
  auto page = [](Json cursor) {
    Json results = Json::MakeArray();
    results.Push(SampleDocument());
    Json p = Json::MakeObject();
    p.Set("results", std::move(results));
    p.Set("next_cursor", std::move(cursor));
    return CheckResponse(Spec(), "GET", "/v1/search", 200, "application/json",
                         core::WriteJson(p));
  };
  core::Status s = page(Json());
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = page(Json("2026-03-01T09:30:00+08:00~7"));
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = page(Json(7));
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/next_cursor"), std::string::npos) << s.message();
}

TEST(OpenApiContractTest, ProblemsNeedEveryMember) {
  Json problem = Json::MakeObject();
  problem.Set("path", "/enterprise/name");
  problem.Set("code", "schema.required");
  problem.Set("message", "缺少必填项 name");
  problem.Set("message_en", "missing required field name");
  problem.Set("severity", "error");
  auto check = [](const Json& p) {
    Json body = SampleError();
    Json* error = body.Find("error");
    error->Set("status", 422);
    error->Set("code", "invalid_data");
    Json problems = Json::MakeArray();
    problems.Push(p);
    error->Set("problems", std::move(problems));
    return CheckResponse(Spec(), "POST", "/v1/documents", 422,
                         "application/json", core::WriteJson(body));
  };
  core::Status s = check(problem);
  EXPECT_TRUE(s.ok()) << s.ToString();
  Json bad = problem;
  bad.Set("severity", "fatal");
  s = check(bad);
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("/error/problems/0/severity"), std::string::npos)
      << s.message();
}

TEST(OpenApiContractTest, RefusesABodyWhereNoneIsDocumented) {
  const core::Status s = CheckResponse(Spec(), "GET", "/v1/documents/{id}/pdf",
                                       304, "application/pdf", "%PDF");
  EXPECT_EQ(s.code(), Code::kInvalidArgument) << s.ToString();
}

TEST(OpenApiContractTest, UnknownOperationsAreAFailedPrecondition) {
  core::Status s = CheckResponse(Spec(), "GET", "/v1/nothing", 200,
                                 "application/json", "{}");
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  s = CheckResponse(Spec(), "DELETE", "/v1/kinds", 200, "application/json",
                    "{}");
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("DELETE /v1/kinds"), std::string::npos)
      << s.message();
}

TEST(OpenApiContractTest, ABrokenSpecIsAFailedPrecondition) {
  Json spec = Spec();
  Json::Object& schemas = spec.Find("components")->Find("schemas")->as_object();
  schemas.erase(
      std::remove_if(schemas.begin(), schemas.end(),
                     [](const auto& m) { return m.first == "Reprint"; }),
      schemas.end());
  // The real spec's compiled schema is cached; this one must not reuse it.
  ASSERT_TRUE(CheckDocument(SampleDocument()).ok());
  const core::Status s =
      CheckResponse(spec, "GET", "/v1/documents/{id}", 200, "application/json",
                    core::WriteJson(SampleDocument()));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("Reprint"), std::string::npos) << s.message();
}

TEST(OpenApiContractTest, FallsBackToStatusRangesAndDefault) {
  core::Result<Json> spec = core::ParseJson(R"({
    "openapi": "3.0.3",
    "paths": {"/x": {"get": {"responses": {
      "200": {"description": "ok",
              "content": {"application/json": {"schema": {"type": "object"}}}},
      "4XX": {"description": "client",
              "content": {"application/json": {"schema": {"type": "string"}}}},
      "default": {"description": "other",
                  "content": {"*/*": {"schema": {"type": "string"}}}}}}}}})");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_TRUE(
      CheckResponse(*spec, "GET", "/x", 404, "application/json", "\"gone\"")
          .ok());
  EXPECT_EQ(
      CheckResponse(*spec, "GET", "/x", 404, "application/json", "{}").code(),
      Code::kInvalidArgument);
  EXPECT_TRUE(CheckResponse(*spec, "GET", "/x", 503, "text/html", "<p>").ok());
  EXPECT_EQ(CheckResponse(*spec, "GET", "/x", 200, "text/html", "<p>").code(),
            Code::kInvalidArgument);
}

TEST(OpenApiContractTest, TranslatesNullableAndReferences) {
  core::Result<Json> spec = core::ParseJson(R"({
    "components": {"schemas": {
      "Node": {"type": "object", "additionalProperties": false,
               "properties": {"next": {"$ref": "#/components/schemas/Node"},
                              "label": {"type": "string", "nullable": true,
                                        "example": "a", "format": "uri"},
                              "kind": {"enum": ["a", "b"], "nullable": true}}}}}})");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  core::Result<Json> schema =
      StandaloneSchema(*spec, *spec->At("/components/schemas/Node"));
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(*schema->At("/properties/next/$ref"), Json("#/$defs/Node"));
  EXPECT_NE(schema->At("/$defs/Node"), nullptr);
  EXPECT_EQ(schema->At("/properties/label/example"), nullptr);
  EXPECT_EQ(schema->At("/properties/label/format"), nullptr);
  core::Result<core::JsonSchema> compiled = core::JsonSchema::Compile(*schema);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  auto problems = [&](const char* text) {
    return compiled->Validate(*core::ParseJson(text)).size();
  };
  EXPECT_EQ(problems(R"({"label": null, "kind": null})"), 0u);
  EXPECT_EQ(problems(R"({"next": {"label": "x", "next": {"kind": "b"}}})"), 0u);
  EXPECT_GT(problems(R"({"next": {"label": 1}})"), 0u);
  EXPECT_GT(problems(R"({"kind": "c"})"), 0u);
  EXPECT_GT(problems(R"({"next": {"other": 1}})"), 0u);

  core::Result<Json> outside = core::ParseJson(R"({"$ref": "#/paths/x"})");
  EXPECT_EQ(StandaloneSchema(*spec, *outside).status().code(),
            Code::kFailedPrecondition);
  core::Result<Json> dangling =
      core::ParseJson(R"({"$ref": "#/components/schemas/Missing"})");
  EXPECT_EQ(StandaloneSchema(*spec, *dangling).status().code(),
            Code::kFailedPrecondition);
}

}  // namespace
}  // namespace beian::api::testing
