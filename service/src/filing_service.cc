#include "beian/service/filing_service.h"

#include <algorithm>
#include <array>

#include "beian/core/beijing_time.h"
#include "beian/core/digest.h"
#include "beian/core/districts.h"
#include "beian/domain/calendar.h"
#include "beian/domain/rules.h"

namespace beian::service {
namespace {

const core::Json* At(const core::Json& data, std::string_view pointer) { return data.At(pointer); }

std::string StringAt(const core::Json& data, std::string_view pointer) {
  const core::Json* v = At(data, pointer);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

}  // namespace

std::string PreviewNumber(const render::Kind& kind, const std::string& issued_at, const core::Json& data) {
  const std::array<uint8_t, 32> digest = core::Sha256(core::WriteCanonicalJson(data));
  const std::string tag = core::Base32Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 5));
  return kind.number_prefix + "-" + issued_at.substr(0, 4) + issued_at.substr(5, 2) + issued_at.substr(8, 2) +
         "-" + tag.substr(0, 6);
}

std::string FilingDistrict(const core::Json& data) {
  for (const char* pointer : {"/bureau/district", "/project/district", "/enterprise/district"}) {
    std::string d = StringAt(data, pointer);
    if (!d.empty()) return d;
  }
  return std::string(core::DistrictOfCreditCode(StringAt(data, "/enterprise/credit_code")));
}

namespace {

std::string ProjectNameOf(const core::Json& data) {
  std::string name = StringAt(data, "/project/name");
  return name.empty() ? StringAt(data, "/filing/project_name") : name;
}

}  // namespace

core::Json CheckDocument(const render::Kind& kind, core::Json data, const domain::Date& today,
                         std::vector<core::Problem>& problems) {
  problems = kind.schema->Validate(data);
  const auto& calendar = domain::BundledHolidayCalendar();
  if (!calendar.ok()) {
    problems.push_back({"", "calendar.invalid", "节假日日历无法读取：" + calendar.status().message(),
                        "the holiday calendar cannot be read: " + calendar.status().message()});
    return data;
  }
  std::vector<core::Problem> rules;
  core::Json derived;
  auto filled = data.is_object() ? domain::Derive(kind.name, data, calendar.value(), &rules)
                                 : core::Result<core::Json>(core::InvalidArgument("not an object"));
  if (filled.ok()) {
    derived = std::move(filled).value();
  } else {
    if (data.is_object() && !core::HasError(problems)) {
      rules.push_back({"", "derive.failed", filled.status().message(), filled.status().message()});
    }
    derived = std::move(data);
  }
  std::vector<core::Problem> checked = domain::Check(kind.name, derived, calendar.value(), today);
  rules.insert(rules.end(), checked.begin(), checked.end());
  // Where both speak of one field, the rule's message is the specific one ("缺少法定代表人"
  // rather than a missing key); otherwise a field the schema already refused is not re-judged.
  auto rule_error_at = [&](const std::string& path) {
    return std::any_of(rules.begin(), rules.end(), [&](const core::Problem& r) {
      return r.severity == core::Severity::kError && r.path == path;
    });
  };
  problems.erase(std::remove_if(problems.begin(), problems.end(),
                                [&](const core::Problem& p) {
                                  return p.code == "schema.required" && rule_error_at(p.path);
                                }),
                 problems.end());
  for (core::Problem& p : rules) {
    const bool known = std::any_of(problems.begin(), problems.end(), [&](const core::Problem& s) {
      return s.severity == core::Severity::kError && s.path == p.path;
    });
    if (!known) problems.push_back(std::move(p));
  }
  return derived;
}

std::string VerificationKey(const std::string& kind, int version, const std::string& number,
                            const std::string& issued_at, const core::Json& data) {
  const std::string material = "beian-verify-v1\n" + kind + "\n" + std::to_string(version) + "\n" +
                               number + "\n" + issued_at + "\n" + core::WriteCanonicalJson(data);
  const std::array<uint8_t, 32> digest = core::Sha256(material);
  return core::Base32Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 10));
}

