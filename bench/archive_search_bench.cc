// Archive search benchmark: Archive::Search over 1,000,000 catalog rows, on
// SQLite or on PostgreSQL.
//
//   archive_search_bench [DIR] [--rows N] [--queries N] [--slowest N] [--postgres URL [--reuse]]
//
// Creates an archive in DIR (default: a new directory under /tmp, removed
// afterwards), so the real schema and migrations exist: SqliteArchive, or
// with --postgres a PostgresArchive whose catalog is the (empty) database URL
// names. Closes it; bulk-loads N synthetic rows straight into the archive's
// own tables (SQLite: `documents` and `documents_fts` in one transaction;
// PostgreSQL: `documents` and `document_terms` by COPY, the GIN index built
// after), each row's terms built by DocumentSearchTerms (schema.h), the
// function Ingest uses; reopens the archive and times Search() per query type
// (p50/p95/p99). Audit rows and blobs are not written: Search reads neither.
// Budget: p95 <= 10 ms. The synthetic names are those of search_bench.cc
// (synthetic_catalog.h).

#include <libpq-fe.h>
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
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "beian/archive/document_number.h"
#include "beian/archive/records.h"
#include "beian/archive/postgres_archive.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/archive/text_index.h"
#include "beian/core/districts.h"
#include "beian/core/kinds.h"
#include "beian/core/utf8.h"
#include "schema.h"
#include "search_terms.h"
#include "search_bench_support.h"
#include "synthetic_catalog.h"

