#include "accounts.h"

#include <algorithm>
#include <utility>

#include "authority.h"
#include "beian/core/beijing_time.h"
#include "beian/core/digest.h"
#include "beian/core/password.h"
#include "records_view.h"

namespace beian::service {
namespace {

// Failures that cost nothing: a person mistyping, per username and per
// address (one address may serve a whole bureau's office).
constexpr int64_t kFreeFailuresPerUser = 3;
constexpr int64_t kFreeFailuresPerAddress = 10;
constexpr int64_t kLongestDelaySeconds = 15 * 60;
// A session's idle time is written back at most once a minute.
constexpr int64_t kTouchEverySeconds = 60;
// Sign-ins waiting for a password check at most; more are turned away at
// once, so a burst cannot hold every worker of the server.
constexpr int kMostWaitingSignIns = 8;
// The sign-in throttle's keys of an address and of a username nobody has.
std::string AddressKey(std::string_view address) { return "address " + std::string(address.substr(0, 200)); }
std::string UnknownUserKey(std::string_view username) { return "username " + std::string(username.substr(0, 200)); }

std::string FoldUsername(std::string_view username) {
  std::string out(username.substr(0, 256));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string CsrfTokenOf(std::string_view secret) {
  return core::Sha256Hex("beian-csrf\n" + std::string(secret)).substr(0, 40);
}

// The seconds until `last` + `delay`, or 0 if that has passed.
int64_t SecondsLeft(const std::string& last, int64_t delay, const std::string& now) {
  if (delay <= 0 || last.empty()) return 0;
  core::Result<int64_t> since = core::SecondsBetween(last, now);
  if (!since.ok()) return 0;
  return std::max<int64_t>(0, delay - *since);
}

// The field an archive's refusal of a new user is about.
std::string ScopeField(Role role, const std::string& message) {
  if (message.find("display_name") != std::string::npos) return "display_name";
  if (message.find("credit code") != std::string::npos) return "credit_code";
  if (message.find("district") != std::string::npos || message.find("District") != std::string::npos) {
    return role == Role::kBureau ? "district" : "role";
  }
  if (message.find("name") != std::string::npos) return "name";
  return "role";
}

}  // namespace

int64_t SignInDelaySeconds(int64_t failures, int64_t free) {
  if (failures < free) return 0;
  const int64_t doublings = std::min<int64_t>(failures - free, 10);
  return std::min<int64_t>(int64_t{1} << doublings, kLongestDelaySeconds);
}

Accounts::Accounts(archive::Archive& archive, std::function<std::string()> now, SessionLimits limits)
    : archive_(archive), now_(std::move(now)), limits_(limits) {}

core::Result<UserInfo> Accounts::Create(const Identity& who, NewUserAccount account) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "making users"));
  account.username = FoldUsername(account.username);
  if (!archive::IsUsername(account.username)) {
    return core::InvalidArgument(
        "username: 用户名须为 2–64 个小写字母、数字或 . _ -，以字母或数字开头 / 2 to 64 of a-z, 0-9, '.', '_' "
        "and '-', starting with a letter or digit");
  }
  if (const std::string weak = core::PasswordWeakness(account.password); !weak.empty()) {
    return core::InvalidArgument("password: " + weak);
  }
  archive::NewUser user;
  user.username = account.username;
  user.role = ArchiveRole(account.role);
  user.credit_code = account.credit_code;
  user.district = account.district;
  user.name = account.name;
  user.display_name = account.display_name;
  user.created_by = who.Actor();
  {
    core::WorkGate::Slot slot(kdf_gate_);
    BEIAN_ASSIGN_OR_RETURN(user.password_hash, core::HashPassword(account.password));
  }
  core::Result<archive::User> made = archive_.AddUser(user);
  if (!made.ok() && made.status().code() == core::Code::kInvalidArgument) {
    return core::InvalidArgument(ScopeField(account.role, made.status().message()) + ": 账户信息不完整或有误 / " +
                                 made.status().message());
  }
  if (!made.ok() && made.status().code() == core::Code::kFailedPrecondition) {
    return core::AlreadyExists("username: 用户名“" + account.username + "”已被使用 / \"" + account.username +
                               "\" is taken");
  }
  BEIAN_RETURN_IF_ERROR(made.status());
  return UserInfoOf(*made);
}