namespace {

// Constant-time comparison of two keys of the same length.
bool SameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

core::Result<Rendering> FilingService::Preview(const std::string& kind_name, core::Json data,
                                               const std::string& number, const std::string& issued_at,
                                               const domain::Date& today,
                                               std::vector<core::Problem>& problems) const {
  BEIAN_ASSIGN_OR_RETURN(const render::Kind* kind, FindKind(kind_name));
  BEIAN_ASSIGN_OR_RETURN(core::Json checked, CheckOrRefuse(*kind, std::move(data), issued_at, today, problems));
  Rendering out;
  out.number = number.empty() ? PreviewNumber(*kind, issued_at, checked) : number;
  BEIAN_ASSIGN_OR_RETURN(out.document, RenderCurrent(*kind, checked, out.number, issued_at));
  return out;
}

core::Result<const render::Kind*> FilingService::FindKind(const std::string& kind_name) const {
  const render::Kind* kind = catalog_.Find(kind_name);
  if (kind == nullptr) return core::NotFound("unknown kind \"" + kind_name + "\"");
  return kind;
}

core::Result<core::Json> FilingService::CheckOrRefuse(const render::Kind& kind, core::Json data,
                                                      const std::string& issued_at, const domain::Date& today,
                                                      std::vector<core::Problem>& problems) const {
  core::Json checked = CheckDocument(kind, std::move(data), today, problems);
  if (core::HasError(problems)) {
    return core::InvalidArgument("the data does not fit " + kind.name + " (" + std::to_string(problems.size()) +
                                 " problems)");
  }
  if (!core::IsBeijingTime(issued_at)) {
    return core::InvalidArgument("issued_at must be Beijing time like 2026-11-27T10:00:00+08:00, got \"" +
                                 issued_at + "\"");
  }
  return checked;
}

core::Result<render::RenderedDocument> FilingService::RenderCurrent(const render::Kind& kind,
                                                                    const core::Json& data,
                                                                    const std::string& number,
                                                                    const std::string& issued_at) const {
  render::RenderOptions options;
  options.document_number = number;
  options.issued_at = issued_at;
  options.verification_key = VerificationKey(kind.name, kind.current_version, number, issued_at, data);
  return engine_.Render(*kind.versions.at(kind.current_version), data, options);
}

core::Result<archive::Sha256Matches> FilingService::Identify(std::string_view file) {
  return archive_.FindBySha256(core::Sha256Hex(file));
}

core::Result<archive::Document> FilingService::CheckPrintedKey(const std::string& number, const std::string& key) {
  const core::Status not_found = core::NotFound("no archived document with this number and key");
  core::Result<archive::Document> document = archive_.FindByNumber(number);
  if (!document.ok()) return document.status().code() == core::Code::kNotFound ? not_found : document.status();
  BEIAN_ASSIGN_OR_RETURN(core::Json data, core::ParseJson(document->data));
  const std::string expected =
      VerificationKey(document->kind, document->template_version, document->number, document->issued_at, data);
  if (!SameKey(expected, key)) return not_found;
  return document;
}

core::Result<archive::Document> FilingService::Issue(const std::string& kind_name, core::Json data,
                                                     const std::string& issued_at, const std::string& actor,
                                                     const domain::Date& today,
                                                     std::vector<core::Problem>& problems) {
  BEIAN_ASSIGN_OR_RETURN(const render::Kind* kind, FindKind(kind_name));
  BEIAN_ASSIGN_OR_RETURN(core::Json checked, CheckOrRefuse(*kind, std::move(data), issued_at, today, problems));
  const std::string district = FilingDistrict(checked);
  BEIAN_ASSIGN_OR_RETURN(std::string number,
                         archive_.AllocateNumber(district, std::stoi(issued_at.substr(0, 4)), kind_name));
  BEIAN_ASSIGN_OR_RETURN(render::RenderedDocument pdf, RenderCurrent(*kind, checked, number, issued_at));
  archive::NewDocument record;
  record.number = number;
  record.kind = kind_name;
  record.template_version = kind->current_version;
  record.credit_code = StringAt(checked, "/enterprise/credit_code");
  record.enterprise_name = StringAt(checked, "/enterprise/name");
  record.project_name = ProjectNameOf(checked);
  record.district = district;
  record.issued_at = issued_at;
  record.created_by = actor;
  record.pages = pdf.pages;
  record.pdf = std::move(pdf.pdf);
  record.data = std::move(checked);
  return archive_.Ingest(record);
}

core::Result<archive::SignedCopy> FilingService::AttachSignedCopy(const std::string& number,
                                                                  std::string_view upload,
                                                                  const std::string& original_name,
                                                                  const std::string& actor, const std::string& at) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document document, archive_.FindByNumber(number));
  BEIAN_ASSIGN_OR_RETURN(std::string media_type, render::SniffMediaType(upload));
  archive::NewSignedCopy copy;
  copy.document_id = document.id;
  copy.media_type = media_type;
  copy.original_name = original_name;
  copy.uploaded_by = actor;
  copy.uploaded_at = at;
  if (media_type == "application/pdf") {
    BEIAN_ASSIGN_OR_RETURN(render::PdfFacts facts, render::InspectPdf(upload));
    copy.pages = facts.pages;
    copy.content = std::string(upload);
  } else {
    BEIAN_ASSIGN_OR_RETURN(copy.content, render::WrapImage(upload, media_type, at));
    copy.pages = 1;
  }
  return archive_.AttachSignedCopy(copy);
}

