#include "beian/archive/bagit.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "beian/archive/records.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "input_checks.h"
#include "posix_file.h"
#include "row_digest.h"

namespace beian::archive {
namespace {

namespace fs = std::filesystem;

constexpr char kBagitTxt[] =
    "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

core::Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return PosixError("cannot read", path, errno);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return PosixError("cannot read", path, errno);
  return buffer.str();
}

// Hex digest of `bytes` with the OpenSSL digest named `algorithm` ("sha256",
// "sha512", "md5", ...); kInvalidArgument if OpenSSL does not know it.
core::Result<std::string> DigestHex(const std::string& algorithm,
                                    std::string_view bytes) {
  if (algorithm == "sha256") return core::Sha256Hex(bytes);
  const EVP_MD* md = EVP_get_digestbyname(algorithm.c_str());
  if (md == nullptr) {
    return core::InvalidArgument("unsupported manifest algorithm " + algorithm);
  }
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(),
                                                         EVP_MD_CTX_free);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    return core::Internal("digest " + algorithm + " failed");
  }
  return core::HexEncode(
      std::string_view(reinterpret_cast<const char*>(out), len));
}

// RFC 8493 §2.1.3: CR, LF and % in a manifest path are percent-encoded.
std::string EncodePath(std::string_view path) {
  std::string out;
  for (char c : path) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\n') {
      out += "%0A";
    } else if (c == '\r') {
      out += "%0D";
    } else {
      out += c;
    }
  }
  return out;
}

std::string DecodePath(std::string_view path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size()) {
      std::string code(path.substr(i + 1, 2));
      for (char& c : code) c = static_cast<char>(std::toupper(c));
      if (code == "25") {
        out += '%';
        i += 2;
        continue;
      }
      if (code == "0A") {
        out += '\n';
        i += 2;
        continue;
      }
      if (code == "0D") {
        out += '\r';
        i += 2;
        continue;
      }
    }
    out += path[i];
  }
  return out;
}

