// Signing keys and signed checkpoints of the audit log's Merkle tree.
//
// A checkpoint is one line of text, meant to be kept elsewhere (another
// system, e-mail, paper):
//
//   beian-checkpoint/1 SIZE ROOT TIME KEY-ID SIGNATURE
//
// SIZE is the number of audit entries, ROOT the RFC 6962 tree head of those
// entries (64 hex), TIME when it was signed (RFC 3339, Beijing time), KEY-ID
// the algorithm and the first 16 hex of the SHA-256 of the public key
// (SubjectPublicKeyInfo DER), e.g. "ed25519:3f1c…", and SIGNATURE the base64
// signature of everything before it (the line up to and without its last
// space). Ed25519 (RFC 8032) or SM2 with SM3 (GB/T 32918, GB/T 35276, ID
// "1234567812345678"), both through OpenSSL 3.
#ifndef BEIAN_CORE_SIGNING_H_
#define BEIAN_CORE_SIGNING_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "beian/core/merkle.h"
#include "beian/core/status.h"

namespace beian::core {

enum class SignatureAlgorithm { kEd25519, kSm2 };

// "ed25519", "sm2".
std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm);
// kInvalidArgument for any other name.
Result<SignatureAlgorithm> ParseSignatureAlgorithm(std::string_view name);

// A public key that checks signatures. Copyable; thread-safe.
class VerifyingKey {
 public:
  // From a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) of an Ed25519 or SM2 key;
  // kInvalidArgument for anything else.
  static Result<VerifyingKey> FromPem(std::string_view pem);

  SignatureAlgorithm algorithm() const { return algorithm_; }
  // SHA-256 of the SubjectPublicKeyInfo DER, 64 hex.
  const std::string& fingerprint() const { return fingerprint_; }
  // "ed25519:" or "sm2:" and the fingerprint's first 16 hex.
  std::string KeyId() const;
  // The PEM "PUBLIC KEY".
  std::string Pem() const;

  // Ok iff `signature` is this key's signature of `message`;
  // kFailedPrecondition otherwise.
  Status Verify(std::string_view message, std::string_view signature) const;

 private:
  struct Key;
  VerifyingKey(std::shared_ptr<const Key> key, SignatureAlgorithm algorithm,
               std::string fingerprint);
  // The public half of a key pair or public key: its algorithm and
  // fingerprint, and a key object without private material.
  static Result<VerifyingKey> PublicHalf(const Key& key);
  friend class SigningKey;

  std::shared_ptr<const Key> key_;
  SignatureAlgorithm algorithm_;
  std::string fingerprint_;
};

// A private key. Copyable; thread-safe.
class SigningKey {
 public:
  // A new key from the operating system's random source.
  static Result<SigningKey> Generate(SignatureAlgorithm algorithm);
  // From a PEM "PRIVATE KEY" (PKCS #8, unencrypted) of an Ed25519 or SM2 key.
  static Result<SigningKey> FromPem(std::string_view pem);

  const VerifyingKey& public_key() const { return public_key_; }
  // The PEM "PRIVATE KEY" (PKCS #8).
  std::string Pem() const;

  // The raw signature of `message`: 64 bytes for Ed25519 (deterministic),
  // DER for SM2 (randomized).
  Result<std::string> Sign(std::string_view message) const;

 private:
  SigningKey(std::shared_ptr<const VerifyingKey::Key> key, VerifyingKey pub)
      : key_(std::move(key)), public_key_(std::move(pub)) {}

  std::shared_ptr<const VerifyingKey::Key> key_;
  VerifyingKey public_key_;
};

// One signed tree head of the audit log.
struct Checkpoint {
  uint64_t size = 0;  // audit entries covered: seq 1..size
  MerkleHash root{};
  std::string time;    // when signed
  std::string key_id;  // VerifyingKey::KeyId of the signer
  std::string signature;  // raw bytes

  // "beian-checkpoint/1 SIZE ROOT TIME KEY-ID": what the signature covers.
  std::string SignedText() const;
  // The whole line, without a line break.
  std::string Line() const;
};

// Signs the tree head of `size` entries at `time`.
Result<Checkpoint> SignCheckpoint(uint64_t size, const MerkleHash& root,
                                  std::string_view time, const SigningKey& key);

// Parses one checkpoint line (surrounding white space allowed);
// kInvalidArgument naming what is malformed. Does not check the signature.
Result<Checkpoint> ParseCheckpoint(std::string_view line);

// Ok iff `checkpoint` names `key` and carries its valid signature;
// kFailedPrecondition saying which of the two fails.
Status VerifyCheckpoint(const Checkpoint& checkpoint, const VerifyingKey& key);

// RFC 4648 base64 with padding.
std::string Base64Encode(std::string_view bytes);
// kInvalidArgument unless `text` is canonical padded base64.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace beian::core

#endif  // BEIAN_CORE_SIGNING_H_
