// Uploaded PNGs, decoded by libpng into what a PDF image XObject holds. The header is held
// against the caps before libpng reads anything else, and libpng decodes (so checks) the whole
// image before anything of it reaches a PDF.
#ifndef BEIAN_RENDER_PNG_READER_H_
#define BEIAN_RENDER_PNG_READER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::render {

// The most bytes a PNG may decode to: every sample at the layout the PDF gets (the PNG's own
// rows for a plain image; 8-bit gray or RGB plus an 8-bit alpha plane otherwise).
inline constexpr uint64_t kMaxPngDecodedBytes = uint64_t{128} << 20;

// The largest chunk libpng may hold (an ICC profile, a text chunk…); larger ones are refused.
inline constexpr uint32_t kMaxPngChunkBytes = uint32_t{4} << 20;

// What goes into the PDF for a PNG.
struct PngImage {
  enum class Space { kGray, kRgb, kIndexed };
  uint32_t width = 0, height = 0;
  Space space = Space::kGray;
  int bits = 8;            // per sample of `data`
  std::string palette;     // kIndexed: RGB triples, padded to 2^bits entries
  // True for a plain image (no alpha channel, no tRNS, not interlaced): `data` is the PNG's
  // own zlib stream, read with PNG predictors (no re-encoding). False: `data` holds 8-bit
  // samples, deflated, without predictors.
  bool predictor = false;
  std::string data;        // zlib (FlateDecode)
  std::string alpha;       // SMask samples (8-bit gray), deflated; empty when fully opaque
};

// Decodes a whole PNG with libpng. Refused with kInvalidArgument, in Chinese and English: over
// kMaxImagePixels or kMaxPngDecodedBytes (from the header, before anything is decoded); a
// truncated file; a CRC error in any chunk; image data that does not inflate, or holds too
// little or too much, or an invalid row filter; a chunk over kMaxPngChunkBytes; an unknown
// critical chunk; an invalid header, palette or tRNS chunk. Ancillary chunks other than tRNS
// (text, ICC profiles, gamma…) are checked and skipped, never decompressed or kept.
core::Result<PngImage> ReadPng(std::string_view bytes);

}  // namespace beian::render

#endif  // BEIAN_RENDER_PNG_READER_H_
