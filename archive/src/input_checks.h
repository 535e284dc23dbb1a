// Checks on what callers hand the archive, shared by implementations.
#ifndef BEIAN_ARCHIVE_SRC_INPUT_CHECKS_H_
#define BEIAN_ARCHIVE_SRC_INPUT_CHECKS_H_

#include <string_view>
#include <vector>

#include "beian/archive/records.h"
#include "beian/core/status.h"

namespace beian::archive {

// kInvalidArgument naming `field` if `value` contains an ID number
// (core::ContainsIdNumber): catalog columns are indexed and shown in lists,
// where ID numbers must never appear.
core::Status CheckNoIdNumber(std::string_view field, std::string_view value);

// kInvalidArgument "<field> must be Beijing time ..." unless
// core::IsBeijingTime.
core::Status CheckTime(std::string_view field, std::string_view value);

// kInvalidArgument unless `value` is non-empty UTF-8.
core::Status CheckNotEmpty(std::string_view field, std::string_view value);


// The same for a signed copy (whether its document exists is the catalog's).
core::Status CheckNewSignedCopy(const NewSignedCopy& copy);

// The same for a reprint: a marked one carries its PDF, a plain one none
// (whether the marked bytes extend the original is the catalog's).
core::Status CheckNewReprint(const NewReprint& reprint);

// The same for an access token: its role's scope, label and creator, and
// the secret's digest.
core::Status CheckNewAccessToken(const NewAccessToken& token);

// The scope of a token or user of `role` ("token", "user"): an enterprise's
// credit code and registered name, a bureau's district and official name,
// neither for admin.
core::Status CheckAccessScope(AccessRole role, std::string_view credit_code, std::string_view district,
                              std::string_view name, std::string_view what);

// The same for a user: username (CheckUsername), scope, display name,
// creator and a password hash.
core::Status CheckNewUser(const NewUser& user);

// The same for a session: digests, times and the user.
core::Status CheckNewUserSession(const NewUserSession& session);

// The same for a lifecycle step: actor, the fields `to` requires (and no
// others), the detail (an object or null) and the time.
core::Status CheckStatusChange(const StatusChange& change);

// kInvalidArgument unless token_id >= 1, the key is 1..200 printable ASCII
// bytes and request_sha256 is 64 lowercase hex chars.
core::Status CheckIdempotencyKey(const IdempotencyKey& key);

// kInvalidArgument unless every key's hmac is 64 lowercase hex chars and its
// path a JSON Pointer ("" or starting with '/', UTF-8, at most 200 bytes)
// without an ID number, each path given once.
core::Status CheckStaffKeys(const std::vector<StaffKey>& keys);

// kInvalidArgument unless `date` is "YYYY-MM-DD" naming a real day.
core::Status CheckDate(std::string_view field, std::string_view date);

// kInvalidArgument unless `action` is lowercase ASCII words joined by '-'.
core::Status CheckActionName(std::string_view action);

}  // namespace beian::archive

#endif  // BEIAN_ARCHIVE_SRC_INPUT_CHECKS_H_
