// What the service computes about a document's data before and after it is
// archived: the checks, the printed verification key, preview numbers and the
// filing district.
#ifndef BEIAN_SERVICE_SRC_DOCUMENTS_H_
#define BEIAN_SERVICE_SRC_DOCUMENTS_H_

#include <string>
#include <vector>

#include "beian/core/civil_date.h"
#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/domain/calendar.h"
#include "beian/render/catalog.h"

namespace beian::service {

// Validates a document's data: the text policy on every string (core/text_policy.h; a field
// the schema marks "x-multiline" may hold line breaks), its kind's JSON Schema, then the
// domain's field validators and rules, every problem at once: text problems first; where
// schema and rule speak of one field the rule's message wins, else a field the text policy
// or the schema refused is not re-judged by the rules. At most core::kMaxListedProblems are
// listed, the rest counted in a last problems.more. Time and memory are linear in the data:
// an array longer than its maxItems is one problem, and it is cut to maxItems before the
// text policy and the rules see it. Returns the data with the fields the system derives
// filled in (an acceptance receipt's deadline) — only worth using when no problem is an
// error; `problems` receives the problems. Working days are reckoned on `calendar`.
core::Json CheckDocument(const render::Kind& kind, core::Json data, const core::Date& today,
                         const domain::HolidayCalendar& calendar, std::vector<core::Problem>& problems);

// How many characters a verification key has (base32 of 10 bytes).
inline constexpr size_t kVerificationKeyChars = 16;

// The verification key printed in the QR code: binds the number, kind, template version,
// issue time and data (`canonical_data`: core::WriteCanonicalJson of it, as the catalog keeps
// it), so the archive can recompute it and any change changes it.
std::string VerificationKey(const std::string& kind, int version, const std::string& number,
                            const std::string& issued_at, std::string_view canonical_data);

// The number printed on a document rendered outside the archive: the kind's prefix, the issue
// date and a digest of the data ("HT-20261127-ABCDEF"); no archived document has one like it.
std::string PreviewNumber(const render::Kind& kind, const std::string& issued_at, std::string_view canonical_data);

// The district whose bureau files a document with this data: the bureau's own, else the
// project's, else the enterprise's, else the one its credit code names ("" if none).
std::string FilingDistrict(const core::Json& data);

// The string at a JSON Pointer, or "".
std::string StringAt(const core::Json& data, std::string_view pointer);

// The project a document is about: /project/name, else /filing/project_name.
std::string ProjectNameOf(const core::Json& data);

}  // namespace beian::service

#endif  // BEIAN_SERVICE_SRC_DOCUMENTS_H_
