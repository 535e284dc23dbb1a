#include "layout.h"

#include <qrencode.h>
#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "beian/core/utf8.h"

namespace beian::render {
namespace {

constexpr float kPtPerMm = 72.0f / 25.4f;
constexpr float kCellPadX = 1.5f * kPtPerMm;
constexpr float kCellPadY = 1.2f * kPtPerMm;
constexpr float kRule = 0.6f;        // table rules, pt
constexpr float kAscent = 0.88f;     // baseline position inside the em box

float Mm(float mm) { return mm * kPtPerMm; }

// Characters that must not begin a line (GB/T 15834 punctuation placement), used when a
// line has to be broken where ICU offers no opportunity.
bool NoLineStart(char32_t c) {
  static const std::u32string kSet = U"。，、；：？！）》」』】〕〉”’…‥·.,;:?!)]}%";
  return kSet.find(c) != std::u32string::npos;
}

bool NoLineEnd(char32_t c) {
  static const std::u32string kSet = U"（《「『【〔〈“‘([{";
  return kSet.find(c) != std::u32string::npos;
}

// One thing on a line: a glyph, a check box, a blank stretch of an underlined field, or a
// forced line break.
struct Item {
  enum class Kind : uint8_t { kGlyph, kGap, kBox, kPad, kBreak };
  Kind kind = Kind::kGlyph;
  bool bold = false;
  bool underline = false;
  bool checked = false;
  bool space = false;
  bool glue = false;  // no line break before this item
  uint16_t face = 0;
  uint16_t gid = 0;
  int style = 0;
  char32_t cp = 0;
  float width = 0;
};

struct Line {
  size_t begin = 0, end = 0;
  float width = 0;    // without trailing spaces
  float height = 0;
  float ascent = 0;   // baseline below the line's top
  float indent = 0;
  bool last = false;  // last line of a paragraph or before a forced break
};

struct Slice {
  float height = 0;
  Canvas canvas;
  bool gap = false;         // vertical space, dropped at the top of a page
  bool page_break = false;  // start a new page here
};

Slice Gap(float mm) {
  Slice gap;
  gap.gap = true;
  gap.height = Mm(mm);
  return gap;
}

icu::BreakIterator* LineBreaker() {
  thread_local std::unique_ptr<icu::BreakIterator> breaker = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(
        icu::BreakIterator::createLineInstance(icu::Locale("zh", "CN"), status));
    return U_SUCCESS(status) ? std::move(b) : nullptr;
  }();
  return breaker.get();
}

const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return nfc;
}

// NFC of a UTF-8 string into `out`; returns false (and leaves `out` alone) when the text is
// already normalised, as nearly all text is, so that it need not be copied.
bool NormalizeNfc(std::string_view text, std::string& out) {
  bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
  const icu::Normalizer2* nfc = Nfc();
  if (ascii || nfc == nullptr) return false;
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  UErrorCode status = U_ZERO_ERROR;
  if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return false;
  status = U_ZERO_ERROR;
  std::string normalized;
  icu::StringByteSink<std::string> sink(&normalized);
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) return false;
  out = std::move(normalized);
  return true;
}

class Layouter {
 public:
  Layouter(const Template& t, const FontTable& fonts, const core::Json& data,
           const Variables& vars)
      : t_(t), fonts_(fonts), data_(data), vars_(vars) {
    page_w_ = Mm(t.page.width_mm);
    page_h_ = Mm(t.page.height_mm);
    left_ = Mm(t.page.left_mm);
    top_ = Mm(t.page.top_mm);
    width_ = page_w_ - left_ - Mm(t.page.right_mm);
    limit_ = page_h_ - top_ - Mm(t.page.bottom_mm);
    result_.used.resize(fonts.faces.size());
    result_.literal.resize(fonts.faces.size());
  }

  core::Result<LayoutResult> Run(const std::string& qr_payload);
  // The body only: every section's flow.
  core::Result<BodyLayout> RunBody();
  // The running items on the pages of `body`.
  core::Result<LayoutResult> RunRunning(const std::string& qr_payload, LayoutResult body);

 private:
  using Items = std::vector<Item>;

  const Style& StyleAt(int s) const { return t_.styles[static_cast<size_t>(s)]; }

  // Inline content → items.
  core::Status Collect(const std::vector<Inline>& inlines, const Scope& scope, int style,
                       bool bold, bool underline, Items& out);
  // `literal`: the text is the template's own, not data (LayoutResult::literal).
  core::Status AddText(std::string_view text, int style, bool bold, bool underline, bool literal,
                       const std::string& source, Items& out);
  core::Status AddChecks(const Inline& x, const Scope& scope, int style, bool bold, Items& out);

  // Items → lines → canvas.
  std::vector<Line> BreakLines(const Items& items, float width, float indent, float hang,
                               int style);
  void DrawLine(const Items& items, const Line& line, float width, Align align, float x0,
                float top, Canvas& canvas);

  // Blocks → slices.
  core::Status Blocks(const std::vector<Block>& blocks, const Scope& scope, std::vector<Slice>& out);
  core::Status Paragraph(const std::vector<Inline>& inlines, const Scope& scope, int style,
                         Align align, float indent_em, float hang_em, float width,
                         std::vector<Slice>& out);
  core::Status CellContent(const Cell& cell, const Scope& scope, int style, float width,
                           Canvas& canvas, float& height);
  core::Status Rows(const std::vector<Row>& rows, const std::vector<float>& cols, int style,
                    const Scope& scope, std::vector<Slice>& out);
  core::Status Table(const Block& b, const Scope& scope);
  core::Status Signature(const Block& b, std::vector<Slice>& out);
  core::Status Seal(const Block& b, std::vector<Slice>& out);

