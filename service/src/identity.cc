#include "beian/service/identity.h"

#include <utility>

namespace beian::service {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kEnterprise:
      return "enterprise";
    case Role::kBureau:
      return "bureau";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

core::Result<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kEnterprise, Role::kBureau, Role::kAdmin}) {
    if (RoleName(role) == name) return role;
  }
  return core::InvalidArgument("role must be enterprise, bureau or admin, not \"" + std::string(name) + "\"");
}

std::string Identity::Actor() const {
  const std::string who = token_id > 0  ? "token-" + std::to_string(token_id)
                          : user_id > 0 ? "user-" + std::to_string(user_id)
                                        : "cli";
  return label.empty() ? who : who + " " + label;
}

Identity LocalAdministrator(std::string name) {
  Identity id;
  id.role = Role::kAdmin;
  id.label = std::move(name);
  return id;
}

}  // namespace beian::service
