#include "server_commands.h"

#include <malloc.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "beian/api/access_log.h"
#include "beian/api/filing_api.h"
#include "beian/api/metrics.h"
#include "beian/api/server.h"
#include "beian/core/json.h"
#include "beian/core/log.h"
#include "beian/core/version.h"
#include "beian/service/filing_service.h"
#include "common.h"

namespace beian::cli {
namespace {

constexpr char kTokenUsage[] =
    "usage: beian token create --role enterprise --credit-code CODE --name "
    "REGISTERED-NAME | --role bureau --district DISTRICT --name BUREAU-NAME | "
    "--role admin [--label TEXT] [--actor NAME]\n"
    "       beian token list\n"
    "       beian token revoke ID";

// The next argument as the value of option args[i].
bool Value(const std::vector<std::string>& args, size_t& i, std::string& into) {
  if (i + 1 >= args.size()) return false;
  into = args[++i];
  return true;
}

void PrintToken(const service::TokenInfo& t, std::ostream& out) {
  out << t.id << "\t" << service::RoleName(t.role) << "\t"
      << (t.role == service::Role::kEnterprise ? t.credit_code
                                               : t.district.empty()
                                                     ? "-"
                                                     : t.district)
      << "\t" << (t.name.empty() ? "-" : t.name)
      << "\t" << (t.label.empty() ? "-" : t.label) << "\t" << t.created_at
      << "\t" << (!t.revoked_at.empty() ? "revoked " + t.revoked_at : "valid") << "\n";
}

// The server's settings: a JSON config file, then command-line options.
struct ServeOptions {
  api::ServerConfig server;
  std::string access_log;  // "" none, "-" stdout, else a file
  std::string log = "-";   // the server's own log, JSON lines: "-" stderr, else a file
  bool admin_token = false;
  int drain_seconds = 20;
  service::UploadLimits uploads;
  int public_checks_per_minute = 60;
};

// The console's files (<root>/console/*, one level), by name.
core::Result<std::map<std::string, std::string>> ReadConsoleFiles(const std::string& root) {
  std::map<std::string, std::string> files;
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::path(root) / "console";
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    BEIAN_ASSIGN_OR_RETURN(std::string bytes, ReadFile(entry.path().string()));
    files.emplace(entry.path().filename().string(), std::move(bytes));
  }
  if (ec) return core::IoError("cannot list " + dir.string() + ": " + ec.message());
  return files;
}

constexpr char kUserUsage[] =
    "usage: beian user create USERNAME --role enterprise --credit-code CODE --name REGISTERED-NAME |\n"
    "                  --role bureau --district DISTRICT --name BUREAU-NAME | --role admin\n"
    "                  --display-name NAME [--password-stdin] [--actor NAME]\n"
    "       beian user list\n"
    "       beian user disable USERNAME [--actor NAME]\n"
    "       beian user password USERNAME [--password-stdin] [--actor NAME]";

void PrintUser(const service::UserInfo& u, std::ostream& out) {
  out << u.id << "\t" << u.username << "\t" << service::RoleName(u.role) << "\t"
      << (u.role == service::Role::kEnterprise ? u.credit_code : u.district.empty() ? "-" : u.district) << "\t"
      << (u.name.empty() ? "-" : u.name) << "\t" << u.display_name << "\t" << u.created_at << "\t"
      << (u.disabled_at.empty() ? "active" : "disabled " + u.disabled_at) << "\n";
}

// One line from `in` without its line end.
bool ReadLine(std::istream& in, std::string& line) {
  if (!std::getline(in, line)) return false;
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return true;
}

// A new password: one line on stdin (--password-stdin), or typed twice on
// the terminal without echo.
core::Result<std::string> NewPassword(bool from_stdin) {
  std::string password;
  if (from_stdin) {
    if (!ReadLine(std::cin, password)) return core::InvalidArgument("no password on stdin");
    return password;
  }
  if (::isatty(STDIN_FILENO) == 0) {
    return core::InvalidArgument("stdin is not a terminal: give the password with --password-stdin");
  }
  termios saved{};
  ::tcgetattr(STDIN_FILENO, &saved);
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::string again;
  std::cerr << "password: " << std::flush;
  const bool first = ReadLine(std::cin, password);
  std::cerr << "\nagain: " << std::flush;
  const bool second = ReadLine(std::cin, again);
  std::cerr << "\n";
  ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
  if (!first || !second) return core::InvalidArgument("no password given");
  if (password != again) return core::InvalidArgument("the two passwords differ");
  return password;
}

core::Status ApplyConfigFile(const std::string& path, ServeOptions& options) {
  BEIAN_ASSIGN_OR_RETURN(core::Json config, ReadConfig(path));
  api::ServerConfig& s = options.server;
  for (const auto& [key, value] : config.as_object()) {
    auto number = [&, key = key, value = &value](int64_t low,
                                                 int64_t high) -> core::Result<int64_t> {
      if (!value->is_integer() || value->as_int() < low ||
          value->as_int() > high) {
        return core::InvalidArgument(path + ": " + key + " must be an integer " +
                                     std::to_string(low) + ".." +
                                     std::to_string(high));
      }
      return value->as_int();
    };
    auto text_value = [&, key = key, value = &value]() -> core::Result<std::string> {
      if (!value->is_string()) {
        return core::InvalidArgument(path + ": " + key + " must be a string");
      }
      return value->as_string();
    };
    if (key == "host") {
      BEIAN_ASSIGN_OR_RETURN(s.host, text_value());
    } else if (key == "port") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(0, 65535));
      s.port = static_cast<uint16_t>(v);
    } else if (key == "max_body_bytes") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1024, int64_t{1} << 31));
      s.max_body_bytes = static_cast<size_t>(v);
    } else if (key == "max_body_bytes_in_flight") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1024, int64_t{1} << 40));
      s.max_body_bytes_in_flight = static_cast<size_t>(v);
    } else if (key == "large_body_bytes") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1024, int64_t{1} << 31));
      s.large_body_bytes = static_cast<size_t>(v);
    } else if (key == "large_body_slots") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 1024));
      s.large_body_slots = static_cast<int>(v);
    } else if (key == "max_url_bytes") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(256, 1 << 20));
      s.max_url_bytes = static_cast<size_t>(v);
    } else if (key == "max_header_bytes") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1024, 1 << 20));
      s.max_header_bytes = static_cast<size_t>(v);
    } else if (key == "max_threads") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 1024));
      s.max_threads = static_cast<int>(v);
    } else if (key == "max_queued") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 65536));
      s.max_queued = static_cast<int>(v);
    } else if (key == "max_connections") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 1000000));
      s.max_connections = static_cast<int>(v);
    } else if (key == "max_connections_per_address") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 1000000));
      s.max_connections_per_address = static_cast<int>(v);
    } else if (key == "header_timeout_ms") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(100, 3600000));
      s.header_timeout = std::chrono::milliseconds(v);
    } else if (key == "receive_timeout_ms") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(100, 3600000));
      s.receive_timeout = std::chrono::milliseconds(v);
    } else if (key == "min_body_bytes_per_second") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(0, int64_t{1} << 30));
      s.min_body_rate = static_cast<size_t>(v);
    } else if (key == "body_rate_window_ms") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(100, 3600000));
      s.body_rate_window = std::chrono::milliseconds(v);
    } else if (key == "send_timeout_ms") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(100, 3600000));
      s.send_timeout = std::chrono::milliseconds(v);
    } else if (key == "keep_alive_timeout_ms") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(100, 3600000));
      s.keep_alive_timeout = std::chrono::milliseconds(v);
    } else if (key == "drain_seconds") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(0, 3600));
      options.drain_seconds = static_cast<int>(v);
    } else if (key == "upload_deadline_ms") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(100, 3600000));
      options.uploads.deadline = std::chrono::milliseconds(v);
    } else if (key == "upload_memory_mb") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(64, 65536));
      options.uploads.memory_bytes = static_cast<uint64_t>(v) << 20;
    } else if (key == "upload_cpu_seconds") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 3600));
      options.uploads.cpu_seconds = static_cast<int>(v);
    } else if (key == "upload_inspections") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 256));
      options.uploads.slots = static_cast<int>(v);
    } else if (key == "cert_file") {
      BEIAN_ASSIGN_OR_RETURN(s.cert_file, text_value());
    } else if (key == "key_file") {
      BEIAN_ASSIGN_OR_RETURN(s.key_file, text_value());
    } else if (key == "access_log") {
      BEIAN_ASSIGN_OR_RETURN(options.access_log, text_value());
    } else if (key == "log") {
      BEIAN_ASSIGN_OR_RETURN(options.log, text_value());
    } else if (key == "signing_key" || key == "public_url") {
      // Read before the archive opened (main.cc): checked here like the rest.
      BEIAN_RETURN_IF_ERROR(text_value().status());
    } else if (key == "session_idle_seconds" || key == "session_max_seconds") {
      BEIAN_RETURN_IF_ERROR(number(1, 30 * 86400).status());  // also read by main.cc
    } else if (key == "public_checks_per_minute") {
      BEIAN_ASSIGN_OR_RETURN(int64_t v, number(1, 100000));
      options.public_checks_per_minute = static_cast<int>(v);
    } else {
      return core::InvalidArgument(path + ": unknown setting \"" + key + "\"");
    }
  }
  return core::Status::Ok();
}

}  // namespace

