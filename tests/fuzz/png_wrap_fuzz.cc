// Fuzzes the upload inspection of PNG scans: bytes that SniffMediaType calls image/png are wrapped
// into a page with WrapImage, as the upload sandbox does; the page must pass InspectPdf.
//
// libpng and zlib are not instrumented, so the fuzzer cannot see a CRC or an Adler-32 check fail
// inside them, and nearly every mutation would end at the first one. So before the bytes are
// wrapped, each whole chunk's CRC is recomputed, and an IDAT chunk whose data does not start with
// a zlib header is taken for raw scanlines and deflated: mutations then reach the image data
// (filters, bit depths, palettes, interlacing). A wrong CRC and corrupt deflate data are refused
// before anything else is read, which pdf_tools_test covers.
#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "beian/render/pdf_tools.h"
#include "fuzz_support.h"
#include "upload_checks.h"

namespace {

uint32_t Be32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
}

void PutBe32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

void AppendChunk(std::string& out, std::string_view type, std::string_view data) {
  PutBe32(out, static_cast<uint32_t>(data.size()));
  const size_t typed = out.size();
  out.append(type);
  out.append(data);
  PutBe32(out, static_cast<uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(out.data() + typed), static_cast<uInt>(out.size() - typed))));
}

bool StartsWithZlibHeader(std::string_view data) {
  if (data.size() < 2) return false;
  const auto cmf = static_cast<unsigned char>(data[0]);
  const auto flg = static_cast<unsigned char>(data[1]);
  return (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && (cmf * 256 + flg) % 31 == 0;
}

std::string Deflate(std::string_view raw) {
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
            static_cast<uLong>(raw.size()), 1);
  out.resize(size);
  return out;
}

// The PNG with every whole chunk's CRC made right and raw IDAT data deflated; what follows the
// last whole chunk is kept as it is.
std::string Repair(std::string_view png) {
  if (png.size() < 8) return std::string(png);
  std::string out(png.substr(0, 8));
  size_t at = 8;
  while (at + 12 <= png.size()) {
    const uint32_t length = Be32(png.data() + at);
    if (length > png.size() - at - 12) break;
    const std::string_view type = png.substr(at + 4, 4);
    const std::string_view data = png.substr(at + 8, length);
    if (type == "IDAT" && !StartsWithZlibHeader(data)) {
      AppendChunk(out, type, Deflate(data));
    } else {
      AppendChunk(out, type, data);
    }
    at += 12 + length;
  }
  out.append(png.substr(at));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string png = Repair(beian::fuzz::Bytes(data, size));
  beian::core::Result<std::string> media = beian::render::SniffMediaType(png);
  if (!media.ok() || *media != "image/png") return 0;
  beian::fuzz::WrapAsImage(png, *media);
  return 0;
}
