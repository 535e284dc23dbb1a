// Render benchmark: prints figures, asserts nothing.
//
//   render_bench [--runs N] [--no-large]
//
// 1. The 11-page 资质核查信息表 (120 staff, 60 projects), warm, in one process, as PDF/A-3u with its
//    data embedded, as the plain PDF of earlier documents, and as PDF/A-3u and OFD from one layout
//    (what beian issues; the bytes are the OFD's):
//    "docno" = the same data with a new document number per render;
//    "seeds" = a different data set per render (generated before timing), as a service sees.
//    Median and p90 ms per document, bytes, pages.
// 2. A 10,000-row staff table in a child process: ms, pages, bytes and the child's peak RSS.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "synthetic_data.h"

namespace {

using Clock = std::chrono::steady_clock;
using beian::core::Json;

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[i];
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Setup {
  std::unique_ptr<beian::render::Engine> engine;
  std::unique_ptr<beian::render::Catalog> catalog;
};

Setup Open(const std::string& root) {
  Setup s;
  auto manifest = beian::render::ParseFontManifest(ReadFile(root + "/fonts/manifest.json"));
  auto engine = beian::render::Engine::Create(manifest.value(), std::make_shared<beian::render::FileFontSource>());
  if (engine.ok()) {
    if (beian::core::Status fonts = (*engine)->LoadFonts(); !fonts.ok()) engine = fonts;
  }
  if (!engine.ok()) {
    std::fprintf(stderr, "%s\n", engine.status().ToString().c_str());
    std::exit(1);
  }
  s.engine = std::move(engine).value();
  auto catalog = beian::render::Catalog::Load(root + "/templates", *s.engine);
  if (!catalog.ok()) {
    std::fprintf(stderr, "%s\n", catalog.status().ToString().c_str());
    std::exit(1);
  }
  s.catalog = std::make_unique<beian::render::Catalog>(std::move(catalog).value());
  return s;
}

beian::render::RenderOptions Options(int i, beian::render::PdfStandard standard = beian::render::PdfStandard::kPdfA3u) {
  beian::render::RenderOptions o;
  o.standard = standard;
  char number[64];
  std::snprintf(number, sizeof number, "ZZHC-2026-%06d", i);
  o.document_number = number;
  o.issued_at = "2026-11-27T10:00:00+08:00";
  o.verification_key = "ABCDEFGHIJKLMNOP";
  if (const char* level = std::getenv("BEIAN_DEFLATE_LEVEL")) o.compression_level = std::atoi(level);
  return o;
}

// `with_ofd`: the OFD too, from the same layout (ms for both; bytes of the OFD).
void Phase(const char* name, const Setup& s, const std::vector<Json>& data, int runs,
           beian::render::PdfStandard standard, bool with_ofd = false) {
  const beian::render::Kind* kind = s.catalog->Find("qualification-verification");
  const auto& tmpl = *kind->versions.at(kind->current_version);
  std::vector<double> ms;
  size_t bytes = 0;
  int pages = 0;
  for (int i = 0; i < runs + 3; ++i) {
    const Json& d = data[static_cast<size_t>(i) % data.size()];
    auto t0 = Clock::now();
    beian::render::RenderOptions options = Options(i, standard);
    options.with_ofd = with_ofd;
    auto doc = s.engine->Render(tmpl, d, options);
    double t = Ms(t0);
    if (!doc.ok()) {
      std::fprintf(stderr, "render failed: %s\n", doc.status().ToString().c_str());
      std::exit(1);
    }
    if (i >= 3) ms.push_back(t);  // three warm-up renders
    bytes = with_ofd ? doc->ofd.size() : doc->pdf.size();
    pages = doc->pages;
  }
  std::printf("%-30s %8.2f %8.2f %8.2f %9zu %6d %6d\n", name, Percentile(ms, 0.5), Percentile(ms, 0.9),
              *std::min_element(ms.begin(), ms.end()), bytes, pages, runs);
}

void Large(const std::string& root, int rows) {
  int fds[2];
  if (pipe(fds) != 0) return;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    Setup s = Open(root);
    Json data = beian::testing::MakeQualificationData(rows, 0, 11);
    const beian::render::Kind* kind = s.catalog->Find("qualification-verification");
    auto t0 = Clock::now();
    auto doc = s.engine->Render(*kind->versions.at(kind->current_version), data, Options(1));
    double t = Ms(t0);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    char line[256];
    int n = std::snprintf(line, sizeof line, "%-28s %8.1f %6d %10zu %10.1f\n",
                          ("staff table, " + std::to_string(rows) + " rows").c_str(), t,
                          doc.ok() ? doc->pages : -1, doc.ok() ? doc->pdf.size() : 0,
                          static_cast<double>(ru.ru_maxrss) / 1024.0);
    if (write(fds[1], line, static_cast<size_t>(n)) < 0) _exit(1);
    _exit(doc.ok() ? 0 : 1);
  }
  close(fds[1]);
  char buf[512];
  ssize_t n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (n > 0) {
    buf[n] = 0;
    std::fputs(buf, stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 60;
  bool large = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--no-large") == 0) large = false;
  }
  const char* env = std::getenv("BEIAN_ROOT");
  const std::string root = env != nullptr ? env : BEIAN_SOURCE_ROOT;

  std::printf("beian render benchmark (one process, warm; ms per document)\n\n");
  auto t0 = Clock::now();
  Setup s = Open(root);
  std::printf("engine start (fonts checked and loaded, templates compiled): %.1f ms\n\n", Ms(t0));
  std::printf("%-30s %8s %8s %8s %9s %6s %6s\n", "case (120 staff, 60 proj.)", "median", "p90", "min",
              "bytes", "pages", "runs");
  std::vector<Json> same = {beian::testing::MakeQualificationData(120, 60, 1)};
  using beian::render::PdfStandard;
  Phase("11-page form, docno, A-3u", s, same, runs, PdfStandard::kPdfA3u);
  std::vector<Json> seeds;
  for (int i = 0; i < 16; ++i) seeds.push_back(beian::testing::MakeQualificationData(120, 60, 100 + static_cast<uint64_t>(i)));
  Phase("11-page form, seeds, A-3u", s, seeds, runs, PdfStandard::kPdfA3u);
  Phase("11-page form, seeds, plain", s, seeds, runs, PdfStandard::kPlain);
  Phase("11-page form, seeds, A-3u+OFD", s, seeds, runs, PdfStandard::kPdfA3u, /*with_ofd=*/true);

  if (large) {
    std::printf("\n%-28s %8s %6s %10s %10s\n", "case (child process)", "ms", "pages", "bytes", "peak RSS MB");
    Large(root, 10000);
  }
  return 0;
}
