// Who is asking. An identity is the server's fact, made from authentication (a
// bearer token, or an administrator at the archive's machine), never from a
// request body: role, credit code, district, names and the audit actor all come
// from here.
#ifndef BEIAN_SERVICE_IDENTITY_H_
#define BEIAN_SERVICE_IDENTITY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "beian/core/status.h"

namespace beian::service {

// What an identity speaks for.
enum class Role {
  kEnterprise,  // one property-service enterprise (its credit code)
  kBureau,      // one district's housing bureau (区县房屋行政主管部门)
  kAdmin,       // the city's administrators of beian
};

// "enterprise", "bureau" or "admin".
std::string_view RoleName(Role role);

// The role named by RoleName; kInvalidArgument for anything else.
core::Result<Role> ParseRole(std::string_view name);

struct Identity {
  Role role = Role::kEnterprise;
  // The token authenticated, or 0 for a signed-in user or an administrator at
  // the command line.
  int64_t token_id = 0;
  // The user signed in to the console, or 0.
  int64_t user_id = 0;
  // Whom the token was made for ("朝阳区住建委 王红"), the user's name (王红),
  // or the local administrator's name.
  std::string label;
  // kEnterprise: its 统一社会信用代码.
  std::string credit_code;
  // kEnterprise: its registered name; kBureau: the bureau's official name
  // (北京市朝阳区住房和城乡建设委员会). Documents are issued in this name.
  std::string name;
  // kBureau: its district (朝阳区).
  std::string district;

  // Who did it, as the audit log and the catalog record it: "token-12
  // 朝阳区住建委 王红" (the token id and its label), "user-3 王红" (a user
  // signed in to the console), "cli 王红" for a local administrator.
  std::string Actor() const;
};

// An administrator working at the archive's machine (the `beian` command):
// whoever can write the archive's files is one. `name` is recorded as the
// actor; empty means "cli".
Identity LocalAdministrator(std::string name);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_IDENTITY_H_
