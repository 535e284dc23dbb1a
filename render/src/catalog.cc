#include "beian/render/catalog.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace beian::render {
namespace {

namespace fs = std::filesystem;

core::Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::IoError("cannot read " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

core::Result<core::Json> ReadJson(const fs::path& path) {
  BEIAN_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto json = core::ParseJson(text);
  if (!json.ok()) return core::ParseError(path.string() + ": " + json.status().message());
  return std::move(json).value();
}

core::Result<std::shared_ptr<Kind>> LoadKind(const fs::path& dir, const Engine& engine) {
  auto kind = std::make_shared<Kind>();
  BEIAN_ASSIGN_OR_RETURN(core::Json meta, ReadJson(dir / "kind.json"));
  const core::Json* name = meta.Find("kind");
  const core::Json* title = meta.Find("title");
  const core::Json* version = meta.Find("version");
  const core::Json* prefix = meta.Find("number_prefix");
  if (name == nullptr || !name->is_string() || title == nullptr || !title->is_string() ||
      version == nullptr || !version->is_integer() || prefix == nullptr || !prefix->is_string()) {
    return core::InvalidArgument((dir / "kind.json").string() +
                                 ": needs kind, title, version (integer) and number_prefix");
  }
  kind->name = name->as_string();
  kind->title = title->as_string();
  kind->current_version = static_cast<int>(version->as_int());
  kind->number_prefix = prefix->as_string();
  kind->manifest = meta;
  if (kind->name != dir.filename().string()) {
    return core::InvalidArgument((dir / "kind.json").string() + ": kind must equal the folder name");
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string f = file.filename().string();
    if (f.rfind("template.v", 0) != 0 || file.extension() != ".xml") continue;
    const std::string digits = f.substr(10, f.size() - 14);
    if (digits.empty() || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    BEIAN_ASSIGN_OR_RETURN(std::string xml, ReadFile(file));
    auto tmpl = engine.Compile(xml);
    if (!tmpl.ok()) return core::InvalidArgument(file.string() + ": " + tmpl.status().message());
    const int v = std::stoi(digits);
    const TemplateInfo info = Describe(*tmpl.value());
    if (info.version != v || info.kind != kind->name) {
      return core::InvalidArgument(file.string() + ": kind/version attributes disagree with the file name");
    }
    kind->versions[v] = tmpl.value();
  }
  if (kind->versions.count(kind->current_version) == 0) {
    return core::NotFound(dir.string() + ": no template.v" + std::to_string(kind->current_version) + ".xml");
  }
  BEIAN_ASSIGN_OR_RETURN(kind->schema_json, ReadJson(dir / "schema.json"));
  auto schema = core::JsonSchema::Compile(kind->schema_json);
  if (!schema.ok()) return core::InvalidArgument((dir / "schema.json").string() + ": " + schema.status().message());
  kind->schema = std::make_shared<const core::JsonSchema>(std::move(schema).value());
  BEIAN_ASSIGN_OR_RETURN(kind->example, ReadJson(dir / "example.json"));
  std::vector<core::Problem> problems = kind->schema->Validate(kind->example);
  if (core::HasError(problems)) {
    return core::InvalidArgument((dir / "example.json").string() + " fails its schema: " +
                                 core::FormatProblem(problems.front()));
  }
  return kind;
}

}  // namespace

core::Result<Catalog> Catalog::Load(const std::string& dir, const Engine& engine) {
  Catalog catalog;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return core::NotFound("templates folder not found: " + dir);
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (!e.is_directory() || !fs::exists(e.path() / "kind.json")) continue;
    BEIAN_ASSIGN_OR_RETURN(std::shared_ptr<Kind> kind, LoadKind(e.path(), engine));
    catalog.kinds_[kind->name] = std::move(kind);
  }
  if (catalog.kinds_.empty()) return core::NotFound("no document kinds under " + dir);
  return catalog;
}

const Kind* Catalog::Find(const std::string& name) const {
  auto it = kinds_.find(name);
  return it == kinds_.end() ? nullptr : it->second.get();
}

std::vector<const Kind*> Catalog::kinds() const {
  std::vector<const Kind*> out;
  for (const auto& [name, kind] : kinds_) out.push_back(kind.get());
  return out;
}

}  // namespace beian::render
