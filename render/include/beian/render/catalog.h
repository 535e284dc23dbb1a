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

// Immutable after Load; shareable between threads.
class Catalog {
 public:
  // Reads and compiles every kind under `dir` (one folder per kind). Any broken template,
  // schema or example (one that fails its own schema) is an error naming the file.
  static core::Result<Catalog> Load(const std::string& dir, const Engine& engine);

  // The kind, or nullptr.
  const Kind* Find(const std::string& name) const;
  // All kinds, sorted by name.
  std::vector<const Kind*> kinds() const;

 private:
  std::map<std::string, std::shared_ptr<const Kind>> kinds_;
};

}  // namespace beian::render

#endif  // BEIAN_RENDER_CATALOG_H_
