#include "views.h"

namespace beian::api {
namespace {

core::Json Links(const service::DocumentInfo& d) {
  core::Json links = core::Json::MakeObject();
  links.Set("self", DocumentPath(d.id));
  links.Set("pdf", DocumentPath(d.id) + "/pdf");
  links.Set("signed_copies", DocumentPath(d.id) + "/signed-copies");
  links.Set("reprints", DocumentPath(d.id) + "/reprints");
  if (!d.pdf_standard.empty()) links.Set("data", DocumentPath(d.id) + "/data");
  if (!d.ofd_sha256.empty()) links.Set("ofd", DocumentPath(d.id) + "/ofd");
  return links;
}

// Sets `name` to `value`, or to null while it is empty.
void SetOrNull(core::Json& o, const char* name, const std::string& value) {
  if (value.empty()) {
    o.Set(name, core::Json());
  } else {
    o.Set(name, value);
  }
}

}  // namespace

std::string DocumentPath(int64_t id) { return "/v1/documents/" + std::to_string(id); }

core::Json DocumentJson(const service::DocumentInfo& d) {
  core::Json o = core::Json::MakeObject();
  o.Set("id", d.id);
  o.Set("number", d.number);
  o.Set("kind", d.kind);
  o.Set("template_version", d.template_version);
  o.Set("credit_code", d.credit_code);
  o.Set("enterprise_name", d.enterprise_name);
  o.Set("project_name", d.project_name);
  o.Set("district", d.district);
  o.Set("issued_at", d.issued_at);
  o.Set("status", d.status);
  SetOrNull(o, "accepted_on", d.accepted_on);
  SetOrNull(o, "decision_due", d.decision_due);
  o.Set("decision_due_provisional", d.decision_due_provisional);
  SetOrNull(o, "filing_number", d.filing_number);
  SetOrNull(o, "decided_at", d.decided_at);
  SetOrNull(o, "revoked_at", d.revoked_at);
  SetOrNull(o, "status_reason", d.status_reason);
  o.Set("sha256", d.sha256);
  o.Set("sm3", d.sm3);
  o.Set("bytes", d.bytes);
  o.Set("pages", d.pages);
  SetOrNull(o, "pdf_standard", d.pdf_standard);
  if (d.ofd_sha256.empty()) {
    o.Set("ofd", core::Json());
  } else {
    core::Json ofd = core::Json::MakeObject();
    ofd.Set("sha256", d.ofd_sha256);
    ofd.Set("sm3", d.ofd_sm3);
    ofd.Set("bytes", d.ofd_bytes);
    o.Set("ofd", std::move(ofd));
  }
  if (d.data) o.Set("data", *d.data);
  o.Set("links", Links(d));
  return o;
}

core::Json SignedCopyJson(const service::SignedCopyInfo& c) {
  core::Json o = core::Json::MakeObject();
  o.Set("id", c.id);
  o.Set("document_id", c.document_id);
  o.Set("of_record", c.of_record);
  o.Set("sha256", c.sha256);
  o.Set("sm3", c.sm3);
  o.Set("bytes", c.bytes);
  o.Set("pages", c.pages);
  o.Set("media_type", c.media_type);
  o.Set("original_name", c.original_name);
  o.Set("uploaded_at", c.uploaded_at);
  return o;
}

core::Json ReprintJson(const service::ReprintInfo& r) {
  core::Json o = core::Json::MakeObject();
  o.Set("id", r.id);
  o.Set("document_id", r.document_id);
  o.Set("marked", r.marked);
  o.Set("sha256", r.sha256);
  o.Set("sm3", r.sm3);
  o.Set("bytes", r.bytes);
  o.Set("operator", r.operator_name);
  o.Set("reprinted_at", r.reprinted_at);
  return o;
}

core::Json PublicCheckJson(const service::PublicCheck& c) {
  core::Json o = core::Json::MakeObject();
  o.Set("number", c.number);
  o.Set("kind", c.kind);
  o.Set("title", c.title);
  o.Set("issuer", c.issuer);
  o.Set("enterprise_name", c.enterprise_name);
  o.Set("project_name", c.project_name);
  o.Set("district", c.district);
  o.Set("issued_at", c.issued_at);
  o.Set("status", c.status);
  o.Set("status_label", c.status_label);
  SetOrNull(o, "status_date", c.status_date);
  SetOrNull(o, "status_reason", c.status_reason);
  SetOrNull(o, "filing_number", c.filing_number);
  o.Set("pages", c.pages);
  o.Set("sha256", c.sha256);
  o.Set("sm3", c.sm3);
  if (c.proof) o.Set("proof", service::DocumentProofJson(*c.proof));
  return o;
}

core::Json KindJson(const service::KindInfo& k) {
  core::Json o = core::Json::MakeObject();
  o.Set("kind", k.name);
  o.Set("title", k.title);
  o.Set("template_version", k.current_version);
  o.Set("issuer", std::string(service::RoleName(k.issuer)));
  o.Set("schema", "/v1/kinds/" + k.name + "/schema");
  o.Set("example", "/v1/kinds/" + k.name + "/example");
  return o;
}

core::Json StaffConflictJson(const service::StaffConflictInfo& c) {
  core::Json documents = core::Json::MakeArray();
  for (const service::DocumentInfo& d : c.documents) {
    if (d.id > 0) {
      documents.Push(DocumentJson(d));
    } else {
      core::Json o = core::Json::MakeObject();
      o.Set("number", d.number);
      o.Set("kind", d.kind);
      o.Set("district", d.district);
      documents.Push(std::move(o));
    }
  }
  core::Json o = core::Json::MakeObject();
  o.Set("person_key", c.person_key);
  o.Set("documents", std::move(documents));
  return o;
}

core::Json QueueItemJson(const service::QueueItem& item) {
  core::Json o = DocumentJson(item.document);
  o.Set("awaiting", item.awaiting);
  if (item.working_days_left) {
    o.Set("working_days_left", *item.working_days_left);
  } else {
    o.Set("working_days_left", core::Json());
  }
  SetOrNull(o, "warning", item.warning);
  return o;
}

core::Json AuditEntryJson(const service::AuditEntryInfo& e) {
  core::Json o = core::Json::MakeObject();
  o.Set("seq", e.seq);
  o.Set("at", e.at);
  o.Set("actor", e.actor);
  o.Set("action", e.action);
  o.Set("subject", e.subject);
  o.Set("detail", e.detail);
  return o;
}

core::Json UserJson(const service::UserInfo& u) {
  core::Json o = core::Json::MakeObject();
  o.Set("id", u.id);
  o.Set("username", u.username);
  o.Set("role", std::string(service::RoleName(u.role)));
  o.Set("display_name", u.display_name);
  o.Set("name", u.name);
  o.Set("district", u.district);
  o.Set("credit_code", u.credit_code);
  o.Set("created_at", u.created_at);
  SetOrNull(o, "disabled_at", u.disabled_at);
  return o;
}

core::Json SessionJson(const service::UserSessionInfo& s) {
  core::Json o = core::Json::MakeObject();
  o.Set("user", UserJson(s.user));
  o.Set("csrf_token", s.csrf_token);
  o.Set("expires_at", s.expires_at);
  return o;
}

}  // namespace beian::api
