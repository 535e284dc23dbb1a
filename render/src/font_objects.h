// PDF objects shared by the document writer and the PDF tools: deflated streams and the font
// dictionaries of a HarfBuzz subset (Type0 → CIDFontType2 → FontDescriptor → FontFile2, with a
// ToUnicode map). One implementation, so a reprint stamp embeds its font exactly as documents do.
#ifndef BEIAN_RENDER_FONT_OBJECTS_H_
#define BEIAN_RENDER_FONT_OBJECTS_H_

#include <podofo/podofo.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "beian/core/status.h"
#include "font.h"

namespace beian::render {

// An integer object (a bare 0 would pick PoDoFo's pointer overloads).
PoDoFo::PdfObject PdfInt(long long v);

// zlib-format deflate (libdeflate) at `level` (1–12); one compressor per thread and level.
std::string Deflate(std::string_view data, int level);

// Appends a number for a content stream: at most two decimals, no exponent, no locale. Hot:
// every coordinate of every page goes through here.
void AppendNumber(std::string& out, double v);

// Appends the operators that switch text to simulated bold (fill and stroke the outline with
// `stroke` pt, 3 % of the size; the Chinese faces have no bold) or back to plain fill.
void AppendBoldMode(std::string& out, bool bold, double stroke);

// Makes `raw`, deflated at `level`, the stream of `obj` and sets /Filter /FlateDecode.
void SetFlateStream(PoDoFo::PdfObject* obj, std::string_view raw, int level);

// Stores `bytes` as the stream of `obj` exactly as given (already encoded by the caller).
void SetRawStream(PoDoFo::PdfObject* obj, std::string_view bytes);

// Makes `deflated` (zlib format, already deflated) the stream of `obj`, marked /FlateDecode.
void SetDeflatedStream(PoDoFo::PdfObject* obj, std::string_view deflated);

// One subset font ready to embed: its program and ToUnicode map already deflated. Immutable,
// so one may serve any number of documents at once (SubsetFontCache).
struct EmbeddableFont {
  std::string tag;                                 // six capitals, from the face and glyph set
  std::unordered_map<uint16_t, uint16_t> new_gid;  // original gid → CID (= gid in the program)
  std::string program;                             // the TrueType program, deflated
  size_t program_size = 0;                         // its length before deflating (/Length1)
  std::string to_unicode;                          // the ToUnicode CMap, deflated
  std::vector<int> widths;                         // by CID, in 1/1000 em
};

// Subsets `face` to `gids` (ascending original glyph ids) and deflates what will be embedded
// at `level`. `unicode[g]` is the character that original glyph g stands for; every glyph of
// `gids` must have one.
core::Result<EmbeddableFont> PrepareSubsetFont(const Face& face, const std::vector<uint16_t>& gids,
                                               const std::vector<char32_t>& unicode, int level);

// Adds the objects of one embedded subset font to `objects`, in this order: FontFile2,
// FontDescriptor, CIDFontType2, ToUnicode, Type0; returns the Type0 font. CIDs are the subset's
// glyph ids (CIDToGIDMap /Identity).
PoDoFo::PdfObject* AddSubsetFont(PoDoFo::PdfVecObjects* objects, const Face& face,
                                 const EmbeddableFont& font);

// Subset fonts already made, by face, glyph set and level: the glyphs a template's own text
// draws are the same in most of its documents. Bounded (least recently used goes first);
// thread-safe.
class SubsetFontCache {
 public:
  explicit SubsetFontCache(size_t capacity = 64) : capacity_(capacity) {}
  // The font PrepareSubsetFont(face, gids, unicode, level) makes, from the cache when there.
  // `unicode` must give the same characters for `gids` whenever face and gids are equal
  // (a face maps a glyph to one character).
  core::Result<std::shared_ptr<const EmbeddableFont>> Get(const Face& face,
                                                          const std::vector<uint16_t>& gids,
                                                          const std::vector<char32_t>& unicode,
                                                          int level);

 private:
  struct Entry {
    std::shared_ptr<const EmbeddableFont> font;
    uint64_t last_used = 0;
  };
  const size_t capacity_;
  std::mutex mu_;
  uint64_t clock_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace beian::render

#endif  // BEIAN_RENDER_FONT_OBJECTS_H_