  // Page flow.
  void NewPage();
  void Place(Slice&& slice);
  void PlaceAll(std::vector<Slice>& slices);
  core::Status Flow(const std::vector<Block>& blocks, const Scope& scope);
  core::Status Running(const std::string& qr_payload);

  const Template& t_;
  const FontTable& fonts_;
  const core::Json& data_;
  Variables vars_;
  float page_w_, page_h_, left_, top_, width_, limit_;
  float y_ = 0;  // used height on the current page
  bool overflowed_ = false;  // the current page began because the last one was full
  bool hide_page_number_ = false;
  LayoutResult result_;
  Items scratch_;
};

void AppendShapes(Canvas& c, float x, float y, float w, float h, Shape::Kind kind,
                  float width = kRule, bool dashed = false) {
  Shape s;
  s.kind = kind;
  s.x = x;
  s.y = y;
  s.w = w;
  s.h = h;
  s.width = width;
  s.dashed = dashed;
  c.shapes.push_back(s);
}

core::Status Layouter::AddText(std::string_view raw, int style, bool bold, bool underline,
                               bool literal, const std::string& source, Items& out) {
  std::string normalized;
  const std::string_view text = NormalizeNfc(raw, normalized) ? std::string_view(normalized) : raw;
  const Style& st = StyleAt(style);
  const std::vector<int>& chain = fonts_.roles[static_cast<size_t>(st.role)];
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp = core::DecodeUtf8(text, pos);
    Item item;
    item.style = style;
    item.bold = bold;
    item.underline = underline;
    item.cp = cp;
    if (cp == '\n') {
      item.kind = Item::Kind::kBreak;
      out.push_back(item);
      continue;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) cp = ' ';
    if (cp == 0xFEFF || cp == 0x200B) continue;  // invisible; nothing to draw or copy
    item.space = cp == ' ' || cp == 0x3000 || cp == 0xA0;
    int face = -1;
    uint16_t gid = 0;
    for (int f : chain) {
      gid = fonts_.faces[static_cast<size_t>(f)]->Glyph(cp);
      if (gid != 0) {
        face = f;
        break;
      }
    }
    if (face < 0) {
      if (item.space) {
        item.kind = Item::Kind::kGap;
        item.width = st.size * (cp == 0x3000 ? 1.0f : 0.25f);
        out.push_back(item);
        continue;
      }
      std::string ch;
      core::AppendUtf8(ch, cp);
      return core::InvalidArgument(
          (source.empty() ? std::string("/") : source) + ": 字符“" + ch + "”（" +
          core::CodePointLabel(cp) + "）在字体角色 " + fonts_.role_names[static_cast<size_t>(st.role)] +
          " 的所有字体中都没有字形，无法打印 / character " + core::CodePointLabel(cp) +
          " is in no font of role " + fonts_.role_names[static_cast<size_t>(st.role)]);
    }
    const Face& f = *fonts_.faces[static_cast<size_t>(face)];
    item.face = static_cast<uint16_t>(face);
    item.gid = gid;
    item.width = f.Advance1000(gid) * st.size / 1000.0f;
    std::vector<char32_t>& used = result_.used[static_cast<size_t>(face)];
    if (used.empty()) {
      used.assign(f.glyph_count(), 0);
      result_.literal[static_cast<size_t>(face)].assign(f.glyph_count(), 0);
    }
    if (literal) result_.literal[static_cast<size_t>(face)][gid] = 1;
    if (used[gid] == 0) {
      used[gid] = cp;
    } else if (used[gid] != cp) {
      // ToUnicode maps a glyph to one text; none of the manifest's faces shares a glyph
      // between characters, so this would be a font changed behind the manifest.
      return core::Internal("font " + f.id() + " draws " + core::CodePointLabel(used[gid]) + " and " +
                            core::CodePointLabel(cp) + " with one glyph; copied text would be wrong");
    }
    out.push_back(item);
  }
  return core::Status::Ok();
}

core::Status Layouter::AddChecks(const Inline& x, const Scope& scope, int style, bool bold,
                                 Items& out) {
  Scope::Value v;
  v.json = scope.Lookup(x.expr, nullptr);
  for (size_t i = 0; i < x.options.size(); ++i) {
    const std::string& option = x.options[i];
    bool checked = false;
    if (v.json != nullptr && v.json->is_array()) {
      for (const core::Json& e : v.json->as_array()) {
        checked |= e.is_string() && e.as_string() == option;
      }
    } else if (v.json != nullptr && v.json->is_string()) {
      checked = v.json->as_string() == option;
    }
    Item box;
    box.kind = Item::Kind::kBox;
    box.style = style;
    box.checked = checked;
    box.width = StyleAt(style).size * 1.1f;
    out.push_back(box);
    const size_t label = out.size();
    BEIAN_RETURN_IF_ERROR(AddText(option, style, bold, false, /*literal=*/true, "", out));
    for (size_t k = label; k < out.size(); ++k) out[k].glue = true;  // a box and its label stay together
    if (i + 1 < x.options.size()) {
      Item gap;
      gap.kind = Item::Kind::kGap;
      gap.space = true;
      gap.style = style;
      gap.width = StyleAt(style).size * 0.6f;
      out.push_back(gap);
    }
  }
  return core::Status::Ok();
}

