#ifndef BEIAN_CORE_STATUS_H_
#define BEIAN_CORE_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace beian::core {

// Category of an error; kOk means success.
enum class Code {
  kOk,
  kInvalidArgument,
  kNotFound,
  kParseError,
  kFailedPrecondition,
  kOutOfRange,
  // The caller's identity may not do this (authenticated, but not entitled).
  kPermissionDenied,
  // What the call would create exists already (a unique key is taken).
  kAlreadyExists,
  // The input could not be handled within its bounds: its parser ran out of
  // time or memory on it, or crashed.
  kUnprocessable,
  kIoError,
  kInternal,
};

// Lowercase English name of a code: "ok", "invalid argument", ..., "io error",
// "internal".
std::string_view CodeName(Code code);

// Outcome of an operation: ok, or an error code with a human-readable message.
class Status {
 public:
  // An ok status.
  Status();
  // A status with the given code and message (kOk makes an ok status).
  Status(Code code, std::string message);

  // An ok status.
  static Status Ok();

  // True iff the code is kOk.
  bool ok() const { return code_ == Code::kOk; }
  // The code; kOk when ok.
  Code code() const { return code_; }
  // The message; empty when ok.
  const std::string& message() const { return message_; }
  // "ok" when ok, else "<code name>: <message>", e.g. "invalid argument: bad
  // date".
  std::string ToString() const;

 private:
  Code code_;
  std::string message_;
};

// Equal when both code and message are equal.
bool operator==(const Status& a, const Status& b);
// Negation of operator==.
bool operator!=(const Status& a, const Status& b);

// A kInvalidArgument status.
Status InvalidArgument(std::string msg);
// A kNotFound status.
Status NotFound(std::string msg);
// A kParseError status.
Status ParseError(std::string msg);
// A kFailedPrecondition status.
Status FailedPrecondition(std::string msg);
// A kOutOfRange status.
Status OutOfRange(std::string msg);
// A kPermissionDenied status.
Status PermissionDenied(std::string msg);
// A kAlreadyExists status.
Status AlreadyExists(std::string msg);
// A kUnprocessable status.
Status Unprocessable(std::string msg);
// A kIoError status.
Status IoError(std::string msg);
// A kInternal status.
Status Internal(std::string msg);

namespace internal {
// Prints the status to stderr and aborts; used when a Result without a value is
// dereferenced.
[[noreturn]] void DieOnBadResultAccess(const Status& status);
// Replacement for an ok status wrongly given to Result's error constructor.
Status OkStatusGivenToResult();
}  // namespace internal

// Holds either a value of type T or a non-ok Status.
template <typename T>
class Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Status>,
                "Result<Status> is not allowed");

 public:
  // A result holding `value`.
  Result(T value)
      : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // A result holding a value constructed from `value` (e.g. std::string from a
  // literal).
  template <typename U,
            std::enable_if_t<!std::is_same_v<std::decay_t<U>, T> &&
                                 !std::is_same_v<std::decay_t<U>, Status> &&
                                 !std::is_same_v<std::decay_t<U>, Result> &&
                                 std::is_constructible_v<T, U&&>,
                             int> = 0>
  Result(U&& value)  // NOLINT(google-explicit-constructor)
      : value_(std::in_place, std::forward<U>(value)) {}
  // A result holding an error; `status` must be non-ok (an ok status becomes
  // kInternal).
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : status_(std::move(status)) {
    if (status_.ok()) status_ = internal::OkStatusGivenToResult();
  }

  // True iff a value is held.
  bool ok() const { return value_.has_value(); }
  // The error, or an ok status when a value is held.
  const Status& status() const { return status_; }

  // The held value; aborts the process if there is none.
  T& value() & {
    Check();
    return *value_;
  }
  // The held value; aborts the process if there is none.
  const T& value() const& {
    Check();
    return *value_;
  }
  // The held value, moved out; aborts the process if there is none.
  T&& value() && {
    Check();
    return std::move(*value_);
  }

  // Member access to the held value; aborts the process if there is none.
  T* operator->() { return &value(); }
  // Member access to the held value; aborts the process if there is none.
  const T* operator->() const { return &value(); }
  // The held value; aborts the process if there is none.
  T& operator*() & { return value(); }
  // The held value; aborts the process if there is none.
  const T& operator*() const& { return value(); }
  // The held value, moved out; aborts the process if there is none.
  T&& operator*() && { return std::move(*this).value(); }

 private:
  void Check() const {
    if (!value_.has_value()) internal::DieOnBadResultAccess(status_);
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace beian::core

// Internal helpers of the macros below.
#define BEIAN_CORE_CONCAT_INNER_(a, b) a##b
#define BEIAN_CORE_CONCAT_(a, b) BEIAN_CORE_CONCAT_INNER_(a, b)

// Evaluates `expr` (a Status) and returns it from the enclosing function if it
// is not ok.
#define BEIAN_RETURN_IF_ERROR(expr)                                      \
  do {                                                                   \
    ::beian::core::Status beian_core_status_macro_ = (expr);             \
    if (!beian_core_status_macro_.ok()) return beian_core_status_macro_; \
  } while (false)

// Evaluates `rexpr` (a Result<T>); returns its status if not ok, else assigns
// the value to `lhs`, which may be a declaration such as `auto x`; `lhs` must
// not contain a top-level comma.
#define BEIAN_ASSIGN_OR_RETURN(lhs, rexpr) \
  BEIAN_CORE_ASSIGN_OR_RETURN_IMPL_(       \
      BEIAN_CORE_CONCAT_(beian_core_result_, __LINE__), lhs, rexpr)

#define BEIAN_CORE_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                      \
  if (!result.ok()) return result.status();                   \
  lhs = std::move(result).value()

#endif  // BEIAN_CORE_STATUS_H_
