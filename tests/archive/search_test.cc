// Archive::Search on a real SQLite archive: Chinese bigrams, pinyin, document
// numbers, credit-code prefixes, filters, order, pagination, ID numbers and the
// migration that indexes documents filed before it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "archive_test_util.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/archive/text_index.h"
#include "beian/core/json.h"
#include "search_terms.h"
#include "test_catalog.h"

namespace beian::archive {
namespace {

using testing::OpenTestArchive;
using testing::ExecSql;
using testing::QueryColumn;
using testing::TempDir;

constexpr char kIdNumber[] = "110105197103143253";

struct Spec {
  const char* enterprise;
  const char* project;
  const char* district;
};

// 30 documents; index i is filed i-th (id i + 1) and issued on day 1 + i of
// 2026-03.. (one per day, so newest first is also issue order).
const Spec kSpecs[30] = {
    {"北京朝阳物业管理有限公司", "望京花园一期", "朝阳区"},
    {"北京海淀物业服务有限公司", "中关村科技园", "海淀区"},
    {"北京瑞华物业有限公司", "双井家园", "朝阳区"},
    {"北京信安物业管理有限公司", "上地国际", "海淀区"},
    {"北京东方物业有限公司", "金融街大厦", "西城区"},
    {"北京鸿运物业有限公司", "方庄小区", "丰台区"},
    {"北京朝阳物业管理有限公司", "亚运村北里", "朝阳区"},
    {"北京嘉和物业有限公司", "回龙观新城", "昌平区"},
    {"北京万龙物业有限公司", "天通苑东区", "昌平区"},
    {"北京泰达物业有限公司", "望京西园", "朝阳区"},
    {"北京金盛物业有限公司", "亦庄科技园", "北京经济技术开发区"},
    {"北京华泰物业有限公司", "安贞小区", "朝阳区"},
    {"北京宏远物业有限公司", "五道口公寓", "海淀区"},
    {"北京天成物业有限公司", "良乡新城", "房山区"},
    {"北京润泽物业有限公司", "黄村花园", "大兴区"},
    {"北京朝阳物业管理有限公司", "团结湖北里", "朝阳区"},
    {"北京博君物业有限公司", "苹果园小区", "石景山区"},
    {"北京福德物业有限公司", "梨园家园", "通州区"},
    {"北京宝丰物业有限公司", "后沙峪花园", "顺义区"},
    {"北京长城物业有限公司", "德胜门公寓", "西城区"},
    {"北京新世纪物业有限公司", "东直门大厦", "东城区"},
    {"北京中海物业有限公司", "三里屯中心", "朝阳区"},
    {"北京誉鸿物业有限公司", "沙河名苑", "昌平区"},
    {"北京凯星物业有限公司", "温泉雅苑", "海淀区"},
    {"北京源通物业有限公司", "长阳尚城", "房山区"},
    {"北京兴隆物业有限公司", "旧宫华府", "大兴区"},
    {"北京恒达物业有限公司", "国贸商务楼", "朝阳区"},
    {"北京祥信物业有限公司", "九棵树广场", "通州区"},
    {"北京安泰物业有限公司", "苏家坨嘉园", "海淀区"},
    {"北京瑞华物业有限公司", "望京南区", "朝阳区"},
};

std::string CreditCodeOf(int i) {
  // 91 + division code (from the district's first two letters' position) +
  // a serial part; only the prefixes matter here.
  char code[32];
  std::snprintf(code, sizeof code, "91110%03dMA%07dX", 100 + i % 3, 1000 + i);
  return code;
}

NewDocument MakeDocument(int i, const std::string& number) {
  const Spec& spec = kSpecs[i];
  NewDocument d;
  d.number = number;
  d.kind = i % 3 == 0 ? "qualification-verification" : "contract-filing";
  d.template_version = 1;
  core::Json data = core::Json::MakeObject();
  data.Set("owner_id_number", std::string(kIdNumber));
  data.Set("sequence", i);
  d.data = data;
  d.credit_code = CreditCodeOf(i);
  d.enterprise_name = spec.enterprise;
  d.project_name = spec.project;
  d.district = spec.district;
  char issued[40];
  std::snprintf(issued, sizeof issued, "2026-%02d-%02dT10:00:00+08:00",
                3 + i / 28, 1 + i % 28);
  d.issued_at = issued;
  d.created_by = "clerk-li";
  d.pages = 1;
  d.pdf = "%PDF-1.7\n% fake " + std::to_string(i) + "\n%%EOF\n";
  return d;
}

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenTestArchive(dir_.path() + "/archive");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
    for (int i = 0; i < 30; ++i) {
      auto number = archive_->AllocateNumber(kSpecs[i].district, 2026,
                                             "contract-filing");
      ASSERT_TRUE(number.ok()) << number.status().ToString();
      auto stored = archive_->Ingest(MakeDocument(i, *number));
      ASSERT_TRUE(stored.ok()) << stored.status().ToString();
      docs_.push_back(*stored);
    }
  }

