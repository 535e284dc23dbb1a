// PDF tools for the archive (see beian/render/pdf_tools.h): inspecting uploads with PoDoFo,
// wrapping JPEG/PNG scans into a page, and stamping marked reprints as incremental updates.
#include "beian/render/pdf_tools.h"

#include <libdeflate.h>
#include <podofo/podofo.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <utility>

#include "beian/core/digest.h"
#include "beian/core/utf8.h"
#include "beian/render/engine.h"
#include "font.h"
#include "font_objects.h"
#include "pdf_writer.h"

namespace beian::render {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;
using PoDoFo::PdfString;

// Bounds on the work one upload may cause.
constexpr long kMaxObjects = 1000000;            // objects in the cross-reference table
constexpr int kMaxNesting = 64;                  // dictionaries and arrays inside each other
constexpr size_t kMaxPageTreeNodes = 1000000;    // /Pages and /Page nodes visited
constexpr uint64_t kMaxInflatedBytes = uint64_t{1} << 30;  // all Flate streams, inflated
constexpr uint64_t kMaxPixels = 100000000;       // an image's width × height
constexpr size_t kMaxImageBytes = size_t{512} << 20;  // an image's decoded samples
constexpr int kMaxParentDepth = 64;              // /Parent links followed for inherited keys

constexpr double kMmToPt = 72.0 / 25.4;
constexpr double kA4Short = 210 * kMmToPt;
constexpr double kA4Long = 297 * kMmToPt;

// PoDoFo logs to stderr unless told not to; output must not depend on it either.
void QuietPoDoFo() {
  static std::once_flag once;
  std::call_once(once, [] {
    PoDoFo::PdfError::EnableDebug(false);
    PoDoFo::PdfError::EnableLogging(false);
    // The parser sizes its tables by the object count a file declares (8,388,607 allowed by
    // default: a 200-byte file could make it allocate 330 MB).
    PoDoFo::PdfParser::SetMaxObjectCount(kMaxObjects);
  });
}

// Every refusal names the problem in Chinese, then in English.
core::Status Bad(const std::string& zh, const std::string& en) {
  return core::InvalidArgument(zh + " / " + en);
}

// An RFC 3339 time as a PDF date; `what` names the argument in the error.
core::Result<std::string> DateArgument(const std::string& t, const std::string& what) {
  auto date = PdfDate(t);
  if (date.ok()) return date;
  return Bad(what + " 必须是带时区的 RFC 3339 时间（如 2026-11-27T10:00:00+08:00），而不是“" + t + "”",
             what + " must be an RFC 3339 time with an offset (e.g. 2026-11-27T10:00:00+08:00), not \"" + t + "\"");
}

uint16_t Be16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t Be32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void Num(std::string& out, double v) { AppendNumber(out, v); }

std::string Matrix(double a, double b, double c, double d, double e, double f) {
  std::string s;
  for (double v : {a, b, c, d, e, f}) {
    Num(s, v);
    s.push_back(' ');
  }
  s += "cm";
  return s;
}

// ---------------------------------------------------------------------------------------------
// Sniffing.

enum class Sniffed { kOther, kPdf, kJpeg, kPng };

Sniffed Sniff(std::string_view b) {
  if (b.size() >= 8 && std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0) return Sniffed::kPng;
  if (b.size() >= 3 && Bytes(b)[0] == 0xFF && Bytes(b)[1] == 0xD8 && Bytes(b)[2] == 0xFF) {
    return Sniffed::kJpeg;
  }
  // Readers accept a few bytes of junk before the header; so does this.
  if (b.substr(0, 1024).find("%PDF-") != std::string_view::npos) return Sniffed::kPdf;
  return Sniffed::kOther;
}

// ---------------------------------------------------------------------------------------------
// Reading PDFs.

std::string RefLabel(const PdfReference& r) {
  return std::to_string(r.ObjectNumber()) + " " + std::to_string(r.GenerationNumber()) + " R";
}

std::string PoDoFoReason(const PoDoFo::PdfError& e) {
  const char* name = PoDoFo::PdfError::ErrorName(e.GetError());
  const char* text = PoDoFo::PdfError::ErrorMessage(e.GetError());
  std::string s = name != nullptr ? name : "PdfError";
  if (text != nullptr && *text != '\0') s += std::string(": ") + text;
  return s;
}

core::Status Corrupt(const std::string& zh_detail, const std::string& en_detail) {
  return Bad("PDF 文件已损坏：" + zh_detail, "corrupt PDF: " + en_detail);
}

core::Status Encrypted() {
  return Bad("PDF 文件已加密（设有密码或权限限制），无法归档，请上传未加密的文件",
             "encrypted PDF (password or permissions set); upload an unencrypted file");
}

// An /Encrypt key in `b` ("/EncryptMetadata" is a key inside the encryption dictionary).
bool MentionsEncrypt(std::string_view b) {
  for (size_t at = b.find("/Encrypt"); at != std::string_view::npos; at = b.find("/Encrypt", at + 1)) {
    const size_t next = at + 8;
    if (next >= b.size()) return true;
    const char c = b[next];
    if (c == ' ' || c == '\r' || c == '\n' || c == '\t' || c == '<' || (c >= '0' && c <= '9')) {
      return true;
    }
  }
  return false;
}

// An /Encrypt key in a trailer or a cross-reference stream's dictionary. Checked before PoDoFo
// sees the file: its errors for encrypted files vary with the algorithm (an invalid password for
// AES-256, an internal error or a null handle for RC4 and AES-128, leaking as it goes).
bool TrailerEncrypts(std::string_view b) {
  constexpr size_t kWindow = 4096;
  for (size_t at = b.find("trailer"); at != std::string_view::npos; at = b.find("trailer", at + 7)) {
    const size_t end = b.find("startxref", at);
    if (MentionsEncrypt(b.substr(at, std::min(end == std::string_view::npos ? b.size() : end, at + kWindow) - at))) {
      return true;
    }
  }
  for (size_t at = b.find("/XRef"); at != std::string_view::npos; at = b.find("/XRef", at + 5)) {
    const size_t from = b.rfind(" obj", at);
    const size_t to = b.find("stream", at);
    if (from == std::string_view::npos || at - from > kWindow || to == std::string_view::npos || to - at > kWindow) {
      continue;
    }
    if (MentionsEncrypt(b.substr(from, to - from))) return true;
  }
  return false;
}

// Inflates a zlib stream only to see that it is sound; the output is counted, not kept.
core::Status CheckInflates(std::string_view raw, uint64_t& budget, const PdfReference& ref) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return core::Internal("zlib: inflateInit failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uInt>(raw.size());
  unsigned char sink[64 * 1024];
  int rc = Z_OK;
  while (true) {
    z.next_out = sink;
    z.avail_out = sizeof sink;
    rc = inflate(&z, Z_NO_FLUSH);
    const uint64_t produced = sizeof sink - z.avail_out;
    if (produced > budget) {
      inflateEnd(&z);
      return Bad("PDF 文件解压后过大（超过 1 GiB）", "PDF inflates to more than 1 GiB");
    }
    budget -= produced;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    // Z_BUF_ERROR with input left means no progress; without input, the stream just ends
    // early, which readers tolerate (some writers omit the checksum).
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    inflateEnd(&z);
    return Corrupt("对象 " + RefLabel(ref) + " 的压缩数据无法解压",
                   "the Flate data of object " + RefLabel(ref) + " does not inflate");
  }
  inflateEnd(&z);
  return core::Status::Ok();
}

bool IsDelimiterOrSpace(char c) {
  return std::strchr(" \t\r\n\f()<>[]{}/%", c) != nullptr || c == '\0';
}

// True when dictionaries or arrays nest deeper than kMaxNesting outside strings and streams.
// PoDoFo 0.9.8 parses nested dictionaries recursively and overflows the stack (a crash, not an
// exception) at around ten thousand levels; real files nest a handful.
bool NestsTooDeep(std::string_view b) {
  int depth = 0;
  size_t i = 0;
  const size_t n = b.size();
  while (i < n) {
    switch (b[i]) {
      case '%':  // a comment, to the end of the line
        while (i < n && b[i] != '\n' && b[i] != '\r') ++i;
        break;
      case '(': {  // a literal string: balanced parentheses, backslash escapes
        int level = 0;
        for (; i < n; ++i) {
          if (b[i] == '\\') {
            ++i;
          } else if (b[i] == '(') {
            ++level;
          } else if (b[i] == ')' && --level == 0) {
            break;
          }
        }
        ++i;
        break;
      }
      case '<':
        if (i + 1 < n && b[i + 1] == '<') {
          if (++depth > kMaxNesting) return true;
          i += 2;
        } else {  // a hex string
          while (i < n && b[i] != '>') ++i;
          ++i;
        }
        break;
      case '>':
        if (i + 1 < n && b[i + 1] == '>') {
          if (depth > 0) --depth;
          i += 2;
        } else {
          ++i;
        }
        break;
      case '[':
        if (++depth > kMaxNesting) return true;
        ++i;
        break;
      case ']':
        if (depth > 0) --depth;
        ++i;
        break;
      case 's':  // stream data is skipped
        if (b.compare(i, 6, "stream") == 0 && (i == 0 || IsDelimiterOrSpace(b[i - 1])) && i + 6 < n &&
            (b[i + 6] == '\r' || b[i + 6] == '\n')) {
          const size_t end = b.find("endstream", i + 6);
          if (end == std::string_view::npos) return false;
          i = end + 9;
        } else {
          ++i;
        }
        break;
      case 'e':  // objects are parsed one at a time
        if (b.compare(i, 6, "endobj") == 0) depth = 0;
        ++i;
        break;
      default:
        ++i;
    }
  }
  return false;
}

// Whether the file's own trailer names an Info dictionary (PoDoFo adds one, dated by the clock,
// to a document that has none, and may give it a free object number of the file).
bool TrailerHasInfo(std::string_view bytes) {
  PoDoFo::PdfVecObjects objects;
  objects.SetAutoDelete(true);  // a bare PdfVecObjects does not own what the parser puts in it
  PoDoFo::PdfParser parser(&objects, bytes.data(), static_cast<long>(bytes.size()), true);
  const PdfObject* trailer = parser.GetTrailer();
  return trailer != nullptr && trailer->IsDictionary() && trailer->GetDictionary().HasKey("Info");
}

bool IsFlate(const PdfObject* filter) {
  if (filter == nullptr) return false;
  if (filter->IsName()) return filter->GetName() == PdfName("FlateDecode") || filter->GetName() == PdfName("Fl");
  if (filter->IsArray() && filter->GetArray().size() > 0) {
    const PdfObject& first = filter->GetArray()[0];
    return first.IsName() && (first.GetName() == PdfName("FlateDecode") || first.GetName() == PdfName("Fl"));
  }
  return false;
}

// A loaded, checked PDF and its pages in document order.
struct OpenedPdf {
  std::unique_ptr<PoDoFo::PdfMemDocument> doc;
  std::vector<PdfObject*> pages;
  PdfObject* info = nullptr;  // the file's own Info dictionary (not one PoDoFo made up)
};

// Collects the leaves of the page tree without recursion, refusing cycles and missing nodes.
core::Status WalkPages(PoDoFo::PdfMemDocument& doc, std::vector<PdfObject*>& pages) {
  const PdfObject* catalog = doc.GetCatalog();
  if (catalog == nullptr || !catalog->IsDictionary()) {
    return Corrupt("没有文档目录（Root）", "no document catalog (/Root)");
  }
  const PdfObject* root_ref = catalog->GetDictionary().GetKey("Pages");
  if (root_ref == nullptr || !root_ref->IsReference()) {
    return Corrupt("文档目录没有页面树（Pages）", "the catalog has no page tree (/Pages)");
  }
  std::set<std::pair<uint32_t, uint16_t>> seen;
  std::vector<PdfReference> stack = {root_ref->GetReference()};
  size_t visited = 0;
  while (!stack.empty()) {
    const PdfReference ref = stack.back();
    stack.pop_back();
    if (!seen.insert({ref.ObjectNumber(), ref.GenerationNumber()}).second) {
      return Corrupt("页面树有环或重复节点（" + RefLabel(ref) + "）",
                     "the page tree has a cycle or a repeated node (" + RefLabel(ref) + ")");
    }
    if (++visited > kMaxPageTreeNodes) {
      return Bad("PDF 页面过多", "too many pages (over " + std::to_string(kMaxPageTreeNodes) + ")");
    }
    PdfObject* node = doc.GetObjects().GetObject(ref);
    const PdfObject* read = node;  // read through const: see CheckObjects
    if (read == nullptr || !read->IsDictionary()) {
      return Corrupt("页面树节点 " + RefLabel(ref) + " 不存在或不是字典",
                     "page tree node " + RefLabel(ref) + " is missing or not a dictionary");
    }
    const PdfDictionary& d = read->GetDictionary();
    const PdfObject* type = d.GetKey(PdfName::KeyType);
    const PdfObject* kids = d.GetKey("Kids");
    const bool is_pages = type != nullptr && type->IsName() ? type->GetName() == PdfName("Pages")
                                                            : kids != nullptr;
    if (!is_pages) {
      pages.push_back(node);
      continue;
    }
    if (kids != nullptr && kids->IsReference()) kids = doc.GetObjects().GetObject(kids->GetReference());
    if (kids == nullptr || !kids->IsArray()) {
      return Corrupt("页面树节点 " + RefLabel(ref) + " 没有 Kids 数组",
                     "page tree node " + RefLabel(ref) + " has no /Kids array");
    }
    const PdfArray& a = kids->GetArray();
    for (size_t i = a.size(); i-- > 0;) {
      if (!a[i].IsReference()) {
        return Corrupt("页面树节点 " + RefLabel(ref) + " 的 Kids 含有非引用项",
                       "page tree node " + RefLabel(ref) + " has a /Kids entry that is not a reference");
      }
      stack.push_back(a[i].GetReference());
    }
  }
  if (pages.empty()) return Corrupt("没有任何页面", "the document has no pages");
  return core::Status::Ok();
}

// Parses every object and inflates every Flate stream: a file that loads but has a broken
// object or stream is corrupt, and the archive should not keep it.
core::Status CheckObjects(PoDoFo::PdfMemDocument& doc) {
  PoDoFo::PdfVecObjects& objects = doc.GetObjects();
  if (objects.GetSize() > static_cast<size_t>(kMaxObjects)) {
    return Bad("PDF 对象过多", "too many objects (over " + std::to_string(kMaxObjects) + ")");
  }
  uint64_t budget = kMaxInflatedBytes;
  // A snapshot: reading an object must not move the others under the loop.
  // Read through const pointers only: PoDoFo marks an object dirty when its non-const stream
  // is fetched, and an incremental update then rewrites it.
  const std::vector<const PdfObject*> all(objects.begin(), objects.end());
  for (const PdfObject* obj : all) {
    if (obj == nullptr) continue;
    const PdfReference ref = obj->Reference();
    try {
      if (obj->GetDataType() == PoDoFo::ePdfDataType_Unknown) {
        return Corrupt("对象 " + RefLabel(ref) + " 无法解析", "object " + RefLabel(ref) + " does not parse");
      }
      if (!obj->IsDictionary() || !obj->HasStream()) continue;
      const PoDoFo::PdfStream* stream = obj->GetStream();
      if (!IsFlate(obj->GetDictionary().GetKey(PdfName::KeyFilter))) continue;
      char* buffer = nullptr;
      PoDoFo::pdf_long length = 0;
      stream->GetCopy(&buffer, &length);
      std::unique_ptr<char, void (*)(void*)> owned(buffer, PoDoFo::podofo_free);
      BEIAN_RETURN_IF_ERROR(CheckInflates(std::string_view(buffer, static_cast<size_t>(length)), budget, ref));
    } catch (const PoDoFo::PdfError& e) {
      return Corrupt("对象 " + RefLabel(ref) + " 无法读取（" + PoDoFoReason(e) + "）",
                     "object " + RefLabel(ref) + " cannot be read (" + PoDoFoReason(e) + ")");
    }
  }
  return core::Status::Ok();
}

// Loads and checks an upload; for_update keeps the bytes for an incremental update.
core::Result<OpenedPdf> OpenPdf(std::string_view bytes, bool for_update) {
  QuietPoDoFo();
  if (bytes.empty()) return Bad("文件为空", "empty file");
  if (bytes.size() > kMaxUploadBytes) {
    return Bad("文件过大（超过 256 MiB）", "file too large (over 256 MiB)");
  }
  switch (Sniff(bytes)) {
    case Sniffed::kPdf:
      break;
    case Sniffed::kJpeg:
      return Bad("不是 PDF 文件：这是 JPEG 图像", "not a PDF: this is a JPEG image");
    case Sniffed::kPng:
      return Bad("不是 PDF 文件：这是 PNG 图像", "not a PDF: this is a PNG image");
    case Sniffed::kOther:
      return Bad("不是 PDF 文件（开头没有 %PDF- 标记）", "not a PDF (no %PDF- header)");
  }
  // A complete file ends with startxref and %%EOF (readers look in its last 1024 bytes).
  const std::string_view tail = bytes.substr(bytes.size() > 1024 ? bytes.size() - 1024 : 0);
  if (tail.find("%%EOF") == std::string_view::npos || tail.find("startxref") == std::string_view::npos) {
    return Bad("PDF 文件不完整（被截断）：末尾没有 startxref 和 %%EOF",
               "truncated PDF: no startxref and %%EOF at the end");
  }

  if (TrailerEncrypts(bytes)) return Encrypted();
  if (NestsTooDeep(bytes)) {
    return Corrupt("字典或数组嵌套超过 " + std::to_string(kMaxNesting) + " 层",
                   "dictionaries or arrays nested more than " + std::to_string(kMaxNesting) + " deep");
  }

  OpenedPdf out;
  try {
    out.doc = std::make_unique<PoDoFo::PdfMemDocument>();
    out.doc->LoadFromBuffer(bytes.data(), static_cast<long>(bytes.size()), for_update);
  } catch (const PoDoFo::PdfError& e) {
    if (e.GetError() == PoDoFo::ePdfError_InvalidPassword || MentionsEncrypt(bytes)) return Encrypted();
    if (e.GetError() == PoDoFo::ePdfError_NoEOFToken || e.GetError() == PoDoFo::ePdfError_UnexpectedEOF) {
      return Bad("PDF 文件不完整（被截断）：" + PoDoFoReason(e), "truncated PDF: " + PoDoFoReason(e));
    }
    return Corrupt("无法解析（" + PoDoFoReason(e) + "）", "cannot be parsed (" + PoDoFoReason(e) + ")");
  } catch (const std::bad_alloc&) {
    return Corrupt("解析时内存不足", "out of memory while parsing");
  } catch (const std::exception& e) {
    return Corrupt(std::string("无法解析（") + e.what() + "）", std::string("cannot be parsed (") + e.what() + ")");
  }

  try {
    const PdfObject* trailer = out.doc->GetTrailer();
    if (out.doc->GetEncrypted() || (trailer != nullptr && trailer->IsDictionary() &&
                                    trailer->GetDictionary().HasKey("Encrypt"))) {
      return Encrypted();
    }
    BEIAN_RETURN_IF_ERROR(WalkPages(*out.doc, out.pages));
    BEIAN_RETURN_IF_ERROR(CheckObjects(*out.doc));
    if (out.doc->GetInfo() != nullptr && TrailerHasInfo(bytes)) {
      PdfObject* info = out.doc->GetInfo()->GetObject();
      if (info != nullptr && info->IsDictionary()) out.info = info;
    }
  } catch (const PoDoFo::PdfError& e) {
    return Corrupt("无法解析（" + PoDoFoReason(e) + "）", "cannot be parsed (" + PoDoFoReason(e) + ")");
  } catch (const std::bad_alloc&) {
    return Corrupt("解析时内存不足", "out of memory while parsing");
  } catch (const std::exception& e) {
    return Corrupt(std::string("无法解析（") + e.what() + "）", std::string("cannot be parsed (") + e.what() + ")");
  }
  return out;
}

std::string Utf8Of(const PdfObject* o) {
  if (o == nullptr || !(o->IsString() || o->IsHexString())) return "";
  const std::string s = o->GetString().GetStringUtf8();
  return core::IsValidUtf8(s) ? s : "";
}

// ---------------------------------------------------------------------------------------------
// JPEG.

struct JpegInfo {
  int width = 0, height = 0, components = 0;
  bool adobe = false;  // an Adobe APP14 marker: 4-component data is stored inverted
  int orientation = 1; // Exif orientation, 1–8
  size_t end = 0;      // just past EOI
};

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

// Walks the markers of a JPEG up to its EOI, checking the structure a reader relies on.
core::Result<JpegInfo> ParseJpeg(std::string_view b) {
  const unsigned char* p = Bytes(b);
  const size_t n = b.size();
  JpegInfo info;
  bool frame = false, scan = false;
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
      if (!frame || !scan) return BadJpeg("没有图像数据", "no image data before the end marker");
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
      scan = true;
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

// ---------------------------------------------------------------------------------------------
// PNG.

struct PngImage {
  uint32_t width = 0, height = 0;
  int depth = 0, color = 0;
  bool interlaced = false;
  std::string palette;  // RGB triples
  std::string trns;
  std::string idat;     // the zlib stream, all IDAT chunks joined
  int channels() const { return color == 2 ? 3 : color == 4 ? 2 : color == 6 ? 4 : 1; }
};

core::Status BadPng(const std::string& zh, const std::string& en) {
  return Bad("PNG 图像已损坏：" + zh, "corrupt PNG: " + en);
}
core::Status TruncatedPng() {
  return Bad("PNG 图像不完整（被截断）：没有 IEND 块", "truncated PNG: no IEND chunk");
}

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

// ---------------------------------------------------------------------------------------------
// Writing the wrapped image.

// Unit square → display box, per Exif orientation: p = A·(u, v) + t in the unit box.
struct Orient {
  double a00, a01, a10, a11, t0, t1;
};
constexpr Orient kOrient[9] = {
    {1, 0, 0, 1, 0, 0},                                          // (unused)
    {1, 0, 0, 1, 0, 0},  {-1, 0, 0, 1, 1, 0}, {-1, 0, 0, -1, 1, 1}, {1, 0, 0, -1, 0, 1},
    {0, -1, -1, 0, 1, 1}, {0, 1, -1, 0, 0, 1}, {0, 1, 1, 0, 0, 0},  {0, -1, 1, 0, 1, 0},
};

core::Result<std::string> WriteImagePdf(PdfDictionary image_dict, std::string_view image_data,
                                        const std::string* smask_data, int width, int height,
                                        int orientation, PoDoFo::EPdfVersion version,
                                        const std::string& subject, const std::string& created_at) {
  std::string date;
  if (!created_at.empty()) {
    BEIAN_ASSIGN_OR_RETURN(date, DateArgument(created_at, "created_at"));
  }
  const bool swap = orientation >= 5;
  const double shown_w = swap ? height : width, shown_h = swap ? width : height;
  const bool landscape = shown_w > shown_h;
  const double page_w = landscape ? kA4Long : kA4Short, page_h = landscape ? kA4Short : kA4Long;
  const double margin = 10 * kMmToPt;
  const double scale = std::min((page_w - 2 * margin) / shown_w, (page_h - 2 * margin) / shown_h);
  const double box_w = shown_w * scale, box_h = shown_h * scale;
  const double x = (page_w - box_w) / 2, y = (page_h - box_h) / 2;
  const Orient& o = kOrient[orientation];
  const std::string content = "q " +
                              Matrix(box_w * o.a00, box_h * o.a10, box_w * o.a01, box_h * o.a11,
                                     x + box_w * o.t0, y + box_h * o.t1) +
                              " /Im0 Do Q\n";
  try {
    PoDoFo::PdfMemDocument doc;
    doc.SetPdfVersion(version);
    PoDoFo::PdfVecObjects* objects = &doc.GetObjects();
    PdfObject* image = objects->CreateObject("XObject");
    image_dict.AddKey(PdfName::KeyType, PdfName("XObject"));
    image_dict.AddKey(PdfName::KeySubtype, PdfName("Image"));
    image_dict.AddKey("Width", PdfInt(width));
    image_dict.AddKey("Height", PdfInt(height));
    if (smask_data != nullptr) {
      PdfObject* smask = objects->CreateObject("XObject");
      PdfDictionary& m = smask->GetDictionary();
      m.AddKey(PdfName::KeySubtype, PdfName("Image"));
      m.AddKey("Width", PdfInt(width));
      m.AddKey("Height", PdfInt(height));
      m.AddKey("ColorSpace", PdfName("DeviceGray"));
      m.AddKey("BitsPerComponent", PdfInt(8));
      SetRawStream(smask, *smask_data);
      m.AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
      image_dict.AddKey("SMask", smask->Reference());
    }
    // The stream first: setting raw data rewrites /Length, the keys follow.
    SetRawStream(image, image_data);
    for (const auto& [key, value] : image_dict.GetKeys()) image->GetDictionary().AddKey(key, *value);

    PoDoFo::PdfPage* page = doc.CreatePage(PoDoFo::PdfRect(0, 0, page_w, page_h));
    SetFlateStream(page->GetContents(), content, 6);
    PdfDictionary& resources = page->GetResources()->GetDictionary();
    resources.RemoveKey("ProcSet");
    PdfDictionary xobjects;
    xobjects.AddKey("Im0", image->Reference());
    resources.AddKey("XObject", xobjects);

    // The Info dictionary also seeds the file identifier, so it carries the image's digest.
    PdfDictionary& meta = doc.GetInfo()->GetObject()->GetDictionary();
    meta.RemoveKey("CreationDate");
    meta.RemoveKey("ModDate");
    meta.AddKey("Producer", PdfString("beian"));
    meta.AddKey("Subject", PdfString(subject));
    if (!date.empty()) {
      meta.AddKey("CreationDate", PdfString(date));
      meta.AddKey("ModDate", PdfString(date));
    }

    PoDoFo::PdfRefCountedBuffer buffer(static_cast<size_t>(image_data.size() + 4096));
    PoDoFo::PdfOutputDevice device(&buffer);
    doc.Write(&device);
    return std::string(buffer.GetBuffer(), device.GetLength());
  } catch (const PoDoFo::PdfError& e) {
    return core::Internal("wrapping the image (PoDoFo): " + PoDoFoReason(e));
  }
}

core::Result<std::string> WrapJpeg(std::string_view image, const std::string& subject,
                                   const std::string& created_at) {
  BEIAN_ASSIGN_OR_RETURN(JpegInfo info, ParseJpeg(image));
  PdfDictionary dict;
  dict.AddKey("ColorSpace", PdfName(info.components == 1   ? "DeviceGray"
                                    : info.components == 3 ? "DeviceRGB"
                                                           : "DeviceCMYK"));
  dict.AddKey("BitsPerComponent", PdfInt(8));
  dict.AddKey(PdfName::KeyFilter, PdfName("DCTDecode"));
  if (info.components == 4 && info.adobe) {
    // Adobe writes CMYK JPEGs inverted.
    PdfArray decode;
    for (int i = 0; i < 4; ++i) {
      decode.push_back(PdfInt(1));
      decode.push_back(PdfInt(0));
    }
    dict.AddKey("Decode", decode);
  }
  return WriteImagePdf(dict, image.substr(0, info.end), nullptr, info.width, info.height,
                       info.orientation, PoDoFo::ePdfVersion_1_3, subject, created_at);
}

core::Result<std::string> WrapPng(std::string_view bytes, const std::string& subject,
                                  const std::string& created_at) {
  BEIAN_ASSIGN_OR_RETURN(PngImage img, ParsePng(bytes));
  BEIAN_ASSIGN_OR_RETURN(ImageParts parts, DecodePng(img));
  PdfDictionary dict;
  if (parts.indexed) {
    PdfArray cs;
    cs.push_back(PdfName("Indexed"));
    cs.push_back(PdfName("DeviceRGB"));
    cs.push_back(PdfInt(static_cast<long long>(parts.palette.size() / 3) - 1));
    cs.push_back(PdfString(parts.palette.data(), static_cast<PoDoFo::pdf_long>(parts.palette.size()), true));
    dict.AddKey("ColorSpace", cs);
  } else {
    dict.AddKey("ColorSpace", PdfName(parts.colors == 3 ? "DeviceRGB" : "DeviceGray"));
  }
  dict.AddKey("BitsPerComponent", PdfInt(parts.bits));
  dict.AddKey(PdfName::KeyFilter, PdfName("FlateDecode"));
  if (parts.predictor) {
    PdfDictionary parms;
    parms.AddKey("Predictor", PdfInt(15));
    parms.AddKey("Colors", PdfInt(img.channels()));
    parms.AddKey("BitsPerComponent", PdfInt(img.depth));
    parms.AddKey("Columns", PdfInt(img.width));
    dict.AddKey("DecodeParms", parms);
  }
  if (!parts.color_key.empty()) {
    PdfArray mask;
    for (unsigned v : parts.color_key) mask.push_back(PdfInt(v));
    dict.AddKey("Mask", mask);
  }
  const PoDoFo::EPdfVersion version = parts.bits == 16       ? PoDoFo::ePdfVersion_1_5
                                      : !parts.alpha.empty() ? PoDoFo::ePdfVersion_1_4
                                                             : PoDoFo::ePdfVersion_1_3;
  return WriteImagePdf(dict, parts.data, parts.alpha.empty() ? nullptr : &parts.alpha,
                       static_cast<int>(img.width), static_cast<int>(img.height), 1, version,
                       subject, created_at);
}

// ---------------------------------------------------------------------------------------------
// Marked reprints.

struct Glyph {
  int face = -1;  // -1: a gap (a space no font draws)
  uint16_t gid = 0;
  double width = 0;
};

struct StampLine {
  double size = 0;
  bool bold = false;
  std::vector<Glyph> glyphs;
  double width = 0;
};

// A PDF rectangle [llx lly urx ury], normalised; false if `o` is not one.
bool ReadRect(const PdfObject* o, double r[4]) {
  if (o == nullptr || !o->IsArray() || o->GetArray().size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    const PdfObject& v = o->GetArray()[i];
    if (!v.IsNumber() && !v.IsReal()) return false;
    r[i] = v.GetReal();
  }
  if (r[0] > r[2]) std::swap(r[0], r[2]);
  if (r[1] > r[3]) std::swap(r[1], r[3]);
  return true;
}

// A page attribute, looked up through /Parent as the PDF inheritance rules say.
const PdfObject* Inherited(PoDoFo::PdfVecObjects& objects, const PdfObject* page, const char* key) {
  const PdfObject* node = page;
  for (int depth = 0; node != nullptr && node->IsDictionary() && depth < kMaxParentDepth; ++depth) {
    const PdfObject* v = node->GetDictionary().GetKey(key);
    if (v != nullptr) return v->IsReference() ? objects.GetObject(v->GetReference()) : v;
    const PdfObject* parent = node->GetDictionary().GetKey("Parent");
    node = parent != nullptr && parent->IsReference() ? objects.GetObject(parent->GetReference()) : nullptr;
  }
  return nullptr;
}

core::Result<std::vector<StampLine>> LayOutStamp(const FontTable& fonts,
                                                 const std::vector<std::string>& lines,
                                                 double max_width,
                                                 std::vector<std::vector<char32_t>>& used,
                                                 std::string& role) {
  size_t role_index = 0;
  for (size_t i = 0; i < fonts.role_names.size(); ++i) {
    if (fonts.role_names[i] == "hei") role_index = i;
  }
  role = fonts.role_names.empty() ? "" : fonts.role_names[role_index];
  if (fonts.roles.empty()) return core::FailedPrecondition("the engine has no fonts");
  const std::vector<int>& chain = fonts.roles[role_index];
  std::vector<StampLine> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& text = lines[i];
    const std::string where = "补打标记第 " + std::to_string(i + 1) + " 行";
    const std::string where_en = "stamp line " + std::to_string(i + 1);
    if (!core::IsValidUtf8(text)) return Bad(where + "不是有效的 UTF-8", where_en + " is not valid UTF-8");
    StampLine line;
    line.size = i == 0 ? 11 : 8;
    line.bold = i == 0;
    size_t pos = 0;
    while (pos < text.size()) {
      const char32_t cp = core::DecodeUtf8(text, pos);
      if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
        return Bad(where + "含有控制字符", where_en + " holds a control character");
      }
      Glyph g;
      for (int f : chain) {
        const uint16_t gid = fonts.faces[static_cast<size_t>(f)]->Glyph(cp);
        if (gid != 0) {
          g.face = f;
          g.gid = gid;
          break;
        }
      }
      if (g.face < 0) {
        if (cp == ' ' || cp == 0x3000 || cp == 0xA0) {
          g.width = line.size * (cp == 0x3000 ? 1.0 : 0.25);
          line.glyphs.push_back(g);
          continue;
        }
        std::string ch;
        core::AppendUtf8(ch, cp);
        return Bad(where + "：字符“" + ch + "”（" + core::CodePointLabel(cp) + "）在字体角色 " + role +
                       " 的所有字体中都没有字形，无法打印",
                   where_en + ": character " + core::CodePointLabel(cp) + " is in no font of role " + role);
      }
      const Face& face = *fonts.faces[static_cast<size_t>(g.face)];
      g.width = face.Advance1000(g.gid) * line.size / 1000.0;
      std::vector<char32_t>& u = used[static_cast<size_t>(g.face)];
      if (u.empty()) u.assign(face.glyph_count(), 0);
      if (u[g.gid] == 0) {
        u[g.gid] = cp;
      } else if (u[g.gid] != cp) {
        return core::Internal("font " + face.id() + " draws " + core::CodePointLabel(u[g.gid]) + " and " +
                              core::CodePointLabel(cp) + " with one glyph; copied text would be wrong");
      }
      line.glyphs.push_back(g);
    }
    // Lines wider than the box break between characters; gaps never start a line.
    StampLine current = line;
    current.glyphs.clear();
    for (const Glyph& g : line.glyphs) {
      if (current.width + g.width > max_width && !current.glyphs.empty()) {
        out.push_back(current);
        current.glyphs.clear();
        current.width = 0;
        current.bold = line.bold;
        if (g.face < 0) continue;
      }
      current.glyphs.push_back(g);
      current.width += g.width;
    }
    out.push_back(current);
  }
  return out;
}

