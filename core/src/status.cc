#include "beian/core/status.h"

#include <cstdio>
#include <cstdlib>

namespace beian::core {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kNotFound:
      return "not found";
    case Code::kParseError:
      return "parse error";
    case Code::kFailedPrecondition:
      return "failed precondition";
    case Code::kOutOfRange:
      return "out of range";
    case Code::kPermissionDenied:
      return "permission denied";
    case Code::kAlreadyExists:
      return "already exists";
    case Code::kUnprocessable:
      return "unprocessable";
    case Code::kIoError:
      return "io error";
    case Code::kInternal:
      return "internal";
  }
  return "unknown";
}

Status::Status() : code_(Code::kOk) {}

Status::Status(Code code, std::string message)
    : code_(code), message_(std::move(message)) {
  if (code_ == Code::kOk) message_.clear();
}

Status Status::Ok() { return Status(); }

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

bool operator!=(const Status& a, const Status& b) { return !(a == b); }

Status InvalidArgument(std::string msg) {
  return Status(Code::kInvalidArgument, std::move(msg));
}
Status NotFound(std::string msg) {
  return Status(Code::kNotFound, std::move(msg));
}
Status ParseError(std::string msg) {
  return Status(Code::kParseError, std::move(msg));
}
Status FailedPrecondition(std::string msg) {
  return Status(Code::kFailedPrecondition, std::move(msg));
}
Status OutOfRange(std::string msg) {
  return Status(Code::kOutOfRange, std::move(msg));
}
Status PermissionDenied(std::string msg) {
  return Status(Code::kPermissionDenied, std::move(msg));
}
Status AlreadyExists(std::string msg) {
  return Status(Code::kAlreadyExists, std::move(msg));
}

Status Unprocessable(std::string msg) {
  return Status(Code::kUnprocessable, std::move(msg));
}
Status IoError(std::string msg) {
  return Status(Code::kIoError, std::move(msg));
}
Status Internal(std::string msg) {
  return Status(Code::kInternal, std::move(msg));
}

namespace internal {

void DieOnBadResultAccess(const Status& status) {
  std::fprintf(stderr, "beian::core::Result accessed without a value: %s\n",
               status.ToString().c_str());
  std::abort();
}

Status OkStatusGivenToResult() {
  return Internal("Result constructed from an ok Status without a value");
}

}  // namespace internal
}  // namespace beian::core
