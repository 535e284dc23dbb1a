// The structure of an uploaded JPEG, read from its markers: what the image page needs to embed
// it as it is (DCTDecode).
#ifndef BEIAN_RENDER_JPEG_READER_H_
#define BEIAN_RENDER_JPEG_READER_H_

#include <cstddef>
#include <string_view>

#include "beian/core/status.h"

namespace beian::render {

struct JpegInfo {
  int width = 0, height = 0, components = 0;
  bool adobe = false;  // an Adobe APP14 marker: 4-component data is stored inverted
  int orientation = 1; // Exif orientation, 1–8
  size_t end = 0;      // just past EOI
};

// Walks the markers of a JPEG up to its EOI, checking the structure a reader relies on.
// Refused (kInvalidArgument, bilingual): truncated or corrupt structure, lossless,
// hierarchical or arithmetic coding, other than 8-bit samples, other than 1, 3 or 4 components.
core::Result<JpegInfo> ParseJpeg(std::string_view b);

}  // namespace beian::render

#endif  // BEIAN_RENDER_JPEG_READER_H_
