#include "beian/archive/text_index.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "beian/core/id_numbers.h"
#include "beian/core/utf8.h"

namespace beian::archive {
namespace {

// ---------------------------------------------------------------------------
// Normalisation

bool IsAsciiDigit(char32_t c) { return c >= U'0' && c <= U'9'; }

// NFC, width-folded, case-folded code points. Invalid UTF-8 bytes become
// U+FFFD (a separator).
std::u32string Prepare(std::string_view text) {
  std::string valid;
  if (!core::IsValidUtf8(text)) {
    valid.reserve(text.size() + 8);
    size_t pos = 0;
    while (pos < text.size())
      core::AppendUtf8(valid, core::DecodeUtf8(text, pos));
    text = valid;
  }
  // ICU's own lazy initialisation is thread-safe; the static also makes that
  // visible to ThreadSanitizer.
  static const icu::Normalizer2* const normalizer = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  std::string nfc;
  UErrorCode status = normalizer ? U_ZERO_ERROR : U_MISSING_RESOURCE_ERROR;
  if (normalizer) {
    icu::StringByteSink<std::string> sink(&nfc,
                                          static_cast<int32_t>(text.size()));
    normalizer->normalizeUTF8(
        0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())),
        sink, nullptr, status);
  }
  std::u32string cps =
      core::ToUtf32(U_SUCCESS(status) ? std::string_view(nfc) : text);
  for (char32_t& c : cps) {
    c = core::FoldFullWidth(c);
    if (c < 0x80) {
      if (c >= U'A' && c <= U'Z') c += 0x20;
    } else {
      c = static_cast<char32_t>(
          u_foldCase(static_cast<UChar32>(c), U_FOLD_CASE_DEFAULT));
    }
  }
  return cps;
}

// ---------------------------------------------------------------------------
// Character classes

enum class CharClass { kSeparator, kIgnorable, kCjk, kWord };

CharClass Classify(char32_t c) {
  if (c < 0x80) {
    return ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') ||
            IsAsciiDigit(c))
               ? CharClass::kWord
               : CharClass::kSeparator;
  }
  if (c == 0x200B) return CharClass::kSeparator;  // zero width space
  const uint32_t mask = U_MASK(u_charType(static_cast<UChar32>(c)));
  // Marks and format characters (variation selectors, ZWJ, soft hyphen) are
  // skipped; unicode61 would otherwise split a token at them.
  if (mask & (U_GC_M_MASK | U_GC_CF_MASK)) return CharClass::kIgnorable;
  if (!(mask & (U_GC_L_MASK | U_GC_N_MASK))) return CharClass::kSeparator;
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(static_cast<UChar32>(c), &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_HANGUL:
    case USCRIPT_BOPOMOFO:
      return CharClass::kCjk;
    default:
      return CharClass::kWord;
  }
}

bool IsHan(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(c), &status) == USCRIPT_HAN;
}

// ---------------------------------------------------------------------------
// Pinyin: ICU "Han-Latin; Latin-ASCII", cached per character. Han-Latin maps
// one character at a time except for a few rules with a following context
// ({重}' '?庆 > chóng); characters named by such rules are read from ICU's own
// rules, and a run containing one is transliterated whole.

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

bool IsSyllable(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 'a' || c > 'z') return false;
  return true;
}

class PinyinTable {
 public:
  static PinyinTable& Get() {
    static PinyinTable* table =
        new PinyinTable();  // never destroyed: safe at exit
    return *table;
  }

