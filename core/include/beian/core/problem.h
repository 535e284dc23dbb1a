#ifndef BEIAN_CORE_PROBLEM_H_
#define BEIAN_CORE_PROBLEM_H_

#include <string>

#include "beian/core/json.h"
#include <vector>

namespace beian::core {

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
};

// One line "<path, or / for the root> [code] message_en (message)".
std::string FormatProblem(const Problem& problem);

// True iff at least one problem has severity kError.
bool HasError(const std::vector<Problem>& problems);

// {"path", "code", "message", "message_en", "severity": "error"|"warning"}:
// how a problem is shown to API and command-line clients.
Json ProblemJson(const Problem& problem);

}  // namespace beian::core

#endif  // BEIAN_CORE_PROBLEM_H_
