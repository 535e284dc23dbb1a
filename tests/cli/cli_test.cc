// The `beian` binary as a user runs it: commands, bad input, exit codes, no partial files.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "process.h"

namespace beian::cli {
namespace {

using testing::ProcessResult;

using testing::TempDir;

const std::string kBinary = BEIAN_BINARY;
const std::string kTime = "2026-11-27T10:00:00+08:00";
namespace fs = std::filesystem;

std::string Example(const std::string& kind) {
  return testing::SourceRoot() + "/templates/" + kind + "/example.json";
}

ProcessResult Render(const std::string& kind, const std::string& data, const std::string& out,
                     std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {kBinary, "render", kind, data, "-o", out, "--issued-at", kTime};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return beian::testing::Run(argv);
}

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

// Flips the middle byte of up to `files` stored blobs of the archive in `var`, behind its back
// (they stay read-only, as the archive keeps them).
void FlipStoredBytes(const std::string& var, int files) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(var + "/blobs")) {
    if (!e.is_regular_file()) continue;
    if (files-- == 0) break;
    std::filesystem::permissions(e.path(), std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
    std::string bytes = testing::ReadFileOrDie(e.path().string());
    bytes[bytes.size() / 2] ^= 0x01;
    testing::WriteFileOrDie(e.path().string(), bytes);
    std::filesystem::permissions(e.path(), std::filesystem::perms::owner_read, std::filesystem::perm_options::replace);
  }
}

// Nothing but the input is left in the folder (no PDF, no temporary file).
void ExpectNoOutput(const TempDir& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string(), "data.json") << "left behind: " << e.path();
  }
}

// The bytes depend on the data, number and issue time only: not on the time zone, the locale
// (ICU reads LANG/LC_ALL; tr_TR is the classic casing trap) or the working directory.
TEST(CliTest, RenderGivesTheSameBytesUnderAnotherTimeZoneLocaleAndFolder) {
  TempDir one, two;
  auto render_in = [&](const TempDir& dir, const std::string& env) {
    return beian::testing::Run(
        {"/bin/sh", "-c",
         "cd '" + dir.path() + "' && " + env + " exec '" + kBinary + "' render qualification-verification '" +
             Example("qualification-verification") + "' -o out.pdf --number ZZHC-20261127-ENVTST --issued-at " +
             kTime});
  };
  const ProcessResult a = render_in(one, "TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8");
  const ProcessResult b =
      render_in(two, "TZ=America/St_Johns LANG=de_DE.UTF-8 LC_ALL=tr_TR.UTF-8 LC_NUMERIC=de_DE.UTF-8");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(core::Sha256Hex(testing::ReadFileOrDie(one.File("out.pdf"))),
            core::Sha256Hex(testing::ReadFileOrDie(two.File("out.pdf"))));
}

