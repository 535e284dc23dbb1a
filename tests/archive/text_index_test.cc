#include "beian/archive/text_index.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace beian::archive {
namespace {

using Terms = std::vector<std::string>;
using IdList = std::vector<int>;

bool Has(const Terms& terms, const std::string& t) {
  return std::find(terms.begin(), terms.end(), t) != terms.end();
}

// The terms of `wanted` that `terms` lacks ("" when none).
std::string Missing(const Terms& terms, const Terms& wanted) {
  std::string missing;
  for (const std::string& w : wanted)
    if (!Has(terms, w)) missing += w + " ";
  return missing;
}

std::vector<std::string> Query(const std::string& q) {
  auto terms = QueryTerms(q);
  EXPECT_TRUE(terms.ok()) << q << ": " << terms.status().ToString();
  return terms.ok() ? *terms : std::vector<std::string>{};
}

// ---------------------------------------------------------------------------
// Tokenisation

TEST(TextIndexTerms, CjkRunsBecomeOverlappingBigrams) {
  std::vector<std::string> terms = IndexTerms("朝阳区");
  EXPECT_EQ(Missing(terms, {"朝阳", "阳区"}), "");
  EXPECT_FALSE(Has(terms, "朝阳区"));
  EXPECT_FALSE(Has(terms, "朝"));
  EXPECT_FALSE(Has(terms, "区"));
}

TEST(TextIndexTerms, SingleCjkCharacterIsItself) {
  EXPECT_EQ(IndexTerms("楼"), (Terms{"楼"}));
  std::vector<std::string> terms = IndexTerms("A座 3号");
  EXPECT_EQ(Missing(terms, {"a", "座", "3", "号"}), "");
}

TEST(TextIndexTerms, LatinAndDigitRunsAreWords) {
  std::vector<std::string> terms =
      IndexTerms("建外SOHO2期, CBD-3号楼 Room 1205");
  EXPECT_EQ(Missing(terms, {"建外", "soho2", "期", "cbd", "3", "号楼", "room",
                            "1205"}),
            "");
  // Punctuation separates; nothing but letters and digits gets into a term.
  for (const std::string& t : terms) {
    EXPECT_EQ(t.find_first_of(" ,-\"'*()"), std::string::npos) << t;
  }
}

TEST(TextIndexTerms, NoDuplicatesAndDeterministic) {
  std::vector<std::string> a = IndexTerms("物业物业 物业管理");
  std::set<std::string> unique(a.begin(), a.end());
  EXPECT_EQ(unique.size(), a.size());
  EXPECT_EQ(a, IndexTerms("物业物业 物业管理"));
  EXPECT_TRUE(IndexTerms("").empty());
  EXPECT_TRUE(IndexTerms(" ，。！").empty());
}

TEST(TextIndexTerms, PinyinFullAndInitials) {
  std::vector<std::string> terms = IndexTerms("朝阳");
  EXPECT_EQ(Missing(terms, {"朝阳", "chaoyang", "cy"}), "");
  terms = IndexTerms("朝阳区");
  EXPECT_EQ(
      Missing(terms, {"chaoyang", "yangqu", "chaoyangqu", "cy", "yq", "cyq"}),
      "");
  // Single syllables are not indexed, as single characters of a run are not.
  EXPECT_FALSE(Has(terms, "chao"));
  EXPECT_FALSE(Has(terms, "qu"));
  EXPECT_FALSE(Has(terms, "c"));
  // A lone character has no pinyin term.
  EXPECT_EQ(IndexTerms("区"), (Terms{"区"}));
}

TEST(TextIndexTerms, PinyinWindowsAreCapped) {
  // 北京瑞祥物业管理: bei jing rui xiang wu ye guan li.
  std::vector<std::string> terms = IndexTerms("北京瑞祥物业管理");
  EXPECT_TRUE(Has(terms, "ruixiang"));
  EXPECT_TRUE(Has(terms, "beijingruixiang"));  // 4 syllables
  EXPECT_TRUE(Has(terms, "wuyeguanli"));
  EXPECT_TRUE(Has(terms, "rxwy"));  // 4 initials
  EXPECT_EQ(kMaxPinyinSyllables, 4u);
  EXPECT_EQ(kMaxPinyinInitials, 4u);
  EXPECT_FALSE(Has(terms, "beijingruixiangwu"));  // 5 syllables
  EXPECT_FALSE(Has(terms, "bjrxw"));              // 5 initials
}

TEST(TextIndexTerms, PinyinStopsAtRunBoundaries) {
  std::vector<std::string> terms = IndexTerms("朝阳，家园");
  EXPECT_TRUE(Has(terms, "chaoyang"));
  EXPECT_TRUE(Has(terms, "jiayuan"));
  EXPECT_FALSE(Has(terms, "yangjia"));
  EXPECT_FALSE(Has(terms, "阳家"));
}

TEST(TextIndexTerms, PolyphonicCharactersAreIndexedUnderEachReading) {
  const std::pair<const char*, std::vector<std::string>> cases[] = {
      {"长城物业", {"changcheng", "zhangcheng", "ccwy", "changchengwuye"}},
      {"长阳", {"changyang", "cy"}},
      {"长安街", {"changanjie", "caj"}},
      {"工商银行", {"yinhang", "gongshangyinhang", "gsyh"}},
      {"厦门", {"xiamen", "xm"}},
      {"都市家园", {"dushi", "dushijiayuan"}},
      {"十里堡", {"shilipu", "shilibao", "slp"}},
      {"会计师事务所", {"kuaiji", "kuaijishi"}},
  };
  for (const auto& [text, expected] : cases) {
    EXPECT_EQ(Missing(IndexTerms(text), expected), "") << text;
  }
  // ICU's reading stays first and its context rules still apply.
  EXPECT_TRUE(Has(IndexTerms("重庆"), "chongqing"));
  // A window has at most four spellings: 行长行长 has 16 combinations.
  std::vector<std::string> terms = IndexTerms("行长行长");
  const size_t four_syllables = std::count_if(
      terms.begin(), terms.end(), [](const std::string& t) {
        return t.size() >= 16 && t.find_first_not_of("abcdefghijklmnopqrstuvwxyz") ==
                                     std::string::npos;
      });
  EXPECT_LE(four_syllables, 4u);
}

TEST(TextIndexTerms, PinyinUsesIcuContextRules) {
  // ICU Han-Latin reads 重 as zhong except before 庆.
  EXPECT_TRUE(Has(IndexTerms("重庆"), "chongqing"));
  EXPECT_TRUE(Has(IndexTerms("重要"), "zhongyao"));
  EXPECT_TRUE(Has(IndexTerms("沈阳"), "shenyang"));
  // Every district of Beijing.
  const char* districts[][2] = {
      {"东城", "dongcheng"},   {"西城", "xicheng"},       {"朝阳", "chaoyang"},
      {"丰台", "fengtai"},     {"石景山", "shijingshan"}, {"海淀", "haidian"},
      {"门头沟", "mentougou"}, {"房山", "fangshan"},      {"通州", "tongzhou"},
      {"顺义", "shunyi"},      {"昌平", "changping"},     {"大兴", "daxing"},
      {"怀柔", "huairou"},     {"平谷", "pinggu"},        {"密云", "miyun"},
      {"延庆", "yanqing"},     {"亦庄", "yizhuang"},
  };
  for (const auto& d : districts)
    EXPECT_TRUE(Has(IndexTerms(d[0]), d[1])) << d[0];
  // Latin-ASCII folds ü to u.
  EXPECT_TRUE(Has(IndexTerms("绿化"), "luhua"));
}

TEST(TextIndexTerms, NormalisesNfcWidthAndCase) {
  // e + U+0301 (decomposed) indexes like é (composed).
  EXPECT_EQ(IndexTerms("Cafe\xCC\x81"), IndexTerms("caf\xC3\xA9"));
  EXPECT_EQ(IndexTerms("caf\xC3\xA9"), (Terms{"caf\xC3\xA9"}));
  // Full-width Latin and digits fold to ASCII, upper case to lower case.
  EXPECT_EQ(IndexTerms("ＳＯＨＯ１２３"), (Terms{"soho123"}));
  // A CJK compatibility ideograph (U+F9DC 隆) becomes the unified one (U+9686).
  EXPECT_EQ(IndexTerms("\xEF\xA7\x9C盛"), IndexTerms("隆盛"));
  // A variation selector does not split a run.
  EXPECT_TRUE(Has(IndexTerms("朝\xEF\xB8\x80阳"), "朝阳"));
}

TEST(TextIndexTerms, OtherCjkScriptsAreBigrams) {
  EXPECT_EQ(Missing(IndexTerms("ひらがな"), {"ひら", "らが", "がな"}), "");
  EXPECT_EQ(Missing(IndexTerms("한국어"), {"한국", "국어"}), "");
  // Ideographs outside the BMP (CJK extension B).
  EXPECT_TRUE(Has(IndexTerms("𠀀𠀁"), "𠀀𠀁"));
}

TEST(TextIndexTerms, InvalidUtf8IsASeparator) {
  EXPECT_EQ(Missing(IndexTerms("朝阳\xFF"
                               "abc"),
                    {"朝阳", "abc"}),
            "");
}

// ---------------------------------------------------------------------------
// ID numbers

bool AnyTermContains(const std::vector<std::string>& terms,
                     const std::string& part) {
  for (const std::string& t : terms)
    if (t.find(part) != std::string::npos) return true;
  return false;
}

TEST(TextIndexIdNumbers, NeverIndexed) {
  const char* texts[] = {
      "法定代表人张三，身份证号110105197103143253，电话13800138000",
      "身份证：11010519710314325X。",
      "id11010519710314325x",
      "110105 19710314 3253",
      "110105-19710314-3253",
      "１１０１０５１９７１０３１４３２５３",
      "编号1101051971031432531",  // a longer digit run containing one
  };
  for (const char* text : texts) {
    std::vector<std::string> terms = IndexTerms(text);
    for (const char* part : {"110105", "19710314", "3253", "325x", "1971"})
      EXPECT_FALSE(AnyTermContains(terms, part)) << text << " indexed " << part;
  }
  std::vector<std::string> terms = IndexTerms(texts[0]);
  EXPECT_TRUE(Has(terms, "13800138000"));  // a phone number is not an ID number
  EXPECT_TRUE(Has(terms, "张三"));
  EXPECT_TRUE(Has(IndexTerms("id11010519710314325x"), "id"));
}

// ---------------------------------------------------------------------------
// Queries

TEST(TextIndexQuery, SameTokenisationWithoutPinyin) {
  EXPECT_EQ(Query("朝阳"), (Terms{"朝阳"}));
  EXPECT_EQ(Query("朝阳区"), (Terms{"朝阳", "阳区"}));
  EXPECT_EQ(Query("chaoyang"), (Terms{"chaoyang"}));
  EXPECT_EQ(Query("cy"), (Terms{"cy"}));
  EXPECT_EQ(Query("ChaoYang"), (Terms{"chaoyang"}));
  EXPECT_EQ(Query("  朝阳 望京 "), (Terms{"朝阳", "望京"}));
  EXPECT_EQ(Query("ＳＯＨＯ"), (Terms{"soho"}));
}

TEST(TextIndexQuery, SingleCjkCharacterRefused) {
  auto r = QueryTerms("朝");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), core::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("2"), std::string::npos);
  EXPECT_FALSE(QueryTerms(" 朝 ").ok());
  EXPECT_FALSE(QueryTerms("朝，阳").ok());
  // With other terms, a lone character is dropped (it could never match).
  EXPECT_EQ(Query("朝阳 区"), (Terms{"朝阳"}));
}

