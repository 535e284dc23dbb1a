// The PDF tools of the archive on real files, checked with the real tools (qpdf, poppler):
// inspecting uploads (good, encrypted, truncated, corrupt, not a PDF), wrapping JPEG and PNG
// scans into a page, and marked reprints (补打) as incremental updates.
#include "beian/render/pdf_tools.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "engine_fixture.h"
#include "process.h"

namespace beian::render {
namespace {

using testing::ProcessResult;
using testing::TempDir;

constexpr const char* kAt = "2026-11-28T09:30:00+08:00";

// Runs a program (a free function: fixtures inherit a Run() from gtest).
ProcessResult Tool(const std::vector<std::string>& argv) { return testing::Run(argv); }

// ---------------------------------------------------------------------------------------------
// Helpers: files, tools, a PNG writer, PPM pixels.

std::string Write(const TempDir& dir, const std::string& name, const std::string& bytes) {
  const std::string path = dir.File(name);
  testing::WriteFileOrDie(path, bytes);
  return path;
}

// qpdf --check exits 0 with no warnings.
void ExpectQpdfClean(const std::string& path) {
  const ProcessResult check = Tool({"qpdf", "--check", path});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(check.err, "");
  EXPECT_NE(check.out.find("No syntax or stream encoding errors"), std::string::npos) << check.out;
}

// pdfinfo's "Key: value" fields; poppler must not warn.
std::string PdfInfoField(const std::string& path, const std::string& key) {
  const ProcessResult info = Tool({"pdfinfo", "-isodates", path});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_EQ(info.err, "") << "pdfinfo warned";
  const std::regex line("(^|\n)" + key + ":[ ]*([^\n]*)");
  std::smatch m;
  return std::regex_search(info.out, m, line) ? m[2].str() : std::string();
}

// A PDF written by hand from object bodies (numbered from 1), with a correct cross-reference
// table and no /Info.
std::string HandMadePdf(const std::vector<std::string>& objects) {
  std::string pdf = "%PDF-1.4\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(pdf.size());
    pdf += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = pdf.size();
  pdf += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t offset : offsets) {
    const std::string digits = std::to_string(offset);
    pdf += std::string(10 - digits.size(), '0') + digits + " 00000 n \n";
  }
  pdf += "trailer\n<</Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R>>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return pdf;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// An error that is a refusal of the upload, in both languages, naming `en`.
void ExpectRefused(const core::Status& status, const std::string& en, const std::string& zh) {
  EXPECT_EQ(status.code(), core::Code::kInvalidArgument) << status.ToString();
  EXPECT_TRUE(Contains(status.message(), en)) << status.message();
  EXPECT_TRUE(Contains(status.message(), zh)) << status.message();
  EXPECT_TRUE(Contains(status.message(), " / ")) << status.message();
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string Chunk(const std::string& type, const std::string& data) {
  const std::string body = type + data;
  const uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  return Be32(static_cast<uint32_t>(data.size())) + body + Be32(static_cast<uint32_t>(crc));
}

std::string Zlib(const std::string& raw) {
  uLongf n = compressBound(static_cast<uLong>(raw.size()));
  std::string out(n, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(raw.data()),
                      static_cast<uLong>(raw.size()), 9),
            Z_OK);
  out.resize(n);
  return out;
}

// A PNG written by hand: samples from a function, every row filter type used in turn, Adam7
// interlacing on request, the data split over two IDAT chunks.
struct PngSpec {
  uint32_t width = 40, height = 40;
  int depth = 8, color = 2;  // PNG colour type
  bool interlace = false;
  std::string plte, trns;
  std::function<unsigned(uint32_t x, uint32_t y, int channel)> sample;
  int channels() const { return color == 2 ? 3 : color == 4 ? 2 : color == 6 ? 4 : 1; }
};

std::string PackRow(const PngSpec& s, const std::vector<uint32_t>& xs, uint32_t y) {
  std::string row;
  unsigned acc = 0;
  int bits = 0;
  for (uint32_t x : xs) {
    for (int c = 0; c < s.channels(); ++c) {
      const unsigned v = s.sample(x, y, c);
      if (s.depth == 16) {
        row.push_back(static_cast<char>(v >> 8));
        row.push_back(static_cast<char>(v));
      } else if (s.depth == 8) {
        row.push_back(static_cast<char>(v));
      } else {
        acc = (acc << s.depth) | v;
        bits += s.depth;
        if (bits == 8) {
          row.push_back(static_cast<char>(acc));
          acc = 0;
          bits = 0;
        }
      }
    }
  }
  if (bits > 0) row.push_back(static_cast<char>(acc << (8 - bits)));
  return row;
}

int PaethPredict(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

// Filters rows with types 0,1,2,3,4,0,… and joins them, each with its filter byte.
std::string FilterRows(const std::vector<std::string>& rows, size_t bpp) {
  std::string out;
  std::string prev;
  for (size_t y = 0; y < rows.size(); ++y) {
    const std::string& r = rows[y];
    if (prev.empty()) prev.assign(r.size(), '\0');
    const int type = static_cast<int>(y % 5);
    out.push_back(static_cast<char>(type));
    for (size_t i = 0; i < r.size(); ++i) {
      const int x = static_cast<unsigned char>(r[i]);
      const int a = i >= bpp ? static_cast<unsigned char>(r[i - bpp]) : 0;
      const int b = static_cast<unsigned char>(prev[i]);
      const int c = i >= bpp ? static_cast<unsigned char>(prev[i - bpp]) : 0;
      int v = x;
      if (type == 1) v = x - a;
      if (type == 2) v = x - b;
      if (type == 3) v = x - (a + b) / 2;
      if (type == 4) v = x - PaethPredict(a, b, c);
      out.push_back(static_cast<char>(v & 0xFF));
    }
    prev = r;
  }
  return out;
}

std::string FilteredData(const PngSpec& s) {
  const size_t bpp = std::max(1, s.channels() * s.depth / 8);
  struct Pass {
    uint32_t x0, y0, dx, dy;
  };
  const std::vector<Pass> passes = s.interlace ? std::vector<Pass>{{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4},
                                                                  {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}}
                                               : std::vector<Pass>{{0, 0, 1, 1}};
  std::string all;
  for (const Pass& p : passes) {
    std::vector<uint32_t> xs;
    for (uint32_t x = p.x0; x < s.width; x += p.dx) xs.push_back(x);
    std::vector<std::string> rows;
    for (uint32_t y = p.y0; y < s.height && !xs.empty(); y += p.dy) rows.push_back(PackRow(s, xs, y));
    all += FilterRows(rows, bpp);
  }
  return all;
}

// `extra` (whole chunks) goes before the image data.
std::string PngFromFiltered(const PngSpec& s, const std::string& filtered, const std::string& extra = "") {
  std::string ihdr = Be32(s.width) + Be32(s.height);
  ihdr += {static_cast<char>(s.depth), static_cast<char>(s.color), 0, 0, static_cast<char>(s.interlace ? 1 : 0)};
  const std::string z = Zlib(filtered);
  std::string png = "\x89PNG\r\n\x1a\n" + Chunk("IHDR", ihdr);
  png += Chunk("tEXt", std::string("Comment\0beian test", 18)) + extra;
  if (!s.plte.empty()) png += Chunk("PLTE", s.plte);
  if (!s.trns.empty()) png += Chunk("tRNS", s.trns);
  png += Chunk("IDAT", z.substr(0, z.size() / 2)) + Chunk("IDAT", z.substr(z.size() / 2)) + Chunk("IEND", "");
  return png;
}

std::string EncodePng(const PngSpec& s) { return PngFromFiltered(s, FilteredData(s)); }

// A PNG that only declares a size: IHDR, a token of image data, IEND.
std::string DeclaredPng(uint32_t width, uint32_t height, int depth, int color, const std::string& trns = "") {
  const std::string ihdr = Be32(width) + Be32(height) + std::string{static_cast<char>(depth), static_cast<char>(color), 0, 0, 0};
  std::string png = "\x89PNG\r\n\x1a\n" + Chunk("IHDR", ihdr);
  if (!trns.empty()) png += Chunk("tRNS", trns);
  return png + Chunk("IDAT", Zlib(std::string(64, '\0'))) + Chunk("IEND", "");
}

// A zlib stream of `n` zero bytes, made without holding them.
std::string DeflatedZeros(size_t n) {
  z_stream z{};
  EXPECT_EQ(deflateInit(&z, 9), Z_OK);
  const std::string zeros(1 << 20, '\0');
  std::string out;
  char buffer[1 << 16];
  for (size_t left = n;;) {
    const size_t chunk = std::min(left, zeros.size());
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    z.avail_in = static_cast<uInt>(chunk);
    left -= chunk;
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      rc = deflate(&z, flush);
      out.append(buffer, sizeof buffer - z.avail_out);
    } while (z.avail_out == 0);
    if (flush == Z_FINISH) {
      EXPECT_EQ(rc, Z_STREAM_END);
      break;
    }
  }
  deflateEnd(&z);
  return out;
}

// Quadrant 0 (top left), 1 (top right), 2 (bottom left), 3 (bottom right) of a w × h image.
int Quadrant(uint32_t x, uint32_t y, uint32_t w, uint32_t h) { return (y >= h / 2 ? 2 : 0) + (x >= w / 2 ? 1 : 0); }

struct Rgb {
  int r, g, b;
};
constexpr Rgb kRed = {255, 0, 0}, kGreen = {0, 255, 0}, kBlue = {0, 0, 255}, kBlack = {0, 0, 0},
              kWhite = {255, 255, 255};

// An RGB image of four coloured quadrants: red, green / blue, black.
const Rgb kQuadrants[4] = {kRed, kGreen, kBlue, kBlack};

// A rendered page as pixels (pdftoppm -r 36: half a pixel per point).
struct Ppm {
  int width = 0, height = 0;
  std::string data;
  Rgb At(double x_pt, double y_pt_from_top) const {
    const int x = static_cast<int>(x_pt / 2), y = static_cast<int>(y_pt_from_top / 2);
    const size_t at = (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 3;
    return {static_cast<unsigned char>(data[at]), static_cast<unsigned char>(data[at + 1]),
            static_cast<unsigned char>(data[at + 2])};
  }
};

Ppm RenderPage(const TempDir& dir, const std::string& pdf) {
  const std::string prefix = dir.File("pixels");
  const ProcessResult r = Tool({"pdftoppm", "-r", "36", "-singlefile", pdf, prefix});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "") << "pdftoppm warned";
  const std::string ppm = testing::ReadFileOrDie(prefix + ".ppm");
  Ppm out;
  std::istringstream in(ppm);
  std::string magic;
  int max = 0;
  in >> magic >> out.width >> out.height >> max;
  in.get();
  out.data = ppm.substr(static_cast<size_t>(in.tellg()));
  EXPECT_EQ(magic, "P6");
  EXPECT_EQ(out.data.size(), static_cast<size_t>(out.width) * static_cast<size_t>(out.height) * 3);
  return out;
}

bool Near(const Rgb& a, const Rgb& b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance && std::abs(a.b - b.b) <= tolerance;
}

std::string Show(const Rgb& c) {
  return "(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + ")";
}

// The page centre ± 60 pt falls inside the four quadrants of a square image fitted to the page.
void ExpectQuadrants(const TempDir& dir, const std::string& pdf, const Rgb expected[4], int tolerance) {
  const Ppm page = RenderPage(dir, pdf);
  const double cx = page.width, cy = page.height;  // page centre in points (2 pt per pixel)
  const double dx[4] = {-60, 60, -60, 60}, dy[4] = {-60, -60, 60, 60};
  for (int q = 0; q < 4; ++q) {
    const Rgb got = page.At(cx + dx[q], cy + dy[q]);
    EXPECT_TRUE(Near(got, expected[q], tolerance))
        << "quadrant " << q << ": got " << Show(got) << ", expected " << Show(expected[q]);
  }
}

// ---------------------------------------------------------------------------------------------
// The fixture: the engine and the templates, as the program wires them.

class PdfToolsTest : public CatalogTest {
 protected:
  // A kind's example document.
  static RenderedDocument Example(const std::string& kind_name) {
    const Kind* kind = catalog_->Find(kind_name);
    EXPECT_NE(kind, nullptr) << kind_name;
    if (kind == nullptr) return RenderedDocument{};
    auto doc = RenderKind(kind_name, kind->example);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return doc.ok() ? std::move(doc).value() : RenderedDocument{};
  }

