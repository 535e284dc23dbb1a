#include "beian/service/filing_service.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "accounts.h"
#include "archive_checker.h"
#include "authority.h"
#include "beian/archive/bagit.h"
#include "beian/archive/document_number.h"
#include "beian/archive/catalog_archive.h"
#include "beian/archive/text_index.h"
#include "beian/core/beijing_time.h"
#include "beian/core/catalog_url.h"
#include "beian/core/civil_date.h"
#include "beian/core/digest.h"
#include "beian/core/districts.h"
#include "beian/core/kinds.h"
#include "beian/core/log.h"
#include "beian/domain/calendar.h"
#include "beian/domain/rules.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "beian/render/pdf_tools.h"
#include "documents.h"
#include "records_view.h"
#include "staff_keys.h"
#include "token_cache.h"
#include "upload_sandbox.h"

namespace beian::service {
namespace {

// The standard every document is issued in: PDF/A-3u, with its data
// embedded. Earlier documents keep theirs (archive::Document::pdf_standard).
constexpr render::PdfStandard kIssuedStandard = render::PdfStandard::kPdfA3u;

// The PDF/A document's embedded data (render::kSourceDataFile) must be the
// catalog's, byte for byte: the paper carries what was filed.
void CheckEmbeddedData(archive::Archive& store, const archive::Document& d, VerifyOutcome& outcome) {
  core::Result<std::string> pdf = store.ReadBlob(d.sha256);
  if (!pdf.ok()) return;  // the storage checks name a missing or damaged blob
  core::Result<std::string> embedded = render::EmbeddedSourceData(*pdf);
  if (!embedded.ok()) {
    outcome.problems.push_back({"embedded-data-missing", d.number,
                                "the " + d.pdf_standard + " document embeds no readable " +
                                    render::kSourceDataFile + ": " + embedded.status().message()});
  } else if (*embedded != d.data) {
    outcome.problems.push_back({"embedded-data-mismatch", d.number,
                                std::string("the document's embedded ") + render::kSourceDataFile +
                                    " differs from the catalog's data (SHA-256 " +
                                    core::Sha256Hex(*embedded).substr(0, 16) + "… ≠ " +
                                    core::Sha256Hex(d.data).substr(0, 16) + "…)"});
  }
}

// How long a number may be taken and not yet filed before it counts as
// unused: far longer than any render and commit takes.
constexpr std::chrono::seconds kUnusedNumberGrace{600};

// Constant-time comparison of two keys of the same length.
bool SameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The issuers a kind.json declares: ["enterprise"], ["bureau"] (admin may
// issue every kind) or ["admin"] (admin alone: the archive's own reports).
// Who issues the kind `name`, from its kind.json (`manifest`).
core::Result<Role> IssuerOf(const std::string& name, const core::Json& manifest) {
  const core::Json* issuers = manifest.Find("issuers");
  if (issuers != nullptr && issuers->is_array() && issuers->as_array().size() == 1 &&
      issuers->as_array()[0].is_string()) {
    core::Result<Role> role = ParseRole(issuers->as_array()[0].as_string());
    if (role.ok()) return *role;
  }
  return core::InvalidArgument("templates/" + name +
                               "/kind.json: \"issuers\" must be [\"enterprise\"], [\"bureau\"] or [\"admin\"]");
}

// "<issued_at>~<id>", a page's next_cursor; issued_at as stored (it may carry
// fractions of a second), compared as a bound parameter.
std::optional<archive::DocumentCursor> ParseCursor(const std::string& cursor) {
  const size_t tilde = cursor.rfind('~');
  if (tilde == std::string::npos || tilde < 19 || tilde > 40 ||
      !core::Date::Parse(cursor.substr(0, 10)).ok()) {
    return std::nullopt;
  }
  const std::string id = cursor.substr(tilde + 1);
  if (id.empty() || id.size() > 18 || id.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return archive::DocumentCursor{cursor.substr(0, tilde), std::stoll(id)};
}

// The calendar in `file`, or the bundled one for "".
core::Result<std::shared_ptr<const domain::HolidayCalendar>> LoadCalendar(const std::string& file) {
  if (file.empty()) {
    const auto& bundled = domain::BundledHolidayCalendar();
    if (!bundled.ok()) return core::Internal("the bundled holiday calendar cannot be read: " + bundled.status().message());
    return std::make_shared<const domain::HolidayCalendar>(bundled.value());
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return core::NotFound("holiday calendar " + file + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  auto json = core::ParseJson(text.str());
  if (!json.ok()) return core::InvalidArgument("holiday calendar " + file + ": " + json.status().message());
  auto calendar = domain::HolidayCalendar::Parse(*json);
  if (!calendar.ok()) return core::InvalidArgument(file + ": " + calendar.status().message());
  return std::make_shared<const domain::HolidayCalendar>(std::move(calendar).value());
}

CalendarInfo CalendarInfoOf(const domain::HolidayCalendar& calendar, const std::string& file) {
  CalendarInfo info;
  info.source = file.empty() ? "bundled" : file;
  for (const domain::HolidayCalendar::Year& y : calendar.years()) {
    CalendarInfo::Year year;
    year.year = y.year;
    year.notice = y.notice;
    year.notice_no = y.notice_no;
    year.published_on = y.published_on;
    for (const auto& h : y.holidays) year.holidays.push_back({h.name, h.from.Iso(), h.to.Iso()});
    for (const auto& w : y.working_days) year.working_days.push_back({w.date.Iso(), w.for_});
    info.years.push_back(std::move(year));
  }
  return info;
}

// The counts an export or import reports.
template <typename Summary>
BagSummary BagSummaryOf(const Summary& s) {
  BagSummary out;
  out.documents = s.documents;
  out.signed_copies = s.signed_copies;
  out.reprints = s.reprints;
  out.payload_files = s.payload_files;
  out.payload_bytes = s.payload_bytes;
  return out;
}

// What an idempotency key binds: the request as the client sent it.
std::string RequestDigest(const IssueRequest& request) {
  core::Json o = core::Json::MakeObject();
  o.Set("kind", request.kind);
  o.Set("data", request.data);
  o.Set("issued_at", request.issued_at);
  return core::Sha256Hex(core::WriteCanonicalJson(o));
}

core::Date DateOf(const std::string& beijing_time) {
  core::Result<core::Date> d = core::Date::Parse(beijing_time.substr(0, 10));
  return d.ok() ? *d : core::Date{};
}

}  // namespace

struct FilingService::Impl {
  std::function<std::string()> now;
  std::function<core::Status(std::string_view)> fault;
  std::unique_ptr<render::Engine> engine;
  std::unique_ptr<render::Catalog> catalog;
  std::vector<FontInfo> fonts;  // the manifest's faces, once loaded
  std::map<std::string, KindInfo, std::less<>> kinds;
  std::unique_ptr<archive::CatalogArchive> archive;
  std::string signing_key_path;
  // Where the archive is (ServiceOptions), and the signing key as given.
  std::string archive_dir, archive_catalog, signing_key_option;
  std::unique_ptr<TokenCache> tokens;
  std::unique_ptr<Accounts> accounts;
  std::optional<StaffKeys> staff;
  std::unique_ptr<UploadInspector> uploads;

  // The OFD renditions made off the request path (ServiceOptions::
  // ofd_in_background); null when they are made at issue.
  struct OfdQueue {
    std::mutex mu;
    std::condition_variable wake;
    std::deque<int64_t> ids;
    bool stop = false;
    // When a document was last issued: the thread waits for a quiet moment,
    // so that its transactions never queue behind, or before, those of issuing.
    std::chrono::steady_clock::time_point last_issue;
    std::thread thread;
  };
  // How long issuing must have paused before the OFD thread works.
  static constexpr std::chrono::milliseconds kOfdQuiet{300};
  std::unique_ptr<OfdQueue> ofd;

  ~Impl() { StopOfdQueue(); }

  // Renders document `d` as OFD from its stored data, with the template
  // version, standard and verification address it was issued with, and
  // attaches it to the archive. The PDF of that rendering must be the
  // archived one: else the OFD would not be of the same document.
  core::Result<archive::Document> AttachOfdOf(const archive::Document& d) {
    const render::Kind* kind = RenderKind(d.kind);
    if (kind == nullptr) return core::NotFound("kind " + d.kind + " is no longer in the catalog");
    BEIAN_ASSIGN_OR_RETURN(const core::Json data, core::ParseJson(d.data));
    BEIAN_ASSIGN_OR_RETURN(const render::PdfStandard standard, render::ParsePdfStandard(d.pdf_standard));
    BEIAN_ASSIGN_OR_RETURN(render::RenderedDocument both,
                           RenderWith(*kind, d.template_version, data, d.data, d.number, d.issued_at, d.verify_url,
                                      standard, /*with_ofd=*/true));
    if (core::Sha256Hex(both.pdf) != d.sha256) {
      return core::Internal("document " + d.number + ": rendering it again gives another PDF than the archived "
                            "one, so no OFD is made of it; run archive verify");
    }
    return archive->AttachOfd(d.id, both.ofd, "beian");
  }

  // The OFD thread: the documents a stop left without an OFD, then each
  // document issued, until StopOfdQueue.
  void RunOfdQueue() {
    // Requests first: this thread renders when the CPU is otherwise idle
    // (SCHED_IDLE; where that is refused, the lowest nice value).
    sched_param idle{};
    if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle) != 0) {
      setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 19);
    }
    // False when stopped while waiting for issuing to pause.
    auto quiet = [&] {
      std::unique_lock<std::mutex> lock(ofd->mu);
      for (;;) {
        if (ofd->stop) return false;
        const auto since = std::chrono::steady_clock::now() - ofd->last_issue;
        if (since >= kOfdQuiet) return true;
        ofd->wake.wait_for(lock, kOfdQuiet - since);
      }
    };
    auto attach = [&](int64_t id) {
      if (!quiet()) return;
      core::Result<archive::Document> d = archive->Get(id);
      core::Result<archive::Document> attached = d.ok() ? AttachOfdOf(*d) : d;
      if (!attached.ok() && attached.status().code() != core::Code::kAlreadyExists) {
        core::Log(core::LogLevel::kError, "ofd_failed", "no OFD for document " + std::to_string(id) + ": " +
                                                             attached.status().message(),
                  {{"document_id", std::to_string(id)}});
      }
    };
    for (int64_t after = 0;;) {
      core::Result<std::vector<int64_t>> pending = archive->DocumentsWithoutOfd(after, 64);
      if (!pending.ok() || pending->empty()) break;
      for (int64_t id : *pending) {
        {
          std::lock_guard<std::mutex> lock(ofd->mu);
          if (ofd->stop) return;
        }
        attach(id);
        after = id;
      }
    }
    for (;;) {
      int64_t id = 0;
      {
        std::unique_lock<std::mutex> lock(ofd->mu);
        ofd->wake.wait(lock, [&] { return ofd->stop || !ofd->ids.empty(); });
        if (ofd->stop) return;
        id = ofd->ids.front();
        ofd->ids.pop_front();
      }
      attach(id);
    }
  }

  void StopOfdQueue() {
    if (ofd == nullptr) return;
    {
      std::lock_guard<std::mutex> lock(ofd->mu);
      ofd->stop = true;
    }
    ofd->wake.notify_all();
    if (ofd->thread.joinable()) ofd->thread.join();
    ofd.reset();
  }

  std::string Now() const { return now ? now() : archive::NowInBeijing(); }

  // The address the QR codes of documents issued now open ("" for the
  // beian:verify form).
  std::string PublicUrl() const {
    std::lock_guard<std::mutex> lock(public_url_mu);
    return public_url;
  }
  mutable std::mutex public_url_mu;
  std::string public_url;

  // Working days are reckoned on it (ServiceOptions::holiday_calendar).
  std::shared_ptr<const domain::HolidayCalendar> calendar;
  std::string calendar_file;

  // The accounts of people who sign in; kFailedPrecondition without an archive.
  core::Result<Accounts*> People();

  core::Result<archive::Archive*> Store() {
    if (archive == nullptr) return core::FailedPrecondition("no archive was opened");
    return archive.get();
  }

  const render::Kind* RenderKind(std::string_view name) const {
    return catalog == nullptr ? nullptr : catalog->Find(std::string(name));
  }

  // The fonts and every kind under `root`.
  core::Status LoadTemplates(const std::string& root, const std::string& face_cache,
                             const std::vector<std::string>& only) {
    auto source = std::make_shared<render::FileFontSource>();
    BEIAN_ASSIGN_OR_RETURN(std::string manifest_text, source->Read(root + "/fonts/manifest.json"));
    BEIAN_ASSIGN_OR_RETURN(render::FontManifest manifest, render::ParseFontManifest(manifest_text));
    render::EngineOptions engine_options;
    engine_options.face_cache = face_cache;
    BEIAN_ASSIGN_OR_RETURN(engine, render::Engine::Create(manifest, std::move(source), engine_options));
    for (const render::FontFaceSpec& face : manifest.faces) fonts.push_back({face.id, face.file, face.sha256});
    BEIAN_ASSIGN_OR_RETURN(render::Catalog loaded, render::Catalog::Load(root + "/templates", *engine, only));
    catalog = std::make_unique<render::Catalog>(std::move(loaded));
    for (const render::Kind* k : catalog->kinds()) {
      KindInfo info;
      info.name = k->name;
      info.title = k->title;
      info.current_version = k->current_version;
      for (const auto& [version, tmpl] : k->versions) info.versions.push_back(version);
      BEIAN_ASSIGN_OR_RETURN(info.issuer, IssuerOf(k->name, k->manifest));
      info.schema = &k->schema_json;
      info.example = &k->example;
      kinds.emplace(k->name, std::move(info));
    }
    return core::Status::Ok();
  }

  // CheckDocument, refusing data with an error problem and a malformed issue time.
  core::Result<core::Json> CheckOrRefuse(const render::Kind& kind, core::Json data, const std::string& issued_at,
                                         std::vector<core::Problem>& problems) const {
    std::vector<core::Problem> found;
    core::Json checked = CheckDocument(kind, std::move(data), DateOf(Now()), *calendar, found);
    problems.insert(problems.end(), found.begin(), found.end());
    if (core::HasError(problems)) {
      return core::InvalidArgument("the data does not fit " + kind.name + " (" +
                                   std::to_string(core::ProblemTotal(problems)) +
                                   " problems)");
    }
    if (!core::IsBeijingTime(issued_at)) {
      return core::InvalidArgument("issued_at must be Beijing time like 2026-11-27T10:00:00+08:00, got \"" +
                                   issued_at + "\"");
    }
    return checked;
  }

  // Renders with template `version` to `standard`, reusing `prepared` (a
  // layout of the same data with a placeholder number) when given.
  // `canonical_data` is core::WriteCanonicalJson(data), written once by the
  // caller; the QR code opens `verify_url` (see
  // archive::NewDocument::verify_url).
  core::Result<render::RenderedDocument> RenderWith(const render::Kind& kind, int version, const core::Json& data,
                                                    std::string_view canonical_data,
                                                    const std::string& number, const std::string& issued_at,
                                                    const std::string& verify_url, render::PdfStandard standard,
                                                    bool with_ofd, std::optional<render::PreparedLayout> prepared = {}) const {
    auto tmpl = kind.versions.find(version);
    if (tmpl == kind.versions.end()) {
      return core::NotFound(kind.name + " template version " + std::to_string(version) + " is missing");
    }
    render::RenderOptions options;
    options.document_number = number;
    options.issued_at = issued_at;
    options.verification_key = VerificationKey(kind.name, version, number, issued_at, canonical_data);
    options.verify_url = verify_url;
    options.standard = standard;
    options.with_ofd = with_ofd;
    if (prepared) return engine->Render(*tmpl->second, data, options, std::move(*prepared));
    return engine->Render(*tmpl->second, data, options);
  }

  // A rendering with the kind's current template that no archive keeps, as
  // PDF and, when asked, OFD. `number` empty: a preview number (PreviewNumber).
  core::Result<Rendering> RenderOutside(const render::Kind& kind, const core::Json& data, std::string number,
                                        const std::string& issued_at, bool with_ofd = false) const {
    const std::string canonical = core::WriteCanonicalJson(data);
    if (number.empty()) number = PreviewNumber(kind, issued_at, canonical);
    BEIAN_ASSIGN_OR_RETURN(render::RenderedDocument pdf,
                           RenderWith(kind, kind.current_version, data, canonical, number, issued_at,
                                      PublicUrl(), kIssuedStandard, with_ofd));
    return Rendering{number, std::move(pdf.pdf), std::move(pdf.ofd), pdf.pages};
  }

  // The archived document `id` if `who` may see it; kNotFound otherwise.
  core::Result<archive::Document> Visible(const Identity& who, int64_t id) {
    BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, Store());
    core::Result<archive::Document> d = store->Get(id);
    if (!d.ok() || !InScope(who, *d)) {
      return d.ok() || d.status().code() == core::Code::kNotFound
                 ? core::NotFound("no document " + std::to_string(id))
                 : d.status();
    }
    return d;
  }

