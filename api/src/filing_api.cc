#include "beian/api/filing_api.h"

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/MultipartReader.h>
#include <Poco/Net/NameValueCollection.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <utility>
#include <vector>

#include "beian/api/json_body.h"
#include "beian/api/request.h"
#include "beian/api/response.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/archive/text_index.h"
#include "beian/core/beijing_time.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian/core/utf8.h"
#include "beian/domain/date.h"

namespace beian::api {
namespace {

using archive::AccessRole;
using archive::AccessToken;
using archive::Document;

constexpr char kPdf[] = "application/pdf";

// ---------------------------------------------------------------------------
// Access

// Tokens recently found in the archive, by the SHA-256 of their secret.
class TokenCache {
 public:
  TokenCache(archive::Archive& archive, std::chrono::milliseconds ttl)
      : archive_(archive), ttl_(ttl) {}

  // The valid token whose secret is `secret`; kNotFound if none or revoked.
  core::Result<AccessToken> Find(const std::string& secret) {
    const std::string digest = core::Sha256Hex(secret);
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = cache_.find(digest);
      if (it != cache_.end() && now - it->second.second < ttl_) {
        return it->second.first;
      }
    }
    BEIAN_ASSIGN_OR_RETURN(AccessToken token, archive_.FindAccessToken(digest));
    if (token.revoked()) return core::NotFound("the token was revoked");
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() > 10000) cache_.clear();
    cache_[digest] = {token, now};
    return token;
  }

 private:
  archive::Archive& archive_;
  const std::chrono::milliseconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string,
                     std::pair<AccessToken, std::chrono::steady_clock::time_point>>
      cache_;
};

Response Unauthorized(std::string_view message) {
  Response r = Response::Error(401, "unauthorized", message);
  r.SetHeader("WWW-Authenticate", "Bearer realm=\"beian\"");
  return r;
}

// Whether the token may see the document.
bool InScope(const AccessToken& token, const Document& d) {
  switch (token.role) {
    case AccessRole::kAdmin:
      return true;
    case AccessRole::kBureau:
      return d.district == token.district;
    case AccessRole::kEnterprise:
      return d.credit_code == token.credit_code;
  }
  return false;
}

// Who did it, in the catalog and the audit log: the token, unambiguously.
std::string Actor(const AccessToken& token) {
  return "token-" + std::to_string(token.id);
}

// The name stamped on a marked reprint: the token's label (the clerk it was
// made for), else the token.
std::string OperatorName(const AccessToken& token) {
  return token.label.empty() ? Actor(token) : token.label;
}

// ---------------------------------------------------------------------------
// JSON shapes

std::string DocumentPath(int64_t id) {
  return "/v1/documents/" + std::to_string(id);
}

core::Json Links(const Document& d) {
  core::Json links = core::Json::MakeObject();
  links.Set("self", DocumentPath(d.id));
  links.Set("pdf", DocumentPath(d.id) + "/pdf");
  links.Set("signed_copies", DocumentPath(d.id) + "/signed-copies");
  links.Set("reprints", DocumentPath(d.id) + "/reprints");
  return links;
}

// A document's catalog entry; `data` (which may hold ID numbers) only when
// asked for.
core::Json DocumentJson(const Document& d, bool with_data) {
  core::Json o = core::Json::MakeObject();
  o.Set("id", d.id);
  o.Set("number", d.number);
  o.Set("kind", d.kind);
  o.Set("template_version", d.template_version);
  o.Set("credit_code", d.credit_code);
  o.Set("enterprise_name", archive::MaskIdNumbers(d.enterprise_name));
  o.Set("project_name", archive::MaskIdNumbers(d.project_name));
  o.Set("district", d.district);
  o.Set("issued_at", d.issued_at);
  o.Set("status", std::string(archive::DocumentStatusName(d.status)));
  o.Set("sha256", d.sha256);
  o.Set("sm3", d.sm3);
  o.Set("bytes", d.bytes);
  o.Set("pages", d.pages);
  if (with_data) {
    core::Result<core::Json> data = core::ParseJson(d.data);
    if (data.ok()) o.Set("data", std::move(data).value());
  }
  o.Set("links", Links(d));
  return o;
}

