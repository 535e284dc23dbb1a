// Inspecting uploads (beian/render/pdf_tools.h): what a file is by its bytes, and whether a PDF
// is whole, unencrypted and parses, read with PoDoFo within bounds on the work it may cause.
#include <podofo/podofo.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "beian/core/utf8.h"
#include "beian/render/pdf_tools.h"
#include "pdf_reading.h"
#include "pdf_support.h"

namespace beian::render {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfName;
using PoDoFo::PdfObject;
using PoDoFo::PdfReference;

// Bounds on the work one upload may cause.
constexpr int kMaxNesting = 64;                  // dictionaries and arrays inside each other
constexpr size_t kMaxPageTreeNodes = 1000000;    // /Pages and /Page nodes visited
constexpr uint64_t kMaxInflatedBytes = uint64_t{1} << 30;  // all Flate streams, inflated

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

std::string RefLabel(const PdfReference& r) {
  return std::to_string(r.ObjectNumber()) + " " + std::to_string(r.GenerationNumber()) + " R";
}

core::Status TooManyObjects() {
  const std::string most = std::to_string(kMaxObjects);
  return Bad("PDF 对象过多（超过 " + most + " 个）", "too many objects (over " + most + ")");
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

// The dictionaries a reader takes the file's trailer from: what follows each "trailer" keyword
// (up to startxref, at most 4 KiB), and each cross-reference stream's dictionary.
std::vector<std::string_view> TrailerDictionaries(std::string_view b) {
  constexpr size_t kWindow = 4096;
  std::vector<std::string_view> out;
  for (size_t at = b.find("trailer"); at != std::string_view::npos; at = b.find("trailer", at + 7)) {
    const size_t end = b.find("startxref", at);
    out.push_back(b.substr(at, std::min(end == std::string_view::npos ? b.size() : end, at + kWindow) - at));
  }
  for (size_t at = b.find("/XRef"); at != std::string_view::npos; at = b.find("/XRef", at + 5)) {
    const size_t from = b.rfind(" obj", at);
    const size_t to = b.find("stream", at);
    if (from == std::string_view::npos || at - from > kWindow || to == std::string_view::npos || to - at > kWindow) {
      continue;
    }
    out.push_back(b.substr(from, to - from));
  }
  return out;
}

// An /Encrypt key in a trailer or a cross-reference stream's dictionary. Checked before PoDoFo
// sees the file: its errors for encrypted files vary with the algorithm (an invalid password for
// AES-256, an internal error or a null handle for RC4 and AES-128, leaking as it goes).
bool TrailerEncrypts(const std::vector<std::string_view>& trailers) {
  return std::any_of(trailers.begin(), trailers.end(), MentionsEncrypt);
}

// The largest /Size (objects in the cross-reference table) a trailer declares; 0 if none does.
uint64_t DeclaredObjects(const std::vector<std::string_view>& trailers) {
  uint64_t most = 0;
  for (std::string_view t : trailers) {
    for (size_t at = t.find("/Size"); at != std::string_view::npos; at = t.find("/Size", at + 5)) {
      size_t i = at + 5;
      while (i < t.size() && (t[i] == ' ' || t[i] == '\r' || t[i] == '\n' || t[i] == '\t')) ++i;
      uint64_t n = 0;
      for (int digits = 0; i < t.size() && t[i] >= '0' && t[i] <= '9' && digits < 18; ++i, ++digits) {
        n = n * 10 + static_cast<uint64_t>(t[i] - '0');
      }
      most = std::max(most, n);
    }
  }
  return most;
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
  if (objects.GetSize() > static_cast<size_t>(kMaxObjects)) return TooManyObjects();
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

std::string Utf8Of(const PdfObject* o) {
  if (o == nullptr || !(o->IsString() || o->IsHexString())) return "";
  const std::string s = o->GetString().GetStringUtf8();
  return core::IsValidUtf8(s) ? s : "";
}

}  // namespace

core::Status Corrupt(const std::string& zh_detail, const std::string& en_detail) {
  return Bad("PDF 文件已损坏：" + zh_detail, "corrupt PDF: " + en_detail);
}

// The memory allowed for reading ran out: not a verdict on the file.
core::Status OutOfMemory() {
  return core::Unprocessable("读取 PDF 时超出内存限制 / reading the PDF ran out of its memory limit");
}

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

  const std::vector<std::string_view> trailers = TrailerDictionaries(bytes);
  if (TrailerEncrypts(trailers)) return Encrypted();
  // PoDoFo takes about 2.7 KB for each object it loads, however small (docs/uploads.md).
  if (DeclaredObjects(trailers) > static_cast<uint64_t>(kMaxObjects)) return TooManyObjects();
  if (NestsTooDeep(bytes)) {
    return Corrupt("字典或数组嵌套超过 " + std::to_string(kMaxNesting) + " 层",
                   "dictionaries or arrays nested more than " + std::to_string(kMaxNesting) + " deep");
  }

  OpenedPdf out;
  try {
    out.doc = NewPdfDocument();
    LoadPdfDocument(*out.doc, bytes, for_update);
  } catch (const PoDoFo::PdfError& e) {
    if (e.GetError() == PoDoFo::ePdfError_OutOfMemory) return OutOfMemory();
    if (e.GetError() == PoDoFo::ePdfError_InvalidPassword || MentionsEncrypt(bytes)) return Encrypted();
    if (e.GetError() == PoDoFo::ePdfError_NoEOFToken || e.GetError() == PoDoFo::ePdfError_UnexpectedEOF) {
      return Bad("PDF 文件不完整（被截断）：" + PoDoFoReason(e), "truncated PDF: " + PoDoFoReason(e));
    }
    return Corrupt("无法解析（" + PoDoFoReason(e) + "）", "cannot be parsed (" + PoDoFoReason(e) + ")");
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
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
    if (e.GetError() == PoDoFo::ePdfError_OutOfMemory) return OutOfMemory();
    return Corrupt("无法解析（" + PoDoFoReason(e) + "）", "cannot be parsed (" + PoDoFoReason(e) + ")");
  } catch (const std::bad_alloc&) {
    return OutOfMemory();
  } catch (const std::exception& e) {
    return Corrupt(std::string("无法解析（") + e.what() + "）", std::string("cannot be parsed (") + e.what() + ")");
  }
  return out;
}

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

core::Result<PdfExamination> ExaminePdf(std::string_view bytes) {
  PdfExamination found;
  if (TrailerEncrypts(TrailerDictionaries(bytes))) {
    found.encrypted = true;
    return found;
  }
  BEIAN_ASSIGN_OR_RETURN(OpenedPdf pdf, OpenPdf(bytes, false));
  found.pages = static_cast<int>(pdf.pages.size());
  auto name_of = [](const PdfDictionary& d, const char* key) -> std::string {
    const PdfObject* v = d.GetKey(PdfName(key));
    return v != nullptr && v->IsName() ? v->GetName().GetName() : std::string();
  };
  try {
    for (PdfObject* object : pdf.doc->GetObjects()) {
      if (object == nullptr || !object->IsDictionary()) continue;
      const PdfDictionary& d = object->GetDictionary();
      const std::string action = name_of(d, "S");
      if (d.HasKey(PdfName("JS")) || d.HasKey(PdfName("JavaScript")) || action == "JavaScript") {
        found.javascript = true;
      }
      if (action == "Launch") found.launch = true;
      if (name_of(d, "Type") == "Font") {
        ++found.fonts;
        if (name_of(d, "Subtype") == "Type0" && !d.HasKey(PdfName("ToUnicode"))) {
          ++found.fonts_without_unicode;
        }
      }
    }
  } catch (const PoDoFo::PdfError& e) {
    return Corrupt("无法读取对象", std::string("cannot read its objects: ") + e.what());
  }
  return found;
}

}  // namespace beian::render
