// PDF/A-3u: every kind's document conforms by the in-repo checker, by qpdf, pdffonts and
// pdfdetach, and by Apache PDFBox's Preflight where its PDF/A-1b checks apply; the checker
// names each broken rule by its clause.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/render/pdf_tools.h"
#include "engine_fixture.h"
#include "printed_values.h"
#include "process.h"

namespace beian::render {
namespace {

using testing::TempDir;
using testing::Printed;
using testing::Squeezed;
using testing::StringsOf;




class PdfATest : public CatalogTest {
 protected:
  static std::string Render(const Kind& kind, const core::Json& data) {
    auto doc = RenderKind(kind.name, data);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    return doc.ok() ? doc->pdf : "";
  }

  // The clauses the checker names for `pdf`.
  static std::set<std::string> Clauses(const std::string& pdf) {
    auto report = CheckPdfA(pdf);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    std::set<std::string> out;
    if (report.ok()) {
      for (const PdfAFinding& f : report->findings) out.insert(f.clause);
    }
    return out;
  }

  // The commitment letter with `from` replaced by `to` (same length, so offsets hold).
  static std::string Damaged(const std::string& from, const std::string& to) {
    EXPECT_EQ(from.size(), to.size());
    std::string pdf = Render(*catalog_->Find("commitment-letter"), catalog_->Find("commitment-letter")->example);
    const size_t at = pdf.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) pdf.replace(at, from.size(), to);
    return pdf;
  }
};

TEST_F(PdfATest, EveryKindConformsExtractsEveryValueAndCarriesItsData) {
  for (const Kind* kind : catalog_->kinds()) {
    SCOPED_TRACE(kind->name);
    TempDir dir;
    const std::string path = dir.File("doc.pdf");
    const std::string pdf = Render(*kind, kind->example);
    testing::WriteFileOrDie(path, pdf);

    auto report = CheckPdfA(pdf);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->part, "3");
    EXPECT_EQ(report->conformance, "U");
    for (const PdfAFinding& f : report->findings) ADD_FAILURE() << f.clause << " " << f.message;
    EXPECT_TRUE(report->conforms());

    const testing::ProcessResult qpdf = testing::Run({"qpdf", "--check", path});
    EXPECT_EQ(qpdf.exit_code, 0) << qpdf.out << qpdf.err;
    EXPECT_EQ(qpdf.err, "");

    // pdffonts: every font embedded, subset, with a ToUnicode map.
    const testing::ProcessResult fonts = testing::Run({"pdffonts", path});
    std::istringstream lines(fonts.out);
    std::string line;
    int listed = 0;
    while (std::getline(lines, line)) {
      if (line.find("CID TrueType") == std::string::npos) continue;
      ++listed;
      EXPECT_NE(line.find("yes yes yes"), std::string::npos) << "emb sub uni: " << line;
    }
    EXPECT_GT(listed, 0) << fonts.out;

    // pdfdetach: data.json is the canonical JSON of the data rendered.
    const testing::ProcessResult listed_files = testing::Run({"pdfdetach", "-list", path});
    EXPECT_NE(listed_files.out.find(kSourceDataFile), std::string::npos) << listed_files.out;
    const std::string saved = dir.File("data.json");
    ASSERT_EQ(testing::Run({"pdfdetach", "-save", "1", "-o", saved, path}).exit_code, 0);
    EXPECT_EQ(testing::ReadFileOrDie(saved), core::WriteCanonicalJson(kind->example));
    auto embedded = EmbeddedSourceData(pdf);
    ASSERT_TRUE(embedded.ok()) << embedded.status().ToString();
    EXPECT_EQ(*embedded, core::WriteCanonicalJson(kind->example));

    // pdftotext: every string of the data is there (in drawing order, so that table cells stay whole).
    const std::string text = Squeezed(testing::PdfRawText(path));
    std::vector<std::string> values;
    StringsOf(kind->example, values);
    for (const std::string& v : values) EXPECT_TRUE(Printed(text, v)) << "\"" << v << "\" not in the text";
  }
}

TEST_F(PdfATest, APlainPdfFailsTheRulesItBreaksAndEmbedsNothing) {
  const Kind& kind = *catalog_->Find("commitment-letter");
  RenderOptions options;
  options.document_number = "CNS-20261127-TEST01";
  options.issued_at = "2026-11-27T10:00:00+08:00";
  options.verification_key = "ABCDEFGHIJKLMNOP";
  options.standard = PdfStandard::kPlain;
  auto plain = engine_->Render(*kind.versions.at(1), kind.example, options);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(Clauses(plain->pdf), (std::set<std::string>{"6.1.9", "6.2.4.3", "6.6.2.1", "6.6.4"}));
  EXPECT_EQ(EmbeddedSourceData(plain->pdf).status().code(), core::Code::kNotFound);
}