  // The document an earlier request with this idempotency key made, if any;
  // kInvalidArgument when that request differed.
  core::Result<std::optional<DocumentInfo>> Replay(const Identity& who, const archive::IdempotencyKey& key,
                                                   std::vector<core::Problem>& problems) {
    core::Result<archive::IdempotentResult> earlier = archive->FindIdempotencyKey(key.client, key.key);
    if (!earlier.ok()) {
      if (earlier.status().code() == core::Code::kNotFound) return std::optional<DocumentInfo>();
      return earlier.status();
    }
    if (earlier->request_sha256 != key.request_sha256) {
      problems.push_back({"Idempotency-Key", "idempotency.key_reused",
                          "该幂等键已用于另一请求（" + earlier->created_at + "）",
                          "this Idempotency-Key was used for another request at " + earlier->created_at});
      return core::InvalidArgument("the Idempotency-Key was used for another request");
    }
    BEIAN_ASSIGN_OR_RETURN(archive::Document d, Visible(who, earlier->document_id));
    return std::optional<DocumentInfo>(DocumentInfoOf(d, /*with_data=*/false, *calendar));
  }

  // 挂证: kInvalidArgument with a problem at each person of the new document
  // who stands in a current document of another enterprise. The message names
  // neither that enterprise nor the person.
  // `presence_version` (optional) receives the staff index version checked.
  core::Status CheckStaff(const std::vector<archive::StaffKey>& keys, const std::string& credit_code,
                          std::vector<core::Problem>& problems, int64_t* presence_version = nullptr) {
    if (keys.empty()) return core::Status::Ok();
    BEIAN_ASSIGN_OR_RETURN(std::vector<archive::StaffKey> taken,
                           archive->FindStaffConflicts(keys, credit_code, presence_version));
    for (const archive::StaffKey& k : taken) {
      problems.push_back({k.path + "/id_number", "person.other_enterprise",
                          "该人员已在其他物业服务企业的在用材料中登记，同一人员只能在一个企业中维护；"
                          "请联系区县房屋行政主管部门",
                          "this person stands in the current documents of another enterprise; one person is "
                          "maintained by one enterprise only (ask the district bureau)"});
    }
    if (taken.empty()) return core::Status::Ok();
    return core::InvalidArgument("a person of this document belongs to another enterprise");
  }