  // A small JPEG made by poppler from a rendered page.
  static std::string PageJpeg(const TempDir& dir, const std::string& pdf_bytes, const std::string& resolution = "20") {
    const std::string pdf = Write(dir, "for-jpeg.pdf", pdf_bytes);
    const std::string prefix = dir.File("page");
    const ProcessResult r = Tool({"pdftoppm", "-r", resolution, "-jpeg", "-singlefile", pdf, prefix});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return testing::ReadFileOrDie(prefix + ".jpg");
  }

  static std::vector<std::string> StampLines(const std::string& original) {
    return {"补打", "补打日期：2026年11月28日", "操作人：张三", "原件 SHA-256：" + core::Sha256Hex(original).substr(0, 16)};
  }

};

// ---------------------------------------------------------------------------------------------
// InspectPdf.

TEST_F(PdfToolsTest, InspectCountsThePagesOfRenderedDocuments) {
  TempDir dir;
  for (const std::string kind : {"commitment-letter", "contract-filing", "qualification-verification"}) {
    const RenderedDocument doc = Example(kind);
    auto facts = InspectPdf(doc.pdf);
    ASSERT_TRUE(facts.ok()) << kind << ": " << facts.status().ToString();
    EXPECT_EQ(facts->pages, doc.pages) << kind;
    EXPECT_EQ(facts->pages, testing::PdfPages(Write(dir, kind + ".pdf", doc.pdf))) << kind;
    EXPECT_EQ(facts->producer, "beian");
    EXPECT_FALSE(facts->encrypted);
  }
}

TEST_F(PdfToolsTest, InspectReadsObjectStreamsAndFilesWithoutInfo) {
  TempDir dir;
  const std::string in = Write(dir, "in.pdf", Example("qualification-verification").pdf);
  const std::string packed = dir.File("packed.pdf");
  ASSERT_EQ(Tool({"qpdf", "--object-streams=generate", in, packed}).exit_code, 0);
  auto facts = InspectPdf(testing::ReadFileOrDie(packed));
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->pages, 7);

  // No /Info at all: the producer is empty, not PoDoFo's own.
  const std::string bare = HandMadePdf({"<</Type/Catalog/Pages 2 0 R>>",
                                       "<</Type/Pages/Kids[3 0 R 4 0 R]/Count 2/MediaBox[0 0 300 400]>>",
                                       "<</Type/Page/Parent 2 0 R>>", "<</Type/Page/Parent 2 0 R/Rotate 90>>"});
  ExpectQpdfClean(Write(dir, "bare.pdf", bare));
  facts = InspectPdf(bare);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->pages, 2);
  EXPECT_EQ(facts->producer, "");
}