TEST_F(PdfATest, TheCheckerNamesEachBrokenRuleByItsClause) {
  EXPECT_EQ(Clauses(Damaged("%PDF-1.7", "%PDF-1.9")), std::set<std::string>{"6.1.2"});
  std::string trailing = Render(*catalog_->Find("commitment-letter"), catalog_->Find("commitment-letter")->example);
  EXPECT_EQ(Clauses(trailing + "junk\n"), std::set<std::string>{"6.1.3"});
  EXPECT_EQ(Clauses(Damaged("/ID[<", "/IX[<")), std::set<std::string>{"6.1.3"});
  EXPECT_EQ(Clauses(Damaged(" 0 obj\n<</Type/Catalog", " 0 obj <</Type/Catalog")), std::set<std::string>{"6.1.9"});
  // A width the font program does not have.
  EXPECT_EQ(Clauses(Damaged("/W[ 1[ 500", "/W[ 1[ 600")), std::set<std::string>{"6.2.11.5"});
  EXPECT_EQ(Clauses(Damaged("/ToUnicode", "/ToUnicodx")), std::set<std::string>{"6.2.11.7.2"});
  EXPECT_EQ(Clauses(Damaged("/FontFile2", "/FontFileX")), std::set<std::string>{"6.2.11.4.1"});
  EXPECT_EQ(Clauses(Damaged("/CIDToGIDMap/Identity", "/CIDToGIDMaq/Identity")), std::set<std::string>{"6.2.11.3.2"});
  EXPECT_EQ(Clauses(Damaged("/OutputIntents", "/OutputIntentX")), std::set<std::string>{"6.2.4.3"});
  EXPECT_EQ(Clauses(Damaged("/AFRelationship", "/AFRelationshiq")), std::set<std::string>{"6.8"});
  EXPECT_EQ(Clauses(Damaged("/AF[", "/AX[")), std::set<std::string>{"6.8"});
  EXPECT_EQ(Clauses(Damaged("<pdfaid:part>3</pdfaid:part>", "<pdfaid:part>2</pdfaid:part>")),
            std::set<std::string>{"6.6.4"});
  EXPECT_EQ(Clauses(Damaged("<?xpacket begin=\"\xEF\xBB\xBF\"", "<?xpacket bytes=\"\xEF\xBB\xBF\"")),
            std::set<std::string>{"6.6.2.1"});
  // A property of beian's own that its extension schema does not describe.
  EXPECT_EQ(Clauses(Damaged("<beian:Kind>commitment-letter</beian:Kind>",
                            "<beian:Kond>commitment-letter</beian:Kond>")),
            std::set<std::string>{"6.6.2.3.1"});
  EXPECT_EQ(Clauses(Damaged("<pdfaProperty:category>external</pdfaProperty:category>",
                            "<pdfaProperty:category>exterior</pdfaProperty:category>")),
            std::set<std::string>{"6.6.2.3.3"});
}

TEST_F(PdfATest, AWrongStreamLengthOrCrossReferenceOffsetIsNamed) {
  std::string pdf = Render(*catalog_->Find("commitment-letter"), catalog_->Find("commitment-letter")->example);
  // The XMP stream's /Length one short (same number of digits, so no offset moves).
  const std::string key = "/Type/Metadata/Length ";
  const size_t at = pdf.find(key);
  ASSERT_NE(at, std::string::npos);
  const size_t digits = pdf.find_first_not_of("0123456789", at + key.size()) - (at + key.size());
  const long length = std::stol(pdf.substr(at + key.size(), digits));
  std::string shorter = std::to_string(length - 1);
  ASSERT_EQ(shorter.size(), digits);
  std::string damaged = pdf;
  damaged.replace(at + key.size(), digits, shorter);
  EXPECT_EQ(Clauses(damaged).count("6.1.7.1"), 1u);
  // One byte inserted before the table: startxref no longer points at it.
  damaged = pdf;
  damaged.insert(damaged.find("\nxref\n"), " ");
  EXPECT_EQ(Clauses(damaged).count("6.1.4"), 1u);
}

TEST_F(PdfATest, AMarkedReprintOfAPdfADocumentStaysPdfA) {
  const std::string original = Render(*catalog_->Find("qualification-verification"),
                                      catalog_->Find("qualification-verification")->example);
  auto reprint = engine_->StampReprint(original, {"补打", "操作人：档案员"}, "2026-12-01T09:00:00+08:00");
  ASSERT_TRUE(reprint.ok()) << reprint.status().ToString();
  ASSERT_EQ(reprint->compare(0, original.size(), original), 0);
  auto report = CheckPdfA(*reprint);
  ASSERT_TRUE(report.ok());
  for (const PdfAFinding& f : report->findings) ADD_FAILURE() << f.clause << " " << f.message;
  EXPECT_TRUE(report->conforms());
}