namespace {

using namespace beian::bench;  // NOLINT: the shared synthetic catalog

// Unix time of the first synthetic issue time, 2024-01-01T00:00:00+08:00.
constexpr int64_t kFirstIssue = 1704038400;

// ---------------------------------------------------------------------------
// Deterministic synthetic data (bench/synthetic_catalog.h)

// The archive's statuses: mostly issued.
const std::pair<const char*, int> kStatuses[3] = {
    {"issued", 780}, {"signed", 200}, {"revoked", 20}};

// 64 lowercase hex characters derived from `id` and `salt`.
std::string Hex64(int64_t id, uint64_t salt) {
  Rng r{static_cast<uint64_t>(id) * 0x100000001B3ULL ^ salt};
  std::string out;
  char buf[17];
  for (int i = 0; i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%016" PRIx64, r.Next());
    out += buf;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Load

struct Row {
  int64_t id = 0;
  int district = 0, kind = 0, year = 0;
  int64_t serial = 0;
  std::string number, issued_at, credit_code, enterprise_name, project_name,
      status, data, terms;
  int pages = 0;
  int64_t bytes = 0;
};

struct Load {
  double generate_s = 0, terms_s = 0, insert_s = 0, commit_s = 0, total_s = 0;
};

// The rows' number counters: [district][year - 2024].
using Counters = std::vector<std::vector<int64_t>>;

// Makes `rows` rows with their search terms in batches, handing each batch to
// `sink` (whose time counts as insert_s); the counters they leave.
Counters GenerateRows(int64_t rows, Load& b, const std::function<void(const std::vector<Row>&)>& sink) {
  Rng rng{20240501};
  Catalog cat = MakeCatalog(rng);
  Counters counters(17, std::vector<int64_t>(3, 0));
  const int64_t span = 3LL * 365 * 86400;  // 2024-01-01 .. 2026-12-30
  const int64_t step = std::max<int64_t>(1, span / rows);
  int64_t t = 0;
  const int64_t kBatch = 50000;
  unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, 8u);
  for (int64_t first = 0; first < rows; first += kBatch) {
    const int64_t count = std::min(kBatch, rows - first);
    auto g0 = Clock::now();
    std::vector<Row> batch(static_cast<size_t>(count));
    for (int64_t i = 0; i < count; ++i) {
      Row& r = batch[static_cast<size_t>(i)];
      r.id = first + i + 1;
      t += 1 + static_cast<int64_t>(rng.Below(static_cast<uint32_t>(2 * step)));
      if (t >= span) t = span - 1;
      r.issued_at = BeijingTime(kFirstIssue + t);
      uint32_t e = rng.Below(rng.Below(kEnterprises) + 1);
      const Project& p = cat.projects[rng.Below(kProjects)];
      r.district = p.district;
      r.kind = Weighted(kKinds, rng);
      r.year = std::atoi(r.issued_at.substr(0, 4).c_str());
      r.serial = ++counters[static_cast<size_t>(p.district)]
                           [static_cast<size_t>(r.year - 2024)];
      auto code = beian::core::DistrictNumberCode(kDistricts[p.district].name);
      if (!code.ok()) Die(code.status().ToString());
      beian::archive::DocumentNumber n;
      n.district_code = *code;
      n.kind_code = std::string(beian::core::KindNumberCode(kKinds[r.kind].first));
      n.year = r.year;
      n.serial = r.serial;
      r.number = beian::archive::FormatDocumentNumber(n);
      r.credit_code = cat.enterprises[e].credit_code;
      r.enterprise_name = cat.enterprises[e].name;
      r.project_name = p.name;
      r.status = kStatuses[Weighted(kStatuses, rng)].first;
      r.pages = 1 + static_cast<int>(rng.Below(4u));
      r.bytes = 40000 + rng.Below(160000u);
      r.data = "{\"enterprise_name\":\"" + r.enterprise_name +
               "\",\"project_name\":\"" + r.project_name + "\"}";
    }
    b.generate_s += Seconds(g0, Clock::now());
    // DocumentSearchTerms (IndexTerms is thread-safe) on worker threads.
    auto s0 = Clock::now();
    {
      std::vector<std::thread> pool;
      for (unsigned w = 0; w < workers; ++w) {
        pool.emplace_back([&batch, w, workers]() {
          for (size_t i = w; i < batch.size(); i += workers) {
            Row& r = batch[i];
            r.terms = beian::archive::DocumentSearchTerms(
                beian::archive::SearchFields{
                    kKinds[r.kind].first, kDistricts[r.district].name,
                    r.issued_at, r.credit_code, r.enterprise_name,
                    r.project_name});
          }
        });
      }
      for (std::thread& th : pool) th.join();
    }
    b.terms_s += Seconds(s0, Clock::now());
    auto i0 = Clock::now();
    sink(batch);
    b.insert_s += Seconds(i0, Clock::now());
  }
  return counters;
}

Load LoadRows(const std::string& catalog, int64_t rows) {
  Load b;
  auto t0 = Clock::now();
  sqlite3* db = nullptr;
  Check(db, sqlite3_open(catalog.c_str(), &db), "open");
  Exec(db, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
  // The columns Ingest writes, with status given (Ingest always says issued).
  // The data holds no staff list: nothing for the staff index, which an
  // archive opened on the catalog would otherwise fill row by row beside the
  // queries.
  Stmt ins_doc(db,
               "INSERT INTO documents (id, number, kind, template_version, "
               "data, credit_code, enterprise_name, project_name, district, "
               "issued_at, created_by, sha256, sm3, bytes, pages, status, "
               "number_year, number_serial, staff_indexed) VALUES (?1, ?2, ?3, 3, ?4, ?5, "
               "?6, ?7, ?8, ?9, 'bench', ?10, ?11, ?12, ?13, ?14, ?15, ?16, 1)");
  Stmt ins_fts(db, "INSERT INTO documents_fts (rowid, terms) VALUES (?1, ?2)");
  Stmt ins_counter(db,
                   "INSERT INTO number_counters (district, year, next_serial) "
                   "VALUES (?1, ?2, ?3)");
  Exec(db, "BEGIN IMMEDIATE");
  const Counters counters = GenerateRows(rows, b, [&](const std::vector<Row>& batch) {
    for (const Row& r : batch) {
      ins_doc.Reset();
      ins_doc.Bind(1, r.id);
      ins_doc.Bind(2, r.number);
      ins_doc.Bind(3, kKinds[r.kind].first);
      ins_doc.Bind(4, r.data);
      ins_doc.Bind(5, r.credit_code);
      ins_doc.Bind(6, r.enterprise_name);
      ins_doc.Bind(7, r.project_name);
      ins_doc.Bind(8, kDistricts[r.district].name);
      ins_doc.Bind(9, r.issued_at);
      ins_doc.Bind(10, Hex64(r.id, 0x5348413235360000ULL));
      ins_doc.Bind(11, Hex64(r.id, 0x534d330000000000ULL));
      ins_doc.Bind(12, r.bytes);
      ins_doc.Bind(13, static_cast<int64_t>(r.pages));
      ins_doc.Bind(14, r.status);
      ins_doc.Bind(15, static_cast<int64_t>(r.year));
      ins_doc.Bind(16, r.serial);
      ins_doc.Step();
      ins_fts.Reset();
      ins_fts.Bind(1, r.id);
      ins_fts.Bind(2, r.terms);
      ins_fts.Step();
    }
  });
  for (size_t d = 0; d < 17; ++d) {
    for (size_t y = 0; y < 3; ++y) {
      if (counters[d][y] == 0) continue;
      ins_counter.Reset();
      ins_counter.Bind(1, std::string_view(kDistricts[d].name));
      ins_counter.Bind(2, static_cast<int64_t>(2024 + y));
      ins_counter.Bind(3, counters[d][y] + 1);
      ins_counter.Step();
    }
  }
  auto c0 = Clock::now();
  Exec(db, "COMMIT");
  Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  b.commit_s = Seconds(c0, Clock::now());
  sqlite3_close(db);
  b.total_s = Seconds(t0, Clock::now());
  return b;
}

// The same rows into a PostgreSQL catalog: COPY per batch in one
// transaction, then the GIN index, the id sequence and the planner's
// statistics.

PGresult* PgExec(PGconn* c, const std::string& sql, ExecStatusType expected = PGRES_COMMAND_OK) {
  PGresult* r = PQexec(c, sql.c_str());
  if (PQresultStatus(r) != expected && PQresultStatus(r) != PGRES_TUPLES_OK) {
    Die(sql.substr(0, 200) + ": " + PQerrorMessage(c));
  }
  return r;
}

// `value` for COPY's text format.
void AppendCopyText(std::string& out, std::string_view value) {
  for (char ch : value) {
    if (ch == '\\') out += "\\\\";
    else if (ch == '\t') out += "\\t";
    else if (ch == '\n') out += "\\n";
    else if (ch == '\r') out += "\\r";
    else out += ch;
  }
}

// Space-joined terms as tsvector input: every lexeme quoted as written.
std::string TsVectorText(std::string_view terms) {
  std::string out;
  size_t start = 0;
  while (start < terms.size()) {
    size_t end = terms.find(' ', start);
    if (end == std::string_view::npos) end = terms.size();
    if (end > start) {
      if (!out.empty()) out += ' ';
      out += '\'';
      for (char ch : terms.substr(start, end - start)) {
        if (ch == '\'' || ch == '\\') out += ch;
        out += ch;
      }
      out += '\'';
    }
    start = end + 1;
  }
  return out;
}

void CopyRows(PGconn* c, const std::string& command, const std::string& rows) {
  PQclear(PgExec(c, command, PGRES_COPY_IN));
  if (PQputCopyData(c, rows.data(), static_cast<int>(rows.size())) != 1 || PQputCopyEnd(c, nullptr) != 1) {
    Die(command + ": " + PQerrorMessage(c));
  }
  PGresult* r = PQgetResult(c);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(command + ": " + PQerrorMessage(c));
  PQclear(r);
  while ((r = PQgetResult(c)) != nullptr) PQclear(r);
}

Load LoadRowsPostgres(const std::string& url, int64_t rows) {
  Load b;
  auto t0 = Clock::now();
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) Die(url + ": " + PQerrorMessage(c));
  PQclear(PgExec(c, "SET synchronous_commit = off"));
  PQclear(PgExec(c, "SET maintenance_work_mem = '1GB'"));
  PQclear(PgExec(c, "DROP INDEX document_terms_terms"));
  PQclear(PgExec(c, "BEGIN"));
  const Counters counters = GenerateRows(rows, b, [&](const std::vector<Row>& batch) {
    std::string documents, terms;
    for (const Row& r : batch) {
      const std::string fields[] = {
          std::to_string(r.id), r.number, kKinds[r.kind].first, "3", r.data, r.credit_code, r.enterprise_name,
          r.project_name, std::string(kDistricts[r.district].name), r.issued_at, "bench", Hex64(r.id, 0x5348413235360000ULL),
          Hex64(r.id, 0x534d330000000000ULL), std::to_string(r.bytes), std::to_string(r.pages), r.status,
          std::to_string(r.year), std::to_string(r.serial), "1"};
      for (const std::string& v : fields) {
        if (&v != fields) documents += '\t';
        AppendCopyText(documents, v);
      }
      documents += '\n';
      terms += std::to_string(r.id) + '\t';
      AppendCopyText(terms, TsVectorText(beian::archive::PostgresDocumentTerms(
                                r.id, beian::archive::SearchFields{kKinds[r.kind].first, kDistricts[r.district].name,
                                                                   r.issued_at, r.credit_code, r.enterprise_name,
                                                                   r.project_name})));
      terms += '\n';
    }
    CopyRows(c,
             "COPY documents (id, number, kind, template_version, data, credit_code, enterprise_name, "
             "project_name, district, issued_at, created_by, sha256, sm3, bytes, pages, status, number_year, "
             "number_serial, staff_indexed) FROM STDIN",  // no staff lists (see LoadRows)
             documents);
    CopyRows(c, "COPY document_terms (document_id, terms) FROM STDIN", terms);
  });
  for (size_t d = 0; d < 17; ++d) {
    for (size_t y = 0; y < 3; ++y) {
      if (counters[d][y] == 0) continue;
      PQclear(PgExec(c, "INSERT INTO number_counters (district, year, next_serial) VALUES ('" +
                            std::string(kDistricts[d].name) + "', " + std::to_string(2024 + y) + ", " +
                            std::to_string(counters[d][y] + 1) + ")"));
    }
  }
  PQclear(PgExec(c, "COMMIT"));
  auto c0 = Clock::now();
  PQclear(PgExec(c, "CREATE INDEX document_terms_terms ON document_terms USING gin (terms)"));
  PQclear(PgExec(c, "INSERT INTO search_months (month, first_id, last_id) SELECT substr(issued_at, 1, 7), min(id), "
                    "max(id) FROM documents GROUP BY 1"));
  PQclear(PgExec(c, "SELECT setval(pg_get_serial_sequence('documents', 'id'), max(id)) FROM documents"));
  PQclear(PgExec(c, "VACUUM ANALYZE documents"));
  PQclear(PgExec(c, "VACUUM ANALYZE document_terms"));
  b.commit_s = Seconds(c0, Clock::now());
  PQfinish(c);
  b.total_s = Seconds(t0, Clock::now());
  return b;
}

void PrintPostgresSizesAndPlan(const std::string& url, const std::string& sample_term) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) Die(url + ": " + PQerrorMessage(c));
  PGresult* r = PgExec(c,
                       "SELECT pg_size_pretty(pg_database_size(current_database())), "
                       "pg_size_pretty(pg_total_relation_size('documents')), "
                       "pg_size_pretty(pg_relation_size('document_terms')), "
                       "pg_size_pretty(pg_relation_size('document_terms_terms'))");
  std::printf("database: %s (documents with indexes %s, document_terms %s, its GIN index %s)\n",
              PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
  PQclear(r);
  const std::string sql =
      "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT document_id FROM document_terms WHERE terms @@ CAST('''" +
      sample_term + "''' AS tsquery) ORDER BY document_id DESC LIMIT 21";
  r = PgExec(c, sql);
  std::printf("query plan of GIN alone for the newest bucket's %s (Search adds the steps before it):\n",
              sample_term.c_str());
  for (int i = 0; i < PQntuples(r); ++i) std::printf("    %s\n", PQgetvalue(r, i, 0));
  PQclear(r);
  PQfinish(c);
}

// ---------------------------------------------------------------------------
// Queries

struct Stats {
  std::vector<double> us;
  std::vector<std::pair<double, std::string>> slowest;  // kept with --slowest
  int64_t rows = 0;
  int empty = 0;
  int errors = 0;
  void Add(double micros, size_t n) {
    us.push_back(micros);
    rows += static_cast<int64_t>(n);
    if (n == 0) ++empty;
  }
};

void Print(const char* name, const Stats& s) {
  std::printf(
      "  %-34s n=%5zu  p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  max %7.2f ms"
      "  (avg rows %4.1f, empty %d, errors %d)\n",
      name, s.us.size(), Percentile(s.us, 50) / 1000,
      Percentile(s.us, 95) / 1000, Percentile(s.us, 99) / 1000,
      Percentile(s.us, 100) / 1000,
      double(s.rows) / double(std::max<size_t>(1, s.us.size())), s.empty,
      s.errors);
  for (const auto& [us, query] : s.slowest) std::printf("      %8.2f ms  %s\n", us / 1000, query.c_str());
}

void PrintPlan(sqlite3* db, const char* name, const std::string& sql) {
  Stmt stmt(db, "EXPLAIN QUERY PLAN " + sql);
  std::printf("  %s:\n    %s\n", name, sql.c_str());
  while (stmt.Step()) std::printf("      %s\n", stmt.Text(3).c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, postgres;
  bool reuse = false;
  int64_t rows = 1000000;
  int queries = 1000;
  int slowest = 0;  // the slowest queries of each type printed
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--slowest" && i + 1 < argc) {
      slowest = std::atoi(argv[++i]);
    } else if (a == "--rows" && i + 1 < argc) {
      rows = std::atoll(argv[++i]);
    } else if (a == "--queries" && i + 1 < argc) {
      queries = std::atoi(argv[++i]);
    } else if (a == "--postgres" && i + 1 < argc) {
      postgres = argv[++i];
    } else if (a == "--reuse") {
      reuse = true;
    } else if (!a.empty() && a[0] != '-') {
      dir = a;
    } else {
      Die("usage: archive_search_bench [DIR] [--rows N] [--queries N] [--slowest N] [--postgres URL [--reuse]]");
    }
  }
  if (rows < 1000 || queries < 1)
    Die("--rows must be at least 1000 and --queries at least 1");
  const bool temporary = dir.empty();
  if (temporary) {
    char tmpl[] = "/tmp/archive_search_bench.XXXXXX";
    if (!mkdtemp(tmpl)) Die("cannot create a directory under /tmp");
    dir = tmpl;
  }
  std::string catalog;
  {
    auto archive = beian::archive::OpenArchive(dir, postgres);
    if (!archive.ok()) Die(archive.status().ToString());
    catalog = (*archive)->catalog();
    std::printf("archive_search_bench: %" PRId64
                " rows, %d queries per type, schema v%d, %s\n",
                rows, queries, beian::archive::CatalogSchemaVersion(), catalog.c_str());
  }
  // A PostgreSQL catalog loaded by an earlier run with as many rows is used
  // as it is (--reuse).
  bool loaded = false;
  if (!postgres.empty() && reuse) {
    PGconn* c = PQconnectdb(postgres.c_str());
    PGresult* r = PgExec(c, "SELECT count(*) FROM documents");
    loaded = std::atoll(PQgetvalue(r, 0, 0)) == rows;
    PQclear(r);
    PQfinish(c);
  }
  Load load;
  if (loaded) {
    std::printf("load: reused the %" PRId64 " rows already in the catalog\n", rows);
  } else {
    load = postgres.empty() ? LoadRows(catalog, rows) : LoadRowsPostgres(postgres, rows);
  }
  if (!loaded) std::printf(
      "load: %.1f s (generate %.1f s, DocumentSearchTerms %.1f s on %u "
      "threads, insert %.1f s, commit+checkpoint %.1f s); audit rows and "
      "blobs not written (Search reads neither)\n",
      load.total_s, load.generate_s, load.terms_s,
      std::min(8u, std::max(1u, std::thread::hardware_concurrency())),
      load.insert_s, load.commit_s);
  if (!postgres.empty()) {
    PrintPostgresSizesAndPlan(postgres, beian::archive::BucketedTerm(beian::archive::TermBucket(rows), "望京"));
  } else {
    struct stat st {};
    stat(catalog.c_str(), &st);
    std::printf("database: %.1f MB", double(st.st_size) / 1e6);
    sqlite3* db = nullptr;
    Check(db, sqlite3_open(catalog.c_str(), &db), "open");
    PrintSizesByPart(db);
    const std::string cols =
        "SELECT d.id, d.number, d.kind, d.issued_at FROM documents_fts f JOIN "
        "documents d ON d.id = f.rowid WHERE documents_fts MATCH ?1";
    std::printf("query plans (shape of the SQL Search builds):\n");
    PrintPlan(db, "text", cols + " ORDER BY f.rowid DESC LIMIT ?2");
    PrintPlan(db, "filtered page 1",
              cols +
                  " AND d.issued_at >= ?2 AND d.issued_at < ?3 ORDER BY "
                  "f.rowid DESC LIMIT ?4");
    PrintPlan(db, "filtered page 2",
              cols +
                  " AND d.issued_at >= ?2 AND d.issued_at < ?3 AND f.rowid < "
                  "?4 ORDER BY f.rowid DESC LIMIT ?5");
    PrintPlan(db, "credit-code prefix of 10+ characters",
              "SELECT d.id FROM documents d WHERE d.credit_code >= ?1 AND "
              "d.credit_code < ?2 ORDER BY d.id DESC LIMIT ?3");
    sqlite3_close(db);
  }

