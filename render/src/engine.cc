#include "beian/render/engine.h"

#include <hb.h>
#include <libdeflate.h>
#include <podofo/base/PdfDefines.h>
#include <qrencode.h>
#include <zlib.h>

#include <cctype>
#include <fstream>
#include <mutex>
#include <optional>

#include "beian/core/version.h"

#include "bind.h"
#include "face_cache.h"
#include "font.h"
#include "layout.h"
#include "mapped_file.h"
#include "ofd_writer.h"
#include "pdf_support.h"
#include "pdf_writer.h"
#include "template.h"

namespace beian::render {

struct Engine::Impl {
  FontManifest manifest;
  std::shared_ptr<FontSource> source;
  EngineOptions options;
  std::once_flag load_once;
  core::Status loaded;  // LoadFonts' outcome
  FontTable fonts;      // role names and chains from Create, faces from LoadFonts
  SubsetFontCache subset_fonts;  // the template text's subset fonts, made once
  std::optional<OutputIntent> output_intent;  // PDF/A's, when the manifest names one
};

std::string PdfStandardName(PdfStandard standard) {
  return standard == PdfStandard::kPdfA3u ? "PDF/A-3u" : "";
}

core::Result<PdfStandard> ParsePdfStandard(std::string_view name) {
  if (name.empty()) return PdfStandard::kPlain;
  if (name == "PDF/A-3u") return PdfStandard::kPdfA3u;
  return core::InvalidArgument("unknown PDF standard \"" + std::string(name) + "\" (known: PDF/A-3u)");
}

core::Result<FontManifest> ParseFontManifest(std::string_view text) {
  BEIAN_ASSIGN_OR_RETURN(core::Json json, core::ParseJson(text));
  FontManifest m;
  const core::Json* faces = json.Find("faces");
  const core::Json* roles = json.Find("roles");
  if (faces == nullptr || !faces->is_object() || roles == nullptr || !roles->is_object()) {
    return core::InvalidArgument("font manifest: needs \"faces\" and \"roles\" objects");
  }
  for (const auto& [id, f] : faces->as_object()) {
    const core::Json* file = f.Find("file");
    if (file == nullptr || !file->is_string()) {
      return core::InvalidArgument("font manifest: /faces/" + id + "/file must be a string");
    }
    FontFaceSpec spec;
    spec.id = id;
    spec.file = file->as_string();
    if (const core::Json* index = f.Find("index"); index != nullptr && index->is_integer()) {
      spec.index = static_cast<int>(index->as_int());
    }
    if (const core::Json* sha = f.Find("sha256"); sha != nullptr && sha->is_string()) {
      spec.sha256 = sha->as_string();
    }
    if (const core::Json* pkg = f.Find("package"); pkg != nullptr && pkg->is_string()) {
      spec.package = pkg->as_string();
    }
    if (const core::Json* last = f.Find("last_resort"); last != nullptr && last->is_bool()) {
      spec.last_resort = last->as_bool();
    }
    m.faces.push_back(std::move(spec));
  }
  for (const auto& [role, chain] : roles->as_object()) {
    if (!chain.is_array() || chain.size() == 0) {
      return core::InvalidArgument("font manifest: /roles/" + role + " must be a non-empty array");
    }
    std::vector<std::string>& ids = m.roles[role];
    for (const core::Json& id : chain.as_array()) {
      if (!id.is_string()) return core::InvalidArgument("font manifest: /roles/" + role + " holds face ids");
      bool known = false;
      for (const FontFaceSpec& f : m.faces) known |= f.id == id.as_string();
      if (!known) {
        return core::InvalidArgument("font manifest: role " + role + " names unknown face " +
                                     id.as_string());
      }
      ids.push_back(id.as_string());
    }
  }
  if (m.roles.count("song") == 0) return core::InvalidArgument("font manifest: needs a \"song\" role");
  if (const core::Json* intent = json.Find("output_intent"); intent != nullptr) {
    const core::Json* file = intent->Find("file");
    if (!intent->is_object() || file == nullptr || !file->is_string()) {
      return core::InvalidArgument("font manifest: /output_intent/file must be a string");
    }
    m.output_intent.file = file->as_string();
    for (auto [key, field] : {std::pair{"identifier", &ColorProfileSpec::identifier},
                              std::pair{"sha256", &ColorProfileSpec::sha256},
                              std::pair{"package", &ColorProfileSpec::package}}) {
      if (const core::Json* v = intent->Find(key); v != nullptr && v->is_string()) {
        m.output_intent.*field = v->as_string();
      }
    }
  }
  return m;
}

core::Result<std::string> FileFontSource::Read(const std::string& file) {
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  if (!in) return core::IoError("cannot open font file " + file);
  const std::streamoff size = in.tellg();
  if (size < 0) return core::IoError("cannot size font file " + file);
  std::string bytes(static_cast<size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) return core::IoError("cannot read font file " + file);
  return bytes;
}

core::Result<std::shared_ptr<const FontFile>> FileFontSource::Open(const std::string& file) {
  auto mapped = MappedFile::Open(file);
  if (!mapped.ok()) return core::IoError("font file: " + mapped.status().message());
  return std::shared_ptr<const FontFile>(std::move(mapped).value());
}

std::string FileFontSource::Identity(const std::string& file) { return FileIdentity(file); }

namespace {

class FontFileInMemory : public FontFile {
 public:
  explicit FontFileInMemory(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string_view bytes() const override { return bytes_; }

 private:
  std::string bytes_;
};

}  // namespace

core::Result<std::shared_ptr<const FontFile>> FontSource::Open(const std::string& file) {
  BEIAN_ASSIGN_OR_RETURN(std::string bytes, Read(file));
  return std::shared_ptr<const FontFile>(std::make_shared<FontFileInMemory>(std::move(bytes)));
}

std::string FontSource::Identity(const std::string&) { return ""; }

TemplateInfo Describe(const Template& tmpl) { return {tmpl.kind, tmpl.version, tmpl.title}; }

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
std::string EngineVersion() {
  return std::string("beian ") + core::Version() + ", HarfBuzz " + hb_version_string() + ", PoDoFo " +
         std::to_string(PODOFO_VERSION_MAJOR) + "." + std::to_string(PODOFO_VERSION_MINOR) + "." +
         std::to_string(PODOFO_VERSION_PATCH) + ", libqrencode " + QRcode_APIVersionString() + ", libdeflate " +
         LIBDEFLATE_VERSION_STRING + ", zlib " + zlibVersion();
}

core::Status Engine::LoadFonts() const {
  Impl& impl = *impl_;
  std::call_once(impl.load_once, [&impl] {
    std::vector<std::unique_ptr<Face>> faces;
    for (const FontFaceSpec& spec : impl.manifest.faces) {
      auto face = LoadFace(spec, impl.source, impl.options.face_cache);
      if (!face.ok()) {
        impl.loaded = face.status();
        return;
      }
      faces.push_back(std::move(face).value());
    }
    impl.fonts.faces = std::move(faces);
  });
  return impl.loaded;
}

core::Result<const FontTable*> Engine::fonts() const {
  BEIAN_RETURN_IF_ERROR(LoadFonts());
  return &impl_->fonts;
}

core::Result<std::unique_ptr<Engine>> Engine::Create(const FontManifest& manifest,
                                                     std::shared_ptr<FontSource> source, EngineOptions options) {
  QuietPoDoFo();  // before any thread renders: it sets PoDoFo's global flags
  auto impl = std::make_unique<Impl>();
  impl->manifest = manifest;
  impl->source = std::move(source);
  impl->options = std::move(options);
  std::map<std::string, int> index;
  for (const FontFaceSpec& spec : manifest.faces) index.emplace(spec.id, static_cast<int>(index.size()));
  if (!manifest.output_intent.file.empty()) {
    BEIAN_ASSIGN_OR_RETURN(std::string profile, impl->source->Read(manifest.output_intent.file));
    BEIAN_ASSIGN_OR_RETURN(impl->output_intent, LoadOutputIntent(manifest.output_intent, std::move(profile)));
  }
  // "song" first: it is the default role of every style.
  std::vector<std::string> names = {"song"};
  for (const auto& [role, chain] : manifest.roles) {
    if (role != "song") names.push_back(role);
  }
  for (const std::string& role : names) {
    std::vector<int> chain;
    for (const std::string& id : manifest.roles.at(role)) chain.push_back(index.at(id));
    impl->fonts.role_names.push_back(role);
    impl->fonts.roles.push_back(std::move(chain));
  }
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

core::Result<std::shared_ptr<const Template>> Engine::Compile(std::string_view xml) const {
  BEIAN_ASSIGN_OR_RETURN(Template t, Template::Compile(xml, impl_->fonts.role_names));
  return std::make_shared<const Template>(std::move(t));
}

namespace {

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

core::Status CheckNumber(const std::string& number) {
  if (number.empty() || number.size() > 64) {
    return core::InvalidArgument("document number must be 1–64 bytes, got \"" + number + "\"");
  }
  for (unsigned char c : number) {
    if (c <= ' ' || c == 0x7F) {
      return core::InvalidArgument("document number must not contain spaces or control characters");
    }
  }
  return core::Status::Ok();
}

}  // namespace

namespace {

core::Status CheckOptions(const core::Json& data, const RenderOptions& options) {
  if (!data.is_object()) return core::InvalidArgument("/: the data must be a JSON object");
  BEIAN_RETURN_IF_ERROR(PdfDate(options.issued_at).status());
  BEIAN_RETURN_IF_ERROR(CheckNumber(options.document_number));
  if (options.compression_level < 1 || options.compression_level > 12) {
    return core::InvalidArgument("compression level must be 1–12");
  }
  return core::Status::Ok();
}

Variables VariablesOf(const RenderOptions& options) {
  Variables vars;
  vars.number = options.document_number;
  vars.issued_at = options.issued_at;
  vars.verify_key = options.verification_key;
  return vars;
}

std::string QrPayload(const RenderOptions& options) {
  if (options.verify_url.empty()) {
    return "beian:verify/" + UrlEncode(options.document_number) + "?key=" + UrlEncode(options.verification_key);
  }
  return options.verify_url + "/v/" + UrlEncode(options.document_number) + "?k=" +
         UrlEncode(options.verification_key);
}

// The PDF of a finished layout.
core::Result<RenderedDocument> WriteDocument(const Template& tmpl, const FontTable& fonts,
                                             SubsetFontCache* subset_fonts, const OutputIntent* intent,
                                             const core::Json& data, const RenderOptions& options,
                                             const LayoutResult& layout) {
  PdfInfo info;
  info.title = tmpl.title;
  info.subject = options.document_number;
  info.creator = "beian " + tmpl.kind + " v" + std::to_string(tmpl.version);
  info.created_at = options.issued_at;
  info.compression_level = options.compression_level;
  info.standard = options.standard;
  if (options.standard == PdfStandard::kPdfA3u) {
    info.kind = tmpl.kind;
    info.template_version = tmpl.version;
    info.source_json = core::WriteCanonicalJson(data);
    info.output_intent = intent;
  }
  constexpr float kPt = 72.0f / 25.4f;
  BEIAN_ASSIGN_OR_RETURN(std::string pdf, WritePdf(layout, fonts, subset_fonts, info,
                                                   tmpl.page.width_mm * kPt,
                                                   tmpl.page.height_mm * kPt));
  RenderedDocument out;
  if (options.with_ofd) {
    OfdInfo ofd;
    ofd.title = tmpl.title;
    ofd.number = options.document_number;
    ofd.kind = tmpl.kind;
    ofd.template_version = tmpl.version;
    ofd.issued_at = options.issued_at;
    ofd.source_json = info.source_json.empty() ? core::WriteCanonicalJson(data) : info.source_json;
    ofd.compression_level = options.compression_level;
    BEIAN_ASSIGN_OR_RETURN(out.ofd, WriteOfd(layout, fonts, ofd, tmpl.page.width_mm * kPt, tmpl.page.height_mm * kPt));
  }
  out.pdf = std::move(pdf);
  out.pages = static_cast<int>(layout.pages.size());
  return out;
}

}  // namespace

struct PreparedLayout::Impl {
  const Template* tmpl = nullptr;
  BodyLayout body;
};

PreparedLayout::PreparedLayout(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PreparedLayout::PreparedLayout(PreparedLayout&& other) noexcept = default;
PreparedLayout& PreparedLayout::operator=(PreparedLayout&& other) noexcept = default;
PreparedLayout::~PreparedLayout() = default;

core::Result<PreparedLayout> Engine::Prepare(const Template& tmpl, const core::Json& data,
                                             const RenderOptions& trial) const {
  BEIAN_RETURN_IF_ERROR(CheckOptions(data, trial));
  auto impl = std::make_unique<PreparedLayout::Impl>();
  impl->tmpl = &tmpl;
  BEIAN_ASSIGN_OR_RETURN(const FontTable* fonts, this->fonts());
  BEIAN_ASSIGN_OR_RETURN(impl->body, LayOutBody(tmpl, *fonts, data, VariablesOf(trial)));
  return PreparedLayout(std::move(impl));
}

core::Result<RenderedDocument> Engine::Render(const Template& tmpl, const core::Json& data,
                                              const RenderOptions& options) const {
  BEIAN_RETURN_IF_ERROR(CheckOptions(data, options));
  BEIAN_ASSIGN_OR_RETURN(const FontTable* fonts, this->fonts());
  BEIAN_ASSIGN_OR_RETURN(LayoutResult layout, LayOut(tmpl, *fonts, data, VariablesOf(options), QrPayload(options)));
  return WriteDocument(tmpl, *fonts, &impl_->subset_fonts,
                       impl_->output_intent ? &*impl_->output_intent : nullptr, data, options, layout);
}

core::Result<RenderedDocument> Engine::Render(const Template& tmpl, const core::Json& data,
                                              const RenderOptions& options, PreparedLayout prepared) const {
  if (prepared.impl_ == nullptr || prepared.impl_->tmpl != &tmpl || prepared.impl_->body.reads_number) {
    return Render(tmpl, data, options);
  }
  BEIAN_RETURN_IF_ERROR(CheckOptions(data, options));
  BEIAN_ASSIGN_OR_RETURN(const FontTable* fonts, this->fonts());
  BEIAN_ASSIGN_OR_RETURN(LayoutResult layout,
                         AddRunningItems(tmpl, *fonts, data, VariablesOf(options), QrPayload(options),
                                         std::move(prepared.impl_->body.result)));
  return WriteDocument(tmpl, *fonts, &impl_->subset_fonts,
                       impl_->output_intent ? &*impl_->output_intent : nullptr, data, options, layout);
}


}  // namespace beian::render
