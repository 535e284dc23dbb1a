#include "records_view.h"

#include "beian/core/id_numbers.h"
#include "beian/domain/rules.h"
#include "documents.h"

namespace beian::service {

archive::AccessRole ArchiveRole(Role role) {
  switch (role) {
    case Role::kEnterprise:
      return archive::AccessRole::kEnterprise;
    case Role::kBureau:
      return archive::AccessRole::kBureau;
    case Role::kAdmin:
      return archive::AccessRole::kAdmin;
  }
  return archive::AccessRole::kEnterprise;
}

std::string_view StatusLabel(archive::DocumentStatus status) {
  switch (status) {
    case archive::DocumentStatus::kIssued:
      return "已出具";
    case archive::DocumentStatus::kSigned:
      return "已签章";
    case archive::DocumentStatus::kAccepted:
      return "已受理";
    case archive::DocumentStatus::kFiled:
      return "已备案";
    case archive::DocumentStatus::kRefused:
      return "不予备案";
    case archive::DocumentStatus::kRevoked:
      return "已作废";
  }
  return "";
}

Role RoleOf(archive::AccessRole role) {
  switch (role) {
    case archive::AccessRole::kEnterprise:
      return Role::kEnterprise;
    case archive::AccessRole::kBureau:
      return Role::kBureau;
    case archive::AccessRole::kAdmin:
      return Role::kAdmin;
  }
  return Role::kEnterprise;
}

Identity IdentityOf(const archive::AccessToken& token) {
  Identity id;
  id.role = RoleOf(token.role);
  id.token_id = token.id;
  id.label = token.label;
  id.credit_code = token.credit_code;
  id.name = token.name;
  id.district = token.district;
  return id;
}

UserInfo UserInfoOf(const archive::User& u) {
  UserInfo out;
  out.id = u.id;
  out.username = u.username;
  out.role = RoleOf(u.role);
  out.display_name = u.display_name;
  out.name = u.name;
  out.district = u.district;
  out.credit_code = u.credit_code;
  out.created_by = u.created_by;
  out.created_at = u.created_at;
  out.disabled_at = u.disabled_at;
  return out;
}

Identity IdentityOf(const archive::User& u) {
  Identity id;
  id.role = RoleOf(u.role);
  id.user_id = u.id;
  id.label = u.display_name;
  id.credit_code = u.credit_code;
  id.name = u.name;
  id.district = u.district;
  return id;
}

TokenInfo TokenInfoOf(const archive::AccessToken& t) {
  TokenInfo out;
  out.id = t.id;
  out.role = RoleOf(t.role);
  out.credit_code = t.credit_code;
  out.district = t.district;
  out.name = t.name;
  out.label = t.label;
  out.created_by = t.created_by;
  out.created_at = t.created_at;
  out.revoked_at = t.revoked_at;
  return out;
}

DocumentInfo DocumentInfoOf(const archive::Document& d, bool with_data, const domain::HolidayCalendar& calendar) {
  DocumentInfo out;
  out.id = d.id;
  out.number = d.number;
  out.kind = d.kind;
  out.template_version = d.template_version;
  out.credit_code = d.credit_code;
  out.enterprise_name = core::MaskIdNumbers(d.enterprise_name);
  out.project_name = core::MaskIdNumbers(d.project_name);
  out.district = d.district;
  out.issued_at = d.issued_at;
  out.created_by = d.created_by;
  out.sha256 = d.sha256;
  out.sm3 = d.sm3;
  out.bytes = d.bytes;
  out.pages = d.pages;
  out.pdf_standard = d.pdf_standard;
  out.ofd_sha256 = d.ofd_sha256;
  out.ofd_sm3 = d.ofd_sm3;
  out.ofd_bytes = d.ofd_bytes;
  out.status = std::string(archive::DocumentStatusName(d.status));
  out.accepted_on = d.accepted_on;
  out.decision_due = d.decision_due;
  if (core::Result<core::Date> accepted = core::Date::Parse(d.accepted_on); accepted.ok() && !d.decision_due.empty()) {
    if (auto due = domain::AcceptanceDeadline(calendar, *accepted); due.ok()) {
      out.decision_due = due->date.Iso();
      out.decision_due_provisional = due->provisional;
    }
  }
  out.filing_number = d.filing_number;
  out.decided_at = d.decided_at;
  out.revoked_at = d.revoked_at;
  out.status_reason = d.status_reason;
  if (with_data) {
    core::Result<core::Json> data = core::ParseJson(d.data);
    if (data.ok()) out.data = std::move(data).value();
  }
  return out;
}

SignedCopyInfo SignedCopyInfoOf(const archive::SignedCopy& c) {
  SignedCopyInfo out;
  out.id = c.id;
  out.document_id = c.document_id;
  out.of_record = c.of_record;
  out.sha256 = c.sha256;
  out.sm3 = c.sm3;
  out.bytes = c.bytes;
  out.pages = c.pages;
  out.media_type = c.media_type;
  out.original_name = c.original_name;
  out.uploaded_by = c.uploaded_by;
  out.uploaded_at = c.uploaded_at;
  return out;
}

ReprintInfo ReprintInfoOf(const archive::Reprint& r) {
  ReprintInfo out;
  out.id = r.id;
  out.document_id = r.document_id;
  out.marked = r.marked;
  out.sha256 = r.sha256;
  out.sm3 = r.sm3;
  out.bytes = r.bytes;
  out.operator_name = r.operator_name;
  out.reprinted_at = r.reprinted_at;
  return out;
}

PublicCheck PublicCheckOf(const archive::Document& d, const core::Json& data, const KindInfo* kind) {
  PublicCheck out;
  out.number = d.number;
  out.kind = d.kind;
  out.enterprise_name = core::MaskIdNumbers(d.enterprise_name);
  out.project_name = core::MaskIdNumbers(d.project_name);
  const std::string bureau = StringAt(data, "/bureau/name");
  if (kind != nullptr) {
    out.title = kind->title;
    out.issuer = kind->issuer == Role::kBureau
                     ? (bureau.empty() ? d.district + "房屋行政主管部门" : bureau)
                     : out.enterprise_name;
  } else {
    out.issuer = out.enterprise_name;
  }
  out.district = d.district;
  out.issued_at = d.issued_at;
  out.status = std::string(archive::DocumentStatusName(d.status));
  out.status_label = std::string(StatusLabel(d.status));
  switch (d.status) {
    case archive::DocumentStatus::kIssued:
    case archive::DocumentStatus::kSigned:
      break;
    case archive::DocumentStatus::kAccepted:
      out.status_date = d.accepted_on;
      break;
    case archive::DocumentStatus::kFiled:
    case archive::DocumentStatus::kRefused:
      out.status_date = d.decided_at;
      break;
    case archive::DocumentStatus::kRevoked:
      out.status_date = d.revoked_at;
      break;
  }
  out.status_reason = core::MaskIdNumbers(d.status_reason);
  out.filing_number = d.filing_number;
  out.pages = d.pages;
  out.sha256 = d.sha256;
  out.sm3 = d.sm3;
  return out;
}

DocumentProof DocumentProofOf(const archive::AuditProof& p, const core::VerifyingKey& key) {
  DocumentProof out;
  out.number = p.entry.subject;
  out.seq = p.entry.seq;
  out.entry = p.leaf_data;
  for (const core::MerkleHash& h : p.path) out.path.push_back(core::MerkleHashHex(h));
  out.checkpoint = p.checkpoint.Line();
  out.key_fingerprint = key.fingerprint();
  return out;
}

void AddStorageFindings(const archive::VerifyReport& report, VerifyOutcome& outcome) {
  for (const archive::Finding& f : report.problems) {
    outcome.problems.push_back({std::string(archive::FindingKindName(f.kind)), f.number, f.message, f.audit_seq});
  }
  for (const archive::Finding& f : report.notices) {
    outcome.notices.push_back({std::string(archive::FindingKindName(f.kind)), f.number, f.message, f.audit_seq});
  }
  outcome.audit_head_hash = report.audit_head_hash;
  outcome.documents = report.documents;
  outcome.signed_copies = report.signed_copies;
  outcome.reprints = report.reprints;
  outcome.blobs = report.blobs;
  outcome.bytes_hashed = report.bytes_hashed;
  outcome.audit_entries = report.audit_rows;
  outcome.merkle_root = report.merkle_root;
  outcome.checkpoints = report.checkpoints;
  outcome.latest_checkpoint = report.latest_checkpoint;
  outcome.since_result = report.since_result;
}

}  // namespace beian::service