TEST(TextIndexQuery, Refusals) {
  EXPECT_FALSE(QueryTerms("").ok());
  EXPECT_FALSE(QueryTerms("，。！？ *").ok());
  EXPECT_FALSE(QueryTerms("\xFF\xFE").ok());
  EXPECT_FALSE(QueryTerms(std::string(kMaxQueryLength + 1, 'a')).ok());
  auto id = QueryTerms("110105197103143253");
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("ID"), std::string::npos);
}

TEST(TextIndexMatch, QuotedAndAnded) {
  EXPECT_EQ(MatchExpression({"朝阳", "阳区"}), "\"朝阳\" AND \"阳区\"");
  EXPECT_EQ(MatchExpression({"chaoyang"}), "\"chaoyang\"");
  EXPECT_EQ(MatchExpression({}), "");
  EXPECT_EQ(MatchExpression({"", "a"}), "\"a\"");
}

TEST(TextIndexMatch, CannotBreakOut) {
  EXPECT_EQ(MatchExpression({"a\"b"}), "\"a\"\"b\"");
  EXPECT_EQ(MatchExpression({"x\" OR \"y"}), "\"x\"\" OR \"\"y\"");
  EXPECT_EQ(MatchExpression({"*"}), "\"*\"");
  EXPECT_EQ(MatchExpression({std::string("a\0b", 3)}), "\"ab\"");
  // Queries never carry quotes, stars or apostrophes into terms.
  EXPECT_EQ(Query("朝阳\" OR \"* '阳光'"), (Terms{"朝阳", "or", "阳光"}));
  EXPECT_EQ(Query("terms:朝阳 NEAR(a b)"),
            (Terms{"terms", "朝阳", "near", "a", "b"}));
}

