#ifndef BEIAN_CORE_PROBLEM_H_
#define BEIAN_CORE_PROBLEM_H_

#include <cstddef>
#include <string>
#include <vector>

#include "beian/core/json.h"

namespace beian::core {

// At most this many problems are listed for one request; the rest are counted
// in one last problem (MoreProblems), so no input makes an answer huge.
inline constexpr size_t kMaxListedProblems = 200;

// Whether a problem blocks the operation (kError) or is only advisory
// (kWarning).
enum class Severity { kError, kWarning };

// One validation finding about input data.
struct Problem {
  // JSON Pointer (RFC 6901) of the offending value; "" is the document root.
  std::string path;
  // Stable machine-readable code, e.g. "schema.required".
  std::string code;
  // Chinese message for clerks.
  std::string message;
  // English message for logs and developers.
  std::string message_en;
  // Blocking or advisory.
  Severity severity = Severity::kError;
  // For "problems.more": how many problems it stands for; 0 for any other.
  size_t count = 0;
};

// The problem standing for `count` problems not listed after the first
// `listed`: code "problems.more" at the root, "还有 N 个问题……" / "N more
// problems ...", carrying `count`; an error iff `any_error`.
Problem MoreProblems(size_t count, size_t listed, bool any_error);

// Keeps the first `limit` problems and puts one MoreProblems in place of the
// rest and of `unlisted_errors` errors found but never listed. Unchanged when
// there is nothing beyond the limit.
void ListAtMost(std::vector<Problem>& problems, size_t limit,
                size_t unlisted_errors = 0);

// One line "<path, or / for the root> [code] message_en (message)".
std::string FormatProblem(const Problem& problem);

// How many problems `problems` stands for: one each, and a problems.more its
// count.
size_t ProblemTotal(const std::vector<Problem>& problems);

// True iff at least one problem has severity kError.
bool HasError(const std::vector<Problem>& problems);

// {"path", "code", "message", "message_en", "severity": "error"|"warning"},
// and "count" for problems.more: how a problem is shown to API and
// command-line clients.
Json ProblemJson(const Problem& problem);

}  // namespace beian::core

#endif  // BEIAN_CORE_PROBLEM_H_
