// The console for people: sign-in sessions, user administration, the
// console's pages and assets, and the public verification page the QR code
// on every document opens (/v/NUMBER?k=KEY).
#ifndef BEIAN_API_SRC_CONSOLE_H_
#define BEIAN_API_SRC_CONSOLE_H_

#include <map>
#include <string>

#include "beian/api/router.h"
#include "beian/core/status.h"
#include "beian/service/filing_service.h"

namespace beian::api::internal {

struct ConsoleContext {
  service::FilingService* service = nullptr;
  // The console's files by name (index.html, app.js, ...); empty serves no
  // console pages (the session and user routes stay).
  std::map<std::string, std::string> files;
  // Public checks (the /v/ page and GET /v1/verify/{number}) one address may
  // make per minute.
  int public_checks_per_minute = 60;
};

// Registers the session, user, console and public-page routes.
core::Status RegisterConsole(const ConsoleContext& context, Router& router);

// The public verification page of a check made at `checked_at` (Beijing
// time), as HTML (no script, no personal data: the check holds none).
std::string PublicCheckPage(const service::PublicCheck& check, const std::string& checked_at);

}  // namespace beian::api::internal

#endif  // BEIAN_API_SRC_CONSOLE_H_
