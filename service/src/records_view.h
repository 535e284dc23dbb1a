// The archive's records as the service hands them out (views.h), and back.
#ifndef BEIAN_SERVICE_SRC_RECORDS_VIEW_H_
#define BEIAN_SERVICE_SRC_RECORDS_VIEW_H_

#include "beian/archive/archive.h"
#include "beian/archive/records.h"
#include "beian/archive/verify_report.h"
#include "beian/core/json.h"
#include "beian/domain/calendar.h"
#include "beian/service/identity.h"
#include "beian/service/views.h"

namespace beian::service {

archive::AccessRole ArchiveRole(Role role);
Role RoleOf(archive::AccessRole role);

// The status as the field says it: 已出具, 已签章, 已受理, 已备案, 不予备案, 已作废.
std::string_view StatusLabel(archive::DocumentStatus status);

// The identity a recorded token speaks for.
Identity IdentityOf(const archive::AccessToken& token);
TokenInfo TokenInfoOf(const archive::AccessToken& token);
// A person signed in to the console, as the service speaks of them.
Identity IdentityOf(const archive::User& user);
UserInfo UserInfoOf(const archive::User& user);

// Names masked of ID numbers; `data` parsed only when `with_data`; the
// decision deadline reckoned on `calendar` (firm once it holds every year the
// 10 working days reach, else provisional).
DocumentInfo DocumentInfoOf(const archive::Document& d, bool with_data, const domain::HolidayCalendar& calendar);
SignedCopyInfo SignedCopyInfoOf(const archive::SignedCopy& c);
ReprintInfo ReprintInfoOf(const archive::Reprint& r);

// What the public check tells of a document: its state and issuer, nothing
// personal. `kind` may be null (a kind no longer in the catalogue).
// The proof handed out for a document (evidence.h) from the archive's.
DocumentProof DocumentProofOf(const archive::AuditProof& proof, const core::VerifyingKey& key);

PublicCheck PublicCheckOf(const archive::Document& d, const core::Json& data, const KindInfo* kind);

// The storage findings, as problems and notices.
void AddStorageFindings(const archive::VerifyReport& report, VerifyOutcome& outcome);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_SRC_RECORDS_VIEW_H_
