#include "ofd_writer.h"

#include <array>
#include <cmath>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/utf8.h"
#include "beian/render/pdf_tools.h"
#include "xml_text.h"
#include "zip_writer.h"

namespace beian::render {
namespace {

constexpr char kNs[] = "http://www.ofdspec.org/2016";
constexpr double kMmPerPt = 25.4 / 72.0;
// A path's fill is transparent unless given (GB/T 33190 table 36); strokes and text are black.
const std::string kBlackFill = "<ofd:FillColor Value=\"0 0 0\"/>";

// A length in mm from pt: at most three decimals, no exponent, no locale.
void Mm(std::string& out, double pt) {
  const long long thousandths = std::llround(pt * kMmPerPt * 1000.0);
  if (thousandths < 0) out.push_back('-');
  const unsigned long long a = static_cast<unsigned long long>(thousandths < 0 ? -thousandths : thousandths);
  out += std::to_string(a / 1000);
  unsigned frac = static_cast<unsigned>(a % 1000);
  if (frac != 0) {
    char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10), 0};
    int n = 3;
    while (n > 0 && digits[n - 1] == '0') --n;
    out.push_back('.');
    out.append(digits, static_cast<size_t>(n));
  }
}

std::string MmText(double pt) {
  std::string s;
  Mm(s, pt);
  return s;
}

// An attachment's Size: in KB (GB/T 33190 table 45), two decimals.
std::string KiloBytes(size_t bytes) {
  const unsigned long long hundredths = (static_cast<unsigned long long>(bytes) * 100 + 512) / 1024;
  std::string s = std::to_string(hundredths / 100) + ".";
  s += static_cast<char>('0' + hundredths / 10 % 10);
  s += static_cast<char>('0' + hundredths % 10);
  return s;
}

// Path data (GB/T 33190 9.3.2: M, L, B, C) for the outline shapes of one style.
void ShapePath(std::string& d, const Shape& sh) {
  auto point = [&](const char* op, double x, double y) {
    d += op;
    d.push_back(' ');
    Mm(d, x);
    d.push_back(' ');
    Mm(d, y);
    d.push_back(' ');
  };
  switch (sh.kind) {
    case Shape::Kind::kLine:
      point("M", sh.x, sh.y);
      point("L", sh.x + sh.w, sh.y + sh.h);
      break;
    case Shape::Kind::kRect:
    case Shape::Kind::kFill:
      point("M", sh.x, sh.y);
      point("L", sh.x + sh.w, sh.y);
      point("L", sh.x + sh.w, sh.y + sh.h);
      point("L", sh.x, sh.y + sh.h);
      d += "C ";
      break;
    case Shape::Kind::kCircle: {
      const double r = sh.w / 2, cx = sh.x + r, cy = sh.y + sh.h / 2, k = 0.5523 * r;
      point("M", cx + r, cy);
      const double arcs[4][6] = {{cx + r, cy + k, cx + k, cy + r, cx, cy + r},
                                 {cx - k, cy + r, cx - r, cy + k, cx - r, cy},
                                 {cx - r, cy - k, cx - k, cy - r, cx, cy - r},
                                 {cx + k, cy - r, cx + r, cy - k, cx + r, cy}};
      for (const auto& a : arcs) {
        d += "B ";
        for (double v : a) {
          Mm(d, v);
          d.push_back(' ');
        }
      }
      d += "C ";
      break;
    }
    case Shape::Kind::kTick: {
      const double a = sh.w;
      point("M", sh.x + 0.18 * a, sh.y + 0.52 * a);
      point("L", sh.x + 0.42 * a, sh.y + 0.80 * a);
      point("L", sh.x + 0.86 * a, sh.y + 0.16 * a);
      break;
    }
    case Shape::Kind::kQr:
      break;
  }
}

class PageWriter {
 public:
  PageWriter(const FontTable& fonts, const LayoutResult& layout, const std::map<uint16_t, int>& font_ids,
             std::string box, int* next_id)
      : fonts_(fonts), layout_(layout), font_ids_(font_ids), box_(std::move(box)), next_id_(next_id) {}

