// People who sign in to the console: their accounts, sessions and the
// growing delays after failed sign-ins. State lives in the catalog (users,
// user_sessions, signin_failures of known users, signin_throttle of
// addresses and unknown usernames, bounded so that guessing names cannot grow
// it), so it holds across restarts and across the nodes sharing a catalog.
#ifndef BEIAN_SERVICE_SRC_ACCOUNTS_H_
#define BEIAN_SERVICE_SRC_ACCOUNTS_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "beian/archive/archive.h"
#include "beian/core/status.h"
#include "beian/core/work_gate.h"
#include "beian/service/identity.h"
#include "beian/service/views.h"

namespace beian::service {

// How long a session lasts: ended after `idle_seconds` without a request,
// and after `max_seconds` however active.
struct SessionLimits {
  int64_t idle_seconds = 30 * 60;
  int64_t max_seconds = 12 * 60 * 60;
};

// The seconds to wait after `failures` failed sign-ins in a row, when
// `free` of them cost nothing: 0 up to `free`, then 1, 2, 4, ... up to 15
// minutes.
int64_t SignInDelaySeconds(int64_t failures, int64_t free);

// Thread-safe.
class Accounts {
 public:
  Accounts(archive::Archive& archive, std::function<std::string()> now, SessionLimits limits);

  // Admin only (kPermissionDenied). kInvalidArgument naming what is wrong
  // (username, password, scope); kAlreadyExists for a username taken.
  core::Result<UserInfo> Create(const Identity& who, NewUserAccount account);
  core::Result<std::vector<UserInfo>> List(const Identity& who);
  // Ends the user's sessions too.
  core::Result<UserInfo> Disable(const Identity& who, int64_t id);
  core::Result<UserInfo> SetPassword(const Identity& who, int64_t id, const std::string& password);
  // The user of a username (admin; the command line).
  core::Result<UserInfo> Find(const Identity& who, std::string_view username);

  // Checks the password (under scrypt, at most two at a time) unless the
  // username or the address must wait; an unknown or disabled user costs
  // the same time as a wrong password and is answered the same.
  core::Result<SignInOutcome> SignIn(std::string_view username, std::string_view password,
                                     const std::string& address);
  // The session of a cookie's secret, its idle time moved on; kNotFound for
  // an unknown, ended or expired session or a disabled user.
  core::Result<UserSessionInfo> Resume(std::string_view secret);
  // Ends the session (signing out); an unknown one is no error.
  core::Status SignOut(std::string_view secret);

 private:
  // A password hash to check when the user is unknown, so that it takes as
  // long as a wrong password.
  const std::string& DecoyHash();

  archive::Archive& archive_;
  std::function<std::string()> now_;
  SessionLimits limits_;
  core::WorkGate kdf_gate_{2};
  // Seconds the throttle key must still wait at `now`, `free` failures
  // costing nothing.
  core::Result<int64_t> ThrottleWait(const std::string& key, int64_t free, const std::string& now);
  std::once_flag decoy_once_;
  std::string decoy_hash_;
};

}  // namespace beian::service

#endif  // BEIAN_SERVICE_SRC_ACCOUNTS_H_
