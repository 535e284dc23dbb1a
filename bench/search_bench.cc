// Search benchmark: 1,000,000 synthetic catalog rows in SQLite with an FTS5
// index over IndexTerms, then p50/p95/p99 latency of a 2-character Chinese
// query, pinyin queries (full and initials) and a filtered query (2-character
// Chinese + district + kind + date range, newest first, LIMIT 20, keyset
// pagination). Budget: p95 ≤ 10 ms.
//
//   search_bench [DIR] [--rows N] [--queries N] [--reuse] [--pinyin-cost N]
//
// DIR (default: a new directory under /tmp, removed afterwards) receives
// search_bench.db; --reuse skips the build when DIR already holds a database
// built with the same row count; --pinyin-cost N also builds N rows with and
// without pinyin terms and prints both index sizes. Everything is
// deterministic (fixed seed, own PRNG). Status is not a facet (it changes;
// filter it on the row).
//
// Schema and plan (what the catalog can copy):
//  - documents(id INTEGER PRIMARY KEY, ...); ids are assigned in issued_at
//    order, so "newest first" is id DESC and a date range is an id range
//    (two index probes on issued_at).
//  - documents_fts: contentless FTS5 (content=''), detail=none, columnsize=0,
//    tokenize='unicode61 remove_diacritics 0', rowid = documents.id, one
//    column `terms` = JoinTerms(IndexTerms(enterprise name + " " + project
//    name)) plus FacetTerm("district", …) and FacetTerm("kind", …). With
//    detail=none the index holds only rowids per term: every query term is a
//    single token, so positions are never needed.
//  - A query is one FTS5 scan in rowid DESC order (no sort), AND-ing the text
//    terms with the facet terms and bounded by the id range of the dates;
//    SQLite stops after LIMIT rows. Pages continue with rowid < last id.

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <future>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "beian/archive/text_index.h"
#include "beian/core/utf8.h"
#include "search_bench_support.h"
#include "synthetic_catalog.h"

namespace {

using namespace beian::bench;  // NOLINT: the shared synthetic catalog

// Unix time of the first synthetic issue time, 2019-01-01T00:00:00+08:00.
constexpr int64_t kFirstIssue = 1546272000;

using beian::archive::FacetTerm;
using beian::archive::IndexTerms;
using beian::archive::JoinTerms;
using beian::archive::MatchExpression;
using beian::archive::QueryTerms;

// ---------------------------------------------------------------------------
// Deterministic synthetic data

const std::pair<const char*, int> kStatuses[4] = {
    {"issued", 700}, {"signed", 250}, {"superseded", 35}, {"revoked", 15}};

struct Row {
  int64_t id = 0;
  int district = 0, kind = 0;
  std::string number, issued_at, credit_code, enterprise_name, project_name,
      status;
  std::string terms;
};

// ---------------------------------------------------------------------------
// Build

struct Build {
  double generate_s = 0, terms_s = 0, insert_s = 0, index_s = 0, optimize_s = 0,
         total_s = 0;
};

const char* kSchema = R"SQL(
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL,
  kind TEXT NOT NULL,
  district TEXT NOT NULL,
  issued_at TEXT NOT NULL,
  credit_code TEXT NOT NULL,
  enterprise_name TEXT NOT NULL,
  project_name TEXT NOT NULL,
  status TEXT NOT NULL
);
CREATE VIRTUAL TABLE documents_fts USING fts5(
  terms, content='', columnsize=0, detail=none,
  tokenize='unicode61 remove_diacritics 0'
);
CREATE TABLE bench_meta(key TEXT PRIMARY KEY, value);
)SQL";

// kDrop leaves out the pinyin terms (all-ASCII-letter terms: the synthetic
// names hold no Latin words), to measure what pinyin costs.
enum class PinyinTerms { kKeep, kDrop };