  std::string Write(const Canvas& canvas) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Page xmlns:ofd=\"";
    x += kNs;
    x += "\"><ofd:Content><ofd:Layer ID=\"" + std::to_string((*next_id_)++) + "\">\n";
    Paths(x, canvas);
    Texts(x, canvas.runs);
    x += "</ofd:Layer></ofd:Content></ofd:Page>\n";
    return x;
  }

 private:
  void Object(std::string& x, const char* element, const std::string& attributes, const std::string& body) {
    x += "<ofd:";
    x += element;
    x += " ID=\"" + std::to_string((*next_id_)++) + "\" Boundary=\"" + box_ + "\"" + attributes + ">";
    x += body;
    x += "</ofd:";
    x += element;
    x += ">\n";
  }

  // Strokes grouped by width and dash, then fills, then the QR code: as the PDF draws them.
  void Paths(std::string& x, const Canvas& canvas) {
    std::map<std::pair<float, bool>, std::string> strokes;
    std::vector<std::pair<float, bool>> order;
    std::string fills;
    for (const Shape& sh : canvas.shapes) {
      if (sh.kind == Shape::Kind::kQr) continue;
      if (sh.kind == Shape::Kind::kFill) {
        ShapePath(fills, sh);
        continue;
      }
      const std::pair<float, bool> style{sh.width, sh.dashed};
      if (strokes.count(style) == 0) order.push_back(style);
      ShapePath(strokes[style], sh);
    }
    for (const auto& style : order) {
      std::string attributes = " LineWidth=\"" + MmText(style.first) + "\"";
      if (style.second) attributes += " DashPattern=\"" + MmText(3) + " " + MmText(2) + "\"";
      std::string& d = strokes[style];
      d.pop_back();
      Object(x, "PathObject", attributes, "<ofd:AbbreviatedData>" + d + "</ofd:AbbreviatedData>");
    }
    if (!fills.empty()) {
      fills.pop_back();
      Object(x, "PathObject", " Stroke=\"false\" Fill=\"true\"",
             kBlackFill + "<ofd:AbbreviatedData>" + fills + "</ofd:AbbreviatedData>");
    }
    for (const Shape& sh : canvas.shapes) {
      if (sh.kind != Shape::Kind::kQr) continue;
      std::string d;
      for (Shape module : layout_.qr.shapes) {
        module.x += sh.x;
        module.y += sh.y;
        ShapePath(d, module);
      }
      if (d.empty()) continue;
      d.pop_back();
      Object(x, "PathObject", " Name=\"QR\" Stroke=\"false\" Fill=\"true\"",
             kBlackFill + "<ofd:AbbreviatedData>" + d + "</ofd:AbbreviatedData>");
    }
  }

  // Consecutive runs of one face, size and weight share a TextObject, one TextCode each.
  void Texts(std::string& x, const std::vector<TextRun>& runs) {
    for (size_t i = 0; i < runs.size();) {
      size_t j = i;
      std::string codes;
      while (j < runs.size() && runs[j].face == runs[i].face && runs[j].size == runs[i].size &&
             runs[j].bold == runs[i].bold) {
        TextCode(codes, runs[j]);
        ++j;
      }
      if (!codes.empty()) {
        const TextRun& run = runs[i];
        std::string attributes =
            " Font=\"" + std::to_string(font_ids_.at(run.face)) + "\" Size=\"" + MmText(run.size) + "\"";
        // Bold is simulated as in the PDF: the outline stroked at 3 % of the size.
        if (run.bold) attributes += " Stroke=\"true\" LineWidth=\"" + MmText(run.size * 0.03f) + "\"";
        Object(x, "TextObject", attributes, codes);
      }
      i = j;
    }
  }

  // One run as a TextCode: its characters, where it starts, and the advance after each character
  // (the font's plus letter spacing), equal advances written as "g COUNT VALUE" (GB/T 33190 11.3).
  void TextCode(std::string& out, const TextRun& run) {
    if (run.gids.empty()) return;
    const Face& face = *fonts_.faces[run.face];
    const std::vector<char32_t>& chars = layout_.used[run.face];
    std::string text;
    std::vector<std::string> advances;
    for (size_t i = 0; i < run.gids.size(); ++i) {
      core::AppendUtf8(text, chars[run.gids[i]]);
      if (i + 1 < run.gids.size()) advances.push_back(MmText(face.Advance1000(run.gids[i]) * run.size / 1000.0 + run.spacing));
    }
    std::string delta;
    for (size_t i = 0; i < advances.size();) {
      size_t j = i;
      while (j < advances.size() && advances[j] == advances[i]) ++j;
      if (!delta.empty()) delta.push_back(' ');
      if (j - i >= 2) {
        delta += "g " + std::to_string(j - i) + " " + advances[i];
      } else {
        delta += advances[i];
      }
      i = j;
    }
    out += "<ofd:TextCode X=\"" + MmText(run.x) + "\" Y=\"" + MmText(run.y) + "\"";
    if (!delta.empty()) out += " DeltaX=\"" + delta + "\"";
    out += ">" + XmlText(text) + "</ofd:TextCode>";
  }

  const FontTable& fonts_;
  const LayoutResult& layout_;
  const std::map<uint16_t, int>& font_ids_;
  const std::string box_;
  int* next_id_;
};

}  // namespace