TEST_F(PdfToolsTest, InspectRefusesEncryptedFilesWhateverTheAlgorithm) {
  TempDir dir;
  const std::string in = Write(dir, "in.pdf", Example("commitment-letter").pdf);
  const std::vector<std::vector<std::string>> ways = {
      {"--encrypt", "user", "owner", "256"},                            // AES-256, a user password
      {"--encrypt", "", "owner", "256"},                                // opens without a password
      {"--encrypt", "user", "owner", "128", "--use-aes=y"},             // AES-128
      {"--allow-weak-crypto", "--encrypt", "", "owner", "128", "--use-aes=n"},  // RC4
      {"--object-streams=generate", "--encrypt", "user", "owner", "256"},      // in an xref stream
  };
  for (const auto& way : ways) {
    const std::string out = dir.File("encrypted.pdf");
    std::vector<std::string> argv = {"qpdf"};
    argv.insert(argv.end(), way.begin(), way.end());
    argv.insert(argv.end(), {"--", in, out});
    const ProcessResult r = Tool(argv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto facts = InspectPdf(testing::ReadFileOrDie(out));
    ASSERT_FALSE(facts.ok()) << argv[2];
    ExpectRefused(facts.status(), "encrypted PDF", "已加密");
  }
}

TEST_F(PdfToolsTest, InspectRefusesTruncatedEmptyRandomAndImages) {
  TempDir dir;
  const std::string pdf = Example("commitment-letter").pdf;
  for (size_t keep : {pdf.size() / 2, pdf.size() - 20, size_t{1000}, size_t{9}}) {
    auto facts = InspectPdf(pdf.substr(0, keep));
    ASSERT_FALSE(facts.ok()) << keep;
    ExpectRefused(facts.status(), "truncated PDF", "被截断");
  }
  ExpectRefused(InspectPdf("").status(), "empty file", "文件为空");

  std::mt19937 rng(20261127);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(rng() & 0xFF);
  ExpectRefused(InspectPdf(noise).status(), "not a PDF", "不是 PDF");

  const std::string jpeg = PageJpeg(dir, pdf);
  ExpectRefused(InspectPdf(jpeg).status(), "not a PDF: this is a JPEG image", "这是 JPEG 图像");
  PngSpec spec;
  spec.sample = [](uint32_t, uint32_t, int) { return 255u; };
  ExpectRefused(InspectPdf(EncodePng(spec)).status(), "not a PDF: this is a PNG image", "这是 PNG 图像");
}

TEST_F(PdfToolsTest, InspectRefusesCorruptFiles) {
  const std::string pdf = Example("commitment-letter").pdf;

  // The deflated data of a content stream damaged in place (lengths unchanged).
  std::string broken = pdf;
  const size_t stream = broken.find("stream\n", broken.rfind("/FlateDecode"));
  ASSERT_NE(stream, std::string::npos);
  for (size_t i = 0; i < 16; ++i) broken[stream + 7 + 4 + i] = static_cast<char>(0xA5 ^ i);
  auto facts = InspectPdf(broken);
  ASSERT_FALSE(facts.ok());
  ExpectRefused(facts.status(), "corrupt PDF", "已损坏");

  // A cross-reference offset that points nowhere.
  std::string bad_xref = pdf;
  const size_t startxref = bad_xref.rfind("startxref\n");
  ASSERT_NE(startxref, std::string::npos);
  bad_xref.replace(startxref + 10, bad_xref.find('\n', startxref + 10) - startxref - 10, "17");
  facts = InspectPdf(bad_xref);
  ASSERT_FALSE(facts.ok());
  ExpectRefused(facts.status(), "corrupt PDF", "已损坏");

  // A page tree that loops back on itself.
  facts = InspectPdf(HandMadePdf({"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
                                  "<</Type/Pages/Kids[2 0 R]/Count 1>>"}));
  ASSERT_FALSE(facts.ok());
  ExpectRefused(facts.status(), "page tree has a cycle", "页面树有环");
}

// PoDoFo takes kilobytes for every object it loads, however small: a file whose cross-reference
// table has more than 100,000 entries (/Size, the free object 0 included) is refused before it
// is parsed, whether the trailer or a cross-reference stream declares it.
TEST_F(PdfToolsTest, InspectRefusesFilesWithTooManyObjects) {
  TempDir dir;
  std::vector<std::string> objects = {"<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids[3 0 R]/Count 1/MediaBox[0 0 300 400]>>",
                                      "<</Type/Page/Parent 2 0 R>>"};
  objects.resize(99999, "<</A 1>>");
  auto facts = InspectPdf(HandMadePdf(objects));
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();  // /Size 100000: the most there may be
  objects.push_back("<</A 1>>");
  ExpectRefused(InspectPdf(HandMadePdf(objects)).status(), "too many objects (over 100000)", "对象过多");

  // The same count declared by a cross-reference stream (uncompressed: type, offset, generation
  // in 1 + 4 + 1 bytes), every entry after the four objects free.
  auto with_stream = [](uint32_t size) {
    std::string pdf = "%PDF-1.5\n";
    const std::vector<std::string> bodies = {"<</Type/Catalog/Pages 2 0 R>>",
                                             "<</Type/Pages/Kids[3 0 R]/Count 1/MediaBox[0 0 300 400]>>",
                                             "<</Type/Page/Parent 2 0 R>>"};
    std::string entries(6, '\0');  // object 0: free
    auto entry = [&entries](char type, uint32_t offset) {
      entries += {type, static_cast<char>(offset >> 24), static_cast<char>(offset >> 16), static_cast<char>(offset >> 8),
                  static_cast<char>(offset), 0};
    };
    for (size_t i = 0; i < bodies.size(); ++i) {
      entry(1, static_cast<uint32_t>(pdf.size()));
      pdf += std::to_string(i + 1) + " 0 obj\n" + bodies[i] + "\nendobj\n";
    }
    const uint32_t xref = static_cast<uint32_t>(pdf.size());
    entry(1, xref);
    entries.resize(size_t{size} * 6, '\0');
    pdf += "4 0 obj\n<</Type/XRef/Size " + std::to_string(size) + "/W[1 4 1]/Root 1 0 R/Length " +
           std::to_string(entries.size()) + ">>\nstream\n" + entries + "\nendstream\nendobj\nstartxref\n" +
           std::to_string(xref) + "\n%%EOF\n";
    return pdf;
  };
  // qpdf finds the file sound at its true size. (PoDoFo 0.9.8 does not read it, as it does not
  // read the small files qpdf writes with object streams: its error is another one.)
  ExpectQpdfClean(Write(dir, "xref-stream.pdf", with_stream(5)));
  ExpectRefused(InspectPdf(with_stream(100001)).status(), "too many objects (over 100000)", "对象过多");
}

// Damaged copies of real files: every one is accepted or refused with kInvalidArgument, none
// crashes or hangs (the suite's timeout is the bound).
TEST_F(PdfToolsTest, DamagedUploadsAreRefusedNeverCrash) {
  TempDir dir;
  const RenderedDocument doc = Example("qualification-verification");
  const std::string in = Write(dir, "in.pdf", doc.pdf);
  const std::string packed = dir.File("packed.pdf");
  ASSERT_EQ(Tool({"qpdf", "--object-streams=generate", in, packed}).exit_code, 0);
  const std::string jpeg = PageJpeg(dir, doc.pdf);
  PngSpec spec;
  spec.color = 6;
  spec.sample = [](uint32_t x, uint32_t y, int c) { return (x * 7 + y * 3 + static_cast<unsigned>(c) * 50) & 0xFF; };
  const std::string png = EncodePng(spec);

  std::mt19937 rng(7);
  int accepted = 0, refused = 0;
  for (const std::string* original : {&doc.pdf, static_cast<const std::string*>(nullptr), &jpeg, &png}) {
    const std::string packed_bytes = original == nullptr ? testing::ReadFileOrDie(packed) : "";
    const std::string& base = original == nullptr ? packed_bytes : *original;
    for (int i = 0; i < 250; ++i) {
      std::string m = base;
      switch (rng() % 4) {
        case 0:
          m.resize(rng() % m.size());
          break;
        case 1:
          for (int k = 0, n = 1 + static_cast<int>(rng() % 8); k < n; ++k) m[rng() % m.size()] = static_cast<char>(rng());
          break;
        case 2:
          m.erase(rng() % m.size(), rng() % 200);
          break;
        default:
          m.insert(rng() % m.size(), std::string(1 + rng() % 50, static_cast<char>(rng())));
      }
      core::Status status;
      if (original == &jpeg) {
        status = WrapImage(m, "image/jpeg", "").status();
      } else if (original == &png) {
        status = WrapImage(m, "image/png", "").status();
      } else {
        status = InspectPdf(m).status();
      }
      if (status.ok()) {
        ++accepted;
      } else {
        ++refused;
        EXPECT_EQ(status.code(), core::Code::kInvalidArgument) << status.ToString();
        EXPECT_TRUE(Contains(status.message(), " / ")) << status.message();
      }
    }
  }
  EXPECT_GT(refused, 500);
  std::printf("damaged uploads: %d accepted, %d refused\n", accepted, refused);
}

// ---------------------------------------------------------------------------------------------
// SniffMediaType.

TEST_F(PdfToolsTest, SniffMediaTypeGoesByTheBytes) {
  TempDir dir;
  const std::string pdf = Example("commitment-letter").pdf;
  EXPECT_EQ(SniffMediaType(pdf).value(), "application/pdf");
  EXPECT_EQ(SniffMediaType(PageJpeg(dir, pdf)).value(), "image/jpeg");
  PngSpec spec;
  spec.sample = [](uint32_t, uint32_t, int) { return 0u; };
  EXPECT_EQ(SniffMediaType(EncodePng(spec)).value(), "image/png");
  ExpectRefused(SniffMediaType("").status(), "empty file", "文件为空");
  ExpectRefused(SniffMediaType("GIF89a\x01\x00\x01\x00").status(), "unsupported file type", "不支持的文件类型");
  ExpectRefused(SniffMediaType("PK\x03\x04 a zip").status(), "unsupported file type", "不支持的文件类型");
}

// ---------------------------------------------------------------------------------------------
// WrapImage.

TEST_F(PdfToolsTest, WrapsAJpegAsItIs) {
  TempDir dir;
  const std::string jpeg = PageJpeg(dir, Example("commitment-letter").pdf);
  auto wrapped = WrapImage(jpeg, "image/jpeg", "");
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  const std::string path = Write(dir, "wrapped.pdf", *wrapped);
  EXPECT_EQ(PdfInfoField(path, "Pages"), "1");
  EXPECT_TRUE(Contains(PdfInfoField(path, "Page size"), "595.276 x 841.89")) << PdfInfoField(path, "Page size");
  EXPECT_EQ(PdfInfoField(path, "CreationDate"), "");  // no date unless given
  EXPECT_EQ(PdfInfoField(path, "Subject"), "image/jpeg sha256:" + core::Sha256Hex(jpeg));
  ExpectQpdfClean(path);

  const ProcessResult list = Tool({"pdfimages", "-list", path});
  EXPECT_EQ(list.err, "");
  EXPECT_TRUE(std::regex_search(list.out, std::regex(R"(\n\s+1\s+0\s+image\s+166\s+234\s+rgb\s+3\s+8\s+jpeg)"))) << list.out;
  // pdfimages -j writes DCT images out as they are stored: the very bytes uploaded.
  ASSERT_EQ(Tool({"pdfimages", "-j", path, dir.File("out")}).exit_code, 0);
  EXPECT_EQ(testing::ReadFileOrDie(dir.File("out-000.jpg")), jpeg);

  auto again = WrapImage(jpeg, "image/jpeg", "");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *wrapped) << "not deterministic";
  auto inspected = InspectPdf(*wrapped);
  ASSERT_TRUE(inspected.ok()) << inspected.status().ToString();
  EXPECT_EQ(inspected->pages, 1);

  auto dated = WrapImage(jpeg, "image/jpeg", "2026-11-27T10:00:00+08:00");
  ASSERT_TRUE(dated.ok());
  EXPECT_EQ(PdfInfoField(Write(dir, "dated.pdf", *dated), "CreationDate"), "2026-11-27T10:00:00+08");
  ExpectRefused(WrapImage(jpeg, "image/jpeg", "yesterday").status(), "RFC 3339", "RFC 3339");
}

