// OFD (GB/T 33190-2016): every kind's document, from the same layout as its PDF, validates
// against the standard's XSDs (tests/render/ofd_xsd/) with xmllint, carries every value as text
// and its data as an attachment, and is the same bytes every time.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "engine_fixture.h"
#include "printed_values.h"
#include "process.h"

namespace beian::render {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::Printed;
using testing::Squeezed;
using testing::StringsOf;


// The text of every TextCode of a page, in drawing order, XML entities decoded.
std::string TextCodes(const std::string& content) {
  std::string text;
  for (size_t at = content.find("<ofd:TextCode"); at != std::string::npos;
       at = content.find("<ofd:TextCode", at + 1)) {
    const size_t start = content.find('>', at) + 1;
    std::string code = content.substr(start, content.find("</ofd:TextCode>", start) - start);
    for (const auto& [entity, c] : std::vector<std::pair<std::string, std::string>>{
             {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}}) {
      for (size_t e = code.find(entity); e != std::string::npos; e = code.find(entity, e + 1)) {
        code.replace(e, entity.size(), c);
      }
    }
    text += code;
  }
  return text;
}



class OfdTest : public CatalogTest {
 protected:
  static RenderedDocument Render(const Kind& kind, const core::Json& data) {
    RenderOptions options;
    options.document_number = kind.number_prefix + "-20261127-TEST01";
    options.issued_at = "2026-11-27T10:00:00+08:00";
    options.verification_key = "ABCDEFGHIJKLMNOP";
    options.with_ofd = true;
    auto doc = engine_->Render(*kind.versions.at(kind.current_version), data, options);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return doc.ok() ? *doc : RenderedDocument{};
  }
};

TEST_F(OfdTest, EveryKindValidatesAgainstTheStandardsSchemasAndCarriesEveryValueAndItsData) {
  const std::string xsd = testing::SourceRoot() + "/tests/render/ofd_xsd/";
  for (const Kind* kind : catalog_->kinds()) {
    SCOPED_TRACE(kind->name);
    const RenderedDocument doc = Render(*kind, kind->example);
    ASSERT_FALSE(doc.ofd.empty());
    TempDir dir;
    testing::WriteFileOrDie(dir.File("doc.ofd"), doc.ofd);
    const testing::ProcessResult unzip = testing::Run({"unzip", "-q", dir.File("doc.ofd"), "-d", dir.File("x")});
    ASSERT_EQ(unzip.exit_code, 0) << unzip.err;
    const std::string root = dir.File("x") + "/";

    std::vector<std::pair<std::string, std::string>> files = {
        {"OFD.xml", "OFD.xsd"},
        {"Doc_0/Document.xml", "Document.xsd"},
        {"Doc_0/PublicRes.xml", "Res.xsd"},
        {"Doc_0/Attachs/Attachments.xml", "Attachments.xsd"}};
    for (int p = 0; p < doc.pages; ++p) {
      files.push_back({"Doc_0/Pages/Page_" + std::to_string(p) + "/Content.xml", "Page.xsd"});
    }
    ASSERT_FALSE(fs::exists(root + "Doc_0/Pages/Page_" + std::to_string(doc.pages))) << "one Content.xml per page";
    std::string text;
    for (const auto& [file, schema] : files) {
      const testing::ProcessResult lint =
          testing::Run({"xmllint", "--noout", "--schema", xsd + schema, root + file});
      EXPECT_EQ(lint.exit_code, 0) << file << ": " << lint.err;
      if (schema == "Page.xsd") text += TextCodes(testing::ReadFileOrDie(root + file));
    }

    // Every value of the data is on the pages as text (TextCode), and the data itself is attached.
    text = Squeezed(text);
    std::vector<std::string> values;
    StringsOf(kind->example, values);
    for (const std::string& v : values) EXPECT_TRUE(Printed(text, v)) << "\"" << v << "\" not in the OFD's text";
    EXPECT_EQ(testing::ReadFileOrDie(root + "Doc_0/Attachs/data.json"), core::WriteCanonicalJson(kind->example));
    // Each font is a TrueType program of its own, named by PublicRes.xml.
    const std::string res = testing::ReadFileOrDie(root + "Doc_0/PublicRes.xml");
    for (size_t at = res.find("<ofd:FontFile>"); at != std::string::npos; at = res.find("<ofd:FontFile>", at + 1)) {
      const std::string file = res.substr(at + 14, res.find("</ofd:FontFile>", at) - at - 14);
      const std::string font = testing::ReadFileOrDie(root + "Doc_0/Res/" + file);
      ASSERT_GE(font.size(), 12u) << file;
      EXPECT_EQ(font.substr(0, 4), std::string("\0\1\0\0", 4)) << file;
    }
  }
}

TEST_F(OfdTest, TheSameDocumentIsTheSameBytesAndThePdfIsUnchanged) {
  const Kind& kind = *catalog_->Find("qualification-verification");
  const RenderedDocument a = Render(kind, kind.example);
  const RenderedDocument b = Render(kind, kind.example);
  EXPECT_EQ(a.ofd, b.ofd);
  RenderOptions options;
  options.document_number = kind.number_prefix + "-20261127-TEST01";
  options.issued_at = "2026-11-27T10:00:00+08:00";
  options.verification_key = "ABCDEFGHIJKLMNOP";
  auto pdf_only = engine_->Render(*kind.versions.at(kind.current_version), kind.example, options);
  ASSERT_TRUE(pdf_only.ok());
  EXPECT_EQ(pdf_only->pdf, a.pdf) << "asking for the OFD too leaves the PDF as it was";
  EXPECT_TRUE(pdf_only->ofd.empty());
  const testing::ProcessResult test = [&] {
    TempDir dir;
    testing::WriteFileOrDie(dir.File("a.ofd"), a.ofd);
    return testing::Run({"unzip", "-t", dir.File("a.ofd")});
  }();
  EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
}

}  // namespace
}  // namespace beian::render
