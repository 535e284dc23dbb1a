#include "png_reader.h"

#include <png.h>
#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <type_traits>
#include <vector>

#include "font_objects.h"
#include "pdf_support.h"

namespace beian::render {
namespace {

// Everything libpng's callbacks touch. libpng leaves a failing call by longjmp, which runs no
// destructors: so this holds only trivially destructible members, and the functions that call
// setjmp (ReadInfo, Transform, ReadRows) hold no object with a destructor.
constexpr size_t kMessageBytes = 160;
struct Source {
  const unsigned char* data;
  size_t size;
  size_t pos;
  bool truncated;               // the failure was the end of the input
  char error[kMessageBytes];    // libpng's message for the failure
  char warning[kMessageBytes];  // the latest warning (libpng explains an invalid IHDR in one)
};
static_assert(std::is_trivially_destructible_v<Source>);

void Keep(char (&to)[kMessageBytes], const char* message) {
  std::snprintf(to, sizeof to, "%s", message != nullptr ? message : "");
}

void ReadBytes(png_structp png, png_bytep out, size_t n) {
  Source* s = static_cast<Source*>(png_get_io_ptr(png));
  if (s->size - s->pos < n) {
    s->truncated = true;
    png_error(png, "the file ends early");
  }
  std::memcpy(out, s->data + s->pos, n);
  s->pos += n;
}

void OnError(png_structp png, png_const_charp message) {
  Keep(static_cast<Source*>(png_get_error_ptr(png))->error, message);
  png_longjmp(png, 1);
}

// Warnings are kept, never printed. By design they refuse nothing: every problem with the
// image is an error (see ReadInfo), and the chunks warnings are about are skipped.
void OnWarning(png_structp png, png_const_charp message) {
  Keep(static_cast<Source*>(png_get_error_ptr(png))->warning, message);
}

// The header as libpng read it.
struct Header {
  png_uint_32 width, height;
  int depth, color, interlace;
  bool trns;
  int palette_entries;
  png_color palette[PNG_MAX_PALETTE_LENGTH];
};
static_assert(std::is_trivially_destructible_v<Header>);

// Sets libpng's limits and checks, then reads the chunks before the image data (no image data
// is inflated). False when libpng fails (the message is in the Source).
bool ReadInfo(png_structp png, png_infop info, Header* h) {
  if (setjmp(png_jmpbuf(png))) return false;
  // A CRC error is an error in every chunk (libpng only warns about ancillary ones by default),
  // and so is every "benign" error: extra image data, an invalid tRNS, a chunk over the limit.
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  png_set_benign_errors(png, 0);
  png_set_user_limits(png, kMaxImageSide, kMaxImageSide);
  png_set_chunk_malloc_max(png, kMaxPngChunkBytes);
  png_set_chunk_cache_max(png, 32);  // chunks kept in memory: none are (below), a bound all the same
  // Every ancillary chunk but tRNS (zTXt, iCCP, gAMA…) is checked for its length and CRC and
  // skipped: nothing is decompressed or kept that the page does not use.
  png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, nullptr, -1);
  png_read_info(png, info);
  png_get_IHDR(png, info, &h->width, &h->height, &h->depth, &h->color, &h->interlace, nullptr, nullptr);
  h->trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
  png_colorp palette = nullptr;
  int entries = 0;
  h->palette_entries = 0;
  if (png_get_PLTE(png, info, &palette, &entries) != 0 && entries > 0 && entries <= PNG_MAX_PALETTE_LENGTH) {
    std::memcpy(h->palette, palette, sizeof(png_color) * static_cast<size_t>(entries));
    h->palette_entries = entries;
  }
  return true;
}

// Sets the transforms for an image that is not plain (any depth, palette, tRNS or alpha,
// interlaced or not → 8-bit gray or RGB, with alpha when it has any), and reports the row size
// libpng will deliver.
bool Transform(png_structp png, png_infop info, bool plain, size_t* row_bytes, int* channels) {
  if (setjmp(png_jmpbuf(png))) return false;
  if (!plain) {
    png_set_expand(png);  // palette → RGB, gray under 8 bits → 8 bits, tRNS → alpha
    png_set_scale_16(png);
    png_set_interlace_handling(png);
  }
  png_read_update_info(png, info);
  *row_bytes = png_get_rowbytes(png, info);
  *channels = png_get_channels(png, info);
  return true;
}

// Decodes every row, into `rows` (all of the image) or, for a plain image, each into `row`,
// then reads the chunks after the image data up to IEND.
bool ReadRows(png_structp png, png_infop info, png_uint_32 height, png_bytep row, png_bytepp rows) {
  if (setjmp(png_jmpbuf(png))) return false;
  if (rows != nullptr) {
    png_read_image(png, rows);
  } else {
    for (png_uint_32 y = 0; y < height; ++y) png_read_row(png, row, nullptr);
  }
  png_read_end(png, info);
  return true;
}

// libpng's read and info structures, destroyed together.
class Reader {
 public:
  explicit Reader(Source* source)
      : png_(png_create_read_struct(PNG_LIBPNG_VER_STRING, source, OnError, OnWarning)),
        info_(png_ != nullptr ? png_create_info_struct(png_) : nullptr) {
    if (png_ != nullptr) png_set_read_fn(png_, source, ReadBytes);
  }
  ~Reader() { png_destroy_read_struct(&png_, info_ != nullptr ? &info_ : nullptr, nullptr); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  bool ok() const { return png_ != nullptr && info_ != nullptr; }
  png_structp png() const { return png_; }
  png_infop info() const { return info_; }

 private:
  png_structp png_;
  png_infop info_;
};

core::Status BadPng(const std::string& zh, const std::string& en) {
  return Bad("PNG 图像已损坏：" + zh, "corrupt PNG: " + en);
}

// libpng's failure as a refusal. Its messages for a chunk start with the chunk's name
// ("IDAT: CRC error"); zlib's own messages name the image data.
core::Status Refusal(const Source& s) {
  if (s.truncated) return Bad("PNG 图像不完整（被截断）", "truncated PNG: the file ends before its IEND chunk");
  const std::string message = s.error;
  std::string chunk, text = message;
  if (message.size() > 6 && message[4] == ':' && message[5] == ' ') {
    chunk = message.substr(0, 4);
    text = message.substr(6);
  }
  if (text == "CRC error") return BadPng(chunk + " 块校验和（CRC）不符", "CRC mismatch in the " + chunk + " chunk");
  if (text == "Not enough image data") return BadPng("图像数据少于其尺寸", "less image data than the image size");
  if (text == "Extra compressed data" || text == "Too much image data") {
    return BadPng("图像数据多于其尺寸", "more image data than the image size");
  }
  if (text == "bad adaptive filter value") return BadPng("行过滤类型无效", "invalid row filter type");
  if (text == "Missing PLTE before IDAT") return BadPng("索引色图像没有调色板", "palette image without a palette");
  if (text == "chunk data is too large") {
    return Bad("PNG 的 " + chunk + " 块过大（超过 " + std::to_string(kMaxPngChunkBytes >> 20) + " MiB）",
               "PNG chunk " + chunk + " too large (over " + std::to_string(kMaxPngChunkBytes >> 20) + " MiB)");
  }
  if (text == "unhandled critical chunk") {
    return Bad("不支持的 PNG：未知的关键块 " + chunk, "unsupported PNG: unknown critical chunk " + chunk);
  }
  if (text == "Invalid IHDR data") {
    const std::string why = s.warning;
    if (why.find("color type/bit depth") != std::string::npos) {
      return BadPng("颜色类型与位深不匹配", "invalid colour type and bit depth");
    }
    return BadPng("IHDR 块无效（" + why + "）", "invalid IHDR chunk (" + why + ")");
  }
  if (chunk == "IDAT") {
    return BadPng("图像数据（IDAT）无法解压（" + text + "）", "the image data (IDAT) does not inflate (" + text + ")");
  }
  return BadPng("libpng 无法读取（" + message + "）", message);
}

// Refuses an image over kMaxImageSide or kMaxImagePixels.
core::Status CheckSize(uint32_t width, uint32_t height) {
  if (width > kMaxImageSide || height > kMaxImageSide) {
    return Bad("PNG 图像过大（宽或高超过 " + std::to_string(kMaxImageSide) + " 像素）",
               "PNG too large (a side over " + std::to_string(kMaxImageSide) + " pixels)");
  }
  if (uint64_t{width} * height > kMaxImagePixels) {
    return Bad("PNG 图像过大（超过 " + std::to_string(kMaxImagePixels / 10000) + " 万像素）",
               "PNG too large (over " + std::to_string(kMaxImagePixels / 1000000) + " megapixels)");
  }
  return core::Status::Ok();
}

// The size IHDR declares, checked before libpng reads anything: IHDR is the first chunk, at a
// fixed place. An IHDR that is not whole and sound is left for libpng to name.
core::Status CheckDeclaredSize(std::string_view b) {
  constexpr size_t kIhdrEnd = 8 + 8 + 13 + 4;
  if (b.size() < kIhdrEnd) return core::Status::Ok();
  const unsigned char* p = Bytes(b);
  if (Be32(p + 8) != 13 || std::memcmp(p + 12, "IHDR", 4) != 0 || crc32(0, p + 12, 17) != Be32(p + 29)) {
    return core::Status::Ok();
  }
  return CheckSize(Be32(p + 16), Be32(p + 20));
}

// The data of the IDAT chunks, joined: the zlib stream libpng has just inflated and checked.
std::string JoinIdat(std::string_view b) {
  std::string out;
  size_t pos = 8;
  while (b.size() - pos >= 12) {
    const uint32_t length = Be32(Bytes(b) + pos);
    if (length > b.size() - pos - 12) break;
    const std::string_view type = b.substr(pos + 4, 4);
    if (type == "IEND") break;
    if (type == "IDAT") out.append(b.substr(pos + 8, length));
    pos += size_t{length} + 12;
  }
  return out;
}

}  // namespace

core::Result<PngImage> ReadPng(std::string_view bytes) {
  BEIAN_RETURN_IF_ERROR(CheckDeclaredSize(bytes));
  Source source{Bytes(bytes), bytes.size(), 0, false, {}, {}};
  Reader reader(&source);
  if (!reader.ok()) return core::Internal("libpng: cannot create a reader");
  Header h{};
  if (!ReadInfo(reader.png(), reader.info(), &h)) return Refusal(source);

  // Decoded size at the layout the PDF gets, before anything is decoded.
  const bool alpha = (h.color & PNG_COLOR_MASK_ALPHA) != 0 || h.trns;
  const bool plain = h.interlace == PNG_INTERLACE_NONE && !alpha;
  const bool gray = (h.color & PNG_COLOR_MASK_COLOR) == 0;
  BEIAN_RETURN_IF_ERROR(CheckSize(h.width, h.height));  // as CheckDeclaredSize did; libpng agrees
  const uint64_t pixels = uint64_t{h.width} * h.height;
  const int samples = h.color == PNG_COLOR_TYPE_RGB ? 3 : h.color == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
                      : h.color == PNG_COLOR_TYPE_RGB_ALPHA                               ? 4
                                                                                          : 1;
  const uint64_t plain_row = (uint64_t{h.width} * static_cast<uint64_t>(samples * h.depth) + 7) / 8;
  const uint64_t out_channels = (gray ? 1 : 3) + (alpha ? 1 : 0);
  const uint64_t decoded = plain ? plain_row * h.height : pixels * out_channels;
  if (decoded > kMaxPngDecodedBytes) {
    return Bad("PNG 图像过大（解码后超过 " + std::to_string(kMaxPngDecodedBytes >> 20) + " MiB）",
               "PNG too large (over " + std::to_string(kMaxPngDecodedBytes >> 20) + " MiB decoded)");
  }

  size_t row_bytes = 0;
  int channels = 0;
  if (!Transform(reader.png(), reader.info(), plain, &row_bytes, &channels)) return Refusal(source);
  const uint64_t expected_row = plain ? plain_row : uint64_t{h.width} * out_channels;
  if (row_bytes != expected_row || (!plain && static_cast<uint64_t>(channels) != out_channels)) {
    return core::Internal("libpng delivers rows of " + std::to_string(row_bytes) + " bytes, not " +
                          std::to_string(expected_row));
  }

  PngImage out;
  out.width = h.width;
  out.height = h.height;
  out.predictor = plain;
  if (plain) {
    // Decoded only to check it: rows pass one at a time through one buffer.
    std::vector<unsigned char> row(row_bytes);
    if (!ReadRows(reader.png(), reader.info(), h.height, row.data(), nullptr)) return Refusal(source);
    out.space = h.color == PNG_COLOR_TYPE_PALETTE ? PngImage::Space::kIndexed
                : gray                            ? PngImage::Space::kGray
                                                  : PngImage::Space::kRgb;
    out.bits = h.depth;
    if (out.space == PngImage::Space::kIndexed) {
      for (int i = 0; i < h.palette_entries; ++i) {
        out.palette.push_back(static_cast<char>(h.palette[i].red));
        out.palette.push_back(static_cast<char>(h.palette[i].green));
        out.palette.push_back(static_cast<char>(h.palette[i].blue));
      }
      out.palette.resize(size_t{3} << h.depth, '\0');  // indices past the palette are black
    }
    out.data = JoinIdat(bytes);
    return out;
  }

  const size_t total = static_cast<size_t>(decoded);
  std::unique_ptr<unsigned char[]> image(new unsigned char[total]);
  std::vector<png_bytep> rows(h.height);
  for (png_uint_32 y = 0; y < h.height; ++y) rows[y] = image.get() + size_t{y} * row_bytes;
  if (!ReadRows(reader.png(), reader.info(), h.height, nullptr, rows.data())) return Refusal(source);

  out.space = gray ? PngImage::Space::kGray : PngImage::Space::kRgb;
  out.bits = 8;
  const size_t color_channels = gray ? 1 : 3;
  if (alpha) {
    // The alpha samples to a plane of their own; the colour samples closed up in place.
    std::string mask(static_cast<size_t>(pixels), '\0');
    bool opaque = true;
    unsigned char* p = image.get();
    for (size_t i = 0; i < pixels; ++i) {
      const unsigned char* from = p + i * (color_channels + 1);
      const unsigned char a = from[color_channels];
      unsigned char* to = p + i * color_channels;
      for (size_t c = 0; c < color_channels; ++c) to[c] = from[c];
      mask[i] = static_cast<char>(a);
      opaque &= a == 255;
    }
    if (!opaque) out.alpha = Deflate(mask, 6);
  }
  out.data = Deflate(std::string_view(reinterpret_cast<const char*>(image.get()),
                                      static_cast<size_t>(pixels) * color_channels),
                     6);
  return out;
}

}  // namespace beian::render
