// PDF output: laid-out pages → PDF bytes, with subset CID fonts and a valid ToUnicode map.
#ifndef BEIAN_RENDER_PDF_WRITER_H_
#define BEIAN_RENDER_PDF_WRITER_H_

#include <string>

#include "archival_pdf.h"
#include "beian/core/status.h"
#include "font.h"
#include "font_objects.h"
#include "layout.h"

namespace beian::render {

struct PdfInfo {
  std::string title;
  std::string subject;     // the document number
  std::string creator;     // kind and template version
  std::string created_at;  // RFC 3339; becomes CreationDate and ModDate
  int compression_level = 1;
  PdfStandard standard = PdfStandard::kPlain;
  // PDF/A only (archival_pdf.h): the kind, its template version, the data as canonical JSON and
  // the output intent.
  std::string kind;
  int template_version = 0;
  std::string source_json;
  const OutputIntent* output_intent = nullptr;
};

// Writes the document. Deterministic: equal inputs give equal bytes, whatever `cache` (may
// be null) holds; it only saves making the template text's subset fonts again.
core::Result<std::string> WritePdf(const LayoutResult& layout, const FontTable& fonts,
                                   SubsetFontCache* cache, const PdfInfo& info, float page_width,
                                   float page_height);

// "2026-11-27T10:00:00+08:00" → "D:20261127100000+08'00'"; error if not RFC 3339.
core::Result<std::string> PdfDate(const std::string& rfc3339);

}  // namespace beian::render

#endif  // BEIAN_RENDER_PDF_WRITER_H_