  auto opened = beian::archive::OpenArchive(dir, postgres);
  if (!opened.ok()) Die(opened.status().ToString());
  beian::archive::CatalogArchive& archive = **opened;

  Rng rng{7};
  auto pick = [&]() {
    auto d = archive.Get(
        static_cast<int64_t>(1 + rng.Below(static_cast<uint32_t>(rows))));
    if (!d.ok()) Die(d.status().ToString());
    return *d;
  };
  auto timed = [&](const std::string& text,
                   const beian::archive::DocumentFilter& filter, Stats* stats) {
    beian::archive::SearchQuery q;
    q.text = text;
    q.filter = filter;
    auto q0 = Clock::now();
    auto page = archive.Search(q);
    double us = Micros(q0);
    if (!page.ok()) {
      ++stats->errors;
      std::fprintf(stderr, "query [%s]: %s\n", text.c_str(),
                   page.status().ToString().c_str());
      return beian::archive::DocumentPage();
    }
    stats->Add(us, page->documents.size());
    if (slowest > 0) {
      std::string query = "[" + text + "]";
      for (const std::string* facet : {&filter.district, &filter.kind, &filter.issued_from, &filter.issued_before})
        if (!facet->empty()) query += " " + *facet;
      if (filter.after) query += " after " + std::to_string(filter.after->id);
      auto& kept = stats->slowest;
      kept.insert(std::upper_bound(kept.begin(), kept.end(), std::make_pair(us, query), std::greater<>()),
                  {us, query});
      if (static_cast<int>(kept.size()) > slowest) kept.pop_back();
    }
    return *page;
  };
  beian::archive::DocumentFilter plain;
  plain.limit = 20;

