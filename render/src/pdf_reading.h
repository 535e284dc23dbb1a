// Reading an uploaded PDF with PoDoFo, shared by the inspection of uploads and the reprint
// stamp: every check InspectPdf promises (beian/render/pdf_tools.h) happens in OpenPdf.
#ifndef BEIAN_RENDER_PDF_READING_H_
#define BEIAN_RENDER_PDF_READING_H_

#include <podofo/podofo.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::render {

// A loaded, checked PDF and its pages in document order.
struct OpenedPdf {
  std::unique_ptr<PoDoFo::PdfMemDocument> doc;
  std::vector<PoDoFo::PdfObject*> pages;
  PoDoFo::PdfObject* info = nullptr;  // the file's own Info dictionary (not one PoDoFo made up)
};

// Loads and checks an upload (size, type, truncation, encryption, nesting, every object and
// Flate stream, the page tree); for_update keeps the bytes for an incremental update. Every
// refusal is kInvalidArgument with a bilingual message.
core::Result<OpenedPdf> OpenPdf(std::string_view bytes, bool for_update);

// A refusal of a corrupt PDF: "PDF 文件已损坏：<zh_detail> / corrupt PDF: <en_detail>".
core::Status Corrupt(const std::string& zh_detail, const std::string& en_detail);

}  // namespace beian::render

#endif  // BEIAN_RENDER_PDF_READING_H_
