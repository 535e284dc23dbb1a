// Workflows that join the peers: validate (schema, domain rules) → render → archive, and
// verification that re-renders archived documents. The one place render, domain and archive meet.
#ifndef BEIAN_SERVICE_FILING_SERVICE_H_
#define BEIAN_SERVICE_FILING_SERVICE_H_

#include <functional>
#include <string>
#include <vector>

#include "beian/archive/archive.h"
#include "beian/archive/verify_report.h"
#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/status.h"
#include "beian/domain/date.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "beian/render/pdf_tools.h"

namespace beian::service {

// Validates a document's data: its kind's JSON Schema, then the domain's field validators and
// rules, every problem at once (where both speak of one field the rule's message wins, else a
// field the schema refused is not re-judged). Returns the data with the fields the system
// derives filled in (an acceptance receipt's deadline); `problems` receives every problem.
core::Json CheckDocument(const render::Kind& kind, core::Json data, const domain::Date& today,
                         std::vector<core::Problem>& problems);

// The verification key printed in the QR code: binds the number, kind, template version,
// issue time and canonical data, so the archive can recompute it and any change changes it.
std::string VerificationKey(const std::string& kind, int version, const std::string& number,
                            const std::string& issued_at, const core::Json& data);

// The number printed on a document rendered outside the archive: the kind's prefix, the issue
// date and a digest of the data ("HT-20261127-ABCDEF"); no archived document has one like it.
std::string PreviewNumber(const render::Kind& kind, const std::string& issued_at, const core::Json& data);

// The district whose bureau files a document with this data: the bureau's own, else the
// project's, else the enterprise's, else the one its credit code names ("" if none).
std::string FilingDistrict(const core::Json& data);

// A document whose re-rendering does not give the archived bytes (or cannot be done).
struct RerenderFinding {
  std::string number;
  std::string message;
};

// Everything a verification found: the storage findings plus documents whose re-rendering
// from their stored data and template version does not give the archived bytes.
struct VerifyOutcome {
  archive::VerifyReport storage;
  std::vector<RerenderFinding> rerender_problems;
  int documents_rerendered = 0;
  bool clean() const { return storage.clean() && rerender_problems.empty(); }
};

// A document rendered outside the archive.
struct Rendering {
  std::string number;  // as printed
  render::RenderedDocument document;
};

// Thread-compatible; the engine, catalog and archive it is given must outlive it.
class FilingService {
 public:
  FilingService(const render::Engine& engine, const render::Catalog& catalog, archive::Archive& archive)
      : engine_(engine), catalog_(catalog), archive_(archive) {}

  // Validates, allocates the number (per district and year), renders and archives one
  // document in one step. Invalid data: kInvalidArgument and every problem in `problems`
  // (warnings are returned there too on success); nothing is stored.
  core::Result<archive::Document> Issue(const std::string& kind, core::Json data,
                                        const std::string& issued_at, const std::string& actor,
                                        const domain::Date& today, std::vector<core::Problem>& problems);

  // Validates and renders without archiving: a preview, or `beian render`. The number printed
  // is `number`, or when empty one made of the kind's prefix, the issue date and a digest of
  // the data ("HT-20261127-ABCDEF"), which no archived document has. Invalid data as in Issue.
  core::Result<Rendering> Preview(const std::string& kind, core::Json data, const std::string& number,
                                  const std::string& issued_at, const domain::Date& today,
                                  std::vector<core::Problem>& problems) const;

  // Everything archived whose bytes are exactly `file`: "is this paper the one filed?".
  core::Result<archive::Sha256Matches> Identify(std::string_view file);

  // The document numbered `number` if `key` is the verification key printed in its QR code;
  // kNotFound otherwise (an unknown number and a wrong key are not told apart).
  core::Result<archive::Document> CheckPrintedKey(const std::string& number, const std::string& key);

  // Archives a signed scan of a document: a PDF as uploaded, a JPEG or PNG wrapped into an
  // A4 PDF page. Corrupt, truncated, encrypted, empty or other uploads are refused
  // (kInvalidArgument, the reason in Chinese and English) and nothing is stored.
  core::Result<archive::SignedCopy> AttachSignedCopy(const std::string& number, std::string_view upload,
                                                     const std::string& original_name, const std::string& actor,
                                                     const std::string& at);

  // A reprint: the stored bytes unchanged, or (marked) a 补打 stamp with the date and operator
  // on every page, written as an incremental update over the original bytes. Either way it is
  // recorded; a marked reprint is archived as its own blob linked to the original.
  core::Result<std::string> Reprint(const std::string& number, bool marked, const std::string& operator_name,
                                    const std::string& at);

  // Re-renders one archived document from its stored data and template version.
  core::Result<std::string> Rerender(const archive::Document& document) const;

  // Storage checks, then every document re-rendered and compared byte for byte. `progress`
  // is called with (done, total) per document.
  core::Result<VerifyOutcome> Verify(const std::function<void(int64_t, int64_t)>& progress = {});

 private:
  core::Result<const render::Kind*> FindKind(const std::string& kind) const;
  // CheckDocument, refusing data with an error problem and a malformed issue time.
  core::Result<core::Json> CheckOrRefuse(const render::Kind& kind, core::Json data, const std::string& issued_at,
                                         const domain::Date& today, std::vector<core::Problem>& problems) const;
  // Renders checked data with the kind's current template.
  core::Result<render::RenderedDocument> RenderCurrent(const render::Kind& kind, const core::Json& data,
                                                       const std::string& number,
                                                       const std::string& issued_at) const;

  const render::Engine& engine_;
  const render::Catalog& catalog_;
  archive::Archive& archive_;
};

}  // namespace beian::service

#endif  // BEIAN_SERVICE_FILING_SERVICE_H_