  // Indexes the persons of documents filed before the staff index existed
  // (or imported since).
  core::Status IndexStaffOfOlderDocuments() {
    BEIAN_ASSIGN_OR_RETURN(std::vector<int64_t> ids, archive->DocumentsWithoutStaffKeys());
    for (int64_t id : ids) {
      BEIAN_ASSIGN_OR_RETURN(archive::Document d, archive->Get(id));
      BEIAN_ASSIGN_OR_RETURN(core::Json data, core::ParseJson(d.data));
      BEIAN_RETURN_IF_ERROR(archive->SetStaffKeys(id, staff->Of(data)));
    }
    return core::Status::Ok();
  }

  // The document laid out with a placeholder number (and a key of the same
  // width): the data problems rendering would find, before a number is taken.
  core::Result<render::PreparedLayout> PrepareLayout(const render::Kind& kind, const core::Json& data,
                                                     const std::string& placeholder,
                                                     const std::string& issued_at,
                                                     const std::string& verify_url) const {
    render::RenderOptions options;
    options.document_number = placeholder;
    options.issued_at = issued_at;
    options.verify_url = verify_url;
    options.verification_key = std::string(kVerificationKeyChars, 'A');
    return engine->Prepare(*kind.versions.at(kind.current_version), data, options);
  }

  // Records as void (作废号) every number taken longer than
  // kUnusedNumberGrace ago and never filed (a crash or a failure between
  // allocation and commit), so every serial is a document or an explained
  // void. The grace leaves numbers in flight in other processes alone.
  core::Result<std::vector<std::string>> VoidUnusedNumbers(const std::string& actor) {
    BEIAN_ASSIGN_OR_RETURN(const std::string before, core::AddSeconds(Now(), -kUnusedNumberGrace.count()));
    return archive->VoidUnusedNumbers(actor, before);
  }

  // A lifecycle step on a document `who` may see, by the bureau of its
  // district or admin: `fill` sets the states it leaves, the one it reaches
  // and that state's facts, or refuses.
  core::Result<DocumentInfo> Step(
      const Identity& who, int64_t id, std::string_view action,
      const std::function<core::Status(const archive::Document&, archive::StatusChange&)>& fill) {
    BEIAN_ASSIGN_OR_RETURN(archive::Document d, Visible(who, id));
    BEIAN_RETURN_IF_ERROR(RequireBureauOf(who, d, action));
    archive::StatusChange change;
    change.document_id = d.id;
    change.actor = who.Actor();
    BEIAN_RETURN_IF_ERROR(fill(d, change));
    core::Result<archive::Document> changed = archive->ChangeStatus(change);
    if (changed.status().code() == core::Code::kFailedPrecondition) {
      // Said for the clerk: the document's state (read again: another clerk
      // may have just moved it) and the step that does not follow from it.
      core::Result<archive::Document> now = archive->Get(id);
      const std::string_view label = StatusLabel(now.ok() ? now->status : d.status);
      const std::string step(action.substr(0, action.find(' ')));
      return core::FailedPrecondition("该文书当前为「" + std::string(label) + "」，不能" + step + " / " +
                                      changed.status().message());
    }
    BEIAN_RETURN_IF_ERROR(changed.status());
    return DocumentInfoOf(*changed, /*with_data=*/false, *calendar);
  }

