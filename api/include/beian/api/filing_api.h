// The beian HTTP API (v1): documents, signed copies, reprints, search,
// verification and the kinds catalogue, with bearer-token authentication.
// Described for clients in api/openapi.json (served at /openapi.json).
//
// Every route but GET /healthz and GET /v1/verify/{number} needs
// "Authorization: Bearer <secret>" of a token made by `beian token create`.
// Who may do what is the service's decision (see filing_service.h); this
// layer maps its answers to HTTP: kNotFound 404 (also for a document outside
// the token's scope), kPermissionDenied 403, kInvalidArgument 422 with every
// problem, kFailedPrecondition 409. /metrics is for admin tokens.
#ifndef BEIAN_API_FILING_API_H_
#define BEIAN_API_FILING_API_H_

#include <map>
#include <string>

#include "beian/api/metrics.h"
#include "beian/api/router.h"
#include "beian/core/status.h"
#include "beian/service/filing_service.h"

namespace beian::api {

// What the API serves from. Everything pointed to must outlive the router.
struct FilingApiContext {
  service::FilingService* service = nullptr;
  Metrics* metrics = nullptr;  // also served at /metrics
  // The OpenAPI document served at /openapi.json.
  std::string openapi_json;
  // The web console's files by name (index.html, app.js, ...), served at
  // /assets/NAME and index.html at the console's pages; empty: no console.
  std::map<std::string, std::string> console_files;
  // Public checks (the /v/ page the QR code opens, GET /v1/verify/{number})
  // one address may make per minute.
  int public_checks_per_minute = 60;
};

// A router with every route of the API registered. kInvalidArgument if the
// context lacks a part.
core::Result<Router> MakeFilingApi(const FilingApiContext& context);

}  // namespace beian::api

#endif  // BEIAN_API_FILING_API_H_
