// Beijing's districts as the forms, the 文书编号 and the credit codes name
// them.
#ifndef BEIAN_CORE_DISTRICTS_H_
#define BEIAN_CORE_DISTRICTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "beian/core/status.h"

namespace beian::core {

// One district of Beijing, or 北京经济技术开发区 (which files with the
// bureaus as a district of its own).
struct District {
  // As printed on forms: "朝阳区".
  std::string_view name;
  // The one character of a 文书编号: "朝" (京朝备〔2026〕000123号).
  std::string_view number_code;
  // The GB/T 2260 administrative division: "110105". Empty for
  // 北京经济技术开发区, which is not a division of GB/T 2260.
  std::string_view division_code;
};

// The 16 districts and 北京经济技术开发区, in the order the forms list them.
const std::vector<District>& BeijingDistricts();

// The district named exactly `name` ("朝阳区"; not "朝阳", not a former name
// such as 崇文区); nullptr otherwise.
const District* FindDistrict(std::string_view name);

// True iff FindDistrict(name) finds one.
bool IsBeijingDistrict(std::string_view name);

// The number code of the district named `name` ("朝阳区" → "朝");
// kInvalidArgument naming `name` for anything else.
Result<std::string> DistrictNumberCode(std::string_view name);

// True iff `code` is the number code of a district ("朝").
bool IsDistrictNumberCode(std::string_view code);

// The name of the district a unified social credit code was registered in:
// characters 3–8 are its GB/T 2260 division (91110105… → 110105 → 朝阳区).
// "" unless `credit_code` has 18 bytes and that division is one of
// BeijingDistricts().
std::string_view DistrictOfCreditCode(std::string_view credit_code);

}  // namespace beian::core

#endif  // BEIAN_CORE_DISTRICTS_H_