// A relative path without "." or ".." components, empty components or
// backslashes.
bool IsSafeRelativePath(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  if (path.find('\\') != std::string_view::npos) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string YearOf(const std::string& issued_at) {
  return issued_at.size() >= 4 ? issued_at.substr(0, 4) : std::string();
}

bool Matches(const Document& doc, const ExportFilter& filter) {
  if (!filter.district.empty() && doc.district != filter.district) return false;
  if (!filter.kind.empty() && doc.kind != filter.kind) return false;
  if (filter.year != 0 && YearOf(doc.issued_at) != std::to_string(filter.year)) {
    return false;
  }
  return true;
}

std::string FilterText(const ExportFilter& filter) {
  std::string text = "district=" + (filter.district.empty() ? std::string("any")
                                                            : filter.district);
  text += " year=" + (filter.year == 0 ? std::string("any")
                                       : std::to_string(filter.year));
  text += " kind=" + (filter.kind.empty() ? std::string("any") : filter.kind);
  return text;
}

core::Json FilterJson(const ExportFilter& filter) {
  core::Json json = core::Json::MakeObject();
  json.Set("district", filter.district);
  json.Set("year", filter.year);
  json.Set("kind", filter.kind);
  return json;
}

// Removes a temporary directory on destruction unless released.
class TempTree {
 public:
  explicit TempTree(std::string path) : path_(std::move(path)) {}
  ~TempTree() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

struct PayloadFile {
  std::string path;  // "data/..."
  std::string sha256;
  int64_t bytes = 0;
};

// The export's collected rows.
struct Selection {
  std::vector<Document> documents;
  std::map<int64_t, std::vector<SignedCopy>> copies;
  std::map<int64_t, std::vector<Reprint>> reprints;
  // Each document's "set-status" steps, oldest first: {"actor", "at", "to"}
  // and the lifecycle fields the step set.
  std::map<int64_t, core::Json> lifecycle;
};

// A "set-status" audit entry as a lifecycle step of the bag, or null when
// its detail does not name a document. Entries written before schema 4 call
// the reason "reason".
core::Json LifecycleStep(const AuditEntry& e, int64_t* document_id) {
  core::Result<core::Json> detail = core::ParseJson(e.detail);
  if (!detail.ok() || !detail->is_object()) return core::Json();
  const core::Json* id = detail->Find("document_id");
  const core::Json* to = detail->Find("to");
  if (id == nullptr || !id->is_integer() || to == nullptr ||
      !to->is_string()) {
    return core::Json();
  }
  *document_id = id->as_int();
  core::Json step = core::Json::MakeObject();
  step.Set("actor", e.actor);
  // A step an import replayed keeps the time it was first recorded, so that
  // exporting an imported archive gives the same bag.
  const core::Json* recorded_at = detail->Find("recorded_at");
  step.Set("at", recorded_at != nullptr && recorded_at->is_string()
                     ? recorded_at->as_string()
                     : e.at);
  step.Set("to", *to);
  for (std::string_view key : kLifecycleFields) {
    if (const core::Json* value = detail->Find(key); value && value->is_string()) {
      step.Set(std::string(key), *value);
    }
  }
  const core::Json* reason = detail->Find("reason");
  if (step.Find("status_reason") == nullptr && reason != nullptr &&
      reason->is_string() && !reason->as_string().empty()) {
    step.Set("status_reason", *reason);
  }
  return step;
}

}  // namespace

core::Result<ExportSummary> ExportBag(Archive& archive, const std::string& dir,
                                      const ExportFilter& filter,
                                      const std::string& actor, const Progress& progress) {
  if (dir.empty()) return core::InvalidArgument("export: empty directory");
  const fs::path target = fs::path(dir).lexically_normal();
  std::error_code ec;
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec) || !fs::is_empty(target, ec)) {
      return core::FailedPrecondition("export target " + dir +
                                      " exists and is not an empty directory");
    }
  }

  // Collect what to export, through the interface only.
  Selection sel;
  std::set<int64_t> ids;
  BEIAN_RETURN_IF_ERROR(archive.ForEachDocument([&](const Document& doc) {
    if (Matches(doc, filter)) {
      sel.documents.push_back(doc);
      ids.insert(doc.id);
    }
    return core::Status::Ok();
  }));
  BEIAN_RETURN_IF_ERROR(archive.ForEachSignedCopy([&](const SignedCopy& c) {
    if (ids.count(c.document_id) != 0) sel.copies[c.document_id].push_back(c);
    return core::Status::Ok();
  }));
  BEIAN_RETURN_IF_ERROR(archive.ForEachReprint([&](const Reprint& r) {
    if (ids.count(r.document_id) != 0) sel.reprints[r.document_id].push_back(r);
    return core::Status::Ok();
  }));
  BEIAN_RETURN_IF_ERROR(archive.ForEachAuditEntry([&](const AuditEntry& e) {
    if (e.action != kActionSetStatus) return core::Status::Ok();
    int64_t id = 0;
    core::Json step = LifecycleStep(e, &id);
    if (!step.is_null() && ids.count(id) != 0) {
      core::Json& steps = sel.lifecycle[id];
      if (steps.is_null()) steps = core::Json::MakeArray();
      steps.Push(std::move(step));
    }
    return core::Status::Ok();
  }));
  for (auto& [id, list] : sel.copies) {
    std::stable_sort(list.begin(), list.end(),
                     [](const SignedCopy& a, const SignedCopy& b) {
                       return a.id < b.id;
                     });
  }
  for (auto& [id, list] : sel.reprints) {
    std::stable_sort(
        list.begin(), list.end(),
        [](const Reprint& a, const Reprint& b) { return a.id < b.id; });
  }

  // Build the bag in a temporary directory beside the target.
  fs::path parent = target.parent_path();
  if (parent.empty()) parent = ".";
  fs::create_directories(parent, ec);
  if (ec) return core::IoError("cannot create " + parent.string() + ": " + ec.message());
  std::string pattern =
      (parent / ("." + target.filename().string() + ".bagtmp-XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return PosixError("cannot create temporary directory", pattern, errno);
  }
  const fs::path tmp(buffer.data());
  TempTree guard(tmp.string());
  for (const char* sub :
       {"data", "data/documents", "data/signed-copies", "data/reprints"}) {
    fs::create_directories(tmp / sub, ec);
    if (ec) return core::IoError("cannot create " + (tmp / sub).string() + ": " + ec.message());
  }

  std::map<std::string, PayloadFile> payload;  // by path
  auto write_blob = [&](const std::string& folder, const std::string& sha256,
                        const char* extension = ".pdf") -> core::Result<std::string> {
    const std::string rel = "data/" + folder + "/" + sha256 + extension;
    if (payload.count(rel) != 0) return rel;
    BEIAN_ASSIGN_OR_RETURN(std::string bytes, archive.ReadBlob(sha256));
    const std::string actual = core::Sha256Hex(bytes);
    if (actual != sha256) {
      return core::FailedPrecondition("blob " + sha256 +
                                      " is damaged (its bytes hash to " +
                                      actual + "); run verify");
    }
    BEIAN_RETURN_IF_ERROR(WriteFileSynced((tmp / rel).string(), bytes));
    payload[rel] = {rel, sha256, static_cast<int64_t>(bytes.size())};
    return rel;
  };

  ExportSummary summary;
  summary.dir = dir;
  std::string catalog;
  std::string newest_issued;
  for (const Document& doc : sel.documents) {
    if (progress) progress("documents", static_cast<int64_t>(summary.documents), static_cast<int64_t>(sel.documents.size()));
    core::Json line = core::Json::MakeObject();
    line.Set("number", doc.number);
    line.Set("kind", doc.kind);
    line.Set("template_version", doc.template_version);
    BEIAN_ASSIGN_OR_RETURN(core::Json data, core::ParseJson(doc.data));
    line.Set("data", std::move(data));
    line.Set("credit_code", doc.credit_code);
    line.Set("enterprise_name", doc.enterprise_name);
    line.Set("project_name", doc.project_name);
    line.Set("district", doc.district);
    line.Set("issued_at", doc.issued_at);
    line.Set("created_by", doc.created_by);
    line.Set("sha256", doc.sha256);
    line.Set("sm3", doc.sm3);
    line.Set("bytes", doc.bytes);
    line.Set("pages", doc.pages);
    if (!doc.verify_url.empty()) line.Set("verify_url", doc.verify_url);
    if (!doc.pdf_standard.empty()) line.Set("pdf_standard", doc.pdf_standard);
    line.Set("status", std::string(DocumentStatusName(doc.status)));
    for (std::string_view key : kLifecycleFields) {
      line.Set(std::string(key), LifecycleField(doc, key));
    }
    core::Json& steps = sel.lifecycle[doc.id];
    line.Set("lifecycle",
             steps.is_null() ? core::Json::MakeArray() : std::move(steps));
    BEIAN_ASSIGN_OR_RETURN(std::string file, write_blob("documents", doc.sha256));
    line.Set("file", file);
    if (!doc.ofd_sha256.empty()) {
      BEIAN_ASSIGN_OR_RETURN(std::string ofd_file, write_blob("documents", doc.ofd_sha256, ".ofd"));
      line.Set("ofd_sha256", doc.ofd_sha256);
      line.Set("ofd_sm3", doc.ofd_sm3);
      line.Set("ofd_bytes", doc.ofd_bytes);
      line.Set("ofd_file", ofd_file);
    }
    core::Json copies = core::Json::MakeArray();
    for (const SignedCopy& c : sel.copies[doc.id]) {
      core::Json copy = core::Json::MakeObject();
      copy.Set("sha256", c.sha256);
      copy.Set("sm3", c.sm3);
      copy.Set("bytes", c.bytes);
      copy.Set("pages", c.pages);
      copy.Set("media_type", c.media_type);
      copy.Set("original_name", c.original_name);
      copy.Set("uploaded_by", c.uploaded_by);
      copy.Set("uploaded_at", c.uploaded_at);
      copy.Set("of_record", c.of_record);
      BEIAN_ASSIGN_OR_RETURN(std::string cf, write_blob("signed-copies", c.sha256));
      copy.Set("file", cf);
      copies.Push(std::move(copy));
      ++summary.signed_copies;
    }
    line.Set("signed_copies", std::move(copies));
    core::Json reprints = core::Json::MakeArray();
    for (const Reprint& r : sel.reprints[doc.id]) {
      core::Json reprint = core::Json::MakeObject();
      reprint.Set("marked", r.marked);
      reprint.Set("sha256", r.sha256);
      reprint.Set("sm3", r.sm3);
      reprint.Set("bytes", r.bytes);
      reprint.Set("operator_name", r.operator_name);
      reprint.Set("reprinted_at", r.reprinted_at);
      if (r.marked) {
        BEIAN_ASSIGN_OR_RETURN(std::string rf, write_blob("reprints", r.sha256));
        reprint.Set("file", rf);
      }
      reprints.Push(std::move(reprint));
      ++summary.reprints;
    }
    line.Set("reprints", std::move(reprints));
    catalog += core::WriteCanonicalJson(line);
    catalog += '\n';
    ++summary.documents;
    newest_issued = std::max(newest_issued, doc.issued_at);
  }
  const std::string catalog_rel = "data/catalog.jsonl";
  BEIAN_RETURN_IF_ERROR(WriteFileSynced((tmp / catalog_rel).string(), catalog));
  payload[catalog_rel] = {catalog_rel, core::Sha256Hex(catalog),
                          static_cast<int64_t>(catalog.size())};

  std::string manifest;
  for (const auto& [path, file] : payload) {
    manifest += file.sha256 + "  " + EncodePath(path) + "\n";
    summary.payload_bytes += file.bytes;
    ++summary.payload_files;
  }
  summary.manifest_sha256 = core::Sha256Hex(manifest);

  std::string info = "Source-Organization: beian\n";
  if (newest_issued.size() >= 10) {
    info += "Bagging-Date: " + newest_issued.substr(0, 10) + "\n";
  }
  info += "Payload-Oxum: " + std::to_string(summary.payload_bytes) + "." +
          std::to_string(summary.payload_files) + "\n";
  info += "External-Description: beian archive export of " +
          std::to_string(summary.documents) + " documents; filter " +
          FilterText(filter) + "\n";

  const std::vector<std::pair<std::string, std::string>> tags = {
      {"bagit.txt", kBagitTxt},
      {"bag-info.txt", info},
      {"manifest-sha256.txt", manifest}};
  std::string tagmanifest;
  for (const auto& [name, text] : tags) {
    BEIAN_RETURN_IF_ERROR(WriteFileSynced((tmp / name).string(), text));
    tagmanifest += core::Sha256Hex(text) + "  " + name + "\n";
  }
  BEIAN_RETURN_IF_ERROR(
      WriteFileSynced((tmp / "tagmanifest-sha256.txt").string(), tagmanifest));

  // Every file was fsynced as written; now the names in each directory, so
  // that the bag is whole on disk before it gets its final name.
  for (const char* sub :
       {"data/documents", "data/signed-copies", "data/reprints", "data", ""}) {
    BEIAN_RETURN_IF_ERROR(FsyncDirectory((tmp / sub).string()));
  }
  // Into place; rename(2) replaces an empty directory.
  if (fs::exists(target, ec) && !fs::is_empty(target, ec)) {
    return core::FailedPrecondition("export target " + dir +
                                    " is no longer empty");
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    return core::IoError("cannot move the bag to " + dir + ": " + ec.message());
  }
  guard.Release();
  BEIAN_RETURN_IF_ERROR(FsyncDirectory(parent.string()));

  NewAuditEntry entry;
  entry.actor = actor;
  entry.action = "export";
  entry.subject = dir;
  entry.detail = core::Json::MakeObject();
  entry.detail.Set("documents", summary.documents);
  entry.detail.Set("signed_copies", summary.signed_copies);
  entry.detail.Set("reprints", summary.reprints);
  entry.detail.Set("payload_files", summary.payload_files);
  entry.detail.Set("payload_bytes", summary.payload_bytes);
  entry.detail.Set("manifest_sha256", summary.manifest_sha256);
  entry.detail.Set("filter", FilterJson(filter));
  BEIAN_RETURN_IF_ERROR(archive.AppendAudit(entry).status());
  return summary;
}