// The stamp: 11 pt title, 8 pt lines, inside the 20 mm top margin of the templates when it has
// four lines (5 mm + 18 mm).
constexpr double kStampPad = 4;                    // pt inside the box
constexpr double kStampLeading = 1.25;             // line height / size
constexpr double kStampTop = 5 * kMmToPt;          // from the top edge of the page as shown
constexpr double kStampRight = 8 * kMmToPt;        // from the right edge

// The stamp's content in its own box (origin at the box's lower left), and the box size.
std::string StampContent(const std::vector<StampLine>& lines, const std::vector<int>& slot,
                         const std::vector<SubsetFont>& subsets, double box_w, double box_h) {
  std::string s = "0.8 0 0 rg 0.8 0 0 RG\n1 w\n1 1 ";
  Num(s, box_w - 2);
  s += ' ';
  Num(s, box_h - 2);
  s += " re S\nBT\n";
  double top = box_h - kStampPad;
  bool bold = false;
  for (const StampLine& line : lines) {
    const double lh = line.size * kStampLeading;
    const double baseline = top - (lh - line.size) / 2 - 0.88 * line.size;
    top -= lh;
    if (line.bold != bold) {
      AppendBoldMode(s, line.bold, line.size * 0.03);
      bold = line.bold;
    }
    double x = (box_w - line.width) / 2;
    size_t i = 0;
    while (i < line.glyphs.size()) {
      if (line.glyphs[i].face < 0) {
        x += line.glyphs[i++].width;
        continue;
      }
      const int face = line.glyphs[i].face;
      const int f = slot[static_cast<size_t>(face)];
      s += "/F" + std::to_string(f) + " ";
      Num(s, line.size);
      s += " Tf 1 0 0 1 ";
      Num(s, x);
      s += ' ';
      Num(s, baseline);
      s += " Tm <";
      static const char kHex[] = "0123456789ABCDEF";
      for (; i < line.glyphs.size() && line.glyphs[i].face == face; ++i) {
        const uint16_t cid = subsets[static_cast<size_t>(f)].new_gid.at(line.glyphs[i].gid);
        for (int shift = 12; shift >= 0; shift -= 4) s.push_back(kHex[(cid >> shift) & 15]);
        x += line.glyphs[i].width;
      }
      s += "> Tj\n";
    }
  }
  if (bold) s += "0 Tr\n";
  s += "ET\n";
  return s;
}