// A valid ID number (GB 11643 check character) for a test person.
std::string IdNumber(const std::string& first17) {
  static const int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[static_cast<size_t>(i)] - '0') * kWeights[i];
  return first17 + "10X98765432"[sum % 11];
}

TEST_F(PdfATest, RareCharactersInNamesPrintAndExtractAndOneNoFontHasIsAClearError) {
  const Kind& kind = *catalog_->Find("qualification-verification");
  // 𠮷 (U+20BB7) and 𪚥 (U+2A6A5) of Extension B, 𬺰 (U+2CEB0) of F, 𫠠 (U+2B820) of E, 〇, 堃.
  const std::vector<std::string> names = {"𠮷祥", "王𪚥", "李〇", "张堃", "刘𬺰", "陈𫠠"};
  core::Json data = kind.example;
  core::Json& staff = *data.Find("staff");
  for (size_t i = 0; i < names.size(); ++i) {
    core::Json person = staff.as_array().back();
    const std::string id = IdNumber("11010519800101" + std::to_string(100 + i));
    person.Set("name", names[i]);
    person.Set("id_number", id);
    person.Set("gender", std::string((id[16] - '0') % 2 == 1 ? "男" : "女"));
    staff.Push(std::move(person));
  }
  data.Find("enterprise")->Set("registered_address", std::string("北京市朝阳区𠮷祥路8号"));
  TempDir dir;
  const std::string path = dir.File("rare.pdf");
  const std::string pdf = Render(kind, data);
  testing::WriteFileOrDie(path, pdf);
  const std::string text = testing::PdfRawText(path);
  for (const std::string& n : names) EXPECT_NE(text.find(n), std::string::npos) << n;
  EXPECT_NE(text.find("北京市朝阳区𠮷祥路8号"), std::string::npos);
  const std::string fonts = testing::Run({"pdffonts", path}).out;
  EXPECT_NE(fonts.find("HanaMinB"), std::string::npos) << "Extension E and F come from HanaMinB: " << fonts;
  auto report = CheckPdfA(pdf);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->conforms()) << (report->findings.empty() ? "" : report->findings[0].message);

  // U+30000 (Extension G) is in no font: refused, naming the field and the character.
  staff.as_array().back().Set("name", std::string("王𰀀"));
  auto refused = RenderKind(kind.name, data);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), core::Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("/staff/" + std::to_string(staff.size() - 1) + "/name"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("U+30000"), std::string::npos) << refused.status().message();
}

// Apache PDFBox Preflight checks PDF/A-1b only. What PDF/A-1 forbids and PDF/A-3 allows is not
// held against the documents: embedded files (1.2.9, 1.4.7), the CIDSet PDF/A-1 requires and
// PDF/A-2/3 make optional (3.1.11), and part 3 / level U in the identification (7.11.1, 7.11.2).
// Everything else it checks — syntax, fonts and their widths, colour, metadata against the
// Info dictionary — must pass. docs/pdfa.md lists the codes.
TEST_F(PdfATest, PdfBoxPreflightFindsOnlyWhatPdfA1AloneForbids) {
  const std::string jars = "/usr/share/java";
  std::string classpath;
  for (const char* jar : {"preflight.jar", "pdfbox2.jar", "xmpbox.jar", "fontbox2.jar", "commons-logging.jar",
                          "javax.activation.jar", "jaxb-api.jar"}) {
    ASSERT_TRUE(std::filesystem::exists(jars + "/" + jar))
        << jars << "/" << jar << " is missing: scripts/deps.sh --test installs libpdfbox2-java and its helpers";
    classpath += (classpath.empty() ? "" : ":") + jars + "/" + jar;
  }
  const std::set<std::string> pdfa1_only = {"1.2.9", "1.4.7", "3.1.11", "7.11.1", "7.11.2"};
  for (const Kind* kind : catalog_->kinds()) {
    SCOPED_TRACE(kind->name);
    TempDir dir;
    const std::string path = dir.File("doc.pdf");
    testing::WriteFileOrDie(path, Render(*kind, kind->example));
    const testing::ProcessResult r =
        testing::Run({"java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", "xml", path});
    ASSERT_NE(r.out.find("<preflight"), std::string::npos) << r.out << r.err;
    int codes = 0;
    for (size_t at = r.out.find("<code>"); at != std::string::npos; at = r.out.find("<code>", at + 1)) {
      const std::string code = r.out.substr(at + 6, r.out.find("</code>", at) - at - 6);
      ++codes;
      EXPECT_EQ(pdfa1_only.count(code), 1u) << "Preflight: " << code << "\n" << r.out;
    }
    EXPECT_GE(codes, 3) << "Preflight read the file and named the PDF/A-1-only items: " << r.out;
  }
}

}  // namespace
}  // namespace beian::render