namespace {

// One parsed manifest: path → digest.
struct Manifest {
  std::string name;       // file name, e.g. "manifest-sha256.txt"
  std::string algorithm;  // e.g. "sha256"
  std::map<std::string, std::string> digests;
};

core::Result<Manifest> ParseManifest(const fs::path& bag,
                                     const std::string& name,
                                     const std::string& algorithm) {
  BEIAN_ASSIGN_OR_RETURN(std::string text, ReadWholeFile((bag / name).string()));
  Manifest manifest{name, algorithm, {}};
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::string where = name + " line " + std::to_string(line_no);
    size_t space = line.find_first_of(" \t");
    if (space == std::string::npos || space == 0) {
      return core::InvalidArgument(where + ": malformed line");
    }
    std::string digest = line.substr(0, space);
    for (char& c : digest) c = static_cast<char>(std::tolower(c));
    if (digest.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return core::InvalidArgument(where + ": malformed digest");
    }
    size_t path_start = line.find_first_not_of(" \t", space);
    if (path_start == std::string::npos) {
      return core::InvalidArgument(where + ": no path");
    }
    std::string path = DecodePath(line.substr(path_start));
    if (path.rfind("./", 0) == 0) path = path.substr(2);
    if (!IsSafeRelativePath(path)) {
      return core::InvalidArgument(where + ": unsafe path " + path);
    }
    if (!manifest.digests.emplace(path, digest).second) {
      return core::InvalidArgument(where + ": " + path + " listed twice");
    }
  }
  return manifest;
}

