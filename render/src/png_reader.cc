#include "png_reader.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <utility>

#include "font_objects.h"
#include "pdf_support.h"

namespace beian::render {
namespace {

// Bounds on the work one image may cause.
constexpr uint64_t kMaxPixels = 100000000;       // an image's width × height
constexpr size_t kMaxImageBytes = size_t{512} << 20;  // an image's decoded samples

core::Status BadPng(const std::string& zh, const std::string& en) {
  return Bad("PNG 图像已损坏：" + zh, "corrupt PNG: " + en);
}
core::Status TruncatedPng() {
  return Bad("PNG 图像不完整（被截断）：没有 IEND 块", "truncated PNG: no IEND chunk");
}

}  // namespace

core::Result<PngImage> ParsePng(std::string_view b) {
  const unsigned char* p = Bytes(b);
  PngImage img;
  size_t pos = 8;
  bool header = false, seen_idat = false, idat_ended = false;
  while (true) {
    if (pos + 8 > b.size()) return TruncatedPng();
    const uint32_t len = Be32(p + pos);
    const std::string type(b.substr(pos + 4, 4));
    if (len > 0x7FFFFFFFu) return BadPng("块长度无效", "invalid chunk length");
    for (char c : type) {
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return BadPng("块类型无效", "invalid chunk type");
    }
    if (b.size() - pos - 8 < size_t{len} + 4) return TruncatedPng();
    const std::string_view data = b.substr(pos + 8, len);
    const uint32_t crc = Be32(p + pos + 8 + len);
    if (libdeflate_crc32(0, p + pos + 4, size_t{len} + 4) != crc) {
      return BadPng(type + " 块校验和（CRC）不符", "CRC mismatch in the " + type + " chunk");
    }
    pos += size_t{len} + 12;
    if (!header && type != "IHDR") return BadPng("第一个块不是 IHDR", "the first chunk is not IHDR");
    if (seen_idat && type != "IDAT") idat_ended = true;
    if (type == "IHDR") {
      if (header || len != 13) return BadPng("IHDR 块无效", "invalid IHDR chunk");
      const unsigned char* h = Bytes(data);
      img.width = Be32(h);
      img.height = Be32(h + 4);
      img.depth = h[8];
      img.color = h[9];
      if (h[10] != 0 || h[11] != 0 || h[12] > 1) return BadPng("IHDR 块的压缩、过滤或交错方式无效", "invalid IHDR methods");
      img.interlaced = h[12] == 1;
      const int d = img.depth;
      const bool ok = (img.color == 0 && (d == 1 || d == 2 || d == 4 || d == 8 || d == 16)) ||
                      (img.color == 3 && (d == 1 || d == 2 || d == 4 || d == 8)) ||
                      ((img.color == 2 || img.color == 4 || img.color == 6) && (d == 8 || d == 16));
      if (!ok) return BadPng("颜色类型与位深不匹配", "invalid colour type and bit depth");
      if (img.width == 0 || img.height == 0 || img.width > 0x7FFFFFFFu || img.height > 0x7FFFFFFFu) {
        return BadPng("图像尺寸无效", "invalid image size");
      }
      if (uint64_t{img.width} * img.height > kMaxPixels) {
        return Bad("PNG 图像过大（超过 1 亿像素）", "PNG too large (over 100 megapixels)");
      }
      header = true;
    } else if (type == "PLTE") {
      if (seen_idat || len % 3 != 0 || len == 0 || len > 768) return BadPng("调色板无效", "invalid palette");
      img.palette.assign(data);
    } else if (type == "tRNS") {
      if (seen_idat) return BadPng("tRNS 块在图像数据之后", "tRNS after the image data");
      img.trns.assign(data);
    } else if (type == "IDAT") {
      if (idat_ended) return BadPng("IDAT 块不连续", "IDAT chunks are not consecutive");
      seen_idat = true;
      img.idat.append(data);
    } else if (type == "IEND") {
      break;
    } else if (type[0] >= 'A' && type[0] <= 'Z') {
      return Bad("不支持的 PNG：未知的关键块 " + type, "unsupported PNG: unknown critical chunk " + type);
    }
  }
  if (!seen_idat) return BadPng("没有图像数据（IDAT）", "no image data (IDAT)");
  if (img.color == 3 && img.palette.empty()) return BadPng("索引色图像没有调色板", "palette image without a palette");
  if (img.color == 3 && img.trns.size() > img.palette.size() / 3) return BadPng("tRNS 块过长", "tRNS longer than the palette");
  if (img.color == 0 && !img.trns.empty() && img.trns.size() != 2) return BadPng("tRNS 块无效", "invalid tRNS chunk");
  if (img.color == 2 && !img.trns.empty() && img.trns.size() != 6) return BadPng("tRNS 块无效", "invalid tRNS chunk");
  if ((img.color == 4 || img.color == 6) && !img.trns.empty()) return BadPng("带透明通道的图像不应有 tRNS 块", "tRNS with an alpha channel");
  return img;
}

namespace {

struct Pass {
  uint32_t x0, y0, dx, dy;
};
constexpr Pass kAdam7[7] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                            {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};

uint32_t PassSize(uint32_t total, uint32_t start, uint32_t step) {
  return total > start ? (total - start + step - 1) / step : 0;
}

size_t RowBytes(const PngImage& img, uint32_t w) {
  return (uint64_t{w} * static_cast<uint64_t>(img.channels() * img.depth) + 7) / 8;
}

// The filtered data size of the whole image (all passes), each row led by its filter byte.
uint64_t FilteredSize(const PngImage& img) {
  if (!img.interlaced) return uint64_t{img.height} * (1 + RowBytes(img, img.width));
  uint64_t total = 0;
  for (const Pass& pass : kAdam7) {
    const uint32_t w = PassSize(img.width, pass.x0, pass.dx), h = PassSize(img.height, pass.y0, pass.dy);
    if (w != 0 && h != 0) total += uint64_t{h} * (1 + RowBytes(img, w));
  }
  return total;
}

int Paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// Undoes the row filters of one pass (w × h) in place, from `data`; rows keep their filter byte.
core::Status Unfilter(const PngImage& img, unsigned char* data, uint32_t w, uint32_t h) {
  const size_t row = RowBytes(img, w);
  const size_t bpp = std::max<size_t>(1, static_cast<size_t>(img.channels() * img.depth) / 8);
  unsigned char* prev = nullptr;
  for (uint32_t y = 0; y < h; ++y) {
    unsigned char* r = data + size_t{y} * (row + 1);
    const unsigned filter = r[0];
    unsigned char* x = r + 1;
    switch (filter) {
      case 0:
        break;
      case 1:
        for (size_t i = bpp; i < row; ++i) x[i] = static_cast<unsigned char>(x[i] + x[i - bpp]);
        break;
      case 2:
        if (prev != nullptr) for (size_t i = 0; i < row; ++i) x[i] = static_cast<unsigned char>(x[i] + prev[i]);
        break;
      case 3:
        for (size_t i = 0; i < row; ++i) {
          const int left = i >= bpp ? x[i - bpp] : 0, up = prev != nullptr ? prev[i] : 0;
          x[i] = static_cast<unsigned char>(x[i] + (left + up) / 2);
        }
        break;
      case 4:
        for (size_t i = 0; i < row; ++i) {
          const int left = i >= bpp ? x[i - bpp] : 0, up = prev != nullptr ? prev[i] : 0;
          const int ul = i >= bpp && prev != nullptr ? prev[i - bpp] : 0;
          x[i] = static_cast<unsigned char>(x[i] + Paeth(left, up, ul));
        }
        break;
      default:
        return BadPng("行过滤类型无效（" + std::to_string(filter) + "）", "invalid row filter type " + std::to_string(filter));
    }
    prev = x;
  }
  return core::Status::Ok();
}

// Sample `index` (pixel × channels + channel) of an unfiltered row, at the image's depth.
unsigned Sample(const PngImage& img, const unsigned char* row, size_t index) {
  switch (img.depth) {
    case 8:
      return row[index];
    case 16:
      return Be16(row + 2 * index);
    default: {
      const size_t bit = index * static_cast<size_t>(img.depth);
      return (row[bit / 8] >> (8 - img.depth - static_cast<int>(bit % 8))) & ((1u << img.depth) - 1);
    }
  }
}
}  // namespace

core::Result<ImageParts> DecodePng(const PngImage& img) {
  const uint64_t filtered_size = FilteredSize(img);
  if (filtered_size > kMaxImageBytes) {
    return Bad("PNG 图像过大（解压后超过 512 MiB）", "PNG too large (over 512 MiB of samples)");
  }
  std::string filtered(static_cast<size_t>(filtered_size), '\0');
  std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(
      libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  if (d == nullptr) return core::Internal("libdeflate: cannot allocate a decompressor");
  size_t in_used = 0, out_made = 0;
  const libdeflate_result r = libdeflate_zlib_decompress_ex(
      d.get(), img.idat.data(), img.idat.size(), filtered.data(), filtered.size(), &in_used, &out_made);
  if (r == LIBDEFLATE_INSUFFICIENT_SPACE) return BadPng("图像数据多于其尺寸", "more image data than the image size");
  if (r != LIBDEFLATE_SUCCESS) return BadPng("图像数据（IDAT）无法解压", "the image data (IDAT) does not inflate");
  if (out_made != filtered.size()) return BadPng("图像数据少于其尺寸", "less image data than the image size");

  // Unfilter every pass (this also checks every row's filter byte).
  unsigned char* base = reinterpret_cast<unsigned char*>(filtered.data());
  std::vector<std::pair<size_t, Pass>> passes;  // offset of each non-empty pass
  {
    size_t offset = 0;
    const Pass whole = {0, 0, 1, 1};
    for (const Pass& pass : img.interlaced ? std::vector<Pass>(kAdam7, kAdam7 + 7) : std::vector<Pass>{whole}) {
      const uint32_t w = PassSize(img.width, pass.x0, pass.dx), h = PassSize(img.height, pass.y0, pass.dy);
      if (w == 0 || h == 0) continue;
      BEIAN_RETURN_IF_ERROR(Unfilter(img, base + offset, w, h));
      passes.emplace_back(offset, pass);
      offset += size_t{h} * (1 + RowBytes(img, w));
    }
  }

  ImageParts parts;
  parts.colors = img.color == 2 || img.color == 6 ? 3 : 1;
  parts.indexed = img.color == 3;
  if (parts.indexed) {
    parts.palette = img.palette;
    parts.palette.resize(size_t{3} << img.depth, '\0');
  }
  // Gray and RGB tRNS name one transparent colour: a colour-key /Mask when the PNG's own data
  // passes through, an SMask when the samples are decoded (8-bit samples would blur the key).
  const bool key = (img.color == 0 || img.color == 2) && !img.trns.empty();
  const bool has_alpha = img.color == 4 || img.color == 6 || (img.color == 3 && !img.trns.empty()) ||
                         (key && img.interlaced);
  if (key && !img.interlaced) {
    for (size_t i = 0; i < img.trns.size(); i += 2) {
      const unsigned v = Be16(Bytes(img.trns) + i) & ((1u << img.depth) - 1);
      parts.color_key.push_back(v);
      parts.color_key.push_back(v);
    }
  }

  // Plain images pass their own zlib stream through: no re-encoding, PNG predictors in the PDF.
  if (!img.interlaced && !has_alpha) {
    parts.data = img.idat;
    parts.predictor = true;
    parts.bits = img.depth;
    return parts;
  }

  // Otherwise: samples at 8 bits (palette indices as they are), alpha split off.
  const int ch = img.channels();
  const int color_ch = parts.colors;
  std::string color(size_t{img.width} * img.height * static_cast<size_t>(color_ch), '\0');
  std::string alpha(has_alpha ? size_t{img.width} * img.height : 0, '\xFF');
  bool opaque = true;
  const unsigned max = (1u << img.depth) - 1;
  for (const auto& [offset, pass] : passes) {
    const uint32_t w = PassSize(img.width, pass.x0, pass.dx), h = PassSize(img.height, pass.y0, pass.dy);
    const size_t row = RowBytes(img, w);
    for (uint32_t py = 0; py < h; ++py) {
      const unsigned char* r = base + offset + size_t{py} * (row + 1) + 1;
      const size_t y = pass.y0 + size_t{py} * pass.dy;
      for (uint32_t px = 0; px < w; ++px) {
        const size_t x = pass.x0 + size_t{px} * pass.dx;
        const size_t at = y * img.width + x;
        for (int c = 0; c < color_ch; ++c) {
          const unsigned v = Sample(img, r, size_t{px} * static_cast<size_t>(ch) + static_cast<size_t>(c));
          unsigned char out;
          if (parts.indexed) {
            out = static_cast<unsigned char>(v);
          } else if (img.depth == 16) {
            out = static_cast<unsigned char>(v >> 8);
          } else {
            out = static_cast<unsigned char>(v * 255 / max);
          }
          color[at * static_cast<size_t>(color_ch) + static_cast<size_t>(c)] = static_cast<char>(out);
        }
        if (!has_alpha) continue;
        unsigned a;
        if (key) {
          bool match = true;
          for (int c = 0; c < ch; ++c) {
            const unsigned v = Sample(img, r, size_t{px} * static_cast<size_t>(ch) + static_cast<size_t>(c));
            match &= v == (Be16(Bytes(img.trns) + 2 * static_cast<size_t>(c)) & max);
          }
          a = match ? 0 : 255;
        } else if (img.color == 3) {
          const unsigned index = Sample(img, r, px);
          a = index < img.trns.size() ? Bytes(img.trns)[index] : 255;
        } else {
          const unsigned v = Sample(img, r, size_t{px} * static_cast<size_t>(ch) + static_cast<size_t>(ch - 1));
          a = img.depth == 16 ? v >> 8 : v;
        }
        alpha[at] = static_cast<char>(a);
        opaque &= a == 255;
      }
    }
  }
  parts.bits = 8;
  parts.data = Deflate(color, 6);
  if (has_alpha && !opaque) parts.alpha = Deflate(alpha, 6);
  return parts;
}

}  // namespace beian::render
