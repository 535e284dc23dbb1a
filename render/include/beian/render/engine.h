// The render engine: data + template → typeset Chinese A4 PDF.
//
// Pipeline: template XML → compiled Template (once per version) → layout (ICU line breaking,
// grids, tables, pages) → PDF bytes (HarfBuzz subset fonts, PoDoFo objects, libdeflate streams).
// Render never reads the clock, the locale or the system's font list: the issue time, the
// document number and the font files all come in through its arguments.
#ifndef BEIAN_RENDER_ENGINE_H_
#define BEIAN_RENDER_ENGINE_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"

namespace beian::render {

// One face of a font file, as fonts/manifest.json names it.
struct FontFaceSpec {
  std::string id;       // e.g. "gbsn00lp"
  std::string file;     // absolute path of the .ttf/.ttc
  int index = 0;        // face index inside a .ttc
  std::string sha256;   // expected digest of the whole file
  std::string package;  // the Debian package that ships it
  // Reached only for characters the faces before it lack (CJK Extension B–F): no working copy
  // is prepared at start (it would cost ~0.3 s for a face of 60,000 glyphs); the few documents
  // that draw from it subset the file itself.
  bool last_resort = false;
};

// The ICC profile a PDF/A document names as its output intent (the colours it was made
// for), as fonts/manifest.json names it under "output_intent".
struct ColorProfileSpec {
  std::string file;        // absolute path of the .icc file
  std::string identifier;  // OutputConditionIdentifier, e.g. "sRGB IEC61966-2.1"
  std::string sha256;      // expected digest of the file
  std::string package;     // the Debian package that ships it
};

// Roles (song, hei, kai) mapped to fallback chains of faces, and the output intent.
struct FontManifest {
  std::vector<FontFaceSpec> faces;
  std::map<std::string, std::vector<std::string>> roles;  // role → face ids, first preferred
  ColorProfileSpec output_intent;                         // file empty: no PDF/A output
};

// Parses fonts/manifest.json; every role must name known faces.
core::Result<FontManifest> ParseFontManifest(std::string_view json);

// What the bytes of a document depend on besides its template, data and
// fonts: beian's version and the libraries that shape, subset, compress and
// write ("beian 0.1, HarfBuzz 6.0.0, PoDoFo 0.9.8, libqrencode 4.1.1,
// libdeflate 1.14, zlib 1.2.13").
std::string EngineVersion();

// A font file's bytes, kept while a face needs them (read into memory, or the file mapped).
class FontFile {
 public:
  virtual ~FontFile() = default;
  virtual std::string_view bytes() const = 0;
};

// Supplies font files. Implemented by the program that wires the engine.
class FontSource {
 public:
  virtual ~FontSource() = default;
  // Returns the whole file or an IoError (the manifest, the ICC profile).
  virtual core::Result<std::string> Read(const std::string& file) = 0;
  // A font file, tens of megabytes only read: by default Read into memory.
  virtual core::Result<std::shared_ptr<const FontFile>> Open(const std::string& file);
  // What tells the file's present contents apart without reading them (device, inode, size,
  // change times), "" when unknown. A prepared face cached from a file of the same identity is
  // trusted to come from the bytes whose SHA-256 was checked then; "" disables the cache.
  virtual std::string Identity(const std::string& file);
};

// Reads font files from the local file system; maps them rather than copying.
class FileFontSource : public FontSource {
 public:
  core::Result<std::string> Read(const std::string& file) override;
  core::Result<std::shared_ptr<const FontFile>> Open(const std::string& file) override;
  std::string Identity(const std::string& file) override;
};

struct EngineOptions {
  // A folder for prepared working faces (one file per face, keyed by the font file's SHA-256,
  // the face index and EngineVersion()), made if missing. Preparing the six faces from their
  // 101 MB of font files costs ~0.7 s a process; reading them back a few ms. A cached face is
  // checked on load (key, the font file's identity, a CRC-32 of every byte) and prepared again
  // when stale or damaged. Empty: no cache, every process prepares the faces.
  std::string face_cache;
};

// The standard a PDF conforms to. An archived document keeps its own: rendering it again
// under another would give other bytes.
enum class PdfStandard {
  kPlain,    // PDF 1.3 as beian wrote before PDF/A: no XMP, no output intent, nothing embedded
  kPdfA3u,   // ISO 19005-3, level U: XMP, sRGB output intent, ID from the content, and the
             // data rendered (canonical JSON) embedded as data.json, /AFRelationship /Source
};

// "PDF/A-3u" ↔ kPdfA3u, "" ↔ kPlain (as the catalog records it).
std::string PdfStandardName(PdfStandard standard);
core::Result<PdfStandard> ParsePdfStandard(std::string_view name);

// Everything about one rendering that does not come from the data.
struct RenderOptions {
  std::string document_number;   // 文书编号, on every page and in the QR code
  std::string issued_at;         // RFC 3339 with offset, e.g. 2026-11-27T10:00:00+08:00
  std::string verification_key;  // printed into the QR code beside the number
  std::string verify_url;        // the public verification address: the QR code holds
                                 // verify_url + "/v/" + number + "?k=" + key (URL-encoded);
                                 // empty → "beian:verify/" + number + "?key=" + key
  int compression_level = 1;     // deflate level for streams (1–12, libdeflate); 1 measured
                                 // best: 6 costs twice the time for 5 % fewer bytes
  PdfStandard standard = PdfStandard::kPdfA3u;
  // Also write the document as OFD (GB/T 33190-2016) from the same layout: RenderedDocument::ofd.
  bool with_ofd = false;
};

struct RenderedDocument {
  std::string pdf;
  std::string ofd;  // when RenderOptions::with_ofd: the OFD package (a ZIP), else empty
  int pages = 0;
};

// A compiled template (immutable, shareable between threads).
class Template;
// The engine's loaded faces (internal).
struct FontTable;

// What a template declares about itself.
struct TemplateInfo {
  std::string kind;
  int version = 0;
  std::string title;
};
TemplateInfo Describe(const Template& tmpl);

// A document laid out by Engine::Prepare, to be rendered once its number is known.
class PreparedLayout {
 public:
  PreparedLayout(PreparedLayout&& other) noexcept;
  PreparedLayout& operator=(PreparedLayout&& other) noexcept;
  ~PreparedLayout();

