#include "pdf_writer.h"

#include <podofo/podofo.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>

#include "font_objects.h"
#include "pdf_support.h"

namespace beian::render {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfString;
using PoDoFo::PdfVariant;

long long Hundredths(float v) {
  const double scaled = static_cast<double>(v) * 100.0;
  return static_cast<long long>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
}

void Num(std::string& out, float v) { AppendNumber(out, static_cast<double>(v)); }

// One byte of a PDF literal string: the two-byte CIDs are written as bytes, half the size
// of hex; only the delimiters, the backslash and CR (which readers turn into LF) are escaped.
void LiteralByte(std::string& out, char c) {
  switch (c) {
    case '(':
    case ')':
    case '\\':
      out.push_back('\\');
      out.push_back(c);
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      out.push_back(c);
  }
}

// Where each glyph of a face is drawn from, for every face the document uses: original gid →
// the font's index (/F<index>) << 16 | its CID there; kUnrouted for glyphs not drawn.
using GlyphRoutes = std::vector<std::vector<uint32_t>>;
constexpr uint32_t kUnrouted = 0xFFFFFFFF;

// The four Bézier arcs of a circle.
void Circle(std::string& out, float cx, float cy, float r) {
  const float k = 0.5523f * r;
  Num(out, cx + r); out.push_back(' '); Num(out, cy); out += " m ";
  const float pts[4][6] = {{cx + r, cy + k, cx + k, cy + r, cx, cy + r},
                           {cx - k, cy + r, cx - r, cy + k, cx - r, cy},
                           {cx - r, cy - k, cx - k, cy - r, cx, cy - r},
                           {cx + k, cy - r, cx + r, cy - k, cx + r, cy}};
  for (const auto& p : pts) {
    for (float v : p) {
      Num(out, v);
      out.push_back(' ');
    }
    out += "c ";
  }
}

std::string ContentStream(const Canvas& canvas, const GlyphRoutes& routes, float page_h) {
  std::string s;
  s.reserve(canvas.runs.size() * 40 + canvas.shapes.size() * 30 + 64);
  // Shapes: strokes first (grouped by width and dash), then fills.
  float width = -1;
  bool dashed = false;
  bool open_path = false;
  auto flush = [&]() {
    if (open_path) s += "S\n";
    open_path = false;
  };
  for (const Shape& sh : canvas.shapes) {
    if (sh.kind == Shape::Kind::kFill || sh.kind == Shape::Kind::kQr) continue;
    if (sh.width != width || sh.dashed != dashed) {
      flush();
      if (sh.width != width) {
        Num(s, sh.width);
        s += " w\n";
        width = sh.width;
      }
      if (sh.dashed != dashed) {
        s += sh.dashed ? "[3 2] 0 d\n" : "[] 0 d\n";
        dashed = sh.dashed;
      }
    }
    const float y = page_h - sh.y;
    switch (sh.kind) {
      case Shape::Kind::kLine:
        Num(s, sh.x); s.push_back(' '); Num(s, y); s += " m ";
        Num(s, sh.x + sh.w); s.push_back(' '); Num(s, y - sh.h); s += " l\n";
        break;
      case Shape::Kind::kRect:
        Num(s, sh.x); s.push_back(' '); Num(s, y - sh.h); s.push_back(' ');
        Num(s, sh.w); s.push_back(' '); Num(s, sh.h); s += " re\n";
        break;
      case Shape::Kind::kCircle:
        Circle(s, sh.x + sh.w / 2, y - sh.h / 2, sh.w / 2);
        s.push_back('\n');
        break;
      case Shape::Kind::kTick: {
        const float a = sh.w;
        Num(s, sh.x + 0.18f * a); s.push_back(' '); Num(s, y - 0.52f * a); s += " m ";
        Num(s, sh.x + 0.42f * a); s.push_back(' '); Num(s, y - 0.80f * a); s += " l ";
        Num(s, sh.x + 0.86f * a); s.push_back(' '); Num(s, y - 0.16f * a); s += " l\n";
        break;
      }
      case Shape::Kind::kFill:
      case Shape::Kind::kQr:
        break;
    }
    open_path = true;
  }
  flush();
  if (dashed) s += "[] 0 d\n";
  bool any_fill = false;
  for (const Shape& sh : canvas.shapes) {
    if (sh.kind != Shape::Kind::kFill) continue;
    Num(s, sh.x); s.push_back(' '); Num(s, page_h - sh.y - sh.h); s.push_back(' ');
    Num(s, sh.w); s.push_back(' '); Num(s, sh.h); s += " re\n";
    any_fill = true;
  }
  if (any_fill) s += "f\n";
  for (const Shape& sh : canvas.shapes) {
    if (sh.kind != Shape::Kind::kQr) continue;
    s += "q 1 0 0 1 ";
    Num(s, sh.x);
    s.push_back(' ');
    Num(s, page_h - sh.y - sh.h);
    s += " cm /QR Do Q\n";
  }

  if (canvas.runs.empty()) return s;
  s += "BT\n";
  // Runs are placed with Td relative to the previous run's start, in whole hundredths of a
  // point, so that rounding never accumulates.
  long long line_x = 0, line_y = 0;
  int cur_font = -1;
  float cur_size = -1, cur_spacing = 0;
  bool cur_bold = false;
  auto select_font = [&](int font, float size, const char* after) {
    s += "/F";
    s += std::to_string(font);
    s.push_back(' ');
    Num(s, size);
    s += after;
    cur_font = font;
    cur_size = size;
  };
  for (const TextRun& run : canvas.runs) {
    // A face's glyphs may come from two fonts (the template's and the data's): the run
    // switches font where its glyphs do, in one string per font.
    const std::vector<uint32_t>& route = routes[run.face];
    if (!run.gids.empty()) {
      const int font = static_cast<int>(route[run.gids[0]] >> 16);
      if (font != cur_font || run.size != cur_size) select_font(font, run.size, " Tf\n");
    }
    if (run.spacing != cur_spacing) {
      Num(s, run.spacing);
      s += " Tc\n";
      cur_spacing = run.spacing;
    }
    if (run.bold != cur_bold) {
      AppendBoldMode(s, run.bold, run.size * 0.03f);
      cur_bold = run.bold;
    }
    const long long x = Hundredths(run.x), y = Hundredths(page_h - run.y);
    Num(s, static_cast<float>(x - line_x) / 100.0f);
    s.push_back(' ');
    Num(s, static_cast<float>(y - line_y) / 100.0f);
    s += " Td (";
    line_x = x;
    line_y = y;
    for (uint16_t g : run.gids) {
      const uint32_t r = route[g];
      if (static_cast<int>(r >> 16) != cur_font) {
        // Delimiters need no spaces: ")Tj/F1 10.5 Tf(" is the shortest switch.
        s += ")Tj";
        select_font(static_cast<int>(r >> 16), run.size, " Tf(");
      }
      LiteralByte(s, static_cast<char>((r >> 8) & 0xFF));
      LiteralByte(s, static_cast<char>(r & 0xFF));
    }
    s += ") Tj\n";
  }
  s += "ET\n";
  return s;
}

}  // namespace

