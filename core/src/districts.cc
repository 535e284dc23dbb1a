#include "beian/core/districts.h"

namespace beian::core {

const std::vector<District>& BeijingDistricts() {
  static const std::vector<District> kDistricts = {
      {"东城区", "东", "110101"},
      {"西城区", "西", "110102"},
      {"朝阳区", "朝", "110105"},
      {"海淀区", "海", "110108"},
      {"丰台区", "丰", "110106"},
      {"石景山区", "石", "110107"},
      {"门头沟区", "门", "110109"},
      {"房山区", "房", "110111"},
      {"通州区", "通", "110112"},
      {"顺义区", "顺", "110113"},
      {"昌平区", "昌", "110114"},
      {"大兴区", "兴", "110115"},
      {"怀柔区", "怀", "110116"},
      {"平谷区", "平", "110117"},
      {"密云区", "密", "110118"},
      {"延庆区", "延", "110119"},
      {"北京经济技术开发区", "开", ""},
  };
  return kDistricts;
}

const District* FindDistrict(std::string_view name) {
  for (const District& d : BeijingDistricts()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

bool IsBeijingDistrict(std::string_view name) {
  return FindDistrict(name) != nullptr;
}

Result<std::string> DistrictNumberCode(std::string_view name) {
  if (const District* d = FindDistrict(name)) {
    return std::string(d->number_code);
  }
  return InvalidArgument(
      "unknown district \"" + std::string(name) +
      "\": expected one of Beijing's 16 districts (e.g. 朝阳区) or "
      "北京经济技术开发区");
}

bool IsDistrictNumberCode(std::string_view code) {
  for (const District& d : BeijingDistricts()) {
    if (d.number_code == code) return true;
  }
  return false;
}

std::string_view DistrictOfCreditCode(std::string_view credit_code) {
  if (credit_code.size() != 18) return {};
  const std::string_view division = credit_code.substr(2, 6);
  for (const District& d : BeijingDistricts()) {
    if (!d.division_code.empty() && d.division_code == division) return d.name;
  }
  return {};
}

}  // namespace beian::core