core::Status Layouter::Collect(const std::vector<Inline>& inlines, const Scope& scope,
                               int style, bool bold, bool underline, Items& out) {
  for (const Inline& x : inlines) {
    switch (x.kind) {
      case Inline::Kind::kText:
        BEIAN_RETURN_IF_ERROR(AddText(x.text, style, bold, underline, /*literal=*/true, "", out));
        break;
      case Inline::Kind::kExpr: {
        // The JSON Pointer is worked out only for a message: nearly every field prints fine.
        core::Status printed;
        const core::Json* plain = x.expr.formatters.empty() && x.expr.path[0][0] != '$'
                                      ? scope.Lookup(x.expr, nullptr)
                                      : nullptr;
        if (plain != nullptr && plain->is_string()) {
          printed = AddText(plain->as_string(), style, bold, underline, /*literal=*/false, "", out);
        } else {
          auto text = Evaluate(x.expr, scope, nullptr);
          printed = text.ok() ? AddText(text.value(), style, bold, underline, /*literal=*/false, "", out) : text.status();
        }
        if (!printed.ok()) {
          std::string pointer;
          auto text = Evaluate(x.expr, scope, &pointer);
          if (!text.ok()) {
            return core::InvalidArgument((pointer.empty() ? "{" + x.expr.source + "}" : pointer) +
                                         ": " + text.status().message());
          }
          Items discard;
          return AddText(text.value(), style, bold, underline, /*literal=*/false, pointer, discard);
        }
        break;
      }
      case Inline::Kind::kSpan:
        BEIAN_RETURN_IF_ERROR(
            Collect(x.children, scope, x.style >= 0 ? x.style : style, bold || x.bold, underline, out));
        break;
      case Inline::Kind::kUnderline: {
        Items field;
        BEIAN_RETURN_IF_ERROR(Collect(x.children, scope, style, bold, true, field));
        float w = 0;
        for (const Item& i : field) w += i.width;
        const float pad = std::max(Mm(x.min_mm) - w, StyleAt(style).size * 0.5f) / 2;
        Item p;
        p.kind = Item::Kind::kPad;
        p.style = style;
        p.underline = true;
        p.width = pad;
        out.push_back(p);
        out.insert(out.end(), field.begin(), field.end());
        out.push_back(p);
        break;
      }
      case Inline::Kind::kBreak: {
        Item br;
        br.kind = Item::Kind::kBreak;
        br.style = style;
        out.push_back(br);
        break;
      }
      case Inline::Kind::kChecks:
        BEIAN_RETURN_IF_ERROR(AddChecks(x, scope, style, bold, out));
        break;
      case Inline::Kind::kCheck: {
        Item box;
        box.kind = Item::Kind::kBox;
        box.style = style;
        box.checked = x.bound && Test(x.condition, scope);
        box.width = StyleAt(style).size * 1.1f;
        out.push_back(box);
        break;
      }
      case Inline::Kind::kIf:
        BEIAN_RETURN_IF_ERROR(Collect(Test(x.condition, scope) ? x.children : x.otherwise, scope,
                                      style, bold, underline, out));
        break;
    }
  }
  return core::Status::Ok();
}

// Marks where a line may break (before item i) using ICU's line breaking for Chinese.
std::vector<uint8_t> BreakOpportunities(const std::vector<Item>& items) {
  std::vector<uint8_t> can(items.size() + 1, 0);
  icu::UnicodeString text;
  std::vector<int32_t> start(items.size() + 1);
  for (size_t i = 0; i < items.size(); ++i) {
    start[i] = text.length();
    const Item& it = items[i];
    switch (it.kind) {
      case Item::Kind::kGlyph:
      case Item::Kind::kGap:
        text.append(static_cast<UChar32>(it.cp ? it.cp : ' '));
        break;
      case Item::Kind::kBox:
        text.append(static_cast<UChar32>(0xFFFC));
        break;
      case Item::Kind::kPad:
        text.append(static_cast<UChar32>(0xA0));
        break;
      case Item::Kind::kBreak:
        text.append(static_cast<UChar32>('\n'));
        break;
    }
  }
  start[items.size()] = text.length();
  icu::BreakIterator* bi = LineBreaker();
  if (bi == nullptr) return can;
  bi->setText(text);
  size_t i = 0;
  for (int32_t b = bi->first(); b != icu::BreakIterator::DONE; b = bi->next()) {
    while (i < items.size() && start[i] < b) ++i;
    if (start[i] == b) can[i] = 1;
  }
  for (size_t k = 0; k < items.size(); ++k) {
    if (items[k].kind == Item::Kind::kBox) can[k] = 1;  // a check box starts its option
    if (items[k].glue) can[k] = 0;
  }
  return can;
}

