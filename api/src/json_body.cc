#include "beian/api/json_body.h"

#include <string>

#include "beian/core/utf8.h"

namespace beian::api {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::string_view kTooDeep = "nesting too deep";
constexpr std::string_view kTooMany = "too many values";
constexpr std::string_view kTooManyMembers = "too many members";

// Whether `status` is core::ParseJson's refusal for the limit `what`.
bool IsLimit(const core::Status& status, std::string_view what) {
  return status.message().find(what) != std::string::npos;
}

// Strips one pair of surrounding double quotes.
std::string_view Unquote(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

}  // namespace

std::optional<Response> RequireContentType(const Request& request,
                                           std::string_view media_type) {
  const std::string* header = request.Header("Content-Type");
  std::string_view value = header ? std::string_view(*header) : "";
  size_t semicolon = value.find(';');
  bool ok = EqualsIgnoreCase(Trim(value.substr(0, semicolon)), media_type);
  while (ok && semicolon != std::string_view::npos) {
    std::string_view rest = value.substr(semicolon + 1);
    semicolon = rest.find(';');
    std::string_view param = Trim(rest.substr(0, semicolon));
    value = rest;
    size_t eq = param.find('=');
    if (eq != std::string_view::npos &&
        EqualsIgnoreCase(Trim(param.substr(0, eq)), "charset")) {
      std::string_view charset = Unquote(Trim(param.substr(eq + 1)));
      ok = EqualsIgnoreCase(charset, "utf-8") || EqualsIgnoreCase(charset, "utf8");
    }
  }
  if (ok) return std::nullopt;
  return Response::Error(
      415, "unsupported_media_type",
      "Content-Type must be " + std::string(media_type) +
          (header ? ", not " + *header : std::string(", and it is missing")));
}

core::Result<core::Json> ParseJsonBody(const Request& request) {
  if (!core::IsValidUtf8(request.body())) {
    return core::InvalidArgument("request body is not valid UTF-8");
  }
  core::Result<core::Json> parsed = core::ParseJson(request.body());
  if (parsed.ok()) return parsed;
  // core::ParseJson reports its limits as "nesting too deep: more than N ...",
  // "too many values: more than N ..." and "too many members: more than N ..."
  // (see core/src/json.cc); it has no separate code for them.
  if (IsLimit(parsed.status(), kTooDeep) || IsLimit(parsed.status(), kTooMany) ||
      IsLimit(parsed.status(), kTooManyMembers)) {
    return core::OutOfRange(parsed.status().message());
  }
  return parsed.status();
}

Response JsonBodyError(const core::Status& status) {
  switch (status.code()) {
    case core::Code::kInvalidArgument:
      return Response::Error(400, "invalid_utf8", status.message());
    case core::Code::kOutOfRange:
      return Response::Error(400, IsLimit(status, kTooDeep) ? "json_too_deep" : "json_too_large",
                             status.message());
    default:
      return Response::Error(400, "malformed_json",
                             "request body is not valid JSON: " + status.message());
  }
}

}  // namespace beian::api
