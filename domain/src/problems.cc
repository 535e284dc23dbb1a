#include "problems.h"

#include <iterator>
#include <utility>

namespace beian::domain::internal {

core::Problem Error(std::string path, std::string code, std::string message,
                    std::string message_en) {
  return core::Problem{std::move(path), std::move(code), std::move(message),
                       std::move(message_en), core::Severity::kError};
}

core::Problem Warning(std::string path, std::string code, std::string message,
                      std::string message_en) {
  return core::Problem{std::move(path), std::move(code), std::move(message),
                       std::move(message_en), core::Severity::kWarning};
}

void Append(std::vector<core::Problem>* out, std::vector<core::Problem> more) {
  out->insert(out->end(), std::make_move_iterator(more.begin()),
              std::make_move_iterator(more.end()));
}

std::string Quote(const std::string& text) { return "“" + text + "”"; }

}  // namespace beian::domain::internal