  // Issue's checks and rendering input: authority, the issue time, the data.
  struct Prepared {
    const render::Kind* kind = nullptr;
    core::Json data;
    std::string issued_at;
    bool backfilled = false;
  };
  core::Result<Prepared> Prepare(const Identity& who, IssueRequest request,
                                 std::vector<core::Problem>& problems) const {
    Prepared out;
    out.kind = RenderKind(request.kind);
    auto info = kinds.find(request.kind);
    if (out.kind == nullptr || info == kinds.end()) {
      problems.push_back({"/kind", "kind.unknown", "未知的文书种类“" + request.kind + "”",
                          "unknown kind \"" + request.kind + "\""});
      return core::NotFound("unknown kind \"" + request.kind + "\"");
    }
    if (!request.issued_at.empty()) {
      BEIAN_RETURN_IF_ERROR(AuthorizeBackfill(who, problems));
      out.issued_at = request.issued_at;
      out.backfilled = true;
    } else {
      out.issued_at = Now();
    }
    if (!request.data.is_object()) {
      problems.push_back({"", "data.not_object", "数据应为 JSON 对象", "the data must be a JSON object"});
      return core::InvalidArgument("the data must be a JSON object");
    }
    BEIAN_RETURN_IF_ERROR(AuthorizeIssue(who, info->second, request.data, problems));
    BEIAN_ASSIGN_OR_RETURN(out.data, CheckOrRefuse(*out.kind, std::move(request.data), out.issued_at, problems));
    return out;
  }
};

FilingService::FilingService(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FilingService::~FilingService() = default;

core::Result<std::unique_ptr<FilingService>> FilingService::Open(const ServiceOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->now = options.now;
  if (!options.public_url.empty() && !archive::IsVerifyUrl(options.public_url)) {
    return core::InvalidArgument("public_url must be an http(s) address without query or trailing '/', e.g. "
                                 "https://beian.example.gov.cn, not \"" + options.public_url + "\"");
  }
  impl->public_url = options.public_url;
  impl->fault = options.fault;
  impl->uploads = std::make_unique<UploadInspector>(options.uploads);
  BEIAN_ASSIGN_OR_RETURN(impl->calendar, LoadCalendar(options.holiday_calendar));
  impl->calendar_file = options.holiday_calendar;
  if (options.load_templates) BEIAN_RETURN_IF_ERROR(impl->LoadTemplates(options.root, options.face_cache, options.kinds));
  if (!options.data_dir.empty()) {
    archive::ArchiveOptions archive_options;
    archive_options.now = options.now;
    archive_options.signing_key = options.signing_key;
    BEIAN_ASSIGN_OR_RETURN(archive_options.signing_algorithm,
                           core::ParseSignatureAlgorithm(options.signing_algorithm));
    auto opened = archive::OpenArchive(options.data_dir, options.catalog, archive_options);
    if (!opened.ok()) {
      const std::string where = options.catalog.empty()
                                    ? options.data_dir
                                    : options.data_dir + " (catalog " + core::RedactPostgresUrl(options.catalog) + ")";
      return core::Status(opened.status().code(), "archive " + where + ": " + opened.status().message());
    }
    impl->archive = std::move(opened).value();
    impl->archive_dir = options.data_dir;
    impl->archive_catalog = options.catalog;
    impl->signing_key_option = options.signing_key;
    impl->signing_key_path =
        options.signing_key.empty() ? options.data_dir + "/keys/checkpoint.pem" : options.signing_key;
    impl->tokens = std::make_unique<TokenCache>(*impl->archive, options.token_cache_ttl);
    impl->accounts = std::make_unique<Accounts>(
        *impl->archive, [impl = impl.get()] { return impl->Now(); },
        SessionLimits{options.session_idle_seconds, options.session_max_seconds});
    BEIAN_ASSIGN_OR_RETURN(StaffKeys staff, StaffKeys::Open(options.data_dir + "/staff-index.key"));
    impl->staff.emplace(std::move(staff));
    BEIAN_RETURN_IF_ERROR(impl->IndexStaffOfOlderDocuments());
    BEIAN_RETURN_IF_ERROR(impl->VoidUnusedNumbers("beian").status());
    if (options.ofd_in_background && impl->catalog != nullptr) {
      impl->ofd = std::make_unique<Impl::OfdQueue>();
      impl->ofd->thread = std::thread([impl = impl.get()] { impl->RunOfdQueue(); });
    }
    // Load the pinyin tables now (about 0.3 s), not in the first search.
    (void)archive::IndexTerms("北京");
  }
  return std::unique_ptr<FilingService>(new FilingService(std::move(impl)));
}

std::string FilingService::Now() const { return impl_->Now(); }

core::Status FilingService::SetPublicUrl(const std::string& url) {
  if (!url.empty() && !archive::IsVerifyUrl(url)) {
    return core::InvalidArgument("public_url must be an http(s) address without query or trailing '/', not \"" +
                                 url + "\"");
  }
  std::lock_guard<std::mutex> lock(impl_->public_url_mu);
  impl_->public_url = url;
  return core::Status::Ok();
}

std::string FilingService::PublicUrl() const { return impl_->PublicUrl(); }

std::vector<FontInfo> FilingService::Fonts() const { return impl_->fonts; }

CalendarInfo FilingService::Calendar() const { return CalendarInfoOf(*impl_->calendar, impl_->calendar_file); }

core::Result<CalendarInfo> FilingService::ReadCalendar(const std::string& file) {
  BEIAN_ASSIGN_OR_RETURN(std::shared_ptr<const domain::HolidayCalendar> calendar, LoadCalendar(file));
  return CalendarInfoOf(*calendar, file);
}

core::Status FilingService::LoadFonts() const {
  if (impl_->engine == nullptr) return core::FailedPrecondition("no templates were loaded");
  return impl_->engine->LoadFonts();
}

std::string FilingService::EngineVersion() { return render::EngineVersion(); }

std::vector<const KindInfo*> FilingService::Kinds() const {
  std::vector<const KindInfo*> out;
  for (const auto& [name, info] : impl_->kinds) {
    if (info.issuer != Role::kAdmin) out.push_back(&info);
  }
  return out;
}

core::Result<std::vector<KindInfo>> FilingService::ListKinds(const std::string& root) {
  BEIAN_ASSIGN_OR_RETURN(std::vector<render::KindListing> listed, render::ListKinds(root + "/templates"));
  std::vector<KindInfo> out;
  for (render::KindListing& k : listed) {
    KindInfo info;
    BEIAN_ASSIGN_OR_RETURN(info.issuer, IssuerOf(k.name, k.manifest));
    if (info.issuer == Role::kAdmin) continue;
    info.name = std::move(k.name);
    info.title = std::move(k.title);
    info.current_version = k.current_version;
    info.versions = std::move(k.versions);
    out.push_back(std::move(info));
  }
  return out;
}

const KindInfo* FilingService::FindKind(std::string_view name) const {
  auto it = impl_->kinds.find(name);
  return it == impl_->kinds.end() ? nullptr : &it->second;
}

core::Result<std::vector<core::Problem>> FilingService::Validate(const std::string& kind_name,
                                                                 core::Json data) const {
  const render::Kind* kind = impl_->RenderKind(kind_name);
  if (kind == nullptr) return core::NotFound("unknown kind \"" + kind_name + "\"");
  std::vector<core::Problem> problems;
  CheckDocument(*kind, std::move(data), DateOf(impl_->Now()), *impl_->calendar, problems);
  return problems;
}

core::Result<Rendering> FilingService::Render(const std::string& kind_name, core::Json data,
                                              const std::string& number, const std::string& issued_at,
                                              std::vector<core::Problem>& problems, bool with_ofd) const {
  const render::Kind* kind = impl_->RenderKind(kind_name);
  if (kind == nullptr) return core::NotFound("unknown kind \"" + kind_name + "\"");
  const std::string at = issued_at.empty() ? impl_->Now() : issued_at;
  BEIAN_ASSIGN_OR_RETURN(core::Json checked, impl_->CheckOrRefuse(*kind, std::move(data), at, problems));
  return impl_->RenderOutside(*kind, checked, number, at, with_ofd);
}

core::Result<Rendering> FilingService::Preview(const Identity& who, IssueRequest request,
                                               std::vector<core::Problem>& problems) const {
  BEIAN_ASSIGN_OR_RETURN(Impl::Prepared prepared, impl_->Prepare(who, std::move(request), problems));
  return impl_->RenderOutside(*prepared.kind, prepared.data, "", prepared.issued_at);
}

// ---- Identity

core::Result<Identity> FilingService::Authenticate(std::string_view secret) {
  if (impl_->tokens == nullptr) return core::FailedPrecondition("no archive was opened");
  BEIAN_ASSIGN_OR_RETURN(archive::AccessToken token, impl_->tokens->Find(std::string(secret)));
  return IdentityOf(token);
}

core::Result<Accounts*> FilingService::Impl::People() {
  if (accounts == nullptr) return core::FailedPrecondition("no archive was opened");
  return accounts.get();
}

core::Result<SignInOutcome> FilingService::SignIn(std::string_view username, std::string_view password,
                                                  const std::string& address) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->SignIn(username, password, address);
}

core::Result<UserSessionInfo> FilingService::ResumeSession(std::string_view secret) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->Resume(secret);
}

core::Status FilingService::SignOut(std::string_view secret) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->SignOut(secret);
}

core::Result<UserInfo> FilingService::CreateUser(const Identity& who, NewUserAccount account) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->Create(who, std::move(account));
}

core::Result<std::vector<UserInfo>> FilingService::ListUsers(const Identity& who) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->List(who);
}

core::Result<UserInfo> FilingService::FindUser(const Identity& who, std::string_view username) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->Find(who, username);
}

core::Result<UserInfo> FilingService::DisableUser(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->Disable(who, id);
}

core::Result<UserInfo> FilingService::SetUserPassword(const Identity& who, int64_t id, const std::string& password) {
  BEIAN_ASSIGN_OR_RETURN(Accounts * people, impl_->People());
  return people->SetPassword(who, id, password);
}

core::Result<CreatedToken> FilingService::CreateToken(const Identity& who, const NewToken& token) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "making tokens"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(const std::string random, core::SecureRandomBytes(32));
  CreatedToken out;
  out.secret = "bn_" + core::Base32Encode(random);
  archive::NewAccessToken record;
  record.role = ArchiveRole(token.role);
  record.credit_code = token.credit_code;
  record.district = token.district;
  record.name = token.name;
  record.label = token.label;
  record.created_by = who.Actor();
  record.secret_sha256 = core::Sha256Hex(out.secret);
  BEIAN_ASSIGN_OR_RETURN(archive::AccessToken made, store->AddAccessToken(record));
  out.token = TokenInfoOf(made);
  return out;
}

core::Result<std::vector<TokenInfo>> FilingService::ListTokens(const Identity& who) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "listing tokens"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::AccessToken> tokens, store->ListAccessTokens());
  std::vector<TokenInfo> out;
  for (const archive::AccessToken& t : tokens) out.push_back(TokenInfoOf(t));
  return out;
}

core::Result<TokenInfo> FilingService::RevokeToken(const Identity& who, int64_t id) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "revoking tokens"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(archive::AccessToken revoked, store->RevokeAccessToken(id, who.Actor()));
  impl_->tokens->Forget(revoked.secret_sha256);
  return TokenInfoOf(revoked);
}

// ---- Documents