int TokenCommand(service::FilingService& service,
                 const std::vector<std::string>& args) {
  if (args.size() < 2) return Fail(kExitUsage, kTokenUsage);
  // Whoever runs `beian` on the archive's machine can write its files: an
  // administrator.
  std::string actor;
  std::vector<std::string> rest;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--actor" && Value(args, i, actor)) continue;
    rest.push_back(args[i]);
  }
  if (rest.empty()) return Fail(kExitUsage, kTokenUsage);
  const service::Identity who = service::LocalAdministrator(actor);
  const std::string& verb = rest[0];
  if (verb == "list" && rest.size() == 1) {
    core::Result<std::vector<service::TokenInfo>> tokens = service.ListTokens(who);
    if (!tokens.ok()) return Fail(kExitInternal, tokens.status().message());
    for (const service::TokenInfo& t : *tokens) PrintToken(t, std::cout);
    return 0;
  }
  if (verb == "revoke" && rest.size() == 2) {
    const std::string& id = rest[1];
    if (id.empty() || id.size() > 18 ||
        id.find_first_not_of("0123456789") != std::string::npos) {
      return Fail(kExitUsage, "token revoke needs the token's id (see token list)");
    }
    core::Result<service::TokenInfo> revoked = service.RevokeToken(who, std::stoll(id));
    if (!revoked.ok()) {
      return Fail(revoked.status().code() == core::Code::kNotFound
                      ? kExitBadInput
                      : kExitInternal,
                  revoked.status().message());
    }
    PrintToken(*revoked, std::cout);
    return 0;
  }
  if (verb != "create") return Fail(kExitUsage, kTokenUsage);
  service::NewToken token;
  std::string role;
  for (size_t i = 1; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    std::string* into = a == "--role"          ? &role
                        : a == "--credit-code" ? &token.credit_code
                        : a == "--district"    ? &token.district
                        : a == "--name"        ? &token.name
                        : a == "--label"       ? &token.label
                                               : nullptr;
    if (into == nullptr || !Value(rest, i, *into)) {
      return Fail(kExitUsage, kTokenUsage);
    }
  }
  core::Result<service::Role> parsed = service::ParseRole(role);
  if (!parsed.ok()) return Fail(kExitUsage, parsed.status().message());
  token.role = *parsed;
  core::Result<service::CreatedToken> created = service.CreateToken(who, token);
  if (!created.ok()) {
    return Fail(created.status().code() == core::Code::kInvalidArgument
                    ? kExitBadInput
                    : kExitInternal,
                created.status().message());
  }
  // The secret alone on stdout (for scripts); what it is on stderr.
  std::cout << created->secret << "\n";
  std::cerr << "beian: token ";
  PrintToken(created->token, std::cerr);
  std::cerr << "beian: keep the secret; only its SHA-256 is stored\n";
  return 0;
}