// Replaces a page's /Contents with [q, the original streams…, the stamp]: the original's graphics
// state is restored before the stamp is drawn, whatever the original leaves set.
core::Status AppendContents(PoDoFo::PdfVecObjects& objects, PdfObject* page, const PdfReference& open,
                            const PdfReference& stamp) {
  PdfArray contents;
  contents.push_back(PdfObject(open));
  const PdfObject* old = page->GetDictionary().GetKey("Contents");
  // A reference to an array object lists the streams; any other reference is the stream.
  const PdfObject* list = old;
  if (old != nullptr && old->IsReference()) {
    const PdfObject* target = objects.GetObject(old->GetReference());
    list = target != nullptr && target->IsArray() ? target : nullptr;
    if (list == nullptr) contents.push_back(*old);
  }
  if (list != nullptr && list->IsArray()) {
    for (const PdfObject& item : list->GetArray()) {
      if (!item.IsReference()) return Corrupt("页面内容数组含有非引用项", "a page /Contents array holds a non-reference");
      contents.push_back(item);
    }
  } else if (list != nullptr && !list->IsNull()) {
    return Corrupt("页面内容（Contents）无效", "invalid page /Contents");
  }
  contents.push_back(PdfObject(stamp));
  page->GetDictionary().AddKey("Contents", contents);
  return core::Status::Ok();
}

