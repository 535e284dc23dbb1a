#include "beian/core/problem.h"

namespace beian::core {

std::string FormatProblem(const Problem& problem) {
  std::string out = problem.path.empty() ? std::string("/") : problem.path;
  out += " [";
  out += problem.code;
  out += "] ";
  out += problem.message_en;
  out += " (";
  out += problem.message;
  out += ")";
  return out;
}

bool HasError(const std::vector<Problem>& problems) {
  for (const Problem& problem : problems) {
    if (problem.severity == Severity::kError) return true;
  }
  return false;
}

}  // namespace beian::core
