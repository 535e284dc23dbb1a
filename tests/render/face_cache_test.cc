// The prepared-face cache (EngineOptions::face_cache): what a cached engine renders is byte for
// byte what an uncached one renders; a sound entry is read without opening the font file; a
// stale, damaged or truncated entry, or one of a font file touched since, is prepared again and
// replaced; a changed font file is refused as without a cache.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstring>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian/render/engine.h"
#include "process.h"

namespace beian::render {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// Counts the font files opened: a face read from the cache opens none (a last-resort face
// maps its file, which is that face).
class CountingSource : public FileFontSource {
 public:
  core::Result<std::shared_ptr<const FontFile>> Open(const std::string& file) override {
    ++opened[fs::path(file).filename().string()];
    return FileFontSource::Open(file);
  }
  std::map<std::string, int> opened;
};

constexpr char kSong[] = "gbsn00lp.ttf";
constexpr char kLastResort[] = "HanaMinA.ttf";

class FaceCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Copies of two of the manifest's files, so a test may touch or change them: the song face
    // and a last-resort face (〇, U+3007, is in HanaMinA and not in gbsn00lp).
    const core::Json real =
        core::ParseJson(testing::ReadFileOrDie(testing::SourceRoot() + "/fonts/manifest.json")).value();
    const core::Json& faces = *real.Find("faces");
    fs::copy_file(faces.Find("gbsn00lp")->Find("file")->as_string(), fonts_.File(kSong));
    fs::copy_file(faces.Find("hanamin-a")->Find("file")->as_string(), fonts_.File(kLastResort));
    manifest_.faces.push_back({"song", fonts_.File(kSong), 0, faces.Find("gbsn00lp")->Find("sha256")->as_string(),
                               "", false});
    manifest_.faces.push_back({"last", fonts_.File(kLastResort), 0,
                               faces.Find("hanamin-a")->Find("sha256")->as_string(), "", true});
    manifest_.roles["song"] = {"song", "last"};
    const core::Json& intent = *real.Find("output_intent");
    manifest_.output_intent = {intent.Find("file")->as_string(), intent.Find("identifier")->as_string(),
                               intent.Find("sha256")->as_string(), ""};
  }

  struct Rendered {
    core::Status status;
    std::string pdf;
  };

  // A one-page document drawing from both faces, by a new engine with the cache folder `cache`
  // ("" for none). `loaded` receives LoadFonts' outcome.
  Rendered Render(const std::string& cache, core::Status* loaded = nullptr) {
    EngineOptions options;
    options.face_cache = cache;
    auto engine = Engine::Create(manifest_, source_, options);
    if (!engine.ok()) return {engine.status(), ""};
    const core::Status fonts = (*engine)->LoadFonts();
    if (loaded != nullptr) *loaded = fonts;
    song_opened_by_load_ = source_->opened[kSong];
    auto tmpl = (*engine)->Compile(R"(<template kind="test" version="1" title="测试">
  <page size="A4" margin="20 20 25 20"/>
  <running><text place="footer-left">文书编号：{$number}</text><qr place="footer-right" size="16"/></running>
  <section><p>二〇二六年 {name} 承诺所填报的信息真实、准确、完整。</p></section></template>)");
    if (!tmpl.ok()) return {tmpl.status(), ""};
    RenderOptions render;
    render.document_number = "TEST-20261127-0001";
    render.issued_at = "2026-11-27T10:00:00+08:00";
    render.verification_key = "ABCDEFGHIJKLMNOP";
    auto doc = (*engine)->Render(**tmpl, core::ParseJson(R"({"name": "北京市朝阳物业管理有限公司"})").value(), render);
    if (!doc.ok()) return {doc.status(), ""};
    return {core::Status::Ok(), doc->pdf};
  }

  // The cache file of the face whose entries start with `id`.
  std::string Entry(const std::string& id) const {
    for (const auto& e : fs::directory_iterator(cache_.path())) {
      const std::string name = e.path().filename().string();
      if (name.rfind(id + "-", 0) == 0 && e.path().extension() == ".face") return e.path().string();
    }
    return "";
  }

  // Where the song face's working face starts in its entry (the end of the span checked on load).
  size_t WorkingFaceOffset() const {
    const std::string bytes = testing::ReadFileOrDie(Entry("song"));
    uint64_t end = 0;
    std::memcpy(&end, bytes.data() + std::strlen("beian-face 1\n") + 8, sizeof end);
    return static_cast<size_t>(end);
  }

  // The uncached rendering, then one that fills the cache: the same bytes.
  std::string Fill() {
    const Rendered plain = Render("");
    EXPECT_TRUE(plain.status.ok()) << plain.status.ToString();
    const Rendered filled = Render(cache_.path());
    EXPECT_TRUE(filled.status.ok()) << filled.status.ToString();
    EXPECT_EQ(filled.pdf, plain.pdf);
    EXPECT_FALSE(Entry("song").empty());
    EXPECT_FALSE(Entry("last").empty());
    source_->opened.clear();
    return plain.pdf;
  }

  TempDir fonts_, cache_;
  FontManifest manifest_;
  std::shared_ptr<CountingSource> source_ = std::make_shared<CountingSource>();
  int song_opened_by_load_ = 0;  // the song font file's openings when LoadFonts returned
};