  // The spec indexes of the matches (all pages), in result order.
  std::vector<int> Find(const std::string& text, DocumentFilter filter = {}) {
    SearchQuery query{text, filter};
    std::vector<int> found;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = archive_->Search(query);
      EXPECT_TRUE(page.ok()) << text << ": " << page.status().ToString();
      if (!page.ok()) break;
      for (const Document& d : page->documents) {
        found.push_back(static_cast<int>(d.id - docs_[0].id));
      }
      if (!page->next) break;
      query.filter.after = page->next;
    }
    return found;
  }

  // Spec indexes, newest first, of the documents `pred` selects.
  template <typename Pred>
  std::vector<int> Expected(Pred pred) {
    std::vector<int> out;
    for (int i = 29; i >= 0; --i) {
      if (pred(i)) out.push_back(i);
    }
    return out;
  }

  static bool NameHas(int i, const std::string& part) {
    return std::string(kSpecs[i].enterprise).find(part) != std::string::npos ||
           std::string(kSpecs[i].project).find(part) != std::string::npos;
  }

  TempDir dir_;
  std::unique_ptr<CatalogArchive> archive_;
  std::vector<Document> docs_;
};

TEST_F(SearchTest, TwoChineseCharactersFindEveryNameContainingThem) {
  EXPECT_EQ(Find("望京"), Expected([](int i) { return NameHas(i, "望京"); }));
  EXPECT_EQ(Find("望京").size(), 3u);
  EXPECT_EQ(Find("瑞华"), Expected([](int i) { return NameHas(i, "瑞华"); }));
  EXPECT_EQ(Find("科技园"),
            Expected([](int i) { return NameHas(i, "科技园"); }));
  EXPECT_EQ(Find("北里"), Expected([](int i) { return NameHas(i, "北里"); }));
  EXPECT_TRUE(Find("上海").empty());
}

TEST_F(SearchTest, PinyinFullAndInitialsFindTheSameAsChinese) {
  const std::vector<int> chaoyang = Find("朝阳");
  ASSERT_EQ(chaoyang.size(), 3u);
  EXPECT_EQ(Find("chaoyang"), chaoyang);
  EXPECT_EQ(Find("ChaoYang"), chaoyang);
  // "cy" also matches other names with those initials (none here besides).
  const std::vector<int> cy = Find("cy");
  for (int i : chaoyang) {
    EXPECT_NE(std::find(cy.begin(), cy.end(), i), cy.end()) << i;
  }
  EXPECT_EQ(Find("wangjing"), Find("望京"));
  EXPECT_EQ(Find("wj"), Find("望京"));
}