core::Result<DocumentInfo> FilingService::Issue(const Identity& who, IssueRequest request,
                                                std::vector<core::Problem>& problems, bool* replayed) {
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  if (replayed != nullptr) *replayed = false;
  std::optional<archive::IdempotencyKey> idempotency;
  if (!request.idempotency_key.empty()) {
    // Keys are per client: a token, or a person signed in (by minus the
    // user's id); an administrator at the command line has none.
    const int64_t client = who.token_id > 0 ? who.token_id : -who.user_id;
    if (client == 0) return core::InvalidArgument("an Idempotency-Key is for API tokens and signed-in users");
    idempotency = archive::IdempotencyKey{client, request.idempotency_key, RequestDigest(request)};
  }
  // The document an earlier request with the same key made, if any.
  auto earlier = [&]() -> core::Result<std::optional<DocumentInfo>> {
    if (!idempotency) return std::optional<DocumentInfo>();
    BEIAN_ASSIGN_OR_RETURN(std::optional<DocumentInfo> found, impl_->Replay(who, *idempotency, problems));
    if (found && replayed != nullptr) *replayed = true;
    return found;
  };
  BEIAN_ASSIGN_OR_RETURN(std::optional<DocumentInfo> first, earlier());
  if (first) return std::move(*first);
  BEIAN_ASSIGN_OR_RETURN(Impl::Prepared prepared, impl_->Prepare(who, std::move(request), problems));
  const render::Kind& kind = *prepared.kind;
  archive::NewDocument record;
  record.kind = kind.name;
  record.template_version = kind.current_version;
  record.credit_code = StringAt(prepared.data, "/enterprise/credit_code");
  record.enterprise_name = StringAt(prepared.data, "/enterprise/name");
  record.project_name = ProjectNameOf(prepared.data);
  record.district = FilingDistrict(prepared.data);
  record.issued_at = prepared.issued_at;
  record.created_by = who.Actor();
  record.backfilled = prepared.backfilled;
  record.idempotency = idempotency;
  record.staff_keys = impl_->staff->Of(prepared.data);
  record.staff_indexed = true;
  record.verify_url = impl_->PublicUrl();
  record.pdf_standard = render::PdfStandardName(kIssuedStandard);
  int64_t presence_version = 0;
  BEIAN_RETURN_IF_ERROR(impl_->CheckStaff(record.staff_keys, record.credit_code, problems, &presence_version));
  if (!record.staff_keys.empty()) record.staff_presence_version = presence_version;
  // Everything that can refuse the data is asked before a number is taken, so
  // refused data never uses up a serial: the layout with a placeholder of the
  // number's width, and the archive's own checks.
  const int year = std::stoi(prepared.issued_at.substr(0, 4));
  BEIAN_ASSIGN_OR_RETURN(const std::string district_code, core::DistrictNumberCode(record.district));
  record.number = archive::FormatDocumentNumber(
      archive::DocumentNumber{district_code, std::string(core::KindNumberCode(kind.name)), year, 0});
  BEIAN_ASSIGN_OR_RETURN(render::PreparedLayout layout,
                         impl_->PrepareLayout(kind, prepared.data, record.number, prepared.issued_at,
                                              record.verify_url));
  record.pdf = "%PDF-";  // stands in for the rendering
  record.pages = 1;
  BEIAN_RETURN_IF_ERROR(archive::CheckNewDocument(record));

  BEIAN_ASSIGN_OR_RETURN(record.number, store->AllocateNumber(record.district, year, kind.name));
  if (impl_->fault) BEIAN_RETURN_IF_ERROR(impl_->fault("number-taken"));
  record.canonical_data = core::WriteCanonicalJson(prepared.data);
  // Without the OFD thread, the OFD comes from this same layout and is
  // attached once the document is archived.
  const bool ofd_now = impl_->ofd == nullptr;
  BEIAN_ASSIGN_OR_RETURN(render::RenderedDocument pdf,
                         impl_->RenderWith(kind, kind.current_version, prepared.data, record.canonical_data,
                                           record.number, prepared.issued_at, record.verify_url,
                                           kIssuedStandard, ofd_now, std::move(layout)));
  if (impl_->fault) BEIAN_RETURN_IF_ERROR(impl_->fault("rendered"));
  record.pages = pdf.pages;
  record.pdf = std::move(pdf.pdf);
  record.data = std::move(prepared.data);
  core::Result<archive::Document> d = store->Ingest(record);
  if (d.ok()) {
    // The OFD beside it: made now, or queued for the OFD thread.
    if (impl_->ofd != nullptr) {
      {
        std::lock_guard<std::mutex> lock(impl_->ofd->mu);
        impl_->ofd->ids.push_back(d->id);
        impl_->ofd->last_issue = std::chrono::steady_clock::now();
      }
      impl_->ofd->wake.notify_one();
    } else if (core::Result<archive::Document> attached = store->AttachOfd(d->id, pdf.ofd, "beian");
               attached.ok()) {
      d = std::move(attached);
    }
    return DocumentInfoOf(*d, /*with_data=*/false, *impl_->calendar);
  }
  if (d.status().code() != core::Code::kAlreadyExists) return d.status();
  // Another request won a race: the same key (answer its document), or a
  // person filed by another enterprise in the meantime.
  BEIAN_ASSIGN_OR_RETURN(std::optional<DocumentInfo> raced, earlier());
  if (raced) return std::move(*raced);
  BEIAN_RETURN_IF_ERROR(impl_->CheckStaff(record.staff_keys, record.credit_code, problems));
  return d.status();
}

core::Result<std::vector<StaffConflictInfo>> FilingService::Conflicts(const Identity& who) {
  if (who.role == Role::kEnterprise) {
    return core::PermissionDenied("conflicts are listed for bureaus and administrators");
  }
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::StaffConflict> conflicts,
                         store->ListStaffConflicts(who.role == Role::kBureau ? who.district : ""));
  std::vector<StaffConflictInfo> out;
  for (const archive::StaffConflict& c : conflicts) {
    StaffConflictInfo info;
    info.person_key = c.hmac.substr(0, 16);
    for (const archive::Document& d : c.documents) {
      if (InScope(who, d)) {
        info.documents.push_back(DocumentInfoOf(d, false, *impl_->calendar));
      } else {
        DocumentInfo outside;
        outside.number = d.number;
        outside.kind = d.kind;
        outside.district = d.district;
        info.documents.push_back(std::move(outside));
      }
    }
    out.push_back(std::move(info));
  }
  return out;
}

core::Result<DocumentInfo> FilingService::Get(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  return DocumentInfoOf(d, /*with_data=*/true, *impl_->calendar);
}

core::Result<DocumentInfo> FilingService::GetByNumber(const Identity& who, std::string_view number) {
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  core::Result<archive::Document> d = store->FindByNumber(number);
  if (!d.ok() || !InScope(who, *d)) {
    if (d.ok() || d.status().code() == core::Code::kNotFound) {
      return core::NotFound("no document " + std::string(number));
    }
    return d.status();
  }
  return DocumentInfoOf(*d, /*with_data=*/true, *impl_->calendar);
}

core::Result<std::string> FilingService::ReadPdf(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  return impl_->archive->ReadBlob(d.sha256);
}

core::Result<std::string> FilingService::ReadOfd(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  if (d.pdf_standard.empty()) {
    return core::NotFound("document " + d.number + " was issued before beian kept OFD: it has none");
  }
  // Not rendered yet (the OFD thread is behind): now.
  if (d.ofd_sha256.empty()) {
    BEIAN_ASSIGN_OR_RETURN(d, impl_->AttachOfdOf(d));
  }
  return impl_->archive->ReadBlob(d.ofd_sha256);
}

core::Result<std::string> FilingService::ReadEmbeddedData(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  if (d.pdf_standard.empty()) {
    return core::NotFound("document " + d.number + " was issued as a plain PDF, before PDF/A: it embeds no data");
  }
  BEIAN_ASSIGN_OR_RETURN(const std::string pdf, impl_->archive->ReadBlob(d.sha256));
  core::Result<std::string> data = render::EmbeddedSourceData(pdf);
  if (!data.ok()) {
    return core::Internal("document " + d.number + ": the archived " + d.pdf_standard +
                          " file embeds no readable data (" + data.status().message() + "); run archive verify");
  }
  return data;
}

core::Result<std::vector<SignedCopyInfo>> FilingService::SignedCopiesOf(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::SignedCopy> copies, impl_->archive->SignedCopiesOf(d.id));
  std::vector<SignedCopyInfo> out;
  for (const archive::SignedCopy& c : copies) out.push_back(SignedCopyInfoOf(c));
  return out;
}

core::Result<std::string> FilingService::ReadCopy(const Identity& who, int64_t id, int64_t copy_id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::SignedCopy> copies, impl_->archive->SignedCopiesOf(d.id));
  for (const archive::SignedCopy& c : copies) {
    if (c.id == copy_id) return impl_->archive->ReadBlob(c.sha256);
  }
  return core::NotFound("document " + std::to_string(id) + " has no copy " + std::to_string(copy_id));
}

core::Result<std::vector<AuditEntryInfo>> FilingService::AuditOf(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::AuditEntry> entries, impl_->archive->AuditEntriesOf(d.number, 1000));
  std::vector<AuditEntryInfo> out;
  for (archive::AuditEntry& e : entries) {
    core::Result<core::Json> detail = core::ParseJson(e.detail);
    out.push_back(AuditEntryInfo{e.seq, std::move(e.at), std::move(e.actor), std::move(e.action),
                                 std::move(e.subject), detail.ok() ? std::move(*detail) : core::Json()});
  }
  return out;
}

