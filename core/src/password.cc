#include "beian/core/password.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/signing.h"
#include "beian/core/utf8.h"

namespace beian::core {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

Status CheckCost(const ScryptCost& cost) {
  // At most 128 · 2^17 · 16 bytes = 256 MiB of working memory, whatever a
  // stored hash asks for.
  if (cost.log2_n < 10 || cost.log2_n > 17 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) {
    return InvalidArgument("scrypt cost out of bounds (ln 10..17, r 1..16, p 1..4)");
  }
  return Status::Ok();
}

Result<std::string> Scrypt(std::string_view password, std::string_view salt, const ScryptCost& cost) {
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr),
                                                       &EVP_KDF_free);
  if (kdf == nullptr) return Internal("OpenSSL has no SCRYPT KDF");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()), &EVP_KDF_CTX_free);
  if (ctx == nullptr) return Internal("EVP_KDF_CTX_new failed");
  uint64_t n = uint64_t{1} << cost.log2_n;
  uint32_t r = static_cast<uint32_t>(cost.r), p = static_cast<uint32_t>(cost.p);
  // 128·N·r bytes of working memory, and a margin.
  uint64_t maxmem = 129 * n * r + (uint64_t{1} << 20);
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, const_cast<char*>(password.data()),
                                        password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  std::string out(kHashBytes, '\0');
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params) != 1) {
    return Internal("scrypt failed (out of memory?)");
  }
  return out;
}

std::string Unpadded(std::string base64) {
  while (!base64.empty() && base64.back() == '=') base64.pop_back();
  return base64;
}

Result<std::string> DecodeUnpadded(std::string_view text) {
  std::string padded(text);
  while (padded.size() % 4 != 0) padded += '=';
  return Base64Decode(padded);
}

// The decimal value of "name=123", or -1.
int Parameter(std::string_view field, std::string_view name) {
  if (field.size() <= name.size() + 1 || field.substr(0, name.size()) != name || field[name.size()] != '=') {
    return -1;
  }
  int value = 0;
  for (char c : field.substr(name.size() + 1)) {
    if (c < '0' || c > '9' || value > 1000) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == separator) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, ScryptCost cost) {
  BEIAN_RETURN_IF_ERROR(CheckCost(cost));
  BEIAN_ASSIGN_OR_RETURN(const std::string salt, SecureRandomBytes(kSaltBytes));
  BEIAN_ASSIGN_OR_RETURN(const std::string hash, Scrypt(password, salt, cost));
  return "$scrypt$ln=" + std::to_string(cost.log2_n) + ",r=" + std::to_string(cost.r) +
         ",p=" + std::to_string(cost.p) + "$" + Unpadded(Base64Encode(salt)) + "$" +
         Unpadded(Base64Encode(hash));
}

Status CheckPassword(std::string_view password, std::string_view stored) {
  const Status malformed = InvalidArgument("the stored password hash is not a beian scrypt string");
  // "", "scrypt", "ln=..,r=..,p=..", salt, hash
  const std::vector<std::string_view> parts = Split(stored, '$');
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt") return malformed;
  const std::vector<std::string_view> cost_fields = Split(parts[2], ',');
  if (cost_fields.size() != 3) return malformed;
  ScryptCost cost{Parameter(cost_fields[0], "ln"), Parameter(cost_fields[1], "r"),
                  Parameter(cost_fields[2], "p")};
  BEIAN_RETURN_IF_ERROR(CheckCost(cost));
  Result<std::string> salt = DecodeUnpadded(parts[3]);
  Result<std::string> expected = DecodeUnpadded(parts[4]);
  if (!salt.ok() || !expected.ok() || salt->size() < 8 || expected->size() != kHashBytes) return malformed;
  BEIAN_ASSIGN_OR_RETURN(const std::string actual, Scrypt(password, *salt, cost));
  if (CRYPTO_memcmp(actual.data(), expected->data(), kHashBytes) != 0) {
    return PermissionDenied("wrong password");
  }
  return Status::Ok();
}

std::string PasswordWeakness(std::string_view password) {
  if (!IsValidUtf8(password)) return "密码须为有效文字 / the password must be valid UTF-8";
  if (CountCodePoints(password) < 10) return "密码至少 10 个字符 / the password needs at least 10 characters";
  if (password.size() > 1024) return "密码过长 / the password is too long (1024 bytes at most)";
  bool letter = false, digit = false, other = false;
  for (unsigned char c : password) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      letter = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      other = true;
    }
  }
  if (static_cast<int>(letter) + static_cast<int>(digit) + static_cast<int>(other) < 2) {
    return "密码须包含至少两类字符（字母、数字、符号） / the password needs two kinds of characters "
           "(letters, digits, symbols)";
  }
  return "";
}

}  // namespace beian::core