TEST_F(SearchTest, DocumentNumberExactAndTypedVariant) {
  const Document& d = docs_[7];
  auto page = archive_->Search({d.number, {}});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->documents.size(), 1u);
  EXPECT_EQ(page->documents[0].id, d.id);
  EXPECT_FALSE(page->next);

  // 京昌备〔2026〕000002号 typed as 京昌备[2026]2号.
  std::string typed = d.number;
  const size_t open = typed.find("〔");
  ASSERT_NE(open, std::string::npos);
  typed.replace(open, std::string("〔").size(), "[");
  const size_t close = typed.find("〕");
  ASSERT_NE(close, std::string::npos);
  typed.replace(close, std::string("〕").size(), "]");
  size_t zeros = close + 1;
  while (typed[zeros] == '0') typed.erase(zeros, 1);
  ASSERT_NE(typed, d.number);
  page = archive_->Search({typed, {}});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->documents.size(), 1u) << typed;
  EXPECT_EQ(page->documents[0].id, d.id);

  // A filter that excludes it leaves nothing.
  DocumentFilter other;
  other.district = "海淀区";
  page = archive_->Search({d.number, other});
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->documents.empty());
}

TEST_F(SearchTest, CreditCodePrefixFindsEveryCodeStartingWithIt) {
  // "91110101" is the code of i % 3 == 1.
  EXPECT_EQ(Find("91110101"), Expected([](int i) { return i % 3 == 1; }));
  EXPECT_EQ(Find("911101"), Expected([](int) { return true; }));
  EXPECT_EQ(Find(CreditCodeOf(12)), std::vector<int>{12});
  EXPECT_EQ(Find("91110101ma0001004"), std::vector<int>{4});  // lower case
  DocumentFilter haidian;
  haidian.district = "海淀区";
  EXPECT_EQ(Find("91110101", haidian), Expected([](int i) {
              return i % 3 == 1 &&
                     std::string(kSpecs[i].district) == "海淀区";
            }));
}

TEST_F(SearchTest, FiltersOnKindDistrictDatesAndStatus) {
  DocumentFilter kind;
  kind.kind = "qualification-verification";
  EXPECT_EQ(Find("物业", kind), Expected([](int i) { return i % 3 == 0; }));

  DocumentFilter district;
  district.district = "朝阳区";
  EXPECT_EQ(Find("物业", district), Expected([](int i) {
              return std::string(kSpecs[i].district) == "朝阳区";
            }));
  DocumentFilter both = district;
  both.kind = "contract-filing";
  EXPECT_EQ(Find("望京", both), Expected([](int i) {
              return NameHas(i, "望京") && i % 3 != 0 &&
                     std::string(kSpecs[i].district) == "朝阳区";
            }));

  DocumentFilter dates;
  dates.issued_from = "2026-03-05";
  dates.issued_before = "2026-03-10";  // days 5..9: i = 4..8
  EXPECT_EQ(Find("物业", dates),
            Expected([](int i) { return i >= 4 && i <= 8; }));

  ASSERT_TRUE(testing::Revoke(*archive_, docs_[9].id, "admin", "test").ok());
  DocumentFilter revoked;
  revoked.status = DocumentStatus::kRevoked;
  EXPECT_EQ(Find("望京", revoked), std::vector<int>{9});
  DocumentFilter issued;
  issued.status = DocumentStatus::kIssued;
  EXPECT_EQ(Find("望京", issued), (std::vector<int>{29, 0}));
}

TEST_F(SearchTest, CreditCodeFilterKeepsOneEnterprisesDocuments) {
  DocumentFilter own;
  own.credit_code = CreditCodeOf(4);
  EXPECT_EQ(Find("物业", own), std::vector<int>{4});
  EXPECT_EQ(Find("911101", own), std::vector<int>{4});
  EXPECT_EQ(Find(docs_[4].number, own), std::vector<int>{4});
  EXPECT_TRUE(Find(docs_[5].number, own).empty());
  EXPECT_TRUE(Find(CreditCodeOf(5), own).empty());
  auto listed = archive_->ListDocuments(own);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->documents.size(), 1u);
  EXPECT_EQ(listed->documents[0].id, docs_[4].id);
}

