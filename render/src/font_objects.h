// PDF objects shared by the document writer and the PDF tools: deflated streams and the font
// dictionaries of a HarfBuzz subset (Type0 → CIDFontType2 → FontDescriptor → FontFile2, with a
// ToUnicode map). One implementation, so a reprint stamp embeds its font exactly as documents do.
#ifndef BEIAN_RENDER_FONT_OBJECTS_H_
#define BEIAN_RENDER_FONT_OBJECTS_H_

#include <podofo/podofo.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// Six capitals naming a subset (the "ABCDEF+" of its BaseFont), from the face and glyph set,
// so equal documents name their fonts equally.
std::string SubsetTag(const std::string& face_id, const std::vector<uint16_t>& gids);

// Adds the objects of one embedded subset font to `objects`, in this order: FontFile2,
// FontDescriptor, CIDFontType2, ToUnicode, Type0; returns the Type0 font. CIDs are the subset's
// glyph ids (CIDToGIDMap /Identity). `unicode[g]` is the character that original glyph g of
// `face` stands for (0 where unused); every glyph of `subset.new_gid` must have one.
PoDoFo::PdfObject* AddSubsetFont(PoDoFo::PdfVecObjects* objects, const Face& face,
                                 const SubsetFont& subset, const std::string& tag,
                                 const std::vector<char32_t>& unicode, int level);

}  // namespace beian::render

#endif  // BEIAN_RENDER_FONT_OBJECTS_H_
