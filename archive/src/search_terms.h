// What goes into the catalog's full-text index for a document, and the facet
// terms a search adds to its MATCH expression. Index and query side live here
// together so that they cannot drift apart.
#ifndef BEIAN_ARCHIVE_SRC_SEARCH_TERMS_H_
#define BEIAN_ARCHIVE_SRC_SEARCH_TERMS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace beian::archive {

// Credit-code prefixes of these lengths are indexed as facet terms: they match
// so many documents that a B-tree range would have to sort them all before the
// first page; longer prefixes are selective and go through the B-tree index.
inline constexpr size_t kMinCreditCodePrefix = 6;
inline constexpr size_t kMaxIndexedCreditCodePrefix = 9;

// The catalog fields a document is found by.
struct SearchFields {
  std::string_view kind;
  std::string_view district;
  std::string_view issued_at;  // Beijing time, "2026-03-01T09:30:00+08:00"
  std::string_view credit_code;
  std::string_view enterprise_name;
  std::string_view project_name;
};

// The text stored in documents_fts.terms: IndexTerms of the enterprise and
// project names, and facet terms for the district, the kind, the year and the
// month of issued_at, and the credit code's prefixes of
// kMinCreditCodePrefix..kMaxIndexedCreditCodePrefix characters and the whole
// code. Personal ID
// numbers never become terms.
std::string DocumentSearchTerms(const SearchFields& fields);

// On PostgreSQL every term is indexed once per bucket of 2^kTermBucketBits
// document ids, as "<bucket in hex>" U+E001 "<term>" (a private-use mark no
// term holds): a GIN posting list then holds the documents of one bucket, so
// that the newest matches come from the newest buckets at a cost that grows
// with the matches in a bucket, not in the whole catalog. (SQLite's FTS5
// reads its posting lists newest first by itself.)
inline constexpr int kTermBucketBits = 15;

// The bucket of document `id`.
inline int64_t TermBucket(int64_t id) { return id >> kTermBucketBits; }

// `term` as indexed in bucket `bucket`.
std::string BucketedTerm(int64_t bucket, std::string_view term);

// The space-joined terms of document `id` as PostgreSQL indexes them
// (`terms` as DocumentSearchTerms gives them).
std::string BucketedDocumentTerms(int64_t id, std::string_view terms);

// The terms PostgreSQL indexes for a document (DocumentSearchTerms and, for
// a search that names a district, the district joined with the kind, the
// month and the year of issue, whose posting lists are a district's share of
// the others'), each in document `id`'s bucket, space-joined.
std::string PostgresDocumentTerms(int64_t id, const SearchFields& fields);

// The facet terms of a PostgreSQL search for `kind`, `district`, a credit
// code and a period (PeriodTerms, or null), appended: those every document
// must hold to `all`, those of which it must hold one to `any`. A district
// with a kind or a period is asked through the joined terms.
void PostgresFacetTerms(std::string_view kind, std::string_view district, std::string_view credit_code,
                        const std::vector<std::string>* period, std::vector<std::string>* all,
                        std::vector<std::string>* any);

// The facet term of a credit-code prefix (upper case, see CreditCodePrefix in
// the archive) of kMinCreditCodePrefix..kMaxIndexedCreditCodePrefix
// characters, or of a whole credit code.
std::string CreditCodePrefixTerm(std::string_view prefix);

// Facet terms whose union holds every document issued in [from, before),
// both compared as text with issued_at like the row condition (an empty bound
// is open). `first` and `last` are the catalog's earliest and latest
// issued_at; the covering is clipped to them. Months near the ends, whole
// years in between. The covering may hold documents outside the range (the
// row condition still decides); it never misses one. Returns:
//  - nullopt when no useful covering exists (a bound that does not start
//    with YYYY-MM, an empty catalog, or a span of more than a century): search
//    without period terms;
//  - an empty vector when no document can be in the range.
std::optional<std::vector<std::string>> PeriodTerms(std::string_view from,
                                                    std::string_view before,
                                                    std::string_view first,
                                                    std::string_view last);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_SEARCH_TERMS_H_