TEST_F(SearchTest, NewestFirstAndPagesAreStable) {
  DocumentFilter filter;
  filter.limit = 4;
  SearchQuery query{"物业", filter};
  std::vector<int64_t> ids;
  int pages = 0;
  for (;;) {
    auto page = archive_->Search(query);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    EXPECT_LE(page->documents.size(), 4u);
    for (const Document& d : page->documents) ids.push_back(d.id);
    if (!page->next) break;
    query.filter.after = page->next;
    if (pages == 2) {
      // A document filed meanwhile does not disturb the following pages.
      auto number = archive_->AllocateNumber("朝阳区", 2026, "contract-filing");
      ASSERT_TRUE(number.ok());
      NewDocument late = MakeDocument(0, *number);
      late.issued_at = "2026-05-01T10:00:00+08:00";
      late.pdf += "late";
      ASSERT_TRUE(archive_->Ingest(late).ok());
    }
  }
  EXPECT_EQ(pages, 8);  // 30 documents, 4 a page
  ASSERT_EQ(ids.size(), 30u);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), 30u);
  EXPECT_EQ(ids.front(), docs_.back().id);
  EXPECT_EQ(ids.back(), docs_.front().id);
}

TEST_F(SearchTest, ResultsCarryNoDataAndIdNumbersAreNeverIndexed) {
  auto page = archive_->Search({"望京", {}});
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->documents.empty());
  for (const Document& d : page->documents) {
    EXPECT_TRUE(d.data.empty());
    EXPECT_EQ(d.number.find(kIdNumber), std::string::npos);
  }
  // The stored data still has it (Get returns it).
  auto full = archive_->Get(page->documents[0].id);
  ASSERT_TRUE(full.ok());
  EXPECT_NE(full->data.find(kIdNumber), std::string::npos);

  auto by_id = archive_->Search({kIdNumber, {}});
  EXPECT_EQ(by_id.status().code(), core::Code::kInvalidArgument);
  auto by_part = archive_->Search({"19710314", {}});
  ASSERT_TRUE(by_part.ok());
  EXPECT_TRUE(by_part->documents.empty());

  // No term in the index holds the ID number or a run of its digits (read
  // every term of the index: through fts5vocab of the contentless FTS5
  // table, or ts_stat of the tsvectors).
  const std::string catalog = archive_->catalog();
  std::vector<std::string> terms;
  if (beian::testing::OnPostgres()) {
    // Each lexeme is "<bucket>" U+E001 "<term>" (search_terms.h).
    for (const std::string& word : QueryColumn(catalog, "SELECT word FROM ts_stat('SELECT terms FROM document_terms')")) {
      terms.push_back(word.substr(word.find("\xEE\x80\x81") + 3));
    }
  } else {
    ASSERT_EQ(ExecSql(catalog,
                      "CREATE VIRTUAL TABLE temp_vocab USING "
                      "fts5vocab(documents_fts, row)"),
              "");
    terms = QueryColumn(catalog, "SELECT term FROM temp_vocab");
    ASSERT_EQ(ExecSql(catalog, "DROP TABLE temp_vocab"), "");
  }
  EXPECT_GT(terms.size(), 100u);
  EXPECT_NE(std::find(terms.begin(), terms.end(), "望京"), terms.end());
  EXPECT_NE(std::find(terms.begin(), terms.end(), "chaoyang"), terms.end());
  for (const std::string& t : terms) {
    EXPECT_EQ(t.find("1971"), std::string::npos) << t;
    EXPECT_EQ(t.find("3253"), std::string::npos) << t;
  }
  // An enterprise name cannot carry one into the index either.
  for (const std::string& t :
       IndexTerms(std::string("物业") + kIdNumber + "公司")) {
    EXPECT_EQ(t.find("19710314"), std::string::npos) << t;
  }
}

