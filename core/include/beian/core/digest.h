#ifndef BEIAN_CORE_DIGEST_H_
#define BEIAN_CORE_DIGEST_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::core {

// SHA-256 of bytes as 32 raw bytes. Thread-safe.
std::array<uint8_t, 32> Sha256(std::string_view bytes);

// SHA-256 of bytes as 64 lowercase hex chars. Thread-safe.
std::string Sha256Hex(std::string_view bytes);

// SHA-256 of bytes given in pieces (a file read in chunks).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view bytes);
  // The digest of everything given, as 64 lowercase hex chars; once.
  std::string FinalHex();

 private:
  struct State;
  State* state_;
};

// HMAC-SHA256 (RFC 2104) of `message` under `key`, as 64 lowercase hex chars.
// Thread-safe.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// HMAC-SHA256 under one key, its padded-key states computed once for many
// messages (about three times faster than HmacSha256Hex per message).
// Thread-safe.
class HmacSha256 {
 public:
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(HmacSha256&& other) noexcept;
  HmacSha256& operator=(HmacSha256&& other) noexcept;

  // As HmacSha256Hex(key, message).
  std::string Hex(std::string_view message) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// SM3 (GB/T 32905) of bytes as 64 lowercase hex chars via OpenSSL; kInternal if
// the provider lacks SM3. Thread-safe.
Result<std::string> Sm3Hex(std::string_view bytes);

// Lowercase hex of bytes, two chars per byte.
std::string HexEncode(std::string_view bytes);

// RFC 4648 base32 of bytes, uppercase alphabet A-Z2-7, without "=" padding.
std::string Base32Encode(std::string_view bytes);

// `n` bytes from the operating system's cryptographic random source (OpenSSL
// RAND_bytes); kInternal if it cannot deliver. Thread-safe.
Result<std::string> SecureRandomBytes(size_t n);

}  // namespace beian::core

#endif  // BEIAN_CORE_DIGEST_H_
