// Bearer tokens for the HTTP API: a random secret, shown once, whose SHA-256
// the archive keeps.
#ifndef BEIAN_SERVICE_ACCESS_TOKENS_H_
#define BEIAN_SERVICE_ACCESS_TOKENS_H_

#include <string>

#include "beian/archive/archive.h"
#include "beian/core/status.h"

namespace beian::service {

// A token just made, with its secret (not recoverable later).
struct CreatedToken {
  std::string secret;  // "bn_" and 52 base32 characters (256 random bits)
  archive::AccessToken token;
};

// Makes a secret from the system's random source and records the token
// (`token.secret_sha256` is ignored and set here). Errors as
// Archive::AddAccessToken.
core::Result<CreatedToken> CreateAccessToken(archive::Archive& archive,
                                             archive::NewAccessToken token);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_ACCESS_TOKENS_H_
