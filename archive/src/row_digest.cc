#include "row_digest.h"

#include "beian/core/digest.h"
#include "beian/core/json.h"

namespace beian::archive {
namespace {

std::string DigestOf(const core::Json& object) {
  return core::Sha256Hex(core::WriteCanonicalJson(object));
}

}  // namespace

const std::string& GenesisHash() {
  static const std::string* const kGenesis = new std::string(64, '0');
  return *kGenesis;
}

std::string DocumentRowDigest(const Document& d) {
  core::Json o = core::Json::MakeObject();
  o.Set("bytes", d.bytes);
  o.Set("created_by", d.created_by);
  o.Set("credit_code", d.credit_code);
  o.Set("data", d.data);
  o.Set("district", d.district);
  o.Set("enterprise_name", d.enterprise_name);
  o.Set("id", d.id);
  o.Set("issued_at", d.issued_at);
  o.Set("kind", d.kind);
  o.Set("number", d.number);
  o.Set("pages", d.pages);
  o.Set("project_name", d.project_name);
  o.Set("sha256", d.sha256);
  o.Set("sm3", d.sm3);
  o.Set("template_version", d.template_version);
  // Only when set: documents printed before it keep their recorded digest.
  if (!d.verify_url.empty()) o.Set("verify_url", d.verify_url);
  if (!d.pdf_standard.empty()) o.Set("pdf_standard", d.pdf_standard);
  if (!d.ofd_sha256.empty()) {
    o.Set("ofd_sha256", d.ofd_sha256);
    o.Set("ofd_sm3", d.ofd_sm3);
    o.Set("ofd_bytes", d.ofd_bytes);
  }
  return DigestOf(o);
}

std::string SignedCopyRowDigest(const SignedCopy& c) {
  core::Json o = core::Json::MakeObject();
  o.Set("bytes", c.bytes);
  o.Set("document_id", c.document_id);
  o.Set("id", c.id);
  o.Set("media_type", c.media_type);
  // Only when false: copies of record filed before the column existed keep
  // the digest their audit entry recorded.
  if (!c.of_record) o.Set("of_record", false);
  o.Set("original_name", c.original_name);
  o.Set("pages", c.pages);
  o.Set("sha256", c.sha256);
  o.Set("sm3", c.sm3);
  o.Set("uploaded_at", c.uploaded_at);
  o.Set("uploaded_by", c.uploaded_by);
  return DigestOf(o);
}

std::string ReprintRowDigest(const Reprint& r) {
  core::Json o = core::Json::MakeObject();
  o.Set("bytes", r.bytes);
  o.Set("document_id", r.document_id);
  o.Set("id", r.id);
  o.Set("marked", r.marked);
  o.Set("operator", r.operator_name);
  o.Set("reprinted_at", r.reprinted_at);
  o.Set("sha256", r.sha256);
  o.Set("sm3", r.sm3);
  return DigestOf(o);
}

std::string AccessTokenRowDigest(const AccessToken& t) {
  core::Json o = core::Json::MakeObject();
  o.Set("created_at", t.created_at);
  o.Set("created_by", t.created_by);
  o.Set("credit_code", t.credit_code);
  o.Set("district", t.district);
  o.Set("id", t.id);
  o.Set("label", t.label);
  // Only when set: tokens created before names keep their recorded digest.
  if (!t.name.empty()) o.Set("name", t.name);
  o.Set("revoked_at", t.revoked_at);
  o.Set("role", std::string(AccessRoleName(t.role)));
  o.Set("secret_sha256", t.secret_sha256);
  return DigestOf(o);
}

std::string UserRowDigest(const User& u) {
  core::Json o = core::Json::MakeObject();
  o.Set("created_at", u.created_at);
  o.Set("created_by", u.created_by);
  o.Set("credit_code", u.credit_code);
  o.Set("disabled_at", u.disabled_at);
  o.Set("display_name", u.display_name);
  o.Set("district", u.district);
  o.Set("id", u.id);
  o.Set("name", u.name);
  o.Set("password_hash", u.password_hash);
  o.Set("role", std::string(AccessRoleName(u.role)));
  o.Set("username", u.username);
  return DigestOf(o);
}

std::string* LifecycleField(Document& d, std::string_view name) {
  if (name == "accepted_on") return &d.accepted_on;
  if (name == "decision_due") return &d.decision_due;
  if (name == "filing_number") return &d.filing_number;
  if (name == "decided_at") return &d.decided_at;
  if (name == "revoked_at") return &d.revoked_at;
  if (name == "status_reason") return &d.status_reason;
  return nullptr;
}

const std::string& LifecycleField(const Document& d, std::string_view name) {
  static const std::string* const kEmpty = new std::string;
  const std::string* field = LifecycleField(const_cast<Document&>(d), name);
  return field != nullptr ? *field : *kEmpty;
}

std::string AuditEntryHash(const AuditEntry& e) {
  core::Json o = core::Json::MakeObject();
  o.Set("action", e.action);
  o.Set("actor", e.actor);
  o.Set("at", e.at);
  o.Set("detail", e.detail);
  o.Set("seq", e.seq);
  o.Set("subject", e.subject);
  return core::Sha256Hex(e.prev_hash + core::WriteCanonicalJson(o));
}

bool IsArchiveAction(std::string_view action) {
  return action == kActionIngest || action == kActionAttach ||
         action == kActionReprint || action == kActionSetStatus ||
         action == kActionTokenCreate || action == kActionTokenRevoke ||
         action == kActionVoidNumber || action == kActionUserCreate ||
         action == kActionUserDisable || action == kActionUserPassword ||
         action == kActionAttachOfd;
}

}  // namespace beian::archive
