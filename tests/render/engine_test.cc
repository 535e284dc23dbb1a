// The render engine with small templates written here: line breaking, fallback, tables,
// determinism and errors, checked on the real PDF with poppler's tools.
#include "beian/render/engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "engine_fixture.h"
#include "process.h"

namespace beian::render {
namespace {

using testing::PdfText;

using testing::TempDir;

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = OpenEngine();
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value().release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  static std::string Wrap(const std::string& body, const std::string& styles = "") {
    return R"(<template kind="test" version="1" title="测试">
  <page size="A4" margin="20 20 25 20"/>
  <styles>)" + styles + R"(</styles>
  <running>
    <text place="footer-center" class="page-number">第 {$page} 页 共 {$pages} 页</text>
    <text place="footer-left">文书编号：{$number}</text>
    <qr place="footer-right" size="16"/>
  </running>
  <section>)" + body + "</section></template>";
  }

  static core::Result<RenderedDocument> RenderXml(const std::string& xml, const std::string& json,
                                                  const std::string& issued_at = "2026-11-27T10:00:00+08:00",
                                                  PdfStandard standard = PdfStandard::kPdfA3u) {
    auto tmpl = engine_->Compile(xml);
    if (!tmpl.ok()) return tmpl.status();
    auto data = core::ParseJson(json);
    if (!data.ok()) return data.status();
    RenderOptions options;
    options.document_number = "TEST-20261127-0001";
    options.issued_at = issued_at;
    options.verification_key = "ABCDEFGHIJKLMNOP";
    options.standard = standard;
    return engine_->Render(*tmpl.value(), data.value(), options);
  }

  // Renders to a file in `dir` and returns its path (fails the test on error).
  static std::string RenderToFile(const TempDir& dir, const std::string& xml, const std::string& json) {
    auto doc = RenderXml(xml, json);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
    const std::string path = dir.File("out.pdf");
    testing::WriteFileOrDie(path, doc.ok() ? doc->pdf : "");
    return path;
  }

  static Engine* engine_;
};

Engine* EngineTest::engine_ = nullptr;

TEST_F(EngineTest, ClosingPunctuationNeverStartsALineAndOpeningNeverEndsOne) {
  TempDir dir;
  // A narrow column forces many breaks around punctuation.
  const std::string text =
      "本公司已阅读并了解国家和北京市关于物业服务企业资质核查工作的相关规定，并承诺所填报信息及"
      "提交资料真实、完整、合法、有效。如有隐瞒（包括虚假填报）、虚假，本公司愿承担《物业管理条例》"
      "规定的一切法律责任；特此承诺！物业服务企业（盖章）：「北京」。";
  const std::string path = RenderToFile(
      dir, Wrap(R"(<grid cols="31"><row><cell>{text}</cell></row></grid>)"),
      R"({"text": ")" + text + "\"}");
  const std::string raw = beian::testing::Run({"pdftotext", "-enc", "UTF-8", path, "-"}).out;
  int lines = 0;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\n', start);
    if (end == std::string::npos) end = raw.size();
    const std::string line = raw.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line.find("页") != std::string::npos || line.find("文书编号") != std::string::npos) continue;
    ++lines;
    for (const char* bad : {"。", "，", "、", "；", "：", "！", "）", "》", "」"}) {
      EXPECT_NE(line.rfind(bad, 0), 0u) << "line starts with " << bad << ": " << line;
    }
    for (const char* bad : {"（", "《", "「"}) {
      const std::string b = bad;
      EXPECT_FALSE(line.size() >= b.size() && line.compare(line.size() - b.size(), b.size(), b) == 0)
          << "line ends with " << bad << ": " << line;
    }
  }
  EXPECT_GT(lines, 8) << raw;
  EXPECT_NE(testing::StripWhitespace(raw).find(testing::StripWhitespace(text)), std::string::npos);
}

