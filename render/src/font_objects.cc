#include "font_objects.h"

#include <libdeflate.h>

#include <algorithm>
#include <array>
#include <memory>
#include <utility>

#include "beian/core/digest.h"

namespace beian::render {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfString;

}  // namespace

void AppendNumber(std::string& out, double v) {
  const double scaled = v * 100.0;
  long long hundredths = static_cast<long long>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  const bool negative = hundredths < 0;
  if (negative) hundredths = -hundredths;
  const int frac = static_cast<int>(hundredths % 100);
  long long whole = hundredths / 100;
  if (frac != 0) {
    if (frac % 10 != 0) *--p = static_cast<char>('0' + frac % 10);
    *--p = static_cast<char>('0' + frac / 10);
    *--p = '.';
  }
  do {
    *--p = static_cast<char>('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  if (negative) *--p = '-';
  out.append(p, static_cast<size_t>(end - p));
}

void AppendBoldMode(std::string& out, bool bold, double stroke) {
  if (bold) {
    AppendNumber(out, stroke);
    out += " w 2 Tr\n";
  } else {
    out += "0 Tr\n";
  }
}

namespace {

void Hex4(std::string& out, unsigned v) {
  static const char kHex[] = "0123456789ABCDEF";
  out.push_back(kHex[(v >> 12) & 15]);
  out.push_back(kHex[(v >> 8) & 15]);
  out.push_back(kHex[(v >> 4) & 15]);
  out.push_back(kHex[v & 15]);
}

void Utf16Hex(std::string& out, char32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    Hex4(out, 0xD800 + (cp >> 10));
    Hex4(out, 0xDC00 + (cp & 0x3FF));
  } else {
    Hex4(out, cp);
  }
}

std::string ToUnicodeCMap(const std::vector<std::pair<uint16_t, char32_t>>& map) {
  std::string s =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  for (size_t i = 0; i < map.size(); i += 100) {
    const size_t n = std::min<size_t>(100, map.size() - i);
    s += std::to_string(n) + " beginbfchar\n";
    for (size_t k = i; k < i + n; ++k) {
      s.push_back('<');
      Hex4(s, map[k].first);
      s += "> <";
      Utf16Hex(s, map[k].second);
      s += ">\n";
    }
    s += "endbfchar\n";
  }
  s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return s;
}

}  // namespace

PdfObject PdfInt(long long v) {
  return PdfObject(PoDoFo::PdfVariant(static_cast<PoDoFo::pdf_int64>(v)));
}

// libdeflate compressors are not thread-safe; one per thread and level.
std::string Deflate(std::string_view data, int level) {
  thread_local std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(
      nullptr, libdeflate_free_compressor);
  thread_local int c_level = -1;
  if (c == nullptr || c_level != level) {
    c.reset(libdeflate_alloc_compressor(level));
    c_level = level;
  }
  std::string out(libdeflate_zlib_compress_bound(c.get(), data.size()), '\0');
  size_t n = libdeflate_zlib_compress(c.get(), data.data(), data.size(), out.data(), out.size());
  out.resize(n);
  return out;
}

void SetRawStream(PdfObject* obj, std::string_view bytes) {
  PoDoFo::PdfMemoryInputStream in(bytes.data(), static_cast<PoDoFo::pdf_long>(bytes.size()));
  obj->GetStream()->SetRawData(&in, static_cast<PoDoFo::pdf_long>(bytes.size()));
}

void SetDeflatedStream(PdfObject* obj, std::string_view deflated) {
  SetRawStream(obj, deflated);
  obj->GetDictionary().AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
}

void SetFlateStream(PdfObject* obj, std::string_view raw, int level) {
  SetDeflatedStream(obj, Deflate(raw, level));
}

namespace {

// Six capitals naming a subset (the "ABCDEF+" of its BaseFont), from the face and glyph set,
// so equal documents name their fonts equally.
std::string SubsetTag(const std::string& face_id, const std::vector<uint16_t>& gids) {
  std::string key = face_id;
  for (uint16_t g : gids) {
    key.push_back(static_cast<char>(g >> 8));
    key.push_back(static_cast<char>(g & 0xFF));
  }
  const std::array<uint8_t, 32> d = core::Sha256(key);
  std::string tag(6, 'A');
  for (int i = 0; i < 6; ++i) tag[static_cast<size_t>(i)] = static_cast<char>('A' + d[static_cast<size_t>(i)] % 26);
  return tag;
}

}  // namespace

core::Result<EmbeddableFont> PrepareSubsetFont(const Face& face, const std::vector<uint16_t>& gids,
                                               const std::vector<char32_t>& unicode, int level) {
  BEIAN_ASSIGN_OR_RETURN(SubsetFont subset, Subset(face, gids));
  EmbeddableFont font;
  font.tag = SubsetTag(face.id(), gids);
  font.program = Deflate(subset.program, level);
  font.program_size = subset.program.size();
  // CIDs are the subset's glyph ids; widths of those not 1000 units wide.
  std::vector<std::pair<uint16_t, char32_t>> to_unicode;
  font.widths.assign(subset.new_gid.size() + 1, 1000);
  for (const auto& [old_gid, new_gid] : subset.new_gid) {
    to_unicode.emplace_back(new_gid, unicode[old_gid]);
    if (new_gid < font.widths.size()) font.widths[new_gid] = face.Advance1000(old_gid);
  }
  std::sort(to_unicode.begin(), to_unicode.end());
  font.to_unicode = Deflate(ToUnicodeCMap(to_unicode), level);
  font.new_gid = std::move(subset.new_gid);
  return font;
}

PdfObject* AddSubsetFont(PoDoFo::PdfVecObjects* objects, const Face& face,
                         const EmbeddableFont& font) {
  const PdfName base(font.tag + "+" + face.postscript_name());

  PdfObject* file = objects->CreateObject();
  SetDeflatedStream(file, font.program);
  file->GetDictionary().AddKey("Length1", PdfInt(static_cast<long long>(font.program_size)));

  PdfObject* descriptor = objects->CreateObject("FontDescriptor");
  PdfDictionary& d = descriptor->GetDictionary();
  d.AddKey("FontName", base);
  d.AddKey("Flags", PdfInt(4));
  PdfArray bbox;
  for (int k = 0; k < 4; ++k) bbox.push_back(PdfInt(face.bbox()[k]));
  d.AddKey("FontBBox", bbox);
  d.AddKey("ItalicAngle", PdfInt(0));
  d.AddKey("Ascent", PdfInt(face.ascent()));
  d.AddKey("Descent", PdfInt(face.descent()));
  d.AddKey("CapHeight", PdfInt(face.cap_height()));
  d.AddKey("StemV", PdfInt(80));
  d.AddKey("FontFile2", file->Reference());

  const std::vector<int>& widths = font.widths;
  PdfArray w;
  for (size_t cid = 1; cid < widths.size();) {
    if (widths[cid] == 1000) {
      ++cid;
      continue;
    }
    PdfArray run;
    const size_t first = cid;
    while (cid < widths.size() && widths[cid] != 1000) {
      run.push_back(PdfInt(widths[cid]));
      ++cid;
    }
    w.push_back(PdfInt(static_cast<long long>(first)));
    w.push_back(run);
  }

  PdfObject* cid_font = objects->CreateObject("Font");
  PdfDictionary& c = cid_font->GetDictionary();
  c.AddKey("Subtype", PdfName("CIDFontType2"));
  c.AddKey("BaseFont", base);
  PdfDictionary system_info;
  system_info.AddKey("Registry", PdfString("Adobe"));
  system_info.AddKey("Ordering", PdfString("Identity"));
  system_info.AddKey("Supplement", PdfInt(0));
  c.AddKey("CIDSystemInfo", system_info);
  c.AddKey("FontDescriptor", descriptor->Reference());
  c.AddKey("DW", PdfInt(1000));
  if (!w.empty()) c.AddKey("W", w);
  c.AddKey("CIDToGIDMap", PdfName("Identity"));

  PdfObject* cmap = objects->CreateObject();
  SetDeflatedStream(cmap, font.to_unicode);

  PdfObject* type0 = objects->CreateObject("Font");
  PdfDictionary& t0 = type0->GetDictionary();
  t0.AddKey("Subtype", PdfName("Type0"));
  t0.AddKey("BaseFont", base);
  t0.AddKey("Encoding", PdfName("Identity-H"));
  PdfArray descendants;
  descendants.push_back(cid_font->Reference());
  t0.AddKey("DescendantFonts", descendants);
  t0.AddKey("ToUnicode", cmap->Reference());
  return type0;
}

core::Result<std::shared_ptr<const EmbeddableFont>> SubsetFontCache::Get(
    const Face& face, const std::vector<uint16_t>& gids, const std::vector<char32_t>& unicode,
    int level) {
  std::string key = face.id();
  key.push_back('\0');
  key.push_back(static_cast<char>(level));
  for (uint16_t g : gids) {
    key.push_back(static_cast<char>(g >> 8));
    key.push_back(static_cast<char>(g & 0xFF));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      it->second.last_used = ++clock_;
      return it->second.font;
    }
  }
  // Made outside the lock: two documents missing at once both make it, and one is kept.
  BEIAN_ASSIGN_OR_RETURN(EmbeddableFont made, PrepareSubsetFont(face, gids, unicode, level));
  auto font = std::make_shared<const EmbeddableFont>(std::move(made));
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= capacity_ && entries_.find(key) == entries_.end()) {
    auto oldest = entries_.begin();
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    entries_.erase(oldest);
  }
  Entry& entry = entries_[key];
  entry.font = font;
  entry.last_used = ++clock_;
  return font;
}

}  // namespace beian::render