// Gives the page its own /Resources (a copy of what it sees, inherited or shared) with the stamp
// added under a name no other XObject of the page uses.
std::string AddStampResource(PoDoFo::PdfVecObjects& objects, PdfObject* page, const PdfReference& form) {
  const PdfObject* inherited = Inherited(objects, page, "Resources");
  PdfDictionary resources;
  if (inherited != nullptr && inherited->IsDictionary()) resources = inherited->GetDictionary();
  PdfDictionary xobjects;
  if (const PdfObject* x = resources.GetKey("XObject"); x != nullptr) {
    const PdfObject* resolved = x->IsReference() ? objects.GetObject(x->GetReference()) : x;
    if (resolved != nullptr && resolved->IsDictionary()) xobjects = resolved->GetDictionary();
  }
  std::string name = "BeianReprint";
  for (int i = 1; xobjects.HasKey(name); ++i) name = "BeianReprint" + std::to_string(i);
  xobjects.AddKey(name, form);
  resources.AddKey("XObject", xobjects);
  page->GetDictionary().AddKey("Resources", resources);
  return name;
}

core::Result<std::string> Stamp(const FontTable& fonts, std::string_view original,
                                const std::vector<std::string>& lines, const std::string& at) {
  BEIAN_ASSIGN_OR_RETURN(const std::string date, DateArgument(at, "at"));
  if (lines.empty() || lines.size() > 16) {
    return Bad("补打标记需要 1–16 行文字", "a reprint stamp needs 1–16 lines");
  }
  BEIAN_ASSIGN_OR_RETURN(OpenedPdf pdf, OpenPdf(original, true));

  constexpr double kMaxBoxWidth = 72 * kMmToPt;
  std::vector<std::vector<char32_t>> used(fonts.faces.size());
  std::string role;
  BEIAN_ASSIGN_OR_RETURN(std::vector<StampLine> laid,
                         LayOutStamp(fonts, lines, kMaxBoxWidth - 2 * kStampPad, used, role));
  double text_w = 0, text_h = 0;
  for (const StampLine& l : laid) {
    text_w = std::max(text_w, l.width);
    text_h += l.size * kStampLeading;
  }
  const double box_w = std::ceil(text_w + 2 * kStampPad), box_h = std::ceil(text_h + 2 * kStampPad);

  // Subset fonts, in face order; slot[face] is the font's index (/F0, /F1, …).
  std::vector<int> slot(fonts.faces.size(), -1);
  std::vector<SubsetFont> subsets;
  std::vector<size_t> slot_face;
  std::vector<std::string> tags;
  for (size_t f = 0; f < fonts.faces.size(); ++f) {
    std::vector<uint16_t> gids;
    for (size_t g = 1; g < used[f].size(); ++g) {
      if (used[f][g] != 0) gids.push_back(static_cast<uint16_t>(g));
    }
    if (gids.empty()) continue;
    BEIAN_ASSIGN_OR_RETURN(SubsetFont subset, Subset(*fonts.faces[f], gids));
    slot[f] = static_cast<int>(subsets.size());
    subsets.push_back(std::move(subset));
    slot_face.push_back(f);
    tags.push_back(SubsetTag(fonts.faces[f]->id(), gids));
  }

  try {
    PoDoFo::PdfMemDocument& doc = *pdf.doc;
    PoDoFo::PdfVecObjects& objects = doc.GetObjects();

    // One form XObject holds the stamp and its fonts; every page draws it.
    PdfDictionary font_resources;
    for (size_t i = 0; i < subsets.size(); ++i) {
      const size_t f = slot_face[i];
      PdfObject* type0 = AddSubsetFont(&objects, *fonts.faces[f], subsets[i], tags[i], used[f], 6);
      font_resources.AddKey(PdfName("F" + std::to_string(i)), type0->Reference());
    }
    PdfObject* form = objects.CreateObject("XObject");
    PdfDictionary& fd = form->GetDictionary();
    fd.AddKey(PdfName::KeySubtype, PdfName("Form"));
    PdfArray bbox;
    bbox.push_back(PdfInt(0));
    bbox.push_back(PdfInt(0));
    bbox.push_back(PdfInt(static_cast<long long>(box_w)));
    bbox.push_back(PdfInt(static_cast<long long>(box_h)));
    fd.AddKey("BBox", bbox);
    PdfDictionary form_resources;
    form_resources.AddKey("Font", font_resources);
    fd.AddKey("Resources", form_resources);
    SetFlateStream(form, StampContent(laid, slot, subsets, box_w, box_h), 6);

    PdfObject* open = objects.CreateObject();
    SetRawStream(open, "q\n");

    std::map<std::string, PdfReference> stamp_streams;  // equal placements share one stream
    for (size_t n = 0; n < pdf.pages.size(); ++n) {
      PdfObject* page = pdf.pages[n];
      double media[4], crop[4];
      if (!ReadRect(Inherited(objects, page, "MediaBox"), media)) {
        return Corrupt("第 " + std::to_string(n + 1) + " 页没有有效的页面尺寸（MediaBox）",
                       "page " + std::to_string(n + 1) + " has no valid /MediaBox");
      }
      if (ReadRect(Inherited(objects, page, "CropBox"), crop)) {
        crop[0] = std::max(crop[0], media[0]);
        crop[1] = std::max(crop[1], media[1]);
        crop[2] = std::min(crop[2], media[2]);
        crop[3] = std::min(crop[3], media[3]);
        if (crop[0] >= crop[2] || crop[1] >= crop[3]) std::copy(media, media + 4, crop);
      } else {
        std::copy(media, media + 4, crop);
      }
      long long rotate = 0;
      if (const PdfObject* r = Inherited(objects, page, "Rotate"); r != nullptr && r->IsNumber()) {
        rotate = ((r->GetNumber() % 360) + 360) % 360;
        if (rotate % 90 != 0) rotate = 0;
      }
      const double w = crop[2] - crop[0], h = crop[3] - crop[1];
      const double shown_w = rotate % 180 == 0 ? w : h, shown_h = rotate % 180 == 0 ? h : w;
      if (box_h + 2 * kStampTop > shown_h || box_w + 2 * kStampRight > shown_w) {
        return Bad("补打标记比第 " + std::to_string(n + 1) + " 页还大",
                   "the reprint stamp does not fit on page " + std::to_string(n + 1));
      }
      // The box's lower left corner as the page is shown, then in the page's own space.
      const double px = shown_w - kStampRight - box_w, py = shown_h - kStampTop - box_h;
      std::string cm;
      switch (rotate) {
        case 90:
          cm = Matrix(0, 1, -1, 0, crop[0] + w - py, crop[1] + px);
          break;
        case 180:
          cm = Matrix(-1, 0, 0, -1, crop[0] + w - px, crop[1] + h - py);
          break;
        case 270:
          cm = Matrix(0, -1, 1, 0, crop[0] + py, crop[1] + h - px);
          break;
        default:
          cm = Matrix(1, 0, 0, 1, crop[0] + px, crop[1] + py);
      }
      const std::string name = AddStampResource(objects, page, form->Reference());
      const std::string content = "Q q " + cm + " /" + name + " Do Q\n";
      auto it = stamp_streams.find(content);
      if (it == stamp_streams.end()) {
        PdfObject* stream = objects.CreateObject();
        SetRawStream(stream, content);
        it = stamp_streams.emplace(content, stream->Reference()).first;
      }
      BEIAN_RETURN_IF_ERROR(AppendContents(objects, page, open->Reference(), it->second));
    }

    // Info: the update's time; a file without Info gets one without a made-up creation date.
    PdfObject* info = pdf.info;
    if (info == nullptr) {
      info = doc.GetInfo()->GetObject();
      info->GetDictionary().RemoveKey("CreationDate");
      info->GetDictionary().AddKey("Producer", PdfString("beian"));
    }
    info->GetDictionary().AddKey("ModDate", PdfString(date));

    // The original, byte for byte, then the update (after an end of line if it lacks one).
    PoDoFo::PdfRefCountedBuffer buffer(original.size() + 64 * 1024);
    PoDoFo::PdfOutputDevice device(&buffer);
    device.Write(original.data(), static_cast<PoDoFo::pdf_long>(original.size()));
    if (original.back() != '\n' && original.back() != '\r') device.Write("\n", 1);
    doc.WriteUpdate(&device, false);
    std::string out(buffer.GetBuffer(), device.GetLength());
    if (out.compare(0, original.size(), original) != 0) {
      return core::Internal("reprint stamp: the update does not start with the original bytes");
    }
    return out;
  } catch (const PoDoFo::PdfError& e) {
    return Corrupt("无法加盖补打标记（" + PoDoFoReason(e) + "）", "cannot stamp the reprint (" + PoDoFoReason(e) + ")");
  }
}

}  // namespace