TEST(TextIndexFacet, NeverATextTerm) {
  const std::string district = FacetTerm("district", "朝阳区");
  EXPECT_EQ(district,
            "\xEE\x80\x80"
            "district"
            "\xEE\x80\x80"
            "e69c9de998b3e58cba");
  EXPECT_EQ(FacetTerm("Kind!", "a b"),
            "\xEE\x80\x80"
            "kind"
            "\xEE\x80\x80"
            "612062");
  // Private-use characters separate text terms, so no text or query yields one.
  EXPECT_EQ(IndexTerms(district), (Terms{"district", "e69c9de998b3e58cba"}));
  auto q = QueryTerms(district);
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(Has(*q, district));
}

TEST(TextIndexThreads, ThreadSafe) {
  // Rare characters, so that threads race to fill the pinyin cache.
  const Terms texts = {"龘靐齉爩",           "鱻麤厵",
                       "朝阳区望京家园一期", "重庆大厦",
                       "丰台区方庄芳群园",   "北京瑞祥物业管理有限公司"};
  std::vector<std::vector<Terms>> seen(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 50; ++round)
        for (size_t k = 0; k < texts.size(); ++k)
          seen[i].push_back(IndexTerms(texts[(k + i) % texts.size()]));
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(seen[i].size(), 50 * texts.size());
    for (size_t j = 0; j < seen[i].size(); ++j)
      ASSERT_EQ(seen[i][j],
                IndexTerms(texts[(j % texts.size() + i) % texts.size()]));
  }
}

