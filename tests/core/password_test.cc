#include "beian/core/password.h"

#include <gtest/gtest.h>

#include <string>

namespace beian::core {
namespace {

// The cheapest cost HashPassword takes, so the tests stay fast; the format
// and the checks are the same at every cost.
constexpr ScryptCost kCheap{10, 8, 1};

TEST(PasswordTest, ChecksTheRightPasswordAndRefusesAnother) {
  Result<std::string> stored = HashPassword("朝阳区-住建委-2026", kCheap);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->rfind("$scrypt$ln=10,r=8,p=1$", 0), 0u) << *stored;
  EXPECT_TRUE(CheckPassword("朝阳区-住建委-2026", *stored).ok());
  EXPECT_EQ(CheckPassword("朝阳区-住建委-2027", *stored).code(), Code::kPermissionDenied);
  EXPECT_EQ(CheckPassword("", *stored).code(), Code::kPermissionDenied);
}

TEST(PasswordTest, SaltsEveryHash) {
  Result<std::string> a = HashPassword("correct horse 1", kCheap);
  Result<std::string> b = HashPassword("correct horse 1", kCheap);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(PasswordTest, TheDefaultCostIsMemoryHard) {
  Result<std::string> stored = HashPassword("correct horse 1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->rfind("$scrypt$ln=15,r=8,p=1$", 0), 0u) << *stored;
  EXPECT_TRUE(CheckPassword("correct horse 1", *stored).ok());
}

TEST(PasswordTest, RefusesMalformedOrAlteredHashes) {
  Result<std::string> stored = HashPassword("correct horse 1", kCheap);
  ASSERT_TRUE(stored.ok());
  std::string flipped = *stored;
  flipped[flipped.size() - 2] = flipped[flipped.size() - 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(CheckPassword("correct horse 1", flipped).code(), Code::kPermissionDenied);
  for (const char* bad : {"", "plain", "$scrypt$ln=15,r=8$c2FsdA$aGFzaA", "$argon2id$v=19$m=65536,t=3,p=4$a$b",
                          "$scrypt$ln=40,r=8,p=1$c2FsdHNhbHQ$aGFzaA", "$scrypt$ln=15,r=8,p=1$!!$!!"}) {
    EXPECT_EQ(CheckPassword("correct horse 1", bad).code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(HashPassword("x", ScryptCost{9, 8, 1}).status().code(), Code::kInvalidArgument);
}

TEST(PasswordTest, NamesWeakPasswords) {
  EXPECT_NE(PasswordWeakness("short1"), "");
  EXPECT_NE(PasswordWeakness("abcdefghijkl"), "");
  EXPECT_NE(PasswordWeakness("123456789012"), "");
  EXPECT_EQ(PasswordWeakness("wanghong-2026"), "");
  EXPECT_EQ(PasswordWeakness("朝阳区住建委王红的口令2026"), "");
}

}  // namespace
}  // namespace beian::core
