// `beian serve` (the HTTP service) and `beian token` (its access tokens).
#ifndef BEIAN_CLI_SRC_SERVER_COMMANDS_H_
#define BEIAN_CLI_SRC_SERVER_COMMANDS_H_

#include <string>
#include <vector>

#include "beian/service/filing_service.h"

namespace beian::cli {

// beian token create --role enterprise --credit-code CODE --name NAME |
//   --role bureau --district D --name NAME | --role admin [--label TEXT];
//   token list; token revoke ID. `args` starts with "token". Returns the
//   exit code.
int TokenCommand(service::FilingService& service,
                 const std::vector<std::string>& args);

// beian user create USERNAME --role ... --display-name NAME [--password-stdin];
//   user list; user disable USERNAME; user password USERNAME. People who sign
//   in to the console. `args` starts with "user". Returns the exit code.
int UserCommand(service::FilingService& service, const std::vector<std::string>& args);

// beian serve [--config FILE] [--host H] [--port P] [--access-log FILE|-]
//   [--admin-token]: serves the API until SIGTERM or SIGINT, then drains.
// `archive_name` says which archive in the log. `args` starts with "serve".
// Returns the exit code.
int ServeCommand(service::FilingService& service, const std::string& root,
                 const std::string& archive_name,
                 const std::vector<std::string>& args);

}  // namespace beian::cli

#endif  // BEIAN_CLI_SRC_SERVER_COMMANDS_H_