// ---------------------------------------------------------------------------
// End to end on SQLite FTS5

class TextIndexFts5 : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    Exec(
        "CREATE TABLE documents(id INTEGER PRIMARY KEY, enterprise_name TEXT, "
        "project_name TEXT,"
        " note TEXT)");
    Exec(
        "CREATE VIRTUAL TABLE documents_fts USING fts5(terms, content='', "
        "columnsize=0,"
        " detail=none, tokenize='unicode61 remove_diacritics 0')");
    Add(1, "北京瑞祥物业管理有限公司", "朝阳区望京家园一期", "");
    Add(2, "北京华信物业服务有限公司", "海淀区中关村科技园", "");
    Add(3, "北京朝阳物业有限公司", "丰台区方庄芳群园", "");
    Add(4, "上海恒达物业股份有限公司北京分公司", "重庆大厦", "");
    Add(5, "北京鸿运置业", "西城区金融街",
        "法定代表人张三，身份证号110105197103143253");
    Add(6, "北京金泽物业", "建外SOHO", "");
    Add(7, "北京阳光物业", "通州区果园", "");
  }
  void TearDown() override { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
        << sql << ": " << (err ? err : "");
  }

  void Add(int id, const std::string& enterprise, const std::string& project,
           const std::string& note) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db_, "INSERT INTO documents VALUES(?1, ?2, ?3, ?4)",
                           -1, &stmt, nullptr),
        SQLITE_OK);
    sqlite3_bind_int(stmt, 1, id);
    sqlite3_bind_text(stmt, 2, enterprise.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, project.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 4, note.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    std::string terms =
        JoinTerms(IndexTerms(enterprise + " " + project + " " + note));
    ASSERT_EQ(sqlite3_prepare_v2(
                  db_, "INSERT INTO documents_fts(rowid, terms) VALUES(?1, ?2)",
                  -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_int(stmt, 1, id);
    sqlite3_bind_text(stmt, 2, terms.c_str(), -1, SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
  }

  static constexpr const char* kSearch =
      "SELECT d.id FROM documents_fts f JOIN documents d ON d.id = f.rowid "
      "WHERE documents_fts MATCH ?1 ORDER BY f.rowid DESC";

  // The ids `sql` returns with `match` bound to ?1, or {-1} on an SQL error.
  std::vector<int> Ids(const std::string& sql, const std::string& match) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
      return {-1};
    sqlite3_bind_text(stmt, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    std::vector<int> ids;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
      ids.push_back(sqlite3_column_int(stmt, 0));
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) return {-1};
    return ids;
  }

  std::vector<int> Search(const std::string& query) {
    auto terms = QueryTerms(query);
    EXPECT_TRUE(terms.ok()) << query << ": " << terms.status().ToString();
    if (!terms.ok()) return {-1};
    return Ids(kSearch, MatchExpression(*terms));
  }

  sqlite3* db_ = nullptr;
};

TEST_F(TextIndexFts5, ChineseSubstrings) {
  EXPECT_EQ(Search("朝阳"), (IdList{3, 1}));
  EXPECT_EQ(Search("阳区"), (IdList{1}));
  EXPECT_EQ(Search("朝阳区"), (IdList{1}));
  EXPECT_EQ(Search("望京"), (IdList{1}));
  EXPECT_EQ(Search("物业"), (IdList{7, 6, 4, 3, 2, 1}));
  EXPECT_EQ(Search("阳光"), (IdList{7}));
  EXPECT_EQ(Search("有限公司"), (IdList{4, 3, 2, 1}));
  EXPECT_EQ(Search("关村科"), (IdList{2}));
  EXPECT_EQ(Search("朝阳 望京"), (IdList{1}));
  EXPECT_EQ(Search("阳朝"), (IdList{}));
  EXPECT_EQ(Search("张三"), (IdList{5}));
}

TEST_F(TextIndexFts5, Pinyin) {
  EXPECT_EQ(Search("chaoyang"), (IdList{3, 1}));
  EXPECT_EQ(Search("cy"), (IdList{3, 1}));
  EXPECT_EQ(Search("CHAOYANG"), (IdList{3, 1}));
  EXPECT_EQ(Search("chaoyangqu"), (IdList{1}));
  EXPECT_EQ(Search("cyq"), (IdList{1}));
  EXPECT_EQ(Search("wangjing"), (IdList{1}));
  EXPECT_EQ(Search("ruixiang"), (IdList{1}));
  EXPECT_EQ(Search("rxwy"), (IdList{1}));
  EXPECT_EQ(Search("chongqing"), (IdList{4}));
  EXPECT_EQ(Search("chaoyang wangjing"), (IdList{1}));
  EXPECT_EQ(Search("chao"), (IdList{}));
}

TEST_F(TextIndexFts5, LatinWords) {
  EXPECT_EQ(Search("soho"), (IdList{6}));
  EXPECT_EQ(Search("建外 SOHO"), (IdList{6}));
}

TEST_F(TextIndexFts5, IdNumbersAreNotSearchable) {
  EXPECT_FALSE(QueryTerms("110105197103143253").ok());
  EXPECT_EQ(Search("110105"), (IdList{}));
  EXPECT_EQ(Search("3253"), (IdList{}));
  EXPECT_EQ(Search("19710314"), (IdList{}));
}

TEST_F(TextIndexFts5, HostileQueriesStayInsideTheirQuotes) {
  // Through QueryTerms: operators become plain required words.
  EXPECT_EQ(Search("朝阳\" OR \"阳光"), (IdList{}));
  EXPECT_EQ(Search("朝阳 OR 阳光"), (IdList{}));
  EXPECT_EQ(Search("朝阳*"), (IdList{3, 1}));
  EXPECT_EQ(Search("'朝阳' --"), (IdList{3, 1}));
  EXPECT_EQ(Search("NOT 朝阳"), (IdList{}));
  EXPECT_EQ(Search("terms:朝阳"), (IdList{}));
  // Raw hostile terms, on a table that allows phrases: still one quoted
  // string each, so they match nothing and raise no syntax error.
  Exec(
      "CREATE VIRTUAL TABLE full_fts USING fts5(terms, tokenize='unicode61 "
      "remove_diacritics 0')");
  Exec("INSERT INTO full_fts(rowid, terms) SELECT 1, '朝阳 阳光 x y'");
  const std::string sql = "SELECT rowid FROM full_fts WHERE full_fts MATCH ?1";
  EXPECT_EQ(Ids(sql, MatchExpression({"朝阳"})), (IdList{1}));
  for (const std::string& hostile :
       {std::string("x\" OR \"y"), std::string("\") OR (\"朝阳"),
        std::string("朝阳\" NOT \"x"), std::string("阳光\" *"),
        std::string("terms : x\" OR y"), std::string("\"\"\"")}) {
    EXPECT_EQ(Ids(sql, MatchExpression({"none", hostile})), (IdList{}))
        << hostile;
    std::vector<int> alone = Ids(sql, MatchExpression({hostile}));
    EXPECT_TRUE(alone.empty() || alone == std::vector<int>{1}) << hostile;
    EXPECT_NE(alone, std::vector<int>{-1}) << hostile;
  }
}

TEST_F(TextIndexFts5, UsesTheFtsIndexNotTrigramOrLike) {
  // The plan drives from the FTS index and looks documents up by id.
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(
                db_, (std::string("EXPLAIN QUERY PLAN ") + kSearch).c_str(), -1,
                &stmt, nullptr),
            SQLITE_OK);
  std::string plan;
  while (sqlite3_step(stmt) == SQLITE_ROW)
    plan += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)) +
            std::string("\n");
  sqlite3_finalize(stmt);
  EXPECT_NE(plan.find("VIRTUAL TABLE INDEX"), std::string::npos) << plan;
  EXPECT_NE(plan.find("SEARCH d USING INTEGER PRIMARY KEY"), std::string::npos)
      << plan;
  EXPECT_EQ(plan.find("SCAN d"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
  // Why not trigram: it silently finds nothing for 2-character Chinese.
  Exec("CREATE VIRTUAL TABLE tri USING fts5(t, tokenize='trigram')");
  Exec(
      "INSERT INTO tri(rowid, t) SELECT id, enterprise_name || ' ' || "
      "project_name FROM documents");
  EXPECT_EQ(Ids("SELECT rowid FROM tri WHERE t LIKE ?1", "%朝阳%"), (IdList{}));
  EXPECT_EQ(Search("朝阳"), (IdList{3, 1}));
}

TEST_F(TextIndexFts5, FacetTermsFilterInTheSameScan) {
  Exec("INSERT INTO documents_fts(rowid, terms) VALUES(8, '" +
       JoinTerms(IndexTerms("北京朝阳物业 朝阳区安贞里")) + " " +
       FacetTerm("district", "朝阳区") + "')");
  Terms terms = Query("朝阳");
  terms.push_back(FacetTerm("district", "朝阳区"));
  EXPECT_EQ(Ids("SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1",
                MatchExpression(terms)),
            (IdList{8}));
  EXPECT_EQ(Search("district"), (IdList{}));
}

TEST_F(TextIndexFts5, KeysetPagination) {
  const std::string sql =
      "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1 AND rowid "
      "< ?2 "
      "ORDER BY rowid DESC LIMIT 2";
  const std::string match = MatchExpression(Query("物业"));
  std::vector<int> all;
  int64_t last = INT64_MAX;
  for (;;) {
    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK);
    sqlite3_bind_text(stmt, 1, match.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, last);
    int n = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      last = sqlite3_column_int64(stmt, 0);
      all.push_back(static_cast<int>(last));
      ++n;
    }
    sqlite3_finalize(stmt);
    if (n < 2) break;
  }
  EXPECT_EQ(all, (IdList{7, 6, 4, 3, 2, 1}));
}

}  // namespace
}  // namespace beian::archive