core::Json SignedCopyJson(const archive::SignedCopy& c) {
  core::Json o = core::Json::MakeObject();
  o.Set("id", c.id);
  o.Set("document_id", c.document_id);
  o.Set("sha256", c.sha256);
  o.Set("sm3", c.sm3);
  o.Set("bytes", c.bytes);
  o.Set("pages", c.pages);
  o.Set("media_type", c.media_type);
  o.Set("original_name", c.original_name);
  o.Set("uploaded_at", c.uploaded_at);
  return o;
}

core::Json ReprintJson(const archive::Reprint& r) {
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

// ---------------------------------------------------------------------------
// Request parts

// The positive integer id in the path, or nullopt.
std::optional<int64_t> PathId(const Request& req) {
  const std::string* text = req.PathParam("id");
  if (text == nullptr || text->empty() || text->size() > 18) return std::nullopt;
  int64_t id = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  if (id <= 0) return std::nullopt;
  return id;
}

bool IsDigits(std::string_view s, size_t from, size_t n) {
  for (size_t i = from; i < from + n; ++i) {
    if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

domain::Date DateOf(const std::string& beijing_time) {
  core::Result<domain::Date> d = domain::Date::Parse(beijing_time.substr(0, 10));
  return d.ok() ? *d : domain::Date{2026, 1, 1};
}

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

// An uploaded file: the body, or the part named "file" of a multipart body.
struct Upload {
  std::string bytes;
  std::string name;
};

std::optional<Upload> ReadMultipart(const Request& req, std::string* error) {
  try {
    std::istringstream in(req.body());
    const std::string* type = req.Header("Content-Type");
    std::string media;
    Poco::Net::NameValueCollection params;
    Poco::Net::MessageHeader::splitParameters(*type, media, params);
    const std::string boundary = params.get("boundary", "");
    if (boundary.empty()) {
      *error = "multipart body without a boundary";
      return std::nullopt;
    }
    Poco::Net::MultipartReader reader(in, boundary);
    while (reader.hasNextPart()) {
      Poco::Net::MessageHeader header;
      reader.nextPart(header);
      std::string disposition;
      Poco::Net::NameValueCollection disp;
      Poco::Net::MessageHeader::splitParameters(
          header.get("Content-Disposition", ""), disposition, disp);
      std::string content((std::istreambuf_iterator<char>(reader.stream())),
                          std::istreambuf_iterator<char>());
      if (disp.get("name", "") == "file") {
        return Upload{std::move(content), disp.get("filename", "")};
      }
    }
    *error = "multipart body has no part named \"file\"";
  } catch (const std::exception& e) {
    *error = std::string("malformed multipart body: ") + e.what();
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------

class FilingApi {
 public:
  explicit FilingApi(const FilingApiContext& c)
      : c_(c), tokens_(*c.archive, c.token_cache_ttl) {
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

  std::string Now() const {
    return c_.now ? c_.now() : archive::NowInBeijing();
  }

  // Runs `handler` for a request with a valid token.
  template <typename F>
  Handler Authenticated(F handler) {
    return [this, handler](const Request& req) -> Response {
      const std::string* auth = req.Header("Authorization");
      constexpr std::string_view kBearer = "Bearer ";
      if (auth == nullptr || auth->size() <= kBearer.size() ||
          !EqualsIgnoreCase(std::string_view(*auth).substr(0, kBearer.size()),
                            kBearer)) {
        return Unauthorized("this needs Authorization: Bearer <token>");
      }
      core::Result<AccessToken> token =
          tokens_.Find(auth->substr(kBearer.size()));
      if (!token.ok()) {
        if (token.status().code() == core::Code::kNotFound) {
          return Unauthorized("unknown or revoked token");
        }
        return Response::FromStatus(token.status());
      }
      Response r = handler(req, *token);
      r.SetLogField("token", std::to_string(token->id));
      r.SetLogField("role", std::string(archive::AccessRoleName(token->role)));
      return r;
    };
  }

  // The document of the path's id if the token may see it; else the error.
  std::variant<Document, Response> DocumentFor(const Request& req,
                                               const AccessToken& token) {
    const std::optional<int64_t> id = PathId(req);
    if (!id) {
      return Response::Error(400, "invalid_id",
                             "document id must be a positive integer", "id");
    }
    core::Result<Document> d = c_.archive->Get(*id);
    if (!d.ok()) {
      if (d.status().code() == core::Code::kNotFound) return NotFound(*id);
      return Response::FromStatus(d.status());
    }
    if (!InScope(token, *d)) return NotFound(*id);
    return std::move(d).value();
  }

  static Response NotFound(int64_t id) {
    return Response::Error(404, "not_found",
                           "no document " + std::to_string(id), "id");
  }

  // POST /v1/documents
  Response CreateDocument(const Request& req, const AccessToken& token) {
    if (auto refused = RequireContentType(req, "application/json")) {
      return *refused;
    }
    core::Result<core::Json> body = ParseJsonBody(req);
    if (!body.ok()) return JsonBodyError(body.status());
    if (!body->is_object()) {
      return Response::Error(400, "invalid_body",
                             "the body must be a JSON object", "/");
    }
    const core::Json* kind = body->Find("kind");
    if (kind == nullptr || !kind->is_string()) {
      return Response::Error(422, "missing_kind",
                             "kind (a string, see /v1/kinds) is required",
                             "/kind");
    }
    if (c_.catalog->Find(kind->as_string()) == nullptr) {
      return Response::Error(422, "unknown_kind",
                             "unknown kind \"" + kind->as_string() +
                                 "\"; see /v1/kinds",
                             "/kind");
    }
    core::Json* data = body->Find("data");
    if (data == nullptr || !data->is_object()) {
      return Response::Error(422, "missing_data",
                             "data (a JSON object) is required", "/data");
    }
    std::string issued_at = Now();
    if (const core::Json* given = body->Find("issued_at")) {
      if (!given->is_string() || !core::IsBeijingTime(given->as_string())) {
        return Response::Error(
            422, "invalid_issued_at",
            "issued_at must be Beijing time like 2026-11-27T10:00:00+08:00",
            "/issued_at");
      }
      issued_at = given->as_string();
    }
    bool preview = false;
    if (const core::Json* p = body->Find("preview")) {
      if (!p->is_bool()) {
        return Response::Error(422, "invalid_preview",
                               "preview must be true or false", "/preview");
      }
      preview = p->as_bool();
    }
    if (const std::string* q = req.Query("preview")) {
      preview = preview || *q == "true" || *q == "1";
    }
    // The token's scope, judged on the data before anything is archived.
    if (token.role == AccessRole::kEnterprise) {
      const core::Json* code = data->Find("enterprise") != nullptr &&
                                       data->Find("enterprise")->is_object()
                                   ? data->Find("enterprise")->Find("credit_code")
                                   : nullptr;
      if (code == nullptr || !code->is_string() ||
          code->as_string() != token.credit_code) {
        return Response::Error(403, "forbidden",
                               "an enterprise token files only for its own "
                               "credit code",
                               "/data/enterprise/credit_code");
      }
    } else if (token.role == AccessRole::kBureau &&
               service::FilingDistrict(*data) != token.district) {
      return Response::Error(403, "forbidden",
                             "a bureau token files only for " + token.district,
                             "/data");
    }

    std::vector<core::Problem> problems;
    const domain::Date today = DateOf(Now());
    if (preview) {
      core::Result<service::Rendering> r = c_.filing->Preview(
          kind->as_string(), std::move(*data), "", issued_at, today, problems);
      if (!r.ok()) return Refused(r.status(), problems);
      if (rendered_ != nullptr) rendered_->Increment();
      Response out = Response::Bytes(200, std::move(r->document.pdf), kPdf);
      out.SetHeader("X-Document-Number", r->number);
      out.SetHeader("X-Preview", "true");
      return out;
    }
    core::Result<Document> d = c_.filing->Issue(
        kind->as_string(), std::move(*data), issued_at, Actor(token), today,
        problems);
    if (!d.ok()) return Refused(d.status(), problems);
    if (rendered_ != nullptr) rendered_->Increment();
    if (archived_bytes_ != nullptr) {
      archived_bytes_->Increment(static_cast<double>(d->bytes));
    }
    Response out;
    if (Accepts(req, kPdf)) {
      core::Result<std::string> pdf = c_.archive->ReadBlob(d->sha256);
      if (!pdf.ok()) return Response::FromStatus(pdf.status());
      out = Response::Bytes(201, std::move(pdf).value(), kPdf);
      out.SetHeader("ETag", "\"" + d->sha256 + "\"");
      out.SetHeader("X-Document-Id", std::to_string(d->id));
      out.SetHeader("X-Document-Number", d->number);
    } else {
      core::Json json = DocumentJson(*d, /*with_data=*/false);
      core::Json warnings = core::Json::MakeArray();
      for (const core::Problem& p : problems) warnings.Push(core::ProblemJson(p));
      json.Set("warnings", std::move(warnings));
      out = Response::Json(201, json);
    }
    out.SetHeader("Location", DocumentPath(d->id));
    return out;
  }

  // 422 with every problem for invalid data, else the status's own answer.
  static Response Refused(const core::Status& status,
                          const std::vector<core::Problem>& problems) {
    if (core::HasError(problems)) {
      // `field` points into the request body; the problems' paths into data.
      std::string field = "/data";
      for (const core::Problem& p : problems) {
        if (p.severity == core::Severity::kError) {
          field += p.path;
          break;
        }
      }
      return Response::ErrorWithProblems(422, "invalid_data", status.message(),
                                         problems, field);
    }
    if (status.code() == core::Code::kInvalidArgument) {
      // A render-time data problem: the message starts with the field.
      const std::string& m = status.message();
      const std::string field =
          !m.empty() && m[0] == '/' ? m.substr(0, m.find(':')) : "";
      return Response::Error(422, "invalid_data", m,
                             field.empty() ? "/data" : "/data" + field);
    }
    return Response::FromStatus(status);
  }

  // GET /v1/documents/{id}
  Response GetDocument(const Request& req, const AccessToken& token) {
    auto found = DocumentFor(req, token);
    if (auto* r = std::get_if<Response>(&found)) return *r;
    const Document& d = std::get<Document>(found);
    core::Json json = DocumentJson(d, /*with_data=*/true);
    core::Result<std::vector<archive::SignedCopy>> copies =
        c_.archive->SignedCopiesOf(d.id);
    core::Result<std::vector<archive::Reprint>> reprints =
        c_.archive->ReprintsOf(d.id);
    if (!copies.ok()) return Response::FromStatus(copies.status());
    if (!reprints.ok()) return Response::FromStatus(reprints.status());
    core::Json copy_list = core::Json::MakeArray();
    for (const auto& c : *copies) copy_list.Push(SignedCopyJson(c));
    core::Json reprint_list = core::Json::MakeArray();
    for (const auto& r : *reprints) reprint_list.Push(ReprintJson(r));
    json.Set("signed_copies", std::move(copy_list));
    json.Set("reprints", std::move(reprint_list));
    return Response::Json(200, json);
  }

  // GET /v1/documents/{id}/pdf: ETag, If-None-Match, one Range.
  Response GetPdf(const Request& req, const AccessToken& token) {
    auto found = DocumentFor(req, token);
    if (auto* r = std::get_if<Response>(&found)) return *r;
    const Document& d = std::get<Document>(found);
    const std::string etag = "\"" + d.sha256 + "\"";
    if (const std::string* none = req.Header("If-None-Match")) {
      if (*none == etag || *none == "*" ||
          none->find(etag) != std::string::npos) {
        Response r(304);
        r.SetHeader("ETag", etag);
        return r;
      }
    }
    core::Result<std::string> pdf = c_.archive->ReadBlob(d.sha256);
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

  // One "bytes=a-b", "bytes=a-" or "bytes=-n" range within `size`.
  static std::optional<std::pair<int64_t, int64_t>> ParseRange(
      const std::string& header, int64_t size) {
    constexpr std::string_view kUnit = "bytes=";
    if (header.compare(0, kUnit.size(), kUnit) != 0 || size == 0) {
      return std::nullopt;
    }
    const std::string spec = header.substr(kUnit.size());
    const size_t dash = spec.find('-');
    if (dash == std::string::npos || spec.find(',') != std::string::npos) {
      return std::nullopt;
    }
    auto number = [](const std::string& s) -> std::optional<int64_t> {
      if (s.empty() || s.size() > 18) return std::nullopt;
      int64_t v = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
      }
      return v;
    };
    const std::optional<int64_t> first = number(spec.substr(0, dash));
    const std::optional<int64_t> last = number(spec.substr(dash + 1));
    if (!first) {
      if (!last || *last == 0) return std::nullopt;  // suffix range
      return std::make_pair(std::max<int64_t>(0, size - *last), size - 1);
    }
    if (*first >= size) return std::nullopt;
    if (!last) return std::make_pair(*first, size - 1);
    if (*last < *first) return std::nullopt;
    return std::make_pair(*first, std::min(*last, size - 1));
  }

  // POST /v1/documents/{id}/signed-copies
  Response AttachSignedCopy(const Request& req, const AccessToken& token) {
    auto found = DocumentFor(req, token);
    if (auto* r = std::get_if<Response>(&found)) return *r;
    const Document& d = std::get<Document>(found);
    const std::string media = MediaType(req);
    Upload upload;
    if (media == "multipart/form-data") {
      std::string error;
      std::optional<Upload> part = ReadMultipart(req, &error);
      if (!part) return Response::Error(400, "invalid_multipart", error, "file");
      upload = std::move(*part);
    } else if (media == "application/pdf" || media == "image/jpeg" ||
               media == "image/png") {
      upload.bytes = req.body();
      if (const std::string* name = req.Header("X-File-Name")) {
        upload.name = *name;
      }
    } else {
      return Response::Error(
          415, "unsupported_media_type",
          "send the scan as application/pdf, image/jpeg or image/png, or as "
          "the part \"file\" of multipart/form-data",
          "Content-Type");
    }
    if (!core::IsValidUtf8(upload.name) || upload.name.size() > 255) {
      upload.name.clear();
    }
    core::Result<archive::SignedCopy> copy = c_.filing->AttachSignedCopy(
        d.number, upload.bytes, upload.name, Actor(token), Now());
    if (!copy.ok()) {
      if (copy.status().code() == core::Code::kInvalidArgument) {
        return Response::Error(422, "invalid_upload", copy.status().message(),
                               "file");
      }
      return Response::FromStatus(copy.status());
    }
    if (archived_bytes_ != nullptr) {
      archived_bytes_->Increment(static_cast<double>(copy->bytes));
    }
    Response out = Response::Json(201, SignedCopyJson(*copy));
    out.SetHeader("Location", DocumentPath(d.id));
    return out;
  }

  // POST /v1/documents/{id}/reprints: a marked reprint (补打), the PDF.
  Response CreateReprint(const Request& req, const AccessToken& token) {
    auto found = DocumentFor(req, token);
    if (auto* r = std::get_if<Response>(&found)) return *r;
    const Document& d = std::get<Document>(found);
    bool marked = true;
    std::string operator_name = OperatorName(token);
    if (!req.body().empty()) {
      if (auto refused = RequireContentType(req, "application/json")) {
        return *refused;
      }
      core::Result<core::Json> body = ParseJsonBody(req);
      if (!body.ok()) return JsonBodyError(body.status());
      if (!body->is_object()) {
        return Response::Error(400, "invalid_body",
                               "the body must be a JSON object", "/");
      }
      if (const core::Json* m = body->Find("marked")) {
        if (!m->is_bool()) {
          return Response::Error(422, "invalid_marked",
                                 "marked must be true or false", "/marked");
        }
        marked = m->as_bool();
      }
      if (const core::Json* op = body->Find("operator")) {
        if (!op->is_string() || op->as_string().empty() ||
            op->as_string().size() > 100) {
          return Response::Error(422, "invalid_operator",
                                 "operator must be a name of 1-100 bytes",
                                 "/operator");
        }
        operator_name = op->as_string();
      }
    }
    core::Result<std::string> pdf =
        c_.filing->Reprint(d.number, marked, operator_name, Now());
    if (!pdf.ok()) {
      if (pdf.status().code() == core::Code::kInvalidArgument) {
        return Response::Error(422, "invalid_reprint", pdf.status().message());
      }
      return Response::FromStatus(pdf.status());
    }
    const std::string sha256 = core::Sha256Hex(*pdf);
    if (marked && archived_bytes_ != nullptr) {
      archived_bytes_->Increment(static_cast<double>(pdf->size()));
    }
    Response out = Response::Bytes(201, std::move(pdf).value(), kPdf);
    out.SetHeader("ETag", "\"" + sha256 + "\"");
    out.SetHeader("X-Reprint-Marked", marked ? "true" : "false");
    out.SetHeader("Location", DocumentPath(d.id));
    return out;
  }

  // GET /v1/search
  Response Search(const Request& req, const AccessToken& token) {
    archive::DocumentFilter filter;
    auto text = [&](const char* name) -> std::string {
      const std::string* v = req.Query(name);
      return v == nullptr ? std::string() : *v;
    };
    filter.kind = text("kind");
    filter.district = text("district");
    filter.issued_from = text("from");
    filter.issued_before = text("to");
    // A plain `to` date includes its day; a time is an exclusive bound.
    if (filter.issued_before.size() == 10) {
      core::Result<domain::Date> last = domain::Date::Parse(filter.issued_before);
      if (last.ok()) filter.issued_before = last->AddDays(1).Iso();
    }
    if (!filter.kind.empty() && c_.catalog->Find(filter.kind) == nullptr) {
      return Response::Error(400, "unknown_kind",
                             "unknown kind \"" + filter.kind + "\"", "kind");
    }
    for (const char* name : {"from", "to"}) {
      const std::string v = text(name);
      const bool date = v.size() == 10 && domain::Date::Parse(v).ok();
      if (!v.empty() && !date && !core::IsBeijingTime(v)) {
        return Response::Error(400, "invalid_date",
                               std::string(name) +
                                   " must be a date like 2026-03-01 or a "
                                   "time like 2026-03-01T09:30:00+08:00",
                               name);
      }
    }
    if (const std::string status = text("status"); !status.empty()) {
      core::Result<archive::DocumentStatus> s =
          archive::ParseDocumentStatus(status);
      if (!s.ok()) {
        return Response::Error(400, "invalid_status",
                               "status is issued, signed or revoked", "status");
      }
      filter.status = *s;
    }
    if (const std::string limit = text("limit"); !limit.empty()) {
      if (limit.size() > 4 || !IsDigits(limit, 0, limit.size()) ||
          std::stoi(limit) < 1 || std::stoi(limit) > 100) {
        return Response::Error(400, "invalid_limit", "limit must be 1..100",
                               "limit");
      }
      filter.limit = std::stoi(limit);
    } else {
      filter.limit = 20;
    }
    if (const std::string cursor = text("cursor"); !cursor.empty()) {
      std::optional<archive::DocumentCursor> after = ParseCursor(cursor);
      if (!after) {
        return Response::Error(400, "invalid_cursor",
                               "cursor must be a next_cursor from an earlier "
                               "page",
                               "cursor");
      }
      filter.after = *after;
    }
    // The token's scope narrows every search.
    if (token.role == AccessRole::kEnterprise) {
      filter.credit_code = token.credit_code;
    } else if (token.role == AccessRole::kBureau) {
      if (!filter.district.empty() && filter.district != token.district) {
        return Response::Error(403, "forbidden",
                               "a bureau token searches only " + token.district,
                               "district");
      }
      filter.district = token.district;
    }
    const std::string q = text("q");
    core::Result<archive::DocumentPage> page =
        q.empty() ? c_.archive->ListDocuments(filter)
                  : c_.archive->Search(archive::SearchQuery{q, filter});
    if (!page.ok()) {
      if (page.status().code() == core::Code::kInvalidArgument) {
        return Response::Error(400, "invalid_query", page.status().message(),
                               "q");
      }
      return Response::FromStatus(page.status());
    }
    core::Json results = core::Json::MakeArray();
    for (const Document& d : page->documents) {
      results.Push(DocumentJson(d, /*with_data=*/false));
    }
    core::Json out = core::Json::MakeObject();
    out.Set("results", std::move(results));
    if (page->next) {
      out.Set("next_cursor", page->next->issued_at + "~" +
                                 std::to_string(page->next->id));
    } else {
      out.Set("next_cursor", core::Json());
    }
    return Response::Json(200, out);
  }

  static std::optional<archive::DocumentCursor> ParseCursor(
      const std::string& cursor) {
    // "<issued_at>~<id>"; issued_at as stored (it may carry fractions of a
    // second), compared as a bound parameter.
    const size_t tilde = cursor.rfind('~');
    if (tilde == std::string::npos || tilde < 19 || tilde > 40 ||
        !domain::Date::Parse(cursor.substr(0, 10)).ok()) {
      return std::nullopt;
    }
    const std::string id = cursor.substr(tilde + 1);
    if (id.empty() || id.size() > 18 || !IsDigits(id, 0, id.size())) {
      return std::nullopt;
    }
    return archive::DocumentCursor{cursor.substr(0, tilde), std::stoll(id)};
  }

  // POST /v1/verify: which archived record has exactly these bytes.
  Response VerifyFile(const Request& req, const AccessToken& token) {
    if (req.body().empty()) {
      return Response::Error(400, "empty_body",
                             "send the file to check as the body", "body");
    }
    core::Result<archive::Sha256Matches> matches =
        c_.filing->Identify(req.body());
    if (!matches.ok()) return Response::FromStatus(matches.status());
    // Only what the token may see; a document's copies and reprints with it.
    std::unordered_map<int64_t, bool> visible;
    auto may_see = [&](int64_t document_id) {
      auto it = visible.find(document_id);
      if (it != visible.end()) return it->second;
      core::Result<Document> d = c_.archive->Get(document_id);
      const bool ok = d.ok() && InScope(token, *d);
      visible[document_id] = ok;
      return ok;
    };
    core::Json documents = core::Json::MakeArray();
    for (const Document& d : matches->documents) {
      if (InScope(token, d)) documents.Push(DocumentJson(d, false));
    }
    core::Json copies = core::Json::MakeArray();
    for (const auto& c : matches->signed_copies) {
      if (may_see(c.document_id)) copies.Push(SignedCopyJson(c));
    }
    core::Json reprints = core::Json::MakeArray();
    for (const auto& r : matches->reprints) {
      if (may_see(r.document_id)) reprints.Push(ReprintJson(r));
    }
    if (documents.as_array().empty() && copies.as_array().empty() &&
        reprints.as_array().empty()) {
      return Response::Error(404, "not_in_archive",
                             "这份文件不在档案中 / not in the archive: no "
                             "archived document, signed copy or reprint has "
                             "these bytes");
    }
    core::Json out = core::Json::MakeObject();
    out.Set("sha256", core::Sha256Hex(req.body()));
    out.Set("documents", std::move(documents));
    out.Set("signed_copies", std::move(copies));
    out.Set("reprints", std::move(reprints));
    return Response::Json(200, out);
  }

  // GET /v1/verify/{number}?key=: the QR code on paper; no token.
  Response VerifyPrinted(const Request& req) {
    const std::string* number = req.PathParam("number");
    const std::string* key = req.Query("key");
    if (key == nullptr || key->empty()) {
      return Response::Error(400, "missing_key",
                             "key (printed in the QR code) is required", "key");
    }
    core::Result<Document> d = c_.filing->CheckPrintedKey(*number, *key);
    if (!d.ok()) {
      if (d.status().code() == core::Code::kNotFound) {
        return Response::Error(404, "not_in_archive",
                               "未查到该文书 / no archived document with this "
                               "number and key");
      }
      return Response::FromStatus(d.status());
    }
    core::Json out = core::Json::MakeObject();
    out.Set("number", d->number);
    out.Set("kind", d->kind);
    if (const render::Kind* kind = c_.catalog->Find(d->kind)) {
      out.Set("title", kind->title);
    }
    out.Set("enterprise_name", archive::MaskIdNumbers(d->enterprise_name));
    out.Set("project_name", archive::MaskIdNumbers(d->project_name));
    out.Set("district", d->district);
    out.Set("issued_at", d->issued_at);
    out.Set("status", std::string(archive::DocumentStatusName(d->status)));
    out.Set("pages", d->pages);
    out.Set("sha256", d->sha256);
    out.Set("sm3", d->sm3);
    return Response::Json(200, out);
  }

  Response Kinds(const Request&, const AccessToken&) {
    core::Json list = core::Json::MakeArray();
    for (const render::Kind* k : c_.catalog->kinds()) {
      core::Json o = core::Json::MakeObject();
      o.Set("kind", k->name);
      o.Set("title", k->title);
      o.Set("template_version", k->current_version);
      o.Set("schema", "/v1/kinds/" + k->name + "/schema");
      o.Set("example", "/v1/kinds/" + k->name + "/example");
      list.Push(std::move(o));
    }
    core::Json out = core::Json::MakeObject();
    out.Set("kinds", std::move(list));
    return Response::Json(200, out);
  }

  Response KindSchema(const Request& req, const AccessToken&) {
    return KindPart(req, /*schema=*/true);
  }
  Response KindExample(const Request& req, const AccessToken&) {
    return KindPart(req, /*schema=*/false);
  }
  Response OpenApi(const Request&, const AccessToken&) {
    return Response::Bytes(200, c_.openapi_json, "application/json");
  }

  Response KindPart(const Request& req, bool schema) {
    const std::string* name = req.PathParam("kind");
    const render::Kind* kind = c_.catalog->Find(*name);
    if (kind == nullptr) {
      return Response::Error(404, "unknown_kind",
                             "unknown kind \"" + *name + "\"", "kind");
    }
    return Response::Json(200, schema ? kind->schema_json : kind->example);
  }

  Response Metrics(const Request&, const AccessToken& token) {
    if (token.role != AccessRole::kAdmin) {
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
                                                          const AccessToken&)) {
      return api->Authenticated(
          [api, method](const Request& req, const AccessToken& token) {
            return (api->*method)(req, token);
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
    BEIAN_RETURN_IF_ERROR(add("POST", "/v1/documents/{id}/reprints",
                              with_token(&FilingApi::CreateReprint)));
    BEIAN_RETURN_IF_ERROR(
        add("GET", "/v1/search", with_token(&FilingApi::Search)));
    BEIAN_RETURN_IF_ERROR(
        add("POST", "/v1/verify", with_token(&FilingApi::VerifyFile)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/verify/{number}",
                              [api](const Request& req) {
                                return api->VerifyPrinted(req);
                              }));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/kinds", with_token(&FilingApi::Kinds)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/kinds/{kind}/schema",
                              with_token(&FilingApi::KindSchema)));
    BEIAN_RETURN_IF_ERROR(add("GET", "/v1/kinds/{kind}/example",
                              with_token(&FilingApi::KindExample)));
    return core::Status::Ok();
  }

 private:
  FilingApiContext c_;
  TokenCache tokens_;
  Counter* rendered_ = nullptr;
  Counter* archived_bytes_ = nullptr;
};

}  // namespace

core::Result<Router> MakeFilingApi(const FilingApiContext& context) {
  if (context.filing == nullptr || context.archive == nullptr ||
      context.catalog == nullptr || context.metrics == nullptr) {
    return core::InvalidArgument(
        "the API needs the filing service, archive, catalog and metrics");
  }
  auto api = std::make_shared<FilingApi>(context);
  Router router;
  BEIAN_RETURN_IF_ERROR(FilingApi::Register(api, router));
  return router;
}

}  // namespace beian::api
