#include "hostile_files.h"

#include <zlib.h>

#include <cstdio>
#include <vector>

namespace beian::testing {
namespace {

std::string Zlib(const std::string& raw) {
  uLongf size = compressBound(raw.size());
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()), raw.size(), 6);
  out.resize(size);
  return out;
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string Chunk(const std::string& type, const std::string& data) {
  const std::string typed = type + data;
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(typed.data()), static_cast<uInt>(typed.size()));
  return Be32(static_cast<uint32_t>(data.size())) + typed + Be32(static_cast<uint32_t>(crc));
}

// A PDF of `objects`, object 1 the catalog, with a classic cross-reference table.
std::string PdfOf(const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj" + objects[i] + "endobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  char row[32];
  for (size_t o : offsets) {
    std::snprintf(row, sizeof row, "%010zu 00000 n \n", o);
    pdf += row;
  }
  pdf += "trailer<</Size " + std::to_string(objects.size() + 1) + "/Root 1 0 R>>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

}  // namespace

std::string PdfWithObjects(int extra) {
  std::vector<std::string> objects = {"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
                                      "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"};
  for (int i = 0; i < extra; ++i) objects.push_back("[1 2 3 4 5 6 7 8]");
  return PdfOf(objects);
}

std::string PdfWithScript() {
  return PdfOf({"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
                "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/AA<</O 5 0 R>>>>",
                "<</S/JavaScript/JS(app.alert\\(1\\))>>", "<</S/Launch/F(calc.exe)>>"});
}

std::string PdfWithLargeDictionary(int keys) {
  std::string dictionary = "<<";
  for (int i = 0; i < keys; ++i) dictionary += "/k" + std::to_string(i) + " 1";
  dictionary += ">>";
  return PdfOf({"<</Type/Catalog/Pages 2 0 R/X 4 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
                "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>", dictionary});
}

std::string PdfNestedInObjectStream(int depth) {
  std::string nested;
  for (int i = 0; i < depth; ++i) nested += "<</A ";
  nested += "1";
  for (int i = 0; i < depth; ++i) nested += ">>";
  const std::string header = "5 0 ";
  const std::string packed = Zlib(header + nested);
  std::vector<std::string> objects = {
      "<</Type/Catalog/Pages 2 0 R/X 5 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
      "<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>",
      "<</Type/ObjStm/N 1/First " + std::to_string(header.size()) + "/Filter/FlateDecode/Length " +
          std::to_string(packed.size()) + ">>stream\n" + packed + "\nendstream"};
  std::string pdf = "%PDF-1.5\n";
  std::string rows;
  auto row = [&](int type, uint32_t field2, uint16_t field3) {
    rows.push_back(static_cast<char>(type));
    for (int s = 24; s >= 0; s -= 8) rows.push_back(static_cast<char>(field2 >> s));
    rows.push_back(static_cast<char>(field3 >> 8));
    rows.push_back(static_cast<char>(field3));
  };
  row(0, 0, 65535);
  for (size_t i = 0; i < objects.size(); ++i) {
    row(1, static_cast<uint32_t>(pdf.size()), 0);
    pdf += std::to_string(i + 1) + " 0 obj" + objects[i] + "endobj\n";
  }
  row(2, 4, 0);  // object 5: the first in stream 4
  const size_t xref = pdf.size();
  row(1, static_cast<uint32_t>(xref), 0);
  pdf += "6 0 obj<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Length " + std::to_string(rows.size()) + ">>stream\n" +
         rows + "\nendstream endobj\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

std::string WhitePng(uint32_t width, uint32_t height, bool alpha) {
  const size_t channels = alpha ? 4 : 3;
  std::string rows;
  rows.reserve(size_t{height} * (1 + size_t{width} * channels));
  for (uint32_t y = 0; y < height; ++y) {
    rows.push_back('\0');
    rows.append(size_t{width} * channels, '\xFF');
  }
  const std::string header =
      Be32(width) + Be32(height) + std::string(alpha ? "\x08\x06\x00\x00\x00" : "\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + Chunk("IHDR", header) + Chunk("IDAT", Zlib(rows)) + Chunk("IEND", "");
}

std::string PngDeclaring(uint32_t width, uint32_t height) {
  const std::string header = Be32(width) + Be32(height) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + Chunk("IHDR", header) + Chunk("IEND", "");
}

}  // namespace beian::testing
