#ifndef BEIAN_API_RESPONSE_H_
#define BEIAN_API_RESPONSE_H_

// Responses, and the one error body format used by every endpoint.
//
// Error body (Content-Type: application/json; charset=utf-8):
//
//   {"error":{"status":413,
//             "code":"body_too_large",
//             "message":"request body exceeds 20971520 bytes",
//             "field":"/data/enterprise/name",
//             "problems":[{"path":"/data/x","code":"schema.required",
//                          "message":"...","message_en":"...",
//                          "severity":"error"}]}}
//
//  - status:   the HTTP status, repeated for clients that only see the body.
//  - code:     stable snake_case machine code; clients branch on this, never
//              on the message. Codes produced by the framework itself:
//              bad_request, malformed_url, invalid_path_param, not_found,
//              method_not_allowed, request_timeout, body_too_large,
//              url_too_long, headers_too_large, unsupported_media_type,
//              unsupported_transfer_encoding, malformed_json, invalid_utf8,
//              json_too_deep, internal, service_unavailable,
//              too_many_connections.
//  - message:  English, for developers and logs; may change.
//  - field:    JSON Pointer (RFC 6901) of the offending input value; present
//              only when known.
//  - problems: present only when a handler attaches validation problems.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "beian/api/request.h"
#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"

namespace beian::api {

// An HTTP response held in memory. A value type: build it in a handler and
// return it; the server adds Content-Length, Date, Connection and
// X-Request-Id. Not thread-safe (each handler owns its own).
class Response {
 public:
  // 200 with no headers and an empty body.
  Response();
  // `status` with an empty body.
  explicit Response(int status);

  // `status` with `body` written compactly as application/json.
  static Response Json(int status, const core::Json& body);
  // `status` with the error body described at the top of this file; `field`
  // is omitted when empty.
  static Response Error(int status, std::string_view code,
                        std::string_view message, std::string_view field = {});
  // Like Error(), plus a "problems" array built from `problems` (path, code,
  // message, message_en, severity). `field` defaults to the path of the first
  // problem when empty and there is a problem.
  static Response ErrorWithProblems(int status, std::string_view code,
                                    std::string_view message,
                                    const std::vector<core::Problem>& problems,
                                    std::string_view field = {});
  // The error response for a non-ok core::Status: kInvalidArgument and
  // kParseError → 400 "invalid_argument"/"parse_error", kNotFound → 404
  // "not_found", kFailedPrecondition → 409 "failed_precondition",
  // kOutOfRange → 422 "out_of_range", kIoError and kInternal (and ok, which is
  // a caller bug) → 500 "internal" with a generic message, so that internal
  // details are not sent to clients.
  static Response FromStatus(const core::Status& status);
  // `status` with `body` as `content_type`.
  static Response Bytes(int status, std::string body,
                        std::string_view content_type);
  // `status` with `text` as text/plain; charset=utf-8.
  static Response Text(int status, std::string text);

  // The status code.
  int status() const { return status_; }
  // Sets the status code (100..599).
  void set_status(int status) { status_ = status; }

  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const;
  // Replaces every header named `name` (case-insensitive) with one.
  void SetHeader(std::string_view name, std::string value);
  // Appends a header, keeping existing ones of the same name.
  void AddHeader(std::string name, std::string value);
  // Removes every header named `name` (case-insensitive).
  void RemoveHeader(std::string_view name);
  // All headers in order.
  const Fields& headers() const { return headers_; }

  // The body bytes.
  const std::string& body() const { return body_; }
  // Replaces the body (the Content-Type header is left alone).
  void set_body(std::string body) { body_ = std::move(body); }

  // The error code when built by Error()/ErrorWithProblems()/FromStatus(),
  // else "". Written to the access log.
  const std::string& error_code() const { return error_code_; }

  // Adds a key/value to this request's access log line, e.g. ("user",
  // "u123") or ("role", "clerk"). Keys that the log writes itself (time, id,
  // status, ...) are ignored. Values are masked like the rest of the line.
  void SetLogField(std::string key, std::string value);
  // The log fields in order.
  const Fields& log_fields() const { return log_fields_; }

 private:
  int status_ = 200;
  Fields headers_;
  std::string body_;
  std::string error_code_;
  Fields log_fields_;
};

// The standard reason phrase of `status` ("Not Found"), or "Unknown".
std::string_view ReasonPhrase(int status);

}  // namespace beian::api

#endif  // BEIAN_API_RESPONSE_H_
