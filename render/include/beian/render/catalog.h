// The document kinds on disk: templates/<kind>/{kind.json, template.v<N>.xml, schema.json, example.json}.
#ifndef BEIAN_RENDER_CATALOG_H_
#define BEIAN_RENDER_CATALOG_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/json_schema.h"
#include "beian/core/status.h"
#include "beian/render/engine.h"

namespace beian::render {

// One document kind with every template version it has.
struct Kind {
  std::string name;           // e.g. "qualification-verification"
  std::string title;          // e.g. "北京市物业服务企业资质核查信息表"
  std::string number_prefix;  // e.g. "ZZHC"
  int current_version = 1;
  std::map<int, std::shared_ptr<const Template>> versions;
  std::shared_ptr<const core::JsonSchema> schema;
  core::Json schema_json;
  core::Json example;
  // kind.json as read: members beyond those above (e.g. "issuers") are for
  // the caller to interpret.
  core::Json manifest;
};

// What kind.json and the names of the template files say of a kind: read without compiling
// anything, for a listing.
struct KindListing {
  std::string name;
  std::string title;
  int current_version = 1;
  std::vector<int> versions;  // ascending
  core::Json manifest;        // kind.json as read
};

// Every kind under `dir` (one folder per kind), sorted by name; kind.json must be sound and
// the current version's template file present.
core::Result<std::vector<KindListing>> ListKinds(const std::string& dir);

// Immutable after Load; shareable between threads.
class Catalog {
 public:
  // Reads and compiles the kinds under `dir` (one folder per kind): those named in `only`, or
  // every kind when it is empty. Any broken template, schema or example (one that fails its own
  // schema) of a kind loaded is an error naming the file; an unknown name in `only` is NotFound.
  static core::Result<Catalog> Load(const std::string& dir, const Engine& engine,
                                    const std::vector<std::string>& only = {});

  // The kind, or nullptr.
  const Kind* Find(const std::string& name) const;
  // All kinds, sorted by name.
  std::vector<const Kind*> kinds() const;

 private:
  std::map<std::string, std::shared_ptr<const Kind>> kinds_;
};

}  // namespace beian::render

#endif  // BEIAN_RENDER_CATALOG_H_
