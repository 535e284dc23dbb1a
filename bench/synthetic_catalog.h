// Deterministic synthetic catalog data shared by the search benchmarks: Beijing districts,
// document kinds, enterprise names with valid credit codes, project names. Nothing here is
// timed; the benchmarks only need the same names to compare like with like.
#ifndef BEIAN_BENCH_SYNTHETIC_CATALOG_H_
#define BEIAN_BENCH_SYNTHETIC_CATALOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "beian/core/districts.h"
#include "beian/core/id_numbers.h"
#include "beian/core/utf8.h"

namespace beian::bench {

struct Rng {
  uint64_t state;
  uint64_t Next() {  // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }
  uint32_t Below(size_t n) { return Below(static_cast<uint32_t>(n)); }
};

inline std::vector<std::string> Chars(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t begin = pos;
    beian::core::DecodeUtf8(s, pos);
    out.emplace_back(s.substr(begin, pos - begin));
  }
  return out;
}

// Beijing's districts, core's table.
using District = beian::core::District;
inline const std::vector<District>& kDistricts = beian::core::BeijingDistricts();

// The division in a synthetic credit code: 北京经济技术开发区 has none of its
// own in GB/T 2260, so its enterprises get 大兴区's, where most of it lies.
inline std::string_view CreditCodeDivision(const District& d) {
  return d.division_code.empty() ? std::string_view("110115") : d.division_code;
}

// Document kinds and statuses with weights (per mille).
inline const std::pair<const char*, int> kKinds[9] = {
    {"contract-filing", 380},
    {"preliminary-contract-filing", 150},
    {"qualification-verification", 120},
    {"acceptance-receipt", 150},
    {"commitment-letter", 60},
    {"authorization-letter", 60},
    {"out-of-town-contract-filing", 30},
    {"promotion-notice", 30},
    {"site-verification", 20},
};

template <size_t N>
int Weighted(const std::pair<const char*, int> (&table)[N], Rng& rng) {
  int total = 0;
  for (const auto& entry : table) total += entry.second;
  int pick = static_cast<int>(rng.Below(static_cast<uint32_t>(total)));
  for (size_t i = 0; i < N; ++i) {
    if (pick < table[i].second) return static_cast<int>(i);
    pick -= table[i].second;
  }
  return static_cast<int>(N - 1);
}

inline const char* kBrandFirst =
    "瑞华信安泰恒达鑫盛祥金银宏远嘉和兴隆福德宝丰源通博君天长城东方中海新世纪创"
    "誉鸿万龙凯";
inline const char* kBrandSecond =
    "祥信达泰盛辉诚运悦成荣康居宁合邦宇晟晖星阳光明业峰林森润泽汇佳美景瀚轩怡恩"
    "益卓越";
inline const char* kCities[] = {"上海", "天津", "深圳", "广州",
                         "杭州", "南京", "成都", "武汉"};
inline const char* kServices[] = {"物业管理",     "物业服务",       "物业",
                           "物业管理服务", "房地产物业管理", "置业物业"};
inline const char* kSuffixes[] = {"有限公司", "有限责任公司", "股份有限公司",
                           "集团有限公司"};
inline const char* kPlaces[] = {
    "望京",   "双井",   "劲松",   "团结湖", "亚运村", "安贞",   "和平里",
    "酒仙桥", "中关村", "上地",   "清河",   "西三旗", "回龙观", "天通苑",
    "马家堡", "方庄",   "草桥",   "卢沟桥", "长辛店", "鲁谷",   "苹果园",
    "金融街", "德胜门", "什刹海", "东直门", "建国门", "朝阳门", "广渠门",
    "永定门", "万柳",   "五道口", "北苑",   "来广营", "十里河", "潘家园",
    "垡头",   "管庄",   "定福庄", "黄村",   "旧宫",   "亦庄",   "梨园",
    "果园",   "九棵树", "后沙峪", "石门",   "良乡",   "长阳",   "沙河",
    "龙泽",   "霍营",   "南苑",   "花乡",   "玉泉",   "八角",   "古城",
    "田村",   "四季青", "温泉",   "苏家坨", "永丰",   "马连洼", "西北旺",
    "双桥",   "常营",   "青年路", "国贸",   "大望路", "三里屯", "工体",
    "东坝",   "孙河",   "崔各庄",
};
inline const char* kEstates[] = {"家园", "花园",   "小区",   "嘉园", "公寓",
                          "大厦", "广场",   "新城",   "北里", "南里",
                          "东里", "西里",   "名苑",   "雅苑", "国际",
                          "中心", "科技园", "商务楼", "尚城", "华府"};
inline const char* kPhases[] = {"",     "",     "",     "一期", "二期",
                         "三期", "东区", "西区", "南区", "北区"};
// A unified social credit code (GB 32100) with a correct check character.
inline std::string CreditCode(Rng& rng, const District& d) {
  std::string code = "91";  // registered by 工商, an enterprise
  code += CreditCodeDivision(d);
  for (int i = 0; i < 9; ++i)
    code += beian::core::kCreditCodeAlphabet[rng.Below(i == 8 ? 10u : 31u)];
  code += *beian::core::CreditCodeCheckChar(code);
  return code;
}

struct Enterprise {
  std::string name;
  std::string credit_code;
};
struct Project {
  std::string name;
  int district;
};
struct Catalog {
  std::vector<Enterprise> enterprises;
  std::vector<Project> projects;
};

inline constexpr uint32_t kEnterprises = 6000;
inline constexpr uint32_t kProjects = 40000;

inline Catalog MakeCatalog(Rng& rng) {
  Catalog c;
  std::vector<std::string> first = Chars(kBrandFirst),
                           second = Chars(kBrandSecond);
  for (uint32_t i = 0; i < kEnterprises; ++i) {
    const District& d = kDistricts[rng.Below(17u)];
    std::string name;
    bool branch = rng.Below(20u) == 0;  // 外埠在京企业: a branch office
    if (branch) {
      name = kCities[rng.Below(8u)];
    } else {
      switch (rng.Below(4u)) {
        case 0:
          name = "北京市";
          break;
        case 1:
          name = "北京" + std::string(d.name);
          break;
        default:
          name = "北京";
          break;
      }
    }
    name += first[rng.Below(first.size())];
    name += second[rng.Below(second.size())];
    if (rng.Below(5u) == 0) name += second[rng.Below(second.size())];
    name += kServices[rng.Below(6u)];
    name += kSuffixes[rng.Below(4u)];
    if (branch) name += "北京分公司";
    c.enterprises.push_back({name, CreditCode(rng, d)});
  }
  const size_t places = sizeof(kPlaces) / sizeof(kPlaces[0]);
  for (uint32_t i = 0; i < kProjects; ++i) {
    int district = static_cast<int>(rng.Below(17u));
    std::string name(kDistricts[district].name);
    name += kPlaces[rng.Below(places)];
    name += kEstates[rng.Below(20u)];
    uint32_t phase = rng.Below(12u);
    if (phase < 10) {
      name += kPhases[phase];
    } else {
      name += std::to_string(1 + rng.Below(30u)) + "号院";
    }
    c.projects.push_back({name, district});
  }
  return c;
}

}  // namespace beian::bench

#endif  // BEIAN_BENCH_SYNTHETIC_CATALOG_H_
