// An uploaded JPEG: its structure, read from its markers (what the image page needs to embed it
// as it is, DCTDecode), and its image data, decoded by libjpeg-turbo to see that it is sound.
#ifndef BEIAN_RENDER_JPEG_READER_H_
#define BEIAN_RENDER_JPEG_READER_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "beian/core/status.h"

namespace beian::render {

// The most scans a JPEG may have (a progressive one has about ten): every scan walks the
// whole image again.
inline constexpr int kMaxJpegScans = 100;

// The most memory libjpeg may take for whole-image coefficient buffers (progressive and
// multi-scan files): a 40-megapixel image with full-resolution colour needs 240 MB.
inline constexpr uint64_t kMaxJpegDecoderBytes = uint64_t{256} << 20;

struct JpegInfo {
  int width = 0, height = 0, components = 0;
  bool adobe = false;  // an Adobe APP14 marker: 4-component data is stored inverted
  int orientation = 1; // Exif orientation, 1–8
  size_t end = 0;      // just past EOI
};

// Walks the markers of a JPEG up to its EOI, checking the structure a reader relies on; the
// frame header's size is checked against kMaxImagePixels as soon as it is read. Refused
// (kInvalidArgument, bilingual): over the cap, truncated or corrupt structure, lossless,
// hierarchical or arithmetic coding, other than 8-bit samples, other than 1, 3 or 4
// components, more than kMaxJpegScans scans.
core::Result<JpegInfo> ParseJpeg(std::string_view b);

// Decodes all the entropy-coded data of `jpeg` (a whole JPEG, up to its EOI) with
// libjpeg-turbo at 1/8 scale: every coefficient is decoded, only the inverse DCT is cut down
// to the DC term, and nothing of the image is kept. Refused (kInvalidArgument, bilingual):
// corrupt or truncated image data (which libjpeg itself would only warn about and fill in
// gray), anything libjpeg cannot decode, a decoder needing over kMaxJpegDecoderBytes. Nothing
// is printed.
core::Status CheckJpegDecodes(std::string_view jpeg);

}  // namespace beian::render

#endif  // BEIAN_RENDER_JPEG_READER_H_