// A JPEG of four coloured quadrants, made by poppler from a wrapped PNG.
std::string QuadrantJpeg(const TempDir& dir) {
  PngSpec spec;
  spec.sample = [](uint32_t x, uint32_t y, int c) {
    const Rgb& q = kQuadrants[Quadrant(x, y, 40, 40)];
    return static_cast<unsigned>(c == 0 ? q.r : c == 1 ? q.g : q.b);
  };
  auto pdf = WrapImage(EncodePng(spec), "image/png", "");
  EXPECT_TRUE(pdf.ok()) << pdf.status().ToString();
  const std::string path = Write(dir, "quadrants.pdf", pdf.ok() ? *pdf : "");
  const std::string prefix = dir.File("quadrants");
  EXPECT_EQ(Tool({"pdftoppm", "-r", "30", "-jpeg", "-singlefile", path, prefix}).exit_code, 0);
  return testing::ReadFileOrDie(prefix + ".jpg");
}

TEST_F(PdfToolsTest, WrapsAJpegTheWayItsExifOrientationSays) {
  TempDir dir;
  const std::string jpeg = QuadrantJpeg(dir);
  auto upright = WrapImage(jpeg, "image/jpeg", "");
  ASSERT_TRUE(upright.ok()) << upright.status().ToString();
  ExpectQuadrants(dir, Write(dir, "upright.pdf", *upright), kQuadrants, 60);

  // An Exif APP1 segment with orientation 6: the stored image is shown turned 90° clockwise.
  const std::string tiff = std::string("MM\0*\0\0\0\x08\0\x01", 10) + std::string("\x01\x12\0\x03\0\0\0\x01\0\x06\0\0", 12) +
                           std::string("\0\0\0\0", 4);
  const std::string app1 = std::string("Exif\0\0", 6) + tiff;
  std::string turned = jpeg.substr(0, 2) + "\xFF\xE1" + static_cast<char>((app1.size() + 2) >> 8) +
                       static_cast<char>((app1.size() + 2) & 0xFF) + app1 + jpeg.substr(2);
  auto rotated = WrapImage(turned, "image/jpeg", "");
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  const std::string path = Write(dir, "rotated.pdf", *rotated);
  EXPECT_TRUE(Contains(PdfInfoField(path, "Page size"), "841.89 x 595.276")) << "a landscape page";
  ExpectQpdfClean(path);
  const Rgb turned_quadrants[4] = {kBlue, kRed, kBlack, kGreen};
  ExpectQuadrants(dir, path, turned_quadrants, 60);
}

TEST_F(PdfToolsTest, RefusesBrokenJpegs) {
  TempDir dir;
  const std::string jpeg = PageJpeg(dir, Example("commitment-letter").pdf);
  ExpectRefused(WrapImage(jpeg.substr(0, jpeg.size() / 2), "image/jpeg", "").status(), "truncated JPEG", "被截断");
  ExpectRefused(WrapImage(jpeg.substr(0, jpeg.size() - 2), "image/jpeg", "").status(), "truncated JPEG", "被截断");
  ExpectRefused(WrapImage(jpeg.substr(0, 3), "image/jpeg", "").status(), "truncated JPEG", "被截断");
  std::string bad_marker = jpeg;
  bad_marker[2 + 2 + ((static_cast<unsigned char>(jpeg[4]) << 8) | static_cast<unsigned char>(jpeg[5]))] = 'x';
  ExpectRefused(WrapImage(bad_marker, "image/jpeg", "").status(), "corrupt JPEG", "已损坏");
  // A lossless (SOF3) frame header.
  std::string lossless = jpeg;
  const size_t sof = lossless.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  lossless[sof + 1] = '\xC3';
  ExpectRefused(WrapImage(lossless, "image/jpeg", "").status(), "unsupported JPEG coding", "不支持");
  // The declared type must be what the bytes are.
  ExpectRefused(WrapImage(jpeg, "image/png", "").status(), "not the declared image/png", "不符");
  ExpectRefused(WrapImage(jpeg, "application/pdf", "").status(), "only JPEG and PNG", "只能包装");
  ExpectRefused(WrapImage("", "image/jpeg", "").status(), "empty file", "文件为空");
}