core::Result<std::string> PdfDate(const std::string& t) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  auto digits = [&](size_t at, size_t n) {
    if (at + n > t.size()) return false;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
    }
    return true;
  };
  if (t.size() < 20 || !digits(0, 4) || t[4] != '-' || !digits(5, 2) || t[7] != '-' ||
      !digits(8, 2) || (t[10] != 'T' && t[10] != 't') || !digits(11, 2) || t[13] != ':' ||
      !digits(14, 2) || t[16] != ':' || !digits(17, 2)) {
    return core::InvalidArgument("issued_at must be an RFC 3339 time such as 2026-11-27T10:00:00+08:00, got \"" + t + "\"");
  }
  size_t z = 19;
  if (z < t.size() && t[z] == '.') {
    ++z;
    while (z < t.size() && t[z] >= '0' && t[z] <= '9') ++z;
  }
  std::string date = "D:" + t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + t.substr(11, 2) +
                     t.substr(14, 2) + t.substr(17, 2);
  if (z + 1 == t.size() && (t[z] == 'Z' || t[z] == 'z')) return date + "Z";
  if (z + 6 == t.size() && (t[z] == '+' || t[z] == '-') && digits(z + 1, 2) && t[z + 3] == ':' &&
      digits(z + 4, 2)) {
    return date + t[z] + t.substr(z + 1, 2) + "'" + t.substr(z + 4, 2) + "'";
  }
  return core::InvalidArgument("issued_at needs a time zone offset (Z or ±HH:MM), got \"" + t + "\"");
}

