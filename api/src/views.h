// The JSON shapes of the v1 API (api/openapi.json's schemas) for the service's
// values.
#ifndef BEIAN_API_SRC_VIEWS_H_
#define BEIAN_API_SRC_VIEWS_H_

#include <string>

#include "beian/core/json.h"
#include "beian/service/views.h"

namespace beian::api {

// "/v1/documents/<id>".
std::string DocumentPath(int64_t id);

// A document's catalog entry, with its data when the view carries it.
core::Json DocumentJson(const service::DocumentInfo& d);
core::Json SignedCopyJson(const service::SignedCopyInfo& c);
core::Json ReprintJson(const service::ReprintInfo& r);
core::Json PublicCheckJson(const service::PublicCheck& check);
core::Json KindJson(const service::KindInfo& kind);
// A conflict's documents: whole entries in scope, number, kind and district
// only for the others.
core::Json StaffConflictJson(const service::StaffConflictInfo& conflict);
// A document of the work queue: DocumentJson and its deadline.
core::Json QueueItemJson(const service::QueueItem& item);
core::Json AuditEntryJson(const service::AuditEntryInfo& entry);
core::Json UserJson(const service::UserInfo& user);
// The signed-in user and the CSRF token (never the session's secret).
core::Json SessionJson(const service::UserSessionInfo& session);

}  // namespace beian::api

#endif  // BEIAN_API_SRC_VIEWS_H_
