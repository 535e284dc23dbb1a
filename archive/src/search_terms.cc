#include "search_terms.h"

#include <algorithm>
#include <cstdio>

#include "beian/archive/text_index.h"

namespace beian::archive {
namespace {

// A calendar month as one number: year * 12 + (month - 1).
using MonthIndex = int;

// Below this many months a covering is all months; above it whole years
// replace the months in between.
constexpr int kMaxMonthTerms = 24;
constexpr int kMaxYearTerms = 100;

std::optional<MonthIndex> MonthOf(std::string_view t) {
  if (t.size() < 7 || t[4] != '-') return std::nullopt;
  int year = 0, month = 0;
  for (size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
    (i < 4 ? year : month) = (i < 4 ? year : month) * 10 + (t[i] - '0');
  }
  if (month < 1 || month > 12) return std::nullopt;
  return year * 12 + month - 1;
}

// True when nothing issued in `t`'s month sorts before `t`: the month
// starts exactly at t ("2026-04", "2026-04-01", "2026-04-01T00:00:00+08:00").
bool StartsItsMonth(std::string_view t) {
  const std::string_view rest = t.substr(7);
  return rest.empty() || rest == "-01" || rest == "-01T00:00:00+08:00" ||
         rest == "-01T00:00:00";
}

std::string YearTerm(int year) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d", year);
  return FacetTerm("year", text);
}

std::string MonthTerm(MonthIndex m) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d", m / 12, m % 12 + 1);
  return FacetTerm("month", text);
}

}  // namespace

std::string CreditCodePrefixTerm(std::string_view prefix) {
  return FacetTerm("credit", prefix);
}

std::string DocumentSearchTerms(const SearchFields& fields) {
  std::string text(fields.enterprise_name);
  text += ' ';
  text += fields.project_name;
  std::vector<std::string> terms = IndexTerms(text);
  terms.push_back(FacetTerm("district", fields.district));
  terms.push_back(FacetTerm("kind", fields.kind));
  if (const std::optional<MonthIndex> month = MonthOf(fields.issued_at)) {
    terms.push_back(YearTerm(*month / 12));
    terms.push_back(MonthTerm(*month));
  }
  for (size_t n = kMinCreditCodePrefix;
       n <= kMaxIndexedCreditCodePrefix && n <= fields.credit_code.size();
       ++n) {
    terms.push_back(CreditCodePrefixTerm(fields.credit_code.substr(0, n)));
  }
  // The whole code too: the filter of an enterprise's own documents.
  if (fields.credit_code.size() > kMaxIndexedCreditCodePrefix) {
    terms.push_back(CreditCodePrefixTerm(fields.credit_code));
  }
  return JoinTerms(terms);
}

std::string BucketedTerm(int64_t bucket, std::string_view term) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kHex[bucket & 15]);
    bucket >>= 4;
  } while (bucket > 0);
  out += "\xEE\x80\x81";  // U+E001
  out += term;
  return out;
}

std::string BucketedDocumentTerms(int64_t id, std::string_view terms) {
  std::string out;
  const int64_t bucket = TermBucket(id);
  size_t start = 0;
  while (start < terms.size()) {
    size_t end = terms.find(' ', start);
    if (end == std::string_view::npos) end = terms.size();
    if (end > start) {
      if (!out.empty()) out += ' ';
      out += BucketedTerm(bucket, terms.substr(start, end - start));
    }
    start = end + 1;
  }
  return out;
}

std::string PostgresDocumentTerms(int64_t id, const SearchFields& fields) {
  std::string terms = DocumentSearchTerms(fields);
  const std::string district = FacetTerm("district", fields.district);
  terms += ' ' + district + FacetTerm("kind", fields.kind);
  if (const std::optional<MonthIndex> month = MonthOf(fields.issued_at)) {
    terms += ' ' + district + YearTerm(*month / 12);
    terms += ' ' + district + MonthTerm(*month);
  }
  return BucketedDocumentTerms(id, terms);
}

void PostgresFacetTerms(std::string_view kind, std::string_view district, std::string_view credit_code,
                        const std::vector<std::string>* period, std::vector<std::string>* all,
                        std::vector<std::string>* any) {
  if (!credit_code.empty()) all->push_back(CreditCodePrefixTerm(credit_code));
  if (district.empty()) {
    if (!kind.empty()) all->push_back(FacetTerm("kind", kind));
    if (period != nullptr) *any = *period;
    return;
  }
  const std::string in_district = FacetTerm("district", district);
  if (!kind.empty()) {
    all->push_back(in_district + FacetTerm("kind", kind));
  } else if (period == nullptr) {
    all->push_back(in_district);
  }
  if (period != nullptr) {
    for (const std::string& term : *period) any->push_back(in_district + term);
  }
}

std::optional<std::vector<std::string>> PeriodTerms(std::string_view from,
                                                    std::string_view before,
                                                    std::string_view first,
                                                    std::string_view last) {
  const std::optional<MonthIndex> catalog_first = MonthOf(first);
  const std::optional<MonthIndex> catalog_last = MonthOf(last);
  if (!catalog_first || !catalog_last) return std::nullopt;
  MonthIndex low = *catalog_first, high = *catalog_last;
  if (!from.empty()) {
    const std::optional<MonthIndex> m = MonthOf(from);
    if (!m) return std::nullopt;
    low = std::max(low, *m);
  }
  if (!before.empty()) {
    std::optional<MonthIndex> m = MonthOf(before);
    if (!m) return std::nullopt;
    if (StartsItsMonth(before)) --*m;
    high = std::min(high, *m);
  }
  std::vector<std::string> terms;
  if (low > high) return terms;
  if (high - low < kMaxMonthTerms) {
    for (MonthIndex m = low; m <= high; ++m) terms.push_back(MonthTerm(m));
    return terms;
  }
  // Months up to the first whole year, whole years, months after the last.
  int first_year = low / 12, last_year = high / 12;
  if (low % 12 != 0) {
    for (MonthIndex m = low; m < (first_year + 1) * 12; ++m) {
      terms.push_back(MonthTerm(m));
    }
    ++first_year;
  }
  if (high % 12 != 11) {
    for (MonthIndex m = last_year * 12; m <= high; ++m) {
      terms.push_back(MonthTerm(m));
    }
    --last_year;
  }
  if (last_year - first_year + 1 > kMaxYearTerms) return std::nullopt;
  for (int year = first_year; year <= last_year; ++year) {
    terms.push_back(YearTerm(year));
  }
  return terms;
}

}  // namespace beian::archive
