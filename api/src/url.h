#ifndef BEIAN_API_SRC_URL_H_
#define BEIAN_API_SRC_URL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "beian/api/request.h"

namespace beian::api::internal {

// The value of a hex digit (either case), or -1.
int HexValue(char c);

// Decodes %XX escapes (and "+" as a space when `plus_as_space`); std::nullopt
// when a "%" is not followed by two hex digits. The result may hold any byte,
// including NUL.
std::optional<std::string> PercentDecode(std::string_view text,
                                         bool plus_as_space);

// Decodes an application/x-www-form-urlencoded query ("a=1&b=x+y&c"); empty
// pieces are skipped. std::nullopt when an escape is malformed.
std::optional<Fields> ParseQuery(std::string_view query);

// The positive integer (at most 18 digits) of path parameter `name`, or
// nullopt.
std::optional<int64_t> PathId(const Request& req, std::string_view name = "id");

}  // namespace beian::api::internal

#endif  // BEIAN_API_SRC_URL_H_