core::Result<std::string> SniffMediaType(std::string_view bytes) {
  if (bytes.empty()) return Bad("文件为空", "empty file");
  switch (Sniff(bytes)) {
    case Sniffed::kPdf:
      return std::string("application/pdf");
    case Sniffed::kJpeg:
      return std::string("image/jpeg");
    case Sniffed::kPng:
      return std::string("image/png");
    case Sniffed::kOther:
      break;
  }
  return Bad("不支持的文件类型：只接受 PDF、JPEG 和 PNG", "unsupported file type: only PDF, JPEG and PNG are accepted");
}

core::Result<PdfFacts> InspectPdf(std::string_view bytes) {
  BEIAN_ASSIGN_OR_RETURN(OpenedPdf pdf, OpenPdf(bytes, false));
  PdfFacts facts;
  facts.pages = static_cast<int>(pdf.pages.size());
  if (pdf.info != nullptr) {
    try {
      facts.producer = Utf8Of(pdf.info->GetDictionary().GetKey("Producer"));
    } catch (const PoDoFo::PdfError&) {
      facts.producer.clear();
    }
  }
  return facts;
}

core::Result<std::string> WrapImage(std::string_view image, const std::string& media_type,
                                    const std::string& created_at) {
  QuietPoDoFo();
  if (image.empty()) return Bad("文件为空", "empty file");
  if (image.size() > kMaxUploadBytes) return Bad("文件过大（超过 256 MiB）", "file too large (over 256 MiB)");
  BEIAN_ASSIGN_OR_RETURN(const std::string sniffed, SniffMediaType(image));
  if (media_type != "image/jpeg" && media_type != "image/png") {
    return Bad("只能包装 JPEG 或 PNG 图像，而不是 " + media_type, "only JPEG and PNG images can be wrapped, not " + media_type);
  }
  if (sniffed != media_type) {
    return Bad("文件内容是 " + sniffed + "，与声明的 " + media_type + " 不符",
               "the bytes are " + sniffed + ", not the declared " + media_type);
  }
  const std::string subject = media_type + " sha256:" + core::Sha256Hex(image);
  return media_type == "image/jpeg" ? WrapJpeg(image, subject, created_at)
                                    : WrapPng(image, subject, created_at);
}

core::Result<std::string> Engine::StampReprint(std::string_view original,
                                               const std::vector<std::string>& lines,
                                               const std::string& at) const {
  return Stamp(fonts(), original, lines, at);
}

}  // namespace beian::render
