#include "beian/api/response.h"

#include <algorithm>

#include "beian/core/log.h"

namespace beian::api {
namespace {

constexpr std::string_view kJsonType = "application/json; charset=utf-8";

core::Json ErrorObject(int status, std::string_view code,
                       std::string_view message, std::string_view field) {
  core::Json error = core::Json::MakeObject();
  error.Set("status", status);
  error.Set("code", std::string(code));
  error.Set("message", std::string(message));
  if (!field.empty()) error.Set("field", std::string(field));
  return error;
}

Response ErrorFromObject(int status, core::Json error) {
  core::Json body = core::Json::MakeObject();
  body.Set("error", std::move(error));
  Response response = Response::Json(status, body);
  response.SetHeader("Cache-Control", "no-store");
  return response;
}

}  // namespace

Response::Response() = default;

Response::Response(int status) : status_(status) {}

Response Response::Json(int status, const core::Json& body) {
  Response response(status);
  response.SetHeader("Content-Type", std::string(kJsonType));
  response.body_ = core::WriteJson(body);
  return response;
}

Response Response::Error(int status, std::string_view code,
                         std::string_view message, std::string_view field) {
  Response response =
      ErrorFromObject(status, ErrorObject(status, code, message, field));
  response.error_code_ = std::string(code);
  return response;
}

Response Response::ErrorWithProblems(int status, std::string_view code,
                                     std::string_view message,
                                     const std::vector<core::Problem>& problems,
                                     std::string_view field) {
  if (field.empty() && !problems.empty()) field = problems.front().path;
  core::Json error = ErrorObject(status, code, message, field);
  core::Json list = core::Json::MakeArray();
  for (const core::Problem& problem : problems) {
    list.Push(core::ProblemJson(problem));
  }
  error.Set("problems", std::move(list));
  Response response = ErrorFromObject(status, std::move(error));
  response.error_code_ = std::string(code);
  return response;
}

Response Response::FromStatus(const core::Status& status) {
  switch (status.code()) {
    case core::Code::kInvalidArgument:
      return Error(400, "invalid_argument", status.message());
    case core::Code::kParseError:
      return Error(400, "parse_error", status.message());
    case core::Code::kNotFound:
      return Error(404, "not_found", status.message());
    case core::Code::kFailedPrecondition:
      return Error(409, "failed_precondition", status.message());
    case core::Code::kOutOfRange:
      return Error(422, "out_of_range", status.message());
    case core::Code::kPermissionDenied:
      return Error(403, "forbidden", status.message());
    case core::Code::kAlreadyExists:
      return Error(409, "already_exists", status.message());
    case core::Code::kUnprocessable:
      return Error(422, "unprocessable", status.message());
    case core::Code::kOk:
    case core::Code::kIoError:
    case core::Code::kInternal:
      break;
  }
  // The client learns nothing of the cause; the operator does.
  core::Log(core::LogLevel::kError, "internal_error", status.message(),
            {{"code", status.code() == core::Code::kIoError ? "io_error" : "internal"}});
  return Error(500, "internal", "internal error");
}

Response Response::Bytes(int status, std::string body,
                         std::string_view content_type) {
  Response response(status);
  response.SetHeader("Content-Type", std::string(content_type));
  response.body_ = std::move(body);
  return response;
}

Response Response::Text(int status, std::string text) {
  return Bytes(status, std::move(text), "text/plain; charset=utf-8");
}

const std::string* Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers_) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

void Response::SetHeader(std::string_view name, std::string value) {
  RemoveHeader(name);
  headers_.emplace_back(std::string(name), std::move(value));
}

void Response::AddHeader(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
}

void Response::RemoveHeader(std::string_view name) {
  headers_.erase(std::remove_if(headers_.begin(), headers_.end(),
                                [&](const auto& field) {
                                  return EqualsIgnoreCase(field.first, name);
                                }),
                 headers_.end());
}

void Response::SetLogField(std::string key, std::string value) {
  for (auto& field : log_fields_) {
    if (field.first == key) {
      field.second = std::move(value);
      return;
    }
  }
  log_fields_.emplace_back(std::move(key), std::move(value));
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace beian::api
