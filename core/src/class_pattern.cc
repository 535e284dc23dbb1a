#include "class_pattern.h"

#include <algorithm>
#include <string>

namespace beian::core {
namespace {

constexpr std::string_view kSpecial = ".^$|()[]{}*+?\\/";

bool IsAsciiPunct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
         (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

// Reads an escape after '\' at `pos` into `set`; false if unsupported.
bool ReadEscape(std::string_view p, size_t& pos, std::bitset<256>& set) {
  if (pos >= p.size()) return false;
  const char c = p[pos++];
  if (c == 'd') {
    for (char d = '0'; d <= '9'; ++d) set.set(static_cast<unsigned char>(d));
    return true;
  }
  if (!IsAsciiPunct(c)) return false;
  set.set(static_cast<unsigned char>(c));
  return true;
}

// Reads a number at `pos`; false if none.
bool ReadCount(std::string_view p, size_t& pos, uint32_t& out) {
  const size_t start = pos;
  uint64_t value = 0;
  while (pos < p.size() && p[pos] >= '0' && p[pos] <= '9') {
    value = value * 10 + static_cast<uint64_t>(p[pos++] - '0');
    if (value > 100000) return false;
  }
  out = static_cast<uint32_t>(value);
  return pos > start;
}

}  // namespace

std::optional<ClassPattern> ClassPattern::Compile(std::string_view p) {
  if (p.size() < 2 || p.front() != '^' || p.back() != '$') return std::nullopt;
  if (p.size() >= 3 && p[p.size() - 2] == '\\') return std::nullopt;  // \$
  for (char c : p) {
    if (static_cast<unsigned char>(c) >= 0x80 || c < ' ') return std::nullopt;
  }
  const std::string_view body = p.substr(1, p.size() - 2);
  ClassPattern out;
  size_t pos = 0;
  while (pos < body.size()) {
    Atom atom;
    const char c = body[pos++];
    if (c == '[') {
      if (pos < body.size() && body[pos] == '^') return std::nullopt;
      bool first = true;
      bool closed = false;
      while (pos < body.size()) {
        char m = body[pos];
        if (m == ']' && !first) {
          ++pos;
          closed = true;
          break;
        }
        first = false;
        ++pos;
        std::bitset<256> single;
        if (m == '\\') {
          if (!ReadEscape(body, pos, single)) return std::nullopt;
          if (single.count() != 1) {  // \d: a class, not a range end
            atom.bytes |= single;
            continue;
          }
          for (int b = 0; b < 256; ++b) {
            if (single.test(static_cast<size_t>(b))) m = static_cast<char>(b);
          }
        } else if (m == '[') {
          return std::nullopt;  // [[:digit:]] and the like
        }
        // A range m-n (a '-' before ']' is a literal).
        if (pos + 1 < body.size() && body[pos] == '-' && body[pos + 1] != ']') {
          char n = body[pos + 1];
          pos += 2;
          if (n == '\\') {
            std::bitset<256> end;
            if (!ReadEscape(body, pos, end) || end.count() != 1) {
              return std::nullopt;
            }
            for (int b = 0; b < 256; ++b) {
              if (end.test(static_cast<size_t>(b))) n = static_cast<char>(b);
            }
          } else if (n == '[') {
            return std::nullopt;
          }
          if (n < m) return std::nullopt;
          for (int b = m; b <= n; ++b) atom.bytes.set(static_cast<size_t>(b));
        } else {
          atom.bytes.set(static_cast<unsigned char>(m));
        }
      }
      if (!closed) return std::nullopt;
    } else if (c == '\\') {
      if (!ReadEscape(body, pos, atom.bytes)) return std::nullopt;
    } else if (kSpecial.find(c) != std::string_view::npos) {
      return std::nullopt;
    } else {
      atom.bytes.set(static_cast<unsigned char>(c));
    }
    // Quantifier.
    if (pos < body.size()) {
      const char q = body[pos];
      if (q == '?' || q == '*' || q == '+') {
        ++pos;
        atom.min = q == '+' ? 1 : 0;
        atom.max = q == '?' ? 1 : kUnbounded;
      } else if (q == '{') {
        ++pos;
        if (!ReadCount(body, pos, atom.min)) return std::nullopt;
        atom.max = atom.min;
        if (pos < body.size() && body[pos] == ',') {
          ++pos;
          atom.max = kUnbounded;
          if (pos < body.size() && body[pos] != '}' &&
              !ReadCount(body, pos, atom.max)) {
            return std::nullopt;
          }
        }
        if (pos >= body.size() || body[pos] != '}' || atom.max < atom.min) {
          return std::nullopt;
        }
        ++pos;
      }
      if (pos < body.size() && body[pos] == '?' && (q == '?' || q == '*' ||
                                                     q == '+' || q == '{')) {
        ++pos;  // lazy: the same set of whole-string matches
      }
      if (pos < body.size() &&
          (body[pos] == '?' || body[pos] == '*' || body[pos] == '+' ||
           body[pos] == '{')) {
        return std::nullopt;  // a quantifier on a quantifier
      }
    }
    out.atoms_.push_back(atom);
  }
  return out;
}

bool ClassPattern::Matches(std::string_view text) const {
  const size_t n = text.size();
  // reach[p]: the atoms so far can end at position p.
  std::vector<char> reach(n + 1, 0), next(n + 2, 0);
  std::vector<uint32_t> run(n + 1, 0);
  reach[0] = 1;
  for (const Atom& atom : atoms_) {
    // run[p]: how many bytes from p on are in the class.
    run[n] = 0;
    for (size_t p = n; p-- > 0;) {
      run[p] = atom.bytes.test(static_cast<unsigned char>(text[p]))
                   ? std::min<uint32_t>(run[p + 1] + 1, UINT32_MAX - 1)
                   : 0;
    }
    // next = union of [p + min, p + min(max, run[p])] over reachable p, with
    // a difference array.
    std::fill(next.begin(), next.end(), 0);
    std::vector<int32_t> diff(n + 2, 0);
    bool any = false;
    for (size_t p = 0; p <= n; ++p) {
      if (!reach[p] || run[p] < atom.min) continue;
      const size_t low = p + atom.min;
      const size_t high = p + std::min<uint32_t>(atom.max, run[p]);
      ++diff[low];
      --diff[high + 1];
      any = true;
    }
    if (!any) return false;
    int32_t open = 0;
    for (size_t p = 0; p <= n; ++p) {
      open += diff[p];
      reach[p] = open > 0 ? 1 : 0;
    }
  }
  return reach[n] != 0;
}

}  // namespace beian::core
