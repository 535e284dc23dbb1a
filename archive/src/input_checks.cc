#include "input_checks.h"

#include <optional>
#include <string>

#include "beian/archive/document_number.h"
#include "beian/core/beijing_time.h"
#include "beian/core/districts.h"
#include "beian/core/id_numbers.h"
#include "beian/core/utf8.h"

namespace beian::archive {

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

core::Status CheckNewDocument(const NewDocument& d) {
  if (d.number.empty() || d.number.size() > 100) {
    return core::InvalidArgument("document number must have 1 to 100 bytes");
  }
  if (!core::IsValidUtf8(d.number)) {
    return core::InvalidArgument("document number is not UTF-8");
  }
  if (d.kind.empty()) return core::InvalidArgument("document kind is empty");
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
  if (!core::IsValidUtf8(c.original_name)) {
    return core::InvalidArgument("original_name is not UTF-8");
  }
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
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("operator", r.operator_name));
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
  const bool hex = t.secret_sha256.size() == 64 &&
                   t.secret_sha256.find_first_not_of("0123456789abcdef") ==
                       std::string::npos;
  if (!hex) {
    return core::InvalidArgument(
        "secret_sha256 must be 64 lowercase hex characters");
  }
  BEIAN_RETURN_IF_ERROR(CheckNotEmpty("created_by", t.created_by));
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("created_by", t.created_by));
  if (!core::IsValidUtf8(t.label) || t.label.size() > 200) {
    return core::InvalidArgument("label must be UTF-8 of at most 200 bytes");
  }
  BEIAN_RETURN_IF_ERROR(CheckNoIdNumber("label", t.label));
  const bool credit_ok = core::IsCreditCodeForm(t.credit_code);
  switch (t.role) {
    case AccessRole::kEnterprise:
      if (!credit_ok) {
        return core::InvalidArgument(
            "an enterprise token needs the enterprise's 18-character credit "
            "code, got \"" + t.credit_code + "\"");
      }
      if (!t.district.empty()) {
        return core::InvalidArgument("an enterprise token has no district");
      }
      break;
    case AccessRole::kBureau:
      BEIAN_RETURN_IF_ERROR(core::DistrictNumberCode(t.district).status());
      if (!t.credit_code.empty()) {
        return core::InvalidArgument("a bureau token has no credit code");
      }
      break;
    case AccessRole::kAdmin:
      if (!t.credit_code.empty() || !t.district.empty()) {
        return core::InvalidArgument(
            "an admin token has neither credit code nor district");
      }
      break;
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