  // Syllables of the Han characters cps[0..n); "" where ICU has none.
  void Lookup(const char32_t* cps, size_t n, std::vector<std::string>* out) {
    out->assign(n, std::string());
    if (!ready_) return;
    bool context = false;
    std::vector<size_t> missing;
    {
      std::shared_lock<std::shared_mutex> lock(cache_mu_);
      for (size_t i = 0; i < n; ++i) {
        if (context_chars_.count(cps[i])) context = true;
        auto it = cache_.find(cps[i]);
        if (it == cache_.end()) {
          missing.push_back(i);
        } else {
          (*out)[i] = it->second;
        }
      }
    }
    if (!missing.empty()) {
      std::vector<std::pair<char32_t, std::string>> computed;
      {
        std::lock_guard<std::mutex> lock(icu_mu_);
        for (size_t i : missing) {
          std::string syllable = TransliterateLocked(
              icu::UnicodeString(static_cast<UChar32>(cps[i])));
          if (!IsSyllable(syllable)) syllable.clear();
          (*out)[i] = syllable;
          computed.emplace_back(cps[i], std::move(syllable));
        }
      }
      std::unique_lock<std::shared_mutex> lock(cache_mu_);
      for (auto& entry : computed)
        cache_.emplace(entry.first, std::move(entry.second));
    }
    if (context && n > 1) {
      icu::UnicodeString run;
      for (size_t i = 0; i < n; ++i) run.append(static_cast<UChar32>(cps[i]));
      std::string whole;
      {
        std::lock_guard<std::mutex> lock(icu_mu_);
        whole = TransliterateLocked(run);
      }
      std::vector<std::string> parts;
      size_t start = 0;
      while (start <= whole.size()) {
        size_t end = whole.find(' ', start);
        if (end == std::string::npos) end = whole.size();
        parts.push_back(whole.substr(start, end - start));
        start = end + 1;
      }
      if (parts.size() == n) {
        for (size_t i = 0; i < n; ++i)
          if (IsSyllable(parts[i]) && !(*out)[i].empty()) (*out)[i] = parts[i];
      }
    }
  }

 private:
  PinyinTable() {
    UErrorCode status = U_ZERO_ERROR;
    han_latin_.reset(icu::Transliterator::createInstance(
        "Han-Latin", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !han_latin_) return;
    latin_ascii_.reset(icu::Transliterator::createInstance(
        "Latin-ASCII", UTRANS_FORWARD, status));
    if (U_FAILURE(status) || !latin_ascii_) return;
    icu::UnicodeString rules;
    han_latin_->toRules(rules, false);
    int32_t line = 0;
    while (line < rules.length()) {
      int32_t end = rules.indexOf(u'\n', line);
      if (end < 0) end = rules.length();
      if (end - line > 2 && rules.charAt(line) == u'{') {
        UChar32 c = rules.char32At(line + 1);
        if (IsHan(static_cast<char32_t>(c)))
          context_chars_.insert(static_cast<char32_t>(c));
      }
      line = end + 1;
    }
    ready_ = true;
  }

  std::string TransliterateLocked(icu::UnicodeString text) {
    han_latin_->transliterate(text);
    latin_ascii_->transliterate(text);
    return ToUtf8(text.trim());
  }

  bool ready_ = false;
  std::mutex icu_mu_;  // ICU transliterators are not shared between threads
  std::unique_ptr<icu::Transliterator> han_latin_;
  std::unique_ptr<icu::Transliterator> latin_ascii_;
  std::unordered_set<char32_t>
      context_chars_;  // written once, in the constructor
  std::shared_mutex cache_mu_;
  std::unordered_map<char32_t, std::string> cache_;
};

// ---------------------------------------------------------------------------
// Tokenising

class TermSet {
 public:
  void Add(std::string term) {
    if (term.empty() || seen_.count(term)) return;
    terms_.push_back(std::move(term));
    seen_.insert(terms_.back());  // deque elements never move
  }
  std::vector<std::string> Take() {
    std::vector<std::string> out;
    out.reserve(terms_.size());
    for (std::string& t : terms_) out.push_back(std::move(t));
    return out;
  }
  bool empty() const { return terms_.empty(); }
  void Reserve(size_t n) { seen_.reserve(n); }

 private:
  std::deque<std::string> terms_;
  std::unordered_set<std::string_view> seen_;
};

std::string Encode(const char32_t* cps, size_t n) {
  std::string out;
  out.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) core::AppendUtf8(out, cps[i]);
  return out;
}

// Characters read more than one way in names and places, with their other
// readings: ICU reads each one way (长 zhang, 行 xing, 厦 sha, 都 dou), while
// 长城, 长阳, 银行, 厦门, 都市 and 十里堡 are changcheng, changyang, yinhang,
// xiamen, dushi and shilipu. Only readings that occur in names, places and
// surnames are listed. A window holding them is indexed under each
// combination (up to kMaxReadingVariants), ICU's first; ICU's context rules
// (重庆) still choose the first reading.
struct OtherReadings {
  char32_t character;
  const char* readings;  // space-separated
};
constexpr OtherReadings kOtherReadings[] = {
    {U'长', "chang zhang"}, {U'行', "xing hang"},  {U'重', "zhong chong"},
    {U'乐', "le yue"},      {U'厦', "sha xia"},    {U'都', "du dou"},
    {U'会', "hui kuai"},    {U'曾', "zeng ceng"},  {U'单', "dan shan"},
    {U'解', "jie xie"},     {U'朝', "chao zhao"},  {U'传', "chuan zhuan"},
    {U'调', "diao tiao"},   {U'藏', "cang zang"},  {U'仇', "chou qiu"},
    {U'区', "qu ou"},       {U'查', "cha zha"},    {U'番', "fan pan"},
    {U'六', "liu lu"},      {U'柏', "bai bo"},     {U'堡', "bao pu"},
    {U'蔚', "wei yu"},      {U'莘', "shen xin"},   {U'泊', "bo po"},
};

