// PDF/A-3u (ISO 19005-3, level U): what a document carries beyond its pages so that an archive
// can keep it for decades — XMP metadata naming the standard, an sRGB output intent, the data it
// was rendered from as an associated file — and a writer that lays the file out as ISO 19005
// wants it: a PDF 1.7 header, "obj" and "endobj" on lines of their own, and a trailer /ID derived
// from the content. docs/pdfa.md lists the rules and how they are checked.
#ifndef BEIAN_RENDER_SRC_ARCHIVAL_PDF_H_
#define BEIAN_RENDER_SRC_ARCHIVAL_PDF_H_

#include <podofo/podofo.h>

#include <string>
#include <string_view>

#include "beian/core/status.h"
#include "beian/render/engine.h"

namespace beian::render {

// The output intent of every PDF/A document: an ICC profile read and checked once.
struct OutputIntent {
  std::string identifier;        // OutputConditionIdentifier, e.g. "sRGB IEC61966-2.1"
  std::string profile_deflated;  // the ICC profile, deflated
  int components = 0;            // 1 (GRAY), 3 (RGB) or 4 (CMYK), from the profile's header
};

// Checks an ICC profile for use as a PDF/A output intent (ISO 19005-3 6.2.3: a monitor or printer
// profile of GRAY, RGB or CMYK, version below 5) and deflates it.
core::Result<OutputIntent> LoadOutputIntent(const ColorProfileSpec& spec, std::string profile);

// The facts a PDF/A document states about itself, beside its pages.
struct ArchivalFacts {
  std::string title;        // dc:title, /Title
  std::string number;       // the document number: dc:identifier, /Subject, beian:DocumentNumber
  std::string kind;         // beian:Kind
  int template_version = 0; // beian:TemplateVersion
  std::string creator;      // xmp:CreatorTool, /Creator
  std::string issued_at;    // RFC 3339: xmp:CreateDate, xmp:ModifyDate, beian:IssuedAt
  std::string pdf_date;     // the same as a PDF date: /CreationDate, /ModDate, Params/ModDate
  std::string source_json;  // embedded as data.json (application/json, /AFRelationship /Source)
};

// The XMP packet (UTF-8, without the bytes and encoding attributes ISO 19005 forbids), with a
// PDF/A extension schema describing beian's own properties.
std::string XmpPacket(const ArchivalFacts& facts);

// Adds the catalog's /Metadata, /OutputIntents, /AF and /Names /EmbeddedFiles to `doc`.
void AddArchivalParts(PoDoFo::PdfMemDocument& doc, const ArchivalFacts& facts,
                      const OutputIntent& intent, int compression_level);

// Writes `doc` as a PDF/A file: header "%PDF-1.7" and a binary comment line, every object as
// "N 0 obj" EOL … EOL "endobj", streams with their exact /Length, a cross-reference table, and a
// trailer whose /ID is the first 16 bytes of the SHA-256 of everything before the table.
std::string WriteArchivalFile(PoDoFo::PdfMemDocument& doc);

}  // namespace beian::render

#endif  // BEIAN_RENDER_SRC_ARCHIVAL_PDF_H_
