#include "beian/core/kinds.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace beian::core {
namespace {

TEST(KindsTest, TenKindsWithTheirOwnNumberCodes) {
  const std::vector<DocumentKind>& kinds = DocumentKinds();
  ASSERT_EQ(kinds.size(), 10u);
  std::set<std::string_view> names, codes;
  for (const DocumentKind& k : kinds) {
    names.insert(k.name);
    codes.insert(k.number_code);
    EXPECT_NE(k.number_code, kOtherKindNumberCode) << k.name;
  }
  EXPECT_EQ(names.size(), 10u);
  EXPECT_EQ(codes.size(), 10u);
}

TEST(KindsTest, NumberCodes) {
  EXPECT_EQ(KindNumberCode("contract-filing"), "备");
  EXPECT_EQ(KindNumberCode("preliminary-contract-filing"), "前备");
  EXPECT_EQ(KindNumberCode("out-of-town-contract-filing"), "外备");
  EXPECT_EQ(KindNumberCode("acceptance-receipt"), "受");
  EXPECT_EQ(KindNumberCode("some-future-kind"), kOtherKindNumberCode);
  EXPECT_EQ(KindNumberCode(""), "文");
  EXPECT_TRUE(IsKindNumberCode("前备"));
  EXPECT_TRUE(IsKindNumberCode("文"));
  EXPECT_FALSE(IsKindNumberCode("前"));
  EXPECT_FALSE(IsKindNumberCode(""));
}

TEST(KindsTest, FoundByTheirExactName) {
  ASSERT_NE(FindDocumentKind("commitment-letter"), nullptr);
  EXPECT_EQ(FindDocumentKind("commitment-letter")->number_code, "诺");
  EXPECT_EQ(FindDocumentKind("Contract-Filing"), nullptr);
  EXPECT_EQ(FindDocumentKind(""), nullptr);
}

}  // namespace
}  // namespace beian::core