// Spellings of one window kept at most (full pinyin and initials each).
constexpr size_t kMaxReadingVariants = 4;

// Every reading of the character, ICU's (`icu`) first.
std::vector<std::string> ReadingsOf(char32_t c, const std::string& icu) {
  std::vector<std::string> out = {icu};
  for (const OtherReadings& entry : kOtherReadings) {
    if (entry.character != c) continue;
    std::string_view list = entry.readings;
    while (!list.empty()) {
      const size_t space = list.find(' ');
      const std::string reading(list.substr(0, space));
      if (std::find(out.begin(), out.end(), reading) == out.end()) {
        out.push_back(reading);
      }
      if (space == std::string_view::npos) break;
      list.remove_prefix(space + 1);
    }
    break;
  }
  return out;
}

// `spellings` each extended by each of `next` (their first letters when
// `initials`), without duplicates, at most kMaxReadingVariants.
std::vector<std::string> Extend(const std::vector<std::string>& spellings,
                                const std::vector<std::string>& next,
                                bool initials) {
  std::vector<std::string> out;
  for (const std::string& s : spellings) {
    for (const std::string& r : next) {
      std::string spelling = s + (initials ? r.substr(0, 1) : r);
      if (std::find(out.begin(), out.end(), spelling) != out.end()) continue;
      out.push_back(std::move(spelling));
      if (out.size() == kMaxReadingVariants) return out;
    }
  }
  return out;
}