TEST_F(EngineTest, CharacterMissingFromTheSongFontFallsBackAlongTheChain) {
  TempDir dir;
  // gbsn00lp has neither 〇 (U+3007) nor ㎡ (U+33A1); uming has both.
  const std::string path =
      RenderToFile(dir, Wrap("<p>{when}，面积 1200㎡，负责人 {name}</p>"),
                   R"({"when": "二〇二六年", "name": "王喆"})");
  EXPECT_NE(PdfText(path).find("二〇二六年，面积1200㎡，负责人王喆"), std::string::npos) << PdfText(path);
  const std::string fonts = beian::testing::Run({"pdffonts", path}).out;
  EXPECT_NE(fonts.find("BousungEG-Light-GB"), std::string::npos) << fonts;
  EXPECT_NE(fonts.find("UMingCN"), std::string::npos) << fonts;
}

TEST_F(EngineTest, CharacterNoFontHasIsAnErrorNamingItAndTheField) {
  auto doc = RenderXml(Wrap("<p>{staff.0.name}</p>"), R"({"staff": [{"name": "张\uDB80\uDC00"}]})");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), core::Code::kInvalidArgument);
  EXPECT_NE(doc.status().message().find("U+F0000"), std::string::npos) << doc.status().message();
  EXPECT_NE(doc.status().message().find("/staff/0/name"), std::string::npos) << doc.status().message();
}

TEST_F(EngineTest, SameInputGivesSameBytesAndAnyChangeChangesThem) {
  const std::string xml = Wrap("<p>{a}</p><p>{b|date}</p>");
  const std::string json = R"({"a": "北京市朝阳区", "b": "2026-11-27"})";
  auto one = RenderXml(xml, json);
  auto two = RenderXml(xml, json);
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(core::Sha256Hex(one->pdf), core::Sha256Hex(two->pdf));
  auto changed_field = RenderXml(xml, R"({"a": "北京市海淀区", "b": "2026-11-27"})");
  auto changed_time = RenderXml(xml, json, "2026-11-27T10:00:01+08:00");
  ASSERT_TRUE(changed_field.ok() && changed_time.ok());
  EXPECT_NE(core::Sha256Hex(one->pdf), core::Sha256Hex(changed_field->pdf));
  EXPECT_NE(core::Sha256Hex(one->pdf), core::Sha256Hex(changed_time->pdf));
}

// Names (tag+face) of the fonts pdffonts lists for `pdf` with `face` in them.
std::vector<std::string> FontsOf(const TempDir& dir, const std::string& pdf, const std::string& face) {
  const std::string path = dir.File("fonts.pdf");
  testing::WriteFileOrDie(path, pdf);
  const std::string listing = beian::testing::Run({"pdffonts", path}).out;
  std::vector<std::string> names;
  size_t at = 0;
  while ((at = listing.find('+' + face, at)) != std::string::npos) {
    names.push_back(listing.substr(at - 6, 7 + face.size()));
    at += face.size();
  }
  return names;
}

