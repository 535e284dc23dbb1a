#include "beian/service/access_tokens.h"

#include <utility>

#include "beian/core/digest.h"

namespace beian::service {

core::Result<CreatedToken> CreateAccessToken(archive::Archive& archive,
                                             archive::NewAccessToken token) {
  BEIAN_ASSIGN_OR_RETURN(const std::string random, core::SecureRandomBytes(32));
  CreatedToken out;
  out.secret = "bn_" + core::Base32Encode(random);
  token.secret_sha256 = core::Sha256Hex(out.secret);
  BEIAN_ASSIGN_OR_RETURN(out.token, archive.AddAccessToken(token));
  return out;
}

}  // namespace beian::service