core::Result<std::vector<QueueItem>> FilingService::Queue(const Identity& who) {
  if (who.role == Role::kEnterprise) {
    return core::PermissionDenied("the work queue is the district bureau's");
  }
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  // The listing is newest first: read deep enough that the oldest, most
  // urgent filings of a long queue are among those sorted.
  constexpr size_t kMostPerGroup = 200;
  constexpr int kMostRead = 1000;
  auto list = [&](archive::DocumentStatus status) -> core::Result<std::vector<archive::Document>> {
    archive::DocumentFilter filter;
    filter.district = who.role == Role::kBureau ? who.district : "";
    filter.status = status;
    filter.limit = kMostRead;
    BEIAN_ASSIGN_OR_RETURN(archive::DocumentPage page, store->ListDocuments(filter));
    return std::move(page.documents);
  };
  const core::Date today = DateOf(impl_->Now());
  const domain::HolidayCalendar& calendar = *impl_->calendar;

  std::vector<QueueItem> deciding;
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::Document> accepted, list(archive::DocumentStatus::kAccepted));
  for (const archive::Document& d : accepted) {
    QueueItem item{DocumentInfoOf(d, /*with_data=*/false, *impl_->calendar), "decision", std::nullopt, ""};
    const core::Result<core::Date> due = core::Date::Parse(item.document.decision_due);  // on today's calendar
    if (due.ok()) {
      if (core::Result<int> left = calendar.WorkingDaysUntil(today, *due); left.ok()) {
        item.working_days_left = *left;
        item.warning = *left < 0 ? "overdue" : *left <= 2 ? "due_soon" : "";
      }
    }
    if (!item.working_days_left && due.ok() && today.DaysUntil(*due) < 0) item.warning = "overdue";
    deciding.push_back(std::move(item));
  }
  std::stable_sort(deciding.begin(), deciding.end(), [](const QueueItem& a, const QueueItem& b) {
    return a.document.decision_due < b.document.decision_due;
  });

  // Awaiting 受理: an application whose paper is in: the copy of record
  // attached (signed), or a 提交件 from the enterprise.
  std::vector<QueueItem> accepting;
  for (archive::DocumentStatus status : {archive::DocumentStatus::kSigned, archive::DocumentStatus::kIssued}) {
    BEIAN_ASSIGN_OR_RETURN(std::vector<archive::Document> documents, list(status));
    for (const archive::Document& d : documents) {
      const KindInfo* kind = FindKind(d.kind);
      if (kind == nullptr || kind->issuer != Role::kEnterprise) continue;
      if (status == archive::DocumentStatus::kIssued) {
        BEIAN_ASSIGN_OR_RETURN(std::vector<archive::SignedCopy> copies, store->SignedCopiesOf(d.id));
        if (copies.empty()) continue;
      }
      accepting.push_back(QueueItem{DocumentInfoOf(d, /*with_data=*/false, *impl_->calendar), "acceptance", std::nullopt, ""});
    }
  }
  std::stable_sort(accepting.begin(), accepting.end(), [](const QueueItem& a, const QueueItem& b) {
    return a.document.issued_at < b.document.issued_at;
  });
  if (deciding.size() > kMostPerGroup) deciding.resize(kMostPerGroup);
  if (accepting.size() > kMostPerGroup) accepting.resize(kMostPerGroup);
  deciding.insert(deciding.end(), std::make_move_iterator(accepting.begin()),
                  std::make_move_iterator(accepting.end()));
  return deciding;
}

core::Result<std::vector<ReprintInfo>> FilingService::ReprintsOf(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  BEIAN_ASSIGN_OR_RETURN(std::vector<archive::Reprint> reprints, impl_->archive->ReprintsOf(d.id));
  std::vector<ReprintInfo> out;
  for (const archive::Reprint& r : reprints) out.push_back(ReprintInfoOf(r));
  return out;
}

core::Result<SignedCopyInfo> FilingService::AttachScan(const Identity& who, int64_t id, std::string_view upload,
                                                       const std::string& original_name, bool of_record) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  if (of_record) BEIAN_RETURN_IF_ERROR(RequireBureauOf(who, d, "attaching the copy of record"));
  const std::string at = impl_->Now();
  BEIAN_ASSIGN_OR_RETURN(InspectedUpload inspected, impl_->uploads->Inspect(upload, at));
  archive::NewSignedCopy copy;
  copy.document_id = d.id;
  copy.of_record = of_record;
  copy.media_type = inspected.media_type;
  copy.original_name = original_name;
  copy.uploaded_by = who.Actor();
  copy.uploaded_at = at;
  copy.pages = inspected.pages;
  copy.content = inspected.media_type == "application/pdf" ? std::string(upload) : std::move(inspected.wrapped_pdf);
  BEIAN_ASSIGN_OR_RETURN(archive::SignedCopy stored, impl_->archive->AttachSignedCopy(copy));
  return SignedCopyInfoOf(stored);
}

core::Status FilingService::StartUploadInspection(UploadLimits limits) {
  if (limits.executable.empty()) limits.executable = impl_->uploads->limits().executable;
  impl_->uploads = std::make_unique<UploadInspector>(std::move(limits));
  return impl_->uploads->Start();
}

// ---- The filing lifecycle

core::Result<DocumentInfo> FilingService::Accept(const Identity& who, int64_t id) {
  return impl_->Step(who, id, "受理 (accepting)", [&](const archive::Document& d, archive::StatusChange& change) {
    const KindInfo* kind = FindKind(d.kind);
    if (kind == nullptr || kind->issuer != Role::kEnterprise) {
      return core::FailedPrecondition(d.number + " 是主管部门出具的文书，不需受理 / " + d.number +
                                      " is a bureau's own paper; only an enterprise's application is accepted");
    }
    const core::Date today = DateOf(impl_->Now());
    // Provisional when it runs into a year whose arrangement is not installed
    // yet: DocumentInfo says so, and reckons it again once it is.
    BEIAN_ASSIGN_OR_RETURN(const domain::HolidayCalendar::Reckoned due,
                           domain::AcceptanceDeadline(*impl_->calendar, today));
    change.from = {archive::DocumentStatus::kIssued, archive::DocumentStatus::kSigned};
    change.to = archive::DocumentStatus::kAccepted;
    change.accepted_on = today.Iso();
    change.decision_due = due.date.Iso();
    return core::Status::Ok();
  });
}

core::Result<DocumentInfo> FilingService::File(const Identity& who, int64_t id, const std::string& filing_number) {
  return impl_->Step(who, id, "备案 (filing)", [&](const archive::Document& d, archive::StatusChange& change) {
    change.from = {archive::DocumentStatus::kAccepted};
    change.to = archive::DocumentStatus::kFiled;
    change.filing_number = filing_number.empty() ? d.number : filing_number;
    return core::Status::Ok();
  });
}

core::Result<DocumentInfo> FilingService::Refuse(const Identity& who, int64_t id, const std::string& reason) {
  return impl_->Step(who, id, "不予备案 (refusing)", [&](const archive::Document&, archive::StatusChange& change) {
    change.from = {archive::DocumentStatus::kAccepted};
    change.to = archive::DocumentStatus::kRefused;
    change.reason = reason;
    return core::Status::Ok();
  });
}

core::Result<DocumentInfo> FilingService::Revoke(const Identity& who, int64_t id, const std::string& reason) {
  return impl_->Step(who, id, "作废 (revoking)", [&](const archive::Document&, archive::StatusChange& change) {
    change.from = {archive::DocumentStatus::kIssued, archive::DocumentStatus::kSigned,
                   archive::DocumentStatus::kAccepted, archive::DocumentStatus::kFiled,
                   archive::DocumentStatus::kRefused};
    change.to = archive::DocumentStatus::kRevoked;
    change.reason = reason;
    return core::Status::Ok();
  });
}

core::Result<ReprintOutcome> FilingService::Reprint(const Identity& who, int64_t id, bool marked,
                                                    const std::string& operator_name) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  if (!operator_name.empty() && who.role == Role::kEnterprise) {
    return core::PermissionDenied("only a bureau or an administrator names the operator printed on a reprint");
  }
  const std::string printed_operator = !operator_name.empty() ? operator_name
                                       : !who.label.empty()   ? who.label
                                                              : who.Actor();
  BEIAN_ASSIGN_OR_RETURN(std::string original, impl_->archive->ReadBlob(d.sha256));
  const std::string at = impl_->Now();
  archive::NewReprint reprint;
  reprint.document_id = d.id;
  reprint.marked = marked;
  reprint.operator_name = printed_operator;
  reprint.actor = who.Actor();
  reprint.reprinted_at = at;
  if (marked) {
    const std::string day = DateOf(at).Chinese();
    std::vector<std::string> stamp = {"补打", "补打日期：" + day, "操作人：" + printed_operator,
                                      "原件 SHA-256：" + d.sha256.substr(0, 16)};
    // A copy of a withdrawn paper says so on every page.
    if (d.status == archive::DocumentStatus::kRevoked) {
      stamp.insert(stamp.begin() + 1, "已作废（" + DateOf(d.revoked_at).Chinese() + "）");
    }
    BEIAN_ASSIGN_OR_RETURN(reprint.pdf, impl_->engine->StampReprint(original, stamp, at));
  }
  BEIAN_ASSIGN_OR_RETURN(archive::Reprint stored, impl_->archive->AddReprint(reprint));
  ReprintOutcome out;
  out.reprint = ReprintInfoOf(stored);
  out.pdf = marked ? std::move(reprint.pdf) : std::move(original);
  return out;
}