// Checks every digest of `manifest` against the files in `bag`.
core::Status CheckManifest(const fs::path& bag, const Manifest& manifest,
                           std::map<std::string, std::string>* contents) {
  for (const auto& [path, digest] : manifest.digests) {
    std::error_code ec;
    const fs::path file = bag / path;
    if (!fs::is_regular_file(fs::symlink_status(file, ec))) {
      return core::InvalidArgument("missing file " + path + " (listed in " +
                                   manifest.name + ")");
    }
    BEIAN_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(file.string()));
    BEIAN_ASSIGN_OR_RETURN(std::string actual,
                           DigestHex(manifest.algorithm, bytes));
    if (actual != digest) {
      return core::InvalidArgument("altered file " + path + ": " +
                                   manifest.algorithm + " " + actual +
                                   " does not match " + manifest.name);
    }
    if (contents != nullptr) (*contents)[path] = std::move(bytes);
  }
  return core::Status::Ok();
}

// "Label: value" lines of a tag file (continuation lines start with space or
// tab), in order.
std::vector<std::pair<std::string, std::string>> ParseTagLines(
    const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
      out.back().second += " " + line.substr(line.find_first_not_of(" \t"));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      out.emplace_back(line, "");
      continue;
    }
    std::string value = line.substr(colon + 1);
    size_t first = value.find_first_not_of(" \t");
    value = first == std::string::npos ? "" : value.substr(first);
    out.emplace_back(line.substr(0, colon), value);
  }
  return out;
}

const core::Json* Member(const core::Json& obj, const char* key,
                         core::Json::Type type) {
  const core::Json* value = obj.Find(key);
  if (value == nullptr || value->type() != type) return nullptr;
  return value;
}

// Reads string member `key` into `out`; false if absent or not a string.
bool GetString(const core::Json& obj, const char* key, std::string& out) {
  const core::Json* v = Member(obj, key, core::Json::Type::kString);
  if (v == nullptr) return false;
  out = v->as_string();
  return true;
}

bool GetInt(const core::Json& obj, const char* key, int64_t& out) {
  const core::Json* v = obj.Find(key);
  if (v == nullptr || !v->is_integer()) return false;
  out = v->as_int();
  return true;
}

struct ImportCopy {
  NewSignedCopy copy;
  std::string sha256;
};

struct ImportReprint {
  NewReprint reprint;
  std::string sha256;
};

// One recorded step of a document's lifecycle, replayed by its own actor.
struct ImportStep {
  StatusChange change;  // document_id and from are filled in on replay
  std::string at;       // when the step was recorded in the source archive
};

