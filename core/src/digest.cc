#include "beian/core/digest.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdio>
#include <cstdlib>

namespace beian::core {
namespace {

std::string_view AsBytes(const unsigned char* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Fetched once; EVP_MD objects are immutable and safe to share between threads.
const EVP_MD* Sm3Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SM3", nullptr);
  return md;
}

}  // namespace

std::array<uint8_t, 32> Sha256(std::string_view bytes) {
  std::array<uint8_t, 32> out{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, EVP_sha256(),
                 nullptr) != 1 ||
      length != out.size()) {
    // Every OpenSSL 3 default provider has SHA-256; without it the installation
    // is unusable.
    std::fprintf(stderr,
                 "beian::core::Sha256: OpenSSL cannot compute SHA-256\n");
    std::abort();
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  const std::array<uint8_t, 32> digest = Sha256(bytes);
  return HexEncode(AsBytes(digest.data(), digest.size()));
}

struct Sha256Stream::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
};

Sha256Stream::Sha256Stream() : state_(new State) { EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr); }

Sha256Stream::~Sha256Stream() {
  EVP_MD_CTX_free(state_->ctx);
  delete state_;
}

void Sha256Stream::Update(std::string_view bytes) { EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size()); }

std::string Sha256Stream::FinalHex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(state_->ctx, out, &length);
  return HexEncode(AsBytes(out, length));
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       out, &length);
  return HexEncode(AsBytes(out, length));
}

// The SHA-256 states after the inner and outer padded key (RFC 2104).
struct HmacSha256::State {
  EVP_MD_CTX* inner = EVP_MD_CTX_new();
  EVP_MD_CTX* outer = EVP_MD_CTX_new();
  ~State() {
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
  }
};

HmacSha256::HmacSha256(std::string_view key) : state_(std::make_unique<State>()) {
  constexpr size_t kBlock = 64;
  std::string k(key);
  if (k.size() > kBlock) {
    const std::array<uint8_t, 32> digest = Sha256(k);
    k.assign(reinterpret_cast<const char*>(digest.data()), digest.size());
  }
  k.resize(kBlock, '\0');
  std::string ipad = k, opad = k;
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<char>(ipad[i] ^ 0x36);
    opad[i] = static_cast<char>(opad[i] ^ 0x5c);
  }
  if (EVP_DigestInit_ex(state_->inner, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(state_->inner, ipad.data(), ipad.size()) != 1 ||
      EVP_DigestInit_ex(state_->outer, EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(state_->outer, opad.data(), opad.size()) != 1) {
    std::fprintf(stderr, "beian::core::HmacSha256: OpenSSL cannot compute SHA-256\n");
    std::abort();
  }
}

HmacSha256::~HmacSha256() = default;
HmacSha256::HmacSha256(HmacSha256&& other) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&& other) noexcept = default;

std::string HmacSha256::Hex(std::string_view message) const {
  struct Scratch {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~Scratch() { EVP_MD_CTX_free(ctx); }
  };
  thread_local Scratch scratch;
  unsigned char inner[EVP_MAX_MD_SIZE], out[EVP_MAX_MD_SIZE];
  unsigned int inner_length = 0, length = 0;
  if (EVP_MD_CTX_copy_ex(scratch.ctx, state_->inner) != 1 ||
      EVP_DigestUpdate(scratch.ctx, message.data(), message.size()) != 1 ||
      EVP_DigestFinal_ex(scratch.ctx, inner, &inner_length) != 1 ||
      EVP_MD_CTX_copy_ex(scratch.ctx, state_->outer) != 1 ||
      EVP_DigestUpdate(scratch.ctx, inner, inner_length) != 1 ||
      EVP_DigestFinal_ex(scratch.ctx, out, &length) != 1) {
    std::fprintf(stderr, "beian::core::HmacSha256: OpenSSL cannot compute SHA-256\n");
    std::abort();
  }
  return HexEncode(AsBytes(out, length));
}

Result<std::string> Sm3Hex(std::string_view bytes) {
  const EVP_MD* md = Sm3Md();
  if (md == nullptr) {
    ERR_clear_error();
    return Internal("OpenSSL provider does not offer SM3");
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out, &length, md, nullptr) != 1 ||
      length != 32) {
    ERR_clear_error();
    return Internal("OpenSSL failed to compute SM3");
  }
  return HexEncode(AsBytes(out, length));
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 0xF];
  }
  return out;
}

std::string Base32Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(buffer >> bits) & 0x1F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1F]);
  return out;
}

Result<std::string> SecureRandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                          static_cast<int>(n)) != 1) {
    return Internal("no random bytes from OpenSSL RAND_bytes");
  }
  return out;
}

}  // namespace beian::core
