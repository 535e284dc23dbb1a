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

Json ProblemJson(const Problem& problem) {
  Json item = Json::MakeObject();
  item.Set("path", problem.path);
  item.Set("code", problem.code);
  item.Set("message", problem.message);
  item.Set("message_en", problem.message_en);
  item.Set("severity", std::string(problem.severity == Severity::kError ? "error" : "warning"));
  return item;
}

}  // namespace beian::core