std::vector<Line> Layouter::BreakLines(const Items& items, float width, float indent,
                                       float hang, int style) {
  std::vector<Line> lines;
  auto metrics = [&](Line& line) {
    float height = 0, ascent = 0;
    for (size_t i = line.begin; i < line.end; ++i) {
      const Style& s = StyleAt(items[i].style);
      height = std::max(height, s.size * s.leading);
      ascent = std::max(ascent, (s.size * s.leading - s.size) / 2 + kAscent * s.size);
    }
    if (height == 0) {
      const Style& s = StyleAt(style);
      height = s.size * s.leading;
      ascent = (height - s.size) / 2 + kAscent * s.size;
    }
    line.height = height;
    line.ascent = ascent;
    float w = 0, trimmed = 0;
    for (size_t i = line.begin; i < line.end; ++i) {
      w += items[i].width;
      if (!items[i].space && items[i].kind != Item::Kind::kBreak) trimmed = w;
    }
    line.width = trimmed;
  };

  float total = 0;
  bool forced = false;
  for (const Item& i : items) {
    total += i.width;
    forced |= i.kind == Item::Kind::kBreak;
  }
  if (!forced && indent + total <= width + 0.01f) {  // the common case: one line
    Line line{0, items.size(), 0, 0, 0, indent, true};
    metrics(line);
    lines.push_back(line);
    return lines;
  }

  const std::vector<uint8_t> can = BreakOpportunities(items);
  size_t begin = 0;
  while (true) {
    while (begin < items.size() && !lines.empty() && !lines.back().last && items[begin].space) {
      ++begin;  // spaces at a soft break vanish
    }
    const float line_indent = lines.empty() ? indent : hang;
    const float avail = width - line_indent;
    float x = 0;
    size_t last_break = begin, end = items.size();
    bool hard = false;
    for (size_t i = begin; i < items.size(); ++i) {
      if (items[i].kind == Item::Kind::kBreak) {
        end = i;
        hard = true;
        break;
      }
      if (i > begin && can[i]) last_break = i;
      if (x + items[i].width > avail + 0.01f && i > begin && !items[i].space) {
        if (last_break > begin) {
          end = last_break;
        } else {
          end = i;  // no opportunity on this line: break between characters
          while (end > begin + 1 && (NoLineStart(items[end].cp) || NoLineEnd(items[end - 1].cp))) {
            --end;
          }
        }
        break;
      }
      x += items[i].width;
    }
    Line line{begin, end, 0, 0, 0, line_indent, end == items.size() || hard};
    metrics(line);
    lines.push_back(line);
    if (end >= items.size()) break;
    begin = hard ? end + 1 : end;
    if (begin >= items.size() && hard) {
      Line empty{begin, begin, 0, 0, 0, hang, true};
      metrics(empty);
      lines.push_back(empty);
      break;
    }
  }
  return lines;
}

void Layouter::DrawLine(const Items& items, const Line& line, float width, Align align,
                        float x0, float top, Canvas& canvas) {
  const float avail = width - line.indent;
  float x = x0 + line.indent;
  float spacing = 0;
  size_t visible_end = line.end;
  while (visible_end > line.begin && (items[visible_end - 1].space ||
                                      items[visible_end - 1].kind == Item::Kind::kBreak)) {
    --visible_end;
  }
  if (align == Align::kCenter) {
    x += (avail - line.width) / 2;
  } else if (align == Align::kRight) {
    x += avail - line.width;
  } else if (align == Align::kJustify && !line.last && visible_end - line.begin > 1) {
    spacing = (avail - line.width) / static_cast<float>(visible_end - line.begin - 1);
    if (spacing < 0) spacing = 0;
  }
  const float baseline = top + line.ascent;
  TextRun* run = nullptr;
  float underline_from = -1;
  float underline_y = baseline;
  auto end_underline = [&](float at) {
    if (underline_from >= 0) {
      AppendShapes(canvas, underline_from, underline_y, at - underline_from, 0, Shape::Kind::kLine,
                   0.6f);
      underline_from = -1;
    }
  };
  for (size_t i = line.begin; i < line.end; ++i) {
    const Item& it = items[i];
    const Style& st = StyleAt(it.style);
    if (it.underline && underline_from < 0) {
      underline_from = x;
      underline_y = baseline + st.size * 0.16f;
    } else if (!it.underline) {
      end_underline(x);
    }
    if (it.kind == Item::Kind::kGlyph && !(it.space && i >= visible_end)) {
      if (run == nullptr || run->face != it.face || run->size != st.size || run->bold != it.bold) {
        canvas.runs.emplace_back();
        run = &canvas.runs.back();
        run->face = it.face;
        run->size = st.size;
        run->bold = it.bold || st.bold;
        run->x = x;
        run->y = baseline;
        run->spacing = spacing;
      }
      run->gids.push_back(it.gid);
    } else {
      run = nullptr;
    }
    if (it.kind == Item::Kind::kBox) {
      const float side = st.size * 0.8f;
      const float bx = x + st.size * 0.1f, by = baseline - side + st.size * 0.06f;
      AppendShapes(canvas, bx, by, side, side, Shape::Kind::kRect, 0.6f);
      if (it.checked) AppendShapes(canvas, bx, by, side, side, Shape::Kind::kTick, 0.9f);
    }
    x += it.width + (i + 1 < visible_end ? spacing : 0);
  }
  end_underline(x);
}

core::Status Layouter::Paragraph(const std::vector<Inline>& inlines, const Scope& scope,
                                 int style, Align align, float indent_em, float hang_em,
                                 float width, std::vector<Slice>& out) {
  Items& items = scratch_;  // reused: one paragraph at a time, and nearly every cell is one
  items.clear();
  BEIAN_RETURN_IF_ERROR(Collect(inlines, scope, style, false, false, items));
  const float em = StyleAt(style).size;
  for (const Line& line : BreakLines(items, width, indent_em * em, hang_em * em, style)) {
    Slice s;
    s.height = line.height;
    DrawLine(items, line, width, align, 0, 0, s.canvas);
    out.push_back(std::move(s));
  }
  return core::Status::Ok();
}

