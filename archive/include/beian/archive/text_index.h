#ifndef BEIAN_ARCHIVE_TEXT_INDEX_H_
#define BEIAN_ARCHIVE_TEXT_INDEX_H_

// Terms for Chinese full-text search in SQLite FTS5 without an ICU tokenizer.
//
// SQLite here has FTS5 but not its ICU tokenizer, and the trigram tokenizer
// silently finds nothing for 2-character Chinese queries. So the terms are
// computed here, in C++, and stored space-joined (JoinTerms) in an FTS5 column
// declared with tokenize='unicode61 remove_diacritics 0'. Every term is one
// unicode61 token (letters and digits only), so a query is an AND of quoted
// single-token strings (MatchExpression), which also works with detail=none.
//
// Text is NFC-normalised, full-width ASCII is folded to ASCII and the text is
// case-folded. Then:
//  - CJK runs (Han, kana, hangul) give overlapping bigrams: 朝阳区 → 朝阳 阳区;
//    a run of one character gives that character.
//  - Other letter/digit runs give one word each: "SOHO2" → soho2. Combining
//    marks and format characters are skipped without splitting a word.
//  - Han runs also give pinyin (ICU "Han-Latin; Latin-ASCII", one reading per
//    character): every contiguous window of 2..kMaxPinyinSyllables syllables
//    joined (chaoyang, yangqu, chaoyangqu) and every window of
//    2..kMaxPinyinInitials initials (cy, yq, cyq). A pinyin query therefore
//    matches the pinyin of any 2+ character substring of a Han run, up to
//    those lengths. Single syllables are not indexed (as single characters of a
//    longer run are not), so "chao" alone finds nothing. ICU gives one reading
//    per character (plus a few phrases such as 重庆 chongqing), so polyphones
//    are found under ICU's reading only: 银行 is "yinxing", 长安 "zhangan".
//    Cost, measured by bench/search_bench (1,000,000 rows of enterprise and
//    project names): 149 terms per row, 124 of them pinyin; the FTS5 index
//    (detail=none) is 184 MB, against 29 MB without pinyin. Windows of up to
//    6 initials would make it 28 % larger, windows of up to 12 (whole names)
//    2.7 times as large, and loading slower in proportion.
//  - Personal ID numbers (core::FindIdNumbers: 17 digits and a digit or X,
//    optionally written 6-8-4 with spaces or hyphens, with a province code and
//    a real birth date) are removed before tokenising, and any word with 17 or
//    more consecutive digits is dropped, so no ID number is ever an index
//    term, whole or in parts.
//
// All functions are deterministic and thread-safe. The first call that needs
// pinyin loads ICU's transliterator (~0.1 s); pinyin is then cached per
// character.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::archive {

// Version of the term scheme. Store it with an index; when it changes, the
// index must be rebuilt from the documents (IndexTerms of the same text then
// gives different terms, so contentless 'delete' commands would not match).
// 2: period terms (year, month of issued_at) and short credit-code prefixes.
// 3: the whole credit code. 4: other readings of polyphonic characters.
inline constexpr int kTextIndexVersion = 4;

// Longest full-pinyin window indexed, in syllables ("chaoyangqujia" is 4).
inline constexpr size_t kMaxPinyinSyllables = 4;
// Longest initials window indexed, in syllables ("bjrx" is 4).
inline constexpr size_t kMaxPinyinInitials = 4;
// A Chinese query needs at least this many characters in one run.
inline constexpr size_t kMinQueryCjkChars = 2;
// Longest query accepted, in code points.
inline constexpr size_t kMaxQueryLength = 256;
// Letter/digit words longer than this (in code points) are not indexed.
inline constexpr size_t kMaxWordLength = 64;

// The index terms of `text`, each one unicode61 token, without duplicates, in
// order of first appearance. Invalid UTF-8 bytes act as separators.
std::vector<std::string> IndexTerms(std::string_view text);

// The terms a query must match (all of them), tokenised the same way but
// without pinyin expansion: "朝阳" → {"朝阳"}, "朝阳区" → {"朝阳","阳区"},
// "chaoyang" → {"chaoyang"}, "cy" → {"cy"}; "chao yang" is two words, and
// finds nothing, as single syllables are not indexed. A one-character CJK run
// is dropped from a query that has other terms (it could not match: single
// characters are only indexed where they stand alone), and refused when it is
// all there is. Errors (kInvalidArgument): invalid UTF-8, longer than
// kMaxQueryLength, containing a personal ID number, nothing searchable, or
// only single CJK characters.
core::Result<std::vector<std::string>> QueryTerms(std::string_view query);

// The FTS5 MATCH expression requiring every term: each term double-quoted with
// inner quotes doubled and NUL bytes removed, joined with " AND "; empty terms
// are skipped, so no input can add operators, column filters or prefix stars.
// Returns "" when there is no non-empty term (do not run such a query).
std::string MatchExpression(const std::vector<std::string>& terms);

// An FTS5 expression matching any of the terms, quoted as by MatchExpression
// and parenthesised: ("a" OR "b"), to be joined to a MatchExpression with
// " AND ". Returns "" when there is no non-empty term.
std::string MatchAnyOf(const std::vector<std::string>& terms);

// The same two for PostgreSQL, as the text of a tsquery (CAST(... AS
// tsquery), which takes its lexemes as written): every term single-quoted
// with inner quotes doubled and backslashes escaped, NUL bytes removed,
// joined with " & "; and any of them, parenthesised and joined with " | ".
// "" when there is no non-empty term.
std::string TsQueryAllOf(const std::vector<std::string>& terms);
std::string TsQueryAnyOf(const std::vector<std::string>& terms);

// The terms joined by single spaces: the text to store in the FTS5 column.
std::string JoinTerms(const std::vector<std::string>& terms);

// A term for an exact-value filter (district, kind, ...) stored in the same
// FTS5 column, so that a filtered search is a single FTS5 scan: U+E000, the
// ASCII letters and digits of `field` (lower-cased), U+E000, then the bytes of
// `value` in lower-case hex. Private-use characters are token characters for
// unicode61 but separators for IndexTerms and QueryTerms, so a facet term
// never equals a text term and no query can produce one.
std::string FacetTerm(std::string_view field, std::string_view value);

// Masks personal ID numbers (core::FindIdNumbers) for display, keeping the
// first 6 and last 4 characters: 110105197103143253 → 110105********3253,
// also with a final X, full-width digits, or the 6-8-4 grouping with spaces or
// hyphens (the separators are kept). Everything else, including invalid UTF-8, is copied
// unchanged.
std::string MaskIdNumbers(std::string_view text);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_TEXT_INDEX_H_
