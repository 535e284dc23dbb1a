#include "jpeg_reader.h"

// jpeglib.h needs size_t and FILE declared first.
#include <cstdio>
#include <jpeglib.h>
#include <jerror.h>

#include <csetjmp>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "pdf_support.h"

namespace beian::render {
namespace {

core::Status BadJpeg(const std::string& zh, const std::string& en) {
  return Bad("JPEG 图像已损坏：" + zh, "corrupt JPEG: " + en);
}
core::Status TruncatedJpeg() {
  return Bad("JPEG 图像不完整（被截断）：没有结束标记", "truncated JPEG: no end-of-image marker");
}

// The orientation tag (0x0112) of IFD0 of an Exif APP1 segment; 1 when absent or unreadable.
int ExifOrientation(std::string_view seg) {
  if (seg.size() < 14 || seg.substr(0, 6) != std::string_view("Exif\0\0", 6)) return 1;
  const std::string_view tiff = seg.substr(6);
  const unsigned char* t = Bytes(tiff);
  const bool le = tiff[0] == 'I' && tiff[1] == 'I';
  if (!le && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
  auto u16 = [&](size_t at) -> uint32_t {
    return le ? static_cast<uint32_t>(t[at] | (t[at + 1] << 8)) : Be16(t + at);
  };
  auto u32 = [&](size_t at) -> uint32_t {
    return le ? (uint32_t{t[at]} | (uint32_t{t[at + 1]} << 8) | (uint32_t{t[at + 2]} << 16) |
                 (uint32_t{t[at + 3]} << 24))
              : Be32(t + at);
  };
  if (u16(2) != 42) return 1;
  const uint32_t ifd = u32(4);
  if (ifd > tiff.size() || tiff.size() - ifd < 2) return 1;
  const uint32_t count = u16(ifd);
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = ifd + 2 + size_t{i} * 12;
    if (e + 12 > tiff.size()) return 1;
    if (u16(e) == 0x0112 && u16(e + 2) == 3) {
      const uint32_t v = u16(e + 8);
      return v >= 1 && v <= 8 ? static_cast<int>(v) : 1;
    }
  }
  return 1;
}

// libjpeg's error manager, and where a failure jumps to. Trivially destructible: a failure
// leaves libjpeg by longjmp, which runs no destructors.
struct JpegFailure {
  jpeg_error_mgr manager;  // first: libjpeg hands the callbacks a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};
static_assert(std::is_trivially_destructible_v<JpegFailure>);

[[noreturn]] void Fail(j_common_ptr cinfo) {
  JpegFailure* failure = reinterpret_cast<JpegFailure*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, failure->message);
  std::longjmp(failure->jump, 1);
}

// libjpeg reports corrupt or missing entropy-coded data as a warning and carries on with gray
// blocks; here such a warning refuses the image. Warnings about metadata (a JFIF revision, an
// Adobe transform code, an ICC profile) refuse nothing; trace messages are ignored.
void OnMessage(j_common_ptr cinfo, int level) {
  if (level >= 0) return;
  const int code = cinfo->err->msg_code;
  if (code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_BOGUS_ICC) return;
  Fail(cinfo);
}

void Silent(j_common_ptr) {}

// Decodes the whole image at 1/8 scale, one output row at a time. False on a failure (the
// message is in `failure`). Calls setjmp: nothing here has a destructor.
bool DecodeAll(jpeg_decompress_struct* cinfo, JpegFailure* failure, const unsigned char* data,
               unsigned long size) {
  if (setjmp(failure->jump)) return false;
  jpeg_create_decompress(cinfo);
  // Whole-image coefficient buffers (progressive and multi-scan files) are capped; libjpeg
  // refuses to go over instead of spilling to disk.
  cinfo->mem->max_memory_to_use = static_cast<long>(kMaxJpegDecoderBytes);
  jpeg_mem_src(cinfo, data, size);
  jpeg_read_header(cinfo, TRUE);
  // Every coefficient is still entropy-decoded; 1/8 scale leaves only the DC term to transform.
  cinfo->scale_num = 1;
  cinfo->scale_denom = 8;
  cinfo->do_fancy_upsampling = FALSE;
  cinfo->do_block_smoothing = FALSE;
  // Gray output from YCbCr skips the chroma's inverse transform and the colour conversion;
  // the chroma is decoded all the same.
  if (cinfo->jpeg_color_space == JCS_YCbCr) cinfo->out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress(cinfo);
  const JDIMENSION row_samples = cinfo->output_width * static_cast<JDIMENSION>(cinfo->output_components);
  JSAMPARRAY row = (*cinfo->mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(cinfo), JPOOL_IMAGE, row_samples, 1);
  while (cinfo->output_scanline < cinfo->output_height) jpeg_read_scanlines(cinfo, row, 1);
  jpeg_finish_decompress(cinfo);
  return true;
}

}  // namespace

core::Result<JpegInfo> ParseJpeg(std::string_view b) {
  const unsigned char* p = Bytes(b);
  const size_t n = b.size();
  JpegInfo info;
  bool frame = false;
  int scans = 0;
  size_t pos = 2;  // after SOI
  while (true) {
    if (pos >= n) return TruncatedJpeg();
    if (p[pos] != 0xFF) {
      return BadJpeg("第 " + std::to_string(pos) + " 字节处应为标记", "expected a marker at byte " + std::to_string(pos));
    }
    while (pos < n && p[pos] == 0xFF) ++pos;
    if (pos >= n) return TruncatedJpeg();
    const unsigned marker = p[pos++];
    if (marker == 0xD9) {  // EOI
      if (!frame || scans == 0) return BadJpeg("没有图像数据", "no image data before the end marker");
      info.end = pos;
      return info;
    }
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // standalone
    if (marker == 0xD8 || marker == 0x00) {
      return BadJpeg("第 " + std::to_string(pos - 1) + " 字节处标记无效", "invalid marker at byte " + std::to_string(pos - 1));
    }
    if (pos + 2 > n) return TruncatedJpeg();
    const size_t len = Be16(p + pos);
    if (len < 2) return BadJpeg("段长度无效", "invalid segment length");
    if (pos + len > n) return TruncatedJpeg();
    const std::string_view seg = b.substr(pos + 2, len - 2);
    pos += len;
    const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2) {
        return Bad("不支持的 JPEG 编码（无损、分层或算术编码）",
                   "unsupported JPEG coding (lossless, hierarchical or arithmetic)");
      }
      if (frame) return BadJpeg("有两个帧头", "two frame headers");
      if (seg.size() < 6) return BadJpeg("帧头过短", "frame header too short");
      const unsigned char* s = Bytes(seg);
      if (s[0] != 8) {
        return Bad("不支持的 JPEG：每分量 " + std::to_string(s[0]) + " 位（只支持 8 位）",
                   "unsupported JPEG: " + std::to_string(s[0]) + "-bit samples (only 8-bit)");
      }
      info.height = Be16(s + 1);
      info.width = Be16(s + 3);
      if (uint64_t{static_cast<uint32_t>(info.width)} * static_cast<uint32_t>(info.height) > kMaxImagePixels) {
        return Bad("JPEG 图像过大（超过 " + std::to_string(kMaxImagePixels / 10000) + " 万像素）",
                   "JPEG too large (over " + std::to_string(kMaxImagePixels / 1000000) + " megapixels)");
      }
      info.components = s[5];
      if (seg.size() < 6 + 3 * size_t{s[5]}) return BadJpeg("帧头过短", "frame header too short");
      if (info.components != 1 && info.components != 3 && info.components != 4) {
        return Bad("不支持的 JPEG：" + std::to_string(info.components) + " 个颜色分量",
                   "unsupported JPEG: " + std::to_string(info.components) + " colour components");
      }
      if (info.width == 0 || info.height == 0) {
        return Bad("不支持的 JPEG：帧头没有给出图像尺寸", "unsupported JPEG: no image size in the frame header");
      }
      frame = true;
    } else if (marker == 0xEE && seg.size() >= 12 && seg.substr(0, 5) == "Adobe") {
      info.adobe = true;
    } else if (marker == 0xE1) {
      if (seg.size() >= 6 && seg.substr(0, 6) == std::string_view("Exif\0\0", 6)) info.orientation = ExifOrientation(seg);
    } else if (marker == 0xDA) {  // SOS: entropy-coded data follows, up to the next marker
      if (!frame) return BadJpeg("扫描段在帧头之前", "scan before the frame header");
      if (++scans > kMaxJpegScans) {
        return Bad("JPEG 扫描段过多（超过 " + std::to_string(kMaxJpegScans) + " 个）",
                   "too many scans in the JPEG (over " + std::to_string(kMaxJpegScans) + ")");
      }
      while (true) {
        const void* ff = std::memchr(p + pos, 0xFF, n - pos);
        if (ff == nullptr) return TruncatedJpeg();
        pos = static_cast<size_t>(static_cast<const unsigned char*>(ff) - p);
        if (pos + 1 >= n) return TruncatedJpeg();
        const unsigned next = p[pos + 1];
        if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
          pos += 2;
        } else if (next == 0xFF) {
          ++pos;
        } else {
          break;
        }
      }
    }
  }
}

core::Status CheckJpegDecodes(std::string_view jpeg) {
  jpeg_decompress_struct cinfo{};  // zeroed: destroying it is safe whatever failed
  JpegFailure failure{};
  cinfo.err = jpeg_std_error(&failure.manager);
  failure.manager.error_exit = Fail;
  failure.manager.emit_message = OnMessage;
  failure.manager.output_message = Silent;
  const bool decoded = DecodeAll(&cinfo, &failure, Bytes(jpeg), static_cast<unsigned long>(jpeg.size()));
  const int code = failure.manager.msg_code;
  jpeg_destroy_decompress(&cinfo);
  if (decoded) return core::Status::Ok();
  if (code == JERR_NO_BACKING_STORE) {
    const std::string mib = std::to_string(kMaxJpegDecoderBytes >> 20);
    return Bad("JPEG 解码所需内存过多（超过 " + mib + " MiB）",
               "the JPEG needs too much memory to decode (over " + mib + " MiB)");
  }
  const std::string message = failure.message;
  return BadJpeg("图像数据无法解码（libjpeg：" + message + "）", "the image data does not decode (" + message + ")");
}

}  // namespace beian::render