core::Status Layouter::CellContent(const Cell& cell, const Scope& scope, int style,
                                   float width, Canvas& canvas, float& height) {
  std::vector<Slice> slices;
  if (!cell.blocks.empty()) {
    for (const Block& b : cell.blocks) {
      if (b.kind != Block::Kind::kParagraph) continue;
      BEIAN_RETURN_IF_ERROR(Paragraph(b.inlines, scope, b.style >= 0 ? b.style : style, b.align,
                                      b.indent_em, b.hang_em, width, slices));
    }
  } else {
    BEIAN_RETURN_IF_ERROR(Paragraph(cell.inlines, scope, style, cell.align, 0, 0, width, slices));
  }
  height = 0;
  for (Slice& s : slices) {
    canvas.Append(std::move(s.canvas), 0, height);
    height += s.height;
  }
  return core::Status::Ok();
}

core::Status Layouter::Rows(const std::vector<Row>& rows, const std::vector<float>& cols_mm,
                            int style, const Scope& scope, std::vector<Slice>& out) {
  const size_t ncols = cols_mm.size();
  std::vector<float> colx(ncols + 1, 0);
  for (size_t c = 0; c < ncols; ++c) colx[c + 1] = colx[c] + Mm(cols_mm[c]);
  const float scale = colx[ncols] > width_ + 0.5f ? width_ / colx[ncols] : 1.0f;
  for (float& x : colx) x *= scale;

  struct Placed {
    size_t row, col;
    const Cell* cell;
    Canvas canvas;
    float content = 0;
  };
  size_t r = 0;
  std::vector<int> covered(ncols, 0);
  while (r < rows.size()) {
    // A band: rows joined by rowspans, kept on one page.
    size_t band_end = r + 1;
    std::vector<Placed> placed;
    for (size_t k = r; k < band_end; ++k) {
      size_t col = 0;
      for (const Cell& cell : rows[k].cells) {
        while (col < ncols && covered[col] > 0) ++col;
        Placed p{k, col, &cell, {}, 0};
        const int cell_style =
            cell.style >= 0 ? cell.style : (style >= 0 ? style : t_.cell_style);
        const float w = colx[col + static_cast<size_t>(cell.span)] - colx[col] - 2 * kCellPadX;
        BEIAN_RETURN_IF_ERROR(CellContent(cell, scope, cell_style, w, p.canvas, p.content));
        for (int s = 0; s < cell.span; ++s) covered[col + static_cast<size_t>(s)] = cell.rowspan;
        band_end = std::max(band_end, k + static_cast<size_t>(cell.rowspan));
        col += static_cast<size_t>(cell.span);
        placed.push_back(std::move(p));
      }
      for (int& c : covered) c = c > 0 ? c - 1 : 0;
    }
    band_end = std::min(band_end, rows.size());
    std::vector<float> height(band_end - r, 0);
    for (size_t k = r; k < band_end; ++k) height[k - r] = Mm(rows[k].min_height_mm);
    for (const Placed& p : placed) {
      if (p.cell->rowspan == 1) {
        height[p.row - r] = std::max(height[p.row - r], p.content + 2 * kCellPadY);
      }
    }
    for (const Placed& p : placed) {
      if (p.cell->rowspan == 1) continue;
      const size_t last = std::min(p.row + static_cast<size_t>(p.cell->rowspan), band_end) - 1;
      float sum = 0;
      for (size_t k = p.row; k <= last; ++k) sum += height[k - r];
      const float need = p.content + 2 * kCellPadY;
      if (need > sum) height[last - r] += need - sum;
    }
    std::vector<float> rowy(band_end - r + 1, 0);
    for (size_t k = 0; k < height.size(); ++k) rowy[k + 1] = rowy[k] + height[k];
    Slice slice;
    slice.height = rowy.back();
    for (Placed& p : placed) {
      const size_t last = std::min(p.row + static_cast<size_t>(p.cell->rowspan), band_end);
      const float x = colx[p.col], w = colx[p.col + static_cast<size_t>(p.cell->span)] - x;
      const float y = rowy[p.row - r], h = rowy[last - r] - y;
      AppendShapes(slice.canvas, x, y, w, h, Shape::Kind::kRect);
      const float dy = p.cell->valign == VAlign::kTop ? kCellPadY : (h - p.content) / 2;
      slice.canvas.Append(std::move(p.canvas), x + kCellPadX, y + dy);
    }
    out.push_back(std::move(slice));
    r = band_end;
  }
  return core::Status::Ok();
}

core::Status Layouter::Signature(const Block& b, std::vector<Slice>& out) {
  const int style = b.style >= 0 ? b.style : t_.body_style;
  Items items;
  BEIAN_RETURN_IF_ERROR(AddText(b.label, style, false, false, /*literal=*/true, "", items));
  Item line;
  line.kind = Item::Kind::kPad;
  line.style = style;
  line.underline = true;
  line.width = Mm(b.line_mm);
  items.push_back(line);
  float label_width = 0;
  for (const Item& i : items) label_width += i.width;
  for (const Line& l : BreakLines(items, width_, 0, 0, style)) {
    Slice s;
    s.height = l.height;
    DrawLine(items, l, width_, b.align, 0, 0, s.canvas);
    out.push_back(std::move(s));
  }
  if (b.date) {
    Items date;
    BEIAN_RETURN_IF_ERROR(AddText("年　　月　　日", style, false, false, /*literal=*/true, "", date));
    float w = 0;
    for (const Item& i : date) w += i.width;
    // The date sits under the signature line, ending where it ends.
    const float em = StyleAt(style).size;
    for (const Line& l : BreakLines(date, width_, 0, 0, style)) {
      Slice s;
      s.height = l.height;
      float x0 = b.align == Align::kRight   ? width_ - w - em
                 : b.align == Align::kCenter ? (width_ + label_width) / 2 - w - em
                                             : label_width - w - em;
      DrawLine(date, l, width_, Align::kLeft, std::max(0.0f, x0), 0, s.canvas);
      out.push_back(std::move(s));
    }
  }
  return core::Status::Ok();
}

