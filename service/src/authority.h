// Who may do what: the access policy of DESIGN.md §6 as functions of the
// identity and the document. The only place it is written.
#ifndef BEIAN_SERVICE_SRC_AUTHORITY_H_
#define BEIAN_SERVICE_SRC_AUTHORITY_H_

#include <string_view>
#include <vector>

#include "beian/archive/records.h"
#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"
#include "beian/service/identity.h"
#include "beian/service/views.h"

namespace beian::service {

// Whether `who` may see the document at all: an enterprise its credit code's,
// a bureau its district's, admin every one.
bool InScope(const Identity& who, const archive::Document& document);

// Whether `who` may act for the bureau that keeps the document: the bureau of
// its district, or admin. kPermissionDenied naming `action` otherwise.
core::Status RequireBureauOf(const Identity& who, const archive::Document& document, std::string_view action);

// kPermissionDenied unless `who` is admin.
core::Status RequireAdmin(const Identity& who, std::string_view action);

// Whether `who` may issue `kind` with `data`. For a bureau's kind issued by a
// bureau, the bureau's name and district are written into data's "bureau"
// from the identity (whatever the data said). An enterprise's document must
// carry the identity's credit code and registered name. Refusals are
// kPermissionDenied (not entitled), with one problem whose path points into
// the request ("/kind", "/data/enterprise/credit_code"), or kInvalidArgument
// (the data names another enterprise name), with one problem whose path
// points into the data, as validation problems do.
core::Status AuthorizeIssue(const Identity& who, const KindInfo& kind, core::Json& data,
                            std::vector<core::Problem>& problems);

// Whether `who` may backdate a document: admin only (a backfill of a paper
// archive). The problem names /issued_at.
core::Status AuthorizeBackfill(const Identity& who, std::vector<core::Problem>& problems);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_SRC_AUTHORITY_H_