TEST(CliTest, KindsListsEveryKindWithItsVersion) {
  ProcessResult r = beian::testing::Run({kBinary, "kinds"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* kind : {"qualification-verification\tv1", "commitment-letter\tv1", "authorization-letter\tv1",
                           "contract-filing\tv1", "preliminary-contract-filing\tv1", "out-of-town-contract-filing\tv1",
                           "promotion-notice\tv1", "site-verification\tv1", "acceptance-receipt\tv2\t(v1,v2)"}) {
    EXPECT_NE(r.out.find(kind), std::string::npos) << r.out;
  }
}

// `cmake --install` into a staging root (as a package build does with
// DESTDIR): the installed binary finds its templates, fonts manifest, console
// and API description under <prefix>/share/beian without being told, says
// what it is, and renders the same bytes as the build tree's.
TEST(CliTest, AnInstalledBinaryFindsItsSharedFilesAndSaysItsVersion) {
  TempDir stage;
  ProcessResult installed = beian::testing::Run(
      {"env", "DESTDIR=" + stage.path(), "cmake", "--install", BEIAN_BUILD_DIR, "--prefix", "/usr"});
  ASSERT_EQ(installed.exit_code, 0) << installed.out << installed.err;
  const std::string share = stage.path() + "/usr/share/beian";
  for (const char* file : {"/fonts/manifest.json", "/api/openapi.json", "/console/index.html",
                           "/templates/contract-filing/template.v1.xml", "/templates/contract-filing/example.json"}) {
    EXPECT_TRUE(Exists(share + file)) << file;
  }
  // The default serve config, every setting at its default and explained.
  const std::string config = stage.path() + BEIAN_INSTALLED_CONFIG;
  ASSERT_TRUE(Exists(config)) << config;
  EXPECT_EQ(testing::ReadFileOrDie(config), testing::ReadFileOrDie(testing::SourceRoot() + "/packaging/beian.json"));
  const std::string binary = stage.path() + "/usr/bin/beian";
  ProcessResult version = beian::testing::Run({"env", "-u", "BEIAN_ROOT", binary, "--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out.rfind("beian 0.1\n", 0), 0u) << version.out;
  EXPECT_NE(version.out.find("engine\tbeian 0.1, HarfBuzz "), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("root\t" + share + "\n"), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("kind\tcontract-filing\tv"), std::string::npos) << version.out;
  EXPECT_NE(version.out.find("font\tgbsn00lp\tsha256 705ec2dba81eaee1208e4ed5d3ff23ab259292e8e0e163ea3de297ef1317007a\t"
                             "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf\n"),
            std::string::npos)
      << version.out;

  TempDir out;
  ProcessResult from_install =
      beian::testing::Run({"env", "-u", "BEIAN_ROOT", binary, "render", "commitment-letter",
                           share + "/templates/commitment-letter/example.json", "-o", out.File("installed.pdf"),
                           "--issued-at", kTime});
  ASSERT_EQ(from_install.exit_code, 0) << from_install.err;
  ASSERT_EQ(Render("commitment-letter", Example("commitment-letter"), out.File("built.pdf")).exit_code, 0);
  EXPECT_EQ(testing::ReadFileOrDie(out.File("installed.pdf")), testing::ReadFileOrDie(out.File("built.pdf")));
}

// The prepared faces are kept in the cache folder (BEIAN_CACHE, --cache, else
// XDG_CACHE_HOME/beian or ~/.cache/beian): the first process fills it, the
// next reads it, and both write the bytes a process without a cache writes.
TEST(CliTest, PreparedFacesAreCachedAndChangeNoByte) {
  TempDir dir, home;
  auto render = [&](const std::vector<std::string>& env, const std::string& out) {
    std::vector<std::string> argv = {"env", "-u", "BEIAN_CACHE", "-u", "XDG_CACHE_HOME", "-u", "CACHE_DIRECTORY"};
    argv.insert(argv.end(), env.begin(), env.end());
    for (const std::string& a : {kBinary, std::string("render"), std::string("commitment-letter"),
                                 Example("commitment-letter"), std::string("-o"), dir.File(out),
                                 std::string("--issued-at"), std::string(kTime), std::string("--number"),
                                 std::string("CNS-20261127-A1")}) {
      argv.push_back(a);
    }
    ProcessResult r = beian::testing::Run(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return testing::ReadFileOrDie(dir.File(out));
  };
  const std::string none = render({"BEIAN_CACHE="}, "none.pdf");
  EXPECT_EQ(render({"HOME=" + home.path()}, "filled.pdf"), none);
  std::vector<std::string> faces;
  for (const auto& e : fs::directory_iterator(home.path() + "/.cache/beian")) faces.push_back(e.path().filename());
  EXPECT_EQ(faces.size(), 6u) << "one file per face of fonts/manifest.json";
  EXPECT_EQ(render({"HOME=" + home.path()}, "cached.pdf"), none);
  EXPECT_EQ(render({"HOME=/nonexistent", "XDG_CACHE_HOME=" + home.path() + "/xdg"}, "xdg.pdf"), none);
  EXPECT_TRUE(fs::is_directory(home.path() + "/xdg/beian"));
}

TEST(CliTest, RenderWritesThePdfAndIsRepeatable) {
  TempDir dir;
  ProcessResult a = Render("commitment-letter", Example("commitment-letter"), dir.File("a.pdf"), {"--number", "CNS-2026-000001"});
  ProcessResult b = Render("commitment-letter", Example("commitment-letter"), dir.File("b.pdf"), {"--number", "CNS-2026-000001"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(a.out.find("CNS-2026-000001"), std::string::npos);
  EXPECT_EQ(core::Sha256Hex(testing::ReadFileOrDie(dir.File("a.pdf"))),
            core::Sha256Hex(testing::ReadFileOrDie(dir.File("b.pdf"))));
  ProcessResult c = Render("commitment-letter", Example("commitment-letter"), dir.File("c.pdf"), {"--number", "CNS-2026-000002"});
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_NE(core::Sha256Hex(testing::ReadFileOrDie(dir.File("a.pdf"))),
            core::Sha256Hex(testing::ReadFileOrDie(dir.File("c.pdf"))));
  EXPECT_NE(testing::PdfText(dir.File("c.pdf")).find("CNS-2026-000002"), std::string::npos);
}

struct BadInput {
  const char* name;
  std::string kind;
  std::string data;           // file contents
  std::vector<std::string> expect;  // each must appear in stderr
};

// Names the case in test output instead of dumping the struct's bytes.
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

class CliBadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInputTest, FailsWithAMessageAndLeavesNoFile) {
  const BadInput& c = GetParam();
  TempDir dir;
  testing::WriteFileOrDie(dir.File("data.json"), c.data);
  ProcessResult r = Render(c.kind, dir.File("data.json"), dir.File("out.pdf"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(r.exit_code, 128) << "crashed: " << r.err;
  for (const std::string& e : c.expect) EXPECT_NE(r.err.find(e), std::string::npos) << "expected \"" << e << "\" in: " << r.err;
  EXPECT_FALSE(Exists(dir.File("out.pdf")));
  ExpectNoOutput(dir);
}

std::string ExampleWith(const std::string& kind, const std::string& pointer, core::Json value) {
  core::Json data = core::ParseJson(testing::ReadFileOrDie(Example(kind))).value();
  // Walk all but the last token, then set it.
  std::string parent = pointer.substr(0, pointer.rfind('/'));
  std::string key = pointer.substr(pointer.rfind('/') + 1);
  core::Json* target = &data;
  size_t at = 1;
  while (at <= parent.size() && !parent.empty()) {
    size_t next = parent.find('/', at);
    std::string token = parent.substr(at, next == std::string::npos ? std::string::npos : next - at);
    target = target->is_array() ? &target->as_array()[std::stoul(token)] : target->Find(token);
    if (next == std::string::npos) break;
    at = next + 1;
  }
  if (value.is_null() && target->is_object()) {
    auto& members = target->as_object();
    for (auto it = members.begin(); it != members.end(); ++it) {
      if (it->first == key) {
        members.erase(it);
        break;
      }
    }
  } else {
    target->Set(key, std::move(value));
  }
  return core::WriteJson(data);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, CliBadInputTest,
    ::testing::Values(
        BadInput{"InvalidJson", "commitment-letter", "{\"enterprise\": ", {"line 1"}},
        BadInput{"NotAnObject", "commitment-letter", "[1, 2]", {"error"}},
        BadInput{"InvalidUtf8", "commitment-letter", "{\"enterprise\": {\"name\": \"\xE5\x8C\"}}", {"UTF-8", "/enterprise/name"}},
        BadInput{"WrongType", "commitment-letter",
                 ExampleWith("commitment-letter", "/enterprise/name", core::Json(12)), {"/enterprise/name", "schema.type"}},
        BadInput{"MissingRequired", "commitment-letter",
                 ExampleWith("commitment-letter", "/enterprise/name", core::Json()), {"/enterprise/name", "schema.required"}},
        BadInput{"HugeField", "commitment-letter",
                 ExampleWith("commitment-letter", "/enterprise/name", core::Json(std::string(50000, 'A'))),
                 {"/enterprise/name", "schema.max_length", "50000"}},
        BadInput{"UnknownKind", "no-such-kind", "{}", {"unknown kind \"no-such-kind\"", "qualification-verification"}},
        BadInput{"CharacterNoFontHas", "commitment-letter",
                 ExampleWith("commitment-letter", "/enterprise/name", core::Json("北京\xF3\xB0\x80\x80物业有限公司")),
                 {"U+F0000", "/enterprise/name"}}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

TEST(CliTest, ValidateAcceptsEveryExample) {
  for (const char* kind : {"qualification-verification", "commitment-letter", "authorization-letter",
                           "contract-filing", "preliminary-contract-filing", "out-of-town-contract-filing",
                           "promotion-notice", "site-verification", "acceptance-receipt"}) {
    ProcessResult r = beian::testing::Run({kBinary, "validate", kind, Example(kind)});
    EXPECT_EQ(r.exit_code, 0) << kind << ": " << r.out << r.err;
    EXPECT_NE(r.out.find("valid"), std::string::npos);
  }
}

TEST(CliTest, ValidateReportsEveryProblemAsJson) {
  TempDir dir;
  core::Json data = core::ParseJson(testing::ReadFileOrDie(Example("qualification-verification"))).value();
  core::Json* staff = data.Find("staff");
  const std::string id = staff->as_array()[0].Find("id_number")->as_string();
  // A wrong check character, and a second person with the first one's ID number.
  std::string wrong = id;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  staff->as_array()[0].Set("id_number", wrong);
  staff->as_array()[2].Set("id_number", staff->as_array()[1].Find("id_number")->as_string());
  testing::WriteFileOrDie(dir.File("data.json"), core::WriteJson(data));
  ProcessResult r = beian::testing::Run({kBinary, "validate", "qualification-verification", dir.File("data.json"), "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto problems = core::ParseJson(r.out);
  ASSERT_TRUE(problems.ok()) << r.out;
  std::vector<std::string> found;
  for (const core::Json& p : problems->as_array()) found.push_back(p.Find("path")->as_string() + " " + p.Find("code")->as_string());
  EXPECT_NE(std::find(found.begin(), found.end(), "/staff/0/id_number id_number.check"), found.end()) << r.out;
  EXPECT_NE(std::find(found.begin(), found.end(), "/staff/2/id_number person.duplicate"), found.end()) << r.out;
}

// The command line refuses what the API refuses: the text policy names the
// field and the code point, and render writes nothing.
TEST(CliTest, ValidateAndRenderRefuseAControlCharacterAtItsField) {
  TempDir dir;
  core::Json data = core::ParseJson(testing::ReadFileOrDie(Example("commitment-letter"))).value();
  data.Find("enterprise")->Set("name", std::string("北京瑞祥\0恒业物业管理有限公司", 43));
  testing::WriteFileOrDie(dir.File("data.json"), core::WriteJson(data));
  ProcessResult validated = beian::testing::Run({kBinary, "validate", "commitment-letter", dir.File("data.json")});
  EXPECT_EQ(validated.exit_code, 1) << validated.err;
  EXPECT_NE(validated.out.find("/enterprise/name [text.control] character 5 is the control character U+0000"),
            std::string::npos)
      << validated.out;
  EXPECT_NE(validated.out.find("第 5 个字符是控制字符 U+0000"), std::string::npos) << validated.out;
  ProcessResult rendered = Render("commitment-letter", dir.File("data.json"), dir.File("out.pdf"));
  EXPECT_EQ(rendered.exit_code, 1);
  EXPECT_NE(rendered.err.find("/enterprise/name [text.control]"), std::string::npos) << rendered.err;
  ExpectNoOutput(dir);
}

TEST(CliTest, RenderRefusesDataTheRulesReject) {
  TempDir dir;
  core::Json data = core::ParseJson(testing::ReadFileOrDie(Example("qualification-verification"))).value();
  data.Find("staff")->as_array()[0].Set("gender", data.Find("staff")->as_array()[0].Find("gender")->as_string() == "男" ? "女" : "男");
  testing::WriteFileOrDie(dir.File("data.json"), core::WriteJson(data));
  ProcessResult r = Render("qualification-verification", dir.File("data.json"), dir.File("out.pdf"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/staff/0/id_number [id_number.gender]"), std::string::npos) << r.err;
  ExpectNoOutput(dir);
}

TEST(CliTest, ContractFilingWithoutLegalRepresentativeOrManagerIsRefused) {
  for (const char* kind : {"contract-filing", "preliminary-contract-filing", "out-of-town-contract-filing"}) {
    SCOPED_TRACE(kind);
    TempDir dir;
    core::Json data = core::ParseJson(testing::ReadFileOrDie(Example(kind))).value();
    core::Json::Object& enterprise = data.Find("enterprise")->as_object();
    enterprise.erase(std::remove_if(enterprise.begin(), enterprise.end(),
                                    [](const auto& m) { return m.first == "legal_representative"; }),
                     enterprise.end());
    core::Json::Object& project = data.Find("project")->as_object();
    project.erase(std::remove_if(project.begin(), project.end(), [](const auto& m) { return m.first == "manager"; }),
                  project.end());
    testing::WriteFileOrDie(dir.File("data.json"), core::WriteJson(data));
    ProcessResult r = Render(kind, dir.File("data.json"), dir.File("out.pdf"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("/enterprise/legal_representative [filing.legal_representative_missing]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("缺少法定代表人"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/project/manager [filing.project_manager_missing]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("项目负责人"), std::string::npos) << r.err;
    ExpectNoOutput(dir);
  }
}

TEST(CliTest, ArchiveIngestGetAndVerify) {
  TempDir dir;
  const std::string var = dir.File("var");
  ProcessResult ingest = beian::testing::Run({kBinary, "--data", var, "archive", "ingest", "contract-filing",
                                              Example("contract-filing"), "--issued-at", kTime, "--actor", "测试"});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  const std::string number = ingest.out.substr(0, ingest.out.find('\t'));
  const size_t at = ingest.out.find("sha256 ");
  ASSERT_NE(at, std::string::npos);
  const std::string sha256 = ingest.out.substr(at + 7, 64);
  ProcessResult get = beian::testing::Run({kBinary, "--data", var, "archive", "get", number, "-o", dir.File("got.pdf")});
  ASSERT_EQ(get.exit_code, 0) << get.err;
  EXPECT_EQ(core::Sha256Hex(testing::ReadFileOrDie(dir.File("got.pdf"))), sha256);
  EXPECT_NE(testing::PdfText(dir.File("got.pdf")).find(number), std::string::npos) << "the number is printed";
  // The data inside the PDF/A file: what was filed, in canonical JSON.
  ProcessResult data = beian::testing::Run({kBinary, "--data", var, "archive", "get", number, "--data-json"});
  ASSERT_EQ(data.exit_code, 0) << data.err;
  EXPECT_EQ(data.out, core::WriteCanonicalJson(*core::ParseJson(testing::ReadFileOrDie(Example("contract-filing")))) + "\n");
  ProcessResult ofd = beian::testing::Run({kBinary, "--data", var, "archive", "get", number, "--ofd", "-o", dir.File("got.ofd")});
  ASSERT_EQ(ofd.exit_code, 0) << ofd.err;
  EXPECT_EQ(testing::ReadFileOrDie(dir.File("got.ofd")).compare(0, 2, "PK"), 0);
  EXPECT_EQ(beian::testing::Run({"unzip", "-t", dir.File("got.ofd")}).exit_code, 0);
  ProcessResult pdfa = beian::testing::Run({kBinary, "pdfa", "check", dir.File("got.pdf")});
  EXPECT_EQ(pdfa.exit_code, 0) << pdfa.out << pdfa.err;
  EXPECT_NE(pdfa.out.find("PDF/A-3U\tconforms"), std::string::npos) << pdfa.out;
  ProcessResult verify = beian::testing::Run({kBinary, "--data", var, "archive", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("clean: 1 documents re-rendered"), std::string::npos) << verify.out;
  // A flipped byte in the stored PDF is found and named.
  FlipStoredBytes(var, 1000);
  ProcessResult tampered = beian::testing::Run({kBinary, "--data", var, "archive", "verify"});
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_NE(tampered.out.find(number), std::string::npos) << tampered.out;
  EXPECT_NE(tampered.out.find("NOT CLEAN"), std::string::npos);
}

TEST(CliTest, CheckpointsKeptElsewhereCatchARewrittenLogAndProofsCheckOffline) {
  TempDir dir;
  const std::string var = dir.File("var");
  ProcessResult keys = beian::testing::Run({kBinary, "--data", var, "archive", "init-keys", "--algorithm", "sm2"});
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_NE(keys.out.find("created: "), std::string::npos) << keys.out;
  EXPECT_NE(keys.out.find("key sm2:"), std::string::npos) << keys.out;
  std::vector<std::string> numbers;
  for (int i = 0; i < 3; ++i) {
    ProcessResult ingest = beian::testing::Run({kBinary, "--data", var, "archive", "ingest", "contract-filing",
                                                Example("contract-filing"), "--issued-at", kTime});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
    numbers.push_back(ingest.out.substr(0, ingest.out.find('\t')));
  }
  ProcessResult checkpoint = beian::testing::Run({kBinary, "--data", var, "archive", "checkpoint"});
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.err;
  const std::string line = checkpoint.out.substr(0, checkpoint.out.find('\n'));
  // Three ingest entries, each followed by the attach-ofd entry of its OFD.
  EXPECT_EQ(line.rfind("beian-checkpoint/1 6 ", 0), 0u) << line;

  // The proof of the second document holds for its PDF and fails for the
  // first one's, a changed byte, or another key.
  ASSERT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "proof", numbers[1], "-o", dir.File("proof.json")})
                .exit_code,
            0);
  ASSERT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "get", numbers[1], "-o", dir.File("2.pdf")}).exit_code, 0);
  ASSERT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "get", numbers[0], "-o", dir.File("1.pdf")}).exit_code, 0);
  const std::string pub = var + "/keys/checkpoint.pem.pub";
  ProcessResult holds = beian::testing::Run({kBinary, "proof", "check", dir.File("2.pdf"), dir.File("proof.json"), pub});
  EXPECT_EQ(holds.exit_code, 0) << holds.out << holds.err;
  EXPECT_NE(holds.out.find("holds: " + numbers[1]), std::string::npos) << holds.out;
  EXPECT_EQ(beian::testing::Run({kBinary, "proof", "check", dir.File("1.pdf"), dir.File("proof.json"), pub}).exit_code, 1);
  std::string changed = testing::ReadFileOrDie(dir.File("2.pdf"));
  changed[1000] ^= 1;
  testing::WriteFileOrDie(dir.File("changed.pdf"), changed);
  EXPECT_EQ(beian::testing::Run({kBinary, "proof", "check", dir.File("changed.pdf"), dir.File("proof.json"), pub}).exit_code, 1);
  TempDir other;
  ASSERT_EQ(beian::testing::Run({kBinary, "--data", other.File("var"), "archive", "init-keys"}).exit_code, 0);
  ProcessResult foreign = beian::testing::Run(
      {kBinary, "proof", "check", dir.File("2.pdf"), dir.File("proof.json"), other.File("var") + "/keys/checkpoint.pem.pub"});
  EXPECT_EQ(foreign.exit_code, 1);
  EXPECT_NE(foreign.out.find("not under the key given"), std::string::npos) << foreign.out;

  // The log extends the kept line...
  ProcessResult extends = beian::testing::Run({kBinary, "--data", var, "archive", "verify", "--since", line});
  EXPECT_EQ(extends.exit_code, 0) << extends.out << extends.err;
  EXPECT_NE(extends.out.find("since: the log of "), std::string::npos) << extends.out;
  // ...until someone who can write the catalog rewrites entry 2 and every
  // hash after it: named, by the line kept in a file.
  testing::WriteFileOrDie(dir.File("kept.txt"), line + "\n");
  const std::string catalog = var + "/catalog.sqlite3";
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(catalog.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ProcessResult rewritten = beian::testing::Run({kBinary, "--data", var, "archive", "verify", "--since", dir.File("kept.txt")});
  EXPECT_EQ(rewritten.exit_code, 1);
  EXPECT_NE(rewritten.out.find("audit entry 2 is not the entry the checkpoint given"), std::string::npos) << rewritten.out;
  EXPECT_NE(rewritten.out.find("since: the log does not extend"), std::string::npos) << rewritten.out;
  // A line that is no checkpoint is a usage error.
  EXPECT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "verify", "--since", "yesterday"}).exit_code, 2);
}

// A long command shows its progress on a terminal, and writes nothing of it
// into a pipe: `script` gives it a terminal here.
TEST(CliTest, ProgressLinesAreForATerminalOnly) {
  TempDir dir;
  const std::string var = dir.File("var");
  for (const char* kind : {"contract-filing", "commitment-letter", "authorization-letter"}) {
    ASSERT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "ingest", kind, Example(kind)}).exit_code, 0);
  }
  ProcessResult piped = beian::testing::Run({kBinary, "--data", var, "archive", "verify"});
  ASSERT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find("re-rendered 3/3"), std::string::npos) << piped.err;
  EXPECT_NE(piped.out.find("clean: 3 documents re-rendered"), std::string::npos) << piped.out;

  const std::string command = kBinary + " --data " + var + " archive backup " + dir.File("backup") + " && " + kBinary +
                              " --data " + var + " archive verify";
  ProcessResult terminal = beian::testing::Run({"script", "-qefc", command, "/dev/null"});
  ASSERT_EQ(terminal.exit_code, 0) << terminal.out << terminal.err;
  EXPECT_NE(terminal.out.find("\rdocuments re-rendered 3/3 (100 %)"), std::string::npos) << terminal.out;
  EXPECT_NE(terminal.out.find("\rblobs "), std::string::npos) << terminal.out;
  EXPECT_NE(terminal.out.find("clean: 3 documents re-rendered"), std::string::npos) << terminal.out;
}

// Backups refused where they would defeat themselves, and restores that
// would not be whole: each with a message, and no archive made.
TEST(CliTest, ABackupOrRestoreThatCannotBeWholeIsRefused) {
  TempDir dir;
  const std::string var = dir.File("var"), backup = dir.File("backup"), keys = dir.File("keys");
  ASSERT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "ingest", "commitment-letter",
                                 Example("commitment-letter")}).exit_code, 0);
  auto fails_saying = [&](const std::vector<std::string>& args, const std::string& says) {
    std::vector<std::string> argv = {kBinary};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult r = beian::testing::Run(argv);
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
  };
  fails_saying({"--data", var, "archive", "backup", var + "/backup"}, "cannot be made inside it");
  fails_saying({"--data", var, "archive", "backup", backup, "--keys", backup + "/keys"}, "kept apart");
  // Leftovers of a key's interrupted write, and the service user's cache when
  // its home is the archive folder: none of them goes into a backup.
  testing::WriteFileOrDie(var + "/keys/checkpoint.pem.tmp-4242", "-----BEGIN PRIVATE KEY-----\n");
  testing::WriteFileOrDie(var + "/staff-index.key.tmp-77", "secret");
  fs::create_directories(var + "/.cache/beian");
  testing::WriteFileOrDie(var + "/.cache/beian/gbsn00lp.face", "face");
  ASSERT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "backup", backup, "--keys", keys}).exit_code, 0);
  for (const auto& e : fs::recursive_directory_iterator(backup)) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name.find(".tmp-") == std::string::npos && name != ".cache" && name != "checkpoint.pem" &&
                name != "staff-index.key")
        << e.path() << " is in the backup";
  }

  // A blob altered in the backup: the restore stops at it and leaves nothing.
  std::string blob;
  for (const auto& e : fs::recursive_directory_iterator(backup + "/blobs")) {
    if (e.is_regular_file()) blob = e.path().string();
  }
  ASSERT_FALSE(blob.empty());
  const std::string sound = testing::ReadFileOrDie(blob);
  fs::permissions(blob, fs::perms::owner_read | fs::perms::owner_write);
  std::string altered = sound;
  altered[altered.size() / 2] ^= 1;
  testing::WriteFileOrDie(blob, altered);
  const std::string restored = dir.File("restored");
  fails_saying({"--data", restored, "archive", "restore", backup, "--keys", keys}, "does not hash to its name");
  EXPECT_TRUE(fs::is_empty(restored));
  testing::WriteFileOrDie(blob, sound);

  testing::WriteFileOrDie(restored + "/note.txt", "someone's file");
  fails_saying({"--data", restored, "archive", "restore", backup, "--keys", keys}, "is not empty");
  fails_saying({"--data", dir.File("inside"), "archive", "restore", var, "--keys", keys}, "not a whole beian backup");
  fails_saying({"--data", backup + "/again", "archive", "restore", backup, "--keys", keys}, "inside its backup");
  fs::remove(restored + "/note.txt");
  ProcessResult whole = beian::testing::Run({kBinary, "--data", restored, "archive", "restore", backup, "--keys", keys});
  EXPECT_EQ(whole.exit_code, 0) << whole.out << whole.err;
  EXPECT_NE(whole.out.find("clean: 1 documents re-rendered"), std::string::npos) << whole.out;
}

