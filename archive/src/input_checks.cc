#include "input_checks.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "beian/archive/document_number.h"
#include "beian/core/beijing_time.h"
#include "beian/core/districts.h"
#include "beian/core/id_numbers.h"
#include "beian/core/text_policy.h"
#include "beian/core/utf8.h"

namespace beian::archive {
namespace {

bool IsLowerHex64(std::string_view text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// kInvalidArgument naming the field and what the text policy refuses in it.
core::Status CheckText(std::string_view field, std::string_view value,
                       core::TextLines lines) {
  const std::optional<core::TextFault> fault = core::FindTextFault(value, lines);
  if (!fault) return core::Status::Ok();
  return core::InvalidArgument(std::string(field) + ": " +
                               core::TextProblem(*fault, "").message_en);
}


}  // namespace

core::Status CheckTime(std::string_view field, std::string_view value) {
  if (core::IsBeijingTime(value)) return core::Status::Ok();
  return core::InvalidArgument(std::string(field) +
                               " must be Beijing time written like "
                               "2026-03-01T09:30:00+08:00, got \"" +
                               std::string(value) + "\"");
}

core::Status CheckNotEmpty(std::string_view field, std::string_view value) {
  if (!value.empty() && core::IsValidUtf8(value)) return core::Status::Ok();
  return core::InvalidArgument(std::string(field) +
                               " must be non-empty UTF-8 text");
}

core::Status CheckNoIdNumber(std::string_view field, std::string_view value) {
  if (!core::ContainsIdNumber(value)) return core::Status::Ok();
  return core::InvalidArgument(
      std::string(field) +
      " contains a personal ID number; catalog columns are indexed and listed "
      "and must not hold one (keep it in the document data only)");
}

core::Status CheckDate(std::string_view field, std::string_view date) {
  if (date.size() == 10 &&
      core::IsBeijingTime(std::string(date) + "T00:00:00+08:00")) {
    return core::Status::Ok();
  }
  return core::InvalidArgument(std::string(field) +
                               " must be a date written like 2026-12-07, got "
                               "\"" +
                               std::string(date.substr(0, 40)) + "\"");
}

core::Status CheckIdempotencyKey(const IdempotencyKey& k) {
  if (k.client == 0) {
    return core::InvalidArgument("an idempotency key needs its client (a token or a user)");
  }
  bool printable = !k.key.empty() && k.key.size() <= 200;
  for (char c : k.key) {
    if (c < 0x20 || c > 0x7E) printable = false;
  }
  if (!printable) {
    return core::InvalidArgument(
        "idempotency key must be 1 to 200 printable ASCII characters");
  }
  if (!IsLowerHex64(k.request_sha256)) {
    return core::InvalidArgument(
        "idempotency request_sha256 must be 64 lowercase hex characters");
  }
  return core::Status::Ok();
}

core::Status CheckStaffKeys(const std::vector<StaffKey>& keys) {
  std::vector<std::string_view> paths;
  paths.reserve(keys.size());
  for (const StaffKey& k : keys) {
    if (!IsLowerHex64(k.hmac)) {
      return core::InvalidArgument("staff key at \"" + k.path.substr(0, 200) +
                                   "\": hmac must be 64 lowercase hex "
                                   "characters");
    }
    if (k.path.size() > 200 || !core::IsValidUtf8(k.path) ||
        (!k.path.empty() && k.path.front() != '/')) {
      return core::InvalidArgument(
          "staff key path must be a JSON Pointer of at most 200 bytes, got "
          "\"" +
          (core::IsValidUtf8(k.path) ? k.path.substr(0, 200) : "(not UTF-8)") +
          "\"");
    }
    BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("staff key path", k.path));
    paths.push_back(k.path);
  }
  std::sort(paths.begin(), paths.end());
  const auto twice = std::adjacent_find(paths.begin(), paths.end());
  if (twice != paths.end()) {
    return core::InvalidArgument("staff key path " + std::string(*twice) +
                                 " is given twice");
  }
  return core::Status::Ok();
}

core::Status CheckStatusChange(const StatusChange& c) {
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("actor", c.actor));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("actor", c.actor));
  if (c.from.empty()) {
    return core::InvalidArgument("a status change names the states it may "
                                 "leave (from is empty)");
  }
  const std::string to(DocumentStatusName(c.to));
  if (c.to == DocumentStatus::kIssued) {
    return core::InvalidArgument("no document goes back to issued");
  }
  // Each field belongs to one or two target states; a field given for
  // another state is a caller's mistake, not something to drop silently.
  const bool with_reason =
      c.to == DocumentStatus::kRefused || c.to == DocumentStatus::kRevoked;
  const bool accepting = c.to == DocumentStatus::kAccepted;
  const bool filing = c.to == DocumentStatus::kFiled;
  auto only_for = [&](const char* field, const std::string& value,
                      bool allowed) {
    if (allowed || value.empty()) return core::Status::Ok();
    return core::InvalidArgument(std::string(field) + " does not belong to a "
                                 "change to " + to);
  };
  BEIAN_RETURN_IF_ERROR(only_for("reason", c.reason, with_reason));
  BEIAN_RETURN_IF_ERROR(only_for("accepted_on", c.accepted_on, accepting));
  BEIAN_RETURN_IF_ERROR(only_for("decision_due", c.decision_due, accepting));
  BEIAN_RETURN_IF_ERROR(only_for("filing_number", c.filing_number, filing));
  const bool timed = with_reason || filing;
  BEIAN_RETURN_IF_ERROR(only_for("at", c.at, timed));
  if (with_reason) {
    BEIAN_RETURN_IF_ERROR(CheckText("reason", c.reason, core::TextLines::kSeveral));
    const size_t length = core::CountCodePoints(c.reason);
    if (length < 1 || length > 500 || core::IsBlank(c.reason)) {
      return core::InvalidArgument("a change to " + to +
                                   " needs a reason of 1 to 500 characters "
                                   "of text (lines allowed, no other control "
                                   "characters)");
    }
    BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("reason", c.reason));
  }
  if (accepting) {
    BEIAN_RETURN_IF_ERROR(CheckDate("accepted_on", c.accepted_on));
    BEIAN_RETURN_IF_ERROR(CheckDate("decision_due", c.decision_due));
    if (c.decision_due < c.accepted_on) {
      return core::InvalidArgument("decision_due " + c.decision_due +
                                   " is before accepted_on " + c.accepted_on);
    }
  }
  if (filing) {
    BEIAN_RETURN_IF_ERROR(
        CheckText("filing_number", c.filing_number, core::TextLines::kOne));
    if (core::IsBlank(c.filing_number) || c.filing_number.size() > 100) {
      return core::InvalidArgument(
          "a change to filed needs a filing_number of 1 to 100 bytes of "
          "text");
    }
    BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("filing_number", c.filing_number));
  }
  if (!c.at.empty()) BEIAN_RETURN_IF_ERROR(CheckTime("at", c.at));
  if (!c.detail.is_null() && !c.detail.is_object()) {
    return core::InvalidArgument("status change detail must be an object");
  }
  return core::Status::Ok();
}