TEST_F(EngineTest, TemplateTextAndDataAreEmbeddedAsTwoSubsetsAndTheCacheNeverShowsInTheBytes) {
  TempDir dir;
  const std::string xml = Wrap("<p>承诺人：{a}</p><p>联系电话：{b}</p>");
  // The second name shares 承 and 诺 with the template's text, drawn from its font.
  auto one = RenderXml(xml, R"({"a": "王建国", "b": "13800000000"})");
  auto two = RenderXml(xml, R"({"a": "李承诺", "b": "010-12345678"})");
  ASSERT_TRUE(one.ok() && two.ok());
  const std::vector<std::string> fonts_one = FontsOf(dir, one->pdf, "BousungEG-Light-GB");
  const std::vector<std::string> fonts_two = FontsOf(dir, two->pdf, "BousungEG-Light-GB");
  ASSERT_EQ(fonts_one.size(), 2u);
  ASSERT_EQ(fonts_two.size(), 2u);
  EXPECT_EQ(fonts_one[0], fonts_two[0]) << "the template text's subset is the same in both";
  EXPECT_NE(fonts_one[1], fonts_two[1]) << "the data's subsets differ";
  const std::string path = dir.File("two.pdf");
  testing::WriteFileOrDie(path, two->pdf);
  const std::string text = testing::StripWhitespace(PdfText(path));
  EXPECT_NE(text.find("承诺人：李承诺"), std::string::npos) << text;
  EXPECT_NE(text.find("联系电话：010-12345678"), std::string::npos) << text;

  // A new engine (nothing cached) gives the same bytes as this one (everything cached).
  auto fresh = OpenEngine();
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  auto tmpl = fresh.value()->Compile(xml);
  ASSERT_TRUE(tmpl.ok()) << tmpl.status().ToString();
  RenderOptions options;
  options.document_number = "TEST-20261127-0001";
  options.issued_at = "2026-11-27T10:00:00+08:00";
  options.verification_key = "ABCDEFGHIJKLMNOP";
  auto again = fresh.value()->Render(*tmpl.value(), core::ParseJson(R"({"a": "李承诺", "b": "010-12345678"})").value(),
                                     options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(core::Sha256Hex(again->pdf), core::Sha256Hex(two->pdf));
}

TEST_F(EngineTest, QrCodeOnEveryPageReadsAsNumberAndKey) {
  TempDir dir;
  const std::string path = RenderToFile(dir, Wrap("<p>第一页</p><pagebreak/><p>第二页</p>"), "{}");
  ASSERT_EQ(testing::PdfPages(path), 2);
  for (int page = 1; page <= 2; ++page) {
    const std::string prefix = dir.File("p" + std::to_string(page));
    ASSERT_EQ(beian::testing::Run({"pdftoppm", "-r", "150", "-f", std::to_string(page), "-l", std::to_string(page),
                                   "-singlefile", "-png", path, prefix})
                  .exit_code,
              0);
    testing::ProcessResult scan = beian::testing::Run({"zbarimg", "-q", "--raw", prefix + ".png"});
    EXPECT_NE(scan.out.find("beian:verify/TEST-20261127-0001?key=ABCDEFGHIJKLMNOP"), std::string::npos)
        << "page " << page << ": " << scan.out << scan.err;
  }
}

TEST_F(EngineTest, CreationDateComesFromTheIssueTime) {
  TempDir dir;
  const std::string path = RenderToFile(dir, Wrap("<p>日期</p>"), "{}");
  const std::string info = beian::testing::Run({"pdfinfo", "-isodates", path}).out;
  EXPECT_NE(info.find("2026-11-27T10:00:00+08"), std::string::npos) << info;
}

TEST_F(EngineTest, TableHeaderRepeatsWithContinuedCaptionOnEveryPage) {
  TempDir dir;
  std::string rows = "[";
  for (int i = 0; i < 150; ++i) rows += std::string(i ? "," : "") + "{\"name\": \"人员" + std::to_string(i + 1) + "\"}";
  rows += "]";
  const std::string path = RenderToFile(dir, Wrap(R"(
    <table each="staff" cols="30 140" caption="人员名单" continued="（续表）">
      <head><row><cell>序号</cell><cell>姓名</cell></row></head>
      <row><cell>{$index}</cell><cell>{name}</cell></row>
    </table>)"), R"({"staff": )" + rows + "}");
  const int pages = testing::PdfPages(path);
  ASSERT_GE(pages, 3);
  for (int p = 1; p <= pages; ++p) {
    const std::string text = PdfText(path, p);
    EXPECT_EQ(text.find(p == 1 ? "人员名单序号姓名" : "人员名单（续表）序号姓名"), 0u) << "page " << p << ": " << text.substr(0, 80);
    EXPECT_NE(text.find("第" + std::to_string(p) + "页共" + std::to_string(pages) + "页"), std::string::npos);
  }
  EXPECT_NE(PdfText(path, pages).find("150人员150"), std::string::npos);
}

TEST_F(EngineTest, TableNoteNeverStandsAloneAtThePageTop) {
  // Whatever the number of rows, the page that carries the note also carries the last row.
  const std::string xml = Wrap(R"(
    <table each="staff" cols="30 140" caption="人员名单" continued="（续表）">
      <head><row><cell>序号</cell><cell>姓名</cell></row></head>
      <row><cell>{$index}</cell><cell>{name}</cell></row>
      <note><p space-before="2">注：本名单可复制加页。</p><p>填表人签字：</p></note>
    </table>)");
  for (int n = 28; n <= 40; ++n) {
    std::string rows = "[";
    for (int i = 0; i < n; ++i) rows += std::string(i ? "," : "") + "{\"name\": \"人员" + std::to_string(i + 1) + "\"}";
    TempDir dir;
    const std::string path = RenderToFile(dir, xml, R"({"staff": )" + rows + "]}");
    const int pages = testing::PdfPages(path);
    const std::string last = testing::PdfRawText(path, pages);
    EXPECT_NE(last.find("注：本名单可复制加页。"), std::string::npos) << n << " rows";
    EXPECT_NE(last.find("人员" + std::to_string(n)), std::string::npos) << n << " rows: the note is alone on page " << pages;
  }
}

TEST_F(EngineTest, EmptyArrayPrintsOneNoneRow) {
  TempDir dir;
  const std::string path = RenderToFile(dir, Wrap(R"(
    <table each="projects" cols="30 140">
      <head><row><cell>序号</cell><cell>项目名称</cell></row></head>
      <row><cell>{$index}</cell><cell>{name}</cell></row>
    </table>)"), R"({"projects": []})");
  EXPECT_NE(PdfText(path).find("序号项目名称无"), std::string::npos) << PdfText(path);
}

TEST_F(EngineTest, RowTallerThanAPageIsAnErrorNamingTheRow) {
  std::string long_text(3000, 'x');
  std::string huge;
  for (int i = 0; i < 400; ++i) huge += "很长的内容";
  auto doc = RenderXml(Wrap(R"(
    <table each="items" cols="20 150">
      <head><row><cell>序号</cell><cell>内容</cell></row></head>
      <row><cell>{$index}</cell><cell>{text}</cell></row>
    </table>)"), R"({"items": [{"text": "短"}, {"text": ")" + huge + huge + huge + "\"}]}");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("/items/1"), std::string::npos) << doc.status().message();
}

TEST_F(EngineTest, FormattersPrintChineseDatesAmountsAndMaskedIds) {
  TempDir dir;
  const std::string path = RenderToFile(
      dir, Wrap("<p>{d|date}|{c|amount}|{n|number}|{id|mask_id}|{t|join:、}|{s|sum:a}|{x|default:无}|{b|yesno}</p>"),
      R"({"d": "2026-01-05", "c": 1000, "n": 11842901, "id": "11010519720314325X",
          "t": ["住宅", "办公楼"], "s": [{"a": 1.5}, {"a": 2}], "b": false})");
  EXPECT_NE(PdfText(path).find("2026年1月5日|1,000.00|11,842,901|110105********325X|住宅、办公楼|3.5|无|否"),
            std::string::npos)
      << PdfText(path);
}

// An amount wider than 64 characters was printed from a buffer to_chars had left unwritten.
TEST_F(EngineTest, AmountOfAnyMagnitudeIsPrintedInFull) {
  TempDir dir;
  const std::string path = RenderToFile(dir, Wrap("<p>{c|amount}</p><p>{d|amount:0}</p>"),
                                        R"({"c": 1e70, "d": -1.5e300})");
  const std::string text = PdfText(path);
  EXPECT_NE(text.find("10,000,000,000,000,000,725,314,363,815,292,351,261,583,744,096,465,219,555,182,101,554,790,400.00"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("-1,500,000,000,000,000,"), std::string::npos) << text;
}

// The date formatters read dates as core::ParseDate does: a day that does not
// exist is never printed on a form.
TEST_F(EngineTest, DateFormattersRefuseDaysThatDoNotExist) {
  for (const char* d : {"2026-02-30", "2026年2月30日", "2026-13-01", "1899-12-31"}) {
    auto doc = RenderXml(Wrap("<p>{d|date}</p>"), std::string(R"({"d": ")") + d + "\"}");
    ASSERT_FALSE(doc.ok()) << d;
    EXPECT_EQ(doc.status().code(), core::Code::kInvalidArgument) << d;
    EXPECT_NE(doc.status().message().find("not a date"), std::string::npos) << doc.status().message();
  }
  auto time = RenderXml(Wrap("<p>{d|year}|{d|month}|{d|day}</p>"), R"({"d": "2024-02-29T09:30:00+08:00"})");
  EXPECT_TRUE(time.ok()) << time.status().ToString();
}

TEST_F(EngineTest, TemplateErrorsNameTheElement) {
  auto unknown = engine_->Compile(Wrap("<para>x</para>"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("<para>"), std::string::npos) << unknown.status().message();
  auto deep = engine_->Compile(Wrap(R"(<grid cols="85 85"><row><cell>a</cell><cell>b</cell></row>)"
                                    R"(<row><cell>c</cell><cell spam="1">d</cell></row></grid>)"));
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("/template/section/grid/row[2]/cell[2]"), std::string::npos)
      << deep.status().message();
  auto attribute = engine_->Compile(Wrap(R"(<p colour="red">x</p>)"));
  ASSERT_FALSE(attribute.ok());
  EXPECT_NE(attribute.status().message().find("colour"), std::string::npos);
  auto no_qr = engine_->Compile(R"(<template kind="t" version="1"><running/><section><p>x</p></section></template>)");
  ASSERT_FALSE(no_qr.ok());
  EXPECT_NE(no_qr.status().message().find("qr"), std::string::npos);
  auto cols = engine_->Compile(Wrap(R"(<grid cols="50 50"><row><cell span="3">x</cell></row></grid>)"));
  ASSERT_FALSE(cols.ok());
  auto kept_table = engine_->Compile(Wrap(R"(<keep><table each="x" cols="170"><row><cell>{a}</cell></row></table></keep>)"));
  ASSERT_FALSE(kept_table.ok());
  EXPECT_NE(kept_table.status().message().find("<keep>"), std::string::npos);
  auto cell_block = engine_->Compile(Wrap(R"(<grid cols="170"><row><cell><p>a</p><vspace h="3"/></cell></row></grid>)"));
  ASSERT_FALSE(cell_block.ok());
  auto malformed = engine_->Compile("<template");
  ASSERT_FALSE(malformed.ok());
}

TEST_F(EngineTest, InvalidIssueTimeIsRefused) {
  auto doc = RenderXml(Wrap("<p>x</p>"), "{}", "2026-11-27 10:00");
  ASSERT_FALSE(doc.ok());
  EXPECT_NE(doc.status().message().find("RFC 3339"), std::string::npos);
}

TEST_F(EngineTest, InputIsNfcNormalised) {
  TempDir dir;
  // "e" + combining acute → é (U+00E9) after NFC.
  const std::string path = RenderToFile(dir, Wrap("<p>{name}</p>"), "{\"name\": \"Jose\\u0301\"}");
  EXPECT_NE(PdfText(path).find("José"), std::string::npos) << PdfText(path);
}

TEST_F(EngineTest, EachIfAndItemBindRepeatedAndConditionalContent) {
  TempDir dir;
  const std::string path = RenderToFile(dir, Wrap(R"(
    <each in="matters"><p>{$index}.{$item}</p></each>
    <if test="out_of_town"><p>外埠企业</p><else><p>本市企业</p></else></if>
    <if test="level == '一级'"><p>一级资质</p></if>
    <if test="level != '一级'"><p>非一级资质</p></if>
    <p>所在地：<u min="30">{district|strip_suffix:区}</u>区（县）<if test="!missing">，无备注</if></p>)"),
      R"({"matters": ["办理核查", "领取文书"], "out_of_town": false, "level": "二级", "district": "朝阳区"})");
  const std::string text = testing::PdfRawText(path);
  EXPECT_NE(text.find("1.办理核查2.领取文书本市企业非一级资质所在地：朝阳区（县），无备注"), std::string::npos) << text;
  EXPECT_EQ(text.find("外埠企业"), std::string::npos);
  EXPECT_EQ(text.find("一级资质"), text.find("非一级资质") + 3);
}

TEST_F(EngineTest, ChecksPrintEveryOptionAndTickOnlyTheChosen) {
  TempDir dir;
  const std::string xml = Wrap(R"(<p><checks options="住宅|办公楼|商业" value="types"/></p>)");
  const std::string none = RenderToFile(dir, xml, R"({"types": []})");
  EXPECT_NE(PdfText(none).find("住宅办公楼商业"), std::string::npos);
  // A tick is a stroked path drawn in the box: the page with two ticks differs from the one with none.
  auto zero = RenderXml(xml, R"({"types": []})");
  auto two = RenderXml(xml, R"({"types": ["住宅", "商业"]})");
  auto other = RenderXml(xml, R"({"types": ["住宅", "办公楼"]})");
  ASSERT_TRUE(zero.ok() && two.ok() && other.ok());
  EXPECT_NE(core::Sha256Hex(zero->pdf), core::Sha256Hex(two->pdf));
  EXPECT_NE(core::Sha256Hex(two->pdf), core::Sha256Hex(other->pdf));
}

TEST_F(EngineTest, SingleCheckBoxIsTickedByATrueValue) {
  // Plain PDF: a PDF/A document also embeds its data, which differs here.
  const std::string xml = Wrap(R"(<p><check value="submitted"/>已提交</p>)");
  const std::string at = "2026-11-27T10:00:00+08:00";
  auto ticked = RenderXml(xml, R"({"submitted": true})", at, PdfStandard::kPlain);
  auto unticked = RenderXml(xml, R"({"submitted": false})", at, PdfStandard::kPlain);
  auto absent = RenderXml(xml, "{}", at, PdfStandard::kPlain);
  auto blank = RenderXml(Wrap("<p><check/>已提交</p>"), R"({"submitted": true})", at, PdfStandard::kPlain);
  ASSERT_TRUE(ticked.ok() && unticked.ok() && absent.ok() && blank.ok());
  EXPECT_NE(core::Sha256Hex(ticked->pdf), core::Sha256Hex(unticked->pdf));
  EXPECT_EQ(core::Sha256Hex(unticked->pdf), core::Sha256Hex(absent->pdf));
  EXPECT_EQ(core::Sha256Hex(unticked->pdf), core::Sha256Hex(blank->pdf));
}

TEST_F(EngineTest, SignatureSealAndRunningItemsPrint) {
  TempDir dir;
  const std::string path = RenderToFile(dir, Wrap(R"(
    <signature label="法定代表人签字：" line="40" date="true"/>
    <seal label="（公司盖章）" size="36"/>)"), "{}");
  const std::string text = testing::PdfRawText(path);
  for (const char* s : {"法定代表人签字：", "年月日", "（公司盖章）", "第1页共1页", "文书编号：TEST-20261127-0001"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s << " in " << text;
  }
}

TEST_F(EngineTest, KeepMovesItsBlocksTogetherToTheNextPage) {
  TempDir dir;
  std::string filler;
  for (int i = 0; i < 30; ++i) filler += "<p>填充" + std::to_string(i) + "</p>";
  const std::string path = RenderToFile(
      dir, Wrap(filler + R"(<keep><p>签字栏上</p><vspace h="60"/><p>签字栏下</p></keep>)"), "{}");
  ASSERT_EQ(testing::PdfPages(path), 2);
  const std::string second = PdfText(path, 2);
  EXPECT_NE(second.find("签字栏上"), std::string::npos);
  EXPECT_NE(second.find("签字栏下"), std::string::npos);
}

TEST_F(EngineTest, GridCellsWrapAndSpanRows) {
  TempDir dir;
  const std::string path = RenderToFile(dir, Wrap(R"(
    <grid cols="30 140">
      <row><cell class="label" rowspan="2">资质</cell><cell>{a}</cell></row>
      <row><cell>{b}</cell></row>
    </grid>)"), R"({"a": "一级资质证书编号京物服字第0238号，核定日期二〇一九年九月十二日，准予从事物业管理活动时间二〇〇六年四月十九日，以下各项均已核实无误", "b": "第二行"})");
  const std::string text = beian::testing::Run({"pdftotext", "-raw", "-enc", "UTF-8", path, "-"}).out;
  EXPECT_NE(testing::StripWhitespace(text).find("以下各项均已核实无误"), std::string::npos) << text;
  EXPECT_NE(text.find("资质"), std::string::npos);
}

}  // namespace
}  // namespace beian::render