core::Result<SearchPage> FilingService::Search(const Identity& who, const SearchRequest& request,
                                               std::vector<core::Problem>& problems) {
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  auto refuse = [&](core::Status status, const char* parameter, const std::string& message,
                    const std::string& message_en) {
    problems.push_back({parameter, "search.invalid", message, message_en});
    return core::Status(status.code(), std::string(parameter) + ": " + message_en);
  };
  const core::Status invalid = core::InvalidArgument("");
  archive::DocumentFilter filter;
  if (!request.kind.empty() && FindKind(request.kind) == nullptr) {
    return refuse(invalid, "kind", "未知的文书种类", "unknown kind \"" + request.kind + "\"");
  }
  filter.kind = request.kind;
  filter.district = request.district;
  for (const auto& [parameter, value] : {std::pair<const char*, const std::string*>{"from", &request.from},
                                         std::pair<const char*, const std::string*>{"to", &request.to}}) {
    const bool date = value->size() == 10 && core::Date::Parse(*value).ok();
    if (!value->empty() && !date && !core::IsBeijingTime(*value)) {
      return refuse(invalid, parameter, "应为日期（2026-03-01）或北京时间（2026-03-01T09:30:00+08:00）",
                    std::string(parameter) + " must be a date like 2026-03-01 or a time like 2026-03-01T09:30:00+08:00");
    }
  }
  filter.issued_from = request.from;
  // A plain `to` date includes its day; a time is an exclusive bound.
  filter.issued_before = request.to.size() == 10 ? DateOf(request.to).AddDays(1).Iso() : request.to;
  if (!request.status.empty()) {
    core::Result<archive::DocumentStatus> status = archive::ParseDocumentStatus(request.status);
    if (!status.ok()) {
      return refuse(invalid, "status", "状态应为 issued、signed、accepted、filed、refused 或 revoked",
                    "status is issued, signed, accepted, filed, refused or revoked");
    }
    filter.status = *status;
  }
  if (request.limit < 1 || request.limit > 100) {
    return refuse(invalid, "limit", "每页条数应为 1 到 100", "limit must be 1..100");
  }
  filter.limit = request.limit;
  if (!request.cursor.empty()) {
    std::optional<archive::DocumentCursor> after = ParseCursor(request.cursor);
    if (!after) {
      return refuse(invalid, "cursor", "翻页标记无效", "cursor must be a next_cursor from an earlier page");
    }
    filter.after = *after;
  }
  // The identity's scope narrows every search (an identity without one sees nothing).
  if ((who.role == Role::kEnterprise && who.credit_code.empty()) ||
      (who.role == Role::kBureau && who.district.empty())) {
    return refuse(core::PermissionDenied(""), "q", "该身份没有可查询的范围", "this identity has no scope to search");
  }
  if (who.role == Role::kEnterprise) {
    filter.credit_code = who.credit_code;
  } else if (who.role == Role::kBureau) {
    if (!filter.district.empty() && filter.district != who.district) {
      return refuse(core::PermissionDenied(""), "district", "区县房屋行政主管部门只能查询本区文书",
                    "a bureau searches only " + who.district);
    }
    filter.district = who.district;
  }
  core::Result<archive::DocumentPage> page =
      request.text.empty() ? store->ListDocuments(filter) : store->Search(archive::SearchQuery{request.text, filter});
  if (!page.ok()) {
    if (page.status().code() == core::Code::kInvalidArgument) {
      return refuse(invalid, "q", "无法按此查询：" + page.status().message(), page.status().message());
    }
    return page.status();
  }
  SearchPage out;
  for (const archive::Document& d : page->documents) out.documents.push_back(DocumentInfoOf(d, false, *impl_->calendar));
  if (page->next) out.next_cursor = page->next->issued_at + "~" + std::to_string(page->next->id);
  return out;
}

core::Result<FileMatches> FilingService::Identify(const Identity& who, std::string_view file) {
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  FileMatches out;
  out.sha256 = core::Sha256Hex(file);
  BEIAN_ASSIGN_OR_RETURN(archive::Sha256Matches matches, store->FindBySha256(out.sha256));
  // Only what `who` may see; a document's copies and reprints with it.
  std::unordered_map<int64_t, bool> visible;
  auto may_see = [&](int64_t document_id) {
    auto it = visible.find(document_id);
    if (it != visible.end()) return it->second;
    const bool ok = impl_->Visible(who, document_id).ok();
    visible[document_id] = ok;
    return ok;
  };
  for (const archive::Document& d : matches.documents) {
    if (InScope(who, d)) out.documents.push_back(DocumentInfoOf(d, false, *impl_->calendar));
  }
  for (const archive::SignedCopy& c : matches.signed_copies) {
    if (may_see(c.document_id)) out.signed_copies.push_back(SignedCopyInfoOf(c));
  }
  for (const archive::Reprint& r : matches.reprints) {
    if (may_see(r.document_id)) out.reprints.push_back(ReprintInfoOf(r));
  }
  return out;
}

core::Result<PublicCheck> FilingService::CheckPrinted(std::string_view number, std::string_view key) {
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  const core::Status not_found = core::NotFound("no archived document with this number and key");
  core::Result<archive::Document> document = store->FindByNumber(number);
  if (!document.ok()) return document.status().code() == core::Code::kNotFound ? not_found : document.status();
  const std::string expected = VerificationKey(document->kind, document->template_version, document->number,
                                              document->issued_at, document->data);
  if (!SameKey(expected, key)) return not_found;
  BEIAN_ASSIGN_OR_RETURN(core::Json data, core::ParseJson(document->data));
  const KindInfo* kind = FindKind(document->kind);
  PublicCheck check = PublicCheckOf(*document, data, kind);
  if (core::Result<archive::AuditProof> proof = store->ProveIngest(document->number); proof.ok()) {
    check.proof = DocumentProofOf(*proof, store->CheckpointKey());
  }
  return check;
}

// ---- The archive as a whole

core::Result<ArchiveCheck> FilingService::CheckArchive(const Identity& who,
                                                       const std::function<void(int64_t, int64_t)>& progress) {
  BEIAN_ASSIGN_OR_RETURN(VerifyOutcome verified, Verify(who, progress));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  ArchiveChecker checker(impl_->archive->dir(), impl_->Now(), who.Actor());
  checker.AddVerifyOutcome(verified);
  BEIAN_RETURN_IF_ERROR(checker.ExamineStoredFiles(*store));
  checker.CheckPermissions({impl_->archive->dir(), impl_->signing_key_path});
  return checker.Finish();
}

core::Result<std::string> FilingService::Checkpoint(const Identity& who) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "signing a checkpoint"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(const core::Checkpoint checkpoint, store->WriteCheckpoint());
  return checkpoint.Line();
}

// ---- Evidence

core::Result<DocumentProof> FilingService::Proof(const Identity& who, int64_t id) {
  BEIAN_ASSIGN_OR_RETURN(archive::Document d, impl_->Visible(who, id));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(const archive::AuditProof proof, store->ProveIngest(d.number));
  return DocumentProofOf(proof, store->CheckpointKey());
}

core::Result<SigningKeyInfo> FilingService::SigningKey() {
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  const core::VerifyingKey& key = store->CheckpointKey();
  return SigningKeyInfo{key.KeyId(), std::string(core::SignatureAlgorithmName(key.algorithm())),
                        key.fingerprint(), key.Pem()};
}

