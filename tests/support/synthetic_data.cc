#include "synthetic_data.h"

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "beian/core/civil_date.h"
#include "beian/core/id_numbers.h"

namespace beian::testing {
namespace {

// ---------------------------------------------------------------------------------------------
// Randomness: splitmix64, one independent stream per (seed, purpose, index).

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  Rng(uint64_t seed, uint64_t purpose, uint64_t index)
      : state_(Mix(Mix(seed ^ Mix(purpose)) ^ Mix(index + 0x632BE59BD9B4E019ull))) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    return Mix0(z);
  }
  // Uniform in [0, n) for n > 0 (rejection sampling, no modulo bias).
  uint64_t Below(uint64_t n) {
    const uint64_t limit = ~uint64_t{0} - (~uint64_t{0} % n);
    uint64_t x = Next();
    while (x >= limit) x = Next();
    return x % n;
  }
  // Uniform in [lo, hi].
  int Between(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // True with the given percentage.
  bool Percent(int p) { return static_cast<int>(Below(100)) < p; }
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Below(N)];
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Below(items.size())];
  }

 private:
  static uint64_t Mix0(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  static uint64_t Mix(uint64_t z) { return Mix0(z + 0x9E3779B97F4A7C15ull); }

  uint64_t state_;
};

enum Purpose : uint64_t { kEnterprise = 1, kStaff = 2, kProject = 3, kManager = 4, kDocument = 5 };

// ---------------------------------------------------------------------------------------------
// Dates.

using core::Date;

Date AddYears(const Date& date, int years) {
  Date out = date;
  out.year += years;
  out.day = std::min(out.day, Date::DaysInMonth(out.year, out.month));
  return out;
}

Date RandomDate(Rng& rng, int first_year, int last_year) {
  Date out;
  out.year = rng.Between(first_year, last_year);
  out.month = rng.Between(1, 12);
  out.day = rng.Between(1, Date::DaysInMonth(out.year, out.month));
  return out;
}

std::string Compact(const Date& date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", date.year, date.month, date.day);
  return buf;
}

std::string Digits(Rng& rng, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + rng.Below(10)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Word lists.

const char* const kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
    "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
    "石", "廖", "贾", "夏", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",
    "闫", "段", "雷", "侯", "龙", "史", "陶", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱",
    "严", "武", "戴", "孔", "汤", "欧阳", "司马", "上官"};

// Given-name characters; 喆, 堃, 玥 and 昇 are outside GB 2312 (not in gbsn00lp).
const char* const kMaleGiven[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
    "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "峰", "建",
    "国", "志", "海", "东", "文", "博", "晨", "阳", "昊", "睿", "振", "学", "永", "德", "立",
    "成", "兴", "庆", "喆", "堃", "昇", "子", "嘉", "铭", "泽", "轩", "卫", "春", "长", "忠"};
const char* const kFemaleGiven[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀", "玲", "燕", "红", "婷", "雪", "琳",
    "晶", "颖", "慧", "倩", "洁", "欣", "佳", "悦", "琪", "思", "雨", "萌", "璐", "瑶", "怡",
    "婧", "玥", "晓", "梅", "兰", "凤", "丹", "萍", "莉", "文", "春", "桂", "淑", "美", "宁"};

// County-level codes used as ID-number address codes (birth places all over China).
const char* const kBirthPlaces[] = {
    "110101", "110102", "110105", "110106", "110108", "110111", "110112", "110114", "110228",
    "120101", "120104", "130102", "130104", "130602", "131002", "130929", "140105", "150102",
    "210102", "220102", "230103", "320102", "330106", "340103", "350102", "360102", "370102",
    "370202", "410105", "420102", "430102", "440106", "500103", "510104", "610103", "620102"};

struct District {
  const char* name;
  const char* code;   // administrative division code used in credit codes
  const char* short_name;
  std::vector<const char*> roads;
};