TEST_F(FaceCacheTest, ACachedFaceIsReadWithoutItsFontFileAndRendersTheSameBytes) {
  const std::string pdf = Fill();
  for (int i = 0; i < 2; ++i) {
    const Rendered cached = Render(cache_.path());
    ASSERT_TRUE(cached.status.ok()) << cached.status.ToString();
    EXPECT_EQ(cached.pdf, pdf);
  }
  EXPECT_EQ(source_->opened[kSong], 0);
  EXPECT_EQ(source_->opened[kLastResort], 2);  // mapped: the file is that face
  EXPECT_EQ(fs::status(cache_.path()).permissions() & fs::perms::others_all, fs::perms::none);
}

TEST_F(FaceCacheTest, AStaleDamagedOrTruncatedEntryIsPreparedAgainAndReplaced) {
  const std::string pdf = Fill();
  const std::string entry = Entry("song");
  const std::string sound = testing::ReadFileOrDie(entry);
  const size_t working = WorkingFaceOffset();
  ASSERT_GT(working, 65536u * 2);
  ASSERT_LT(working + 4096, sound.size());
  struct Harm {
    const char* what;
    std::function<void(std::string&)> apply;
    bool found_on_load;  // else when the face is first subset
  };
  const std::vector<Harm> harms = {
      {"another engine version", [](std::string& b) { b[b.find("engine beian") + 7] = 'B'; }, true},
      {"a flipped bit in the character map", [&](std::string& b) { b[working - 20000] ^= 0x10; }, true},
      {"a flipped bit in the working face", [&](std::string& b) { b[working + 4000] ^= 0x01; }, false},
      {"the file cut in half", [](std::string& b) { b.resize(b.size() / 2); }, true},
      {"not a prepared face", [](std::string& b) { b = "%PDF-1.7\n"; }, true},
  };
  for (const Harm& harm : harms) {
    SCOPED_TRACE(harm.what);
    std::string harmed = sound;
    harm.apply(harmed);
    testing::WriteFileOrDie(entry, harmed);
    source_->opened.clear();
    core::Status loaded;
    const Rendered again = Render(cache_.path(), &loaded);
    ASSERT_TRUE(again.status.ok()) << again.status.ToString();
    EXPECT_EQ(again.pdf, pdf);
    EXPECT_EQ(source_->opened[kSong], 1);
    EXPECT_EQ(song_opened_by_load_, harm.found_on_load ? 1 : 0);
    EXPECT_EQ(testing::ReadFileOrDie(entry), sound) << "the entry is replaced by a sound one";
  }
  // And the replaced entry is read as before.
  source_->opened.clear();
  EXPECT_EQ(Render(cache_.path()).pdf, pdf);
  EXPECT_EQ(source_->opened[kSong], 0);
}

TEST_F(FaceCacheTest, AFontFileTouchedSinceIsCheckedAgainAndAChangedOneIsRefused) {
  const std::string pdf = Fill();
  // The same bytes written again: another identity, the SHA-256 checked again, the face kept.
  testing::WriteFileOrDie(fonts_.File(kSong), testing::ReadFileOrDie(fonts_.File(kSong)));
  Rendered touched = Render(cache_.path());
  ASSERT_TRUE(touched.status.ok()) << touched.status.ToString();
  EXPECT_EQ(touched.pdf, pdf);
  EXPECT_EQ(source_->opened[kSong], 1);

  // Other bytes of the same length: refused, cache or not.
  std::string changed = testing::ReadFileOrDie(fonts_.File(kSong));
  changed[changed.size() / 2] ^= 0x01;
  testing::WriteFileOrDie(fonts_.File(kSong), changed);
  for (const std::string& cache : {cache_.path(), std::string()}) {
    core::Status loaded;
    const Rendered refused = Render(cache, &loaded);
    EXPECT_EQ(loaded.code(), core::Code::kFailedPrecondition) << loaded.ToString();
    EXPECT_NE(loaded.message().find("SHA-256 differs"), std::string::npos) << loaded.message();
    EXPECT_EQ(refused.status.code(), core::Code::kFailedPrecondition) << "rendering fails the same way";
  }
}

// A face another user could have written is not trusted: prepared again.
TEST_F(FaceCacheTest, AnEntryOthersCouldWriteIsPreparedAgain) {
  const std::string pdf = Fill();
  fs::permissions(Entry("song"), fs::perms::group_write, fs::perm_options::add);
  const Rendered again = Render(cache_.path());
  ASSERT_TRUE(again.status.ok()) << again.status.ToString();
  EXPECT_EQ(again.pdf, pdf);
  EXPECT_EQ(source_->opened[kSong], 1);
  EXPECT_EQ(fs::status(Entry("song")).permissions() & fs::perms::group_write, fs::perms::none);
}

TEST_F(FaceCacheTest, ACacheFolderThatCannotBeWrittenOnlyCostsTime) {
  const std::string pdf = Render("").pdf;
  ASSERT_FALSE(pdf.empty());
  const std::string blocked = cache_.File("a-file");
  testing::WriteFileOrDie(blocked, "not a folder");
  for (int i = 0; i < 2; ++i) {
    const Rendered rendered = Render(blocked + "/faces");
    ASSERT_TRUE(rendered.status.ok()) << rendered.status.ToString();
    EXPECT_EQ(rendered.pdf, pdf);
  }
  EXPECT_EQ(source_->opened[kSong], 3);
}

}  // namespace
}  // namespace beian::render
