#ifndef BEIAN_API_JSON_BODY_H_
#define BEIAN_API_JSON_BODY_H_

#include <optional>
#include <string_view>

#include "beian/api/request.h"
#include "beian/api/response.h"
#include "beian/core/json.h"
#include "beian/core/status.h"

namespace beian::api {

// A 415 "unsupported_media_type" error response unless the request's
// Content-Type is `media_type` (compared case-insensitively, parameters
// ignored except that a charset, if given, must be utf-8); std::nullopt when
// it matches. Use as:
//   if (auto bad = RequireContentType(req, "application/json")) return *bad;
std::optional<Response> RequireContentType(const Request& request,
                                           std::string_view media_type);

// The request body parsed by core::ParseJson with its default limits. Errors:
// kInvalidArgument when the body is not valid UTF-8, kOutOfRange when arrays
// and objects nest deeper than core::ParseOptions{}.max_depth, the body
// holds more values than its max_values or an object has more members than
// its max_members, kParseError for
// anything else (empty body, syntax, duplicate keys, ...). The message is
// ParseJson's, with line, column and JSON Pointer. Pass a failure to
// JsonBodyError() for the response.
core::Result<core::Json> ParseJsonBody(const Request& request);

// The 400 error response for a ParseJsonBody() failure: code "invalid_utf8",
// "json_too_deep", "json_too_large" (too many values, or members of one object) or "malformed_json", the
// parser's message as the message.
Response JsonBodyError(const core::Status& status);

}  // namespace beian::api

#endif  // BEIAN_API_JSON_BODY_H_