const std::vector<District>& Districts() {
  static const std::vector<District> kDistricts = {
      {"东城区", "110101", "东城", {"朝阳门北大街", "东直门南大街", "建国门内大街", "东四十条", "崇文门外大街", "和平里东街"}},
      {"西城区", "110102", "西城", {"金融大街", "月坛南街", "西直门南大街", "广安门外大街", "德胜门外大街", "宣武门西大街"}},
      {"朝阳区", "110105", "朝阳", {"望京西路", "朝阳北路", "东三环中路", "工体北路", "北苑路", "广顺北大街", "建国路", "姚家园路"}},
      {"海淀区", "110108", "海淀", {"学院路", "中关村大街", "西三环北路", "万泉河路", "上地信息路", "清河中街", "苏州街"}},
      {"丰台区", "110106", "丰台", {"丰台北路", "南三环西路", "马家堡东路", "富丰路", "角门路", "西安街"}},
      {"石景山区", "110107", "石景山", {"石景山路", "鲁谷路", "古城大街", "八角西街", "杨庄东街"}},
      {"门头沟区", "110109", "门头沟", {"新桥大街", "双峪路", "石龙路", "滨河路"}},
      {"房山区", "110111", "房山", {"拱辰大街", "长政南街", "西潞北大街", "苏庄大街"}},
      {"通州区", "110112", "通州", {"新华东街", "运河东大街", "玉桥中路", "通惠北路", "九棵树东路", "梨园北街"}},
      {"顺义区", "110113", "顺义", {"府前东街", "站前北街", "新顺南大街", "顺通路", "裕祥路"}},
      {"昌平区", "110114", "昌平", {"回龙观东大街", "政府街", "鼓楼南街", "天通苑北街", "定泗路", "超前路"}},
      {"大兴区", "110115", "大兴", {"兴华大街", "黄村西大街", "清源路", "林校路", "旧宫东路"}},
      {"怀柔区", "110116", "怀柔", {"青春路", "府前街", "迎宾中路", "开放路"}},
      {"平谷区", "110117", "平谷", {"府前街", "新平北路", "林荫北街", "平翔路"}},
      {"密云区", "110118", "密云", {"鼓楼东大街", "新中街", "宾阳北路", "滨河路"}},
      {"延庆区", "110119", "延庆", {"妫水北街", "高塔街", "东外大街", "湖南东路"}},
      {"北京经济技术开发区", "110302", "亦庄", {"科创十三街", "荣华中路", "地盛北街", "宏达北路", "永昌南路", "景园北街"}},
  };
  return kDistricts;
}

const char* const kBrandSyllables[] = {
    "瑞", "祥", "恒", "业", "华", "信", "泰", "安", "康", "嘉", "和", "兴", "达", "宏", "盛",
    "远", "丰", "佳", "润", "鼎", "城", "景", "通", "金", "隆", "汇", "源", "博", "创", "诚",
    "福", "宁", "顺", "德"};

const char* const kProjectPrefixes[] = {
    "万科", "华润", "远洋", "保利", "首开", "天恒", "中海", "北辰", "金隅", "住总", "城建",
    "首创", "中粮", "招商", "龙湖", "珠江", "富力", "世纪", "阳光", "和平", "长安", "建邦",
    "融泽", "嘉业", "泰禾", "观澜", "锦绣", "翠微", "馨园", "康城"};

const char* const kPhonePrefixes[] = {"130", "131", "132", "133", "135", "136", "137", "138",
                                      "139", "150", "151", "152", "153", "155", "156", "157",
                                      "158", "159", "177", "180", "181", "185", "186", "187",
                                      "188", "189"};

// ---------------------------------------------------------------------------------------------
// Checks.

// GB 11714 organization code check character for 8 digits or capital letters.
char OrganizationCodeCheck(std::string_view first8) {
  static const int kWeights[] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = first8[i];
    const int v = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
    sum += v * kWeights[i];
  }
  const int r = 11 - sum % 11;
  return r == 10 ? 'X' : r == 11 ? '0' : static_cast<char>('0' + r);
}

// ---------------------------------------------------------------------------------------------
// Builders.

std::string Phone(Rng& rng) { return std::string(rng.Pick(kPhonePrefixes)) + Digits(rng, 8); }

std::string PersonName(Rng& rng, bool male) {
  std::string name = rng.Pick(kSurnames);
  const int given = rng.Percent(72) ? 2 : 1;
  for (int i = 0; i < given; ++i) name += male ? rng.Pick(kMaleGiven) : rng.Pick(kFemaleGiven);
  return name;
}

std::string IdNumber(Rng& rng, bool male, int first_year, int last_year) {
  const Date birth = RandomDate(rng, first_year, last_year);
  // Order code 001-999: odd for men, even for women (never 000).
  const int order = male ? 2 * rng.Between(0, 499) + 1 : 2 * rng.Between(1, 499);
  char order_text[8];
  std::snprintf(order_text, sizeof order_text, "%03d", order);
  std::string id = std::string(rng.Pick(kBirthPlaces)) + Compact(birth) + order_text;
  id.push_back(*core::IdNumberCheckChar(id));
  return id;
}