TEST(CliTest, ArchiveCheckReportsEveryItemAsJsonAndAsAPdf) {
  TempDir dir;
  const std::string var = dir.File("var");
  for (const char* kind : {"contract-filing", "commitment-letter"}) {
    ASSERT_EQ(beian::testing::Run({kBinary, "--data", var, "archive", "ingest", kind, Example(kind)}).exit_code, 0);
  }
  ProcessResult sound = beian::testing::Run(
      {kBinary, "--data", var, "archive", "check", "--json", "--report", dir.File("report.pdf")});
  ASSERT_EQ(sound.exit_code, 0) << sound.out << sound.err;
  core::Result<core::Json> json = core::ParseJson(sound.out);
  ASSERT_TRUE(json.ok()) << sound.out;
  EXPECT_TRUE(json->Find("passed")->as_bool());
  ASSERT_EQ(json->Find("items")->as_array().size(), 12u);
  for (const core::Json& item : json->Find("items")->as_array()) {
    const std::string code = item.Find("code")->as_string();
    EXPECT_EQ(item.Find("result")->as_string(), code == "4.1" ? "not-performed" : "pass") << code;
  }
  const std::string text = testing::StripWhitespace(testing::PdfText(dir.File("report.pdf")));
  EXPECT_NE(text.find("电子档案四性检测报告"), std::string::npos);
  EXPECT_NE(text.find("所检11项均通过"), std::string::npos) << text;

  // A flipped byte in a stored PDF: 1.1 fails, named, and the exit code says so.
  FlipStoredBytes(var, 1);
  ProcessResult damaged = beian::testing::Run({kBinary, "--data", var, "archive", "check"});
  EXPECT_EQ(damaged.exit_code, 1) << damaged.out << damaged.err;
  EXPECT_NE(damaged.out.find("1.1\t真实性\t固化信息有效性检测\tfail"), std::string::npos) << damaged.out;
  // (3.1 may fail too: the flipped byte can break the PDF's structure.)
  EXPECT_NE(damaged.out.find("不合格：1.1 固化信息有效性检测"), std::string::npos) << damaged.out;
}