// Where the entropy-coded data of a JPEG's first scan starts (just past its SOS segment).
size_t ScanData(const std::string& jpeg) {
  const size_t sos = jpeg.find("\xFF\xDA");
  EXPECT_NE(sos, std::string::npos);
  if (sos == std::string::npos) return 0;
  return sos + 2 + ((static_cast<size_t>(static_cast<unsigned char>(jpeg[sos + 2])) << 8) |
                    static_cast<unsigned char>(jpeg[sos + 3]));
}

// The marker walk finds nothing wrong with these: only decoding the image data does.
TEST_F(PdfToolsTest, RefusesJpegsWhoseImageDataDoesNotDecode) {
  TempDir dir;
  const std::string jpeg = PageJpeg(dir, Example("commitment-letter").pdf, "40");
  ASSERT_TRUE(WrapImage(jpeg, "image/jpeg", "").ok());
  const size_t data = ScanData(jpeg), end = jpeg.size() - 2;  // up to the EOI
  ASSERT_GT(end, data + 1000);

  // Entropy-coded data scrambled in the middle (no byte made or unmade a marker).
  std::string scrambled = jpeg;
  for (size_t i = (data + end) / 2; i < (data + end) / 2 + 64; ++i) {
    const unsigned char b = static_cast<unsigned char>(scrambled[i]);
    const unsigned char x = b ^ 0x5A;
    if (b == 0xFF || x == 0xFF || static_cast<unsigned char>(scrambled[i - 1]) == 0xFF) continue;
    scrambled[i] = static_cast<char>(x);
  }
  ExpectRefused(WrapImage(scrambled, "image/jpeg", "").status(), "corrupt JPEG: the image data does not decode",
                "无法解码");

  // Cut in the middle of the image data, the end marker put back.
  std::string cut = jpeg.substr(0, (data + end) / 2);
  while (static_cast<unsigned char>(cut.back()) == 0xFF) cut.pop_back();
  cut += "\xFF\xD9";
  ExpectRefused(WrapImage(cut, "image/jpeg", "").status(), "corrupt JPEG: the image data does not decode",
                "无法解码");
}

TEST_F(PdfToolsTest, WrapsAProgressiveJpegAndRefusesOneWithTooManyScans) {
  TempDir dir;
  PngSpec spec;
  spec.sample = [](uint32_t x, uint32_t y, int c) {
    const Rgb& q = kQuadrants[Quadrant(x, y, 40, 40)];
    return static_cast<unsigned>(c == 0 ? q.r : c == 1 ? q.g : q.b);
  };
  auto page = WrapImage(EncodePng(spec), "image/png", "");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  const std::string prefix = dir.File("progressive");
  ASSERT_EQ(Tool({"pdftoppm", "-r", "30", "-jpeg", "-jpegopt", "progressive=y", "-singlefile",
                  Write(dir, "page.pdf", *page), prefix})
                .exit_code,
            0);
  const std::string jpeg = testing::ReadFileOrDie(prefix + ".jpg");
  ASSERT_NE(jpeg.find("\xFF\xC2"), std::string::npos) << "not progressive";
  auto wrapped = WrapImage(jpeg, "image/jpeg", "");
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  ExpectQuadrants(dir, Write(dir, "wrapped.pdf", *wrapped), kQuadrants, 60);

  // The last scan again and again: 101 scans and more.
  const size_t last = jpeg.rfind("\xFF\xDA");
  const std::string scan = jpeg.substr(last, jpeg.size() - 2 - last);
  std::string many = jpeg.substr(0, jpeg.size() - 2);
  for (int i = 0; i < 100; ++i) many += scan;
  many += "\xFF\xD9";
  ExpectRefused(WrapImage(many, "image/jpeg", "").status(), "too many scans in the JPEG (over 100)", "扫描段过多");
}

// A progressive CMYK JPEG of 7000 × 5700 (39.9 megapixels, under the cap), no component
// subsampled, needs 319 MB of coefficients before its first scan is read: over libjpeg's
// 256 MiB, refused before the buffers are allocated.
TEST_F(PdfToolsTest, RefusesAJpegWhoseDecoderNeedsTooMuchMemory) {
  TempDir dir;
  const std::string prefix = dir.File("cmyk");
  ASSERT_EQ(Tool({"pdftoppm", "-r", "20", "-jpegcmyk", "-jpegopt", "progressive=y", "-singlefile",
                  Write(dir, "page.pdf", Example("commitment-letter").pdf), prefix})
                .exit_code,
            0);
  std::string jpeg = testing::ReadFileOrDie(prefix + ".jpg");
  ASSERT_TRUE(WrapImage(jpeg, "image/jpeg", "").ok());
  const size_t sof = jpeg.find("\xFF\xC2");
  ASSERT_NE(sof, std::string::npos);
  ASSERT_EQ(jpeg[sof + 9], 4) << "not CMYK";
  for (size_t c = 0; c < 4; ++c) jpeg[sof + 10 + 3 * c + 1] = 0x11;  // every component at full resolution
  jpeg[sof + 5] = static_cast<char>(5700 >> 8);
  jpeg[sof + 6] = static_cast<char>(5700 & 0xFF);
  jpeg[sof + 7] = static_cast<char>(7000 >> 8);
  jpeg[sof + 8] = static_cast<char>(7000 & 0xFF);
  ExpectRefused(WrapImage(jpeg, "image/jpeg", "").status(), "the JPEG needs too much memory to decode (over 256 MiB)",
                "所需内存过多");
}

TEST_F(PdfToolsTest, RefusesOversizedJpegsFromTheFrameHeader) {
  TempDir dir;
  std::string jpeg = PageJpeg(dir, Example("commitment-letter").pdf);
  const size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  // 8000 × 6000: 48 megapixels (the image data stays that of a small page).
  jpeg[sof + 5] = static_cast<char>(6000 >> 8);
  jpeg[sof + 6] = static_cast<char>(6000 & 0xFF);
  jpeg[sof + 7] = static_cast<char>(8000 >> 8);
  jpeg[sof + 8] = static_cast<char>(8000 & 0xFF);
  const auto start = std::chrono::steady_clock::now();
  const core::Status status = WrapImage(jpeg, "image/jpeg", "").status();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ExpectRefused(status, "JPEG too large (over 40 megapixels)", "超过 4000 万像素");
  EXPECT_LT(ms, 100);
}

struct PngCase {
  std::string name;
  PngSpec spec;
  Rgb expected[4];
  bool smask = false;
  int bpc = 8;
  bool passthrough = false;  // the PNG's own IDAT stream, with PNG predictors
};

