#include "beian/core/signing.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <vector>

#include "beian/core/beijing_time.h"
#include "beian/core/digest.h"

namespace beian::core {
namespace {

constexpr char kCheckpointTag[] = "beian-checkpoint/1";
// GB/T 35276-2017 §7: the default user ID of SM2 signatures.
constexpr char kSm2Id[] = "1234567812345678";

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

BioPtr ReadBio(std::string_view text) {
  return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string Drain(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

Result<SignatureAlgorithm> AlgorithmOf(const EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return SignatureAlgorithm::kEd25519;
  if (EVP_PKEY_is_a(pkey, "SM2")) return SignatureAlgorithm::kSm2;
  return InvalidArgument("the key is neither Ed25519 nor SM2");
}

// Starts a one-shot sign or verify operation: Ed25519 signs the message
// itself, SM2 its SM3 digest with the default user ID.
bool InitOperation(EVP_MD_CTX* ctx, EVP_PKEY* pkey,
                   SignatureAlgorithm algorithm, bool sign) {
  const char* md = algorithm == SignatureAlgorithm::kSm2 ? "SM3" : nullptr;
  EVP_PKEY_CTX* pctx = nullptr;
  const int started =
      sign ? EVP_DigestSignInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey,
                                   nullptr)
           : EVP_DigestVerifyInit_ex(ctx, &pctx, md, nullptr, nullptr, pkey,
                                     nullptr);
  if (started != 1) return false;
  // OpenSSL 3.0 takes the ID only here, not as an init parameter.
  return algorithm != SignatureAlgorithm::kSm2 ||
         EVP_PKEY_CTX_set1_id(pctx, kSm2Id, sizeof kSm2Id - 1) == 1;
}

}  // namespace

struct VerifyingKey::Key {
  EVP_PKEY* pkey;
  explicit Key(EVP_PKEY* p) : pkey(p) {}
  ~Key() { EVP_PKEY_free(pkey); }
  Key(const Key&) = delete;
  Key& operator=(const Key&) = delete;
};

std::string_view SignatureAlgorithmName(SignatureAlgorithm algorithm) {
  return algorithm == SignatureAlgorithm::kSm2 ? "sm2" : "ed25519";
}

Result<SignatureAlgorithm> ParseSignatureAlgorithm(std::string_view name) {
  if (name == "ed25519") return SignatureAlgorithm::kEd25519;
  if (name == "sm2") return SignatureAlgorithm::kSm2;
  return InvalidArgument("unknown signature algorithm \"" + std::string(name) +
                         "\" (ed25519 or sm2)");
}

VerifyingKey::VerifyingKey(std::shared_ptr<const Key> key,
                           SignatureAlgorithm algorithm, std::string fingerprint)
    : key_(std::move(key)),
      algorithm_(algorithm),
      fingerprint_(std::move(fingerprint)) {}

Result<VerifyingKey> VerifyingKey::FromPem(std::string_view pem) {
  BioPtr bio = ReadBio(pem);
  EVP_PKEY* pkey =
      bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (pkey == nullptr) {
    return InvalidArgument("not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  }
  const Key key(pkey);
  return PublicHalf(key);
}

std::string VerifyingKey::KeyId() const {
  return std::string(SignatureAlgorithmName(algorithm_)) + ":" +
         fingerprint_.substr(0, 16);
}

std::string VerifyingKey::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_->pkey);
  return Drain(bio.get());
}

Status VerifyingKey::Verify(std::string_view message,
                            std::string_view signature) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || !InitOperation(ctx.get(), key_->pkey, algorithm_, false)) {
    return Internal("OpenSSL cannot verify " +
                    std::string(SignatureAlgorithmName(algorithm_)) +
                    " signatures");
  }
  if (EVP_DigestVerify(
          ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
          signature.size(),
          reinterpret_cast<const unsigned char*>(message.data()),
          message.size()) != 1) {
    return FailedPrecondition("the signature is not " + KeyId() +
                              "'s signature of this text");
  }
  return Status::Ok();
}

Result<VerifyingKey> VerifyingKey::PublicHalf(const Key& key) {
  BEIAN_ASSIGN_OR_RETURN(const SignatureAlgorithm algorithm,
                         AlgorithmOf(key.pkey));
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key.pkey, &der);
  if (length <= 0) return Internal("OpenSSL cannot encode the public key");
  const std::string fingerprint =
      Sha256Hex(std::string_view(reinterpret_cast<char*>(der), length));
  OPENSSL_free(der);
  // The public half as a key of its own, so that a VerifyingKey never holds
  // private material.
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key.pkey);
  EVP_PKEY* pub = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (pub == nullptr) return Internal("OpenSSL cannot read back a public key");
  return VerifyingKey(std::make_shared<const Key>(pub), algorithm, fingerprint);
}

