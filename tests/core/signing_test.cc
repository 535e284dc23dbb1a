#include "beian/core/signing.h"

#include <gtest/gtest.h>

#include <string>

namespace beian::core {
namespace {

std::string Bytes(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

std::string Pem(std::string_view label, const std::string& der) {
  return "-----BEGIN " + std::string(label) + "-----\n" + Base64Encode(der) +
         "\n-----END " + std::string(label) + "-----\n";
}

MerkleHash SomeRoot() {
  return MerkleRoot({MerkleLeafHash("a"), MerkleLeafHash("b"), MerkleLeafHash("c")});
}

TEST(SigningTest, Base64FollowsRfc4648) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(*Base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(*Base64Decode("Zm9vYmE="), "fooba");
  EXPECT_FALSE(Base64Decode("Zm9vY").ok());
  EXPECT_FALSE(Base64Decode("Zm9v!mFy").ok());
  EXPECT_FALSE(Base64Decode("Zm9=").ok());  // not canonical
}

// RFC 8032 §7.1, TEST 2: the signature of the one-byte message 0x72.
TEST(SigningTest, Ed25519MatchesTheRfc8032Vector) {
  const std::string pkcs8 =
      Bytes("302e020100300506032b657004220420") +
      Bytes("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  Result<SigningKey> key = SigningKey::FromPem(Pem("PRIVATE KEY", pkcs8));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->public_key().algorithm(), SignatureAlgorithm::kEd25519);
  Result<std::string> signature = key->Sign(Bytes("72"));
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(*signature,
            Bytes("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"));
  // The public key's SubjectPublicKeyInfo carries the RFC's public key.
  const std::string spki =
      Bytes("302a300506032b6570032100") +
      Bytes("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  Result<VerifyingKey> pub = VerifyingKey::FromPem(Pem("PUBLIC KEY", spki));
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->fingerprint(), key->public_key().fingerprint());
  EXPECT_TRUE(pub->Verify(Bytes("72"), *signature).ok());
  EXPECT_FALSE(pub->Verify(Bytes("73"), *signature).ok());
}

class SigningAlgorithmTest : public ::testing::TestWithParam<SignatureAlgorithm> {};

TEST_P(SigningAlgorithmTest, CheckpointsSignParseAndVerifyAndRefuseAnyChange) {
  Result<SigningKey> key = SigningKey::Generate(GetParam());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const VerifyingKey& pub = key->public_key();
  EXPECT_EQ(pub.KeyId().rfind(std::string(SignatureAlgorithmName(GetParam())) + ":", 0), 0u);

  Result<Checkpoint> c = SignCheckpoint(3, SomeRoot(), "2026-12-06T17:30:00+08:00", *key);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const std::string line = c->Line();
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.rfind("beian-checkpoint/1 3 " + MerkleHashHex(SomeRoot()) +
                           " 2026-12-06T17:30:00+08:00 " + pub.KeyId() + " ",
                       0),
            0u)
      << line;

  Result<Checkpoint> parsed = ParseCheckpoint("  " + line + "\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->Line(), line);
  EXPECT_TRUE(VerifyCheckpoint(*parsed, pub).ok());

  // Through PEM, both halves.
  Result<SigningKey> reread = SigningKey::FromPem(key->Pem());
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(reread->public_key().fingerprint(), pub.fingerprint());
  Result<VerifyingKey> pub_reread = VerifyingKey::FromPem(pub.Pem());
  ASSERT_TRUE(pub_reread.ok());
  EXPECT_TRUE(VerifyCheckpoint(*parsed, *pub_reread).ok());
  EXPECT_FALSE(VerifyingKey::FromPem(key->Pem()).ok()) << "a private key is no public key";

  // Any change to the signed text fails.
  Checkpoint bigger = *parsed;
  bigger.size = 4;
  EXPECT_FALSE(VerifyCheckpoint(bigger, pub).ok());
  Checkpoint other_root = *parsed;
  other_root.root[5] ^= 1;
  EXPECT_FALSE(VerifyCheckpoint(other_root, pub).ok());
  Checkpoint later = *parsed;
  later.time = "2026-12-06T17:31:00+08:00";
  EXPECT_FALSE(VerifyCheckpoint(later, pub).ok());

  // A time that is no RFC 3339 time is refused rather than signed.
  EXPECT_FALSE(SignCheckpoint(3, SomeRoot(), "yesterday", *key).ok());
  EXPECT_FALSE(SignCheckpoint(3, SomeRoot(), "", *key).ok());

  // Another key of the same algorithm fails, whether the line names it or not.
  Result<SigningKey> other = SigningKey::Generate(GetParam());
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(VerifyCheckpoint(*parsed, other->public_key()).ok());
  Checkpoint renamed = *parsed;
  renamed.key_id = other->public_key().KeyId();
  EXPECT_FALSE(VerifyCheckpoint(renamed, other->public_key()).ok());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, SigningAlgorithmTest,
                         ::testing::Values(SignatureAlgorithm::kEd25519,
                                           SignatureAlgorithm::kSm2),
                         [](const auto& info) {
                           return std::string(SignatureAlgorithmName(info.param));
                         });

TEST(SigningTest, MalformedCheckpointLinesAreRefusedWithTheReason) {
  const std::string root = MerkleHashHex(SomeRoot());
  const std::string good = "beian-checkpoint/1 3 " + root +
                           " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef AAAA";
  EXPECT_TRUE(ParseCheckpoint(good).ok());
  const std::string bad[] = {
      "",
      "beian-checkpoint/2 3 " + root + " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef AAAA",
      "beian-checkpoint/1 -3 " + root + " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef AAAA",
      "beian-checkpoint/1 03 " + root + " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef AAAA",
      "beian-checkpoint/1 3 " + root.substr(1) + " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef AAAA",
      "beian-checkpoint/1 3 " + root + " yesterday ed25519:0123456789abcdef AAAA",
      "beian-checkpoint/1 3 " + root + " 2026-12-06T17:30:00+08:00 rsa:0123456789abcdef AAAA",
      "beian-checkpoint/1 3 " + root + " 2026-12-06T17:30:00+08:00 ed25519:0123 AAAA",
      "beian-checkpoint/1 3 " + root + " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef A*AA",
      "beian-checkpoint/1 3 " + root + " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef",
      "beian-checkpoint/1  3 " + root + " 2026-12-06T17:30:00+08:00 ed25519:0123456789abcdef AAAA",
  };
  for (const std::string& line : bad) {
    Result<Checkpoint> c = ParseCheckpoint(line);
    EXPECT_FALSE(c.ok()) << line;
    if (!c.ok()) {
      EXPECT_NE(c.status().message().find("not a checkpoint line"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace beian::core
