#include "beian/core/districts.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace beian::core {
namespace {

TEST(DistrictsTest, SixteenDistrictsAndTheDevelopmentArea) {
  const std::vector<District>& districts = BeijingDistricts();
  ASSERT_EQ(districts.size(), 17u);
  EXPECT_EQ(districts.front().name, "东城区");
  EXPECT_EQ(districts.back().name, "北京经济技术开发区");
  std::set<std::string_view> names, codes, divisions;
  for (const District& d : districts) {
    names.insert(d.name);
    codes.insert(d.number_code);
    if (!d.division_code.empty()) divisions.insert(d.division_code);
  }
  EXPECT_EQ(names.size(), 17u);
  EXPECT_EQ(codes.size(), 17u) << "two districts share a number code";
  EXPECT_EQ(divisions.size(), 16u) << "two districts share a division";
}

TEST(DistrictsTest, FindsOnlyTheNamesAsPrinted) {
  ASSERT_NE(FindDistrict("朝阳区"), nullptr);
  EXPECT_EQ(FindDistrict("朝阳区")->division_code, "110105");
  EXPECT_TRUE(IsBeijingDistrict("北京经济技术开发区"));
  for (const char* other : {"朝阳", "北京市朝阳区", "崇文区", "密云县",
                            "浦东新区", "", "朝阳区 "}) {
    EXPECT_FALSE(IsBeijingDistrict(other)) << other;
  }
}

TEST(DistrictsTest, NumberCodes) {
  EXPECT_EQ(*DistrictNumberCode("朝阳区"), "朝");
  EXPECT_EQ(*DistrictNumberCode("大兴区"), "兴");
  EXPECT_EQ(*DistrictNumberCode("东城区"), "东");
  EXPECT_EQ(*DistrictNumberCode("北京经济技术开发区"), "开");
  Result<std::string> unknown = DistrictNumberCode("朝阳");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("朝阳"), std::string::npos);
  EXPECT_EQ(DistrictNumberCode("浦东新区").status().code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(IsDistrictNumberCode("朝"));
  EXPECT_TRUE(IsDistrictNumberCode("开"));
  EXPECT_FALSE(IsDistrictNumberCode("大"));
  EXPECT_FALSE(IsDistrictNumberCode(""));
}

TEST(DistrictsTest, DistrictOfCreditCodeReadsTheDivision) {
  EXPECT_EQ(DistrictOfCreditCode("91110105MA01ABCD1X"), "朝阳区");
  EXPECT_EQ(DistrictOfCreditCode("91110108551385082Q"), "海淀区");  // 小米
  EXPECT_EQ(DistrictOfCreditCode("91110119000000000X"), "延庆区");
  for (const District& d : BeijingDistricts()) {
    if (d.division_code.empty()) continue;
    EXPECT_EQ(DistrictOfCreditCode("91" + std::string(d.division_code) +
                                   "MA01ABCD1X"),
              d.name);
  }
  // 北京市 itself, another province, a former district, a short code.
  EXPECT_EQ(DistrictOfCreditCode("91110000802100433B"), "");
  EXPECT_EQ(DistrictOfCreditCode("9144030071526726XG"), "");
  EXPECT_EQ(DistrictOfCreditCode("91110103000000000X"), "");
  EXPECT_EQ(DistrictOfCreditCode("91110105"), "");
}

}  // namespace
}  // namespace beian::core