Result<SigningKey> SigningKey::Generate(SignatureAlgorithm algorithm) {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(
      nullptr, nullptr, algorithm == SignatureAlgorithm::kSm2 ? "SM2" : "ED25519");
  if (pkey == nullptr) {
    return Internal("OpenSSL cannot generate an " +
                    std::string(SignatureAlgorithmName(algorithm)) + " key");
  }
  auto key = std::make_shared<const VerifyingKey::Key>(pkey);
  BEIAN_ASSIGN_OR_RETURN(VerifyingKey pub, VerifyingKey::PublicHalf(*key));
  return SigningKey(std::move(key), std::move(pub));
}

Result<SigningKey> SigningKey::FromPem(std::string_view pem) {
  BioPtr bio = ReadBio(pem);
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr,
                                                 nullptr)
                       : nullptr;
  if (pkey == nullptr) {
    return InvalidArgument(
        "not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)");
  }
  auto key = std::make_shared<const VerifyingKey::Key>(pkey);
  BEIAN_ASSIGN_OR_RETURN(VerifyingKey pub, VerifyingKey::PublicHalf(*key));
  return SigningKey(std::move(key), std::move(pub));
}

std::string SigningKey::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key_->pkey, nullptr, nullptr, 0, nullptr,
                           nullptr);
  return Drain(bio.get());
}

Result<std::string> SigningKey::Sign(std::string_view message) const {
  const SignatureAlgorithm algorithm = public_key_.algorithm();
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (!ctx || !InitOperation(ctx.get(), key_->pkey, algorithm, true) ||
      EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
    return Internal("OpenSSL cannot sign with " + public_key_.KeyId());
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()),
                     &length, data, message.size()) != 1) {
    return Internal("OpenSSL cannot sign with " + public_key_.KeyId());
  }
  signature.resize(length);
  return signature;
}

std::string Checkpoint::SignedText() const {
  return std::string(kCheckpointTag) + " " + std::to_string(size) + " " +
         MerkleHashHex(root) + " " + time + " " + key_id;
}

std::string Checkpoint::Line() const {
  return SignedText() + " " + Base64Encode(signature);
}

Result<Checkpoint> SignCheckpoint(uint64_t size, const MerkleHash& root,
                                  std::string_view time, const SigningKey& key) {
  Checkpoint c;
  c.size = size;
  c.root = root;
  c.time = std::string(time);
  c.key_id = key.public_key().KeyId();
  BEIAN_ASSIGN_OR_RETURN(c.signature, key.Sign(c.SignedText()));
  // Nothing is signed that could not be read back (a malformed time).
  BEIAN_RETURN_IF_ERROR(ParseCheckpoint(c.Line()).status());
  return c;
}

Result<Checkpoint> ParseCheckpoint(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t' ||
                           line.front() == '\n' || line.front() == '\r')) {
    line.remove_prefix(1);
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' ||
                           line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (start <= line.size()) {
    const size_t space = line.find(' ', start);
    const size_t end = space == std::string_view::npos ? line.size() : space;
    fields.push_back(line.substr(start, end - start));
    start = end + 1;
  }
  auto bad = [&](const std::string& why) {
    return InvalidArgument("not a checkpoint line: " + why);
  };
  if (fields.size() != 6 || fields[0] != kCheckpointTag) {
    return bad(std::string("expected \"") + kCheckpointTag +
               " SIZE ROOT TIME KEY-ID SIGNATURE\"");
  }
  Checkpoint c;
  const std::string_view size = fields[1];
  if (size.empty() || size.size() > 18 ||
      (size.size() > 1 && size[0] == '0')) {
    return bad("the size is not a number");
  }
  for (char ch : size) {
    if (ch < '0' || ch > '9') return bad("the size is not a number");
    c.size = c.size * 10 + static_cast<uint64_t>(ch - '0');
  }
  if (!ParseMerkleHash(fields[2], &c.root)) return bad("the root is not 64 hex");
  c.time = std::string(fields[3]);
  if (!IsBeijingTime(c.time)) return bad("the time is not RFC 3339 Beijing time");
  c.key_id = std::string(fields[4]);
  const size_t colon = c.key_id.find(':');
  if (colon == std::string::npos ||
      !ParseSignatureAlgorithm(c.key_id.substr(0, colon)).ok() ||
      c.key_id.size() - colon - 1 != 16) {
    return bad("the key id is not ed25519:… or sm2:… with 16 hex");
  }
  Result<std::string> signature = Base64Decode(fields[5]);
  if (!signature.ok() || signature->empty()) {
    return bad("the signature is not base64");
  }
  c.signature = std::move(*signature);
  return c;
}

Status VerifyCheckpoint(const Checkpoint& checkpoint, const VerifyingKey& key) {
  if (checkpoint.key_id != key.KeyId()) {
    return FailedPrecondition("the checkpoint was signed by key " +
                              checkpoint.key_id + ", not by " + key.KeyId());
  }
  Status verified = key.Verify(checkpoint.SignedText(), checkpoint.signature);
  if (!verified.ok()) {
    return FailedPrecondition("the checkpoint's signature is not valid for " +
                              key.KeyId() + " (the line was altered)");
  }
  return Status::Ok();
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return InvalidArgument("base64 length is not a multiple of 4");
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return InvalidArgument("not base64");
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  if (Base64Encode(out) != text) return InvalidArgument("not canonical base64");
  return out;
}

}  // namespace beian::core
