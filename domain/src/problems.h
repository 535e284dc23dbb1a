#ifndef BEIAN_DOMAIN_SRC_PROBLEMS_H_
#define BEIAN_DOMAIN_SRC_PROBLEMS_H_

#include <string>
#include <vector>

#include "beian/core/problem.h"

namespace beian::domain::internal {

// A blocking problem.
core::Problem Error(std::string path, std::string code, std::string message,
                    std::string message_en);

// An advisory problem.
core::Problem Warning(std::string path, std::string code, std::string message,
                      std::string message_en);

// Appends `more` to `*out`.
void Append(std::vector<core::Problem>* out, std::vector<core::Problem> more);

// “text” with Chinese quotation marks, for messages.
std::string Quote(const std::string& text);

}  // namespace beian::domain::internal

#endif  // BEIAN_DOMAIN_SRC_PROBLEMS_H_
