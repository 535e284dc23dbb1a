// Times as the archive and the documents write them: Beijing time with its
// offset, so that they sort and compare correctly as text.
#ifndef BEIAN_CORE_BEIJING_TIME_H_
#define BEIAN_CORE_BEIJING_TIME_H_

#include <string_view>

namespace beian::core {

// True iff `text` is "YYYY-MM-DDTHH:MM:SS", optionally ".fraction" (1 to 9
// digits), then "+08:00", naming a real day of 1900 or later (leap years
// counted) and a valid time of day (a leap second allowed).
bool IsBeijingTime(std::string_view text);

}  // namespace beian::core

#endif  // BEIAN_CORE_BEIJING_TIME_H_
