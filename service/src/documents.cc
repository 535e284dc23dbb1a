#include "documents.h"

#include <algorithm>
#include <array>

#include "beian/core/digest.h"
#include "beian/core/districts.h"
#include "beian/domain/calendar.h"
#include "beian/domain/rules.h"

namespace beian::service {
std::string StringAt(const core::Json& data, std::string_view pointer) {
  const core::Json* v = data.At(pointer);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::string ProjectNameOf(const core::Json& data) {
  std::string name = StringAt(data, "/project/name");
  return name.empty() ? StringAt(data, "/filing/project_name") : name;
}

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

core::Json CheckDocument(const render::Kind& kind, core::Json data, const core::Date& today,
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

}  // namespace beian::service
