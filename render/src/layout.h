// Layout: a compiled template and the data → positioned glyphs and shapes on A4 pages.
#ifndef BEIAN_RENDER_LAYOUT_H_
#define BEIAN_RENDER_LAYOUT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/core/status.h"
#include "bind.h"
#include "font.h"
#include "template.h"

namespace beian::render {

// Glyphs of one face and size on one baseline. Coordinates in pt from the page's top left.
struct TextRun {
  uint16_t face = 0;
  bool bold = false;
  float size = 0;
  float x = 0, y = 0;  // start of the baseline
  float spacing = 0;   // extra space after each glyph (PDF Tc)
  std::vector<uint16_t> gids;  // original glyph ids of the face
};

struct Shape {
  enum class Kind { kLine, kRect, kFill, kCircle, kTick, kQr };  // kQr: the document's QR code, w × w
  Kind kind = Kind::kLine;
  float x = 0, y = 0, w = 0, h = 0;  // kLine: from (x, y) to (x + w, y + h)
  float width = 0.5f;               // stroke width in pt
  bool dashed = false;
};

struct Canvas {
  std::vector<TextRun> runs;
  std::vector<Shape> shapes;
  // Appends `other` moved by (dx, dy).
  void Append(Canvas&& other, float dx, float dy);
};

struct LaidOutPage {
  Canvas canvas;
  bool hide_page_number = false;
};

struct LayoutResult {
  std::vector<LaidOutPage> pages;
  // Per face: glyph id → the code point it shows (0 = glyph unused).
  std::vector<std::vector<char32_t>> used;
  // Per face, beside `used`: 1 where the template's own text draws the glyph (labels,
  // headings, check-box options), 0 where only data does. Documents of one template share the
  // first set, so its subset font is made once (pdf_writer.cc).
  std::vector<std::vector<uint8_t>> literal;
  // The QR code, drawn once and placed on every page by kQr shapes: dark modules as filled
  // rectangles in a square of side qr_size (pt) with its origin at the top left.
  Canvas qr;
  float qr_size = 0;
};

// Lays out the whole document. Fails with kInvalidArgument naming the JSON Pointer for a
// character no font covers or a table row taller than a page.
core::Result<LayoutResult> LayOut(const Template& tmpl, const FontTable& fonts,
                                  const core::Json& data, const Variables& vars,
                                  const std::string& qr_payload);

// The body of a document laid out (every section's flow), its running items (headers,
// footers, the QR code) not drawn yet.
struct BodyLayout {
  LayoutResult result;
  // The body printed the document number or key: its layout holds for these only.
  bool reads_number = false;
};

// LayOut in two steps: the body, then the running items with `vars` and `qr_payload`,
// which may differ from those the body was laid out with when it did not read them
// (the result is then the same as LayOut's with them). Errors as LayOut.
core::Result<BodyLayout> LayOutBody(const Template& tmpl, const FontTable& fonts,
                                    const core::Json& data, const Variables& vars);
core::Result<LayoutResult> AddRunningItems(const Template& tmpl, const FontTable& fonts,
                                           const core::Json& data, const Variables& vars,
                                           const std::string& qr_payload, LayoutResult body);

}  // namespace beian::render

#endif  // BEIAN_RENDER_LAYOUT_H_
