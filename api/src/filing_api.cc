#include "beian/api/filing_api.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "beian/api/json_body.h"
#include "beian/api/request.h"
#include "beian/api/response.h"
#include "beian/core/beijing_time.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian/core/text_policy.h"
#include "beian/core/utf8.h"
#include "authentication.h"
#include "byte_range.h"
#include "console.h"
#include "multipart.h"
#include "url.h"
#include "views.h"

namespace beian::api {
namespace {

using internal::ParseRange;
using internal::PathId;
using internal::ReadMultipart;
using internal::Upload;
using service::Identity;
using service::Role;

constexpr char kPdf[] = "application/pdf";

// The first error problem's path, or "".
std::string FirstErrorPath(const std::vector<core::Problem>& problems) {
  for (const core::Problem& p : problems) {
    if (p.severity == core::Severity::kError) return p.path;
  }
  return "";
}

// ---------------------------------------------------------------------------
// Request parts

bool Accepts(const Request& req, std::string_view type) {
  const std::string* accept = req.Header("Accept");
  return accept != nullptr && accept->find(type) != std::string::npos;
}

// The media type of the body without parameters, lower case.
std::string MediaType(const Request& req) {
  const std::string* type = req.Header("Content-Type");
  if (type == nullptr) return "";
  std::string out = type->substr(0, type->find(';'));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The error code of a refused search parameter.
std::string SearchErrorCode(const std::string& parameter) {
  if (parameter == "kind") return "unknown_kind";
  if (parameter == "from" || parameter == "to") return "invalid_date";
  if (parameter == "q") return "invalid_query";
  return "invalid_" + parameter;
}

// The JSON object body of a request that may also come without one:
// nullopt for an empty body, else the object or the error response.
std::variant<std::monostate, core::Json, Response> OptionalJsonObject(const Request& req) {
  if (req.body().empty()) return std::monostate{};
  if (auto refused = RequireContentType(req, "application/json")) return *refused;
  core::Result<core::Json> body = ParseJsonBody(req);
  if (!body.ok()) return JsonBodyError(body.status());
  if (!body->is_object()) {
    return Response::Error(400, "invalid_body", "the body must be a JSON object", "/");
  }
  return std::move(body).value();
}

// ---------------------------------------------------------------------------

class FilingApi {
 public:
  explicit FilingApi(const FilingApiContext& c) : c_(c), service_(*c.service) {
    auto counter = [&](const char* name, const char* help) {
      core::Result<Counter*> got = c_.metrics->GetCounter(name, help);
      return got.ok() ? *got : nullptr;
    };
    rendered_ = counter("beian_documents_rendered_total",
                        "Documents rendered (archived or previewed).");
    archived_bytes_ = counter("beian_archived_bytes_total",
                              "Bytes of documents, signed copies and marked "
                              "reprints archived through the API.");
  }

  // Runs `handler` for an authenticated request (a token, or a session with
  // its CSRF token for a change), as its identity.
  template <typename F>
  Handler Authenticated(F handler) {
    return [this, handler](const Request& req) -> Response {
      std::variant<Identity, Response> who = internal::Authenticate(service_, req);
      if (auto* refused = std::get_if<Response>(&who)) return std::move(*refused);
      const Identity& identity = std::get<Identity>(who);
      Response r = handler(req, identity);
      if (identity.token_id > 0) r.SetLogField("token", std::to_string(identity.token_id));
      if (identity.user_id > 0) r.SetLogField("user", std::to_string(identity.user_id));
      r.SetLogField("role", std::string(service::RoleName(identity.role)));
      return r;
    };
  }

  // The document of the path's id if `who` may see it; else the error.
  std::variant<service::DocumentInfo, Response> DocumentFor(const Request& req, const Identity& who) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) {
      return Response::Error(400, "invalid_id", "document id must be a positive integer", "id");
    }
    core::Result<service::DocumentInfo> d = service_.Get(who, *id);
    if (!d.ok()) return Refused(d.status(), {}, "id");
    return std::move(d).value();
  }

