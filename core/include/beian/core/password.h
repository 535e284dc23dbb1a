// Passwords of people who sign in, stored under scrypt (RFC 7914, through
// OpenSSL 3's EVP_KDF; Debian 12's OpenSSL 3.0 has no Argon2).
//
// A stored hash is one line of text in the PHC string format:
//
//   $scrypt$ln=15,r=8,p=1$SALT$HASH
//
// ln the base-2 logarithm of N, SALT 16 random bytes and HASH 32 bytes, both
// base64 without padding. N = 2^15, r = 8 costs 32 MiB and about 0.2 s per
// hash on one core: memory-hard, so a stolen catalog is slow to guess at even
// on GPUs, and cheap enough for people signing in.
#ifndef BEIAN_CORE_PASSWORD_H_
#define BEIAN_CORE_PASSWORD_H_

#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::core {

// scrypt's cost: N = 2^log2_n, block size r, parallelism p.
struct ScryptCost {
  int log2_n = 15;
  int r = 8;
  int p = 1;
};

// The PHC string of `password` under a fresh random salt. kInvalidArgument
// for a cost out of bounds (log2_n 10..17, r 1..16, p 1..4: at most 256 MiB);
// kInternal if OpenSSL cannot compute it.
Result<std::string> HashPassword(std::string_view password, ScryptCost cost = {});

// Ok iff `password` hashes to `stored` (compared in constant time);
// kPermissionDenied if not; kInvalidArgument if `stored` is not a PHC string
// HashPassword writes (or its cost is out of bounds).
Status CheckPassword(std::string_view password, std::string_view stored);

// "" if `password` is good enough to set, else why not (in Chinese and
// English): at least 10 characters, not all of one character class.
std::string PasswordWeakness(std::string_view password);

}  // namespace beian::core

#endif  // BEIAN_CORE_PASSWORD_H_
