#ifndef BEIAN_DOMAIN_SRC_DATE_PARSE_H_
#define BEIAN_DOMAIN_SRC_DATE_PARSE_H_

#include <string_view>

namespace beian::domain::internal {

// True iff text is four ASCII digits (a bare year such as "2006"), as
// licensed_since may be written when only the year is known.
inline bool IsBareYear(std::string_view text) {
  if (text.size() != 4) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace beian::domain::internal

#endif  // BEIAN_DOMAIN_SRC_DATE_PARSE_H_
