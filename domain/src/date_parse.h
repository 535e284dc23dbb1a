#ifndef BEIAN_DOMAIN_SRC_DATE_PARSE_H_
#define BEIAN_DOMAIN_SRC_DATE_PARSE_H_

#include <string_view>

#include "beian/domain/date.h"

namespace beian::domain::internal {

// Why a text is not a date; lets validators word a specific message.
enum class DateFault {
  kNone,
  kForm,       // neither 2026-11-27 nor 2026年11月27日
  kYearRange,  // outside 1900..2199
  kNoSuchDay,  // e.g. 2026-02-30 or month 13
};

// Parses like Date::Parse; on failure returns the fault and leaves *date
// unspecified.
DateFault ParseDate(std::string_view text, Date* date);

// True iff text is four ASCII digits (a bare year such as "2006").
bool IsBareYear(std::string_view text);

}  // namespace beian::domain::internal

#endif  // BEIAN_DOMAIN_SRC_DATE_PARSE_H_