struct ImportDocument {
  NewDocument doc;
  std::string sha256;
  std::string sm3;
  DocumentStatus status = DocumentStatus::kIssued;
  std::vector<ImportCopy> copies;
  std::vector<ImportReprint> reprints;
  // The bag's "lifecycle"; bags written before it existed get one step to
  // `status` by the importing actor when no attached copy explains it.
  std::vector<ImportStep> steps;
  bool has_lifecycle = false;
};


// The bytes of payload file `file` (a "data/..." path from the catalog),
// checked to hash to `sha256`.
core::Result<std::string> PayloadBytes(
    const std::map<std::string, std::string>& payload, const std::string& file,
    const std::string& sha256, const std::string& where) {
  auto it = payload.find(file);
  if (it == payload.end()) {
    return core::InvalidArgument(where + ": file " + file +
                                 " is not in the bag's manifest");
  }
  if (core::Sha256Hex(it->second) != sha256) {
    return core::InvalidArgument(where + ": file " + file +
                                 " does not hash to " + sha256);
  }
  return it->second;
}

// `status` with "<what>: " before its message, its code kept; OK stays OK.
core::Status Within(const std::string& what, const core::Status& status) {
  if (status.ok()) return status;
  return core::Status(status.code(), what + ": " + status.message());
}

// `status` (a check the archive would make on the way in) as an error about
// catalog line `where`: found before anything is written.
core::Status Refused(const std::string& where, const core::Status& status) {
  if (status.ok()) return status;
  return core::InvalidArgument(where + ": " + status.message());
}

// A lifecycle step of a catalog line as a StatusChange (without its
// document), checked as ChangeStatus would check it.
core::Result<ImportStep> ParseLifecycleStep(const core::Json& step,
                                            const std::string& where) {
  ImportStep out;
  StatusChange& c = out.change;
  std::string to;
  if (!step.is_object() || !GetString(step, "actor", c.actor) ||
      !GetString(step, "at", out.at) || !GetString(step, "to", to)) {
    return core::InvalidArgument(where + ": malformed lifecycle step");
  }
  core::Result<DocumentStatus> parsed = ParseDocumentStatus(to);
  if (!parsed.ok()) {
    return core::InvalidArgument(where + ": " + parsed.status().message());
  }
  c.to = *parsed;
  std::string decided_at, revoked_at;
  GetString(step, "decided_at", decided_at);
  GetString(step, "revoked_at", revoked_at);
  switch (c.to) {
    case DocumentStatus::kAccepted:
      GetString(step, "accepted_on", c.accepted_on);
      GetString(step, "decision_due", c.decision_due);
      break;
    case DocumentStatus::kFiled:
      GetString(step, "filing_number", c.filing_number);
      c.at = decided_at.empty() ? out.at : decided_at;
      break;
    case DocumentStatus::kRefused:
    case DocumentStatus::kRevoked:
      GetString(step, "status_reason", c.reason);
      // Revocations recorded before reasons were required may have none.
      if (c.reason.empty()) c.reason = "（原记录未载明原因）";
      c.at = c.to == DocumentStatus::kRefused
                 ? (decided_at.empty() ? out.at : decided_at)
                 : (revoked_at.empty() ? out.at : revoked_at);
      break;
    case DocumentStatus::kIssued:
    case DocumentStatus::kSigned:
      break;
  }
  c.from = {DocumentStatus::kIssued};  // replaced on replay
  if (c.to != DocumentStatus::kIssued) {
    BEIAN_RETURN_IF_ERROR(Refused(where, CheckStatusChange(c)));
  }
  return out;
}

