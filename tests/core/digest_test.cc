#include "beian/core/digest.h"

#include <gtest/gtest.h>

#include <string>

namespace beian::core {
namespace {

TEST(DigestTest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(DigestTest, Sha256RawMatchesHex) {
  const auto raw = Sha256("abc");
  EXPECT_EQ(raw[0], 0xba);
  EXPECT_EQ(raw[31], 0xad);
  EXPECT_EQ(HexEncode(std::string(raw.begin(), raw.end())), Sha256Hex("abc"));
}

TEST(DigestTest, Sha256OfUtf8AndBinary) {
  const std::string binary("\x00\xFF\x10", 3);
  EXPECT_EQ(Sha256Hex(binary).size(), 64u);
  EXPECT_NE(Sha256Hex(binary), Sha256Hex(std::string("\x00\xFF", 2)));
}

TEST(DigestTest, Sm3KnownVectors) {
  Result<std::string> abc = Sm3Hex("abc");
  ASSERT_TRUE(abc.ok()) << abc.status().ToString();
  EXPECT_EQ(*abc,
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  std::string abcd16;
  for (int i = 0; i < 16; ++i) abcd16 += "abcd";
  Result<std::string> long_input = Sm3Hex(abcd16);
  ASSERT_TRUE(long_input.ok());
  EXPECT_EQ(*long_input,
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

TEST(DigestTest, HexEncode) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x01\xAB\xFF", 4)), "0001abff");
}

TEST(DigestTest, Base32Rfc4648Vectors) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
}

TEST(DigestTest, Base32OfBinary) {
  EXPECT_EQ(Base32Encode(std::string("\xFF\xFF\xFF\xFF\xFF", 5)), "77777777");
  EXPECT_EQ(Base32Encode(std::string("\x00\x00\x00\x00\x00", 5)), "AAAAAAAA");
}

}  // namespace
}  // namespace beian::core

namespace beian::core {
namespace {

// RFC 4231 test cases 1 and 2.
TEST(DigestTest, HmacSha256KnownVectors) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// The prepared form gives the same digests, also for a key longer than a block
// (RFC 4231 test case 6) and for many messages in turn.
TEST(DigestTest, PreparedHmacMatchesTheOneShot) {
  const HmacSha256 jefe("Jefe");
  EXPECT_EQ(jefe.Hex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256(std::string(131, '\xaa')).Hex("Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  for (const std::string& message : {std::string(), std::string("a"), std::string("110105197103143253"), std::string(1000, 'x')}) {
    EXPECT_EQ(jefe.Hex(message), HmacSha256Hex("Jefe", message)) << message.size();
  }
}

// A file read in chunks hashes as the whole: the backup checks each blob so.
TEST(DigestTest, Sha256StreamOfPiecesIsTheSha256OfTheWhole) {
  std::string whole;
  for (int i = 0; i < 5000; ++i) whole += "北京市物业服务企业" + std::to_string(i);
  Sha256Stream stream;
  for (size_t at = 0; at < whole.size(); at += 4093) stream.Update(std::string_view(whole).substr(at, 4093));
  EXPECT_EQ(stream.FinalHex(), Sha256Hex(whole));
  Sha256Stream empty;
  EXPECT_EQ(empty.FinalHex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace beian::core