TEST_F(SearchTest, QueriesTheIndexCannotAnswerAreRefused) {
  for (const std::string text : {"", "   ", "朝", "\xff\xfe"}) {
    auto page = archive_->Search({text, {}});
    EXPECT_EQ(page.status().code(), core::Code::kInvalidArgument) << text;
    EXPECT_FALSE(page.status().message().empty());
  }
  DocumentFilter bad;
  bad.limit = 0;
  EXPECT_EQ(archive_->Search({"望京", bad}).status().code(),
            core::Code::kInvalidArgument);
}

TEST_F(SearchTest, MigrationIndexesDocumentsFiledBeforeIt) {
  const std::string catalog = archive_->catalog();
  archive_.reset();
  // Back to schema version 1: no search index (nor what later versions
  // added; migration 4 rebuilds documents from the columns version 1 had).
  ASSERT_EQ(ExecSql(catalog,
                    std::string(testing::kDropSchemas6To9) +
                    "DROP TABLE documents_fts; DROP TABLE search_index_meta; "
                    "DROP TABLE access_tokens; DROP TABLE number_allocations; "
                    "DROP TABLE number_voids; DROP TABLE idempotency_keys; "
                    "DROP TABLE document_staff; DROP TABLE staff_presence; "
                    "DROP TABLE staff_presence_version; "
                    "DROP TABLE merkle_nodes; DROP TABLE checkpoint_state; "
                    "DROP INDEX audit_log_subject; "
                    "ALTER TABLE signed_copies DROP COLUMN of_record; "
                    "PRAGMA user_version = 1;"),
            "");
  auto reopened = OpenTestArchive(dir_.path() + "/archive");
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  archive_ = std::move(reopened).value();
  EXPECT_EQ(QueryColumn(catalog, "PRAGMA user_version").at(0),
            std::to_string(CatalogSchemaVersion()));
  EXPECT_EQ(QueryColumn(catalog,
                        "SELECT text_index_version FROM search_index_meta")
                .at(0),
            std::to_string(kTextIndexVersion));
  EXPECT_EQ(Find("望京"), Expected([](int i) { return NameHas(i, "望京"); }));
  EXPECT_GE(Find("cy").size(), 3u);
  DocumentFilter district;
  district.district = "海淀区";
  EXPECT_EQ(Find("物业", district), Expected([](int i) {
              return std::string(kSpecs[i].district) == "海淀区";
            }));
  // Verify is still clean after the migration.
  auto report = archive_->VerifyStorage();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->problems.empty());
}

TEST_F(SearchTest, StaleIndexIsRebuiltOnOpen) {
  const std::string catalog = archive_->catalog();
  archive_.reset();
  // An index built by an older term scheme: here, no entries at all.
  ASSERT_EQ(ExecSql(catalog, std::string(beian::testing::OnPostgres()
                                              ? "DELETE FROM document_terms;"
                                              : "INSERT INTO documents_fts (documents_fts) VALUES ('delete-all');") +
                                 " UPDATE search_index_meta SET text_index_version = 1;"),
            "");
  auto reopened = OpenTestArchive(dir_.path() + "/archive");
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  archive_ = std::move(reopened).value();
  EXPECT_EQ(QueryColumn(catalog,
                        "SELECT text_index_version FROM search_index_meta")
                .at(0),
            std::to_string(kTextIndexVersion));
  EXPECT_EQ(Find("望京"), Expected([](int i) { return NameHas(i, "望京"); }));
  DocumentFilter march;
  march.issued_from = "2026-03-01";
  march.issued_before = "2026-04-01";
  EXPECT_EQ(Find("物业", march), Expected([](int i) { return i < 28; }));
}