 private:
  friend class Engine;
  struct Impl;
  explicit PreparedLayout(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Thread-safe after creation: one Engine renders many documents at once with shared fonts.
class Engine {
 public:
  // An engine for the manifest's faces. The faces are loaded and checked (SHA-256 must match)
  // when first needed: by LoadFonts, or the first Render, Prepare or StampReprint; Compile
  // needs only the manifest's roles. The ICC profile is read and checked here.
  static core::Result<std::unique_ptr<Engine>> Create(const FontManifest& manifest,
                                                      std::shared_ptr<FontSource> source,
                                                      EngineOptions options = {});
  // Loads every face now (once; later calls return the first outcome): a server calls it at
  // start so a changed font stops it there and the first request does not wait.
  core::Status LoadFonts() const;
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Compiles template XML; errors name the element and attribute at fault.
  core::Result<std::shared_ptr<const Template>> Compile(std::string_view xml) const;

  // Renders data with a template. A data problem (a character no font covers, a table row
  // taller than a page) fails with kInvalidArgument and a message that starts with the JSON
  // Pointer of the field at fault: "/staff/3/name: 字符“𰀀”（U+30000）没有可用的字体 …".
  core::Result<RenderedDocument> Render(const Template& tmpl, const core::Json& data,
                                        const RenderOptions& options) const;

  // Lays the data out as Render would, before the document number is known: every data
  // problem Render reports (the same status). Lets a caller refuse data before it takes
  // something scarce, such as a document number, with `trial` options carrying a placeholder
  // number and key. Render(..., prepared) then lays out again only what the number changes
  // (the running items), unless the body prints the number itself.
  core::Result<PreparedLayout> Prepare(const Template& tmpl, const core::Json& data,
                                       const RenderOptions& trial) const;

  // Render, reusing the layout Prepare made of the same template and data. The output is
  // byte for byte what Render(tmpl, data, options) gives.
  core::Result<RenderedDocument> Render(const Template& tmpl, const core::Json& data,
                                        const RenderOptions& options, PreparedLayout prepared) const;

  // A marked reprint (补打) of `original`, stamped with the engine's fonts: see
  // beian/render/pdf_tools.h (defined in reprint_stamp.cc).
  core::Result<std::string> StampReprint(std::string_view original,
                                         const std::vector<std::string>& lines,
                                         const std::string& at) const;

 private:
  // The loaded faces (LoadFonts).
  core::Result<const FontTable*> fonts() const;
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace beian::render

#endif  // BEIAN_RENDER_ENGINE_H_
