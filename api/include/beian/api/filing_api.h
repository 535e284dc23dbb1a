// The beian HTTP API (v1): documents, signed copies, reprints, search,
// verification and the kinds catalogue, with bearer-token access control.
// Described for clients in api/openapi.json (served at /openapi.json).
//
// Access: every route but GET /healthz and GET /v1/verify/{number} needs
// "Authorization: Bearer <secret>" of a token made by `beian token create`.
// An enterprise token sees only documents of its own credit code, a bureau
// token only those of its district, an admin token all; a document outside a
// token's scope is answered 404, as if it did not exist. /metrics is for
// admin tokens.
#ifndef BEIAN_API_FILING_API_H_
#define BEIAN_API_FILING_API_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "beian/api/metrics.h"
#include "beian/api/router.h"
#include "beian/archive/archive.h"
#include "beian/core/status.h"
#include "beian/render/catalog.h"
#include "beian/service/filing_service.h"

namespace beian::api {

// What the API serves from. Everything pointed to must outlive the router.
struct FilingApiContext {
  service::FilingService* filing = nullptr;
  archive::Archive* archive = nullptr;
  const render::Catalog* catalog = nullptr;
  Metrics* metrics = nullptr;  // also served at /metrics
  // The current time in Beijing, "2026-11-27T10:00:00+08:00"; null means
  // archive::NowInBeijing.
  std::function<std::string()> now;
  // The OpenAPI document served at /openapi.json.
  std::string openapi_json;
  // How long a token looked up in the archive is trusted without looking
  // again: a revocation takes effect within this time.
  std::chrono::milliseconds token_cache_ttl{5000};
};

// A router with every route of the API registered. kInvalidArgument if the
// context lacks a part.
core::Result<Router> MakeFilingApi(const FilingApiContext& context);

}  // namespace beian::api

#endif  // BEIAN_API_FILING_API_H_