std::vector<PngCase> PngCases() {
  std::vector<PngCase> cases;
  auto rgb = [](uint32_t x, uint32_t y, int c) {
    const Rgb& q = kQuadrants[Quadrant(x, y, 40, 40)];
    return static_cast<unsigned>(c == 0 ? q.r : c == 1 ? q.g : q.b);
  };
  const Rgb grays[4] = {{0, 0, 0}, {85, 85, 85}, {170, 170, 170}, {255, 255, 255}};
  {
    PngCase c{"rgb8", {}, {kRed, kGreen, kBlue, kBlack}};
    c.spec.sample = rgb;
    c.passthrough = true;
    cases.push_back(c);
  }
  {
    PngCase c{"rgb8 interlaced", {}, {kRed, kGreen, kBlue, kBlack}};
    c.spec.sample = rgb;
    c.spec.interlace = true;
    cases.push_back(c);
  }
  {
    PngCase c{"rgb16", {}, {kRed, kGreen, kBlue, kBlack}};
    c.spec.depth = 16;
    c.spec.sample = [rgb](uint32_t x, uint32_t y, int ch) { return rgb(x, y, ch) * 257; };
    c.bpc = 16;
    c.passthrough = true;
    cases.push_back(c);
  }
  {
    PngCase c{"gray8", {}, {grays[0], grays[1], grays[2], grays[3]}};
    c.spec.color = 0;
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return static_cast<unsigned>(Quadrant(x, y, 40, 40) * 85); };
    c.passthrough = true;
    cases.push_back(c);
  }
  {
    PngCase c{"gray16", {}, {grays[0], grays[1], grays[2], grays[3]}};
    c.spec.color = 0;
    c.spec.depth = 16;
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return static_cast<unsigned>(Quadrant(x, y, 40, 40) * 85 * 257); };
    c.bpc = 16;
    c.passthrough = true;
    cases.push_back(c);
  }
  {
    PngCase c{"gray2 interlaced", {}, {grays[0], grays[1], grays[2], grays[3]}};
    c.spec.color = 0;
    c.spec.depth = 2;
    c.spec.interlace = true;
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return static_cast<unsigned>(Quadrant(x, y, 40, 40)); };
    cases.push_back(c);
  }
  {
    PngCase c{"gray1", {}, {kBlack, kWhite, kWhite, kBlack}};
    c.spec.color = 0;
    c.spec.depth = 1;
    c.spec.width = c.spec.height = 37;  // rows end inside a byte
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return (x >= 18) != (y >= 18) ? 1u : 0u; };
    c.bpc = 1;
    c.passthrough = true;
    cases.push_back(c);
  }
  {
    PngCase c{"palette4", {}, {kRed, kGreen, kBlue, kBlack}};
    c.spec.color = 3;
    c.spec.depth = 4;
    c.spec.plte = std::string("\xFF\0\0\0\xFF\0\0\0\xFF\0\0\0", 12);
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return static_cast<unsigned>(Quadrant(x, y, 40, 40)); };
    c.bpc = 4;
    c.passthrough = true;
    cases.push_back(c);
  }
  {
    PngCase c{"palette2 interlaced", {}, {kRed, kGreen, kBlue, kBlack}};  // becomes RGB
    c.spec.color = 3;
    c.spec.depth = 2;
    c.spec.interlace = true;
    c.spec.plte = std::string("\xFF\0\0\0\xFF\0\0\0\xFF\0\0\0", 12);
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return static_cast<unsigned>(Quadrant(x, y, 40, 40)); };
    cases.push_back(c);
  }
  {
    PngCase c{"palette8 with tRNS", {}, {kRed, kGreen, kBlue, kWhite}, true};  // RGB + SMask
    c.spec.color = 3;
    c.spec.plte = std::string("\xFF\0\0\0\xFF\0\0\0\xFF\0\0\0", 12);
    c.spec.trns = std::string("\xFF\xFF\xFF\0", 4);
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return static_cast<unsigned>(Quadrant(x, y, 40, 40)); };
    cases.push_back(c);
  }
  {
    PngCase c{"rgba8", {}, {kRed, kGreen, kBlue, kWhite}, true};
    c.spec.color = 6;
    c.spec.sample = [rgb](uint32_t x, uint32_t y, int ch) {
      return ch < 3 ? rgb(x, y, ch) : Quadrant(x, y, 40, 40) == 3 ? 0u : 255u;
    };
    cases.push_back(c);
  }
  {
    PngCase c{"rgba16 interlaced", {}, {kRed, kGreen, kBlue, kWhite}, true};
    c.spec.color = 6;
    c.spec.depth = 16;
    c.spec.interlace = true;
    c.spec.sample = [rgb](uint32_t x, uint32_t y, int ch) {
      return ch < 3 ? rgb(x, y, ch) * 257 : Quadrant(x, y, 40, 40) == 3 ? 0u : 65535u;
    };
    cases.push_back(c);
  }
  {
    PngCase c{"rgba8 opaque", {}, {kRed, kGreen, kBlue, kBlack}};
    c.spec.color = 6;
    c.spec.sample = [rgb](uint32_t x, uint32_t y, int ch) { return ch < 3 ? rgb(x, y, ch) : 255u; };
    cases.push_back(c);
  }
  {
    PngCase c{"gray+alpha8", {}, {grays[0], grays[1], kWhite, grays[3]}, true};
    c.spec.color = 4;
    c.spec.sample = [](uint32_t x, uint32_t y, int ch) {
      const int q = Quadrant(x, y, 40, 40);
      return ch == 0 ? static_cast<unsigned>(q * 85) : q == 2 ? 0u : 255u;
    };
    cases.push_back(c);
  }
  {
    PngCase c{"rgb8 colour key", {}, {kRed, kWhite, kBlue, kBlack}, true};
    c.spec.trns = std::string("\0\0\0\xFF\0\0", 6);  // green is transparent
    c.spec.sample = rgb;
    cases.push_back(c);
  }
  {
    PngCase c{"rgb8 colour key interlaced", {}, {kRed, kWhite, kBlue, kBlack}, true};
    c.spec.trns = std::string("\0\0\0\xFF\0\0", 6);
    c.spec.interlace = true;
    c.spec.sample = rgb;
    cases.push_back(c);
  }
  {
    PngCase c{"gray4 colour key", {}, {grays[0], kWhite, grays[2], grays[3]}, true};
    c.spec.color = 0;
    c.spec.depth = 4;
    c.spec.trns = std::string("\0\x05", 2);  // gray 5 of 15 is transparent
    c.spec.sample = [](uint32_t x, uint32_t y, int) { return static_cast<unsigned>(Quadrant(x, y, 40, 40) * 5); };
    cases.push_back(c);
  }
  return cases;
}

TEST_F(PdfToolsTest, WrapsPngsOfEveryKind) {
  for (const PngCase& c : PngCases()) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const std::string png = EncodePng(c.spec);
    ASSERT_EQ(SniffMediaType(png).value(), "image/png");
    auto wrapped = WrapImage(png, "image/png", "2026-11-27T10:00:00+08:00");
    ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
    const std::string path = Write(dir, "wrapped.pdf", *wrapped);
    EXPECT_EQ(PdfInfoField(path, "Pages"), "1");
    ExpectQpdfClean(path);
    const ProcessResult list = Tool({"pdfimages", "-list", path});
    EXPECT_EQ(list.err, "");
    const std::string size = std::to_string(c.spec.width) + R"(\s+)" + std::to_string(c.spec.height);
    EXPECT_TRUE(std::regex_search(list.out, std::regex(R"(\n\s+1\s+0\s+image\s+)" + size + R"(\s+\w+\s+\d\s+)" +
                                                       std::to_string(c.bpc) + R"(\s+image)")))
        << list.out;
    EXPECT_EQ(Contains(list.out, "smask"), c.smask) << list.out;
    EXPECT_EQ(Contains(*wrapped, "/Predictor 15"), c.passthrough);
    ExpectQuadrants(dir, path, c.expected, 3);
    auto again = WrapImage(png, "image/png", "2026-11-27T10:00:00+08:00");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *wrapped) << "not deterministic";
  }
}