core::Result<VerifyOutcome> FilingService::Verify(const Identity& who,
                                                  const std::function<void(int64_t, int64_t)>& progress,
                                                  std::string_view since) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "verifying the archive"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  std::optional<archive::KeptCheckpoint> kept;
  if (!since.empty()) {
    BEIAN_ASSIGN_OR_RETURN(kept, archive::ParseKeptCheckpoint(since));
  }
  VerifyOutcome outcome;
  BEIAN_ASSIGN_OR_RETURN(outcome.voided_numbers, impl_->VoidUnusedNumbers(who.Actor()));
  BEIAN_ASSIGN_OR_RETURN(archive::VerifyReport storage,
                         store->VerifyStorage(nullptr, kept ? &*kept : nullptr));
  AddStorageFindings(storage, outcome);
  std::vector<archive::Document> documents;
  BEIAN_RETURN_IF_ERROR(store->ForEachDocument([&](const archive::Document& d) {
    documents.push_back(d);
    return core::Status::Ok();
  }));
  const int64_t total = static_cast<int64_t>(documents.size());
  for (const archive::Document& d : documents) {
    const render::Kind* kind = impl_->RenderKind(d.kind);
    core::Result<core::Json> data = core::ParseJson(d.data);
    core::Result<render::PdfStandard> standard = render::ParsePdfStandard(d.pdf_standard);
    core::Result<render::RenderedDocument> pdf =
        kind == nullptr ? core::Result<render::RenderedDocument>(core::NotFound("kind " + d.kind + " is no longer in the catalog"))
        : !data.ok()     ? core::Result<render::RenderedDocument>(data.status())
        : !standard.ok() ? core::Result<render::RenderedDocument>(standard.status())
                         : impl_->RenderWith(*kind, d.template_version, *data, d.data, d.number, d.issued_at,
                                             d.verify_url, *standard, !d.ofd_sha256.empty());
    if (standard.ok() && *standard != render::PdfStandard::kPlain) {
      CheckEmbeddedData(*store, d, outcome);
      if (d.ofd_sha256.empty()) {
        outcome.notices.push_back({"ofd-pending", d.number,
                                   "the document's OFD is not made yet (the server makes it shortly after the "
                                   "document, and at its next start after a stop)"});
      }
    }
    if (!pdf.ok()) {
      outcome.problems.push_back({"rerender-failed", d.number, "cannot re-render: " + pdf.status().message()});
    } else {
      for (const auto& [what, bytes, archived] :
           {std::tuple{"", &pdf->pdf, &d.sha256}, std::tuple{" OFD", &pdf->ofd, &d.ofd_sha256}}) {
        if (archived->empty()) continue;
        if (const std::string again = core::Sha256Hex(*bytes); again != *archived) {
          outcome.problems.push_back(
              {"rerender-mismatch", d.number,
               "re-rendering from the stored data and template v" + std::to_string(d.template_version) +
                   " gives other" + what + " bytes (" + again.substr(0, 16) + "… ≠ " + archived->substr(0, 16) +
                   "…)"});
        }
      }
    }
    ++outcome.documents_rerendered;
    if (progress) progress(outcome.documents_rerendered, total);
  }
  return outcome;
}

core::Result<BagSummary> FilingService::Export(const Identity& who, const std::string& dir,
                                               const ExportFilter& filter,
                                               const ProgressFn& progress) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "exporting"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  archive::ExportFilter f;
  f.district = filter.district;
  f.year = filter.year;
  f.kind = filter.kind;
  BEIAN_ASSIGN_OR_RETURN(archive::ExportSummary s, archive::ExportBag(*store, dir, f, who.Actor(), progress));
  BagSummary out = BagSummaryOf(s);
  out.manifest_sha256 = s.manifest_sha256;
  return out;
}

core::Result<MigrationSummary> FilingService::Migrate(const Identity& who, const std::string& to_dir,
                                                      const std::string& to_catalog, const ProgressFn& progress) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "migrating the archive"));
  BEIAN_RETURN_IF_ERROR(impl_->Store().status());
  auto name = [](const std::string& dir, const std::string& catalog) {
    return catalog.empty() ? dir + " (SQLite)" : dir + " (catalog " + core::RedactPostgresUrl(catalog) + ")";
  };
  BEIAN_ASSIGN_OR_RETURN(const archive::CopySummary copied,
                         archive::CopyArchive(impl_->archive_dir, impl_->archive_catalog, to_dir, to_catalog, progress));
  archive::ArchiveOptions options;
  options.now = impl_->now;
  options.signing_key = impl_->signing_key_option;
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<archive::CatalogArchive> target,
                         archive::OpenArchive(to_dir, to_catalog, options));
  archive::NewAuditEntry entry;
  entry.actor = who.Actor();
  entry.action = "migrate";
  entry.subject = name(to_dir, to_catalog);
  entry.detail = core::Json::MakeObject();
  entry.detail.Set("from", name(impl_->archive_dir, impl_->archive_catalog));
  entry.detail.Set("documents", copied.documents);
  entry.detail.Set("audit_entries", copied.audit_entries);
  BEIAN_RETURN_IF_ERROR(target->AppendAudit(entry).status());
  BEIAN_RETURN_IF_ERROR(target->WriteCheckpoint().status());
  MigrationSummary summary;
  summary.documents = copied.documents;
  summary.audit_entries = copied.audit_entries;
  summary.rows = copied.rows;
  summary.target = name(to_dir, to_catalog);
  return summary;
}

namespace {

// The staff index key's file in an archive folder.
std::string StaffIndexKeyPath(const std::string& data_dir) { return data_dir + "/staff-index.key"; }

BackupInfo BackupInfoOf(const archive::BackupSummary& s) {
  BackupInfo info;
  info.documents = s.documents;
  info.audit_entries = s.audit_entries;
  info.blobs = s.blobs;
  info.blob_bytes = s.blob_bytes;
  info.last_checkpoint = s.last_checkpoint;
  info.kept_apart = s.kept_apart;
  return info;
}

}  // namespace

core::Result<BackupInfo> FilingService::Backup(const Identity& who, const std::string& to_dir,
                                               const std::string& keys_dir, const ProgressFn& progress) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "backing up the archive"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(
      const archive::BackupSummary copied,
      archive::BackupArchive(impl_->archive_dir, impl_->archive_catalog, to_dir,
                             {{"checkpoint.pem", impl_->signing_key_path},
                              {"staff-index.key", StaffIndexKeyPath(impl_->archive_dir)}},
                             keys_dir, progress));
  archive::NewAuditEntry entry;
  entry.actor = who.Actor();
  entry.action = "backup";
  entry.subject = to_dir;
  entry.detail = core::Json::MakeObject();
  entry.detail.Set("documents", copied.documents);
  entry.detail.Set("audit_entries", copied.audit_entries);
  entry.detail.Set("blobs", copied.blobs);
  entry.detail.Set("keys_apart", keys_dir.empty() ? core::Json() : core::Json(keys_dir));
  BEIAN_RETURN_IF_ERROR(store->AppendAudit(entry).status());
  return BackupInfoOf(copied);
}

core::Result<BackupInfo> FilingService::Restore(const ServiceOptions& options, const std::string& backup_dir,
                                                const std::string& keys_dir, const std::string& actor,
                                                const ProgressFn& progress) {
  const std::string signing_key =
      options.signing_key.empty() ? options.data_dir + "/keys/checkpoint.pem" : options.signing_key;
  BEIAN_ASSIGN_OR_RETURN(
      const archive::BackupSummary restored,
      archive::RestoreArchive(backup_dir, options.data_dir, options.catalog,
                              {{"checkpoint.pem", signing_key}, {"staff-index.key", StaffIndexKeyPath(options.data_dir)}},
                              keys_dir, progress));
  archive::ArchiveOptions archive_options;
  archive_options.now = options.now;
  archive_options.signing_key = options.signing_key;
  BEIAN_ASSIGN_OR_RETURN(std::unique_ptr<archive::CatalogArchive> target,
                         archive::OpenArchive(options.data_dir, options.catalog, archive_options));
  archive::NewAuditEntry entry;
  entry.actor = LocalAdministrator(actor).Actor();
  entry.action = "restore";
  entry.subject = options.catalog.empty() ? options.data_dir
                                          : options.data_dir + " (catalog " + core::RedactPostgresUrl(options.catalog) + ")";
  entry.detail = core::Json::MakeObject();
  entry.detail.Set("from", backup_dir);
  entry.detail.Set("documents", restored.documents);
  entry.detail.Set("audit_entries", restored.audit_entries);
  entry.detail.Set("last_checkpoint", restored.last_checkpoint);
  BEIAN_RETURN_IF_ERROR(target->AppendAudit(entry).status());
  BEIAN_RETURN_IF_ERROR(target->WriteCheckpoint().status());
  return BackupInfoOf(restored);
}

core::Result<BagSummary> FilingService::Import(const Identity& who, const std::string& dir,
                                               const ProgressFn& progress) {
  BEIAN_RETURN_IF_ERROR(RequireAdmin(who, "importing"));
  BEIAN_ASSIGN_OR_RETURN(archive::Archive * store, impl_->Store());
  BEIAN_ASSIGN_OR_RETURN(archive::ImportSummary s, archive::ImportBag(*store, dir, who.Actor(), progress));
  // The persons of the imported documents join the staff index.
  BEIAN_RETURN_IF_ERROR(impl_->IndexStaffOfOlderDocuments());
  return BagSummaryOf(s);
}

}  // namespace beian::service