core::Result<std::vector<UserInfo>> Accounts::List(const Identity& who) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "listing users"));
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::User> users, archive_.ListUsers());
  std::vector<UserInfo> out;
  for (const archive::User& u : users) out.push_back(UserInfoOf(u));
  return out;
}

core::Result<UserInfo> Accounts::Disable(const Identity& who, int64_t id) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "disabling users"));
  BEIAN_ASSIGN_OR_RETURN(archive::User u, archive_.DisableUser(id, who.Actor()));
  return UserInfoOf(u);
}

core::Result<UserInfo> Accounts::SetPassword(const Identity& who, int64_t id, const std::string& password) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "setting passwords"));
  if (const std::string weak = core::PasswordWeakness(password); !weak.empty()) {
    return core::InvalidArgument("password: " + weak);
  }
  std::string hash;
  {
    core::WorkGate::Slot slot(kdf_gate_);
    BEIAN_ASSIGN_OR_RETURN(hash, core::HashPassword(password));
  }
  BEIAN_ASSIGN_OR_RETURN(archive::User u, archive_.SetUserPassword(id, hash, who.Actor()));
  return UserInfoOf(u);
}

core::Result<UserInfo> Accounts::Find(const Identity& who, std::string_view username) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "looking up users"));
  core::Result<archive::User> u = archive_.FindUser(FoldUsername(username));
  if (!u.ok() && u.status().code() == core::Code::kNotFound) {
    return core::NotFound("no user \"" + FoldUsername(username) + "\"");
  }
  BEIAN_RETURN_IF_ERROR(u.status());
  return UserInfoOf(*u);
}

const std::string& Accounts::DecoyHash() {
  std::call_once(decoy_once_, [this] {
    core::Result<std::string> hash = core::HashPassword("beian decoy password");
    decoy_hash_ = hash.ok() ? *hash : std::string();
  });
  return decoy_hash_;
}

core::Result<int64_t> Accounts::ThrottleWait(const std::string& key, int64_t free, const std::string& now) {
  BEIAN_ASSIGN_OR_RETURN(const archive::SignInFailures f, archive_.GetSignInThrottle(key));
  return SecondsLeft(f.last_failed_at, SignInDelaySeconds(f.failures, free), now);
}

