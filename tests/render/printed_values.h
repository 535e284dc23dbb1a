// What "every value of the data is on the page" means for the PDF and OFD tests: every string of
// the data, whitespace dropped, found in the page text as printed — a date YYYY-MM-DD also as
// 年月日, an ID number on a public notice masked (110105********3253).
#ifndef BEIAN_TESTS_RENDER_PRINTED_VALUES_H_
#define BEIAN_TESTS_RENDER_PRINTED_VALUES_H_

#include <string>
#include <vector>

#include "beian/core/json.h"

namespace beian::testing {

inline std::string Squeezed(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f') out.push_back(c);
  }
  return out;
}

inline void StringsOf(const core::Json& v, std::vector<std::string>& out) {
  if (v.is_string()) {
    out.push_back(v.as_string());
  } else if (v.is_array()) {
    for (const core::Json& e : v.as_array()) StringsOf(e, out);
  } else if (v.is_object()) {
    for (const auto& [key, e] : v.as_object()) StringsOf(e, out);
  }
}

// `text` is Squeezed already.
inline bool Printed(const std::string& text, const std::string& value) {
  const std::string v = Squeezed(value);
  if (v.empty() || text.find(v) != std::string::npos) return true;
  if (v.size() == 18 && text.find(v.substr(0, 6) + "********" + v.substr(14)) != std::string::npos) return true;
  if (v.size() == 10 && v[4] == '-' && v[7] == '-') {
    const std::string y = v.substr(0, 4), m = std::to_string(std::stoi(v.substr(5, 2))),
                      d = std::to_string(std::stoi(v.substr(8, 2)));
    for (const std::string& form : {y + "年" + m + "月" + d + "日", y + "年" + v.substr(5, 2) + "月" + v.substr(8, 2) + "日"}) {
      if (text.find(form) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace beian::testing

#endif  // BEIAN_TESTS_RENDER_PRINTED_VALUES_H_
