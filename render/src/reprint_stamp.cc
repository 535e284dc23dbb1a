// Marked reprints (Engine::StampReprint, see beian/render/pdf_tools.h): a red box of text at the
// top right of every page as shown, added as an incremental update after the original's bytes.
#include <podofo/podofo.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "beian/core/utf8.h"
#include "beian/render/engine.h"
#include "font.h"
#include "font_objects.h"
#include "pdf_reading.h"
#include "pdf_support.h"

namespace beian::render {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;
using PoDoFo::PdfString;

constexpr int kMaxParentDepth = 64;  // /Parent links followed for inherited keys

struct Glyph {
  int face = -1;  // -1: a gap (a space no font draws)
  uint16_t gid = 0;
  double width = 0;
};

struct StampLine {
  double size = 0;
  bool bold = false;
  std::vector<Glyph> glyphs;
  double width = 0;
};

// A PDF rectangle [llx lly urx ury], normalised; false if `o` is not one.
bool ReadRect(const PdfObject* o, double r[4]) {
  if (o == nullptr || !o->IsArray() || o->GetArray().size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    const PdfObject& v = o->GetArray()[i];
    if (!v.IsNumber() && !v.IsReal()) return false;
    r[i] = v.GetReal();
  }
  if (r[0] > r[2]) std::swap(r[0], r[2]);
  if (r[1] > r[3]) std::swap(r[1], r[3]);
  return true;
}

// A page attribute, looked up through /Parent as the PDF inheritance rules say.
const PdfObject* Inherited(PoDoFo::PdfVecObjects& objects, const PdfObject* page, const char* key) {
  const PdfObject* node = page;
  for (int depth = 0; node != nullptr && node->IsDictionary() && depth < kMaxParentDepth; ++depth) {
    const PdfObject* v = node->GetDictionary().GetKey(key);
    if (v != nullptr) return v->IsReference() ? objects.GetObject(v->GetReference()) : v;
    const PdfObject* parent = node->GetDictionary().GetKey("Parent");
    node = parent != nullptr && parent->IsReference() ? objects.GetObject(parent->GetReference()) : nullptr;
  }
  return nullptr;
}

core::Result<std::vector<StampLine>> LayOutStamp(const FontTable& fonts,
                                                 const std::vector<std::string>& lines,
                                                 double max_width,
                                                 std::vector<std::vector<char32_t>>& used,
                                                 std::string& role) {
  size_t role_index = 0;
  for (size_t i = 0; i < fonts.role_names.size(); ++i) {
    if (fonts.role_names[i] == "hei") role_index = i;
  }
  role = fonts.role_names.empty() ? "" : fonts.role_names[role_index];
  if (fonts.roles.empty()) return core::FailedPrecondition("the engine has no fonts");
  const std::vector<int>& chain = fonts.roles[role_index];
  std::vector<StampLine> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& text = lines[i];
    const std::string where = "补打标记第 " + std::to_string(i + 1) + " 行";
    const std::string where_en = "stamp line " + std::to_string(i + 1);
    if (!core::IsValidUtf8(text)) return Bad(where + "不是有效的 UTF-8", where_en + " is not valid UTF-8");
    StampLine line;
    line.size = i == 0 ? 11 : 8;
    line.bold = i == 0;
    size_t pos = 0;
    while (pos < text.size()) {
      const char32_t cp = core::DecodeUtf8(text, pos);
      if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
        return Bad(where + "含有控制字符", where_en + " holds a control character");
      }
      Glyph g;
      for (int f : chain) {
        const uint16_t gid = fonts.faces[static_cast<size_t>(f)]->Glyph(cp);
        if (gid != 0) {
          g.face = f;
          g.gid = gid;
          break;
        }
      }
      if (g.face < 0) {
        if (cp == ' ' || cp == 0x3000 || cp == 0xA0) {
          g.width = line.size * (cp == 0x3000 ? 1.0 : 0.25);
          line.glyphs.push_back(g);
          continue;
        }
        std::string ch;
        core::AppendUtf8(ch, cp);
        return Bad(where + "：字符“" + ch + "”（" + core::CodePointLabel(cp) + "）在字体角色 " + role +
                       " 的所有字体中都没有字形，无法打印",
                   where_en + ": character " + core::CodePointLabel(cp) + " is in no font of role " + role);
      }
      const Face& face = *fonts.faces[static_cast<size_t>(g.face)];
      g.width = face.Advance1000(g.gid) * line.size / 1000.0;
      std::vector<char32_t>& u = used[static_cast<size_t>(g.face)];
      if (u.empty()) u.assign(face.glyph_count(), 0);
      if (u[g.gid] == 0) {
        u[g.gid] = cp;
      } else if (u[g.gid] != cp) {
        return core::Internal("font " + face.id() + " draws " + core::CodePointLabel(u[g.gid]) + " and " +
                              core::CodePointLabel(cp) + " with one glyph; copied text would be wrong");
      }
      line.glyphs.push_back(g);
    }
    // Lines wider than the box break between characters; gaps never start a line.
    StampLine current = line;
    current.glyphs.clear();
    for (const Glyph& g : line.glyphs) {
      if (current.width + g.width > max_width && !current.glyphs.empty()) {
        out.push_back(current);
        current.glyphs.clear();
        current.width = 0;
        current.bold = line.bold;
        if (g.face < 0) continue;
      }
      current.glyphs.push_back(g);
      current.width += g.width;
    }
    out.push_back(current);
  }
  return out;
}