struct RoleProfile {
  const char* role;
  std::vector<const char*> titles;
  std::vector<const char*> specialties;
};

const std::vector<const char*>& EngineeringSpecialties() {
  static const std::vector<const char*> k = {
      "工业与民用建筑", "暖通空调", "给水排水工程", "电气工程及其自动化", "建筑电气", "消防工程",
      "机械设计制造及其自动化", "土木工程", "智能建筑", "电梯工程", "建筑环境与设备工程"};
  return k;
}

const std::vector<const char*>& ManagementSpecialties() {
  static const std::vector<const char*> k = {"物业管理", "工商管理", "经济管理", "房地产经营管理",
                                             "人力资源管理", "公共事业管理"};
  return k;
}

const RoleProfile& Profile(const std::string& role) {
  static const std::vector<RoleProfile> kProfiles = {
      {"法定代表人", {"高级经济师", "高级工程师", "经济师"}, ManagementSpecialties()},
      {"企业负责人", {"高级经济师", "高级工程师", "工程师"}, ManagementSpecialties()},
      {"项目负责人", {"工程师", "经济师", "助理工程师", "助理经济师"}, ManagementSpecialties()},
      {"工程负责人", {"高级工程师", "工程师"}, EngineeringSpecialties()},
      {"财务负责人", {"高级会计师", "会计师"}, {"会计学", "财务管理"}},
      {"专职管理人员", {"经济师", "助理经济师", "会计师", "助理会计师"}, ManagementSpecialties()},
      {"技术人员", {"工程师", "助理工程师", "高级工程师"}, EngineeringSpecialties()},
  };
  for (const RoleProfile& p : kProfiles) {
    if (role == p.role) return p;
  }
  return kProfiles.back();
}

std::string RoleOf(int index, Rng& rng) {
  switch (index) {
    case 0: return "法定代表人";
    case 1: return "企业负责人";
    case 2: return "项目负责人";
    case 3: return "工程负责人";
    case 4: return "财务负责人";
    default: break;
  }
  const int r = rng.Between(0, 99);
  return r < 35 ? "项目负责人" : r < 70 ? "专职管理人员" : "技术人员";
}

// A person with the given role; `senior` persons are born earlier and more often men.
core::Json PersonFrom(Rng& rng, const std::string& role, bool senior) {
  const bool male = rng.Percent(senior ? 75 : 55);
  const RoleProfile& profile = Profile(role);
  core::Json p = core::Json::MakeObject();
  p.Set("name", PersonName(rng, male));
  p.Set("gender", male ? "男" : "女");
  p.Set("id_number", IdNumber(rng, male, senior ? 1962 : 1965, senior ? 1985 : 2001));
  p.Set("role", role);
  if (role == "专职管理人员" && rng.Percent(15)) {
    // Some managers hold no professional title: the template prints "—".
  } else {
    p.Set("title", rng.Pick(profile.titles));
  }
  p.Set("specialty", rng.Pick(profile.specialties));
  p.Set("certificate_no", "1101" + std::to_string(rng.Between(2005, 2023)) + Digits(rng, 6));
  return p;
}

// staff[index] for the seed: depends on nothing else.
core::Json MakePerson(uint64_t seed, int index) {
  Rng rng(seed, kStaff, static_cast<uint64_t>(index));
  const std::string role = RoleOf(index, rng);
  return PersonFrom(rng, role, index < 5);
}

std::string StreetAddress(Rng& rng, const District& d) {
  std::string out = d.name == std::string("北京经济技术开发区") ? "北京经济技术开发区"
                                                               : std::string("北京市") + d.name;
  out += rng.Pick(d.roads);
  out += std::to_string(rng.Between(1, 399)) + "号";
  return out;
}