core::Status Layouter::Seal(const Block& b, std::vector<Slice>& out) {
  const float d = Mm(b.size_mm);
  float x = b.align == Align::kLeft ? 0 : b.align == Align::kCenter ? (width_ - d) / 2 : width_ - d - Mm(10);
  Slice s;
  s.height = d;
  AppendShapes(s.canvas, x, 0, d, d, Shape::Kind::kCircle, 0.5f, true);
  const int style = b.style >= 0 ? b.style : t_.small_style;
  Items items;
  BEIAN_RETURN_IF_ERROR(AddText(b.label, style, false, false, /*literal=*/true, "", items));
  for (const Line& l : BreakLines(items, d, 0, 0, style)) {
    DrawLine(items, l, d, Align::kCenter, x, (d - l.height) / 2, s.canvas);
    break;
  }
  out.push_back(std::move(s));
  return core::Status::Ok();
}

core::Status Layouter::Blocks(const std::vector<Block>& blocks, const Scope& scope,
                              std::vector<Slice>& out) {
  for (const Block& b : blocks) {
    switch (b.kind) {
      case Block::Kind::kParagraph: {
        if (b.space_before_mm > 0) out.push_back(Gap(b.space_before_mm));
        const int style = b.style >= 0 ? b.style : t_.body_style;
        BEIAN_RETURN_IF_ERROR(
            Paragraph(b.inlines, scope, style, b.align, b.indent_em, b.hang_em, width_, out));
        if (b.space_after_mm > 0) out.push_back(Gap(b.space_after_mm));
        break;
      }
      case Block::Kind::kVSpace:
        out.push_back(Gap(b.height_mm));
        break;
      case Block::Kind::kPageBreak: {
        Slice br;
        br.page_break = true;
        out.push_back(std::move(br));
        break;
      }
      case Block::Kind::kKeep: {
        std::vector<Slice> inner;
        BEIAN_RETURN_IF_ERROR(Blocks(b.children, scope, inner));
        Slice all;
        for (Slice& s : inner) {
          all.canvas.Append(std::move(s.canvas), 0, all.height);
          all.height += s.height;
        }
        out.push_back(std::move(all));
        break;
      }
      case Block::Kind::kGrid:
        BEIAN_RETURN_IF_ERROR(Rows(b.body, b.cols_mm, b.style, scope, out));
        break;
      case Block::Kind::kTable:  // the template compiler keeps tables out of <keep> and cells
        return core::Internal("a table inside <keep> or a cell");
      case Block::Kind::kSignature:
        BEIAN_RETURN_IF_ERROR(Signature(b, out));
        break;
      case Block::Kind::kSeal:
        BEIAN_RETURN_IF_ERROR(Seal(b, out));
        break;
      case Block::Kind::kIf:
        BEIAN_RETURN_IF_ERROR(Blocks(Test(b.condition, scope) ? b.children : b.otherwise, scope, out));
        break;
      case Block::Kind::kEach: {
        int index = 0;
        for (const Scope::Value& e : Elements(b.each, scope)) {
          BEIAN_RETURN_IF_ERROR(Blocks(b.children, scope.Enter(*e.json, e.pointer, ++index), out));
        }
        break;
      }
    }
  }
  return core::Status::Ok();
}

void Layouter::NewPage() {
  overflowed_ = false;
  LaidOutPage page;
  page.hide_page_number = hide_page_number_;
  result_.pages.push_back(std::move(page));
  y_ = 0;
}

void Layouter::Place(Slice&& s) {
  if (s.page_break) {
    if (y_ > 0) NewPage();
    return;
  }
  if (s.gap) {
    // Space is kept at the top of a section, dropped at the top of a page that follows a full one.
    if (y_ > 0 || !overflowed_) y_ = std::min(limit_, y_ + s.height);
    return;
  }
  if (y_ + s.height > limit_ + 0.01f && y_ > 0) {
    NewPage();
    overflowed_ = true;
  }
  result_.pages.back().canvas.Append(std::move(s.canvas), left_, top_ + y_);
  y_ += s.height;
}

void Layouter::PlaceAll(std::vector<Slice>& slices) {
  for (Slice& s : slices) Place(std::move(s));
  slices.clear();
}

