#include "documents.h"

#include <array>
#include <cstddef>
#include <iterator>
#include <string>
#include <unordered_set>
#include <utility>

#include "beian/core/digest.h"
#include "beian/core/districts.h"
#include "beian/core/json_schema.h"
#include "beian/core/text_policy.h"
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

std::string PreviewNumber(const render::Kind& kind, const std::string& issued_at, std::string_view canonical_data) {
  const std::array<uint8_t, 32> digest = core::Sha256(canonical_data);
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
                         const domain::HolidayCalendar& calendar, std::vector<core::Problem>& problems) {
  problems.clear();
  core::SchemaFindings schema = kind.schema->Check(data, core::kMaxListedProblems);
  // An array the schema refused as too long is cut to what it allows: nothing
  // after this looks at more items than a valid document can have. Cutting
  // moves no remaining value, so schema.multiline_texts stays valid for them.
  for (const auto& [path, limit] : schema.overlong_arrays) {
    core::Json* array = data.At(path);
    if (array == nullptr || !array->is_array() || array->size() <= limit) continue;
    core::Json::Array& items = array->as_array();
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(limit), items.end());
  }
  size_t text_unlisted = 0;
  std::vector<core::Problem> text =
      core::CheckTexts(data, schema.multiline_texts, core::kMaxListedProblems, &text_unlisted);
  const size_t unlisted = text_unlisted + schema.unlisted;

  // Text problems first; a field whose text breaks the policy is not judged by
  // the rules (what they would say of it follows from the bad text).
  problems = std::move(text);
  std::unordered_set<std::string> refused;
  for (const core::Problem& p : problems) refused.insert(p.path);

  std::vector<core::Problem> rules;
  const core::Status filled =
      data.is_object() ? domain::FillDerivedFields(kind.name, data, calendar, &rules)
                       : core::InvalidArgument("not an object");
  if (!filled.ok() && data.is_object() && !core::HasError(schema.problems)) {
    rules.push_back({"", "derive.failed", filled.message(), filled.message()});
  }
  std::vector<core::Problem> checked = domain::Check(kind.name, data, calendar, today);
  rules.insert(rules.end(), std::make_move_iterator(checked.begin()),
               std::make_move_iterator(checked.end()));

  // Where both speak of one field, the rule's message is the specific one ("缺少法定代表人"
  // rather than a missing key); otherwise a field the schema already refused is not re-judged.
  std::unordered_set<std::string> rule_errors;
  for (const core::Problem& r : rules) {
    if (r.severity == core::Severity::kError) rule_errors.insert(r.path);
  }
  for (core::Problem& p : schema.problems) {
    if (p.code == "schema.required" && rule_errors.count(p.path) != 0) continue;
    if (p.severity == core::Severity::kError) refused.insert(p.path);
    problems.push_back(std::move(p));
  }
  for (core::Problem& r : rules) {
    if (refused.count(r.path) == 0) problems.push_back(std::move(r));
  }
  core::ListAtMost(problems, core::kMaxListedProblems, unlisted);
  return data;
}

std::string VerificationKey(const std::string& kind, int version, const std::string& number,
                            const std::string& issued_at, std::string_view canonical_data) {
  std::string material = "beian-verify-v1\n" + kind + "\n" + std::to_string(version) + "\n" +
                         number + "\n" + issued_at + "\n";
  material += canonical_data;
  const std::array<uint8_t, 32> digest = core::Sha256(material);
  return core::Base32Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), 10));
}

}  // namespace beian::service