// projects[index]; contracts start after the enterprise's year of establishment.
core::Json MakeProject(uint64_t seed, int index, int established_year,
                       const std::vector<const core::Json*>& managers,
                       const std::vector<const core::Json*>& staff) {
  Rng rng(seed, kProject, static_cast<uint64_t>(index));
  const District& d = rng.Pick(Districts());
  const int kind = rng.Between(0, 99);
  std::string name;
  core::Json types = core::Json::MakeArray();
  double min_area = 20000, max_area = 200000;
  const bool residential = kind < 50;
  if (residential) {
    static const char* const kSuffixes[] = {"家园", "花园", "小区", "嘉园", "雅苑", "名苑",
                                            "公寓", "新村", "佳园", "新城"};
    static const char* const kParts[] = {"", "", "", "一区", "二区", "三区", "东区", "西区", "南区", "北区"};
    name = std::string(rng.Pick(kProjectPrefixes)) + rng.Pick(kSuffixes) + rng.Pick(kParts);
    types.Push("住宅");
    if (rng.Percent(30)) types.Push("商业");
    min_area = 30000;
    max_area = 420000;
  } else if (kind < 70) {
    static const char* const kSuffixes[] = {"大厦", "国际中心", "商务中心", "广场", "中心", "写字楼"};
    name = std::string(rng.Pick(kProjectPrefixes)) + rng.Pick(kSuffixes);
    types.Push("办公楼");
    if (rng.Percent(50)) types.Push("商业");
  } else if (kind < 78) {
    static const char* const kSuffixes[] = {"购物中心", "商业广场", "生活广场"};
    name = std::string(rng.Pick(kProjectPrefixes)) + rng.Pick(kSuffixes);
    types.Push("商业");
  } else if (kind < 86) {
    static const char* const kSuffixes[] = {"产业园", "科技园", "工业园", "创新园"};
    name = std::string(d.short_name) + rng.Pick(kProjectPrefixes) + rng.Pick(kSuffixes);
    types.Push("工业厂房");
    if (rng.Percent(60)) types.Push("办公楼");
    max_area = 300000;
  } else if (kind < 91) {
    static const char* const kNames[] = {"中医医院", "妇幼保健院", "第二医院", "社区卫生服务中心", "医院门诊楼"};
    name = std::string(d.short_name) + "区" + rng.Pick(kNames);
    if (d.name == std::string("北京经济技术开发区")) name = std::string("亦庄") + rng.Pick(kNames);
    types.Push("医院");
    min_area = 8000;
    max_area = 90000;
  } else if (kind < 96) {
    static const char* const kNames[] = {"第一中学", "第二中学", "实验小学", "职业学校", "外国语学校"};
    name = std::string(d.short_name) + rng.Pick(kNames);
    types.Push("学校");
    min_area = 8000;
    max_area = 60000;
  } else {
    static const char* const kNames[] = {"体育馆", "文化中心", "立体停车楼", "会展中心"};
    name = std::string(d.short_name) + rng.Pick(kNames);
    types.Push("其他");
    if (rng.Percent(30)) types.Push("商业");
    min_area = 5000;
    max_area = 80000;
  }
  const int64_t cents = static_cast<int64_t>(min_area) * 100 +
                        static_cast<int64_t>(rng.Below(static_cast<uint64_t>((max_area - min_area) * 100)));
  const double area = static_cast<double>(cents) / 100.0;

  core::Json p = core::Json::MakeObject();
  p.Set("name", name);
  p.Set("address", StreetAddress(rng, d));
  p.Set("district", d.name);
  p.Set("property_types", std::move(types));
  p.Set("building_area_m2", area);
  p.Set("households", residential ? static_cast<int64_t>(area / rng.Between(85, 130)) : int64_t{0});
  const int c = rng.Between(0, 99);
  const char* contract = c < 60 ? "物业服务合同" : c < 90 ? "前期物业服务合同" : "事实服务";
  p.Set("contract_type", contract);
  // The manager: one of the staff's 项目负责人, else any staff member, else a person of its own.
  if (!managers.empty()) {
    p.Set("manager", *rng.Pick(managers));
  } else if (!staff.empty()) {
    p.Set("manager", *rng.Pick(staff));
  } else {
    Rng mrng(seed, kManager, static_cast<uint64_t>(index));
    p.Set("manager", PersonFrom(mrng, "项目负责人", false));
  }
  if (std::string(contract) != "事实服务") {
    const int first_year = established_year + 1 > 2010 ? established_year + 1 : 2010;
    Date from{rng.Between(first_year, 2024), rng.Between(1, 12), 1};
    const Date to = AddYears(from, rng.Between(1, 5)).AddDays(-1);
    core::Json term = core::Json::MakeObject();
    term.Set("from", from.Iso());
    term.Set("to", to.Iso());
    p.Set("term", std::move(term));
  }
  return p;
}