core::Status CheckNewDocument(const NewDocument& d) {
  if (d.number.empty() || d.number.size() > 100) {
    return core::InvalidArgument("document number must have 1 to 100 bytes");
  }
  if (!core::IsValidUtf8(d.number)) {
    return core::InvalidArgument("document number is not UTF-8");
  }
  if (d.kind.empty()) return core::InvalidArgument("document kind is empty");
  if (!d.verify_url.empty() && !IsVerifyUrl(d.verify_url)) {
    return core::InvalidArgument("verify_url must be an http(s) address without query, e.g. "
                                 "https://beian.example.gov.cn");
  }
  if (d.pdf_standard.size() > 32 ||
      !std::all_of(d.pdf_standard.begin(), d.pdf_standard.end(),
                   [](char c) { return c > ' ' && c < 0x7F; })) {
    return core::InvalidArgument("pdf_standard must be a short name such as PDF/A-3u");
  }
  if (d.template_version < 1) {
    return core::InvalidArgument("template_version must be >= 1");
  }
  BEIAN_ASSIGN_OR_RETURN(const std::string district_code,
                         core::DistrictNumberCode(d.district));
  if (const std::optional<DocumentNumber> parsed =
          ParseDocumentNumber(d.number);
      parsed && parsed->district_code != district_code) {
    return core::InvalidArgument("document number " + d.number +
                                 " belongs to another district than " +
                                 d.district);
  }
  BEIAN_RETURN_IF_ERROR(CheckTime("issued_at", d.issued_at));
  if (d.created_by.empty()) return core::InvalidArgument("created_by is empty");
  if (d.pages < 1) return core::InvalidArgument("pages must be >= 1");
  if (d.pdf.empty()) return core::InvalidArgument("the PDF is empty");
  if (d.idempotency) BEIAN_RETURN_IF_ERROR(CheckIdempotencyKey(*d.idempotency));
  BEIAN_RETURN_IF_ERROR(CheckStaffKeys(d.staff_keys));
  const std::pair<std::string_view, const std::string*> columns[] = {
      {"number", &d.number},
      {"kind", &d.kind},
      {"credit_code", &d.credit_code},
      {"enterprise_name", &d.enterprise_name},
      {"project_name", &d.project_name},
      {"created_by", &d.created_by},
  };
  for (const auto& [field, value] : columns) {
    if (!core::IsValidUtf8(*value)) {
      return core::InvalidArgument(std::string(field) + " is not UTF-8");
    }
    BEIAN_RETURN_IF_ERROR(CheckNoIdNumber(field, *value));
  }
  return core::Status::Ok();
}

