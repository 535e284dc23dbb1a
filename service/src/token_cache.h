// Tokens recently found in the archive, by the SHA-256 of their secret.
#ifndef BEIAN_SERVICE_SRC_TOKEN_CACHE_H_
#define BEIAN_SERVICE_SRC_TOKEN_CACHE_H_

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "beian/archive/archive.h"

namespace beian::service {

// Thread-safe. A revocation made by another process takes effect within the
// time to live; one made through Forget at once.
class TokenCache {
 public:
  TokenCache(archive::Archive& archive, std::chrono::milliseconds ttl) : archive_(archive), ttl_(ttl) {}

  // The valid token whose secret is `secret`; kNotFound if none or revoked.
  core::Result<archive::AccessToken> Find(const std::string& secret);

  // Drops the token with this secret digest from the cache.
  void Forget(const std::string& secret_sha256);

 private:
  archive::Archive& archive_;
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<archive::AccessToken, std::chrono::steady_clock::time_point>> cache_;
};

}  // namespace beian::service

#endif  // BEIAN_SERVICE_SRC_TOKEN_CACHE_H_