Build BuildDatabase(sqlite3* db, int64_t rows, PinyinTerms pinyin) {
  Build b;
  auto t0 = Clock::now();
  Exec(db,
       "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA "
       "cache_size=-262144;");
  Exec(db, kSchema);
  // Bulk load: no incremental merging while loading (merge once, at the end,
  // with 'optimize'); only a crisis merge keeps the segment count bounded.
  Exec(db,
       "INSERT INTO documents_fts(documents_fts, rank) VALUES('automerge', 0);"
       "INSERT INTO documents_fts(documents_fts, rank) VALUES('crisismerge', "
       "64);");
  Rng rng{20240501};
  Catalog cat = MakeCatalog(rng);
  Stmt ins_doc(db, "INSERT INTO documents VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
  Stmt ins_fts(db, "INSERT INTO documents_fts(rowid, terms) VALUES(?1, ?2)");
  Exec(db, "BEGIN");
  std::vector<std::vector<int>> counters(17, std::vector<int>(8, 0));
  int64_t t = 0;
  const int64_t span = 6LL * 365 * 86400;  // 2019-01-01 .. 2024-12-30
  const int64_t step = std::max<int64_t>(1, span / rows);
  const int64_t kBatch = 20000;
  int64_t pinyin_terms = 0, all_terms = 0;

  auto generate = [&](int64_t first, int64_t count) {
    std::vector<Row> batch(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      Row& r = batch[static_cast<size_t>(i)];
      r.id = first + i + 1;
      t += 1 + static_cast<int64_t>(rng.Below(static_cast<uint32_t>(2 * step)));
      if (t >= span) t = span - 1;
      r.issued_at = BeijingTime(kFirstIssue + t);
      uint32_t e =
          rng.Below(rng.Below(kEnterprises) + 1);  // a few manage many projects
      const Project& p = cat.projects[rng.Below(kProjects)];
      const District& d = kDistricts[p.district];
      int year = std::atoi(r.issued_at.substr(0, 4).c_str());
      int& counter = counters[static_cast<size_t>(p.district)]
                             [static_cast<size_t>(year - 2019)];
      char seq[16];
      std::snprintf(seq, sizeof seq, "%06d", ++counter);
      r.number = "京" + std::string(d.number_code) + "物备〔" +
                 std::to_string(year) + "〕" + seq + "号";
      r.kind = Weighted(kKinds, rng);
      r.district = p.district;
      r.credit_code = cat.enterprises[e].credit_code;
      r.enterprise_name = cat.enterprises[e].name;
      r.project_name = p.name;
      r.status = kStatuses[Weighted(kStatuses, rng)].first;
    }
    return batch;
  };
  // The FTS text of a batch, on a second thread (IndexTerms is thread-safe)
  // while the main thread inserts the previous batch.
  using Done =
      std::pair<std::vector<Row>, double>;  // rows with terms, seconds spent
  auto add_terms = [pinyin](std::vector<Row> batch) {
    auto s = Clock::now();
    for (Row& r : batch) {
      std::vector<std::string> terms =
          IndexTerms(r.enterprise_name + " " + r.project_name);
      if (pinyin == PinyinTerms::kDrop) {
        terms.erase(std::remove_if(terms.begin(), terms.end(), IsAsciiLetters),
                    terms.end());
      }
      terms.push_back(FacetTerm("district", kDistricts[r.district].name));
      terms.push_back(FacetTerm("kind", kKinds[r.kind].first));
      r.terms = JoinTerms(terms);
    }
    return Done(std::move(batch), Seconds(s, Clock::now()));
  };
  std::future<Done> pending;
  for (int64_t first = 0; first < rows || pending.valid();) {
    std::future<Done> next;
    if (first < rows) {
      auto g0 = Clock::now();
      std::vector<Row> batch = generate(first, std::min(kBatch, rows - first));
      b.generate_s += Seconds(g0, Clock::now());
      first += static_cast<int64_t>(batch.size());
      next = std::async(std::launch::async, add_terms, std::move(batch));
    }
    if (pending.valid()) {
      Done done = pending.get();
      b.terms_s += done.second;
      auto i0 = Clock::now();
      for (const Row& r : done.first) {
        ins_doc.Reset();
        ins_doc.Bind(1, r.id);
        ins_doc.Bind(2, r.number);
        ins_doc.Bind(3, kKinds[r.kind].first);
        ins_doc.Bind(4, kDistricts[r.district].name);
        ins_doc.Bind(5, r.issued_at);
        ins_doc.Bind(6, r.credit_code);
        ins_doc.Bind(7, r.enterprise_name);
        ins_doc.Bind(8, r.project_name);
        ins_doc.Bind(9, r.status);
        ins_doc.Step();
        ins_fts.Reset();
        ins_fts.Bind(1, r.id);
        ins_fts.Bind(2, r.terms);
        ins_fts.Step();
      }
      b.insert_s += Seconds(i0, Clock::now());
      for (const Row& r : done.first) {
        size_t start = 0;
        while (start < r.terms.size()) {
          size_t end = r.terms.find(' ', start);
          if (end == std::string::npos) end = r.terms.size();
          ++all_terms;
          if (IsAsciiLetters(r.terms.substr(start, end - start)))
            ++pinyin_terms;
          start = end + 1;
        }
      }
    }
    pending = std::move(next);
  }
  auto x0 = Clock::now();
  Exec(db,
       "CREATE UNIQUE INDEX documents_number ON documents(number);"
       "CREATE INDEX documents_issued_at ON documents(issued_at);"
       "CREATE INDEX documents_credit_code ON documents(credit_code);");
  b.index_s = Seconds(x0, Clock::now());
  auto o0 = Clock::now();
  Exec(db,
       "INSERT INTO documents_fts(documents_fts) VALUES('optimize');"
       "INSERT INTO documents_fts(documents_fts, rank) VALUES('automerge', 4);"
       "INSERT INTO documents_fts(documents_fts, rank) VALUES('crisismerge', "
       "16);");
  b.optimize_s = Seconds(o0, Clock::now());
  Exec(db, "INSERT INTO bench_meta VALUES('rows', " + std::to_string(rows) +
               "), ('terms per row', " +
               std::to_string(double(all_terms) / double(rows)) +
               "), ('pinyin terms per row', " +
               std::to_string(double(pinyin_terms) / double(rows)) + ")");
  Exec(db, "COMMIT");
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  b.total_s = Seconds(t0, Clock::now());
  return b;
}

// ---------------------------------------------------------------------------
// Queries

struct Stats {
  std::vector<double> us;
  int64_t rows = 0;
  int full_pages = 0;
  int empty = 0;
  void Add(double micros, int n) {
    us.push_back(micros);
    rows += n;
    if (n == 20) ++full_pages;
    if (n == 0) ++empty;
  }
};

void Print(const char* name, const Stats& s) {
  std::printf(
      "  %-30s n=%5zu  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  max %6.2f ms  "
      "(avg rows %4.1f, full pages %4d, empty %d)\n",
      name, s.us.size(), Percentile(s.us, 50) / 1000,
      Percentile(s.us, 95) / 1000, Percentile(s.us, 99) / 1000,
      Percentile(s.us, 100) / 1000,
      double(s.rows) / double(std::max<size_t>(1, s.us.size())), s.full_pages,
      s.empty);
}

void PrintPlan(sqlite3* db, const char* name, const std::string& sql) {
  Stmt stmt(db, "EXPLAIN QUERY PLAN " + sql);
  std::printf("  %s:\n", name);
  while (stmt.Step()) std::printf("    %s\n", stmt.Text(3).c_str());
}

const char* kSelect =
    "SELECT d.id, d.number, d.kind, d.district, d.issued_at, "
    "d.enterprise_name, "
    "d.project_name, d.status FROM documents_fts f JOIN documents d ON d.id = "
    "f.rowid ";

// ?1 MATCH expression, ?2 keyset: ids below the last one shown.
const std::string kTextSql = std::string(kSelect) +
                             "WHERE documents_fts MATCH ?1 AND f.rowid < ?2 "
                             "ORDER BY f.rowid DESC LIMIT 20";
// District and kind are facet terms inside ?1; the date range [?3, ?4) is an
// id range found on the issued_at index (ids follow issue order) and is also
// checked on the row. FTS5 takes one lower and one upper rowid bound, so the
// keyset bound and the end of the date range are folded into one with min().
const std::string kFilteredSql =
    std::string(kSelect) +
    "WHERE documents_fts MATCH ?1 "
    "AND f.rowid >= (SELECT coalesce(min(id), 9223372036854775807) FROM "
    "(SELECT id FROM documents WHERE issued_at >= ?3 ORDER BY issued_at LIMIT "
    "1)) "
    "AND f.rowid <= min(?2 - 1, (SELECT coalesce(max(id), 0) FROM "
    "(SELECT id FROM documents WHERE issued_at < ?4 ORDER BY issued_at DESC "
    "LIMIT 1))) "
    "AND d.issued_at >= ?3 AND d.issued_at < ?4 "
    "ORDER BY f.rowid DESC LIMIT 20";

// Runs one page; returns the number of rows and sets the last id.
int RunPage(Stmt& stmt, std::string_view match, int64_t before,
            const std::string* from, const std::string* to, int64_t* last_id) {
  stmt.Reset();
  stmt.Bind(1, match);
  stmt.Bind(2, before);
  if (from) {
    stmt.Bind(3, *from);
    stmt.Bind(4, *to);
  }
  int n = 0;
  std::string sink;
  while (stmt.Step()) {
    *last_id = stmt.Int(0);
    for (int c = 1; c < 8; ++c) sink += stmt.Text(c);
    sink.clear();
    ++n;
  }
  return n;
}

struct Sample {
  std::string enterprise_name, project_name, district, kind, issued_at;
};

// Size in bytes of the FTS5 index (all its shadow tables).
int64_t FtsBytes(sqlite3* db) {
  Stmt size(db,
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'documents_fts%'");
  return size.Step() ? size.Int(0) : 0;
}

// Builds `rows` rows with and without pinyin terms and prints both FTS sizes.
void PinyinCost(const std::string& dir, int64_t rows) {
  double bytes[2] = {0, 0};
  double seconds[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const std::string path =
        dir + (i == 0 ? "/cost_with_pinyin.db" : "/cost_without_pinyin.db");
    for (const char* suffix : {"", "-wal", "-shm"})
      unlink((path + suffix).c_str());
    sqlite3* db = nullptr;
    Check(db, sqlite3_open(path.c_str(), &db), "open");
    seconds[i] = BuildDatabase(db, rows,
                               i == 0 ? PinyinTerms::kKeep : PinyinTerms::kDrop)
                     .total_s;
    bytes[i] = double(FtsBytes(db));
    sqlite3_close(db);
    for (const char* suffix : {"", "-wal", "-shm"})
      unlink((path + suffix).c_str());
  }
  std::printf("pinyin cost (%" PRId64
              " rows): FTS index %.1f MB with pinyin, %.1f MB without "
              "(x%.1f); build %.1f s vs %.1f s\n",
              rows, bytes[0] / 1e6, bytes[1] / 1e6,
              bytes[0] / std::max(1.0, bytes[1]), seconds[0], seconds[1]);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  int64_t rows = 1000000;
  int queries = 1000;
  bool reuse = false;
  int64_t cost_rows = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc) {
      rows = std::atoll(argv[++i]);
    } else if (a == "--queries" && i + 1 < argc) {
      queries = std::atoi(argv[++i]);
    } else if (a == "--pinyin-cost" && i + 1 < argc) {
      cost_rows = std::atoll(argv[++i]);
    } else if (a == "--reuse") {
      reuse = true;
    } else if (!a.empty() && a[0] != '-') {
      dir = a;
    } else {
      Die("usage: search_bench [DIR] [--rows N] [--queries N] [--reuse] "
          "[--pinyin-cost N]");
    }
  }
  if (rows < 1000 || queries < 1)
    Die("--rows must be at least 1000 and --queries at least 1");
  const bool temporary = dir.empty();  // removed at the end
  if (temporary) {
    char tmpl[] = "/tmp/search_bench.XXXXXX";
    if (!mkdtemp(tmpl)) Die("cannot create a directory under /tmp");
    dir = tmpl;
  }
  mkdir(dir.c_str(), 0755);
  const std::string path = dir + "/search_bench.db";
  std::printf("search_bench: %" PRId64 " rows, %d queries per kind, %s\n", rows,
              queries, path.c_str());

  sqlite3* db = nullptr;
  bool built = false;
  if (reuse && access(path.c_str(), F_OK) == 0) {
    Check(db, sqlite3_open(path.c_str(), &db), "open");
    Stmt meta(db, "SELECT value FROM bench_meta WHERE key='rows'");
    if (meta.Step() && meta.Int(0) == rows) {
      built = true;
      std::printf("build: reusing the existing database\n");
    }
  }
  if (!built) {
    if (db) sqlite3_close(db);
    db = nullptr;
    for (const char* suffix : {"", "-wal", "-shm"})
      unlink((path + suffix).c_str());
    Check(db, sqlite3_open(path.c_str(), &db), "open");
    Build b = BuildDatabase(db, rows, PinyinTerms::kKeep);
    std::printf(
        "build: %.1f s (generate %.1f s; IndexTerms %.1f s on a second thread, "
        "overlapping; "
        "insert %.1f s; B-tree indexes %.1f s; FTS optimize %.1f s)\n",
        b.total_s, b.generate_s, b.terms_s, b.insert_s, b.index_s,
        b.optimize_s);
  }
  Exec(db,
       "PRAGMA cache_size=-65536");  // 64 MB page cache, as a server would have
  {
    Stmt meta(db,
              "SELECT key, value FROM bench_meta WHERE key LIKE '%per row'");
    while (meta.Step())
      std::printf("  %s: %s\n", meta.Text(0).c_str(), meta.Text(1).c_str());
  }
  struct stat st {};
  stat(path.c_str(), &st);
  std::printf("database: %.1f MB", double(st.st_size) / 1e6);
  PrintSizesByPart(db);

  if (cost_rows > 0) PinyinCost(dir, cost_rows);

  std::printf("query plans:\n");
  PrintPlan(db, "text (Chinese or pinyin), newest first", kTextSql);
  PrintPlan(db, "filtered (text + district + kind + dates), newest first",
            kFilteredSql);

  Stmt text(db, kTextSql);
  Stmt filtered(db, kFilteredSql);
  Stmt sample(db,
              "SELECT enterprise_name, project_name, district, kind, issued_at "
              "FROM documents "
              "WHERE id = ?1");
  Rng rng{7};
  auto pick = [&]() {
    sample.Reset();
    sample.Bind(
        1, static_cast<int64_t>(1 + rng.Below(static_cast<uint32_t>(rows))));
    if (!sample.Step()) Die("sample row missing");
    return Sample{sample.Text(0), sample.Text(1), sample.Text(2),
                  sample.Text(3), sample.Text(4)};
  };
  const int64_t kNoKey = INT64_MAX;

  // Times QueryTerms + MatchExpression + the first page.
  auto timed_text = [&](const std::string& query, Stats* stats) {
    auto q0 = Clock::now();
    auto terms = QueryTerms(query);
    if (!terms.ok()) Die("query " + query + ": " + terms.status().ToString());
    int64_t last = 0;
    int n =
        RunPage(text, MatchExpression(*terms), kNoKey, nullptr, nullptr, &last);
    stats->Add(Micros(q0), n);
  };

  Stats chinese, chinese34, full, initials, filter1, filter2;
  std::vector<std::string> examples;
  for (int i = 0; i < queries; ++i) {
    Sample s = pick();
    std::string q2 = Substring(rng, s.enterprise_name, s.project_name, 2, 2);
    timed_text(q2, &chinese);
    std::string q34 = Substring(rng, s.enterprise_name, s.project_name, 3, 4);
    timed_text(q34, &chinese34);
    auto [f, ini] = Pinyin(Substring(rng, s.enterprise_name, s.project_name, 2, 4));
    timed_text(f, &full);
    timed_text(ini, &initials);
    if (i < 3) examples.insert(examples.end(), {q2, q34, f, ini});
  }
  // Filtered: a 2-character substring of a sampled row, that row's district
  // and kind, and a date range of 1..24 whole months containing its issue
  // time; the first page and, when it is full, the next page after its last
  // id.
  for (int i = 0; i < queries; ++i) {
    Sample s = pick();
    std::string q = Substring(rng, s.enterprise_name, s.project_name, 2, 2);
    int year = std::atoi(s.issued_at.substr(0, 4).c_str());
    int month = std::atoi(s.issued_at.substr(5, 2).c_str());
    int months = 1 + static_cast<int>(rng.Below(24u));
    int start = (year * 12 + month - 1) -
                static_cast<int>(rng.Below(static_cast<uint32_t>(months)));
    int end = start + months;
    char from[40], to[40];
    std::snprintf(from, sizeof from, "%04d-%02d-01", start / 12,
                  start % 12 + 1);
    std::snprintf(to, sizeof to, "%04d-%02d-01", end / 12, end % 12 + 1);
    const std::string sfrom = from, sto = to;
    auto q0 = Clock::now();
    auto terms = QueryTerms(q);
    if (!terms.ok()) Die("query " + q + ": " + terms.status().ToString());
    terms->push_back(FacetTerm("district", s.district));
    terms->push_back(FacetTerm("kind", s.kind));
    std::string match = MatchExpression(*terms);
    int64_t last = 0;
    int n = RunPage(filtered, match, kNoKey, &sfrom, &sto, &last);
    filter1.Add(Micros(q0), n);
    if (i < 3)
      examples.push_back(q + " + " + s.district + " + " + s.kind + " + " +
                         sfrom + ".." + sto);
    if (n == 20) {
      auto p0 = Clock::now();
      int64_t last2 = 0;
      int n2 = RunPage(filtered, match, last, &sfrom, &sto, &last2);
      filter2.Add(Micros(p0), n2);
    }
  }
  std::printf("example queries:");
  for (const std::string& e : examples) std::printf(" [%s]", e.c_str());
  std::printf(
      "\nlatency (QueryTerms + MatchExpression + first page of up to 20 rows, "
      "newest first):\n");
  Print("2-char Chinese", chinese);
  Print("3-4-char Chinese", chinese34);
  Print("pinyin full (2-4 syllables)", full);
  Print("pinyin initials (2-4 letters)", initials);
  Print("filtered, page 1", filter1);
  Print("filtered, page 2 (keyset)", filter2);
  double worst =
      std::max({Percentile(chinese.us, 95), Percentile(chinese34.us, 95),
                Percentile(full.us, 95), Percentile(initials.us, 95),
                Percentile(filter1.us, 95), Percentile(filter2.us, 95)});
  std::printf("budget p95 <= 10 ms: %s (worst p95 %.2f ms)\n",
              worst <= 10000 ? "met" : "MISSED", worst / 1000);
  sqlite3_close(db);
  if (temporary) {
    for (const char* suffix : {"", "-wal", "-shm"})
      unlink((path + suffix).c_str());
    rmdir(dir.c_str());
  }
  return 0;
}