core::Result<std::string> WriteOfd(const LayoutResult& layout, const FontTable& fonts, const OfdInfo& info,
                                   float page_width_pt, float page_height_pt) {
  if (info.issued_at.size() < 19) return core::InvalidArgument("issued_at must be RFC 3339");
  const std::string date = info.issued_at.substr(0, 10);
  const std::string local_time = info.issued_at.substr(0, 19);  // the attachment's xs:dateTime
  const auto number = [&](size_t at, size_t n) { return std::stoi(info.issued_at.substr(at, n)); };
  ZipWriter zip(number(0, 4), number(5, 2), number(8, 2), number(11, 2), number(14, 2), number(17, 2));
  const std::string box = "0 0 " + MmText(page_width_pt) + " " + MmText(page_height_pt);

  // IDs: one sequence for the whole document (ST_ID), fonts first.
  int next_id = 1;
  std::map<uint16_t, int> font_ids;
  std::vector<std::pair<std::string, std::string>> font_files;  // file name, bytes
  std::string res = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Res xmlns:ofd=\"";
  res += kNs;
  res += "\" BaseLoc=\"Res\"><ofd:Fonts>\n";
  for (size_t f = 0; f < fonts.faces.size(); ++f) {
    const std::vector<char32_t>& used = layout.used[f];
    std::vector<uint16_t> gids;
    for (size_t g = 1; g < used.size(); ++g) {
      if (used[g] != 0) gids.push_back(static_cast<uint16_t>(g));
    }
    if (gids.empty()) continue;
    const Face& face = *fonts.faces[f];
    BEIAN_ASSIGN_OR_RETURN(SubsetFont subset, Subset(face, gids));
    std::vector<std::pair<char32_t, uint16_t>> cmap;
    for (uint16_t g : gids) cmap.emplace_back(used[g], subset.new_gid.at(g));
    BEIAN_ASSIGN_OR_RETURN(std::string program, StandaloneFont(subset.program, std::move(cmap), face.postscript_name()));
    const int id = next_id++;
    font_ids[static_cast<uint16_t>(f)] = id;
    const std::string file = "font_" + std::to_string(id) + ".ttf";
    res += "<ofd:Font ID=\"" + std::to_string(id) + "\" FontName=\"" + XmlText(face.postscript_name()) +
           "\" FamilyName=\"" + XmlText(face.postscript_name()) + "\"><ofd:FontFile>" + file +
           "</ofd:FontFile></ofd:Font>\n";
    font_files.emplace_back(file, std::move(program));
  }
  res += "</ofd:Fonts></ofd:Res>\n";

  std::vector<std::string> pages;
  std::vector<int> page_ids;
  PageWriter writer(fonts, layout, font_ids, box, &next_id);
  for (const LaidOutPage& page : layout.pages) {
    page_ids.push_back(next_id++);
    pages.push_back(writer.Write(page.canvas));
  }
  const int attachment_id = next_id++;

  // DocID: 32 hex characters (a UUID's length) from what the document is.
  const std::array<uint8_t, 32> digest =
      core::Sha256(info.kind + "\n" + std::to_string(info.template_version) + "\n" + info.number + "\n" +
                   info.issued_at + "\n" + info.source_json);
  static const char kHex[] = "0123456789abcdef";
  std::string doc_id;
  for (int i = 0; i < 16; ++i) {
    doc_id.push_back(kHex[digest[i] >> 4]);
    doc_id.push_back(kHex[digest[i] & 15]);
  }

  std::string ofd = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:OFD xmlns:ofd=\"";
  ofd += kNs;
  ofd += "\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo><ofd:DocID>" + doc_id +
         "</ofd:DocID><ofd:Title>" + XmlText(info.title) + "</ofd:Title><ofd:Subject>" + XmlText(info.number) +
         "</ofd:Subject><ofd:CreationDate>" + date + "</ofd:CreationDate><ofd:ModDate>" + date +
         "</ofd:ModDate><ofd:Creator>beian</ofd:Creator><ofd:CreatorVersion>" + XmlText(info.kind) + " v" +
         std::to_string(info.template_version) +
         "</ofd:CreatorVersion><ofd:CustomDatas><ofd:CustomData Name=\"DocumentNumber\">" + XmlText(info.number) +
         "</ofd:CustomData><ofd:CustomData Name=\"IssuedAt\">" + XmlText(info.issued_at) +
         "</ofd:CustomData><ofd:CustomData Name=\"Kind\">" + XmlText(info.kind) +
         "</ofd:CustomData><ofd:CustomData Name=\"TemplateVersion\">" + std::to_string(info.template_version) +
         "</ofd:CustomData></ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
         "</ofd:DocBody></ofd:OFD>\n";

  std::string document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Document xmlns:ofd=\"";
  document += kNs;
  document += "\"><ofd:CommonData><ofd:MaxUnitID>" + std::to_string(next_id - 1) +
              "</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>" + box +
              "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
              "<ofd:Pages>\n";
  for (size_t i = 0; i < pages.size(); ++i) {
    document += "<ofd:Page ID=\"" + std::to_string(page_ids[i]) + "\" BaseLoc=\"Pages/Page_" + std::to_string(i) +
                "/Content.xml\"/>\n";
  }
  document += "</ofd:Pages><ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments></ofd:Document>\n";

  std::string attachments = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ofd:Attachments xmlns:ofd=\"";
  attachments += kNs;
  attachments += "\"><ofd:Attachment ID=\"a" + std::to_string(attachment_id) + "\" Name=\"" + kSourceDataFile +
                 "\" Format=\"json\" CreationDate=\"" + local_time + "\" ModDate=\"" + local_time + "\" Size=\"" +
                 KiloBytes(info.source_json.size()) + "\" Usage=\"Source\"><ofd:FileLoc>" + kSourceDataFile +
                 "</ofd:FileLoc></ofd:Attachment></ofd:Attachments>\n";

  const int level = info.compression_level;
  zip.Add("OFD.xml", ofd, level);
  zip.Add("Doc_0/Document.xml", document, level);
  zip.Add("Doc_0/PublicRes.xml", res, level);
  zip.Add("Doc_0/Attachs/Attachments.xml", attachments, level);
  zip.Add(std::string("Doc_0/Attachs/") + kSourceDataFile, info.source_json, level);
  for (const auto& [file, bytes] : font_files) zip.Add("Doc_0/Res/" + file, bytes, level);
  for (size_t i = 0; i < pages.size(); ++i) {
    zip.Add("Doc_0/Pages/Page_" + std::to_string(i) + "/Content.xml", pages[i], level);
  }
  return zip.Finish();
}

}  // namespace beian::render