core::Result<std::string> WritePdf(const LayoutResult& layout, const FontTable& fonts,
                                   SubsetFontCache* cache, const PdfInfo& info, float page_width,
                                   float page_height) {
  BEIAN_ASSIGN_OR_RETURN(std::string date, PdfDate(info.created_at));
  if (info.standard == PdfStandard::kPdfA3u && info.output_intent == nullptr) {
    return core::FailedPrecondition(
        "PDF/A needs an output intent: fonts/manifest.json names no \"output_intent\" ICC profile");
  }
  // Per face, up to two subset fonts: the glyphs of the template's own text, which most of its
  // documents share (so `cache` makes that font once), then the rest, which only data draws.
  std::vector<std::shared_ptr<const EmbeddableFont>> embedded;
  std::vector<size_t> embedded_face;
  GlyphRoutes routes(fonts.faces.size());
  for (size_t f = 0; f < fonts.faces.size(); ++f) {
    const std::vector<char32_t>& used = layout.used[f];
    if (used.empty()) continue;
    const std::vector<uint8_t>& literal = layout.literal[f];
    std::vector<uint16_t> template_gids, data_gids;
    for (size_t g = 1; g < used.size(); ++g) {
      if (used[g] == 0) continue;
      // ASCII stays with the data: numbers, dates and codes then never switch font mid-word.
      const bool shared = literal[g] != 0 && used[g] >= 0x80;
      (shared ? template_gids : data_gids).push_back(static_cast<uint16_t>(g));
    }
    const Face& face = *fonts.faces[f];
    std::vector<uint32_t>& route = routes[f];
    route.assign(used.size(), kUnrouted);
    auto embed = [&](const std::vector<uint16_t>& gids, bool shared) -> core::Status {
      if (gids.empty()) return core::Status::Ok();
      // The shared font is deflated harder: made once, it may take its time (level 9: ~6 %
      // smaller than level 1 for ~4 ms).
      const int level = shared ? std::max(info.compression_level, 9) : info.compression_level;
      std::shared_ptr<const EmbeddableFont> font;
      if (shared && cache != nullptr) {
        BEIAN_ASSIGN_OR_RETURN(font, cache->Get(face, gids, used, level));
      } else {
        BEIAN_ASSIGN_OR_RETURN(EmbeddableFont made, PrepareSubsetFont(face, gids, used, level));
        font = std::make_shared<const EmbeddableFont>(std::move(made));
      }
      const uint32_t index = static_cast<uint32_t>(embedded.size());
      for (uint16_t g : gids) route[g] = index << 16 | font->new_gid.at(g);
      embedded.push_back(std::move(font));
      embedded_face.push_back(f);
      return core::Status::Ok();
    };
    BEIAN_RETURN_IF_ERROR(embed(template_gids, /*shared=*/true));
    BEIAN_RETURN_IF_ERROR(embed(data_gids, /*shared=*/false));
  }

  try {
    const std::unique_ptr<PoDoFo::PdfMemDocument> owned = NewPdfDocument();
    PoDoFo::PdfMemDocument& doc = *owned;
    PoDoFo::PdfVecObjects* objects = &doc.GetObjects();
    PdfDictionary font_resources;
    for (size_t i = 0; i < embedded.size(); ++i) {
      PdfObject* type0 = AddSubsetFont(objects, *fonts.faces[embedded_face[i]], *embedded[i]);
      font_resources.AddKey(PdfName("F" + std::to_string(i)), type0->Reference());
    }

    // The QR code is the same on every page: one form XObject, drawn by each page.
    PdfObject* qr = nullptr;
    if (layout.qr_size > 0) {
      qr = objects->CreateObject("XObject");
      PdfDictionary& q = qr->GetDictionary();
      q.AddKey("Subtype", PdfName("Form"));
      PdfArray bbox;
      for (float v : {0.0f, 0.0f, layout.qr_size, layout.qr_size}) bbox.push_back(PdfObject(PdfVariant(static_cast<double>(v))));
      q.AddKey("BBox", bbox);
      q.AddKey("Resources", PdfDictionary());
      SetFlateStream(qr, ContentStream(layout.qr, routes, layout.qr_size), info.compression_level);
    }

    const PoDoFo::PdfRect media(0, 0, page_width, page_height);
    for (const LaidOutPage& page : layout.pages) {
      PoDoFo::PdfPage* p = doc.CreatePage(media);
      SetFlateStream(p->GetContents(), ContentStream(page.canvas, routes, page_height),
                     info.compression_level);
      PdfDictionary& resources = p->GetResources()->GetDictionary();
      resources.RemoveKey("ProcSet");
      if (!embedded.empty()) resources.AddKey("Font", font_resources);
      if (qr != nullptr) {
        PdfDictionary xobjects;
        xobjects.AddKey("QR", qr->Reference());
        resources.AddKey("XObject", xobjects);
      }
    }

    PdfDictionary& meta = doc.GetInfo()->GetObject()->GetDictionary();
    meta.AddKey("Title", PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(info.title.c_str())));
    meta.AddKey("Subject", PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(info.subject.c_str())));
    meta.AddKey("Creator", PdfString(reinterpret_cast<const PoDoFo::pdf_utf8*>(info.creator.c_str())));
    meta.AddKey("Producer", PdfString("beian"));
    meta.AddKey("CreationDate", PdfString(date));
    meta.AddKey("ModDate", PdfString(date));
    doc.GetCatalog()->GetDictionary().AddKey("Lang", PdfString("zh-CN"));

    if (info.standard == PdfStandard::kPdfA3u) {
      ArchivalFacts facts;
      facts.title = info.title;
      facts.number = info.subject;
      facts.kind = info.kind;
      facts.template_version = info.template_version;
      facts.creator = info.creator;
      facts.issued_at = info.created_at;
      facts.pdf_date = date;
      facts.source_json = info.source_json;
      AddArchivalParts(doc, facts, *info.output_intent, info.compression_level);
      return WriteArchivalFile(doc);
    }

    PoDoFo::PdfRefCountedBuffer buffer(256 * 1024);
    PoDoFo::PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PoDoFo::PdfError& e) {
    return core::Internal(std::string("PDF writer (PoDoFo): ") + PoDoFo::PdfError::ErrorMessage(e.GetError()));
  }
}

}  // namespace beian::render
