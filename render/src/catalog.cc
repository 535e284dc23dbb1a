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

// The versions of the template files in `dir` (template.v<N>.xml), ascending.
std::vector<std::pair<int, fs::path>> TemplateFiles(const fs::path& dir) {
  std::vector<std::pair<int, fs::path>> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    const std::string f = e.path().filename().string();
    if (f.rfind("template.v", 0) != 0 || e.path().extension() != ".xml") continue;
    const std::string digits = f.substr(10, f.size() - 14);
    if (digits.empty() || digits.size() > 6 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) continue;
    out.emplace_back(std::stoi(digits), e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

core::Result<KindListing> ReadListing(const fs::path& dir) {
  KindListing kind;
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
  kind.name = name->as_string();
  kind.title = title->as_string();
  kind.current_version = static_cast<int>(version->as_int());
  kind.manifest = std::move(meta);
  if (kind.name != dir.filename().string()) {
    return core::InvalidArgument((dir / "kind.json").string() + ": kind must equal the folder name");
  }
  for (const auto& [v, file] : TemplateFiles(dir)) kind.versions.push_back(v);
  if (!std::binary_search(kind.versions.begin(), kind.versions.end(), kind.current_version)) {
    return core::NotFound(dir.string() + ": no template.v" + std::to_string(kind.current_version) + ".xml");
  }
  return kind;
}

core::Result<std::shared_ptr<Kind>> LoadKind(const fs::path& dir, const Engine& engine) {
  BEIAN_ASSIGN_OR_RETURN(KindListing listing, ReadListing(dir));
  auto kind = std::make_shared<Kind>();
  kind->name = listing.name;
  kind->title = listing.title;
  kind->current_version = listing.current_version;
  kind->number_prefix = listing.manifest.Find("number_prefix")->as_string();
  kind->manifest = std::move(listing.manifest);
  for (const auto& [v, file] : TemplateFiles(dir)) {
    BEIAN_ASSIGN_OR_RETURN(std::string xml, ReadFile(file));
    auto tmpl = engine.Compile(xml);
    if (!tmpl.ok()) return core::InvalidArgument(file.string() + ": " + tmpl.status().message());
    const TemplateInfo info = Describe(*tmpl.value());
    if (info.version != v || info.kind != kind->name) {
      return core::InvalidArgument(file.string() + ": kind/version attributes disagree with the file name");
    }
    kind->versions[v] = tmpl.value();
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

// The folders of the kinds under `dir`, sorted.
core::Result<std::vector<fs::path>> KindFolders(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return core::NotFound("templates folder not found: " + dir);
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && fs::exists(e.path() / "kind.json")) out.push_back(e.path());
  }
  if (out.empty()) return core::NotFound("no document kinds under " + dir);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

core::Result<std::vector<KindListing>> ListKinds(const std::string& dir) {
  BEIAN_ASSIGN_OR_RETURN(std::vector<fs::path> folders, KindFolders(dir));
  std::vector<KindListing> out;
  for (const fs::path& folder : folders) {
    BEIAN_ASSIGN_OR_RETURN(KindListing kind, ReadListing(folder));
    out.push_back(std::move(kind));
  }
  return out;
}

core::Result<Catalog> Catalog::Load(const std::string& dir, const Engine& engine,
                                    const std::vector<std::string>& only) {
  BEIAN_ASSIGN_OR_RETURN(std::vector<fs::path> folders, KindFolders(dir));
  Catalog catalog;
  for (const fs::path& folder : folders) {
    if (!only.empty() && std::find(only.begin(), only.end(), folder.filename().string()) == only.end()) continue;
    BEIAN_ASSIGN_OR_RETURN(std::shared_ptr<Kind> kind, LoadKind(folder, engine));
    catalog.kinds_[kind->name] = std::move(kind);
  }
  for (const std::string& name : only) {
    if (catalog.kinds_.count(name) == 0) return core::NotFound("no document kind \"" + name + "\" under " + dir);
  }
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