int UserCommand(service::FilingService& service, const std::vector<std::string>& args) {
  std::string actor;
  bool password_stdin = false;
  std::vector<std::string> rest;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--actor" && Value(args, i, actor)) continue;
    if (args[i] == "--password-stdin") {
      password_stdin = true;
      continue;
    }
    rest.push_back(args[i]);
  }
  if (rest.empty()) return Fail(kExitUsage, kUserUsage);
  const service::Identity who = service::LocalAdministrator(actor);
  const std::string& verb = rest[0];
  auto fail = [](const core::Status& status) {
    const core::Code code = status.code();
    return Fail(code == core::Code::kInvalidArgument || code == core::Code::kNotFound ||
                        code == core::Code::kAlreadyExists
                    ? kExitBadInput
                    : kExitInternal,
                status.message());
  };
  if (verb == "list" && rest.size() == 1) {
    core::Result<std::vector<service::UserInfo>> users = service.ListUsers(who);
    if (!users.ok()) return fail(users.status());
    for (const service::UserInfo& u : *users) PrintUser(u, std::cout);
    return 0;
  }
  if ((verb == "disable" || verb == "password") && rest.size() == 2) {
    core::Result<service::UserInfo> user = service.FindUser(who, rest[1]);
    if (!user.ok()) return fail(user.status());
    if (verb == "disable") {
      user = service.DisableUser(who, user->id);
    } else {
      core::Result<std::string> password = NewPassword(password_stdin);
      if (!password.ok()) return Fail(kExitBadInput, password.status().message());
      user = service.SetUserPassword(who, user->id, *password);
    }
    if (!user.ok()) return fail(user.status());
    PrintUser(*user, std::cout);
    return 0;
  }
  if (verb != "create" || rest.size() < 2) return Fail(kExitUsage, kUserUsage);
  service::NewUserAccount account;
  account.username = rest[1];
  std::string role;
  for (size_t i = 2; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    std::string* into = a == "--role"           ? &role
                        : a == "--credit-code"  ? &account.credit_code
                        : a == "--district"     ? &account.district
                        : a == "--name"         ? &account.name
                        : a == "--display-name" ? &account.display_name
                                                : nullptr;
    if (into == nullptr || !Value(rest, i, *into)) return Fail(kExitUsage, kUserUsage);
  }
  core::Result<service::Role> parsed = service::ParseRole(role);
  if (!parsed.ok()) return Fail(kExitUsage, parsed.status().message());
  account.role = *parsed;
  core::Result<std::string> password = NewPassword(password_stdin);
  if (!password.ok()) return Fail(kExitBadInput, password.status().message());
  account.password = std::move(password).value();
  core::Result<service::UserInfo> made = service.CreateUser(who, std::move(account));
  if (!made.ok()) return fail(made.status());
  PrintUser(*made, std::cout);
  return 0;
}

