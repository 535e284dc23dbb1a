#ifndef BEIAN_API_SRC_BYTE_RANGE_H_
#define BEIAN_API_SRC_BYTE_RANGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace beian::api::internal {

// One "bytes=a-b", "bytes=a-" or "bytes=-n" range of a Range header within a
// representation of `size` bytes, as the inclusive byte positions {first,
// last} with 0 <= first <= last < size; nullopt when the header is not one
// such range (several ranges, another unit, a malformed or unsatisfiable one)
// or size is 0.
std::optional<std::pair<int64_t, int64_t>> ParseRange(const std::string& header,
                                                      int64_t size);

}  // namespace beian::api::internal

#endif  // BEIAN_API_SRC_BYTE_RANGE_H_