core::Status CheckNewSignedCopy(const NewSignedCopy& c) {
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("media_type", c.media_type));
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("uploaded_by", c.uploaded_by));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("uploaded_by", c.uploaded_by));
  BEIAN_RETURN_IF_ERROR(
      CheckText("original_name", c.original_name, core::TextLines::kOne));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("original_name", c.original_name));
  if (!c.uploaded_at.empty()) {
    BEIAN_RETURN_IF_ERROR(CheckTime("uploaded_at", c.uploaded_at));
  }
  if (c.pages < 1) return core::InvalidArgument("pages must be >= 1");
  if (c.content.empty()) {
    return core::InvalidArgument("the signed copy is empty");
  }
  return core::Status::Ok();
}

core::Status CheckNewReprint(const NewReprint& r) {
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("operator", r.operator_name));
  BEIAN_RETURN_IF_ERROR(
      CheckText("operator", r.operator_name, core::TextLines::kOne));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("operator", r.operator_name));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("actor", r.actor));
  if (!r.reprinted_at.empty()) {
    BEIAN_RETURN_IF_ERROR(CheckTime("reprinted_at", r.reprinted_at));
  }
  if (r.marked && r.pdf.empty()) {
    return core::InvalidArgument("a marked reprint needs its PDF bytes");
  }
  if (!r.marked && !r.pdf.empty()) {
    return core::InvalidArgument(
        "an unmarked reprint is the stored original; pass no bytes");
  }
  return core::Status::Ok();
}

core::Status CheckNewAccessToken(const NewAccessToken& t) {
  if (!IsLowerHex64(t.secret_sha256)) {
    return core::InvalidArgument(
        "secret_sha256 must be 64 lowercase hex characters");
  }
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("created_by", t.created_by));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("created_by", t.created_by));
  if (!core::IsAcceptableText(t.label, core::TextLines::kOne) ||
      t.label.size() > 200) {
    return core::InvalidArgument(
        "label must be one line of at most 200 bytes of text (UTF-8 in NFC, "
        "no control characters)");
  }
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("label", t.label));
  return CheckAccessScope(t.role, t.credit_code, t.district, t.name, "token");
}