  Stats chinese, full, initials, number_printed, number_typed, credit_short,
      credit_long, filter1, filter2;
  std::vector<std::string> examples;
  for (int i = 0; i < queries; ++i) {
    beian::archive::Document s = pick();
    std::string q2 = Substring(rng, s.enterprise_name, s.project_name, 2, 2);
    timed(q2, plain, &chinese);
    auto [f, ini] = Pinyin(Substring(rng, s.enterprise_name, s.project_name, 2, 4));
    timed(f, plain, &full);
    timed(ini, plain, &initials);
    timed(s.number, plain, &number_printed);
    // As typed: 京朝备[2026]123号 (serial without padding, ASCII brackets).
    auto parsed = beian::archive::ParseDocumentNumber(s.number);
    std::string typed = s.number;
    if (parsed) {
      typed = "京" + parsed->district_code + parsed->kind_code + "[" +
              std::to_string(parsed->year) + "]" +
              std::to_string(parsed->serial) + "号";
    }
    timed(typed, plain, &number_typed);
    size_t short_len = 6 + rng.Below(4u);   // 6..9: 91 + district code (+1)
    size_t long_len = 10 + rng.Below(9u);   // 10..18
    timed(s.credit_code.substr(0, short_len), plain, &credit_short);
    timed(s.credit_code.substr(0, long_len), plain, &credit_long);
    if (i < 2)
      examples.insert(examples.end(),
                      {q2, f, ini, s.number, typed,
                       s.credit_code.substr(0, short_len),
                       s.credit_code.substr(0, long_len)});
  }
  // Filtered: 2-char Chinese of a sampled row + its district and kind + a
  // range of 1..6 whole months containing its issue time; limit 20; page 2
  // via page.next when page 1 is full.
  for (int i = 0; i < queries; ++i) {
    beian::archive::Document s = pick();
    std::string q = Substring(rng, s.enterprise_name, s.project_name, 2, 2);
    int year = std::atoi(s.issued_at.substr(0, 4).c_str());
    int month = std::atoi(s.issued_at.substr(5, 2).c_str());
    int months = 1 + static_cast<int>(rng.Below(6u));
    int start = (year * 12 + month - 1) -
                static_cast<int>(rng.Below(static_cast<uint32_t>(months)));
    int end = start + months;
    char from[40], to[40];
    std::snprintf(from, sizeof from, "%04d-%02d-01", start / 12,
                  start % 12 + 1);
    std::snprintf(to, sizeof to, "%04d-%02d-01", end / 12, end % 12 + 1);
    beian::archive::DocumentFilter filter;
    filter.limit = 20;
    filter.district = s.district;
    filter.kind = s.kind;
    filter.issued_from = from;
    filter.issued_before = to;
    beian::archive::DocumentPage page = timed(q, filter, &filter1);
    if (i < 2)
      examples.push_back(q + " + " + s.district + " + " + s.kind + " + " +
                         from + ".." + to);
    if (page.next) {
      filter.after = page.next;
      timed(q, filter, &filter2);
    }
  }
  std::printf("example queries:");
  for (const std::string& e : examples) std::printf(" [%s]", e.c_str());
  std::printf(
      "\nlatency of Archive::Search on %s (limit 20, newest first; includes "
      "number/credit-code probes, QueryTerms and reading the rows):\n",
      postgres.empty() ? "SQLite" : "PostgreSQL");
  Print("2-char Chinese", chinese);
  Print("pinyin full (2-4 syllables)", full);
  Print("pinyin initials (2-4 letters)", initials);
  Print("document number, printed", number_printed);
  Print("document number, typed variant", number_typed);
  Print("credit-code prefix, 6-9 chars", credit_short);
  Print("credit-code prefix, 10-18 chars", credit_long);
  Print("filtered, page 1", filter1);
  Print("filtered, page 2 (cursor)", filter2);
  double worst = 0;
  for (const Stats* s :
       {&chinese, &full, &initials, &number_printed, &number_typed,
        &credit_short, &credit_long, &filter1, &filter2})
    worst = std::max(worst, Percentile(s->us, 95));
  std::printf("budget p95 <= 10 ms: %s (worst p95 %.2f ms)\n",
              worst <= 10000 ? "met" : "MISSED", worst / 1000);
  opened->reset();
  if (temporary) {
    for (const char* suffix : {"", "-wal", "-shm"})  // (SQLite's; none on PostgreSQL)
      unlink((catalog + suffix).c_str());
    std::string cmd = "rm -rf '" + dir + "'";
    if (std::system(cmd.c_str()) != 0) Die("cannot remove " + dir);
  }
  return 0;
}
