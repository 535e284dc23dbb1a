// Every document kind's example, and the long qualification form, checked with the real
// poppler and qpdf tools: embedded subset fonts with ToUnicode, exact text, valid structure.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/districts.h"
#include "beian/core/json.h"
#include "beian/core/kinds.h"
#include "beian/core/text_policy.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "engine_fixture.h"
#include "process.h"
#include "synthetic_data.h"

namespace beian::render {
namespace {

using testing::PdfText;

using testing::TempDir;

class KindsTest : public CatalogTest {};

void CollectStrings(const core::Json& v, const std::string& pointer,
                    std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_string()) {
    out.emplace_back(pointer, v.as_string());
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      CollectStrings(v.as_array()[i], core::PointerAppend(pointer, i), out);
    }
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.as_object()) CollectStrings(e, core::PointerAppend(pointer, k), out);
  }
}

// The forms print ISO dates the Chinese way and may mask identity numbers; accept exactly
// those two renderings of a value besides the value itself.
std::vector<std::string> AcceptedRenderings(const std::string& value) {
  std::vector<std::string> forms = {testing::StripWhitespace(value)};
  static const std::regex kDate(R"((\d{4})-(\d{2})-(\d{2}))");
  std::smatch m;
  if (std::regex_match(value, m, kDate)) {
    forms.push_back(m[1].str() + "年" + std::to_string(std::stoi(m[2].str())) + "月" +
                    std::to_string(std::stoi(m[3].str())) + "日");
  }
  static const std::regex kId(R"(\d{17}[\dX])");
  if (std::regex_match(value, kId)) forms.push_back(value.substr(0, 6) + "********" + value.substr(14));
  return forms;
}