core::Status CheckAccessScope(AccessRole role, std::string_view credit_code, std::string_view district,
                              std::string_view name, std::string_view what) {
  const std::string an = (role == AccessRole::kAdmin ? "an admin " : role == AccessRole::kBureau
                                                                          ? "a bureau "
                                                                          : "an enterprise ") +
                         std::string(what);
  if (role == AccessRole::kAdmin) {
    if (!name.empty()) return core::InvalidArgument(an + " has no name");
  } else if (name.empty() || name.size() > 200 || !core::IsAcceptableText(name, core::TextLines::kOne)) {
    return core::InvalidArgument(
        an + (role == AccessRole::kBureau ? " needs the bureau's official name"
                                          : " needs the enterprise's registered name") +
        ": 1 to 200 bytes of text (UTF-8 in NFC, one line, no control characters)");
  } else {
    BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("name", name));
  }
  switch (role) {
    case AccessRole::kEnterprise:
      if (!core::IsCreditCodeForm(credit_code)) {
        return core::InvalidArgument(an + " needs the enterprise's 18-character credit code, got \"" +
                                     std::string(credit_code) + "\"");
      }
      if (!district.empty()) return core::InvalidArgument(an + " has no district");
      break;
    case AccessRole::kBureau:
      BEIAN_RETURN_IF_ERROR(core::DistrictNumberCode(std::string(district)).status());
      if (!credit_code.empty()) return core::InvalidArgument(an + " has no credit code");
      break;
    case AccessRole::kAdmin:
      if (!credit_code.empty() || !district.empty()) {
        return core::InvalidArgument(an + " has neither credit code nor district");
      }
      break;
  }
  return core::Status::Ok();
}

core::Status CheckNewUser(const NewUser& u) {
  if (!IsUsername(u.username)) {
    return core::InvalidArgument("username must be 2 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter "
                                 "or digit, got \"" + u.username + "\"");
  }
  BEIAN_RETURN_IF_ERROR(CheckAccessScope(u.role, u.credit_code, u.district, u.name, "user"));
  if (u.display_name.empty() || u.display_name.size() > 100 ||
      !core::IsAcceptableText(u.display_name, core::TextLines::kOne) || core::IsBlank(u.display_name)) {
    return core::InvalidArgument("display_name must be one line of 1 to 100 bytes of text (the person's name)");
  }
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("display_name", u.display_name));
  if (u.password_hash.compare(0, 8, "$scrypt$") != 0 || u.password_hash.size() > 200) {
    return core::InvalidArgument("password_hash must be a scrypt PHC string");
  }
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("created_by", u.created_by));
  return CheckNoIdNumber("created_by", u.created_by);
}

core::Status CheckNewUserSession(const NewUserSession& s) {
  if (!IsLowerHex64(s.secret_sha256)) {
    return core::InvalidArgument("secret_sha256 must be 64 lowercase hex characters");
  }
  if (s.user_id <= 0) return core::InvalidArgument("a session needs its user");
  for (const std::string* t : {&s.created_at, &s.expires_at, &s.idle_until}) {
    if (!core::IsBeijingTime(*t)) return core::InvalidArgument("session times must be Beijing time");
  }
  if (s.idle_until > s.expires_at || s.created_at > s.idle_until) {
    return core::InvalidArgument("a session must go idle after it starts and not after it expires");
  }
  return core::Status::Ok();
}

core::Status CheckActionName(std::string_view action) {
  bool ok = !action.empty() && action.size() <= 40 && action.front() != '-' &&
            action.back() != '-';
  for (char c : action) {
    if (!((c >= 'a' && c <= 'z') || c == '-')) ok = false;
  }
  if (ok) return core::Status::Ok();
  return core::InvalidArgument(
      "audit action must be lowercase words joined by '-', got \"" +
      std::string(action) + "\"");
}

}  // namespace beian::archive
