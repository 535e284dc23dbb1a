// What the two search benchmarks share besides their synthetic catalog
// (synthetic_catalog.h): timing, fail-fast SQLite access, Beijing times,
// query samples drawn from the names, and percentiles.
#ifndef BEIAN_BENCH_SEARCH_BENCH_SUPPORT_H_
#define BEIAN_BENCH_SEARCH_BENCH_SUPPORT_H_

#include <errno.h>  // program_invocation_short_name
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "beian/archive/text_index.h"
#include "beian/core/utf8.h"
#include "synthetic_catalog.h"

namespace beian::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

inline double Micros(Clock::time_point a) {
  return std::chrono::duration<double, std::micro>(Clock::now() - a).count();
}

// Prints "<program>: <what>" and exits 1: a benchmark has no recovery.
[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

inline void Check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
    Die(std::string(what) + ": " +
        (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

inline void Exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "?";
    sqlite3_free(err);
    Die(sql + ": " + message);
  }
}

// A prepared statement that dies on any error.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) : db_(db) {
    Check(db,
          sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                             &stmt_, nullptr),
          sql.c_str());
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  void Bind(int i, std::string_view text) {
    Check(db_,
          sqlite3_bind_text(stmt_, i, text.data(),
                            static_cast<int>(text.size()), SQLITE_TRANSIENT),
          "bind");
  }
  void Bind(int i, int64_t v) {
    Check(db_, sqlite3_bind_int64(stmt_, i, v), "bind");
  }
  bool Step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    Check(db_, rc, "step");
    return false;
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(
                   reinterpret_cast<const char*>(p),
                   static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Prints " (FTS index X MB, documents table Y MB, B-tree indexes Z MB)" and a
// newline: the database's pages by part (dbstat).
inline void PrintSizesByPart(sqlite3* db) {
  Stmt sizes(db,
             "SELECT CASE WHEN name LIKE 'documents_fts%' THEN 'FTS index' "
             "WHEN name = 'documents' THEN 'documents table' ELSE 'B-tree "
             "indexes' END AS part, "
             "sum(pgsize) FROM dbstat GROUP BY part ORDER BY 2 DESC");
  const char* sep = " (";
  while (sizes.Step()) {
    std::printf("%s%s %.1f MB", sep, sizes.Text(0).c_str(),
                double(sizes.Int(1)) / 1e6);
    sep = ", ";
  }
  std::printf(")\n");
}

// `unix_seconds` as Beijing time, "2024-01-01T08:00:00+08:00".
inline std::string BeijingTime(int64_t unix_seconds) {
  const std::time_t shifted = static_cast<std::time_t>(unix_seconds + 8 * 3600);
  std::tm tm{};
  gmtime_r(&shifted, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+08:00",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

inline bool IsAsciiLetters(const std::string& t) {
  return !t.empty() && std::all_of(t.begin(), t.end(),
                                   [](char c) { return c >= 'a' && c <= 'z'; });
}

// A random substring of min_len..max_len CJK characters (no digits) of the
// enterprise or the project name; "物业" if none is found.
inline std::string Substring(Rng& rng, const std::string& enterprise_name,
                             const std::string& project_name, size_t min_len,
                             size_t max_len) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::vector<std::string> chars =
        Chars(rng.Below(2u) ? enterprise_name : project_name);
    size_t len = min_len + rng.Below(max_len - min_len + 1);
    if (chars.size() < len) continue;
    size_t start = rng.Below(chars.size() - len + 1);
    std::string out;
    bool cjk = true;
    for (size_t i = start; i < start + len; ++i) {
      if (chars[i].size() != 3) cjk = false;  // the digits of 3号院
      out += chars[i];
    }
    if (cjk) return out;
  }
  return "物业";
}

// Full pinyin and initials of a CJK string, read from its index terms: the
// longest ASCII term is the full pinyin of the whole string; the initials are
// the ASCII term with one letter per character that starts like it.
inline std::pair<std::string, std::string> Pinyin(const std::string& cjk) {
  std::string full, initials;
  size_t n = core::CountCodePoints(cjk);
  std::vector<std::string> terms = archive::IndexTerms(cjk);
  for (const std::string& t : terms)
    if (IsAsciiLetters(t) && t.size() > full.size()) full = t;
  for (const std::string& t : terms)
    if (IsAsciiLetters(t) && t.size() == n && !full.empty() && t[0] == full[0])
      initials = t;
  return {full, initials};
}

// The p-th percentile (0..100, nearest rank) of `v`; 0 when empty.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t rank =
      static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace beian::bench

#endif  // BEIAN_BENCH_SEARCH_BENCH_SUPPORT_H_