core::Json MakeEnterprise(uint64_t seed, const core::Json& legal_representative, int projects) {
  Rng rng(seed, kEnterprise, 0);
  const District& d = rng.Pick(Districts());
  std::string brand;
  const int syllables = rng.Percent(60) ? 2 : 4;
  while (static_cast<int>(brand.size()) < syllables * 3) {
    const char* s = rng.Pick(kBrandSyllables);
    if (brand.find(s) == std::string::npos) brand += s;
  }
  static const char* const kSuffixes[] = {"物业管理有限公司", "物业服务有限公司", "物业管理有限责任公司"};
  core::Json e = core::Json::MakeObject();
  e.Set("name", "北京" + brand + rng.Pick(kSuffixes));

  // 91 (registered with market regulation, enterprise) + division code + organization code.
  std::string org = Digits(rng, 8);
  if (org[0] == '0') org[0] = static_cast<char>('5' + rng.Below(3));
  org.push_back(OrganizationCodeCheck(org));
  std::string credit = std::string("91") + d.code + org;
  credit.push_back(*core::CreditCodeCheckChar(credit));
  e.Set("credit_code", credit);
  e.Set("district", d.name);
  e.Set("registered_address", StreetAddress(rng, d) + "院" + std::to_string(rng.Between(1, 12)) +
                                  "号楼" + std::to_string(rng.Between(2, 20)) + "层" +
                                  std::to_string(rng.Between(1, 20) * 100 + rng.Between(1, 30)));
  const District& office = rng.Percent(70) ? d : rng.Pick(Districts());
  e.Set("office_address", StreetAddress(rng, office) + std::to_string(rng.Between(2, 25)) + "层");
  static const int kCapital[] = {50, 100, 300, 500, 1000, 2000, 3000, 5000};
  e.Set("registered_capital_wan", rng.Pick(kCapital));
  const Date established = RandomDate(rng, 1995, 2018);
  e.Set("established_on", established.Iso());

  core::Json lr = core::Json::MakeObject();
  for (const char* key : {"name", "gender", "id_number"}) {
    if (const core::Json* v = legal_representative.Find(key)) lr.Set(key, *v);
  }
  lr.Set("phone", Phone(rng));
  e.Set("legal_representative", std::move(lr));

  static const char* const kLevels[] = {"一级", "二级", "三级", "三级（暂定）"};
  core::Json q = core::Json::MakeObject();
  q.Set("level", projects > 30 ? (rng.Percent(50) ? "一级" : "二级") : rng.Pick(kLevels));
  q.Set("certificate_no", "京物服字第" + Digits(rng, 4) + "号");
  // Drawn one by one: the order of draws is part of the data set.
  const int days_after = rng.Between(0, 300);
  const int years_after = rng.Between(1, 5);
  Date approved = AddYears(established, years_after).AddDays(days_after);
  const Date latest{2023, 12, 31};
  if (approved > latest) approved = latest.AddDays(-rng.Between(0, 300));
  q.Set("approved_on", approved.Iso());
  // When only the year is known the rule is: business-licence establishment date plus one day.
  q.Set("licensed_since", established.AddDays(1).Iso());
  e.Set("qualification", std::move(q));

  core::Json contact = core::Json::MakeObject();
  const bool male = rng.Percent(40);
  contact.Set("name", PersonName(rng, male));
  contact.Set("phone", Phone(rng));
  e.Set("contact", std::move(contact));
  e.Set("out_of_town", rng.Percent(10));
  return e;
}

}  // namespace

core::Json MakeQualificationData(int staff, int projects, uint64_t seed) {
  if (staff < 0) staff = 0;
  if (projects < 0) projects = 0;

  core::Json staff_list = core::Json::MakeArray();
  staff_list.as_array().reserve(static_cast<size_t>(staff));
  for (int i = 0; i < staff; ++i) staff_list.Push(MakePerson(seed, i));
  std::vector<const core::Json*> everyone, managers;
  for (const core::Json& p : staff_list.as_array()) {
    everyone.push_back(&p);
    const core::Json* role = p.Find("role");
    if (role != nullptr && role->as_string() == "项目负责人") managers.push_back(&p);
  }

  core::Json enterprise = MakeEnterprise(seed, MakePerson(seed, 0), projects);
  const int established_year = std::stoi(enterprise.Find("established_on")->as_string().substr(0, 4));

  core::Json project_list = core::Json::MakeArray();
  project_list.as_array().reserve(static_cast<size_t>(projects));
  for (int j = 0; j < projects; ++j) {
    project_list.Push(MakeProject(seed, j, established_year, managers, everyone));
  }

  core::Json data = core::Json::MakeObject();
  data.Set("enterprise", std::move(enterprise));
  data.Set("staff", std::move(staff_list));
  data.Set("projects", std::move(project_list));
  Rng rng(seed, kDocument, 0);
  data.Set("filled_on", RandomDate(rng, 2024, 2025).Iso());
  return data;
}

}  // namespace beian::testing
