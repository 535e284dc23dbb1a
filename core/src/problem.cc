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

size_t ProblemTotal(const std::vector<Problem>& problems) {
  size_t total = 0;
  for (const Problem& problem : problems)
    total += problem.count > 0 ? problem.count : 1;
  return total;
}

bool HasError(const std::vector<Problem>& problems) {
  for (const Problem& problem : problems) {
    if (problem.severity == Severity::kError) return true;
  }
  return false;
}

Problem MoreProblems(size_t count, size_t listed, bool any_error) {
  const std::string n = std::to_string(count);
  const std::string shown = std::to_string(listed);
  Problem more;
  more.code = "problems.more";
  more.message = "还有 " + n + " 个问题未列出（只列出前 " + shown + " 个）";
  more.message_en = n + (count == 1 ? " more problem" : " more problems") +
                    " not listed (only the first " + shown + " are)";
  more.severity = any_error ? Severity::kError : Severity::kWarning;
  more.count = count;
  return more;
}

void ListAtMost(std::vector<Problem>& problems, size_t limit,
                size_t unlisted_errors) {
  if (problems.size() <= limit && unlisted_errors == 0) return;
  size_t more = unlisted_errors;
  bool any_error = unlisted_errors > 0;
  for (size_t i = limit; i < problems.size(); ++i) {
    ++more;
    any_error = any_error || problems[i].severity == Severity::kError;
  }
  if (problems.size() > limit) problems.resize(limit);
  problems.push_back(MoreProblems(more, problems.size(), any_error));
}

Json ProblemJson(const Problem& problem) {
  Json item = Json::MakeObject();
  item.Set("path", problem.path);
  item.Set("code", problem.code);
  item.Set("message", problem.message);
  item.Set("message_en", problem.message_en);
  item.Set("severity", std::string(problem.severity == Severity::kError ? "error" : "warning"));
  if (problem.count > 0) item.Set("count", problem.count);
  return item;
}

}  // namespace beian::core