// One line of data/catalog.jsonl with its payload files, checked as far as
// the archive's checks go without the catalog.
core::Result<ImportDocument> ParseCatalogLine(
    const std::string& text, const std::string& where,
    const std::map<std::string, std::string>& payload) {
  BEIAN_ASSIGN_OR_RETURN(core::Json line, core::ParseJson(text));
  if (!line.is_object()) return core::InvalidArgument(where + ": not an object");
  ImportDocument out;
  NewDocument& d = out.doc;
  int64_t template_version = 0, pages = 0;
  std::string status, file;
  if (!GetString(line, "number", d.number) || !GetString(line, "kind", d.kind) ||
      !GetInt(line, "template_version", template_version) ||
      !GetString(line, "credit_code", d.credit_code) ||
      !GetString(line, "enterprise_name", d.enterprise_name) ||
      !GetString(line, "project_name", d.project_name) ||
      !GetString(line, "district", d.district) ||
      !GetString(line, "issued_at", d.issued_at) ||
      !GetString(line, "created_by", d.created_by) ||
      !GetInt(line, "pages", pages) || !GetString(line, "sha256", out.sha256) ||
      !GetString(line, "sm3", out.sm3) || !GetString(line, "status", status) ||
      !GetString(line, "file", file) || line.Find("data") == nullptr) {
    return core::InvalidArgument(where + ": missing or mistyped field");
  }
  d.template_version = static_cast<int>(template_version);
  d.pages = static_cast<int>(pages);
  if (line.Find("verify_url") != nullptr && !GetString(line, "verify_url", d.verify_url)) {
    return core::InvalidArgument(where + ": verify_url must be text");
  }
  if (line.Find("pdf_standard") != nullptr && !GetString(line, "pdf_standard", d.pdf_standard)) {
    return core::InvalidArgument(where + ": pdf_standard must be text");
  }
  d.data = *line.Find("data");
  core::Result<DocumentStatus> parsed_status = ParseDocumentStatus(status);
  if (!parsed_status.ok()) {
    return core::InvalidArgument(where + ": " + parsed_status.status().message());
  }
  out.status = *parsed_status;
  BEIAN_ASSIGN_OR_RETURN(d.pdf, PayloadBytes(payload, file, out.sha256, where));
  if (line.Find("ofd_file") != nullptr) {
    std::string ofd_file, ofd_sha256;
    if (!GetString(line, "ofd_file", ofd_file) || !GetString(line, "ofd_sha256", ofd_sha256)) {
      return core::InvalidArgument(where + ": ofd_file and ofd_sha256 must be text");
    }
    BEIAN_ASSIGN_OR_RETURN(d.ofd, PayloadBytes(payload, ofd_file, ofd_sha256, where));
  }
  BEIAN_RETURN_IF_ERROR(Refused(where, CheckNewDocument(d)));

  const core::Json* copies = Member(line, "signed_copies", core::Json::Type::kArray);
  const core::Json* reprints = Member(line, "reprints", core::Json::Type::kArray);
  if (copies == nullptr || reprints == nullptr) {
    return core::InvalidArgument(where + ": missing signed_copies or reprints");
  }
  for (const core::Json& c : copies->as_array()) {
    ImportCopy ic;
    int64_t copy_pages = 0;
    std::string copy_file;
    if (!c.is_object() || !GetString(c, "sha256", ic.sha256) ||
        !GetString(c, "media_type", ic.copy.media_type) ||
        !GetString(c, "original_name", ic.copy.original_name) ||
        !GetString(c, "uploaded_by", ic.copy.uploaded_by) ||
        !GetString(c, "uploaded_at", ic.copy.uploaded_at) ||
        !GetInt(c, "pages", copy_pages) || !GetString(c, "file", copy_file)) {
      return core::InvalidArgument(where + ": malformed signed copy");
    }
    ic.copy.pages = static_cast<int>(copy_pages);
    if (const core::Json* of_record = Member(c, "of_record", core::Json::Type::kBool)) {
      ic.copy.of_record = of_record->as_bool();
    }
    BEIAN_ASSIGN_OR_RETURN(ic.copy.content,
                           PayloadBytes(payload, copy_file, ic.sha256, where));
    BEIAN_RETURN_IF_ERROR(Refused(where, CheckNewSignedCopy(ic.copy)));
    out.copies.push_back(std::move(ic));
  }
  for (const core::Json& r : reprints->as_array()) {
    ImportReprint ir;
    const core::Json* marked = Member(r, "marked", core::Json::Type::kBool);
    if (!r.is_object() || marked == nullptr ||
        !GetString(r, "sha256", ir.sha256) ||
        !GetString(r, "operator_name", ir.reprint.operator_name) ||
        !GetString(r, "reprinted_at", ir.reprint.reprinted_at)) {
      return core::InvalidArgument(where + ": malformed reprint");
    }
    ir.reprint.marked = marked->as_bool();
    if (ir.reprint.marked) {
      std::string reprint_file;
      if (!GetString(r, "file", reprint_file)) {
        return core::InvalidArgument(where + ": marked reprint without file");
      }
      BEIAN_ASSIGN_OR_RETURN(ir.reprint.pdf, PayloadBytes(payload, reprint_file,
                                                          ir.sha256, where));
      if (ir.reprint.pdf.compare(0, d.pdf.size(), d.pdf) != 0 ||
          ir.reprint.pdf.size() <= d.pdf.size()) {
        return core::InvalidArgument(
            where + ": marked reprint is not an update of the document");
      }
    } else if (ir.sha256 != out.sha256) {
      return core::InvalidArgument(
          where + ": unmarked reprint with digests other than the document's");
    }
    BEIAN_RETURN_IF_ERROR(Refused(where, CheckNewReprint(ir.reprint)));
    out.reprints.push_back(std::move(ir));
  }
  if (const core::Json* steps = line.Find("lifecycle")) {
    if (!steps->is_array()) {
      return core::InvalidArgument(where + ": lifecycle is not an array");
    }
    out.has_lifecycle = true;
    for (const core::Json& step : steps->as_array()) {
      BEIAN_ASSIGN_OR_RETURN(ImportStep parsed, ParseLifecycleStep(step, where));
      out.steps.push_back(std::move(parsed));
    }
    const bool explained =
        out.steps.empty()
            ? out.status == DocumentStatus::kIssued ||
                  out.status == DocumentStatus::kSigned
            : out.steps.back().change.to == out.status;
    if (!explained) {
      return core::InvalidArgument(where + ": lifecycle does not end in " +
                                   status);
    }
  }
  return out;
}