TEST_F(PdfToolsTest, RefusesBrokenPngs) {
  PngSpec spec;
  spec.sample = [](uint32_t x, uint32_t y, int c) { return (x + y + static_cast<unsigned>(c)) & 0xFF; };
  const std::string png = EncodePng(spec);
  ASSERT_TRUE(WrapImage(png, "image/png", "").ok());

  // Cut anywhere: in the image data, before IEND, in the header.
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  for (size_t keep : {idat + 4 + 20, png.size() / 2, png.size() - 12, size_t{20}}) {
    ExpectRefused(WrapImage(png.substr(0, keep), "image/png", "").status(), "truncated PNG", "被截断");
  }

  // A CRC error in the header, in the image data, and in an ancillary chunk (which libpng by
  // default only warns about).
  std::string bad_crc = png;
  bad_crc[8 + 8 + 5] ^= 1;  // a byte of IHDR's data
  ExpectRefused(WrapImage(bad_crc, "image/png", "").status(), "CRC mismatch in the IHDR chunk", "校验和");
  std::string bad_idat_crc = png;  // the data is sound, its check sum is not
  const size_t idat_length = (static_cast<size_t>(static_cast<unsigned char>(png[idat - 2])) << 8) |
                             static_cast<unsigned char>(png[idat - 1]);
  bad_idat_crc[idat + 4 + idat_length] ^= 1;
  ExpectRefused(WrapImage(bad_idat_crc, "image/png", "").status(), "CRC mismatch in the IDAT chunk", "校验和");
  std::string bad_text_crc = png;
  const size_t text = png.find("tEXt");
  ASSERT_NE(text, std::string::npos);
  bad_text_crc[text + 4 + 2] ^= 1;
  ExpectRefused(WrapImage(bad_text_crc, "image/png", "").status(), "CRC mismatch in the tEXt chunk", "校验和");

  // Damaged but correctly check-summed: the zlib data itself.
  const std::string filtered = FilteredData(spec);
  std::string z = Zlib(filtered);
  for (size_t i = 10; i < 30; ++i) z[i] = static_cast<char>(z[i] ^ 0x5A);
  std::string ihdr = Be32(40) + Be32(40) + std::string("\x08\x02\0\0\0", 5);
  const std::string bad_zlib = "\x89PNG\r\n\x1a\n" + Chunk("IHDR", ihdr) + Chunk("IDAT", z) + Chunk("IEND", "");
  ExpectRefused(WrapImage(bad_zlib, "image/png", "").status(), "corrupt PNG", "已损坏");
  // The zlib stream cut in half, in sound chunks.
  const std::string half = Zlib(filtered).substr(0, z.size() / 2);
  ExpectRefused(WrapImage("\x89PNG\r\n\x1a\n" + Chunk("IHDR", ihdr) + Chunk("IDAT", half) + Chunk("IEND", ""),
                          "image/png", "")
                    .status(),
                "less image data than the image size", "少于");

  // A row filter type that does not exist.
  std::string bad_filter = filtered;
  bad_filter[0] = 7;
  ExpectRefused(WrapImage(PngFromFiltered(spec, bad_filter), "image/png", "").status(), "invalid row filter type",
                "过滤类型");
  // Too little data for the declared size, and too much.
  ExpectRefused(WrapImage(PngFromFiltered(spec, filtered.substr(0, filtered.size() - 121)), "image/png", "").status(),
                "less image data than the image size", "少于");
  ExpectRefused(WrapImage(PngFromFiltered(spec, filtered + std::string(121, '\0')), "image/png", "").status(),
                "more image data than the image size", "多于");
  // Nonsense in the header.
  PngSpec bad_depth = spec;
  bad_depth.depth = 4;  // RGB must be 8 or 16 bits
  ExpectRefused(WrapImage(PngFromFiltered(bad_depth, filtered), "image/png", "").status(),
                "invalid colour type and bit depth", "位深");
  PngSpec no_palette = spec;
  no_palette.color = 3;
  ExpectRefused(WrapImage(PngFromFiltered(no_palette, filtered), "image/png", "").status(),
                "palette image without a palette", "调色板");
  // A critical chunk nobody knows.
  ExpectRefused(WrapImage(PngFromFiltered(spec, filtered, Chunk("BEiA", "x")), "image/png", "").status(),
                "unknown critical chunk BEiA", "未知的关键块");
}

// A tiny file declaring a huge image is refused from its header: nothing is decoded, nothing
// is allocated for it, so the refusal is immediate.
TEST_F(PdfToolsTest, RefusesOversizedPngsFromTheHeader) {
  const std::string huge = DeclaredPng(10000, 10000, 8, 2);  // 100 megapixels in 100 bytes
  ASSERT_LT(huge.size(), 200u);
  const auto start = std::chrono::steady_clock::now();
  const core::Status status = WrapImage(huge, "image/png", "").status();
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ExpectRefused(status, "PNG too large (over 40 megapixels)", "超过 4000 万像素");
  EXPECT_LT(ms, 100);

  ExpectRefused(WrapImage(DeclaredPng(70000, 2, 1, 0), "image/png", "").status(),
                "PNG too large (a side over 65535 pixels)", "宽或高超过 65535 像素");
  // Under 40 megapixels but over 128 MiB of samples: 16-bit RGB at 25 megapixels (150 MB), and
  // 8-bit RGB at 36 megapixels, 108 MB, whose tRNS chunk adds an alpha plane (144 MB).
  ExpectRefused(WrapImage(DeclaredPng(5000, 5000, 16, 2), "image/png", "").status(),
                "PNG too large (over 128 MiB decoded)", "解码后超过 128 MiB");
  ExpectRefused(WrapImage(DeclaredPng(6000, 6000, 8, 2, std::string(6, '\0')), "image/png", "").status(),
                "PNG too large (over 128 MiB decoded)", "解码后超过 128 MiB");
  // Without the tRNS chunk the same image is within the caps: decoding starts, and finds the
  // token of image data too short.
  ExpectRefused(WrapImage(DeclaredPng(6000, 6000, 8, 2), "image/png", "").status(),
                "less image data than the image size", "少于");
}

// Ancillary chunks the page does not use are checked and skipped, never inflated: a zTXt and an
// iCCP chunk that inflate to 64 MiB each leave the image as it is. A chunk over 4 MiB is
// refused whatever it is.
TEST_F(PdfToolsTest, SkipsAncillaryChunksAndRefusesHugeOnes) {
  TempDir dir;
  PngSpec spec;
  spec.sample = [](uint32_t x, uint32_t y, int c) {
    const Rgb& q = kQuadrants[Quadrant(x, y, 40, 40)];
    return static_cast<unsigned>(c == 0 ? q.r : c == 1 ? q.g : q.b);
  };
  const std::string bomb = DeflatedZeros(size_t{64} << 20);
  ASSERT_LT(bomb.size(), size_t{1} << 20);
  const std::string ztxt = Chunk("zTXt", std::string("Comment\0\0", 9) + bomb);
  const std::string iccp = Chunk("iCCP", std::string("scanner\0\0", 9) + bomb);
  auto wrapped = WrapImage(PngFromFiltered(spec, FilteredData(spec), ztxt + iccp), "image/png", "");
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  ExpectQuadrants(dir, Write(dir, "wrapped.pdf", *wrapped), kQuadrants, 3);

  const std::string big = Chunk("zTXt", std::string("Comment\0\0", 9) + std::string(size_t{5} << 20, 'x'));
  ExpectRefused(WrapImage(PngFromFiltered(spec, FilteredData(spec), big), "image/png", "").status(),
                "PNG chunk zTXt too large (over 4 MiB)", "块过大");
}

// ---------------------------------------------------------------------------------------------
// Marked reprints.

// Words of `pdftotext -bbox` output as (text, xMin, yMin) on the page as shown.
struct Word {
  std::string text;
  double x = 0, y = 0;
};
std::vector<Word> Words(const std::string& path, int page) {
  const ProcessResult r = Tool({"pdftotext", "-bbox", "-f", std::to_string(page), "-l", std::to_string(page), path, "-"});
  EXPECT_EQ(r.err, "");
  std::vector<Word> words;
  static const std::regex kWord(R"re(<word xMin="([0-9.]+)" yMin="([0-9.]+)"[^>]*>([^<]*)</word>)re");
  for (auto it = std::sregex_iterator(r.out.begin(), r.out.end(), kWord); it != std::sregex_iterator(); ++it) {
    words.push_back({(*it)[3].str(), std::stod((*it)[1].str()), std::stod((*it)[2].str())});
  }
  return words;
}