core::Status Layouter::Table(const Block& b, const Scope& scope) {
  std::vector<Slice> caption, continued, head, body, foot;
  const int caption_style = t_.heading_style;
  if (!b.caption.empty()) {
    BEIAN_RETURN_IF_ERROR(Paragraph(b.caption, scope, caption_style, Align::kCenter, 0, 0, width_, caption));
    std::vector<Inline> both = b.caption;
    both.insert(both.end(), b.continued.begin(), b.continued.end());
    BEIAN_RETURN_IF_ERROR(Paragraph(both, scope, caption_style, Align::kCenter, 0, 0, width_, continued));
  }
  const int head_style = t_.head_style;
  BEIAN_RETURN_IF_ERROR(Rows(b.head, b.cols_mm, head_style, scope, head));
  float head_h = 0, continued_h = 0, caption_h = 0;
  for (const Slice& s : head) head_h += s.height;
  for (const Slice& s : continued) continued_h += s.height;
  for (const Slice& s : caption) caption_h += s.height;

  auto place_copy = [&](const std::vector<Slice>& slices) {
    for (const Slice& s : slices) {
      Slice copy = s;
      Place(std::move(copy));
    }
  };
  auto place_row = [&](Slice&& row, const std::string& pointer) -> core::Status {
    if (row.height > limit_ - head_h - continued_h + 0.01f) {
      return core::InvalidArgument(pointer + ": 表格的这一行高于一页，无法打印（请缩短内容）/ this table row is taller than a page");
    }
    if (y_ + row.height > limit_ + 0.01f) {
      NewPage();
      overflowed_ = true;
      place_copy(continued);
      place_copy(head);
    }
    Place(std::move(row));
    return core::Status::Ok();
  };

  std::vector<Scope::Value> elements = Elements(b.each, scope);
  // Caption, header and the first row start together.
  Slice first;
  std::string first_pointer;
  if (elements.empty()) {
    Row none;
    Cell cell;
    cell.span = static_cast<int>(b.cols_mm.size());
    cell.align = Align::kCenter;
    cell.inlines = b.empty;
    none.cells.push_back(cell);
    std::vector<Slice> rows;
    BEIAN_RETURN_IF_ERROR(Rows({none}, b.cols_mm, b.style, scope, rows));
    first = std::move(rows[0]);
  } else {
    std::vector<Slice> rows;
    BEIAN_RETURN_IF_ERROR(Rows(b.body, b.cols_mm, b.style,
                               scope.Enter(*elements[0].json, elements[0].pointer, 1), rows));
    first = std::move(rows[0]);
    first_pointer = elements[0].pointer;
  }
  if (y_ > 0 && y_ + caption_h + head_h + first.height > limit_ + 0.01f) {
    NewPage();
    overflowed_ = true;
  }
  place_copy(caption);
  place_copy(head);
  // The last row, the foot rows and the note go together: a note never stands alone at the
  // top of a page.
  BEIAN_RETURN_IF_ERROR(Rows(b.foot, b.cols_mm, b.style, scope, foot));
  std::vector<Slice> note;
  BEIAN_RETURN_IF_ERROR(Blocks(b.children, scope, note));
  float tail_h = 0;
  for (const Slice& s : foot) tail_h += s.height;
  for (const Slice& s : note) tail_h += s.height;
  auto place_last = [&](Slice&& row, const std::string& pointer) -> core::Status {
    if (y_ + row.height + tail_h > limit_ + 0.01f &&
        row.height + tail_h <= limit_ - head_h - continued_h + 0.01f) {
      NewPage();
      overflowed_ = true;
      place_copy(continued);
      place_copy(head);
    }
    return place_row(std::move(row), pointer);
  };
  BEIAN_RETURN_IF_ERROR(elements.size() <= 1 ? place_last(std::move(first), first_pointer)
                                             : place_row(std::move(first), first_pointer));
  for (size_t i = 1; i < elements.size(); ++i) {
    std::vector<Slice> rows;
    BEIAN_RETURN_IF_ERROR(Rows(b.body, b.cols_mm, b.style,
                               scope.Enter(*elements[i].json, elements[i].pointer, static_cast<int>(i + 1)),
                               rows));
    if (i + 1 == elements.size()) {
      BEIAN_RETURN_IF_ERROR(place_last(std::move(rows[0]), elements[i].pointer));
    } else {
      BEIAN_RETURN_IF_ERROR(place_row(std::move(rows[0]), elements[i].pointer));
    }
  }
  for (Slice& s : foot) BEIAN_RETURN_IF_ERROR(place_row(std::move(s), "foot"));
  PlaceAll(note);
  return core::Status::Ok();
}

core::Status Layouter::Flow(const std::vector<Block>& blocks, const Scope& scope) {
  for (const Block& b : blocks) {
    if (b.kind == Block::Kind::kTable) {
      BEIAN_RETURN_IF_ERROR(Table(b, scope));
      continue;
    }
    if (b.kind == Block::Kind::kIf) {
      BEIAN_RETURN_IF_ERROR(Flow(Test(b.condition, scope) ? b.children : b.otherwise, scope));
      continue;
    }
    if (b.kind == Block::Kind::kEach) {
      int index = 0;
      for (const Scope::Value& e : Elements(b.each, scope)) {
        BEIAN_RETURN_IF_ERROR(Flow(b.children, scope.Enter(*e.json, e.pointer, ++index)));
      }
      continue;
    }
    std::vector<Slice> slices;
    BEIAN_RETURN_IF_ERROR(Blocks({b}, scope, slices));
    PlaceAll(slices);
  }
  return core::Status::Ok();
}