void AddPinyin(const char32_t* cps, size_t n, TermSet* terms) {
  std::vector<std::string> syllables;
  size_t i = 0;
  while (i < n) {
    if (!IsHan(cps[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && IsHan(cps[j])) ++j;
    PinyinTable::Get().Lookup(cps + i, j - i, &syllables);
    // Split further where a character has no reading.
    size_t a = 0;
    while (a < syllables.size()) {
      if (syllables[a].empty()) {
        ++a;
        continue;
      }
      size_t b = a;
      while (b < syllables.size() && !syllables[b].empty()) ++b;
      std::vector<std::vector<std::string>> readings;
      for (size_t k = a; k < b; ++k) {
        readings.push_back(ReadingsOf(cps[i + k], syllables[k]));
      }
      for (size_t s = a; s + 1 < b; ++s) {
        std::vector<std::string> full = readings[s - a];
        std::vector<std::string> initials =
            Extend({std::string()}, readings[s - a], /*initials=*/true);
        for (size_t len = 2; s + len <= b; ++len) {
          if (len > kMaxPinyinSyllables && len > kMaxPinyinInitials) break;
          const std::vector<std::string>& next = readings[s + len - 1 - a];
          full = Extend(full, next, /*initials=*/false);
          initials = Extend(initials, next, /*initials=*/true);
          if (len <= kMaxPinyinSyllables) {
            for (const std::string& f : full) terms->Add(f);
          }
          if (len <= kMaxPinyinInitials) {
            for (const std::string& in : initials) terms->Add(in);
          }
        }
      }
      a = b;
    }
    i = j;
  }
}

bool HasLongDigitRun(const std::u32string& word) {
  size_t run = 0;
  for (char32_t c : word) {
    run = IsAsciiDigit(c) ? run + 1 : 0;
    if (run >= 17) return true;
  }
  return false;
}

struct Tokens {
  TermSet terms;
  bool single_cjk = false;  // a CJK run of one character was seen
  bool id_number = false;   // an ID number was removed
};

// Tokenises prepared text; pinyin only when `pinyin`; single CJK characters
// become terms only when `singles`.
void Tokenise(std::u32string s, bool pinyin, bool singles, Tokens* out) {
  for (const core::IdNumberMatch& m : core::FindIdNumbers(s)) {
    out->id_number = true;
    for (size_t p = m.chars[0]; p <= m.chars[17]; ++p) s[p] = U' ';
  }
  out->terms.Reserve(std::min<size_t>(s.size() * 4, 1024));
  std::u32string run;
  CharClass run_class = CharClass::kSeparator;
  auto flush = [&]() {
    if (run.empty()) return;
    if (run_class == CharClass::kCjk) {
      if (run.size() == 1) {
        out->single_cjk = true;
        if (singles) out->terms.Add(Encode(run.data(), 1));
      } else {
        for (size_t i = 0; i + 1 < run.size(); ++i)
          out->terms.Add(Encode(run.data() + i, 2));
        if (pinyin) AddPinyin(run.data(), run.size(), &out->terms);
      }
    } else if (run.size() <= kMaxWordLength && !HasLongDigitRun(run)) {
      out->terms.Add(Encode(run.data(), run.size()));
    }
    run.clear();
  };
  for (char32_t c : s) {
    CharClass cls = Classify(c);
    if (cls == CharClass::kIgnorable) continue;
    if (cls != run_class) {
      flush();
      run_class = cls;
    }
    if (cls != CharClass::kSeparator) run.push_back(c);
  }
  flush();
}

}  // namespace

std::vector<std::string> IndexTerms(std::string_view text) {
  Tokens tokens;
  Tokenise(Prepare(text), /*pinyin=*/true, /*singles=*/true, &tokens);
  return tokens.terms.Take();
}

core::Result<std::vector<std::string>> QueryTerms(std::string_view query) {
  if (!core::IsValidUtf8(query))
    return core::InvalidArgument("search query is not valid UTF-8");
  if (core::CountCodePoints(query) > kMaxQueryLength)
    return core::InvalidArgument("search query is longer than " +
                                 std::to_string(kMaxQueryLength) +
                                 " characters");
  Tokens tokens;
  Tokenise(Prepare(query), /*pinyin=*/false, /*singles=*/false, &tokens);
  if (tokens.id_number)
    return core::InvalidArgument(
        "personal ID numbers are not indexed and cannot be searched");
  if (tokens.terms.empty()) {
    if (tokens.single_cjk)
      return core::InvalidArgument("a Chinese search needs at least " +
                                   std::to_string(kMinQueryCjkChars) +
                                   " characters");
    return core::InvalidArgument("search query has nothing to search for");
  }
  return tokens.terms.Take();
}

namespace {

// `term` as one quoted string of a query language, NUL bytes removed: FTS5's
// (`quote` '"': inner quotes doubled) or tsquery's (`quote` '\'': inner
// quotes doubled, backslashes escaped); "" when nothing is left.
std::string QuoteTerm(const std::string& term, char quote) {
  std::string quoted;
  for (char c : term) {
    if (c == '\0') continue;
    if (c == quote || (quote == '\'' && c == '\\')) quoted.push_back(c == quote ? quote : '\\');
    quoted.push_back(c);
  }
  if (quoted.empty()) return quoted;
  return quote + quoted + quote;
}

std::string JoinQuoted(const std::vector<std::string>& terms,
                       const char* op, char quote = '"') {
  std::string out;
  for (const std::string& term : terms) {
    const std::string quoted = QuoteTerm(term, quote);
    if (quoted.empty()) continue;
    if (!out.empty()) out += op;
    out += quoted;
  }
  return out;
}

}  // namespace

std::string MatchExpression(const std::vector<std::string>& terms) {
  return JoinQuoted(terms, " AND ");
}

std::string MatchAnyOf(const std::vector<std::string>& terms) {
  const std::string any = JoinQuoted(terms, " OR ");
  if (any.empty()) return any;
  return "(" + any + ")";
}

std::string TsQueryAllOf(const std::vector<std::string>& terms) {
  return JoinQuoted(terms, " & ", '\'');
}

std::string TsQueryAnyOf(const std::vector<std::string>& terms) {
  const std::string any = JoinQuoted(terms, " | ", '\'');
  if (any.empty()) return any;
  return "(" + any + ")";
}

std::string JoinTerms(const std::vector<std::string>& terms) {
  std::string out;
  for (const std::string& term : terms) {
    if (!out.empty()) out.push_back(' ');
    out += term;
  }
  return out;
}

std::string FacetTerm(std::string_view field, std::string_view value) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\xEE\x80\x80";  // U+E000
  for (char c : field) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  out += "\xEE\x80\x80";
  for (unsigned char c : value) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace beian::archive