// The stamp: 11 pt title, 8 pt lines, inside the 20 mm top margin of the templates when it has
// four lines (5 mm + 18 mm).
constexpr double kStampPad = 4;                    // pt inside the box
constexpr double kStampLeading = 1.25;             // line height / size
constexpr double kStampTop = 5 * kMmToPt;          // from the top edge of the page as shown
constexpr double kStampRight = 8 * kMmToPt;        // from the right edge

// The stamp's content in its own box (origin at the box's lower left), and the box size.
std::string StampContent(const std::vector<StampLine>& lines, const std::vector<int>& slot,
                         const std::vector<EmbeddableFont>& subsets, double box_w, double box_h) {
  std::string s = "0.8 0 0 rg 0.8 0 0 RG\n1 w\n1 1 ";
  AppendNumber(s, box_w - 2);
  s += ' ';
  AppendNumber(s, box_h - 2);
  s += " re S\nBT\n";
  double top = box_h - kStampPad;
  bool bold = false;
  for (const StampLine& line : lines) {
    const double lh = line.size * kStampLeading;
    const double baseline = top - (lh - line.size) / 2 - 0.88 * line.size;
    top -= lh;
    if (line.bold != bold) {
      AppendBoldMode(s, line.bold, line.size * 0.03);
      bold = line.bold;
    }
    double x = (box_w - line.width) / 2;
    size_t i = 0;
    while (i < line.glyphs.size()) {
      if (line.glyphs[i].face < 0) {
        x += line.glyphs[i++].width;
        continue;
      }
      const int face = line.glyphs[i].face;
      const int f = slot[static_cast<size_t>(face)];
      s += "/F" + std::to_string(f) + " ";
      AppendNumber(s, line.size);
      s += " Tf 1 0 0 1 ";
      AppendNumber(s, x);
      s += ' ';
      AppendNumber(s, baseline);
      s += " Tm <";
      static const char kHex[] = "0123456789ABCDEF";
      for (; i < line.glyphs.size() && line.glyphs[i].face == face; ++i) {
        const uint16_t cid = subsets[static_cast<size_t>(f)].new_gid.at(line.glyphs[i].gid);
        for (int shift = 12; shift >= 0; shift -= 4) s.push_back(kHex[(cid >> shift) & 15]);
        x += line.glyphs[i].width;
      }
      s += "> Tj\n";
    }
  }
  if (bold) s += "0 Tr\n";
  s += "ET\n";
  return s;
}

// Replaces a page's /Contents with [q, the original streams…, the stamp]: the original's graphics
// state is restored before the stamp is drawn, whatever the original leaves set.
core::Status AppendContents(PoDoFo::PdfVecObjects& objects, PdfObject* page, const PdfReference& open,
                            const PdfReference& stamp) {
  PdfArray contents;
  contents.push_back(PdfObject(open));
  const PdfObject* old = page->GetDictionary().GetKey("Contents");
  // A reference to an array object lists the streams; any other reference is the stream.
  const PdfObject* list = old;
  if (old != nullptr && old->IsReference()) {
    const PdfObject* target = objects.GetObject(old->GetReference());
    list = target != nullptr && target->IsArray() ? target : nullptr;
    if (list == nullptr) contents.push_back(*old);
  }
  if (list != nullptr && list->IsArray()) {
    for (const PdfObject& item : list->GetArray()) {
      if (!item.IsReference()) return Corrupt("页面内容数组含有非引用项", "a page /Contents array holds a non-reference");
      contents.push_back(item);
    }
  } else if (list != nullptr && !list->IsNull()) {
    return Corrupt("页面内容（Contents）无效", "invalid page /Contents");
  }
  contents.push_back(PdfObject(stamp));
  page->GetDictionary().AddKey("Contents", contents);
  return core::Status::Ok();
}

