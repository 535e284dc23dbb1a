// Uploaded PNGs read for the image page: the chunks checked, the image data inflated,
// unfiltered and de-interlaced, and turned into what a PDF image XObject holds.
#ifndef BEIAN_RENDER_PNG_READER_H_
#define BEIAN_RENDER_PNG_READER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::render {

struct PngImage {
  uint32_t width = 0, height = 0;
  int depth = 0, color = 0;
  bool interlaced = false;
  std::string palette;  // RGB triples
  std::string trns;
  std::string idat;     // the zlib stream, all IDAT chunks joined
  int channels() const { return color == 2 ? 3 : color == 4 ? 2 : color == 6 ? 4 : 1; }
};

// Walks the chunks up to IEND, checking every CRC and the header; joins the IDAT data.
core::Result<PngImage> ParsePng(std::string_view b);

// What goes into the PDF for a PNG.
struct ImageParts {
  std::string data;        // the image stream as stored
  bool predictor = false;  // data is the PNG's own zlib stream (FlateDecode + PNG predictors)
  int colors = 1;          // components of the colour space
  int bits = 8;
  bool indexed = false;
  std::string palette;     // Indexed: RGB triples, padded to 2^bits entries
  std::string alpha;       // SMask samples (8-bit gray), deflated; empty = none
  std::vector<unsigned> color_key;  // /Mask ranges (gray or RGB tRNS)
};

// Decodes the whole image (so corrupt data is refused) and returns what the PDF holds.
core::Result<ImageParts> DecodePng(const PngImage& img);

}  // namespace beian::render

#endif  // BEIAN_RENDER_PNG_READER_H_
