// The golden renderer: for every kind and template version, tests/golden/<kind>/v<N>/ holds the
// data, number, issue time and key of one document, the SHA-256 of its PDF in each standard
// (pdf.sha256: the plain PDF of documents issued before PDF/A; pdfa-3u.sha256), of its OFD
// (ofd.sha256) and a text dump.
// Archived documents are re-rendered byte for byte for decades (verify, reprints), so a change in
// render/ that alters the bytes of an existing kind-version fails here; such a change ships as a
// new template version. BEIAN_UPDATE_GOLDEN=1 writes the files anew (for a new kind or version,
// or a change made on purpose and said so in its commit).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "engine_fixture.h"
#include "process.h"

namespace beian::render {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// pdftotext in reading order, one line per line, trailing spaces dropped: what a reader sees.
std::string TextDump(const std::string& pdf) {
  TempDir dir;
  const std::string path = dir.File("golden.pdf");
  testing::WriteFileOrDie(path, pdf);
  const std::string raw = testing::Run({"pdftotext", "-enc", "UTF-8", "-layout", path, "-"}).out;
  std::string out;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\n', start);
    if (end == std::string::npos) end = raw.size();
    std::string line = raw.substr(start, end - start);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\f')) line.pop_back();
    out += line;
    out.push_back('\n');
    start = end + 1;
  }
  return out;
}

class GoldenTest : public CatalogTest {};

TEST_F(GoldenTest, EveryKindAndTemplateVersionRendersItsGoldenBytes) {
  const char* switch_value = std::getenv("BEIAN_UPDATE_GOLDEN");
  const bool update = switch_value != nullptr && std::string(switch_value) == "1";
  int checked = 0;
  for (const Kind* kind : catalog_->kinds()) {
    for (const auto& [version, tmpl] : kind->versions) {
      SCOPED_TRACE(kind->name + " v" + std::to_string(version));
      const fs::path dir = fs::path(testing::SourceRoot()) / "tests" / "golden" / kind->name /
                           ("v" + std::to_string(version));
      if (update && !fs::exists(dir / "data.json")) {
        fs::create_directories(dir);
        core::Json meta = core::Json::MakeObject();
        meta.Set("number", kind->number_prefix + "-20261127-GOLDEN");
        meta.Set("issued_at", std::string("2026-11-27T10:00:00+08:00"));
        meta.Set("verification_key", std::string("GOLDENKEY234567A"));
        testing::WriteFileOrDie((dir / "data.json").string(), core::WritePrettyJson(kind->example) + "\n");
        testing::WriteFileOrDie((dir / "document.json").string(), core::WritePrettyJson(meta) + "\n");
      }
      ASSERT_TRUE(fs::exists(dir / "data.json"))
          << dir << " is missing: every kind-version needs a golden document (BEIAN_UPDATE_GOLDEN=1)";
      auto data = core::ParseJson(testing::ReadFileOrDie((dir / "data.json").string()));
      auto meta = core::ParseJson(testing::ReadFileOrDie((dir / "document.json").string()));
      ASSERT_TRUE(data.ok() && meta.ok());
      RenderOptions options;
      options.document_number = meta->Find("number")->as_string();
      options.issued_at = meta->Find("issued_at")->as_string();
      options.verification_key = meta->Find("verification_key")->as_string();
      // Each standard an archived document may have been issued in keeps its own bytes.
      for (const auto& [standard, digest_file] : {std::pair{PdfStandard::kPlain, "pdf.sha256"},
                                                  std::pair{PdfStandard::kPdfA3u, "pdfa-3u.sha256"}}) {
        SCOPED_TRACE(digest_file);
        options.standard = standard;
        auto doc = engine_->Render(*tmpl, *data, options);
        ASSERT_TRUE(doc.ok()) << doc.status().ToString();
        const std::string digest = core::Sha256Hex(doc->pdf) + "\n";
        const std::string text = TextDump(doc->pdf);
        if (update) {
          testing::WriteFileOrDie((dir / digest_file).string(), digest);
          testing::WriteFileOrDie((dir / "text.txt").string(), text);
        }
        EXPECT_EQ(testing::ReadFileOrDie((dir / "text.txt").string()), text)
            << "the text of " << kind->name << " v" << version << " changed";
        EXPECT_EQ(testing::ReadFileOrDie((dir / digest_file).string()), digest)
            << "the bytes of " << kind->name << " v" << version
            << " changed: archived documents would no longer re-render as filed. Ship the change as a "
               "new template version, or, if it is meant, run with BEIAN_UPDATE_GOLDEN=1 and say why";
      }
      // The OFD issued beside the PDF/A document.
      options.standard = PdfStandard::kPdfA3u;
      options.with_ofd = true;
      auto both = engine_->Render(*tmpl, *data, options);
      ASSERT_TRUE(both.ok()) << both.status().ToString();
      const std::string ofd_digest = core::Sha256Hex(both->ofd) + "\n";
      if (update) testing::WriteFileOrDie((dir / "ofd.sha256").string(), ofd_digest);
      EXPECT_EQ(testing::ReadFileOrDie((dir / "ofd.sha256").string()), ofd_digest)
          << "the OFD bytes of " << kind->name << " v" << version << " changed (see above)";
      ++checked;
    }
  }
  EXPECT_GE(checked, static_cast<int>(catalog_->kinds().size()));
}

}  // namespace
}  // namespace beian::render
