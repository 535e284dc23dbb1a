// OFD output (GB/T 33190-2016, 版式文档): the same laid-out pages as the PDF, written as the
// standard's package — OFD.xml, Doc_0/Document.xml, Doc_0/PublicRes.xml with embedded subset
// fonts, Doc_0/Pages/Page_N/Content.xml (TextObject/TextCode with DeltaX, PathObjects for rules,
// boxes, check marks and the QR code), the source data as an attachment — in a deterministic
// ZIP. A second backend after the layout stage, not a second layout.
#ifndef BEIAN_RENDER_SRC_OFD_WRITER_H_
#define BEIAN_RENDER_SRC_OFD_WRITER_H_

#include <string>

#include "beian/core/status.h"
#include "font.h"
#include "layout.h"

namespace beian::render {

struct OfdInfo {
  std::string title;
  std::string number;       // the document number
  std::string kind;
  int template_version = 0;
  std::string issued_at;    // RFC 3339 with offset: DocInfo dates, the attachment's, the ZIP's
  std::string source_json;  // attached as data.json
  int compression_level = 1;
};

// Writes the document as OFD. Deterministic: equal inputs give equal bytes.
core::Result<std::string> WriteOfd(const LayoutResult& layout, const FontTable& fonts, const OfdInfo& info,
                                   float page_width_pt, float page_height_pt);

}  // namespace beian::render

#endif  // BEIAN_RENDER_SRC_OFD_WRITER_H_