core::Result<std::string> FilingService::Reprint(const std::string& number, bool marked,
                                                 const std::string& operator_name, const std::string& at) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document document, archive_.FindByNumber(number));
  BEIAN_ASSIGN_OR_RETURN(std::string original, archive_.ReadBlob(document.sha256));
  archive::NewReprint reprint;
  reprint.document_id = document.id;
  reprint.marked = marked;
  reprint.operator_name = operator_name;
  reprint.reprinted_at = at;
  if (marked) {
    auto date = domain::Date::Parse(at.substr(0, 10));
    const std::string day = date.ok() ? date->Chinese() : at.substr(0, 10);
    BEIAN_ASSIGN_OR_RETURN(reprint.pdf, engine_.StampReprint(original,
                                                             {"补打", "补打日期：" + day, "操作人：" + operator_name,
                                                              "原件 SHA-256：" + document.sha256.substr(0, 16)},
                                                             at));
  }
  BEIAN_RETURN_IF_ERROR(archive_.AddReprint(reprint).status());
  return marked ? reprint.pdf : original;
}

core::Result<std::string> FilingService::Rerender(const archive::Document& document) const {
  const render::Kind* kind = catalog_.Find(document.kind);
  if (kind == nullptr) return core::NotFound("kind " + document.kind + " is no longer in the catalog");
  auto tmpl = kind->versions.find(document.template_version);
  if (tmpl == kind->versions.end()) {
    return core::NotFound(document.kind + " template version " + std::to_string(document.template_version) +
                          " is missing");
  }
  BEIAN_ASSIGN_OR_RETURN(core::Json data, core::ParseJson(document.data));
  render::RenderOptions options;
  options.document_number = document.number;
  options.issued_at = document.issued_at;
  options.verification_key =
      VerificationKey(document.kind, document.template_version, document.number, document.issued_at, data);
  BEIAN_ASSIGN_OR_RETURN(render::RenderedDocument pdf, engine_.Render(*tmpl->second, data, options));
  return std::move(pdf.pdf);
}

core::Result<VerifyOutcome> FilingService::Verify(const std::function<void(int64_t, int64_t)>& progress) {
  VerifyOutcome outcome;
  BEIAN_ASSIGN_OR_RETURN(outcome.storage, archive_.VerifyStorage());
  std::vector<archive::Document> documents;
  BEIAN_RETURN_IF_ERROR(archive_.ForEachDocument([&](const archive::Document& d) {
    documents.push_back(d);
    return core::Status::Ok();
  }));
  const int64_t total = static_cast<int64_t>(documents.size());
  for (const archive::Document& d : documents) {
    auto pdf = Rerender(d);
    if (!pdf.ok()) {
      outcome.rerender_problems.push_back({d.number, "cannot re-render: " + pdf.status().message()});
    } else if (core::Sha256Hex(pdf.value()) != d.sha256) {
      outcome.rerender_problems.push_back(
          {d.number, "re-rendering from the stored data and template v" + std::to_string(d.template_version) +
                         " gives other bytes (" + core::Sha256Hex(pdf.value()).substr(0, 16) + "… ≠ " +
                         d.sha256.substr(0, 16) + "…)"});
    }
    ++outcome.documents_rerendered;
    if (progress) progress(outcome.documents_rerendered, total);
  }
  return outcome;
}

}  // namespace beian::service