void ExpectCleanPdf(const std::string& path, const core::Json& data) {
  testing::ProcessResult fonts = beian::testing::Run({"pdffonts", path});
  EXPECT_EQ(fonts.exit_code, 0);
  EXPECT_EQ(fonts.err, "") << "pdffonts warned";
  std::istringstream lines(fonts.out);
  std::string line;
  int rows = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("name", 0) == 0 || line.rfind("----", 0) == 0) continue;
    ++rows;
    // Columns from the right: emb sub uni object-id generation.
    std::istringstream cols(line);
    std::vector<std::string> c;
    std::string w;
    while (cols >> w) c.push_back(w);
    ASSERT_GE(c.size(), 6u) << line;
    EXPECT_EQ(c[c.size() - 5], "yes") << "not embedded: " << line;
    EXPECT_EQ(c[c.size() - 4], "yes") << "not subset: " << line;
    EXPECT_EQ(c[c.size() - 3], "yes") << "no ToUnicode: " << line;
    EXPECT_EQ(c[1], "CID") << line;
  }
  EXPECT_GE(rows, 1);

  testing::ProcessResult text = beian::testing::Run({"pdftotext", "-enc", "UTF-8", path, "-"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_EQ(text.err, "") << "pdftotext warned";
  // -raw keeps the content stream's order, in which a wrapped cell's lines follow each other;
  // the default mode reorders by position and may interleave neighbouring wrapped cells.
  testing::ProcessResult raw = beian::testing::Run({"pdftotext", "-raw", "-enc", "UTF-8", path, "-"});
  EXPECT_EQ(raw.err, "") << "pdftotext -raw warned";
  const std::string flat = testing::StripWhitespace(text.out) + "\n" + testing::StripWhitespace(raw.out);
  std::vector<std::pair<std::string, std::string>> strings;
  CollectStrings(data, "", strings);
  for (const auto& [pointer, value] : strings) {
    bool found = false;
    for (const std::string& form : AcceptedRenderings(value)) found |= flat.find(form) != std::string::npos;
    EXPECT_TRUE(found) << pointer << " = \"" << value << "\" is not in the PDF text";
  }

  testing::ProcessResult check = beian::testing::Run({"qpdf", "--check", path});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_NE(check.out.find("No syntax or stream encoding errors"), std::string::npos) << check.out;
}

// The kinds on disk are exactly core's kinds, whose number codes the archive
// uses.
TEST_F(KindsTest, TemplateKindsAreCoresKinds) {
  std::set<std::string> on_disk, in_core;
  for (const Kind* kind : catalog_->kinds()) on_disk.insert(kind->name);
  for (const core::DocumentKind& kind : core::DocumentKinds()) {
    in_core.insert(std::string(kind.name));
  }
  EXPECT_EQ(on_disk, in_core);
}

// kind.json declares who issues each kind: the bureau issues 受理通知书 and
// 实地核查情况表, the enterprise everything else (DESIGN.md §6); the archive's
// own 四性检测报告 is made by an administrator's `beian archive check`.
TEST_F(KindsTest, OnlyTheReceiptAndTheSiteVerificationAreIssuedByABureau) {
  std::set<std::string> bureau, admin;
  for (const Kind* kind : catalog_->kinds()) {
    const core::Json* issuers = kind->manifest.Find("issuers");
    ASSERT_NE(issuers, nullptr) << kind->name;
    ASSERT_EQ(issuers->as_array().size(), 1u) << kind->name;
    const std::string issuer = issuers->as_array()[0].as_string();
    EXPECT_TRUE(issuer == "enterprise" || issuer == "bureau" || issuer == "admin") << kind->name << ": " << issuer;
    if (issuer == "bureau") bureau.insert(kind->name);
    if (issuer == "admin") admin.insert(kind->name);
  }
  EXPECT_EQ(bureau, (std::set<std::string>{"acceptance-receipt", "site-verification"}));
  EXPECT_EQ(admin, (std::set<std::string>{"archive-check-report"}));
}

// Validation stays linear only if no array of the data is unbounded: every
// array a schema describes has a maxItems.
TEST_F(KindsTest, EveryArrayInASchemaHasMaxItems) {
  for (const Kind* kind : catalog_->kinds()) {
    std::vector<std::pair<const core::Json*, std::string>> pending = {{&kind->schema_json, ""}};
    while (!pending.empty()) {
      auto [node, pointer] = pending.back();
      pending.pop_back();
      if (node->is_object()) {
        const core::Json* type = node->Find("type");
        const bool array = node->Find("items") != nullptr ||
                           (type != nullptr && type->is_string() && type->as_string() == "array");
        EXPECT_TRUE(!array || node->Find("maxItems") != nullptr)
            << kind->name << "/schema.json#" << pointer << ": an array without maxItems";
        for (const auto& [key, child] : node->as_object()) {
          pending.emplace_back(&child, core::PointerAppend(pointer, key));
        }
      } else if (node->is_array()) {
        for (size_t i = 0; i < node->size(); ++i) {
          pending.emplace_back(&node->as_array()[i], core::PointerAppend(pointer, i));
        }
      }
    }
  }
}

// The examples are text the archive keeps: they pass the text policy, and
// each kind's schema compiles with its annotations.
TEST_F(KindsTest, ExamplesFollowTheTextPolicy) {
  for (const Kind* kind : catalog_->kinds()) {
    const core::SchemaFindings found = kind->schema->Check(kind->example, 200);
    size_t unlisted = 0;
    const std::vector<core::Problem> problems =
        core::CheckTexts(kind->example, found.multiline_texts, 200, &unlisted);
    for (const core::Problem& p : problems) ADD_FAILURE() << kind->name << ": " << core::FormatProblem(p);
  }
}

// Every schema's district list is core's, in the same order (the 四性检测报告
// describes the archive, not a district: it has none).
TEST_F(KindsTest, SchemaDistrictsAreCoresDistricts) {
  std::vector<std::string> in_core;
  for (const core::District& d : core::BeijingDistricts()) {
    in_core.emplace_back(d.name);
  }
  for (const Kind* kind : catalog_->kinds()) {
    SCOPED_TRACE(kind->name);
    core::Result<core::Json> schema = core::ParseJson(testing::ReadFileOrDie(
        testing::SourceRoot() + "/templates/" + kind->name + "/schema.json"));
    ASSERT_TRUE(schema.ok()) << schema.status().ToString();
    const core::Json* districts = schema->At("/$defs/district/enum");
    if (kind->name == "archive-check-report") {
      EXPECT_EQ(districts, nullptr);
      continue;
    }
    ASSERT_NE(districts, nullptr);
    std::vector<std::string> in_schema;
    for (const core::Json& d : districts->as_array()) {
      in_schema.push_back(d.as_string());
    }
    EXPECT_EQ(in_schema, in_core);
  }
}

TEST_F(KindsTest, EveryExampleRendersToACleanPdf) {
  ASSERT_GE(catalog_->kinds().size(), 3u);
  for (const Kind* kind : catalog_->kinds()) {
    SCOPED_TRACE(kind->name);
    auto doc = RenderKind(kind->name, kind->example);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    TempDir dir;
    const std::string path = dir.File(kind->name + ".pdf");
    testing::WriteFileOrDie(path, doc->pdf);
    ExpectCleanPdf(path, kind->example);
    EXPECT_EQ(testing::PdfPages(path), doc->pages);
    // Every page carries the document number.
    for (int p = 1; p <= doc->pages; ++p) {
      EXPECT_NE(PdfText(path, p).find(kind->number_prefix + "-20261127-TEST01"), std::string::npos)
          << "page " << p;
    }
  }
}

TEST_F(KindsTest, ExamplesCarryTheOfficialWording) {
  struct Case {
    const char* kind;
    std::vector<std::string> phrases;
  };
  const std::vector<Case> cases = {
      {"qualification-verification",
       {"北京市物业服务企业资质核查信息表", "北京市住房和城乡建设委员会制", "一.本表由物业服务企业如实填写，企业应对填写内容的真实性负责。",
        "四.现场核查时物业服务企业应向核查机关提交本表。",
        "本公司已阅读并了解国家和北京市关于物业服务企业资质核查工作的相关规定，并承诺所填报信息及提交资料真实、完整、合法、有效，如有隐瞒、虚假，本公司愿承担由于虚假填报引起的一切法律责任。",
        "物业服务企业基本信息", "专职管理和技术人员名单", "注：本名单可复制加页。", "附件二：企业应提供的核查资料",
        "九、法定代表人委托代理的，需提供法人授权委托书原件。", "注：以上提供原件的材料，需同时提交与原件一致的复印件并加盖企业公章。"}},
      {"commitment-letter", {"承诺书", "本公司愿承担由于虚假填报引起的一切法律责任。"}},
      {"authorization-letter", {"法人授权委托书"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kind);
    const Kind* kind = catalog_->Find(c.kind);
    ASSERT_NE(kind, nullptr);
    auto doc = RenderKind(c.kind, kind->example);
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    TempDir dir;
    testing::WriteFileOrDie(dir.File("x.pdf"), doc->pdf);
    const std::string flat = PdfText(dir.File("x.pdf"));
    for (const std::string& phrase : c.phrases) {
      EXPECT_NE(flat.find(testing::StripWhitespace(phrase)), std::string::npos) << phrase;
    }
  }
}

TEST_F(KindsTest, LongQualificationFormRepeatsHeadersAndNumbersPages) {
  const core::Json data = testing::MakeQualificationData(120, 60, 7);
  auto doc = RenderKind("qualification-verification", data);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  TempDir dir;
  const std::string path = dir.File("long.pdf");
  testing::WriteFileOrDie(path, doc->pdf);
  ExpectCleanPdf(path, data);
  const int pages = testing::PdfPages(path);
  ASSERT_GE(pages, 8);

  int staff_pages = 0, project_pages = 0;
  for (int p = 1; p <= pages; ++p) {
    const std::string text = PdfText(path, p);
    if (p > 1) {
      EXPECT_NE(text.find("第" + std::to_string(p) + "页共" + std::to_string(pages) + "页"), std::string::npos)
          << "page " << p << " lacks its page number";
    }
    // A page that lists staff or projects starts that list with its caption and header row:
    // in the layout text, the caption line comes first, then the line of header cells, and no
    // row of data before them.
    const bool staff = std::regex_search(text, std::regex(R"(\d{17}[\dX])"));
    const bool projects = !staff && text.find("至") != std::string::npos && text.find("住宅") != std::string::npos;
    if (!staff && !projects) continue;
    (staff ? staff_pages : project_pages)++;
    std::istringstream layout(PdfText(path, p, /*layout=*/true));
    std::string line;
    int caption_line = -1, header_line = -1, first_data_line = -1, n = 0;
    const std::string caption = staff ? "专职管理和技术人员名单" : "在管物业项目";
    const std::regex header = staff ? std::regex(R"(序号\s+姓名\s+性别\s+身份证号\s+岗位\s+职称\s+专业\s+证书编号)")
                                    : std::regex(R"(序号\s+项目名称\s+项目地址\s+物业类型)");
    const std::regex data = staff ? std::regex(R"(\d{17}[\dX])") : std::regex(R"(\d+,\d{3}\.\d{2})");
    while (std::getline(layout, line)) {
      ++n;
      if (caption_line < 0 && line.find(caption) != std::string::npos) caption_line = n;
      if (header_line < 0 && std::regex_search(line, header)) header_line = n;
      if (first_data_line < 0 && std::regex_search(line, data)) first_data_line = n;
    }
    EXPECT_GT(caption_line, 0) << "page " << p << " lacks the caption " << caption;
    EXPECT_GT(header_line, caption_line) << "page " << p << " lacks the header row after the caption";
    EXPECT_GT(first_data_line, header_line) << "page " << p << " has data before its header row";
    if (text.find(caption + "（续表）") == std::string::npos) {
      // Only the first page of a list goes without 续表.
      EXPECT_EQ(staff ? staff_pages : project_pages, 1) << "continuation page " << p << " lacks 续表";
    }
  }
  EXPECT_GE(staff_pages, 3);
  EXPECT_GE(project_pages, 2);
  // Every staff member and project is printed exactly where the data says.
  const std::string flat = PdfText(path);
  for (const core::Json& person : data.Find("staff")->as_array()) {
    EXPECT_NE(flat.find(person.Find("id_number")->as_string()), std::string::npos);
  }
}

TEST_F(KindsTest, ConcurrentRendersMatchASingleThreadedOne) {
  const Kind* kind = catalog_->Find("qualification-verification");
  const core::Json data = testing::MakeQualificationData(40, 20, 3);
  auto expected = RenderKind(kind->name, data);
  ASSERT_TRUE(expected.ok());
  const std::string digest = core::Sha256Hex(expected->pdf);
  std::vector<std::string> digests(4 * 5);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto doc = RenderKind(kind->name, data);
        digests[static_cast<size_t>(t * 5 + i)] = doc.ok() ? core::Sha256Hex(doc->pdf) : doc.status().ToString();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& d : digests) EXPECT_EQ(d, digest);
}

// A new engine rendering every kind from four threads at once (so the template texts' subset
// fonts are made and cached while other threads want them) gives the bytes this suite's engine
// gives one at a time.
TEST_F(KindsTest, ANewEngineRenderingFromManyThreadsGivesTheSameBytes) {
  std::map<std::string, std::string> expected;
  for (const Kind* kind : catalog_->kinds()) {
    auto doc = RenderKind(kind->name, kind->example);
    ASSERT_TRUE(doc.ok()) << kind->name << ": " << doc.status().ToString();
    expected[kind->name] = core::Sha256Hex(doc->pdf);
  }
  auto engine = OpenEngine();
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto catalog = Catalog::Load(testing::SourceRoot() + "/templates", *engine.value());
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  const std::vector<const Kind*> kinds = catalog->kinds();
  std::vector<std::vector<std::pair<std::string, std::string>>> rendered(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < rendered.size(); ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < kinds.size(); ++i) {
        const Kind* kind = kinds[(t * 2 + i) % kinds.size()];
        RenderOptions options;
        options.document_number = kind->number_prefix + "-20261127-TEST01";
        options.issued_at = "2026-11-27T10:00:00+08:00";
        options.verification_key = "ABCDEFGHIJKLMNOP";
        auto doc = engine.value()->Render(*kind->versions.at(kind->current_version), kind->example, options);
        rendered[t].emplace_back(kind->name, doc.ok() ? core::Sha256Hex(doc->pdf) : doc.status().ToString());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const auto& list : rendered) {
    ASSERT_EQ(list.size(), expected.size());
    for (const auto& [name, digest] : list) EXPECT_EQ(digest, expected[name]) << name;
  }
}

TEST_F(KindsTest, RenderingIsDeterministicPerKind) {
  for (const Kind* kind : catalog_->kinds()) {
    auto a = RenderKind(kind->name, kind->example);
    auto b = RenderKind(kind->name, kind->example);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(core::Sha256Hex(a->pdf), core::Sha256Hex(b->pdf)) << kind->name;
  }
}

// A layout prepared with a placeholder number, rendered with the real one,
// gives the bytes a fresh rendering gives: for kinds whose body prints the
// number (受理通知书) and those that print it only in the footer. A character
// no font has is found by the preparation already.
TEST_F(KindsTest, APreparedLayoutRendersTheSameBytes) {
  for (const Kind* kind : catalog_->kinds()) {
    SCOPED_TRACE(kind->name);
    const Template& tmpl = *kind->versions.at(kind->current_version);
    RenderOptions trial;
    trial.document_number = "京朝备〔2026〕000000号";
    trial.issued_at = "2026-11-27T10:00:00+08:00";
    trial.verification_key = "AAAAAAAAAAAAAAAA";
    RenderOptions real = trial;
    real.document_number = "京朝备〔2026〕004217号";
    real.verification_key = "K7M2QDXR5TNWB3HJ";
    auto prepared = engine_->Prepare(tmpl, kind->example, trial);
    ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
    auto reused = engine_->Render(tmpl, kind->example, real, std::move(prepared).value());
    auto fresh = engine_->Render(tmpl, kind->example, real);
    ASSERT_TRUE(reused.ok() && fresh.ok());
    EXPECT_EQ(core::Sha256Hex(reused->pdf), core::Sha256Hex(fresh->pdf));
  }
  core::Json data = catalog_->Find("commitment-letter")->example;
  data.Find("enterprise")->Set("name", std::string("北京\xF3\xB0\x80\x80物业有限公司"));
  RenderOptions trial;
  trial.document_number = "京朝诺〔2026〕000000号";
  trial.issued_at = "2026-11-27T10:00:00+08:00";
  trial.verification_key = "AAAAAAAAAAAAAAAA";
  const Kind* letter = catalog_->Find("commitment-letter");
  auto refused = engine_->Prepare(*letter->versions.at(letter->current_version), data, trial);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), core::Code::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("/enterprise/name"), std::string::npos);
}

}  // namespace
}  // namespace beian::render