// Replays a document's lifecycle on `archive` after its copies were
// attached: each recorded step by its original actor and with its original
// time, the audit detail naming the bag; then, for bags without a lifecycle,
// one step to the bag's status by `actor`. Steps the document already took
// (signed by an attached copy) are skipped. kInternal if the document does
// not end in the bag's status.
core::Status ReplayLifecycle(Archive& archive, const ImportDocument& item,
                             int64_t id, const std::string& dir,
                             const std::string& actor) {
  BEIAN_ASSIGN_OR_RETURN(Document now, archive.Get(id));
  std::vector<ImportStep> steps = item.steps;
  if (!item.has_lifecycle && now.status != item.status) {
    ImportStep step;
    step.change.to = item.status;
    step.change.actor = actor;
    if (item.status == DocumentStatus::kRevoked) {
      step.change.reason = "restored by import from " + dir;
    }
    steps.push_back(std::move(step));
  }
  for (ImportStep& step : steps) {
    if (step.change.to == now.status) continue;
    step.change.document_id = id;
    step.change.from = {now.status};
    step.change.detail = core::Json::MakeObject();
    step.change.detail.Set("imported_from", dir);
    if (!step.at.empty()) step.change.detail.Set("recorded_at", step.at);
    BEIAN_ASSIGN_OR_RETURN(now, archive.ChangeStatus(step.change));
  }
  if (now.status != item.status) {
    return core::Internal(std::string("its lifecycle ends in ") +
                          std::string(DocumentStatusName(now.status)) +
                          ", the bag says " +
                          std::string(DocumentStatusName(item.status)));
  }
  return core::Status::Ok();
}

}  // namespace

