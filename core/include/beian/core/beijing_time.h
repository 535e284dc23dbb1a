// Times as the archive and the documents write them: Beijing time with its
// offset, so that they sort and compare correctly as text.
#ifndef BEIAN_CORE_BEIJING_TIME_H_
#define BEIAN_CORE_BEIJING_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::core {

// True iff `text` is "YYYY-MM-DDTHH:MM:SS", optionally ".fraction" (1 to 9
// digits), then "+08:00", naming a real day of 1900 or later (leap years
// counted) and a valid time of day (a leap second allowed).
bool IsBeijingTime(std::string_view text);

// The Beijing time `seconds` later (earlier if negative) than `time`, as
// "YYYY-MM-DDTHH:MM:SS+08:00" (a fraction of a second is dropped);
// kInvalidArgument unless IsBeijingTime(time).
Result<std::string> AddSeconds(std::string_view time, int64_t seconds);

// Whole seconds from `from` to `to` (negative if `to` is earlier), fractions
// dropped; kInvalidArgument unless both are IsBeijingTime.
Result<int64_t> SecondsBetween(std::string_view from, std::string_view to);

}  // namespace beian::core

#endif  // BEIAN_CORE_BEIJING_TIME_H_