// The QR code as filled rectangles, one per run of dark modules in a row.
core::Status DrawQr(const std::string& payload, float x, float y, float size, Canvas& canvas) {
  QRcode* qr = QRcode_encodeString8bit(payload.c_str(), 0, QR_ECLEVEL_M);
  if (qr == nullptr) return core::Internal("QR code: cannot encode \"" + payload + "\"");
  const int n = qr->width;
  const float quiet = 1;  // modules of quiet zone kept inside `size` on each side
  const float m = size / (n + 2 * quiet);
  for (int row = 0; row < n; ++row) {
    int col = 0;
    while (col < n) {
      if (!(qr->data[row * n + col] & 1)) {
        ++col;
        continue;
      }
      int end = col;
      while (end < n && (qr->data[row * n + end] & 1)) ++end;
      AppendShapes(canvas, x + (quiet + col) * m, y + (quiet + row) * m, (end - col) * m, m,
                   Shape::Kind::kFill, 0);
      col = end;
    }
  }
  QRcode_free(qr);
  return core::Status::Ok();
}

core::Status Layouter::Running(const std::string& qr_payload) {
  vars_.pages = static_cast<int>(result_.pages.size());
  const Variables& vars = vars_;
  for (size_t p = 0; p < result_.pages.size(); ++p) {
    vars_.page = static_cast<int>(p + 1);
    Scope scope(data_, vars);
    LaidOutPage& page = result_.pages[p];
    for (const RunningItem& item : t_.running) {
      if (item.page_number && page.hide_page_number) continue;
      const bool header = item.place == RunningItem::Place::kHeaderLeft ||
                          item.place == RunningItem::Place::kHeaderCenter ||
                          item.place == RunningItem::Place::kHeaderRight;
      const float band_top = header ? 0 : page_h_ - Mm(t_.page.bottom_mm);
      const float band_h = header ? top_ : Mm(t_.page.bottom_mm);
      const bool right = item.place == RunningItem::Place::kHeaderRight ||
                         item.place == RunningItem::Place::kFooterRight;
      const bool center = item.place == RunningItem::Place::kHeaderCenter ||
                          item.place == RunningItem::Place::kFooterCenter;
      if (item.qr) {
        const float size = Mm(item.size_mm);
        const float x = right ? left_ + width_ - size : center ? left_ + (width_ - size) / 2 : left_;
        if (result_.qr_size == 0) {
          BEIAN_RETURN_IF_ERROR(DrawQr(qr_payload, 0, 0, size, result_.qr));
          result_.qr_size = size;
        }
        AppendShapes(page.canvas, x, band_top + (band_h - size) / 2, size, size, Shape::Kind::kQr, 0);
        continue;
      }
      const int style = item.style >= 0 ? item.style : t_.small_style;
      Items items;
      BEIAN_RETURN_IF_ERROR(Collect(item.inlines, scope, style, false, false, items));
      std::vector<Line> lines = BreakLines(items, width_, 0, 0, style);
      float h = 0;
      for (const Line& l : lines) h += l.height;
      float y = band_top + (band_h - h) / 2;
      const Align align = right ? Align::kRight : center ? Align::kCenter : Align::kLeft;
      for (const Line& l : lines) {
        DrawLine(items, l, width_, align, left_, y, page.canvas);
        y += l.height;
      }
    }
  }
  return core::Status::Ok();
}

core::Result<BodyLayout> Layouter::RunBody() {
  Scope root(data_, vars_);
  for (const Section& section : t_.sections) {
    hide_page_number_ = section.hide_page_number;
    NewPage();
    BEIAN_RETURN_IF_ERROR(Flow(section.blocks, root));
  }
  BodyLayout out;
  out.reads_number = vars_.number_read;
  out.result = std::move(result_);
  return out;
}

core::Result<LayoutResult> Layouter::RunRunning(const std::string& qr_payload, LayoutResult body) {
  result_ = std::move(body);
  BEIAN_RETURN_IF_ERROR(Running(qr_payload));
  return std::move(result_);
}

core::Result<LayoutResult> Layouter::Run(const std::string& qr_payload) {
  BEIAN_ASSIGN_OR_RETURN(BodyLayout body, RunBody());
  return RunRunning(qr_payload, std::move(body.result));
}

}  // namespace

namespace {

// Room for `more` elements, growing geometrically: an exact reserve on every append would move
// the whole page's runs each time a cell is added.
template <typename T>
void ReserveMore(std::vector<T>& v, size_t more) {
  if (v.size() + more > v.capacity()) v.reserve(std::max(v.size() + more, 2 * v.capacity()));
}

}  // namespace

void Canvas::Append(Canvas&& other, float dx, float dy) {
  ReserveMore(runs, other.runs.size());
  for (TextRun& r : other.runs) {
    r.x += dx;
    r.y += dy;
    runs.push_back(std::move(r));
  }
  ReserveMore(shapes, other.shapes.size());
  for (Shape s : other.shapes) {
    s.x += dx;
    s.y += dy;
    shapes.push_back(s);
  }
}

core::Result<LayoutResult> LayOut(const Template& tmpl, const FontTable& fonts,
                                  const core::Json& data, const Variables& vars,
                                  const std::string& qr_payload) {
  Layouter layouter(tmpl, fonts, data, vars);
  return layouter.Run(qr_payload);
}

core::Result<BodyLayout> LayOutBody(const Template& tmpl, const FontTable& fonts,
                                    const core::Json& data, const Variables& vars) {
  Layouter layouter(tmpl, fonts, data, vars);
  return layouter.RunBody();
}

core::Result<LayoutResult> AddRunningItems(const Template& tmpl, const FontTable& fonts,
                                           const core::Json& data, const Variables& vars,
                                           const std::string& qr_payload, LayoutResult body) {
  Layouter layouter(tmpl, fonts, data, vars);
  return layouter.RunRunning(qr_payload, std::move(body));
}

}  // namespace beian::render