  // The service's refusal as HTTP: 403 for an identity not entitled, 404 for
  // a document it may not see, 422 with every problem for invalid data (their
  // paths point into /data), 409 for a document in the wrong state.
  static Response Refused(const core::Status& status, const std::vector<core::Problem>& problems,
                          const std::string& field = "") {
    const std::string path = FirstErrorPath(problems);
    switch (status.code()) {
      case core::Code::kPermissionDenied:
        return Response::Error(403, "forbidden", status.message(), path.empty() ? field : path);
      case core::Code::kNotFound:
        return Response::Error(404, "not_found", status.message(), field);
      case core::Code::kFailedPrecondition:
        return Response::Error(409, "conflict", status.message(), field);
      case core::Code::kInvalidArgument:
        if (core::HasError(problems)) {
          return Response::ErrorWithProblems(422, "invalid_data", status.message(), problems,
                                             "/data" + path);
        }
        return Response::Error(422, "invalid_data", status.message(), field);
      default:
        return Response::FromStatus(status);
    }
  }

  // POST /v1/documents
  Response CreateDocument(const Request& req, const Identity& who) {
    if (auto refused = RequireContentType(req, "application/json")) return *refused;
    core::Result<core::Json> body = ParseJsonBody(req);
    if (!body.ok()) return JsonBodyError(body.status());
    if (!body->is_object()) {
      return Response::Error(400, "invalid_body", "the body must be a JSON object", "/");
    }
    const core::Json* kind = body->Find("kind");
    if (kind == nullptr || !kind->is_string()) {
      return Response::Error(422, "missing_kind", "kind (a string, see /v1/kinds) is required", "/kind");
    }
    if (service_.FindKind(kind->as_string()) == nullptr) {
      return Response::Error(422, "unknown_kind", "unknown kind \"" + kind->as_string() + "\"; see /v1/kinds",
                             "/kind");
    }
    core::Json* data = body->Find("data");
    if (data == nullptr || !data->is_object()) {
      return Response::Error(422, "missing_data", "data (a JSON object) is required", "/data");
    }
    service::IssueRequest request;
    request.kind = kind->as_string();
    if (const core::Json* given = body->Find("issued_at")) {
      if (!given->is_string() || !core::IsBeijingTime(given->as_string())) {
        return Response::Error(422, "invalid_issued_at",
                               "issued_at must be Beijing time like 2026-11-27T10:00:00+08:00", "/issued_at");
      }
      request.issued_at = given->as_string();
    }
    bool preview = false;
    if (const core::Json* p = body->Find("preview")) {
      if (!p->is_bool()) {
        return Response::Error(422, "invalid_preview", "preview must be true or false", "/preview");
      }
      preview = p->as_bool();
    }
    if (const std::string* q = req.Query("preview")) {
      preview = preview || *q == "true" || *q == "1";
    }
    request.data = std::move(*data);
    if (const std::string* key = req.Header("Idempotency-Key"); key != nullptr && !preview) {
      const bool printable = !key->empty() && key->size() <= 200 &&
                             std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 0x7F; });
      if (!printable) {
        return Response::Error(400, "invalid_idempotency_key",
                               "Idempotency-Key must be 1 to 200 printable ASCII characters", "Idempotency-Key");
      }
      request.idempotency_key = *key;
    }
    std::vector<core::Problem> problems;
    if (preview) {
      core::Result<service::Rendering> r = service_.Preview(who, std::move(request), problems);
      if (!r.ok()) return IssueRefused(r.status(), problems);
      if (rendered_ != nullptr) rendered_->Increment();
      Response out = Response::Bytes(200, std::move(r->pdf), kPdf);
      out.SetHeader("X-Document-Number", r->number);
      out.SetHeader("X-Preview", "true");
      return out;
    }
    bool replayed = false;
    core::Result<service::DocumentInfo> d = service_.Issue(who, std::move(request), problems, &replayed);
    if (!d.ok()) {
      if (FirstErrorPath(problems) == "Idempotency-Key") {
        return Response::ErrorWithProblems(422, "idempotency_key_reused", d.status().message(), problems,
                                           "Idempotency-Key");
      }
      return IssueRefused(d.status(), problems);
    }
    // A retry answered with the document the first request made: 200, not 201.
    const int created = replayed ? 200 : 201;
    if (!replayed && rendered_ != nullptr) rendered_->Increment();
    if (!replayed && archived_bytes_ != nullptr) archived_bytes_->Increment(static_cast<double>(d->bytes));
    Response out;
    if (Accepts(req, kPdf)) {
      core::Result<std::string> pdf = service_.ReadPdf(who, d->id);
      if (!pdf.ok()) return Response::FromStatus(pdf.status());
      out = Response::Bytes(created, std::move(pdf).value(), kPdf);
      out.SetHeader("ETag", "\"" + d->sha256 + "\"");
      out.SetHeader("X-Document-Id", std::to_string(d->id));
      out.SetHeader("X-Document-Number", d->number);
    } else {
      core::Json json = DocumentJson(*d);
      core::Json warnings = core::Json::MakeArray();
      for (const core::Problem& p : problems) warnings.Push(core::ProblemJson(p));
      json.Set("warnings", std::move(warnings));
      out = Response::Json(created, json);
    }
    if (replayed) out.SetHeader("Idempotent-Replayed", "true");
    out.SetHeader("Location", DocumentPath(d->id));
    return out;
  }

  // A refused POST /v1/documents: also a render-time data problem, whose
  // message starts with the field.
  static Response IssueRefused(const core::Status& status, const std::vector<core::Problem>& problems) {
    if (status.code() == core::Code::kInvalidArgument && !core::HasError(problems)) {
      const std::string& m = status.message();
      const std::string field = !m.empty() && m[0] == '/' ? m.substr(0, m.find(':')) : "";
      return Response::Error(422, "invalid_data", m, field.empty() ? "/data" : "/data" + field);
    }
    return Refused(status, problems, "/data");
  }

  // GET /v1/documents/{id}
  Response GetDocument(const Request& req, const Identity& who) {
    auto found = DocumentFor(req, who);
    if (auto* r = std::get_if<Response>(&found)) return *r;
    const service::DocumentInfo& d = std::get<service::DocumentInfo>(found);
    core::Json json = DocumentJson(d);
    core::Result<std::vector<service::SignedCopyInfo>> copies = service_.SignedCopiesOf(who, d.id);
    core::Result<std::vector<service::ReprintInfo>> reprints = service_.ReprintsOf(who, d.id);
    if (!copies.ok()) return Response::FromStatus(copies.status());
    if (!reprints.ok()) return Response::FromStatus(reprints.status());
    core::Json copy_list = core::Json::MakeArray();
    for (const auto& c : *copies) copy_list.Push(SignedCopyJson(c));
    core::Json reprint_list = core::Json::MakeArray();
    for (const auto& r : *reprints) reprint_list.Push(ReprintJson(r));
    json.Set("signed_copies", std::move(copy_list));
    json.Set("reprints", std::move(reprint_list));
    if (core::Result<service::DocumentProof> proof = service_.Proof(who, d.id); proof.ok()) {
      json.Set("proof", service::DocumentProofJson(*proof));
    }
    return Response::Json(200, json);
  }

  // GET /v1/keys: the public key checkpoints are signed with; no token.
  Response SigningKeys(const Request&) {
    core::Result<service::SigningKeyInfo> key = service_.SigningKey();
    if (!key.ok()) return Response::FromStatus(key.status());
    core::Json k = core::Json::MakeObject();
    k.Set("key_id", key->key_id);
    k.Set("algorithm", key->algorithm);
    k.Set("fingerprint", key->fingerprint);
    k.Set("public_key_pem", key->public_key_pem);
    core::Json keys = core::Json::MakeArray();
    keys.Push(std::move(k));
    core::Json out = core::Json::MakeObject();
    out.Set("keys", std::move(keys));
    return Response::Json(200, out);
  }

  // GET /v1/documents/{id}/pdf: ETag, If-None-Match, one Range.
  Response GetPdf(const Request& req, const Identity& who) {
    auto found = DocumentFor(req, who);
    if (auto* r = std::get_if<Response>(&found)) return *r;
    const service::DocumentInfo& d = std::get<service::DocumentInfo>(found);
    const std::string etag = "\"" + d.sha256 + "\"";
    if (const std::string* none = req.Header("If-None-Match")) {
      if (*none == etag || *none == "*" ||
          none->find(etag) != std::string::npos) {
        Response r(304);
        r.SetHeader("ETag", etag);
        return r;
      }
    }
    core::Result<std::string> pdf = service_.ReadPdf(who, d.id);
    if (!pdf.ok()) return Response::FromStatus(pdf.status());
    const int64_t size = static_cast<int64_t>(pdf->size());
    Response r;
    const std::string* range = req.Header("Range");
    const std::string* if_range = req.Header("If-Range");
    // One "bytes=" range is served; other units and multiple ranges are
    // ignored (RFC 9110 allows it): the whole file.
    const bool single_byte_range =
        range != nullptr && range->compare(0, 6, "bytes=") == 0 &&
        range->find(',') == std::string::npos;
    if (single_byte_range && (if_range == nullptr || *if_range == etag)) {
      std::optional<std::pair<int64_t, int64_t>> span = ParseRange(*range, size);
      if (!span) {
        r = Response::Error(416, "range_not_satisfiable",
                            "Range must be one bytes=FIRST-LAST within the "
                            "document's " + std::to_string(size) + " bytes",
                            "Range");
        r.SetHeader("Content-Range", "bytes */" + std::to_string(size));
        return r;
      }
      r = Response::Bytes(
          206, pdf->substr(static_cast<size_t>(span->first),
                           static_cast<size_t>(span->second - span->first + 1)),
          kPdf);
      r.SetHeader("Content-Range", "bytes " + std::to_string(span->first) +
                                       "-" + std::to_string(span->second) +
                                       "/" + std::to_string(size));
    } else {
      r = Response::Bytes(200, std::move(pdf).value(), kPdf);
    }
    r.SetHeader("ETag", etag);
    r.SetHeader("Accept-Ranges", "bytes");
    r.SetHeader("Cache-Control", "private, max-age=31536000, immutable");
    r.SetHeader("Content-Disposition",
                "inline; filename=\"" + std::to_string(d.id) + ".pdf\"");
    return r;
  }

  // POST /v1/documents/{id}/signed-copies: the copy of record (bureau).
  Response AttachSignedCopy(const Request& req, const Identity& who) {
    return AttachScan(req, who, /*of_record=*/true);
  }

  // POST /v1/documents/{id}/submitted-copies: a submitted copy (提交件).
  Response SubmitCopy(const Request& req, const Identity& who) {
    return AttachScan(req, who, /*of_record=*/false);
  }

  // A scan of the signed paper: the body, or the part "file" of a form.
  Response AttachScan(const Request& req, const Identity& who, bool of_record) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) return Response::Error(400, "invalid_id", "document id must be a positive integer", "id");
    const std::string media = MediaType(req);
    Upload upload;
    if (media == "multipart/form-data") {
      std::string error;
      std::optional<Upload> part = ReadMultipart(req, &error);
      if (!part) return Response::Error(400, "invalid_multipart", error, "file");
      upload = std::move(*part);
    } else if (media == "application/pdf" || media == "image/jpeg" || media == "image/png") {
      upload.bytes = req.body();
      // Browsers send a name outside ISO-8859-1 percent-encoded (UTF-8).
      if (const std::string* name = req.Header("X-File-Name")) {
        const std::optional<std::string> decoded = internal::PercentDecode(*name, /*plus_as_space=*/false);
        upload.name = decoded && core::IsValidUtf8(*decoded) ? *decoded : *name;
      }
    } else {
      return Response::Error(415, "unsupported_media_type",
                             "send the scan as application/pdf, image/jpeg or image/png, or as "
                             "the part \"file\" of multipart/form-data",
                             "Content-Type");
    }
    if (upload.name.size() > 255 || !core::IsAcceptableText(upload.name, core::TextLines::kOne)) {
      upload.name.clear();
    }
    core::Result<service::SignedCopyInfo> copy = service_.AttachScan(who, *id, upload.bytes, upload.name, of_record);
    if (!copy.ok()) {
      if (copy.status().code() == core::Code::kInvalidArgument) {
        return Response::Error(422, "invalid_upload", copy.status().message(), "file");
      }
      if (copy.status().code() == core::Code::kUnprocessable) {
        return Response::Error(422, "unreadable_upload", copy.status().message(), "file");
      }
      return Refused(copy.status(), {}, "id");
    }
    if (archived_bytes_ != nullptr) archived_bytes_->Increment(static_cast<double>(copy->bytes));
    Response out = Response::Json(201, SignedCopyJson(*copy));
    out.SetHeader("Location", DocumentPath(*id));
    return out;
  }

  // POST /v1/documents/{id}/accept (受理)
  Response AcceptDocument(const Request& req, const Identity& who) {
    return Transition(req, nullptr, [&](int64_t id, const std::string&) {
      return service_.Accept(who, id);
    });
  }

  // POST /v1/documents/{id}/file (备案), optionally {"filing_number": ...}
  Response FileDocument(const Request& req, const Identity& who) {
    return Transition(req, "filing_number", [&](int64_t id, const std::string& number) {
      return service_.File(who, id, number);
    });
  }

  // POST /v1/documents/{id}/refuse (不予备案), {"reason": ...}
  Response RefuseDocument(const Request& req, const Identity& who) {
    return Transition(req, "reason", [&](int64_t id, const std::string& reason) {
      return service_.Refuse(who, id, reason);
    });
  }

  // POST /v1/documents/{id}/revoke (作废), {"reason": ...}
  Response RevokeDocument(const Request& req, const Identity& who) {
    return Transition(req, "reason", [&](int64_t id, const std::string& reason) {
      return service_.Revoke(who, id, reason);
    });
  }

  // One lifecycle step: the document's id, the body's one text member
  // `member` (required when it is "reason"), the step, the document after it.
  template <typename Step>
  Response Transition(const Request& req, const char* member, Step step) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) return Response::Error(400, "invalid_id", "document id must be a positive integer", "id");
    std::string text;
    auto body = OptionalJsonObject(req);
    if (auto* r = std::get_if<Response>(&body)) return *r;
    if (auto* o = std::get_if<core::Json>(&body); o != nullptr && member != nullptr) {
      if (const core::Json* v = o->Find(member)) {
        // A reason may run over lines; a filing number is one line.
        const bool reason = std::string_view(member) == "reason";
        const size_t limit = reason ? 500 : 100;
        const std::optional<core::TextFault> fault =
            v->is_string() ? core::FindTextFault(v->as_string(),
                                                 reason ? core::TextLines::kSeveral : core::TextLines::kOne)
                           : std::nullopt;
        if (!v->is_string() || fault || core::CountCodePoints(v->as_string()) > limit) {
          return Response::Error(422, std::string("invalid_") + member,
                                 std::string(member) + " must be text of at most " + std::to_string(limit) +
                                     " characters without control characters" +
                                     (fault ? ": " + core::TextProblem(*fault, "").message_en : ""),
                                 std::string("/") + member);
        }
        text = v->as_string();
      }
    }
    if (member != nullptr && std::string_view(member) == "reason" && core::IsBlank(text)) {
      return Response::Error(422, "missing_reason", "reason (why, in words a person reads) is required", "/reason");
    }
    core::Result<service::DocumentInfo> d = step(*id, text);
    if (!d.ok()) {
      if (d.status().code() == core::Code::kInvalidArgument) {
        return Response::Error(422, "invalid_" + std::string(member == nullptr ? "request" : member),
                               d.status().message(), member == nullptr ? "" : std::string("/") + member);
      }
      return Refused(d.status(), {}, "id");
    }
    return Response::Json(200, DocumentJson(*d));
  }

  // POST /v1/documents/{id}/reprints: a marked reprint (补打), the PDF.
  Response CreateReprint(const Request& req, const Identity& who) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) return Response::Error(400, "invalid_id", "document id must be a positive integer", "id");
    bool marked = true;
    std::string operator_name;
    auto body = OptionalJsonObject(req);
    if (auto* r = std::get_if<Response>(&body)) return *r;
    if (auto* o = std::get_if<core::Json>(&body)) {
      if (const core::Json* m = o->Find("marked")) {
        if (!m->is_bool()) return Response::Error(422, "invalid_marked", "marked must be true or false", "/marked");
        marked = m->as_bool();
      }
      if (const core::Json* op = o->Find("operator")) {
        if (!op->is_string() || op->as_string().size() > 100 ||
            !core::IsAcceptableText(op->as_string(), core::TextLines::kOne) || core::IsBlank(op->as_string())) {
          return Response::Error(422, "invalid_operator", "operator must be a name of 1-100 bytes", "/operator");
        }
        operator_name = op->as_string();
      }
    }
    core::Result<service::ReprintOutcome> reprint = service_.Reprint(who, *id, marked, operator_name);
    if (!reprint.ok()) {
      if (reprint.status().code() == core::Code::kInvalidArgument) {
        return Response::Error(422, "invalid_reprint", reprint.status().message());
      }
      return Refused(reprint.status(), {}, reprint.status().code() == core::Code::kPermissionDenied ? "/operator" : "id");
    }
    if (marked && archived_bytes_ != nullptr) {
      archived_bytes_->Increment(static_cast<double>(reprint->pdf.size()));
    }
    Response out = Response::Bytes(201, std::move(reprint->pdf), kPdf);
    out.SetHeader("ETag", "\"" + reprint->reprint.sha256 + "\"");
    out.SetHeader("X-Reprint-Marked", marked ? "true" : "false");
    out.SetHeader("Location", DocumentPath(*id));
    return out;
  }

  // GET /v1/search
  Response Search(const Request& req, const Identity& who) {
    auto text = [&](const char* name) -> std::string {
      const std::string* v = req.Query(name);
      return v == nullptr ? std::string() : *v;
    };
    service::SearchRequest request;
    request.text = text("q");
    request.kind = text("kind");
    request.district = text("district");
    request.status = text("status");
    request.from = text("from");
    request.to = text("to");
    request.cursor = text("cursor");
    if (const std::string limit = text("limit"); !limit.empty()) {
      if (limit.size() > 4 || limit.find_first_not_of("0123456789") != std::string::npos) {
        return Response::Error(400, "invalid_limit", "limit must be 1..100", "limit");
      }
      request.limit = std::stoi(limit);
    }
    std::vector<core::Problem> problems;
    core::Result<service::SearchPage> page = service_.Search(who, request, problems);
    if (!page.ok()) {
      const std::string field = FirstErrorPath(problems);
      if (page.status().code() == core::Code::kInvalidArgument) {
        // The problem says it in Chinese and English; the status in English.
        const core::Problem* said = problems.empty() ? nullptr : &problems.front();
        const std::string message = said != nullptr && !said->message.empty()
                                        ? said->message + " / " + said->message_en
                                        : page.status().message();
        return Response::Error(400, SearchErrorCode(field), message, field);
      }
      return Refused(page.status(), problems);
    }
    core::Json results = core::Json::MakeArray();
    for (const service::DocumentInfo& d : page->documents) results.Push(DocumentJson(d));
    core::Json out = core::Json::MakeObject();
    out.Set("results", std::move(results));
    if (!page->next_cursor.empty()) {
      out.Set("next_cursor", page->next_cursor);
    } else {
      out.Set("next_cursor", core::Json());
    }
    return Response::Json(200, out);
  }

  // POST /v1/verify: which archived record has exactly these bytes.
  Response VerifyFile(const Request& req, const Identity& who) {
    if (req.body().empty()) {
      return Response::Error(400, "empty_body", "send the file to check as the body", "body");
    }
    core::Result<service::FileMatches> matches = service_.Identify(who, req.body());
    if (!matches.ok()) return Response::FromStatus(matches.status());
    if (matches->empty()) {
      return Response::Error(404, "not_in_archive",
                             "这份文件不在档案中 / not in the archive: no "
                             "archived document, signed copy or reprint has "
                             "these bytes");
    }
    core::Json documents = core::Json::MakeArray();
    for (const auto& d : matches->documents) documents.Push(DocumentJson(d));
    core::Json copies = core::Json::MakeArray();
    for (const auto& c : matches->signed_copies) copies.Push(SignedCopyJson(c));
    core::Json reprints = core::Json::MakeArray();
    for (const auto& r : matches->reprints) reprints.Push(ReprintJson(r));
    core::Json out = core::Json::MakeObject();
    out.Set("sha256", matches->sha256);
    out.Set("documents", std::move(documents));
    out.Set("signed_copies", std::move(copies));
    out.Set("reprints", std::move(reprints));
    return Response::Json(200, out);
  }

  // GET /v1/queue: the bureau's work queue (待办) with deadlines and 预警.
  Response Queue(const Request&, const Identity& who) {
    core::Result<std::vector<service::QueueItem>> queue = service_.Queue(who);
    if (!queue.ok()) return Refused(queue.status(), {});
    core::Json list = core::Json::MakeArray();
    for (const service::QueueItem& item : *queue) list.Push(QueueItemJson(item));
    core::Json out = core::Json::MakeObject();
    out.Set("documents", std::move(list));
    return Response::Json(200, out);
  }

  // GET /v1/documents/{id}/audit: the document's audit entries.
  Response Audit(const Request& req, const Identity& who) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) return Response::Error(400, "invalid_id", "document id must be a positive integer", "id");
    core::Result<std::vector<service::AuditEntryInfo>> entries = service_.AuditOf(who, *id);
    if (!entries.ok()) return Refused(entries.status(), {}, "id");
    core::Json list = core::Json::MakeArray();
    for (const service::AuditEntryInfo& e : *entries) list.Push(AuditEntryJson(e));
    core::Json out = core::Json::MakeObject();
    out.Set("entries", std::move(list));
    return Response::Json(200, out);
  }

  // GET /v1/documents/{id}/ofd: the archived OFD, byte for byte, with its
  // SHA-256 as ETag.
  Response GetOfd(const Request& req, const Identity& who) {
    auto found = DocumentFor(req, who);
    if (auto* r = std::get_if<Response>(&found)) return *r;
    const service::DocumentInfo& d = std::get<service::DocumentInfo>(found);
    core::Result<std::string> ofd = service_.ReadOfd(who, d.id);
    if (!ofd.ok()) return Refused(ofd.status(), {}, "id");
    Response r = Response::Bytes(200, std::move(ofd).value(), "application/ofd");
    r.SetHeader("ETag", "\"" + d.ofd_sha256 + "\"");
    r.SetHeader("Cache-Control", "private, max-age=31536000, immutable");
    r.SetHeader("Content-Disposition", "inline; filename=\"document-" + std::to_string(d.id) + ".ofd\"");
    return r;
  }

  // GET /v1/documents/{id}/data: the data the PDF/A document embeds
  // (data.json, canonical JSON), as read from the archived file itself.
  Response EmbeddedData(const Request& req, const Identity& who) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) return Response::Error(400, "invalid_id", "id must be a positive integer", "id");
    core::Result<std::string> data = service_.ReadEmbeddedData(who, *id);
    if (!data.ok()) return Refused(data.status(), {}, "id");
    Response r = Response::Bytes(200, std::move(data).value(), "application/json");
    r.SetHeader("Cache-Control", "private, max-age=31536000, immutable");
    r.SetHeader("Content-Disposition", "inline; filename=\"data.json\"");
    return r;
  }

  // GET /v1/documents/{id}/signed-copies/{copy}/file: a copy's stored bytes.
  Response CopyFile(const Request& req, const Identity& who) {
    const std::optional<int64_t> id = PathId(req);
    const std::optional<int64_t> copy = PathId(req, "copy");
    if (!id || !copy) return Response::Error(400, "invalid_id", "ids must be positive integers", !id ? "id" : "copy");
    core::Result<std::string> bytes = service_.ReadCopy(who, *id, *copy);
    if (!bytes.ok()) return Refused(bytes.status(), {}, "copy");
    Response r = Response::Bytes(200, std::move(bytes).value(), kPdf);
    r.SetHeader("Cache-Control", "private, max-age=31536000, immutable");
    r.SetHeader("Content-Disposition", "inline; filename=\"copy-" + std::to_string(*copy) + ".pdf\"");
    return r;
  }

  // GET /v1/conflicts: persons in the current documents of several
  // enterprises (挂证), within the token's scope.
  Response Conflicts(const Request&, const Identity& who) {
    core::Result<std::vector<service::StaffConflictInfo>> conflicts = service_.Conflicts(who);
    if (!conflicts.ok()) return Refused(conflicts.status(), {});
    core::Json list = core::Json::MakeArray();
    for (const service::StaffConflictInfo& c : *conflicts) list.Push(StaffConflictJson(c));
    core::Json out = core::Json::MakeObject();
    out.Set("conflicts", std::move(list));
    return Response::Json(200, out);
  }

  Response Kinds(const Request&, const Identity&) {
    core::Json list = core::Json::MakeArray();
    for (const service::KindInfo* k : service_.Kinds()) list.Push(KindJson(*k));
    core::Json out = core::Json::MakeObject();
    out.Set("kinds", std::move(list));
    return Response::Json(200, out);
  }

  Response KindSchema(const Request& req, const Identity&) { return KindPart(req, /*schema=*/true); }
  Response KindExample(const Request& req, const Identity&) { return KindPart(req, /*schema=*/false); }
  Response OpenApi(const Request&, const Identity&) {
    return Response::Bytes(200, c_.openapi_json, "application/json");
  }

  Response KindPart(const Request& req, bool schema) {
    const std::string* name = req.PathParam("kind");
    const service::KindInfo* kind = service_.FindKind(*name);
    if (kind == nullptr) {
      return Response::Error(404, "unknown_kind", "unknown kind \"" + *name + "\"", "kind");
    }
    return Response::Json(200, schema ? *kind->schema : *kind->example);
  }

  Response Metrics(const Request&, const Identity& who) {
    if (who.role != Role::kAdmin) {
      return Response::Error(403, "forbidden", "metrics are for admin tokens");
    }
    Response r = Response::Text(200, c_.metrics->PrometheusText());
    r.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    return r;
  }

  // Registers every route on `router`; each handler keeps `self` alive.
  static core::Status Register(const std::shared_ptr<FilingApi>& self,
                               Router& router) {
    FilingApi* api = self.get();
    auto add = [&](const char* method, const char* pattern, Handler handler) {
      return router.Add(method, pattern,
                        [self, handler](const Request& req) {
                          return handler(req);
                        });
    };
    auto with_token = [api](Response (FilingApi::*method)(const Request&,
                                                          const Identity&)) {
      return api->Authenticated(
          [api, method](const Request& req, const Identity& who) {
            return (api->*method)(req, who);
          });
    };
    BEIAN_RETURN_IF_ERROR(add("GET", "/healthz", [](const Request&) {
      core::Json o = core::Json::MakeObject();
      o.Set("status", std::string("ok"));
      return Response::Json(200, o);
    }));
    BEIAN_RETURN_IF_ERROR(add("GET", "/metrics", with_token(&FilingApi::Metrics)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/openapi.json",
                              with_token(&FilingApi::OpenApi)));
    BEIAN_RETURN_IF_ERROR(
        add("POST", "/v1/documents", with_token(&FilingApi::CreateDocument)));
    BEIAN_RETURN_IF_ERROR(
        add("GET", "/v1/documents/{id}", with_token(&FilingApi::GetDocument)));
    BEIAN_RETURN_IF_ERROR(
        add("GET", "/v1/documents/{id}/pdf", with_token(&FilingApi::GetPdf)));
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/signed-copies",
                              with_token(&FilingApi::AttachSignedCopy)));
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/submitted-copies",
                              with_token(&FilingApi::SubmitCopy)));
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/accept",
                              with_token(&FilingApi::AcceptDocument)));
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/file",
                              with_token(&FilingApi::FileDocument)));
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/refuse",
                              with_token(&FilingApi::RefuseDocument)));
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/revoke",
                              with_token(&FilingApi::RevokeDocument)));
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/reprints",
                              with_token(&FilingApi::CreateReprint)));
    BEIAN_RETURN_IF_ERROR(
        add("GET", "/v1/search", with_token(&FilingApi::Search)));
    BEIAN_RETURN_IF_ERROR(
        add("POST", "/v1/verify", with_token(&FilingApi::VerifyFile)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/keys", [api](const Request& req) {
      return api->SigningKeys(req);
    }));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/conflicts", with_token(&FilingApi::Conflicts)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/queue", with_token(&FilingApi::Queue)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/documents/{id}/audit", with_token(&FilingApi::Audit)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/documents/{id}/data", with_token(&FilingApi::EmbeddedData)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/documents/{id}/ofd", with_token(&FilingApi::GetOfd)));
    BEIAN_RETURN_IF_ERROR(
        add("GET", "/v1/documents/{id}/signed-copies/{copy}/file", with_token(&FilingApi::CopyFile)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/kinds", with_token(&FilingApi::Kinds)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/kinds/{kind}/schema",
                              with_token(&FilingApi::KindSchema)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/kinds/{kind}/example",
                              with_token(&FilingApi::KindExample)));
    return core::Status::Ok();
  }

 private:
  FilingApiContext c_;
  service::FilingService& service_;
  Counter* rendered_ = nullptr;
  Counter* archived_bytes_ = nullptr;
};

}  // namespace

core::Result<Router> MakeFilingApi(const FilingApiContext& context) {
  if (context.service == nullptr || context.metrics == nullptr) {
    return core::InvalidArgument("the API needs the filing service and metrics");
  }
  auto api = std::make_shared<FilingApi>(context);
  Router router;
  BEIAN_RETURN_IF_ERROR(FilingApi::Register(api, router));
  internal::ConsoleContext console;
  console.service = context.service;
  console.files = context.console_files;
  console.public_checks_per_minute = context.public_checks_per_minute;
  BEIAN_RETURN_IF_ERROR(internal::RegisterConsole(console, router));
  return router;
}

}  // namespace beian::api
