// The PDF/A checker (beian/render/pdf_tools.h): the rules of ISO 19005-3 that validators most
// often find broken, each named by its clause. docs/pdfa.md lists what is checked and what not.
#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NamedNodeMap.h>
#include <Poco/DOM/Node.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/Exception.h>
#include <Poco/SAX/XMLReader.h>
#include <podofo/podofo.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
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
using PoDoFo::PdfVariant;

// At most this many findings are listed per clause; the rest are counted.
constexpr int kListedPerClause = 5;

class Findings {
 public:
  explicit Findings(PdfAReport& report) : report_(report) {}
  void Add(const std::string& clause, const std::string& message) {
    int& n = counts_[clause];
    ++n;
    if (n <= kListedPerClause) report_.findings.push_back({clause, message});
    if (n == kListedPerClause + 1) report_.findings.push_back({clause, "… and more of the same"});
  }

 private:
  PdfAReport& report_;
  std::map<std::string, int> counts_;
};

bool IsEol(char c) { return c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWhite(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0'; }

// Length of the EOL marker at `at` (CRLF, LF or CR), 0 if none.
size_t EolAt(std::string_view b, size_t at) {
  if (at >= b.size()) return 0;
  if (b[at] == '\r') return at + 1 < b.size() && b[at + 1] == '\n' ? 2 : 1;
  return b[at] == '\n' ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// File structure, read from the bytes: 6.1.2, 6.1.3 (end of file), 6.1.4, 6.1.7.1, 6.1.9.

void CheckHeader(std::string_view b, Findings& f) {
  if (b.size() < 10 || b.substr(0, 7) != "%PDF-1." || b[7] < '0' || b[7] > '7' || EolAt(b, 8) == 0) {
    f.Add("6.1.2", "the file does not begin with \"%PDF-1.n\" (n = 0–7) and one EOL");
    return;
  }
  const size_t comment = 8 + EolAt(b, 8);
  int high = 0;
  if (comment < b.size() && b[comment] == '%') {
    for (size_t i = comment + 1; i < b.size() && !IsEol(b[i]); ++i) high += static_cast<unsigned char>(b[i]) > 127;
  }
  if (high < 4) f.Add("6.1.2", "the header's EOL is not followed by a comment of at least four bytes above 127");
}

void CheckEndOfFile(std::string_view b, Findings& f) {
  const size_t eof = b.rfind("%%EOF");
  if (eof == std::string_view::npos) {
    f.Add("6.1.3", "no %%EOF marker");
    return;
  }
  const size_t after = eof + 5;
  if (after != b.size() && after + EolAt(b, after) != b.size()) {
    f.Add("6.1.3", std::to_string(b.size() - after) + " bytes follow the last %%EOF (at most one EOL may)");
  }
}

// The end of a literal string starting at `at` ('('), or npos.
size_t SkipLiteralString(std::string_view b, size_t at) {
  int depth = 0;
  for (size_t i = at; i < b.size(); ++i) {
    if (b[i] == '\\') {
      ++i;
    } else if (b[i] == '(') {
      ++depth;
    } else if (b[i] == ')' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool KeywordAt(std::string_view b, size_t at, std::string_view word) {
  return b.compare(at, word.size(), word) == 0 &&
         (at + word.size() >= b.size() || IsWhite(b[at + word.size()]) || b[at + word.size()] == '%' ||
          std::strchr("()<>[]{}/", b[at + word.size()]) != nullptr);
}

// The position of the "stream" or "endobj" keyword that ends an object body starting at `at`,
// skipping strings and comments; npos if neither comes.
size_t BodyEnd(std::string_view b, size_t at) {
  for (size_t i = at; i < b.size();) {
    const char c = b[i];
    if (c == '(') {
      i = SkipLiteralString(b, i);
      if (i == std::string_view::npos) return i;
    } else if (c == '%') {
      while (i < b.size() && !IsEol(b[i])) ++i;
    } else if (c == 's' && KeywordAt(b, i, "stream") && (i == 0 || !std::isalpha(static_cast<unsigned char>(b[i - 1])))) {
      return i;
    } else if (c == 'e' && KeywordAt(b, i, "endobj")) {
      return i;
    } else {
      ++i;
    }
  }
  return std::string_view::npos;
}

struct XrefSection {
  std::map<int, size_t> offsets;  // in-use objects of this section → byte offset
};

// Reads the chain of classic cross-reference tables from startxref through /Prev. A
// cross-reference stream ends the walk (*streams = true).
std::vector<XrefSection> ReadXrefTables(std::string_view b, Findings& f, bool* streams) {
  std::vector<XrefSection> sections;
  const size_t sx = b.rfind("startxref");
  if (sx == std::string_view::npos) return sections;
  size_t offset = std::strtoull(std::string(b.substr(sx + 9, 24)).c_str(), nullptr, 10);
  std::set<size_t> seen;
  while (offset < b.size() && seen.insert(offset).second && sections.size() < 1000) {
    if (b.compare(offset, 4, "xref") != 0) {
      const size_t line_end = b.find_first_of("\r\n", offset);
      const size_t dict_end = b.find(">>", offset);
      if (IsDigit(b[offset]) && b.substr(offset, std::min(line_end, dict_end) - offset).find(" obj") != std::string_view::npos &&
          b.substr(offset, std::min<size_t>(dict_end == std::string_view::npos ? 0 : dict_end - offset, 4096)).find("/XRef") != std::string_view::npos) {
        *streams = true;
      } else {
        f.Add("6.1.4", "the cross-reference offset " + std::to_string(offset) + " points at neither xref nor an XRef stream");
      }
      break;
    }
    size_t at = offset + 4;
    const size_t eol = EolAt(b, at);
    if (eol == 0 || !IsDigit(b[at + eol])) {
      f.Add("6.1.4", "the xref keyword at byte " + std::to_string(offset) +
                         " is not followed by a single EOL and the subsection header");
    }
    at += eol;
    while (at < b.size() && IsWhite(b[at])) ++at;
    XrefSection section;
    while (at < b.size() && IsDigit(b[at])) {
      char* end = nullptr;
      const std::string head(b.substr(at, 40));
      const long first = std::strtol(head.c_str(), &end, 10);
      const long count = std::strtol(end, &end, 10);
      at += static_cast<size_t>(end - head.c_str());
      while (at < b.size() && IsWhite(b[at])) ++at;
      for (long i = 0; i < count && at + 18 <= b.size(); ++i, at += 20) {
        if (b[at + 17] == 'n') {
          section.offsets[static_cast<int>(first + i)] = std::strtoull(std::string(b.substr(at, 10)).c_str(), nullptr, 10);
        }
      }
      while (at < b.size() && IsWhite(b[at])) ++at;
    }
    sections.push_back(std::move(section));
    const size_t trailer = b.find("trailer", at);
    const size_t prev = trailer == std::string_view::npos ? trailer : b.find("/Prev", trailer);
    const size_t next_sx = trailer == std::string_view::npos ? trailer : b.find("startxref", trailer);
    if (prev == std::string_view::npos || prev > next_sx) break;
    offset = std::strtoull(std::string(b.substr(prev + 5, 24)).c_str(), nullptr, 10);
  }
  return sections;
}

// 6.1.9 and 6.1.7.1 for the object whose header is at `at`; `length` is its stream's /Length
// (-1: no stream or unknown). Returns the bytes it read, which the caller budgets.
size_t CheckObjectSyntax(std::string_view b, int number, size_t at, long long length, Findings& f) {
  const std::string where = "object " + std::to_string(number);
  if (at == 0 || at >= b.size() || !IsEol(b[at - 1])) f.Add("6.1.9", where + ": not preceded by an EOL");
  size_t i = at;
  while (i < b.size() && IsDigit(b[i])) ++i;
  bool ok = i > at && i < b.size() && b[i] == ' ' && i + 1 < b.size() && IsDigit(b[i + 1]);
  if (ok) {
    ++i;
    while (i < b.size() && IsDigit(b[i])) ++i;
    ok = b.compare(i, 4, " obj") == 0 && EolAt(b, i + 4) > 0;
  }
  if (!ok) {
    f.Add("6.1.9", where + ": header is not \"N G obj\" with single spaces followed by an EOL");
    return 0;
  }
  const size_t body = i + 4;
  size_t end = BodyEnd(b, body);
  if (end == std::string_view::npos) {
    f.Add("6.1.9", where + ": no endobj");
    return b.size() - body;
  }
  if (b.compare(end, 6, "stream") == 0) {
    const size_t eol = EolAt(b, end + 6);
    if (eol == 0 || (eol == 1 && b[end + 6] == '\r')) {
      f.Add("6.1.7.1", where + ": the stream keyword is not followed by CRLF or LF");
    }
    const size_t data = end + 6 + eol;
    const size_t endstream = length < 0 ? b.find("endstream", data)
                                        : b.find("endstream", std::min(b.size(), data + static_cast<size_t>(length)));
    if (endstream == std::string_view::npos) {
      f.Add("6.1.7.1", where + ": no endstream after the stream's /Length bytes");
      return b.size() - body;
    }
    if (endstream == 0 || !IsEol(b[endstream - 1])) f.Add("6.1.7.1", where + ": endstream is not preceded by an EOL");
    if (length >= 0) {
      // Exactly one EOL between the /Length bytes and endstream.
      const size_t after = data + static_cast<size_t>(length);
      const size_t gap = endstream - std::min(after, endstream);
      const bool one_eol = after <= endstream && gap > 0 && EolAt(b, after) == gap;
      if (!one_eol) {
        f.Add("6.1.7.1", where + ": /Length " + std::to_string(length) + " does not end the stream data (" +
                             std::to_string(endstream - data) + " bytes up to endstream)");
      }
    }
    end = BodyEnd(b, endstream + 9);
    if (end == std::string_view::npos || b.compare(end, 6, "endobj") != 0) {
      f.Add("6.1.9", where + ": no endobj after endstream");
      return b.size() - body;
    }
  }
  if (!IsEol(b[end - 1])) f.Add("6.1.9", where + ": endobj is not preceded by an EOL");
  if (end + 6 < b.size() && EolAt(b, end + 6) == 0) f.Add("6.1.9", where + ": endobj is not followed by an EOL");
  return end + 6 - body;
}

// ---------------------------------------------------------------------------------------------
// The object model, read with PoDoFo.

class Walker {
 public:
  Walker(PoDoFo::PdfMemDocument& doc, Findings& f) : doc_(doc), objects_(doc.GetObjects()), f_(f) {}

  const PdfObject* Resolve(const PdfObject* o) const {
    for (int i = 0; o != nullptr && o->IsReference() && i < 32; ++i) o = objects_.GetObject(o->GetReference());
    return o != nullptr && o->IsReference() ? nullptr : o;
  }
  const PdfObject* Key(const PdfObject* dict, const char* name) const {
    dict = Resolve(dict);
    if (dict == nullptr || !dict->IsDictionary()) return nullptr;
    return Resolve(dict->GetDictionary().GetKey(name));
  }
  static std::string NameOf(const PdfObject* o) { return o != nullptr && o->IsName() ? o->GetName().GetName() : ""; }
  static std::string Decoded(const PdfObject* o) {
    if (o == nullptr || !o->HasStream()) return "";
    char* buffer = nullptr;
    PoDoFo::pdf_long length = 0;
    o->GetStream()->GetFilteredCopy(&buffer, &length);
    std::string s(buffer, static_cast<size_t>(length));
    PoDoFo::podofo_free(buffer);
    return s;
  }

  PoDoFo::PdfMemDocument& doc_;
  PoDoFo::PdfVecObjects& objects_;
  Findings& f_;
};

// 6.1.13: the implementation limits, on every value of every object.
void CheckLimits(const PdfVariant& v, Findings& f, int depth = 0) {
  if (depth > 64) return;
  switch (v.GetDataType()) {
    case PoDoFo::ePdfDataType_Number:
      if (v.GetNumber() > 2147483647LL || v.GetNumber() < -2147483648LL) {
        f.Add("6.1.13", "integer " + std::to_string(v.GetNumber()) + " outside ±2^31");
      }
      break;
    case PoDoFo::ePdfDataType_String:
    case PoDoFo::ePdfDataType_HexString:
      if (v.GetString().GetLength() > 32767) f.Add("6.1.13", "a string longer than 32767 bytes");
      break;
    case PoDoFo::ePdfDataType_Name:
      if (v.GetName().GetName().size() > 127) f.Add("6.1.13", "a name longer than 127 bytes");
      break;
    case PoDoFo::ePdfDataType_Array:
      for (const PdfObject& e : v.GetArray()) CheckLimits(e, f, depth + 1);
      break;
    case PoDoFo::ePdfDataType_Dictionary:
      for (const auto& [key, value] : v.GetDictionary().GetKeys()) {
        if (key.GetName().size() > 127) f.Add("6.1.13", "a name longer than 127 bytes");
        CheckLimits(*value, f, depth + 1);
      }
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Fonts: 6.2.11.

uint32_t Be32(const std::string& s, size_t at) {
  if (at + 4 > s.size()) return 0;
  return static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24 | static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8 | static_cast<uint8_t>(s[at + 3]);
}
uint16_t Be16(const std::string& s, size_t at) {
  if (at + 2 > s.size()) return 0;
  return static_cast<uint16_t>(static_cast<uint8_t>(s[at]) << 8 | static_cast<uint8_t>(s[at + 1]));
}

// What the checker needs of an embedded TrueType program: glyph count and advances.
struct TrueTypeFacts {
  bool readable = false;
  int glyphs = 0;
  std::vector<int> advance1000;  // by glyph id, in 1/1000 em
};

TrueTypeFacts ReadTrueType(const std::string& p) {
  TrueTypeFacts t;
  const uint16_t tables = Be16(p, 4);
  std::map<std::string, std::pair<uint32_t, uint32_t>> dir;
  for (uint16_t i = 0; i < tables && 12 + 16 * (static_cast<size_t>(i) + 1) <= p.size(); ++i) {
    const size_t r = 12 + 16 * static_cast<size_t>(i);
    dir[p.substr(r, 4)] = {Be32(p, r + 8), Be32(p, r + 12)};
  }
  if (!dir.count("head") || !dir.count("hhea") || !dir.count("hmtx") || !dir.count("maxp")) return t;
  const unsigned upem = Be16(p, dir["head"].first + 18);
  const unsigned metrics = Be16(p, dir["hhea"].first + 34);
  t.glyphs = Be16(p, dir["maxp"].first + 4);
  if (upem == 0 || metrics == 0 || dir["hmtx"].first + 4ull * metrics > p.size()) return t;
  t.advance1000.resize(static_cast<size_t>(t.glyphs));
  int last = 0;
  for (int g = 0; g < t.glyphs; ++g) {
    if (static_cast<unsigned>(g) < metrics) last = Be16(p, dir["hmtx"].first + 4 * static_cast<size_t>(g));
    t.advance1000[static_cast<size_t>(g)] = static_cast<int>(std::lround(last * 1000.0 / upem));
  }
  t.readable = true;
  return t;
}

// Parses the bfchar and bfrange sections of a ToUnicode CMap: code → UTF-16BE code units.
std::map<uint32_t, std::u16string> ReadToUnicode(const std::string& cmap) {
  std::map<uint32_t, std::u16string> out;
  auto hex = [&](size_t& at, std::string* raw) -> bool {
    while (at < cmap.size() && cmap[at] != '<' && cmap[at] != 'e') ++at;
    if (at >= cmap.size() || cmap[at] != '<') return false;
    const size_t end = cmap.find('>', at);
    if (end == std::string::npos) return false;
    raw->clear();
    for (size_t i = at + 1; i < end; ++i) {
      if (std::isxdigit(static_cast<unsigned char>(cmap[i]))) raw->push_back(cmap[i]);
    }
    at = end + 1;
    return true;
  };
  auto value = [](const std::string& h) { return static_cast<uint32_t>(std::strtoul(h.substr(0, 8).c_str(), nullptr, 16)); };
  auto units = [](const std::string& h) {
    std::u16string u;
    for (size_t i = 0; i + 4 <= h.size(); i += 4) u.push_back(static_cast<char16_t>(std::strtoul(h.substr(i, 4).c_str(), nullptr, 16)));
    return u;
  };
  // At most a plane of codes: a CID is two bytes.
  constexpr size_t kMaxCodes = 1 << 17;
  std::string a, b, c;
  for (size_t at = cmap.find("beginbfchar"); at != std::string::npos; at = cmap.find("beginbfchar", at)) {
    at += 11;
    const size_t end = cmap.find("endbfchar", at);
    while (at < end && out.size() < kMaxCodes && hex(at, &a) && at < end && hex(at, &b)) out[value(a)] = units(b);
  }
  for (size_t at = cmap.find("beginbfrange"); at != std::string::npos; at = cmap.find("beginbfrange", at)) {
    at += 12;
    const size_t end = cmap.find("endbfrange", at);
    while (at < end && out.size() < kMaxCodes && hex(at, &a) && at < end && hex(at, &b)) {
      while (at < end && IsWhite(cmap[at])) ++at;
      const uint64_t lo = value(a), hi = std::min<uint64_t>(value(b), lo + 65535);
      if (at < end && cmap[at] == '[') {
        for (uint64_t code = lo; code <= hi && out.size() < kMaxCodes && hex(at, &c); ++code) {
          out[static_cast<uint32_t>(code)] = units(c);
        }
        at = cmap.find(']', at);
        if (at == std::string::npos) break;
      } else if (hex(at, &c)) {
        std::u16string u = units(c);
        for (uint64_t code = lo; code <= hi && !u.empty() && out.size() < kMaxCodes; ++code, ++u.back()) {
          out[static_cast<uint32_t>(code)] = u;
        }
      }
    }
  }
  return out;
}

struct FontFacts {
  std::string name;
  bool composite = false;  // Type0 with a two-byte Identity CMap
  bool embedded = false;
  TrueTypeFacts program;
  bool identity_gid = true;   // CIDToGIDMap /Identity (or absent for CIDFontType0)
  int default_width = 1000;
  std::map<uint32_t, int> widths;
  std::map<uint32_t, std::u16string> unicode;
};

class FontChecks {
 public:
  FontChecks(Walker& w, Findings& f) : w_(w), f_(f) {}

  const FontFacts& Of(const PdfObject* font) {
    const auto key = font->Reference();
    auto it = facts_.find(key);
    if (it != facts_.end()) return it->second;
    FontFacts& t = facts_[key];
    t.name = Walker::NameOf(w_.Key(font, "BaseFont"));
    const std::string subtype = Walker::NameOf(w_.Key(font, "Subtype"));
    const PdfObject* cid_font = font;
    if (subtype == "Type0") {
      const PdfObject* encoding = w_.Key(font, "Encoding");
      const std::string cmap = Walker::NameOf(encoding);
      t.composite = cmap == "Identity-H" || cmap == "Identity-V";
      if (!t.composite && (encoding == nullptr || !encoding->HasStream()) &&
          !(cmap.size() > 2 && (cmap.back() == 'H' || cmap.back() == 'V'))) {
        f_.Add("6.2.11.3.3", t.name + ": Encoding is neither a predefined CMap nor an embedded one");
      }
      const PdfObject* descendants = w_.Key(font, "DescendantFonts");
      cid_font = descendants != nullptr && descendants->IsArray() && !descendants->GetArray().empty()
                     ? w_.Resolve(&descendants->GetArray()[0])
                     : nullptr;
      if (cid_font == nullptr) {
        f_.Add("6.2.11.2", t.name + ": a Type0 font without DescendantFonts");
        return t;
      }
      if (Walker::NameOf(w_.Key(cid_font, "Subtype")) == "CIDFontType2") {
        const PdfObject* map = w_.Key(cid_font, "CIDToGIDMap");
        if (map == nullptr) f_.Add("6.2.11.3.2", t.name + ": a CIDFontType2 without CIDToGIDMap");
        t.identity_gid = map == nullptr || Walker::NameOf(map) == "Identity";
      }
      if (const PdfObject* dw = w_.Key(cid_font, "DW"); dw != nullptr && dw->IsNumber()) {
        t.default_width = static_cast<int>(dw->GetNumber());
      }
      if (const PdfObject* w = w_.Key(cid_font, "W"); w != nullptr && w->IsArray()) ReadWidths(w->GetArray(), t);
    }
    const PdfObject* descriptor = w_.Key(cid_font, "FontDescriptor");
    const PdfObject* file2 = w_.Key(descriptor, "FontFile2");
    t.embedded = file2 != nullptr || w_.Key(descriptor, "FontFile") != nullptr || w_.Key(descriptor, "FontFile3") != nullptr;
    if (!t.embedded && subtype != "Type3") f_.Add("6.2.11.4.1", t.name + ": the font program is not embedded");
    if (file2 != nullptr) t.program = ReadTrueType(Walker::Decoded(file2));
    if (const PdfObject* to_unicode = w_.Key(font, "ToUnicode"); to_unicode != nullptr && to_unicode->HasStream()) {
      t.unicode = ReadToUnicode(Walker::Decoded(to_unicode));
    }
    return t;
  }

  // One shown code of a composite font.
  void Glyph(const FontFacts& t, uint32_t cid) {
    const std::string where = t.name + " CID " + std::to_string(cid);
    if (t.identity_gid && cid == 0) f_.Add("6.2.11.8", where + ": the .notdef glyph is shown");
    if (t.program.readable && t.identity_gid) {
      if (cid >= static_cast<uint32_t>(t.program.glyphs)) {
        f_.Add("6.2.11.4.1", where + ": no such glyph in the embedded program");
      } else {
        auto w = t.widths.find(cid);
        const int dict = w == t.widths.end() ? t.default_width : w->second;
        const int program = t.program.advance1000[cid];
        if (std::abs(dict - program) > 1) {
          f_.Add("6.2.11.5", where + ": width " + std::to_string(dict) + " in the font dictionary, " +
                                 std::to_string(program) + " in the font program");
        }
      }
    }
    auto u = t.unicode.find(cid);
    if (u == t.unicode.end() || u->second.empty()) {
      f_.Add("6.2.11.7.2", where + ": no Unicode value (ToUnicode)");
    } else if (u->second.size() == 1 && (u->second[0] == 0 || u->second[0] == 0xFEFF || u->second[0] == 0xFFFE)) {
      f_.Add("6.2.11.7.2", where + ": maps to U+0000, U+FEFF or U+FFFE");
    }
  }

 private:
  void ReadWidths(const PdfArray& w, FontFacts& t) {
    for (size_t i = 0; i < w.size();) {
      if (!w[i].IsNumber()) break;
      const uint32_t first = static_cast<uint32_t>(w[i].GetNumber());
      if (i + 1 < w.size() && w[i + 1].IsArray()) {
        uint32_t c = first;
        for (const PdfObject& v : w[i + 1].GetArray()) {
          if (v.IsNumber() || v.IsReal()) t.widths[c] = static_cast<int>(std::lround(v.GetReal()));
          ++c;
        }
        i += 2;
      } else if (i + 2 < w.size() && w[i + 1].IsNumber() && (w[i + 2].IsNumber() || w[i + 2].IsReal())) {
        const uint64_t last = std::min<uint64_t>(static_cast<uint32_t>(w[i + 1].GetNumber()), uint64_t{first} + 65535);
        for (uint64_t c = first; c <= last && t.widths.size() < (1u << 17); ++c) {
          t.widths[static_cast<uint32_t>(c)] = static_cast<int>(std::lround(w[i + 2].GetReal()));
        }
        i += 3;
      } else {
        break;
      }
    }
  }

  Walker& w_;
  Findings& f_;
  std::map<PoDoFo::PdfReference, FontFacts> facts_;
};

// ---------------------------------------------------------------------------------------------
// Content streams: 6.2.2, 6.2.4.3, 6.1.13 (q nesting), and the glyphs shown.

const std::set<std::string>& Operators() {
  static const std::set<std::string> ops = {
      "b", "B", "b*", "B*", "BDC", "BI", "BMC", "BT", "BX", "c", "cm", "CS", "cs", "d", "d0", "d1", "Do", "DP",
      "EI", "EMC", "ET", "EX", "f", "F", "f*", "G", "g", "gs", "h", "i", "ID", "j", "J", "K", "k", "l", "m", "M",
      "MP", "n", "q", "Q", "re", "RG", "rg", "ri", "s", "S", "SC", "sc", "SCN", "scn", "sh", "T*", "Tc", "Td",
      "TD", "Tf", "Tj", "TJ", "TL", "Tm", "Tr", "Ts", "Tw", "Tz", "v", "w", "W", "W*", "y", "'", "\""};
  return ops;
}

struct ColourUse {
  bool gray = false, rgb = false, cmyk = false;
};

class ContentChecks {
 public:
  ContentChecks(Walker& w, Findings& f, FontChecks& fonts, ColourUse& colours)
      : w_(w), f_(f), fonts_(fonts), colours_(colours) {}

  void Run(const std::string& content, const PdfObject* resources, const std::string& where, int depth) {
    if (depth > 8) return;
    PoDoFo::PdfContentsTokenizer tokens(content.data(), static_cast<long>(content.size()));
    PoDoFo::EPdfContentsType type;
    const char* keyword = nullptr;
    PdfVariant v;
    std::vector<PdfVariant> operands;
    const FontFacts* font = nullptr;
    int q_depth = 0;
    struct Space { std::string fill = "DeviceGray", stroke = "DeviceGray"; };
    std::vector<Space> spaces(1);
    auto paint = [&](bool fill, bool stroke) {
      for (const std::string* s : {fill ? &spaces.back().fill : nullptr, stroke ? &spaces.back().stroke : nullptr}) {
        if (s == nullptr) continue;
        colours_.gray |= *s == "DeviceGray";
        colours_.rgb |= *s == "DeviceRGB";
        colours_.cmyk |= *s == "DeviceCMYK";
      }
    };
    auto show = [&](const PdfVariant& s) {
      paint(true, false);
      if (font == nullptr || !font->composite || !s.IsString()) return;
      const PoDoFo::PdfString& str = s.GetString();
      const unsigned char* p = reinterpret_cast<const unsigned char*>(str.GetString());
      for (PoDoFo::pdf_long i = 0; i + 1 < str.GetLength(); i += 2) fonts_.Glyph(*font, static_cast<uint32_t>(p[i] << 8 | p[i + 1]));
    };
    try {
      while (tokens.ReadNext(type, keyword, v)) {
        if (type == PoDoFo::ePdfContentsType_Variant) {
          operands.push_back(v);
          continue;
        }
        if (type != PoDoFo::ePdfContentsType_Keyword) {
          operands.clear();
          continue;
        }
        const std::string op = keyword;
        if (Operators().count(op) == 0) f_.Add("6.2.2", where + ": operator \"" + op + "\" is not defined in ISO 32000-1");
        if (op == "q") {
          if (++q_depth > 28) f_.Add("6.1.13", where + ": q/Q nested deeper than 28");
          spaces.push_back(spaces.back());
        } else if (op == "Q") {
          --q_depth;
          if (spaces.size() > 1) spaces.pop_back();
        } else if (op == "g") { spaces.back().fill = "DeviceGray";
        } else if (op == "G") { spaces.back().stroke = "DeviceGray";
        } else if (op == "rg") { spaces.back().fill = "DeviceRGB";
        } else if (op == "RG") { spaces.back().stroke = "DeviceRGB";
        } else if (op == "k") { spaces.back().fill = "DeviceCMYK";
        } else if (op == "K") { spaces.back().stroke = "DeviceCMYK";
        } else if ((op == "cs" || op == "CS") && !operands.empty() && operands.back().IsName()) {
          (op == "cs" ? spaces.back().fill : spaces.back().stroke) = operands.back().GetName().GetName();
        } else if (op == "f" || op == "F" || op == "f*") { paint(true, false);
        } else if (op == "S" || op == "s") { paint(false, true);
        } else if (op == "B" || op == "B*" || op == "b" || op == "b*") { paint(true, true);
        } else if (op == "Tf" && operands.size() == 2 && operands[0].IsName()) {
          const PdfObject* f = w_.Key(w_.Key(resources, "Font"), operands[0].GetName().GetName().c_str());
          font = f == nullptr ? nullptr : &fonts_.Of(f);
          if (f == nullptr) f_.Add("6.2.2", where + ": font /" + operands[0].GetName().GetName() + " is not in the resources");
        } else if ((op == "Tj" || op == "'") && !operands.empty()) {
          show(operands.back());
        } else if (op == "\"" && operands.size() == 3) {
          show(operands[2]);
        } else if (op == "TJ" && !operands.empty() && operands.back().IsArray()) {
          for (const PdfObject& e : operands.back().GetArray()) show(e);
        } else if (op == "Do" && !operands.empty() && operands.back().IsName()) {
          const PdfObject* x = w_.Key(w_.Key(resources, "XObject"), operands.back().GetName().GetName().c_str());
          const std::string subtype = Walker::NameOf(w_.Key(x, "Subtype"));
          if (subtype == "Form" && checked_forms_.insert(x->Reference()).second) {
            // A form is checked once, however often it is drawn.
            const PdfObject* own = w_.Key(x, "Resources");
            Run(Walker::Decoded(x), own != nullptr ? own : resources, where + " form", depth + 1);
          } else if (subtype == "Image") {
            const std::string cs = Walker::NameOf(w_.Key(x, "ColorSpace"));
            colours_.gray |= cs == "DeviceGray";
            colours_.rgb |= cs == "DeviceRGB";
            colours_.cmyk |= cs == "DeviceCMYK";
          } else if (subtype == "PS") {
            f_.Add("6.2.9", where + ": a PostScript XObject");
          }
        }
        operands.clear();
      }
    } catch (const PoDoFo::PdfError& e) {
      f_.Add("6.2.2", where + ": the content stream cannot be read (" + PoDoFoReason(e) + ")");
    }
  }

 private:
  Walker& w_;
  Findings& f_;
  FontChecks& fonts_;
  ColourUse& colours_;
  std::set<PoDoFo::PdfReference> checked_forms_;
};

// ---------------------------------------------------------------------------------------------
// Metadata: 6.6.2.1, 6.6.2.3, 6.6.4.

const std::set<std::string>& PredefinedNamespaces() {
  static const std::set<std::string> ns = {
      "http://purl.org/dc/elements/1.1/", "http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/xap/1.0/rights/",
      "http://ns.adobe.com/xap/1.0/mm/", "http://ns.adobe.com/xap/1.0/bj/", "http://ns.adobe.com/xap/1.0/t/pg/",
      "http://ns.adobe.com/xmp/1.0/DynamicMedia/", "http://ns.adobe.com/pdf/1.3/", "http://ns.adobe.com/photoshop/1.0/",
      "http://ns.adobe.com/camera-raw-settings/1.0/", "http://ns.adobe.com/tiff/1.0/", "http://ns.adobe.com/exif/1.0/",
      "http://ns.adobe.com/exif/1.0/aux/", "http://www.aiim.org/pdfa/ns/id/", "http://www.aiim.org/pdfa/ns/extension/",
      "http://www.aiim.org/pdfa/ns/schema#", "http://www.aiim.org/pdfa/ns/property#", "http://www.aiim.org/pdfa/ns/type#",
      "http://www.aiim.org/pdfa/ns/field#", "http://ns.adobe.com/xap/1.0/sType/ResourceRef#",
      "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#", "http://ns.adobe.com/xap/1.0/sType/Version#",
      "http://ns.adobe.com/xap/1.0/sType/Job#", "http://ns.adobe.com/xap/1.0/sType/Dimensions#",
      "http://ns.adobe.com/xap/1.0/sType/Font#", "http://ns.adobe.com/xap/1.0/g/", "http://ns.adobe.com/xap/1.0/g/img/",
      "http://ns.adobe.com/xap/1.0/sType/ManifestItem#", "http://ns.adobe.com/xap/1.0/sType/Thumbnail#"};
  return ns;
}

constexpr char kRdf[] = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
constexpr char kPdfaSchema[] = "http://www.aiim.org/pdfa/ns/schema#";
constexpr char kPdfaProperty[] = "http://www.aiim.org/pdfa/ns/property#";

std::string ChildText(const Poco::XML::Element* e, const char* ns, const char* local) {
  if (e == nullptr) return "";
  for (Poco::XML::Node* n = e->firstChild(); n != nullptr; n = n->nextSibling()) {
    if (n->nodeType() == Poco::XML::Node::ELEMENT_NODE && n->namespaceURI() == ns && n->localName() == local) {
      return n->innerText();
    }
  }
  return "\x01";  // absent
}

void CheckXmp(const std::string& xmp, PdfAReport& report, Findings& f) {
  const size_t pi = xmp.find("<?xpacket");
  if (pi != std::string::npos) {
    const std::string head = xmp.substr(pi, xmp.find("?>", pi) - pi);
    if (head.find("bytes=") != std::string::npos) f.Add("6.6.2.1", "the XMP packet header has a bytes attribute");
    if (head.find("encoding=") != std::string::npos) f.Add("6.6.2.1", "the XMP packet header has an encoding attribute");
  }
  if (!core::IsValidUtf8(xmp)) {
    f.Add("6.6.2.1", "the XMP metadata is not UTF-8");
    return;
  }
  Poco::AutoPtr<Poco::XML::Document> dom;
  try {
    Poco::XML::DOMParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
    dom = parser.parseString(xmp);
  } catch (const Poco::Exception& e) {
    f.Add("6.6.2.1", "the XMP metadata is not well-formed XML: " + e.displayText());
    return;
  }
  // Extension schemas declared (6.6.2.3.2, 6.6.2.3.3): namespace → property names.
  std::map<std::string, std::set<std::string>> declared;
  Poco::AutoPtr<Poco::XML::NodeList> schemas = dom->getElementsByTagNameNS(kPdfaSchema, "namespaceURI");
  for (unsigned long i = 0; i < schemas->length(); ++i) {
    const auto* schema = static_cast<const Poco::XML::Element*>(schemas->item(i)->parentNode());
    const std::string uri = schemas->item(i)->innerText();
    std::set<std::string>& names = declared[uri];
    for (const char* field : {"schema", "prefix"}) {
      if (ChildText(schema, kPdfaSchema, field) == "\x01") {
        f.Add("6.6.2.3.3", "the extension schema for " + uri + " lacks pdfaSchema:" + field);
      }
    }
    Poco::AutoPtr<Poco::XML::NodeList> props = schema->getElementsByTagNameNS(kPdfaProperty, "name");
    for (unsigned long p = 0; p < props->length(); ++p) {
      const auto* prop = static_cast<const Poco::XML::Element*>(props->item(p)->parentNode());
      names.insert(props->item(p)->innerText());
      for (const char* field : {"valueType", "category", "description"}) {
        const std::string v = ChildText(prop, kPdfaProperty, field);
        if (v == "\x01") f.Add("6.6.2.3.3", uri + " " + props->item(p)->innerText() + ": no pdfaProperty:" + field);
        if (std::string(field) == "category" && v != "\x01" && v != "internal" && v != "external") {
          f.Add("6.6.2.3.3", uri + " " + props->item(p)->innerText() + ": category must be internal or external");
        }
      }
    }
  }
  // Every property's schema is predefined or declared (6.6.2.3.1); pdfaid (6.6.4).
  Poco::AutoPtr<Poco::XML::NodeList> descriptions = dom->getElementsByTagNameNS(kRdf, "Description");
  for (unsigned long i = 0; i < descriptions->length(); ++i) {
    auto* d = static_cast<Poco::XML::Element*>(descriptions->item(i));
    if (d->parentNode() == nullptr || d->parentNode()->localName() != "RDF") continue;
    auto property = [&](const std::string& ns, const std::string& local, const std::string& value) {
      if (ns == "http://www.aiim.org/pdfa/ns/id/") {
        if (local == "part") report.part = value;
        if (local == "conformance") report.conformance = value;
      }
      if (ns.empty() || ns == kRdf || ns == "http://www.w3.org/2000/xmlns/" ||
          ns == "http://www.w3.org/XML/1998/namespace" || PredefinedNamespaces().count(ns)) {
        return;
      }
      auto it = declared.find(ns);
      if (it == declared.end()) {
        f.Add("6.6.2.3.1", "property " + local + " of " + ns + " has no PDF/A extension schema");
      } else if (it->second.count(local) == 0) {
        f.Add("6.6.2.3.1", "property " + local + " is not described in the extension schema of " + ns);
      }
    };
    Poco::AutoPtr<Poco::XML::NamedNodeMap> attributes = d->attributes();
    for (unsigned long a = 0; a < attributes->length(); ++a) {
      property(attributes->item(a)->namespaceURI(), attributes->item(a)->localName(), attributes->item(a)->nodeValue());
    }
    for (Poco::XML::Node* n = d->firstChild(); n != nullptr; n = n->nextSibling()) {
      if (n->nodeType() == Poco::XML::Node::ELEMENT_NODE) property(n->namespaceURI(), n->localName(), n->innerText());
    }
  }
  if (report.part != "3") f.Add("6.6.4", "pdfaid:part is \"" + report.part + "\", not 3");
  if (report.conformance != "A" && report.conformance != "B" && report.conformance != "U") {
    f.Add("6.6.4", "pdfaid:conformance is \"" + report.conformance + "\", not A, B or U");
  }
}

void CheckOutputIntents(Walker& w, const PdfObject* catalog, int* components, Findings& f) {
  const PdfObject* intents = w.Key(catalog, "OutputIntents");
  if (intents == nullptr || !intents->IsArray()) return;
  const PdfObject* first_profile = nullptr;
  for (const PdfObject& entry : intents->GetArray()) {
    const PdfObject* profile = w.Key(&entry, "DestOutputProfile");
    if (profile == nullptr) continue;
    if (first_profile != nullptr && profile != first_profile) {
      f.Add("6.2.3", "the output intents name different DestOutputProfile objects");
    }
    first_profile = profile;
    if (Walker::NameOf(w.Key(&entry, "S")) != "GTS_PDFA1") continue;
    const std::string icc = Walker::Decoded(profile);
    const std::string device_class = icc.size() >= 20 ? icc.substr(12, 4) : "";
    const std::string space = icc.size() >= 20 ? icc.substr(16, 4) : "";
    if (icc.size() < 128 || icc.compare(36, 4, "acsp") != 0) {
      f.Add("6.2.3", "the DestOutputProfile is not an ICC profile");
    } else if ((device_class != "mntr" && device_class != "prtr") ||
               (space != "RGB " && space != "CMYK" && space != "GRAY") || static_cast<uint8_t>(icc[8]) >= 5) {
      f.Add("6.2.3", "the DestOutputProfile must be a monitor or printer profile of RGB, CMYK or GRAY, version < 5");
    } else {
      *components = space == "RGB " ? 3 : space == "CMYK" ? 4 : 1;
    }
  }
}

const std::set<std::string>& ForbiddenActions() {
  static const std::set<std::string> a = {"Launch", "Sound", "Movie", "ResetForm", "ImportData", "Hide",
                                          "SetOCGState", "Rendition", "Trans", "GoTo3DView", "JavaScript",
                                          "SetState", "NOP"};
  return a;
}

}  // namespace

core::Result<PdfAReport> CheckPdfA(std::string_view bytes) {
  // OpenPdf refuses what cannot be read at all, with bounded work.
  BEIAN_ASSIGN_OR_RETURN(OpenedPdf opened, OpenPdf(bytes, /*for_update=*/false));
  PdfAReport report;
  Findings f(report);
  CheckHeader(bytes, f);
  CheckEndOfFile(bytes, f);
  try {
    PoDoFo::PdfMemDocument& doc = *opened.doc;
    Walker w(doc, f);

    // 6.1.3: the trailer.
    const PdfObject* trailer = doc.GetTrailer();
    const PdfObject* id = w.Key(trailer, "ID");
    if (id == nullptr || !id->IsArray() || id->GetArray().size() != 2) {
      f.Add("6.1.3", "the trailer has no ID of two strings");
    }
    if (w.Key(trailer, "Encrypt") != nullptr) f.Add("6.1.3", "the trailer has Encrypt");

    // 6.1.4, 6.1.7.1, 6.1.9 on the bytes of every object the tables list.
    bool xref_streams = false;
    // Bounded work on any file: object bodies are read at most four times the file's size in all.
    size_t budget = 4 * bytes.size() + 4096;
    for (const XrefSection& section : ReadXrefTables(bytes, f, &xref_streams)) {
      for (const auto& [number, offset] : section.offsets) {
        long long length = -1;
        const PdfObject* o = w.Resolve(doc.GetObjects().GetObject(PoDoFo::PdfReference(number, 0)));
        if (o != nullptr && o->IsDictionary()) {
          const PdfObject* l = w.Key(o, "Length");
          if (l != nullptr && l->IsNumber() && o->HasStream()) length = l->GetNumber();
        }
        const size_t read = budget == 0 ? 0 : CheckObjectSyntax(bytes, number, offset, length, f);
        budget -= std::min(budget, read);
      }
    }
    if (budget == 0) report.not_checked.push_back("6.1.7.1, 6.1.9: objects beyond the reading budget");
    if (xref_streams) report.not_checked.push_back("6.1.4, 6.1.9: objects listed in cross-reference streams");

    // Every object: 6.1.7.1 (stream keys), 6.1.7.2 (filters), 6.1.13 (limits), 6.5.1 (actions),
    // 6.8 (embedded files), 6.3 (annotations).
    std::set<PoDoFo::PdfReference> associated;
    std::vector<const PdfObject*> file_specs;
    for (PdfObject* raw : doc.GetObjects()) {
      const PdfObject* o = w.Resolve(raw);
      if (o == nullptr) continue;
      CheckLimits(*o, f);
      if (!o->IsDictionary()) continue;
      const PdfDictionary& d = o->GetDictionary();
      const std::string where = "object " + std::to_string(raw->Reference().ObjectNumber());
      if (o->HasStream()) {
        for (const char* k : {"F", "FFilter", "FDecodeParms"}) {
          if (d.HasKey(k)) f.Add("6.1.7.1", where + ": a stream dictionary with " + k);
        }
        const PdfObject* filter = w.Key(o, "Filter");
        std::vector<std::string> filters;
        if (filter != nullptr && filter->IsName()) filters.push_back(Walker::NameOf(filter));
        if (filter != nullptr && filter->IsArray()) {
          for (const PdfObject& e : filter->GetArray()) filters.push_back(Walker::NameOf(&e));
        }
        for (const std::string& name : filters) {
          if (name == "LZWDecode" || name == "Crypt") f.Add("6.1.7.2", where + ": filter " + name);
        }
      }
      const std::string type = Walker::NameOf(w.Key(o, "Type"));
      const std::string s = Walker::NameOf(w.Key(o, "S"));
      if ((type == "Action" || d.HasKey("Next") || (!s.empty() && type.empty() && d.HasKey("JS"))) &&
          ForbiddenActions().count(s)) {
        f.Add("6.5.1", where + ": a " + s + " action");
      } else if (type == "Action" && s == "Named" &&
                 std::set<std::string>{"NextPage", "PrevPage", "FirstPage", "LastPage"}.count(
                     Walker::NameOf(w.Key(o, "N"))) == 0) {
        f.Add("6.5.1", where + ": a named action other than NextPage, PrevPage, FirstPage, LastPage");
      }
      if (const PdfObject* af = w.Key(o, "AF"); af != nullptr && af->IsArray()) {
        for (const PdfObject& e : af->GetArray()) {
          if (e.IsReference()) associated.insert(e.GetReference());
        }
      }
      if (type == "Filespec" || d.HasKey("EF")) file_specs.push_back(raw);
      if (type == "Annot" || (d.HasKey("Rect") && d.HasKey("Subtype") && d.HasKey("P"))) {
        const std::string subtype = Walker::NameOf(w.Key(o, "Subtype"));
        if (subtype == "3D" || subtype == "Sound" || subtype == "Screen" || subtype == "Movie") {
          f.Add("6.3.1", where + ": a " + subtype + " annotation");
        }
        const PdfObject* flags = w.Key(o, "F");
        const long long fl = flags != nullptr && flags->IsNumber() ? flags->GetNumber() : -1;
        if (subtype != "Popup" && (fl < 0 || (fl & 4) == 0 || (fl & (1 | 2 | 32 | 256)) != 0)) {
          f.Add("6.3.2", where + ": an annotation without the Print flag, or hidden");
        }
        if (d.HasKey("A") && subtype == "Widget") f.Add("6.4.1", where + ": a widget with an action");
      }
      if (d.HasKey("AA") && (type == "Page" || type == "Catalog")) f.Add("6.5.2", where + ": an AA entry");
    }
    for (const PdfObject* spec : file_specs) {
      const std::string where = "file specification " + std::to_string(spec->Reference().ObjectNumber());
      if (w.Key(spec, "EF") == nullptr) continue;
      if (w.Key(spec, "F") == nullptr || w.Key(spec, "UF") == nullptr) f.Add("6.8", where + ": F or UF is missing");
      if (w.Key(spec, "AFRelationship") == nullptr) f.Add("6.8", where + ": AFRelationship is missing");
      if (associated.count(spec->Reference()) == 0) f.Add("6.8", where + ": not listed in any /AF array");
      const PdfObject* file = w.Key(w.Key(spec, "EF"), "F");
      if (file == nullptr || Walker::NameOf(w.Key(file, "Subtype")).empty()) {
        f.Add("6.8", where + ": the embedded file has no Subtype (MIME type)");
      }
    }

    // The catalog: 6.6.2.1, 6.2.3, 6.4.2, 6.10, 6.11.
    const PdfObject* catalog = doc.GetCatalog();
    const PdfObject* metadata = w.Key(catalog, "Metadata");
    if (metadata == nullptr || !metadata->HasStream() || Walker::NameOf(w.Key(metadata, "Type")) != "Metadata" ||
        Walker::NameOf(w.Key(metadata, "Subtype")) != "XML") {
      f.Add("6.6.2.1", "the catalog has no Metadata stream of Type Metadata, Subtype XML");
      f.Add("6.6.4", "no XMP, so no pdfaid:part and pdfaid:conformance");
    } else {
      CheckXmp(Walker::Decoded(metadata), report, f);
    }
    int components = 0;
    CheckOutputIntents(w, catalog, &components, f);
    for (const char* key : {"NeedsRendering", "Requirements"}) {
      if (w.Key(catalog, key) != nullptr) f.Add(key[0] == 'N' ? "6.4.2" : "6.11", std::string("the catalog has ") + key);
    }
    if (w.Key(w.Key(catalog, "AcroForm"), "XFA") != nullptr) f.Add("6.4.2", "the interactive form has XFA");
    if (w.Key(w.Key(catalog, "Names"), "AlternatePresentations") != nullptr) f.Add("6.10", "AlternatePresentations");
    if (w.Key(w.Key(catalog, "Names"), "JavaScript") != nullptr) f.Add("6.5.1", "a JavaScript name tree");

    // Pages: their boxes (6.1.13), content (6.2.2, 6.2.4.3, 6.2.11) and colours against the intent.
    FontChecks fonts(w, f);
    ColourUse colours;
    ContentChecks content(w, f, fonts, colours);
    for (size_t i = 0; i < opened.pages.size(); ++i) {
      const PdfObject* page = opened.pages[i];
      const std::string where = "page " + std::to_string(i + 1);
      // MediaBox and Resources may be inherited from the page tree.
      auto inherited = [&](const char* key) {
        const PdfObject* node = page;
        for (int up = 0; node != nullptr && up < 64; ++up, node = w.Key(node, "Parent")) {
          if (const PdfObject* v = w.Key(node, key); v != nullptr) return v;
        }
        return static_cast<const PdfObject*>(nullptr);
      };
      const PdfObject* box = inherited("MediaBox");
      if (box != nullptr && box->IsArray() && box->GetArray().size() == 4) {
        const PdfArray& a = box->GetArray();
        const double width = std::abs(a[2].GetReal() - a[0].GetReal()), height = std::abs(a[3].GetReal() - a[1].GetReal());
        if (width < 3 || height < 3 || width > 14400 || height > 14400) {
          f.Add("6.1.13", where + ": MediaBox smaller than 3 or larger than 14 400 units");
        }
      }
      if (w.Key(page, "PresSteps") != nullptr) f.Add("6.10", where + ": PresSteps");
      const PdfObject* resources = inherited("Resources");
      const PdfObject* contents = w.Key(page, "Contents");
      std::string stream;
      if (contents != nullptr && contents->IsArray()) {
        for (const PdfObject& part : contents->GetArray()) stream += Walker::Decoded(w.Resolve(&part)) + "\n";
      } else {
        stream = Walker::Decoded(contents);
      }
      content.Run(stream, resources, where, 0);
    }
    if (colours.gray && components == 0) {
      f.Add("6.2.4.3", "DeviceGray is used without a PDF/A output intent");
    }
    if (colours.rgb && components != 3) f.Add("6.2.4.3", "DeviceRGB is used without an RGB output intent");
    if (colours.cmyk && components != 4) f.Add("6.2.4.3", "DeviceCMYK is used without a CMYK output intent");
  } catch (const PoDoFo::PdfError& e) {
    return Corrupt("PDF/A 检查无法读取文件（" + PoDoFoReason(e) + "）",
                   "the PDF/A check cannot read the file (" + PoDoFoReason(e) + ")");
  }
  return report;
}

}  // namespace beian::render