// Documents issued over eight years, at the edges of months and days, so that
// a period covering that is one month or one year off shows.
class SearchPeriodTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = OpenTestArchive(dir_.path() + "/archive");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    archive_ = std::move(opened).value();
    const char* kTimes[] = {"T00:00:00+08:00", "T23:59:59+08:00"};
    for (int i = 0; i < 96; ++i) {
      const int year = 2019 + i / 12, month = 1 + i % 12;
      // The first or the last day of the month, at its first or last second.
      const int day = i % 2 == 0 ? 1 : 28;
      char issued[40];
      std::snprintf(issued, sizeof issued, "%04d-%02d-%02d%s", year, month,
                    day, kTimes[(i / 2) % 2]);
      // Filed in an order unrelated to issue time (as after an import).
      const int spec = (i * 37) % 30;
      NewDocument d = MakeDocument(spec, "");
      auto number =
          archive_->AllocateNumber(kSpecs[spec].district, year, d.kind);
      ASSERT_TRUE(number.ok()) << number.status().ToString();
      d.number = *number;
      d.issued_at = issued;
      d.credit_code = i % 4 == 0 ? "911101057000" + std::to_string(100000 + i)
                                 : CreditCodeOf(i);
      auto stored = archive_->Ingest(d);
      ASSERT_TRUE(stored.ok()) << stored.status().ToString();
      docs_.push_back(*stored);
    }
  }

  // Numbers of every document a search finds, in result order (all pages of
  // 7).
  std::vector<std::string> Find(const std::string& text,
                                DocumentFilter filter) {
    filter.limit = 7;
    SearchQuery query{text, filter};
    std::vector<std::string> found;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = archive_->Search(query);
      EXPECT_TRUE(page.ok()) << text << ": " << page.status().ToString();
      if (!page.ok()) break;
      for (const Document& d : page->documents) found.push_back(d.number);
      if (!page->next) break;
      query.filter.after = page->next;
    }
    return found;
  }

  // The same by looking at every document, newest filed first.
  template <typename Pred>
  std::vector<std::string> Expected(const DocumentFilter& filter, Pred pred) {
    std::vector<std::string> out;
    for (auto d = docs_.rbegin(); d != docs_.rend(); ++d) {
      if (!filter.issued_from.empty() && d->issued_at < filter.issued_from) {
        continue;
      }
      if (!filter.issued_before.empty() &&
          !(d->issued_at < filter.issued_before)) {
        continue;
      }
      if (!filter.district.empty() && d->district != filter.district) continue;
      if (pred(*d)) out.push_back(d->number);
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<CatalogArchive> archive_;
  std::vector<Document> docs_;
};

TEST_F(SearchPeriodTest, EveryRangeFindsExactlyTheDocumentsIssuedInIt) {
  const std::pair<const char*, const char*> kRanges[] = {
      {"2026-04-01", "2026-05-01"},
      {"2026-03-28T23:59:59+08:00", "2026-04-01T00:00:00+08:00"},
      {"2026-03-28T23:59:59+08:00", "2026-04-01T00:00:01+08:00"},
      {"2019-06-15", "2024-02-15"},
      {"2020-01-01", "2023-01-01"},
      {"", "2021-01-01"},
      {"2023-07-15", ""},
      {"2019-01-01T00:00:00+08:00", "2019-01-01T00:00:01+08:00"},
      {"2026-12-28T23:59:59+08:00", ""},
      {"2030-01-01", ""},
      {"", "2010-01-01"},
      {"2026", "2027"},  // not a month: the row condition alone
      {"2024-05-01", "2024-03-01"},
  };
  auto all = [](const Document&) { return true; };
  for (const auto& [from, before] : kRanges) {
    DocumentFilter filter;
    filter.issued_from = from;
    filter.issued_before = before;
    EXPECT_EQ(Find("物业", filter), Expected(filter, all))
        << "[" << from << ", " << before << ")";
    filter.district = "朝阳区";
    EXPECT_EQ(Find("物业", filter), Expected(filter, all))
        << "朝阳区 [" << from << ", " << before << ")";
  }
}

TEST_F(SearchPeriodTest, ShortAndLongCreditCodePrefixesWithAPeriod) {
  DocumentFilter filter;
  filter.issued_from = "2021-03-01";
  filter.issued_before = "2022-08-01";
  for (const std::string prefix :
       {"911101", "9111010", "91110105", "911101057", "9111010570",
        "91110105700", "91110101MA"}) {
    EXPECT_EQ(Find(prefix, filter), Expected(filter, [&](const Document& d) {
                return d.credit_code.rfind(prefix, 0) == 0;
              }))
        << prefix;
    EXPECT_EQ(Find(prefix, {}), Expected({}, [&](const Document& d) {
                return d.credit_code.rfind(prefix, 0) == 0;
              }))
        << prefix;
  }
}

// PostgreSQL's search reads its term buckets newest first (search_terms.h),
// walking the documents of a district, kind or enterprise or asking GIN
// bucket by bucket: documents far apart in id, a rare name and a common one,
// two kinds, two enterprises and two statuses, every filter paged 3 at a time
// against the rows themselves. The rows are written straight into the catalog,
// at ids spread over seven buckets, with the terms Ingest would index for them.
TEST(SearchBucketsTest, NewestFirstAcrossTermBucketsOnPostgres) {
  if (!beian::testing::OnPostgres()) GTEST_SKIP() << "term buckets are PostgreSQL's";
  TempDir dir;
  auto opened = OpenTestArchive(dir.path());
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::unique_ptr<CatalogArchive> archive = std::move(opened).value();
  const std::string catalog = archive->catalog();
  struct Row {
    int64_t id;
    std::string project, district, kind, credit_code, status;
    std::string issued_at() const {
      // The newest (from 131072 on) issued in May, the others in March.
      return id >= 131072 ? "2026-05-01T09:00:00+08:00" : "2026-03-01T09:00:00+08:00";
    }
  };
  const std::string kWangjing = "望京花园", kCuihu = "翠湖珑庭";
  const std::string kOne = "91110105MA01ABCD3X", kOther = "91110108MA02WXYZ4K";
  // Ascending ids; 32767/32768, 98303/98304 and 131071/131072 are the last
  // and first of a bucket.
  std::vector<Row> rows = {
      {5, kCuihu, "海淀区", "contract-filing", kOne, "issued"},
      {32767, kWangjing, "朝阳区", "contract-filing", kOther, "issued"},
      {32768, kWangjing, "海淀区", "commitment-letter", kOne, "signed"},
      {40000, kCuihu, "朝阳区", "contract-filing", kOther, "issued"},
      {70000, kWangjing, "朝阳区", "commitment-letter", kOne, "issued"},
      {98303, kCuihu, "朝阳区", "contract-filing", kOne, "signed"},
      {98304, kCuihu, "海淀区", "commitment-letter", kOther, "issued"},
      {99999, kWangjing, "海淀区", "contract-filing", kOne, "issued"},
      {131071, kWangjing, "海淀区", "contract-filing", kOther, "signed"},
      {131072, kCuihu, "海淀区", "commitment-letter", kOne, "issued"}};
  // The newest two hundred: common, all but one 望京, in one district.
  for (int64_t id = 200000; id < 200200; ++id) {
    rows.push_back({id, id == 200150 ? kCuihu : kWangjing, "朝阳区", id % 3 == 0 ? "commitment-letter" : "contract-filing",
                    id % 7 == 0 ? kOther : kOne, id % 5 == 0 ? "signed" : "issued"});
  }
  std::string sql;
  for (const Row& r : rows) {
    const std::string id = std::to_string(r.id);
    const std::string terms = PostgresDocumentTerms(
        r.id, SearchFields{r.kind, r.district, r.issued_at(), r.credit_code, "北京市物业管理有限公司", r.project});
    sql += "INSERT INTO documents (id, number, kind, template_version, data, credit_code, enterprise_name, "
           "project_name, district, issued_at, created_by, sha256, sm3, bytes, pages, status) VALUES (" + id +
           ", 'N" + id + "', '" + r.kind + "', 1, '{}', '" + r.credit_code + "', '北京市物业管理有限公司', '" +
           r.project + "', '" + r.district + "', '" + r.issued_at() + "', 'test', '', '', 1, 1, '" + r.status +
           "');INSERT INTO document_terms (document_id, terms) VALUES (" + id +
           ", array_to_tsvector(string_to_array('" + terms + "', ' ')));";
  }
  sql += "INSERT INTO search_months (month, first_id, last_id) SELECT substr(issued_at, 1, 7), min(id), max(id) "
         "FROM documents GROUP BY 1";
  ASSERT_EQ(ExecSql(catalog, sql), "");
  // Every page of a search, 3 at a time.
  auto find = [&](const std::string& text, DocumentFilter filter) {
    SearchQuery query{text, filter};
    query.filter.limit = 3;
    std::vector<int64_t> ids;
    for (int guard = 0; guard < 200; ++guard) {
      auto page = archive->Search(query);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const Document& d : page->documents) ids.push_back(d.id);
      if (!page->next) break;
      query.filter.after = page->next;
    }
    return ids;
  };
  auto expected = [&](const std::string& project, const DocumentFilter& filter) {
    std::vector<int64_t> ids;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
      const std::string issued = it->issued_at();
      if (it->project == project && (filter.district.empty() || filter.district == it->district) &&
          (filter.kind.empty() || filter.kind == it->kind) &&
          (filter.credit_code.empty() || filter.credit_code == it->credit_code) &&
          (!filter.status || DocumentStatusName(*filter.status) == it->status) &&
          (filter.issued_from.empty() || issued >= filter.issued_from) &&
          (filter.issued_before.empty() || issued < filter.issued_before)) {
        ids.push_back(it->id);
      }
    }
    return ids;
  };
  // Rare and common names as the clerk types them; every facet alone and
  // together, with and without a month.
  const std::pair<std::string, std::string> texts[] = {
      {"翠湖", kCuihu}, {"望京", kWangjing}, {"wangjing", kWangjing}, {"wj", kWangjing}};
  std::vector<DocumentFilter> filters;
  for (const std::string district : {"", "朝阳区", "海淀区"}) {
    for (const std::string kind : {"", "contract-filing", "commitment-letter"}) {
      for (const std::string month : {"", "2026-03", "2026-05"}) {
        DocumentFilter f;
        f.district = district;
        f.kind = kind;
        if (!month.empty()) {
          f.issued_from = month + "-01";
          f.issued_before = month + "-31";
        }
        filters.push_back(f);
      }
    }
  }
  for (const std::string& credit_code : {kOne, kOther}) {
    for (const std::string month : {"", "2026-03"}) {
      DocumentFilter f;
      f.credit_code = credit_code;
      if (!month.empty()) {
        f.issued_from = month + "-01";
        f.issued_before = month + "-31";
      }
      filters.push_back(f);
      f.district = "海淀区";
      filters.push_back(f);
    }
  }
  for (const std::string district : {"", "朝阳区"}) {
    DocumentFilter f;
    f.district = district;
    f.status = DocumentStatus::kSigned;
    filters.push_back(f);
  }
  for (const auto& [text, project] : texts) {
    for (const DocumentFilter& f : filters) {
      EXPECT_EQ(find(text, f), expected(project, f))
          << text << " district [" << f.district << "] kind [" << f.kind << "] credit code [" << f.credit_code
          << "] from [" << f.issued_from << "]" << (f.status ? " signed" : "");
    }
  }
}

}  // namespace
}  // namespace beian::archive
