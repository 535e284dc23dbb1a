#include "token_cache.h"

#include "beian/core/digest.h"

namespace beian::service {

core::Result<archive::AccessToken> TokenCache::Find(const std::string& secret) {
  const std::string digest = core::Sha256Hex(secret);
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(digest);
    if (it != cache_.end() && now - it->second.second < ttl_) return it->second.first;
  }
  BEIAN_ASSIGN_OR_RETURN(archive::AccessToken token, archive_.FindAccessToken(digest));
  if (token.revoked()) return core::NotFound("the token was revoked");
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() > 10000) cache_.clear();
  cache_[digest] = {token, now};
  return token;
}

void TokenCache::Forget(const std::string& secret_sha256) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(secret_sha256);
}

}  // namespace beian::service