TEST(CliTest, ArchiveExportsABagThatImportsIntoAnEmptyArchive) {
  TempDir dir;
  const std::string var = dir.File("var"), copy = dir.File("copy"), bag = dir.File("bag");
  std::vector<std::string> numbers;
  for (const char* kind : {"commitment-letter", "contract-filing"}) {
    ProcessResult ingest = beian::testing::Run({kBinary, "--data", var, "archive", "ingest", kind, Example(kind),
                                                "--issued-at", kTime});
    ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
    numbers.push_back(ingest.out.substr(0, ingest.out.find('\t')));
  }
  ProcessResult exported = beian::testing::Run({kBinary, "--data", var, "archive", "export", bag});
  ASSERT_EQ(exported.exit_code, 0) << exported.out << exported.err;
  for (const char* file : {"/bagit.txt", "/bag-info.txt", "/manifest-sha256.txt", "/tagmanifest-sha256.txt"}) {
    EXPECT_TRUE(std::filesystem::exists(bag + file)) << file;
  }
  ProcessResult imported = beian::testing::Run({kBinary, "--data", copy, "archive", "import", bag});
  ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;
  for (const std::string& number : numbers) {
    ProcessResult a = beian::testing::Run({kBinary, "--data", var, "archive", "get", number, "-o", dir.File("a.pdf")});
    ProcessResult b = beian::testing::Run({kBinary, "--data", copy, "archive", "get", number, "-o", dir.File("b.pdf")});
    ASSERT_EQ(a.exit_code, 0);
    ASSERT_EQ(b.exit_code, 0) << b.err;
    EXPECT_EQ(core::Sha256Hex(testing::ReadFileOrDie(dir.File("a.pdf"))),
              core::Sha256Hex(testing::ReadFileOrDie(dir.File("b.pdf"))));
  }
  ProcessResult verify = beian::testing::Run({kBinary, "--data", copy, "archive", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  // A second import into the now non-empty archive is refused.
  EXPECT_NE(beian::testing::Run({kBinary, "--data", copy, "archive", "import", bag}).exit_code, 0);
}

TEST(CliTest, ArchiveSearchFindsByChineseAndNumber) {
  TempDir dir;
  const std::string var = dir.File("var");
  ProcessResult ingest = beian::testing::Run({kBinary, "--data", var, "archive", "ingest", "contract-filing",
                                              Example("contract-filing"), "--issued-at", kTime});
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  const std::string number = ingest.out.substr(0, ingest.out.find('\t'));
  core::Json data = core::ParseJson(testing::ReadFileOrDie(Example("contract-filing"))).value();
  const std::string project = data.At("/project/name")->as_string();  // e.g. 瑞祥家园
  const std::string two = project.substr(0, 6);                       // its first two characters
  for (const std::string& query : {two, number}) {
    ProcessResult found = beian::testing::Run({kBinary, "--data", var, "archive", "search", query});
    EXPECT_EQ(found.exit_code, 0) << found.err;
    EXPECT_NE(found.out.find(number), std::string::npos) << query << ": " << found.out;
  }
  ProcessResult none = beian::testing::Run({kBinary, "--data", var, "archive", "search", two, "--kind", "promotion-notice"});
  EXPECT_EQ(none.out.find(number), std::string::npos) << none.out;
  EXPECT_NE(beian::testing::Run({kBinary, "--data", var, "archive", "search", "瑞"}).exit_code, 0);
}

TEST(CliTest, MissingDataFileIsAnError) {
  TempDir dir;
  ProcessResult r = Render("commitment-letter", dir.File("nope.json"), dir.File("out.pdf"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nope.json"), std::string::npos);
  EXPECT_FALSE(Exists(dir.File("out.pdf")));
}

TEST(CliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(beian::testing::Run({kBinary}).exit_code, 2);
  EXPECT_EQ(beian::testing::Run({kBinary, "frobnicate"}).exit_code, 2);
  EXPECT_EQ(beian::testing::Run({kBinary, "render", "commitment-letter"}).exit_code, 2);
}

}  // namespace
}  // namespace beian::cli