int ServeCommand(service::FilingService& service,
                 const std::string& root, const std::string& archive_name,
                 const std::vector<std::string>& args) {
  // A fixed threshold: every block of 4 MiB or more (bodies, the vectors of a
  // large JSON document) is mapped on its own and given back when freed. The
  // default adapts upwards after each such free, after which each of the
  // workers' arenas keeps its largest body's worth: twelve large requests on
  // different workers grew the peak RSS from 184 to 681 MB (4 MiB: 266 MB,
  // and the server trims after each large request). Not lower: rendering
  // allocates blocks of 1–4 MiB, and mapping each costs page faults.
  ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
  // Before any thread starts: the signals are for WaitForTerminationSignal.
  if (core::Status blocked = api::BlockTerminationSignals(); !blocked.ok()) {
    return Fail(kExitInternal, blocked.message());
  }
  ServeOptions options;
  // The config file first: the options on the command line win over it.
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[i] != "--config") continue;
    if (core::Status s = ApplyConfigFile(args[i + 1], options); !s.ok()) return Fail(kExitBadInput, s.message());
  }
  std::string port;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string value;
    if (a == "--admin-token") {
      options.admin_token = true;
    } else if (a == "--config" && Value(args, i, value)) {
    } else if (a == "--host" && Value(args, i, options.server.host)) {
    } else if (a == "--port" && Value(args, i, port)) {
      if (port.empty() || port.size() > 5 ||
          port.find_first_not_of("0123456789") != std::string::npos ||
          std::stoi(port) > 65535) {
        return Fail(kExitUsage, "--port needs a number 0..65535");
      }
      options.server.port = static_cast<uint16_t>(std::stoi(port));
    } else if (a == "--access-log" && Value(args, i, options.access_log)) {
    } else if (a == "--log" && Value(args, i, options.log)) {
    } else {
      return Fail(kExitUsage,
                  "usage: beian serve [--config FILE] [--host H] [--port P] "
                  "[--access-log FILE|-] [--log FILE|-] [--admin-token]");
    }
  }
  // The server's own log: JSON lines from here on, on stderr or in a file.
  std::ofstream log_file;
  if (options.log != "-") {
    log_file.open(options.log, std::ios::app);
    if (!log_file) return Fail(kExitInternal, "cannot open the log " + options.log);
  }
  core::SetLogOutput(options.log == "-" ? &std::cerr : &log_file);
  struct Unset {
    ~Unset() { core::SetLogOutput(nullptr); }
  } unset;
  // The fonts before the port opens: a changed font file stops the server
  // here, and the first request does not wait for them.
  if (core::Status fonts = service.LoadFonts(); !fonts.ok()) return Fail(kExitInternal, fonts.message());
  core::Result<std::string> openapi = ReadFile(root + "/api/openapi.json");
  if (!openapi.ok()) return Fail(kExitInternal, openapi.status().message());
  core::Result<std::map<std::string, std::string>> console = ReadConsoleFiles(root);
  if (!console.ok()) return Fail(kExitInternal, console.status().message());
  if (core::Status started = service.StartUploadInspection(options.uploads); !started.ok()) {
    return Fail(kExitInternal, started.message());
  }

  std::unique_ptr<api::AccessLog> access_log;
  if (options.access_log == "-") {
    access_log = std::make_unique<api::AccessLog>(&std::cout);
  } else if (!options.access_log.empty()) {
    core::Result<std::unique_ptr<api::AccessLog>> file =
        api::AccessLog::OpenFile(options.access_log);
    if (!file.ok()) return Fail(kExitInternal, file.status().message());
    access_log = std::move(file).value();
  }
  api::Metrics metrics;
  api::FilingApiContext context;
  context.service = &service;
  context.metrics = &metrics;
  context.openapi_json = std::move(openapi).value();
  context.console_files = std::move(console).value();
  context.public_checks_per_minute = options.public_checks_per_minute;
  core::Result<api::Router> router = api::MakeFilingApi(context);
  if (!router.ok()) return Fail(kExitInternal, router.status().message());
  api::Server server(options.server, std::move(router).value(), &metrics,
                     access_log.get());
  if (core::Status started = server.Start(); !started.ok()) {
    return Fail(kExitInternal, "cannot start the server: " + started.message());
  }
  const std::string address = std::string(server.secure() ? "https" : "http") +
                              "://" + options.server.host + ":" +
                              std::to_string(server.port());
  // QR codes open this server's own verification page unless the config
  // names the public address (behind a proxy, the address people reach).
  const bool wildcard = options.server.host == "0.0.0.0" || options.server.host == "::";
  if (service.PublicUrl().empty() && wildcard) {
    core::Log(core::LogLevel::kWarning, "public_url_unset",
              "listening on every address: set public_url in the config, or QR codes print beian:verify/... "
              "which no phone opens");
  } else if (service.PublicUrl().empty()) {
    if (core::Status set = service.SetPublicUrl(address); !set.ok()) {
      server.Stop(std::chrono::milliseconds(0));
      return Fail(kExitBadInput, set.message());
    }
  }
  if (options.admin_token) {
    service::NewToken admin;
    admin.role = service::Role::kAdmin;
    admin.label = "beian serve --admin-token";
    core::Result<service::CreatedToken> created =
        service.CreateToken(service::LocalAdministrator("serve"), admin);
    if (!created.ok()) {
      server.Stop(std::chrono::milliseconds(0));
      return Fail(kExitInternal, created.status().message());
    }
    // For the operator who asked, on the terminal; never into a log.
    std::cerr << "beian: admin token " << created->secret << "\n" << std::flush;
    core::Log(core::LogLevel::kInfo, "admin_token", "an admin token was made for this run (its secret is not logged)",
              {{"token_id", std::to_string(created->token.id)}});
  }
  core::Log(core::LogLevel::kInfo, "serving",
            "serving " + address + " (archive " + archive_name + "); SIGTERM or Ctrl-C stops",
            {{"address", address}, {"archive", archive_name}, {"version", core::Version()}});
  const int signal = api::WaitForTerminationSignal();
  core::Log(core::LogLevel::kInfo, "draining", "signal " + std::to_string(signal) + ", draining requests in flight",
            {{"signal", std::to_string(signal)}, {"drain_seconds", std::to_string(options.drain_seconds)}});
  server.Stop(std::chrono::seconds(options.drain_seconds));
  core::Log(core::LogLevel::kInfo, "stopped", "stopped");
  return 0;
}

}  // namespace beian::cli