TEST_F(PdfToolsTest, StampsEveryPageAsAnIncrementalUpdate) {
  TempDir dir;
  const RenderedDocument doc = Example("qualification-verification");
  const std::string& original = doc.pdf;
  const std::vector<std::string> lines = StampLines(original);
  auto stamped = engine_->StampReprint(original, lines, kAt);
  ASSERT_TRUE(stamped.ok()) << stamped.status().ToString();

  // The original is an exact prefix: its digest still verifies.
  ASSERT_GT(stamped->size(), original.size());
  EXPECT_EQ(stamped->compare(0, original.size(), original), 0);
  EXPECT_EQ(core::Sha256Hex(std::string_view(*stamped).substr(0, original.size())), core::Sha256Hex(original));
  EXPECT_LT(stamped->size() - original.size(), 32u * 1024) << "the update adds only the stamp";

  const std::string path = Write(dir, "stamped.pdf", *stamped);
  ExpectQpdfClean(path);
  EXPECT_EQ(PdfInfoField(path, "ModDate"), "2026-11-28T09:30:00+08");
  EXPECT_EQ(PdfInfoField(path, "CreationDate"), "2026-11-27T10:00:00+08");
  ASSERT_EQ(testing::PdfPages(path), doc.pages);
  for (int page = 1; page <= doc.pages; ++page) {
    const ProcessResult text = Tool({"pdftotext", "-enc", "UTF-8", "-f", std::to_string(page), "-l",
                                    std::to_string(page), path, "-"});
    EXPECT_EQ(text.err, "") << "pdftotext warned";
    const std::string flat = testing::StripWhitespace(text.out);
    for (const std::string& line : lines) EXPECT_TRUE(Contains(flat, testing::StripWhitespace(line))) << page << ": " << line;
    // At the top right of the page.
    bool found = false;
    for (const Word& w : Words(path, page)) {
      if (w.text != "补打") continue;
      found = true;
      EXPECT_GT(w.x, 595.0 / 2) << page;
      EXPECT_LT(w.y, 40) << page;
    }
    EXPECT_TRUE(found) << page;
  }

  // The stamp's font is embedded, subset, with a ToUnicode map, like the document's own.
  const ProcessResult fonts = Tool({"pdffonts", path});
  EXPECT_EQ(fonts.exit_code, 0);
  EXPECT_EQ(fonts.err, "") << "pdffonts warned";
  const ProcessResult original_fonts = Tool({"pdffonts", Write(dir, "original.pdf", original)});
  std::istringstream rows(fonts.out);
  std::string row;
  int stamp_fonts = 0;
  while (std::getline(rows, row)) {
    if (!Contains(row, "CID TrueType")) continue;
    EXPECT_TRUE(std::regex_search(row, std::regex(R"(Identity-H\s+yes\s+yes\s+yes)"))) << row;
    const std::string name = row.substr(0, row.find(' '));
    if (!Contains(original_fonts.out, name)) ++stamp_fonts;
  }
  EXPECT_GE(stamp_fonts, 1) << fonts.out;

  auto again = engine_->StampReprint(original, lines, kAt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *stamped) << "not deterministic";

  auto facts = InspectPdf(*stamped);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->pages, doc.pages);
  EXPECT_EQ(facts->producer, "beian");

  // A reprint of the reprint stacks a second update on the first.
  auto twice = engine_->StampReprint(*stamped, {"补打", "操作人：李四"}, "2026-11-29T09:00:00+08:00");
  ASSERT_TRUE(twice.ok()) << twice.status().ToString();
  EXPECT_EQ(twice->compare(0, stamped->size(), *stamped), 0);
  const std::string twice_path = Write(dir, "twice.pdf", *twice);
  ExpectQpdfClean(twice_path);
  EXPECT_TRUE(Contains(testing::PdfText(twice_path, 1), "操作人：李四"));
  EXPECT_TRUE(Contains(testing::PdfText(twice_path, 1), "操作人：张三"));
}

TEST_F(PdfToolsTest, StampsTurnedPagesAtTheTopRightAsShown) {
  TempDir dir;
  const std::string in = Write(dir, "in.pdf", Example("commitment-letter").pdf);
  for (int angle : {90, 180, 270}) {
    SCOPED_TRACE(angle);
    const std::string turned = dir.File("turned.pdf");
    ASSERT_EQ(Tool({"qpdf", "--rotate=+" + std::to_string(angle), in, turned}).exit_code, 0);
    const std::string original = testing::ReadFileOrDie(turned);
    auto stamped = engine_->StampReprint(original, StampLines(original), kAt);
    ASSERT_TRUE(stamped.ok()) << stamped.status().ToString();
    const std::string path = Write(dir, "stamped.pdf", *stamped);
    ExpectQpdfClean(path);
    const double shown_width = angle == 180 ? 595.276 : 841.89;
    bool found = false;
    for (const Word& w : Words(path, 1)) {
      if (w.text != "补打") continue;
      found = true;
      EXPECT_GT(w.x, shown_width * 0.6);
      EXPECT_LT(w.y, 40);
    }
    EXPECT_TRUE(found);
  }
}

TEST_F(PdfToolsTest, StampsAFileWithoutInfoWithoutInventingDates) {
  TempDir dir;
  // Inherited resources, a crop box, and no end of line after %%EOF.
  std::string original = HandMadePdf({"<</Type/Catalog/Pages 2 0 R>>",
                                      "<</Type/Pages/Kids[3 0 R]/Count 1/Resources<</ProcSet[/PDF]>>>>",
                                      "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/CropBox[10 10 585 832]/Contents 4 0 R>>",
                                      "<</Length 17>>\nstream\n0 0 m 100 100 l S\nendstream"});
  ExpectQpdfClean(Write(dir, "bare.pdf", original));
  while (!original.empty() && (original.back() == '\n' || original.back() == '\r')) original.pop_back();  // no final EOL
  auto stamped = engine_->StampReprint(original, {"补打", "操作人：张三"}, kAt);
  ASSERT_TRUE(stamped.ok()) << stamped.status().ToString();
  EXPECT_EQ(stamped->compare(0, original.size(), original), 0);
  const std::string path = Write(dir, "stamped.pdf", *stamped);
  ExpectQpdfClean(path);
  EXPECT_EQ(PdfInfoField(path, "CreationDate"), "");
  EXPECT_EQ(PdfInfoField(path, "ModDate"), "2026-11-28T09:30:00+08");
  EXPECT_EQ(PdfInfoField(path, "Producer"), "beian");
  EXPECT_TRUE(Contains(testing::PdfText(path, 1), "操作人：张三"));
  auto again = engine_->StampReprint(original, {"补打", "操作人：张三"}, kAt);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *stamped) << "PoDoFo's clock leaked into the update";
}

TEST_F(PdfToolsTest, StampRefusesWhatItCannotStamp) {
  TempDir dir;
  const std::string pdf = Example("commitment-letter").pdf;
  const std::string in = Write(dir, "in.pdf", pdf);
  const std::string encrypted = dir.File("encrypted.pdf");
  ASSERT_EQ(Tool({"qpdf", "--encrypt", "user", "owner", "256", "--", in, encrypted}).exit_code, 0);
  ExpectRefused(engine_->StampReprint(testing::ReadFileOrDie(encrypted), {"补打"}, kAt).status(), "encrypted PDF",
                "已加密");
  ExpectRefused(engine_->StampReprint(pdf.substr(0, pdf.size() / 2), {"补打"}, kAt).status(), "truncated PDF",
                "被截断");
  ExpectRefused(engine_->StampReprint("", {"补打"}, kAt).status(), "empty file", "文件为空");
  ExpectRefused(engine_->StampReprint(pdf, {"补打"}, "2026-11-28").status(), "RFC 3339", "RFC 3339");
  ExpectRefused(engine_->StampReprint(pdf, {}, kAt).status(), "1–16 lines", "1–16 行");
  ExpectRefused(engine_->StampReprint(pdf, {"补打", "操作人：\xF0\xB0\x80\x80"}, kAt).status(),
                "stamp line 2: character U+30000 is in no font", "没有字形");
  ExpectRefused(engine_->StampReprint(pdf, {"补打\n"}, kAt).status(), "control character", "控制字符");
  std::string long_line;
  for (int i = 0; i < 150; ++i) long_line += "补";
  ExpectRefused(engine_->StampReprint(pdf, std::vector<std::string>(16, long_line), kAt).status(),
                "does not fit on page 1", "还大");
}

}  // namespace
}  // namespace beian::render
