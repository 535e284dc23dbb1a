#ifndef BEIAN_API_SRC_MULTIPART_H_
#define BEIAN_API_SRC_MULTIPART_H_

#include <optional>
#include <string>

#include "beian/api/request.h"

namespace beian::api::internal {

// An uploaded file: the body, or the part named "file" of a multipart body.
struct Upload {
  std::string bytes;
  std::string name;
};

// The part named "file" of a multipart/form-data request, its name the
// part's filename parameter (as sent, unchecked). Precondition: the request
// has a Content-Type header. nullopt with `*error` saying why when the
// boundary is missing, no part is named "file" or the body is malformed.
std::optional<Upload> ReadMultipart(const Request& req, std::string* error);

}  // namespace beian::api::internal

#endif  // BEIAN_API_SRC_MULTIPART_H_