core::Result<SignInOutcome> Accounts::SignIn(std::string_view username_in, std::string_view password,
                                             const std::string& address) {
  SignInOutcome out;
  const std::string username = FoldUsername(username_in);
  if (username.empty() || password.size() > 1024) return out;
  const std::string now = now_();
  core::Result<archive::User> user = archive_.FindUser(username);
  if (!user.ok() && user.status().code() != core::Code::kNotFound) return user.status();
  const bool known = user.ok();
  int64_t user_wait = 0;
  if (known) {
    BEIAN_ASSIGN_OR_RETURN(const archive::SignInFailures failures, archive_.GetSignInFailures(username));
    user_wait = SecondsLeft(failures.last_failed_at, SignInDelaySeconds(failures.failures, kFreeFailuresPerUser), now);
  } else {
    BEIAN_ASSIGN_OR_RETURN(user_wait, ThrottleWait(UnknownUserKey(username), kFreeFailuresPerUser, now));
  }
  BEIAN_ASSIGN_OR_RETURN(const int64_t address_wait, ThrottleWait(AddressKey(address), kFreeFailuresPerAddress, now));
  out.retry_after_seconds = std::max(user_wait, address_wait);
  if (out.retry_after_seconds > 0) return out;

  if (kdf_gate_.Waiting() >= kMostWaitingSignIns) {
    out.busy = true;
    return out;
  }
  const bool may_sign_in = known && !user->disabled();
  core::Status checked;
  {
    core::WorkGate::Slot slot(kdf_gate_);
    checked = core::CheckPassword(password, may_sign_in ? user->password_hash : DecoyHash());
  }
  // A stored hash that is not one beian writes (an edited catalog) signs
  // nobody in; verify names the edit.
  if (checked.code() == core::Code::kInternal) return checked;
  if (!may_sign_in || !checked.ok()) {
    if (known) {
      BEIAN_RETURN_IF_ERROR(archive_.RecordSignInFailure(username).status());
    } else {
      BEIAN_RETURN_IF_ERROR(archive_.RecordSignInThrottle(UnknownUserKey(username)).status());
    }
    BEIAN_RETURN_IF_ERROR(archive_.RecordSignInThrottle(AddressKey(address)).status());
    return out;
  }
  BEIAN_RETURN_IF_ERROR(archive_.ClearSignInFailures(username));

  BEIAN_ASSIGN_OR_RETURN(const std::string random, core::SecureRandomBytes(32));
  UserSessionInfo session;
  session.secret = "bs_" + core::Base32Encode(random);
  archive::NewUserSession record;
  record.secret_sha256 = core::Sha256Hex(session.secret);
  record.user_id = user->id;
  record.created_at = now;
  BEIAN_ASSIGN_OR_RETURN(record.expires_at, core::AddSeconds(now, limits_.max_seconds));
  BEIAN_ASSIGN_OR_RETURN(record.idle_until, core::AddSeconds(now, std::min(limits_.idle_seconds, limits_.max_seconds)));
  BEIAN_RETURN_IF_ERROR(archive_.AddUserSession(record));
  session.csrf_token = CsrfTokenOf(session.secret);
  session.expires_at = record.idle_until;
  session.user = UserInfoOf(*user);
  session.identity = IdentityOf(*user);
  out.session = std::move(session);
  return out;
}

core::Result<UserSessionInfo> Accounts::Resume(std::string_view secret) {
  const core::Status gone = core::NotFound("no session, or it has ended");
  if (secret.size() > 200) return gone;
  core::Result<archive::UserSession> found = archive_.FindUserSession(core::Sha256Hex(secret));
  if (!found.ok()) return found.status().code() == core::Code::kNotFound ? gone : found.status();
  const std::string now = now_();
  if (!found->ended_at.empty() || now >= found->idle_until || now >= found->expires_at) return gone;
  core::Result<archive::User> user = archive_.GetUser(found->user_id);
  if (!user.ok()) return user.status().code() == core::Code::kNotFound ? gone : user.status();
  if (user->disabled()) return gone;
  std::string idle_until = found->idle_until;
  BEIAN_ASSIGN_OR_RETURN(const std::string next, core::AddSeconds(now, limits_.idle_seconds));
  BEIAN_ASSIGN_OR_RETURN(const int64_t gained, core::SecondsBetween(idle_until, next));
  if (gained >= kTouchEverySeconds || (limits_.idle_seconds < 2 * kTouchEverySeconds && gained > 0)) {
    BEIAN_RETURN_IF_ERROR(archive_.TouchUserSession(found->secret_sha256, next));
    idle_until = std::min(next, found->expires_at);
  }
  UserSessionInfo session;
  session.csrf_token = CsrfTokenOf(secret);
  session.expires_at = idle_until;
  session.user = UserInfoOf(*user);
  session.identity = IdentityOf(*user);
  return session;
}

core::Status Accounts::SignOut(std::string_view secret) {
  if (secret.empty() || secret.size() > 200) return core::Status::Ok();
  return archive_.EndUserSession(core::Sha256Hex(secret));
}

}  // namespace beian::service