core::Result<ImportSummary> ImportBag(Archive& archive, const std::string& dir,
                                      const std::string& actor, const Progress& progress) {
  // The archive must be empty.
  bool any = false;
  core::Status scan = archive.ForEachDocument([&](const Document&) {
    any = true;
    return core::FailedPrecondition("stop");
  });
  if (!scan.ok() && !any) return scan;
  if (any) {
    return core::FailedPrecondition(
        "import needs an empty archive; this one holds documents");
  }

  const fs::path bag(dir);
  std::error_code ec;
  if (!fs::is_directory(bag, ec)) {
    return core::InvalidArgument("no bag at " + dir + ": not a directory");
  }

  // bagit.txt.
  if (!fs::is_regular_file(bag / "bagit.txt", ec)) {
    return core::InvalidArgument("missing file bagit.txt");
  }
  BEIAN_ASSIGN_OR_RETURN(std::string bagit_txt,
                         ReadWholeFile((bag / "bagit.txt").string()));
  {
    auto lines = ParseTagLines(bagit_txt);
    if (lines.size() != 2 || lines[0].first != "BagIt-Version" ||
        lines[1].first != "Tag-File-Character-Encoding") {
      return core::InvalidArgument(
          "bagit.txt: expected BagIt-Version and Tag-File-Character-Encoding");
    }
    const std::string& version = lines[0].second;
    if (version != "1.0" && version != "0.97") {
      return core::InvalidArgument("bagit.txt: unsupported BagIt-Version " +
                                   version);
    }
    std::string encoding = lines[1].second;
    for (char& c : encoding) c = static_cast<char>(std::toupper(c));
    if (encoding != "UTF-8") {
      return core::InvalidArgument("bagit.txt: unsupported encoding " +
                                   lines[1].second);
    }
  }

  // Manifests and tag manifests in the bag's root.
  std::vector<Manifest> manifests, tagmanifests;
  for (const auto& entry : fs::directory_iterator(bag, ec)) {
    const std::string name = entry.path().filename().string();
    const bool tag = name.rfind("tagmanifest-", 0) == 0;
    const bool payload = name.rfind("manifest-", 0) == 0;
    if ((!tag && !payload) || name.size() < 5 ||
        name.substr(name.size() - 4) != ".txt") {
      continue;
    }
    const size_t prefix = tag ? 12 : 9;
    const std::string algorithm = name.substr(prefix, name.size() - 4 - prefix);
    if (algorithm.empty()) return core::InvalidArgument("malformed manifest name " + name);
    BEIAN_ASSIGN_OR_RETURN(Manifest m, ParseManifest(bag, name, algorithm));
    (tag ? tagmanifests : manifests).push_back(std::move(m));
  }
  if (ec) return core::IoError("cannot list " + dir + ": " + ec.message());
  if (manifests.empty()) {
    return core::InvalidArgument("missing file manifest-sha256.txt (no payload manifest)");
  }
  std::sort(manifests.begin(), manifests.end(),
            [](const Manifest& a, const Manifest& b) { return a.name < b.name; });

  // Tag manifests first: they cover the payload manifests.
  for (const Manifest& m : tagmanifests) {
    for (const auto& [path, digest] : m.digests) {
      if (path.rfind("data/", 0) == 0) {
        return core::InvalidArgument(m.name + " lists payload file " + path);
      }
    }
    BEIAN_RETURN_IF_ERROR(CheckManifest(bag, m, nullptr));
  }

  // Every manifest entry is a payload file that hashes right.
  std::map<std::string, std::string> payload;
  for (const Manifest& m : manifests) {
    for (const auto& [path, digest] : m.digests) {
      if (path.rfind("data/", 0) != 0) {
        return core::InvalidArgument(m.name + " lists " + path +
                                     ", which is outside data/");
      }
    }
    BEIAN_RETURN_IF_ERROR(CheckManifest(bag, m, &payload));
  }

  // Every payload file is in every manifest.
  if (!fs::is_directory(bag / "data", ec)) {
    return core::InvalidArgument("missing directory data/");
  }
  int64_t payload_bytes = 0, payload_files = 0;
  for (auto it = fs::recursive_directory_iterator(bag / "data", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::directory_entry& entry = *it;
    const std::string rel =
        fs::relative(entry.path(), bag, ec).generic_string();
    if (entry.is_symlink(ec)) {
      return core::InvalidArgument("symbolic link in payload: " + rel);
    }
    if (entry.is_directory(ec)) continue;
    if (!entry.is_regular_file(ec)) {
      return core::InvalidArgument("unexpected special file " + rel);
    }
    for (const Manifest& m : manifests) {
      if (m.digests.count(rel) == 0) {
        return core::InvalidArgument("extra file " + rel + " not listed in " +
                                     m.name);
      }
    }
    ++payload_files;
    payload_bytes += static_cast<int64_t>(entry.file_size(ec));
  }
  if (ec) return core::IoError("cannot list " + dir + "/data: " + ec.message());

  // bag-info.txt: Payload-Oxum when present.
  if (fs::exists(bag / "bag-info.txt", ec)) {
    BEIAN_ASSIGN_OR_RETURN(std::string info,
                           ReadWholeFile((bag / "bag-info.txt").string()));
    for (const auto& [label, value] : ParseTagLines(info)) {
      if (label != "Payload-Oxum") continue;
      const std::string expected = std::to_string(payload_bytes) + "." +
                                   std::to_string(payload_files);
      if (value != expected) {
        return core::InvalidArgument("bag-info.txt: Payload-Oxum " + value +
                                     " but the payload is " + expected);
      }
    }
  }

  // The catalog, parsed and checked against the files before anything is
  // written.
  const std::string catalog_rel = "data/catalog.jsonl";
  auto catalog_it = payload.find(catalog_rel);
  if (catalog_it == payload.end()) {
    return core::InvalidArgument("missing file " + catalog_rel);
  }
  std::vector<ImportDocument> documents;
  std::set<std::string> numbers;
  {
    std::istringstream in(catalog_it->second);
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty()) continue;
      const std::string where = catalog_rel + " line " + std::to_string(line_no);
      core::Result<ImportDocument> doc = ParseCatalogLine(line, where, payload);
      if (!doc.ok()) {
        return core::InvalidArgument(
            doc.status().code() == core::Code::kInvalidArgument
                ? doc.status().message()
                : where + ": " + doc.status().message());
      }
      if (!numbers.insert(doc->doc.number).second) {
        return core::InvalidArgument(where + ": number " + doc->doc.number +
                                     " appears twice");
      }
      documents.push_back(std::move(doc).value());
    }
  }

  // Re-create everything in catalog order.
  ImportSummary summary;
  summary.payload_files = payload_files;
  summary.payload_bytes = payload_bytes;
  for (const ImportDocument& item : documents) {
    if (progress) progress("documents", static_cast<int64_t>(summary.documents), static_cast<int64_t>(documents.size()));
    const std::string& number = item.doc.number;
    core::Result<Document> stored = archive.Ingest(item.doc);
    if (!stored.ok()) {
      return Within("import of " + number + " failed after " +
                        std::to_string(summary.documents) + " documents",
                    stored.status());
    }
    if (stored->sha256 != item.sha256 || stored->sm3 != item.sm3) {
      return core::Internal("import of " + number +
                            ": stored digests differ from the bag's");
    }
    ++summary.documents;
    for (const ImportCopy& c : item.copies) {
      NewSignedCopy copy = c.copy;
      copy.document_id = stored->id;
      BEIAN_RETURN_IF_ERROR(
          Within("import of a signed copy of " + number,
                 archive.AttachSignedCopy(copy).status()));
      ++summary.signed_copies;
    }
    for (const ImportReprint& r : item.reprints) {
      NewReprint reprint = r.reprint;
      reprint.document_id = stored->id;
      BEIAN_RETURN_IF_ERROR(Within("import of a reprint of " + number,
                                   archive.AddReprint(reprint).status()));
      ++summary.reprints;
    }
    BEIAN_RETURN_IF_ERROR(
        Within("import of the lifecycle of " + number,
               ReplayLifecycle(archive, item, stored->id, dir, actor)));
  }

  NewAuditEntry entry;
  entry.actor = actor;
  entry.action = "import";
  entry.subject = dir;
  entry.detail = core::Json::MakeObject();
  entry.detail.Set("documents", summary.documents);
  entry.detail.Set("signed_copies", summary.signed_copies);
  entry.detail.Set("reprints", summary.reprints);
  entry.detail.Set("payload_files", summary.payload_files);
  entry.detail.Set("payload_bytes", summary.payload_bytes);
  for (const Manifest& m : manifests) {
    BEIAN_ASSIGN_OR_RETURN(std::string manifest_text,
                           ReadWholeFile((bag / m.name).string()));
    entry.detail.Set(m.name, core::Sha256Hex(manifest_text));
  }
  BEIAN_RETURN_IF_ERROR(archive.AppendAudit(entry).status());
  return summary;
}

}  // namespace beian::archive
