#ifndef BEIAN_CORE_SRC_NUMBER_FORMAT_H_
#define BEIAN_CORE_SRC_NUMBER_FORMAT_H_

#include <cstdint>
#include <string>

namespace beian::core::internal {

// Shortest round-trip form of a finite double as ECMAScript Number::toString
// writes it: 100, 0.5, 1e+21, 1e-7, -0 as "0". Non-finite values give "null".
std::string FormatDouble(double value);

// Decimal form of an integer.
std::string FormatInt(int64_t value);

}  // namespace beian::core::internal

#endif  // BEIAN_CORE_SRC_NUMBER_FORMAT_H_