// Gives the page its own /Resources (a copy of what it sees, inherited or shared) with the stamp
// added under a name no other XObject of the page uses.
std::string AddStampResource(PoDoFo::PdfVecObjects& objects, PdfObject* page, const PdfReference& form) {
  const PdfObject* inherited = Inherited(objects, page, "Resources");
  PdfDictionary resources;
  if (inherited != nullptr && inherited->IsDictionary()) resources = inherited->GetDictionary();
  PdfDictionary xobjects;
  if (const PdfObject* x = resources.GetKey("XObject"); x != nullptr) {
    const PdfObject* resolved = x->IsReference() ? objects.GetObject(x->GetReference()) : x;
    if (resolved != nullptr && resolved->IsDictionary()) xobjects = resolved->GetDictionary();
  }
  std::string name = "BeianReprint";
  for (int i = 1; xobjects.HasKey(name); ++i) name = "BeianReprint" + std::to_string(i);
  xobjects.AddKey(name, form);
  resources.AddKey("XObject", xobjects);
  page->GetDictionary().AddKey("Resources", resources);
  return name;
}

core::Result<std::string> Stamp(const FontTable& fonts, std::string_view original,
                                const std::vector<std::string>& lines, const std::string& at) {
  BEIAN_ASSIGN_OR_RETURN(const std::string date, DateArgument(at, "at"));
  if (lines.empty() || lines.size() > 16) {
    return Bad("补打标记需要 1–16 行文字", "a reprint stamp needs 1–16 lines");
  }
  BEIAN_ASSIGN_OR_RETURN(OpenedPdf pdf, OpenPdf(original, true));

  constexpr double kMaxBoxWidth = 72 * kMmToPt;
  std::vector<std::vector<char32_t>> used(fonts.faces.size());
  std::string role;
  BEIAN_ASSIGN_OR_RETURN(std::vector<StampLine> laid,
                         LayOutStamp(fonts, lines, kMaxBoxWidth - 2 * kStampPad, used, role));
  double text_w = 0, text_h = 0;
  for (const StampLine& l : laid) {
    text_w = std::max(text_w, l.width);
    text_h += l.size * kStampLeading;
  }
  const double box_w = std::ceil(text_w + 2 * kStampPad), box_h = std::ceil(text_h + 2 * kStampPad);

  // Subset fonts, in face order; slot[face] is the font's index (/F0, /F1, …).
  std::vector<int> slot(fonts.faces.size(), -1);
  std::vector<EmbeddableFont> subsets;
  std::vector<size_t> slot_face;
  for (size_t f = 0; f < fonts.faces.size(); ++f) {
    std::vector<uint16_t> gids;
    for (size_t g = 1; g < used[f].size(); ++g) {
      if (used[f][g] != 0) gids.push_back(static_cast<uint16_t>(g));
    }
    if (gids.empty()) continue;
    BEIAN_ASSIGN_OR_RETURN(EmbeddableFont subset, PrepareSubsetFont(*fonts.faces[f], gids, used[f], 6));
    slot[f] = static_cast<int>(subsets.size());
    subsets.push_back(std::move(subset));
    slot_face.push_back(f);
  }

  try {
    PoDoFo::PdfMemDocument& doc = *pdf.doc;
    PoDoFo::PdfVecObjects& objects = doc.GetObjects();

    // One form XObject holds the stamp and its fonts; every page draws it.
    PdfDictionary font_resources;
    for (size_t i = 0; i < subsets.size(); ++i) {
      const size_t f = slot_face[i];
      PdfObject* type0 = AddSubsetFont(&objects, *fonts.faces[f], subsets[i]);
      font_resources.AddKey(PdfName("F" + std::to_string(i)), type0->Reference());
    }
    PdfObject* form = objects.CreateObject("XObject");
    PdfDictionary& fd = form->GetDictionary();
    fd.AddKey(PdfName::KeySubtype, PdfName("Form"));
    PdfArray bbox;
    bbox.push_back(PdfInt(0));
    bbox.push_back(PdfInt(0));
    bbox.push_back(PdfInt(static_cast<long long>(box_w)));
    bbox.push_back(PdfInt(static_cast<long long>(box_h)));
    fd.AddKey("BBox", bbox);
    PdfDictionary form_resources;
    form_resources.AddKey("Font", font_resources);
    fd.AddKey("Resources", form_resources);
    SetFlateStream(form, StampContent(laid, slot, subsets, box_w, box_h), 6);

    PdfObject* open = objects.CreateObject();
    SetRawStream(open, "q\n");

    std::map<std::string, PdfReference> stamp_streams;  // equal placements share one stream
    for (size_t n = 0; n < pdf.pages.size(); ++n) {
      PdfObject* page = pdf.pages[n];
      double media[4], crop[4];
      if (!ReadRect(Inherited(objects, page, "MediaBox"), media)) {
        return Corrupt("第 " + std::to_string(n + 1) + " 页没有有效的页面尺寸（MediaBox）",
                       "page " + std::to_string(n + 1) + " has no valid /MediaBox");
      }
      if (ReadRect(Inherited(objects, page, "CropBox"), crop)) {
        crop[0] = std::max(crop[0], media[0]);
        crop[1] = std::max(crop[1], media[1]);
        crop[2] = std::min(crop[2], media[2]);
        crop[3] = std::min(crop[3], media[3]);
        if (crop[0] >= crop[2] || crop[1] >= crop[3]) std::copy(media, media + 4, crop);
      } else {
        std::copy(media, media + 4, crop);
      }
      long long rotate = 0;
      if (const PdfObject* r = Inherited(objects, page, "Rotate"); r != nullptr && r->IsNumber()) {
        rotate = ((r->GetNumber() % 360) + 360) % 360;
        if (rotate % 90 != 0) rotate = 0;
      }
      const double w = crop[2] - crop[0], h = crop[3] - crop[1];
      const double shown_w = rotate % 180 == 0 ? w : h, shown_h = rotate % 180 == 0 ? h : w;
      if (box_h + 2 * kStampTop > shown_h || box_w + 2 * kStampRight > shown_w) {
        return Bad("补打标记比第 " + std::to_string(n + 1) + " 页还大",
                   "the reprint stamp does not fit on page " + std::to_string(n + 1));
      }
      // The box's lower left corner as the page is shown, then in the page's own space.
      const double px = shown_w - kStampRight - box_w, py = shown_h - kStampTop - box_h;
      std::string cm;
      switch (rotate) {
        case 90:
          cm = Matrix(0, 1, -1, 0, crop[0] + w - py, crop[1] + px);
          break;
        case 180:
          cm = Matrix(-1, 0, 0, -1, crop[0] + w - px, crop[1] + h - py);
          break;
        case 270:
          cm = Matrix(0, -1, 1, 0, crop[0] + py, crop[1] + h - px);
          break;
        default:
          cm = Matrix(1, 0, 0, 1, crop[0] + px, crop[1] + py);
      }
      const std::string name = AddStampResource(objects, page, form->Reference());
      const std::string content = "Q q " + cm + " /" + name + " Do Q\n";
      auto it = stamp_streams.find(content);
      if (it == stamp_streams.end()) {
        PdfObject* stream = objects.CreateObject();
        SetRawStream(stream, content);
        it = stamp_streams.emplace(content, stream->Reference()).first;
      }
      BEIAN_RETURN_IF_ERROR(AppendContents(objects, page, open->Reference(), it->second));
    }

    // Info: the update's time; a file without Info gets one without a made-up creation date.
    PdfObject* info = pdf.info;
    if (info == nullptr) {
      info = doc.GetInfo()->GetObject();
      info->GetDictionary().RemoveKey("CreationDate");
      info->GetDictionary().AddKey("Producer", PdfString("beian"));
    }
    info->GetDictionary().AddKey("ModDate", PdfString(date));

    // The original, byte for byte, then the update (after an end of line if it lacks one).
    PoDoFo::PdfRefCountedBuffer buffer(original.size() + 64 * 1024);
    PoDoFo::PdfOutputDevice device(&buffer);
    device.Write(original.data(), static_cast<PoDoFo::pdf_long>(original.size()));
    if (original.back() != '\n' && original.back() != '\r') device.Write("\n", 1);
    // "N 0 obj" and "endobj" on lines of their own: the update of a PDF/A document stays PDF/A
    // (ISO 19005-3 6.1.9).
    doc.SetWriteMode(PoDoFo::ePdfWriteMode_Clean);
    doc.WriteUpdate(&device, false);
    std::string out(buffer.GetBuffer(), device.GetLength());
    if (out.compare(0, original.size(), original) != 0) {
      return core::Internal("reprint stamp: the update does not start with the original bytes");
    }
    return out;
  } catch (const PoDoFo::PdfError& e) {
    return Corrupt("无法加盖补打标记（" + PoDoFoReason(e) + "）", "cannot stamp the reprint (" + PoDoFoReason(e) + ")");
  }
}

}  // namespace

core::Result<std::string> Engine::StampReprint(std::string_view original,
                                               const std::vector<std::string>& lines,
                                               const std::string& at) const {
  BEIAN_ASSIGN_OR_RETURN(const FontTable* fonts, this->fonts());
  return Stamp(*fonts, original, lines, at);
}

}  // namespace beian::render
