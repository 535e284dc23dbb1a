// The `beian` command line.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "beian/api/server.h"
#include "beian/core/catalog_url.h"
#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/core/version.h"
#include "beian/service/evidence.h"
#include "beian/service/filing_service.h"
#include "common.h"
#include "progress.h"
#include "server_commands.h"

namespace beian::cli {
namespace {

namespace fs = std::filesystem;

const char kUsage[] =
    "usage: beian [--root DIR] [--data DIR | --data postgresql://... --store DIR] [--signing-key FILE]\n"
    "             [--calendar FILE] [--cache DIR] COMMAND ...\n"
    "  --data DIR        the archive: a folder with its SQLite catalog (default var, installed /var/lib/beian)\n"
    "  --data postgresql://USER@HOST:PORT/DB --store DIR\n"
    "                    the catalog on PostgreSQL, blobs, checkpoints and keys in DIR, a folder\n"
    "                    every node shares (also BEIAN_DATA, BEIAN_STORE)\n"
    "  --calendar FILE   the holiday calendar (also BEIAN_CALENDAR; default holidays-cn.json in the\n"
    "                    config folder if there is one, else the bundled one)\n"
    "  --cache DIR       prepared font faces, so a process starts in milliseconds (also BEIAN_CACHE;\n"
    "                    default $XDG_CACHE_HOME/beian or ~/.cache/beian, the service's /var/cache/beian;\n"
    "                    '' for none)\n"
    "\n"
    "commands:\n"
    "  kinds                                   list document kinds and template versions\n"
    "  validate KIND DATA.json [--json]        print every problem of the data; exit 1 on any error\n"
    "  render KIND DATA.json -o OUT.pdf [--number DOCNO] [--issued-at 2026-11-27T10:00:00+08:00]\n"
    "         [--format pdf|ofd]               validate the data and render one document, as PDF/A-3u\n"
    "                                          or as OFD (GB/T 33190-2016)\n"
    "  examples OUTDIR                         render every kind's example.json into OUTDIR (.pdf, .ofd)\n"
    "  archive ingest KIND DATA.json [--issued-at TIME] [--actor NAME]\n"
    "                                          validate, number, render and archive one document\n"
    "  archive get NUMBER -o FILE [--ofd]      the archived PDF (or OFD), byte for byte\n"
    "  archive get NUMBER --data-json [-o FILE]\n"
    "                                          the data the PDF/A document embeds (data.json)\n"
    "  archive attach NUMBER SCAN [--actor NAME]\n"
    "                                          archive a signed scan (PDF, JPEG or PNG)\n"
    "  archive reprint NUMBER -o FILE [--marked] [--actor NAME]\n"
    "                                          the stored bytes, or a 补打-stamped incremental update\n"
    "  archive search QUERY [--kind K] [--district D] [--from DATE] [--to DATE] [--status S]\n"
    "                 [--limit N] [--after CURSOR]\n"
    "                                          Chinese (2+ chars), pinyin, number or credit-code prefix;\n"
    "                                          newest first; \"next: CURSOR\" when more follow\n"
    "  archive accept NUMBER | file NUMBER [--filing-number N] | refuse NUMBER --reason TEXT |\n"
    "          revoke NUMBER --reason TEXT     受理, 备案, 不予备案, 作废 (as an administrator)\n"
    "  archive conflicts                       persons in the current documents of several\n"
    "                                          enterprises (挂证), by an opaque person key\n"
    "  archive verify [--since CHECKPOINT]     re-hash every blob, walk the audit chain and its Merkle\n"
    "                                          tree, check the signed checkpoints, re-render every\n"
    "                                          document; exit 1 on any problem. CHECKPOINT (a line, or a\n"
    "                                          file: a kept line or a copy of the checkpoints file) must be\n"
    "                                          extended by the log, else the first entry that differs is named\n"
    "  archive check [--report FILE.pdf] [--json]\n"
    "                                          DA/T 70-2018 四性检测 (真实性, 完整性, 可用性, 安全性) item by\n"
    "                                          item; the report as a PDF; exit 1 if any item fails\n"
    "  archive migrate --to postgresql://USER@HOST:PORT/DB [--store DIR] | --to DIR\n"
    "                                          copy the archive (catalog rows, audit log, checkpoints,\n"
    "                                          blobs, keys) to PostgreSQL or back to a SQLite folder and\n"
    "                                          verify the copy; stop the servers first\n"
    "  calendar show [FILE] | check FILE      the holiday calendar working days are reckoned on (the\n"
    "                                          bundled 2025–2026, or holidays-cn.json in the config folder,\n"
    "                                          or --calendar FILE), or FILE checked before installing it\n"
    "  archive backup DIR [--keys KEYDIR]      a consistent copy while the servers keep serving: catalog\n"
    "                                          snapshot, blobs (each checked), checkpoints, public key; the\n"
    "                                          signing and staff-index keys only into KEYDIR, kept apart\n"
    "  archive restore BACKUP [--keys KEYDIR]  the archive of --data (new or empty) made from a backup,\n"
    "                                          its keys from KEYDIR; verified, --since its last checkpoint\n"
    "  archive checkpoint                      sign the audit log's head if it grew; print the latest\n"
    "                                          checkpoint, one line to keep elsewhere (e-mail, paper)\n"
    "  archive init-keys [--algorithm ed25519|sm2]\n"
    "                                          create the checkpoint signing key (0400) if missing\n"
    "  archive proof NUMBER -o PROOF.json      the document's inclusion proof in the signed log\n"
    "  proof check FILE.pdf PROOF.json KEY.pem check a PDF against its proof and the archive's public\n"
    "                                          key (GET /v1/keys), offline; exit 1 if it fails\n"
    "  pdfa check FILE.pdf ...                 check PDFs against the PDF/A-3 rules of docs/pdfa.md, each\n"
    "                                          finding with its ISO 19005-3 clause; exit 1 if any fails\n"
    "  serve [--config FILE] [--host H] [--port P] [--access-log FILE|-] [--admin-token]\n"
    "                                          the HTTP API on 127.0.0.1 (see api/openapi.json) until\n"
    "                                          SIGTERM; --admin-token prints a new admin token\n"
    "  token create --role enterprise --credit-code CODE --name 企业名称 |\n"
    "               --role bureau --district D --name 机关名称 | --role admin  [--label TEXT]\n"
    "                                          a bearer token for the API; prints its secret once\n"
    "  token list | token revoke ID\n"
    "  user create USERNAME --role enterprise --credit-code CODE --name 企业名称 |\n"
    "              --role bureau --district D --name 机关名称 | --role admin\n"
    "              --display-name 姓名 [--password-stdin]\n"
    "                                          a person who signs in to the console (password asked on\n"
    "                                          the terminal, or one line on stdin)\n"
    "  user list | user disable USERNAME | user password USERNAME [--password-stdin]\n"
    "\n"
    "--root DIR is the folder holding templates/, fonts/, console/ and api/ (default: $BEIAN_ROOT, else\n"
    "  share/beian beside an installed beian, else the source tree it was built from)\n"
    "--version prints beian's version, its rendering libraries', each kind's template versions and the\n"
    "  fonts' SHA-256\n"
    "--data DIR is the archive (default ./var; /var/lib/beian for an installed beian, whose serve reads\n"
    "  /etc/beian/beian.json unless given --config)\n"
    "--public-url URL is the address QR codes open (URL/v/NUMBER?k=KEY; default: $BEIAN_PUBLIC_URL,\n"
    "  the serve config's public_url, else the server's own address; none prints beian:verify/...)\n"
    "--signing-key FILE is the key that signs checkpoints (default: $BEIAN_SIGNING_KEY, the serve\n"
    "  config's signing_key, else DIR/keys/checkpoint.pem); keep it off the catalog's disk if you can\n";

// Writes to a temporary file beside `path`, syncs, then renames: no half-written PDF is ever
// left under the final name.
core::Status WriteFileAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return core::IoError("cannot create " + tmp);
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = std::fflush(f) == 0 && ok;
  ok = ::fsync(fileno(f)) == 0 && ok;
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return core::IoError("cannot write " + path);
  }
  return core::Status::Ok();
}

using service::FilingService;

// <prefix>/share/beian for a binary installed in <prefix>/bin (wherever
// the prefix was moved, DESTDIR included): where templates/, fonts/, console/
// and api/ are when neither --root nor $BEIAN_ROOT says. Nothing for a binary
// run from its build folder, whose files are the source tree's.
std::optional<std::string> InstalledRoot() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  const fs::path installed = (exe.parent_path() / BEIAN_INSTALLED_ROOT).lexically_normal();
  if (!fs::is_regular_file(installed / "fonts" / "manifest.json", ec)) return std::nullopt;
  return installed.string();
}

// beian --version: what produced a document, for a bug report or an audit.
int VersionCommand(const FilingService& service, const std::string& root) {
  std::cout << "beian " << core::Version() << "\n"
            << "engine\t" << FilingService::EngineVersion() << "\n"
            << "root\t" << root << "\n";
  for (const service::KindInfo* k : service.Kinds()) {
    std::string versions;
    for (int v : k->versions) versions += (versions.empty() ? "v" : ",v") + std::to_string(v);
    std::cout << "kind\t" << k->name << "\tv" << k->current_version << "\t(" << versions << ")\n";
  }
  for (const service::FontInfo& f : service.Fonts()) {
    std::cout << "font\t" << f.id << "\tsha256 " << f.sha256 << "\t" << f.file << "\n";
  }
  return 0;
}

// Where prepared faces are kept: systemd's CacheDirectory= for the service
// ($CACHE_DIRECTORY, /var/cache/beian), else $XDG_CACHE_HOME/beian, else
// ~/.cache/beian; "" (none) without a home.
std::string DefaultFaceCache() {
  if (const char* dirs = std::getenv("CACHE_DIRECTORY"); dirs != nullptr && dirs[0] == '/') {
    const std::string first(dirs);
    return first.substr(0, first.find(':'));
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/beian";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::string(home) + "/.cache/beian";
  }
  return "";
}

// holidays-cn.json in the config folder, if there is one there: the folder
// of serve's --config FILE, or the installed config's (/etc/beian); "" else.
std::string CalendarBesideConfig(const std::vector<std::string>& args, bool installed) {
  std::string folder = installed ? fs::path(BEIAN_INSTALLED_CONFIG).parent_path().string() : "";
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[0] == "serve" && args[i] == "--config") folder = fs::path(args[i + 1]).parent_path().string();
  }
  if (folder.empty()) return "";
  const std::string file = folder + "/holidays-cn.json";
  std::error_code error;
  return fs::is_regular_file(file, error) ? file : "";
}

// beian calendar show [FILE] | check FILE: the holiday calendar working days
// are reckoned on (the one in use, or FILE), or FILE checked as the server
// checks it when it starts.
int CalendarCommand(const std::vector<std::string>& args, const std::string& in_use) {
  const std::string usage = "usage: beian calendar show [FILE] | beian calendar check FILE";
  if (args.size() < 2 || args.size() > 3 || (args[1] != "show" && args[1] != "check") ||
      (args[1] == "check" && args.size() != 3)) {
    return Fail(kExitUsage, usage);
  }
  const std::string file = args.size() == 3 ? args[2] : in_use;
  core::Result<service::CalendarInfo> calendar = FilingService::ReadCalendar(file);
  if (!calendar.ok()) return Fail(kExitBadInput, calendar.status().message());
  std::string years;
  for (const auto& y : calendar->years) years += (years.empty() ? "" : ", ") + std::to_string(y.year);
  if (args[1] == "check") {
    std::cout << file << ": sound; " << calendar->years.size() << " years (" << years
              << "), each with its notice and the seven festivals, make-up days on weekends\n";
    return 0;
  }
  std::cout << "calendar: " << calendar->source << " (" << years << ")\n";
  for (const service::CalendarInfo::Year& y : calendar->years) {
    std::cout << "\n" << y.year << "\t" << y.notice;
    if (!y.notice_no.empty()) std::cout << "（" << y.notice_no << (y.published_on.empty() ? "" : "，" + y.published_on) << "）";
    std::cout << "\n";
    for (const auto& h : y.holidays) std::cout << "  放假\t" << h.from << " – " << h.to << "\t" << h.name << "\n";
    for (const auto& w : y.working_days) std::cout << "  上班\t" << w.date << "\t" << w.for_holiday << "调休\n";
  }
  std::cout << "\nA year not listed is not guessed: a deadline that reaches one is counted Monday to Friday there "
               "and stated as provisional.\n";
  return 0;
}

// The KIND of `render KIND DATA.json -o OUT ...` or `validate KIND ...`: the
// first argument after the command that is neither an option nor its value.
std::string KindArgument(const std::vector<std::string>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-o" || a == "--output" || a == "--number" || a == "--issued-at" || a == "--format") {
      ++i;
    } else if (a.empty() || a[0] != '-') {
      return a;
    }
  }
  return "";
}

// The service over the templates and fonts under `root` (unless not
// `templates`), with the archive in `data_dir` ("" for none: rendering and
// validation only).
core::Result<std::unique_ptr<FilingService>> Open(service::ServiceOptions options, const std::string& root,
                                                  const std::string& data_dir, bool templates) {
  options.root = root;
  options.data_dir = data_dir;
  options.load_templates = templates;
  options.uploads.executable = "/proc/self/exe";  // `beian inspect-upload`
  return FilingService::Open(options);
}

// beian proof check FILE.pdf PROOF.json KEY.pem: offline, without an archive.
int ProofCommand(const std::vector<std::string>& args) {
  if (args.size() != 5 || args[1] != "check") {
    return Fail(kExitUsage, "usage: beian proof check FILE.pdf PROOF.json KEY.pem");
  }
  auto file = ReadFile(args[2]);
  if (!file.ok()) return Fail(kExitBadInput, file.status().message());
  auto proof_text = ReadFile(args[3]);
  if (!proof_text.ok()) return Fail(kExitBadInput, proof_text.status().message());
  auto key = ReadFile(args[4]);
  if (!key.ok()) return Fail(kExitBadInput, key.status().message());
  auto proof = service::ParseDocumentProof(*proof_text);
  if (!proof.ok()) return Fail(kExitBadInput, args[3] + ": " + proof.status().message());
  auto checked = service::CheckDocumentProof(*file, *proof, *key);
  if (!checked.ok()) {
    if (checked.status().code() == core::Code::kInvalidArgument) {
      return Fail(kExitBadInput, args[4] + ": " + checked.status().message());
    }
    std::cout << "FAILS: " << checked.status().message() << "\n";
    return kExitBadInput;
  }
  std::cout << "holds: " << *checked << "\n";
  return 0;
}

// `beian pdfa check FILE...`: each file against the PDF/A-3 rules of docs/pdfa.md.
int PdfACommand(const std::vector<std::string>& args) {
  if (args.size() < 3 || args[1] != "check") return Fail(kExitUsage, "usage: beian pdfa check FILE.pdf ...");
  bool all = true;
  for (size_t i = 2; i < args.size(); ++i) {
    auto file = ReadFile(args[i]);
    if (!file.ok()) return Fail(kExitBadInput, file.status().message());
    auto report = service::CheckPdfAConformance(*file);
    if (!report.ok()) return Fail(kExitBadInput, args[i] + ": " + report.status().message());
    const std::string claimed = report->part.empty() ? "no PDF/A claim" : "PDF/A-" + report->part + report->conformance;
    std::cout << args[i] << "\t" << claimed << "\t" << (report->conforms() ? "conforms" : "FAILS") << "\n";
    for (const service::PdfAConformance::Finding& f : report->findings) {
      std::cout << "  " << f.clause << "\t" << f.message << "\n";
    }
    for (const std::string& part : report->not_checked) std::cout << "  not checked\t" << part << "\n";
    all = all && report->conforms();
  }
  return all ? 0 : kExitBadInput;
}

// The signing key's path from a serve config file ("signing_key"), read
// before the archive is opened; "" if none.
// The settings of the serve config (--config FILE) the service needs when it
// opens: signing_key, public_url and the session limits. The server's own
// settings are read by ServeCommand. Options given already win.
core::Status ServiceSettingsFromConfig(const std::vector<std::string>& args, service::ServiceOptions& options,
                                       bool keep_signing_key, bool keep_public_url) {
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[i] != "--config") continue;
    const std::string& path = args[i + 1];
    BEIAN_ASSIGN_OR_RETURN(const core::Json config, ReadConfig(path));
    auto text_of = [&](const char* key, std::string& into) -> core::Status {
      const core::Json* v = config.Find(key);
      if (v == nullptr) return core::Status::Ok();
      if (!v->is_string() || v->as_string().empty()) {
        return core::InvalidArgument(path + ": " + key + " must be a non-empty string");
      }
      into = v->as_string();
      return core::Status::Ok();
    };
    auto seconds_of = [&](const char* key, int64_t& into) -> core::Status {
      const core::Json* v = config.Find(key);
      if (v == nullptr) return core::Status::Ok();
      if (!v->is_integer() || v->as_int() < 1 || v->as_int() > 30 * 86400) {
        return core::InvalidArgument(path + ": " + key + " must be an integer 1..2592000");
      }
      into = v->as_int();
      return core::Status::Ok();
    };
    std::string signing_key, public_url;
    BEIAN_RETURN_IF_ERROR(text_of("signing_key", signing_key));
    BEIAN_RETURN_IF_ERROR(text_of("public_url", public_url));
    if (!keep_signing_key && !signing_key.empty()) options.signing_key = signing_key;
    if (!keep_public_url && !public_url.empty()) options.public_url = public_url;
    BEIAN_RETURN_IF_ERROR(seconds_of("session_idle_seconds", options.session_idle_seconds));
    BEIAN_RETURN_IF_ERROR(seconds_of("session_max_seconds", options.session_max_seconds));
  }
  return core::Status::Ok();
}

void PrintProblems(const std::vector<core::Problem>& problems, std::ostream& out) {
  for (const core::Problem& p : problems) {
    out << (p.severity == core::Severity::kError ? "error: " : "warning: ") << core::FormatProblem(p) << "\n";
  }
}

core::Json ProblemsJson(const std::vector<core::Problem>& problems) {
  core::Json list = core::Json::MakeArray();
  for (const core::Problem& p : problems) list.Push(core::ProblemJson(p));
  return list;
}

// beian validate KIND DATA.json [--json]
int Validate(const FilingService& service, const std::string& kind_name, const std::string& path, bool json) {
  if (service.FindKind(kind_name) == nullptr) return Fail(kExitBadInput, "unknown kind \"" + kind_name + "\"");
  auto text = ReadFile(path);
  if (!text.ok()) return Fail(kExitBadInput, text.status().message());
  std::vector<core::Problem> problems;
  auto parsed = core::ParseJson(text.value());
  if (!parsed.ok()) {
    problems.push_back({"", "json.parse", "不是有效的 JSON：" + parsed.status().message(),
                        "not valid JSON: " + parsed.status().message()});
  } else {
    auto found = service.Validate(kind_name, std::move(parsed).value());
    if (!found.ok()) return Fail(kExitInternal, found.status().message());
    problems = std::move(found).value();
  }
  if (json) {
    std::cout << core::WritePrettyJson(ProblemsJson(problems)) << "\n";
  } else {
    PrintProblems(problems, std::cout);
    const size_t total = core::ProblemTotal(problems);
    std::cout << path << ": " << (core::HasError(problems) ? "refused" : "valid") << " (" << total
              << (total == 1 ? " problem" : " problems") << ")\n";
  }
  return core::HasError(problems) ? kExitBadInput : 0;
}

struct RenderRequest {
  std::string kind;
  std::string data_path;
  std::string out_path;  // the PDF, or "" for none
  std::string ofd_path;  // the OFD (GB/T 33190-2016) of the same layout, or "" for none
  std::string number;
  std::string issued_at;
};

// Validates and renders one document; prints every problem. Returns the exit code.
int RenderOne(const FilingService& service, const RenderRequest& req, const core::Json* given_data) {
  if (service.FindKind(req.kind) == nullptr) {
    std::string known;
    for (const service::KindInfo* k : service.Kinds()) known += " " + k->name;
    return Fail(kExitBadInput, "unknown kind \"" + req.kind + "\"; known kinds:" + known);
  }
  core::Json data;
  if (given_data != nullptr) {
    data = *given_data;
  } else {
    auto text = ReadFile(req.data_path);
    if (!text.ok()) return Fail(kExitBadInput, text.status().message());
    auto parsed = core::ParseJson(text.value());
    if (!parsed.ok()) return Fail(kExitBadInput, req.data_path + ": " + parsed.status().message());
    data = std::move(parsed).value();
  }
  std::vector<core::Problem> problems;
  auto doc = service.Render(req.kind, std::move(data), req.number, req.issued_at, problems, !req.ofd_path.empty());
  PrintProblems(problems, std::cerr);
  if (core::HasError(problems)) {
    return Fail(kExitBadInput, req.data_path + ": refused, the data does not fit " + req.kind + " (" +
                                   std::to_string(core::ProblemTotal(problems)) + " problems above)");
  }
  if (!doc.ok()) {
    return Fail(doc.status().code() == core::Code::kInternal ? kExitInternal : kExitBadInput,
                req.data_path + ": " + doc.status().message());
  }
  for (const auto& [path, bytes] : {std::pair{&req.out_path, &doc->pdf}, std::pair{&req.ofd_path, &doc->ofd}}) {
    if (path->empty()) continue;
    core::Status written = WriteFileAtomically(*path, *bytes);
    if (!written.ok()) return Fail(kExitInternal, written.message());
    std::cout << *path << "\t" << doc->number << "\t" << doc->pages << " pages\t" << bytes->size() << " bytes\n";
  }
  return 0;
}

// beian archive search QUERY [--kind K] [--district D] [--from DATE] [--to DATE] [--status S]
//                           [--limit N] [--after CURSOR]
int SearchCommand(FilingService& service, const service::Identity& who, const std::vector<std::string>& args) {
  const char* usage =
      "usage: beian archive search QUERY [--kind K] [--district D] [--from DATE] [--to DATE] "
      "[--status S] [--limit N] [--after CURSOR]";
  service::SearchRequest request;
  std::vector<std::string> positional;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string* into = a == "--kind"       ? &request.kind
                        : a == "--district" ? &request.district
                        : a == "--from"     ? &request.from
                        : a == "--to"       ? &request.to
                        : a == "--status"   ? &request.status
                        : a == "--after"    ? &request.cursor
                                            : nullptr;
    if (into != nullptr && i + 1 < args.size()) {
      *into = args[++i];
    } else if (a == "--limit" && i + 1 < args.size()) {
      const std::string& value = args[++i];
      if (value.empty() || value.size() > 3 || value.find_first_not_of("0123456789") != std::string::npos) {
        return Fail(kExitUsage, "--limit needs a number 1..100, got \"" + value + "\"");
      }
      request.limit = std::stoi(value);
    } else if (!a.empty() && a[0] == '-') {
      return Fail(kExitUsage, "unknown or incomplete option " + a + "\n" + usage);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) return Fail(kExitUsage, usage);
  request.text = positional[0];
  std::vector<core::Problem> problems;
  auto page = service.Search(who, request, problems);
  if (!page.ok()) {
    const bool bad_input = page.status().code() == core::Code::kInvalidArgument;
    return Fail(bad_input ? kExitBadInput : kExitInternal,
                "search \"" + request.text + "\": " + page.status().message());
  }
  for (const service::DocumentInfo& d : page->documents) {
    std::cout << d.number << "\t" << d.kind << "\t" << d.enterprise_name << "\t" << d.project_name << "\t"
              << d.district << "\t" << d.issued_at << "\t" << d.status << "\n";
  }
  if (!page->next_cursor.empty()) std::cout << "next: " << page->next_cursor << "\n";
  return 0;
}

void PrintBag(const std::string& dir, const service::BagSummary& bag) {
  std::cout << dir << "\t" << bag.documents << " documents\t" << bag.signed_copies << " signed copies\t"
            << bag.reprints << " reprints\t" << bag.payload_files << " files\t" << bag.payload_bytes << " bytes";
  if (!bag.manifest_sha256.empty()) std::cout << "\tmanifest sha256 " << bag.manifest_sha256;
  std::cout << "\n";
}

// The exit code for a refused service call: bad input unless the archive failed.
int ExitFor(const core::Status& status) {
  switch (status.code()) {
    case core::Code::kIoError:
    case core::Code::kInternal:
      return kExitInternal;
    default:
      return kExitBadInput;
  }
}

// The progress of documents re-rendered (verify, check), on `line`.
std::function<void(int64_t, int64_t)> Rerendered(ProgressLine& line) {
  return [&line](int64_t done, int64_t total) { line.Update("documents re-rendered", done, total); };
}

// Prints what verify found, as `beian archive verify` does; the exit code.
int PrintVerifyOutcome(const service::VerifyOutcome& outcome) {
  for (const std::string& number : outcome.voided_numbers) {
    std::cout << "void: " << number << "\tallocated but never filed; recorded as 作废号\n";
  }
  for (const service::VerifyFinding& f : outcome.problems) {
    std::cout << "problem: " << f.kind << "\t" << f.number << "\t" << f.message << "\n";
  }
  for (const service::VerifyFinding& f : outcome.notices) {
    std::cout << "notice: " << f.kind << "\t" << f.message << "\n";
  }
  if (!outcome.since_result.empty()) std::cout << "since: " << outcome.since_result << "\n";
  std::cout << (outcome.clean() ? "clean" : "NOT CLEAN") << ": " << outcome.documents_rerendered
            << " documents re-rendered; audit head " << outcome.audit_head_hash << "; Merkle root "
            << outcome.merkle_root << "; " << outcome.checkpoints << " signed checkpoints\n";
  if (!outcome.latest_checkpoint.empty()) {
    std::cout << "latest checkpoint (keep it elsewhere): " << outcome.latest_checkpoint << "\n";
  }
  return outcome.clean() ? 0 : kExitBadInput;
}

int VerifyCopy(FilingService& copy, const std::string& actor, const std::string& since);

// "backup DIR: N documents, ..." and the copy's last checkpoint.
void PrintBackup(const std::string& what, const service::BackupInfo& info) {
  std::cout << what << ": " << info.documents << " documents, " << info.audit_entries << " audit entries, "
            << info.blobs << " blobs (" << info.blob_bytes << " bytes)\n";
  if (!info.last_checkpoint.empty()) std::cout << "last checkpoint: " << info.last_checkpoint << "\n";
}

// beian --data NEW [--store DIR] archive restore BACKUP [--keys KEYDIR]: the
// archive made anew from a backup, before any service opens NEW (which would
// make new keys), then verified, --since the backup's last checkpoint.
int RestoreCommand(service::ServiceOptions options, const std::string& root, const std::vector<std::string>& args) {
  std::string backup, keys, actor;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string* into = args[i] == "--keys" ? &keys : args[i] == "--actor" ? &actor : nullptr;
    if (into != nullptr && i + 1 < args.size()) {
      *into = args[++i];
    } else if (backup.empty() && !args[i].empty() && args[i][0] != '-') {
      backup = args[i];
    } else {
      return Fail(kExitUsage, "usage: beian --data NEWDIR archive restore BACKUP [--keys KEYDIR]");
    }
  }
  if (backup.empty()) return Fail(kExitUsage, "usage: beian --data NEWDIR archive restore BACKUP [--keys KEYDIR]");
  core::Result<service::BackupInfo> restored = core::Internal("not run");
  {
    ProgressLine line;
    restored = FilingService::Restore(options, backup, keys, actor, line.Fn());
  }
  if (!restored.ok()) return Fail(ExitFor(restored.status()), "restore " + backup + ": " + restored.status().message());
  PrintBackup("restored " + options.data_dir + " from " + backup, *restored);
  auto copy = Open(options, root, options.data_dir, /*templates=*/true);
  if (!copy.ok()) return Fail(kExitInternal, copy.status().message());
  return VerifyCopy(**copy, actor, restored->last_checkpoint);
}

// beian archive migrate --to postgresql://...|DIR [--store DIR] [--actor NAME]: the archive copied
// to another catalog (and folder), then the copy verified. `options` opened the source.
int MigrateCommand(FilingService& service, service::ServiceOptions options, const std::string& root,
                   const std::vector<std::string>& args) {
  std::string to, store, actor;
  for (size_t i = 2; i < args.size(); ++i) {
    std::string* into = args[i] == "--to" ? &to : args[i] == "--store" ? &store : args[i] == "--actor" ? &actor : nullptr;
    if (into == nullptr || i + 1 >= args.size()) {
      return Fail(kExitUsage, "usage: beian archive migrate --to postgresql://USER@HOST/DB [--store DIR] | --to DIR");
    }
    *into = args[++i];
  }
  if (to.empty()) return Fail(kExitUsage, "usage: beian archive migrate --to postgresql://USER@HOST/DB [--store DIR] | --to DIR");
  // To PostgreSQL the folder stays where it is unless --store names another;
  // to SQLite, --to is the new folder.
  std::string to_dir = to, to_catalog;
  if (core::IsPostgresUrl(to)) {
    to_catalog = to;
    to_dir = store.empty() ? options.data_dir : store;
  } else if (!store.empty()) {
    return Fail(kExitUsage, "--store is for a catalog on PostgreSQL; --to DIR is the SQLite archive's folder");
  }
  core::Result<service::MigrationSummary> migrated = core::Internal("not run");
  {
    ProgressLine line;
    migrated = service.Migrate(service::LocalAdministrator(actor), to_dir, to_catalog, line.Fn());
  }
  if (!migrated.ok()) return Fail(ExitFor(migrated.status()), "migrate: " + migrated.status().message());
  std::cout << "migrated " << migrated->documents << " documents, " << migrated->audit_entries << " audit entries ("
            << migrated->rows << " catalog rows) to " << migrated->target << "\n";
  // The copy verified as it now stands, by a service of its own.
  options.data_dir = to_dir;
  options.catalog = to_catalog;
  options.ofd_in_background = false;
  auto copy = Open(options, root, to_dir, /*templates=*/true);
  if (!copy.ok()) return Fail(kExitInternal, copy.status().message());
  return VerifyCopy(**copy, actor, "");
}

// Verifies an archive just made (a migration's or a restore's copy), as
// `beian archive verify [--since SINCE]` would; the exit code.
int VerifyCopy(FilingService& copy, const std::string& actor, const std::string& since) {
  core::Result<service::VerifyOutcome> outcome = core::Internal("not run");
  {
    ProgressLine line;
    outcome = copy.Verify(service::LocalAdministrator(actor), Rerendered(line), since);
  }
  if (!outcome.ok()) return Fail(kExitInternal, "verify of the copy: " + outcome.status().message());
  return PrintVerifyOutcome(*outcome);
}

// beian archive ingest|get|attach|reprint|search|verify|check|checkpoint|proof|export|import
int ArchiveCommand(FilingService& service, const std::vector<std::string>& args) {
  if (args.size() < 2) return Fail(kExitUsage, "usage: beian archive ingest|get|attach|reprint|search|verify|check|checkpoint|proof|init-keys|export|import ...");
  const std::string& verb = args[1];
  std::vector<std::string> positional;
  std::string issued_at, actor, out, district, kind, year, reason, filing_number, since, report, keys;
  bool marked = false, json = false, data_json = false, ofd = false;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string* into = a == "--issued-at" ? &issued_at
                        : a == "--actor"   ? &actor
                        : a == "-o"        ? &out
                        : a == "--district" && verb == "export" ? &district
                        : a == "--kind" && verb == "export"     ? &kind
                        : a == "--year" && verb == "export"     ? &year
                        : a == "--reason"                       ? &reason
                        : a == "--filing-number"                ? &filing_number
                        : a == "--since" && verb == "verify"    ? &since
                        : a == "--report" && verb == "check"    ? &report
                        : a == "--keys" && verb == "backup"     ? &keys
                                                                : nullptr;
    if (verb == "search") break;
    if (a == "--marked") {
      marked = true;
    } else if (a == "--json" && verb == "check") {
      json = true;
    } else if (a == "--data-json" && verb == "get") {
      data_json = true;
    } else if (a == "--ofd" && verb == "get") {
      ofd = true;
    } else if (into != nullptr && i + 1 < args.size()) {
      *into = args[++i];
    } else if (!a.empty() && a[0] == '-') {
      return Fail(kExitUsage, "unknown option " + a);
    } else {
      positional.push_back(a);
    }
  }
  // Whoever runs `beian` on the archive's machine can write its files: an
  // administrator, recorded by the name given with --actor.
  const service::Identity who = service::LocalAdministrator(actor);
  if (verb == "search") return SearchCommand(service, who, args);
  if (verb == "backup") {
    if (positional.size() != 1) return Fail(kExitUsage, "usage: beian archive backup DIR [--keys KEYDIR]");
    core::Result<service::BackupInfo> backup = core::Internal("not run");
    {
      ProgressLine line;
      backup = service.Backup(who, positional[0], keys, line.Fn());
    }
    if (!backup.ok()) return Fail(ExitFor(backup.status()), "backup " + positional[0] + ": " + backup.status().message());
    PrintBackup("backup " + positional[0], *backup);
    if (!backup->kept_apart.empty()) {
      std::string names;
      for (const std::string& n : backup->kept_apart) names += (names.empty() ? "" : ", ") + n;
      std::cout << "kept apart, not in the backup: " << names
                << (keys.empty() ? " (not copied: keep a copy of them elsewhere, a restore needs them)"
                                 : " (copied to " + keys + ": keep it on other media than the backup)")
                << "\n";
    }
    return 0;
  }
  if (verb == "export") {
    if (positional.size() != 1) return Fail(kExitUsage, "usage: beian archive export DIR [--district D] [--year Y] [--kind K]");
    service::ExportFilter filter{district, 0, kind};
    if (!year.empty()) {
      char* end = nullptr;
      const long y = std::strtol(year.c_str(), &end, 10);
      if (*end != '\0' || y < 2000 || y > 9999) return Fail(kExitUsage, "bad --year " + year);
      filter.year = static_cast<int>(y);
    }
    core::Result<service::BagSummary> exported = core::Internal("not run");
    {
      ProgressLine line;
      exported = service.Export(who, positional[0], filter, line.Fn());
    }
    if (!exported.ok()) return Fail(ExitFor(exported.status()), "export " + positional[0] + ": " + exported.status().message());
    PrintBag(positional[0], *exported);
    return 0;
  }
  if (verb == "import") {
    if (positional.size() != 1) return Fail(kExitUsage, "usage: beian archive import DIR");
    core::Result<service::BagSummary> imported = core::Internal("not run");
    {
      ProgressLine line;
      imported = service.Import(who, positional[0], line.Fn());
    }
    if (!imported.ok()) return Fail(ExitFor(imported.status()), "import " + positional[0] + ": " + imported.status().message());
    PrintBag(positional[0], *imported);
    return 0;
  }
  if (verb == "ingest") {
    if (positional.size() != 2) return Fail(kExitUsage, "usage: beian archive ingest KIND DATA.json [--issued-at TIME]");
    auto text = ReadFile(positional[1]);
    if (!text.ok()) return Fail(kExitBadInput, text.status().message());
    auto data = core::ParseJson(text.value());
    if (!data.ok()) return Fail(kExitBadInput, positional[1] + ": " + data.status().message());
    service::IssueRequest request;
    request.kind = positional[0];
    request.data = std::move(data).value();
    request.issued_at = issued_at;
    std::vector<core::Problem> problems;
    auto doc = service.Issue(who, std::move(request), problems);
    PrintProblems(problems, std::cerr);
    if (!doc.ok()) return Fail(ExitFor(doc.status()), positional[1] + ": " + doc.status().message());
    std::cout << doc->number << "\t" << doc->kind << "\t" << doc->pages << " pages\t" << doc->bytes
              << " bytes\tsha256 " << doc->sha256 << "\tsm3 " << doc->sm3 << "\n";
    return 0;
  }
  if (verb == "conflicts") {
    if (!positional.empty()) return Fail(kExitUsage, "usage: beian archive conflicts");
    auto conflicts = service.Conflicts(who);
    if (!conflicts.ok()) return Fail(ExitFor(conflicts.status()), conflicts.status().message());
    for (const service::StaffConflictInfo& c : *conflicts) {
      std::cout << "person " << c.person_key;
      for (const service::DocumentInfo& d : c.documents) {
        std::cout << "\t" << d.number << " " << d.credit_code << " " << d.enterprise_name;
      }
      std::cout << "\n";
    }
    std::cout << conflicts->size() << (conflicts->size() == 1 ? " person" : " persons")
              << " in the current documents of several enterprises\n";
    return 0;
  }
  if (verb == "check") {
    if (!positional.empty()) return Fail(kExitUsage, "usage: beian archive check [--report FILE.pdf] [--json]");
    core::Result<service::ArchiveCheck> check = core::Internal("not run");
    {
      ProgressLine line;
      check = service.CheckArchive(who, Rerendered(line));
    }
    if (!check.ok()) return Fail(ExitFor(check.status()), check.status().message());
    if (!report.empty()) {
      std::vector<core::Problem> problems;
      auto pdf = service.Render("archive-check-report", service::ArchiveCheckReportData(*check), "", check->checked_at,
                                problems);
      PrintProblems(problems, std::cerr);
      if (!pdf.ok()) return Fail(kExitInternal, "the report: " + pdf.status().message());
      core::Status written = WriteFileAtomically(report, pdf->pdf);
      if (!written.ok()) return Fail(kExitInternal, written.message());
      std::cerr << report << "\t" << pdf->number << "\t" << pdf->pages << " pages\n";
    }
    if (json) {
      std::cout << core::WritePrettyJson(service::ArchiveCheckJson(*check)) << "\n";
    } else {
      for (const service::CheckItem& i : check->items) {
        std::cout << i.code << "\t" << i.aspect << "\t" << i.name << "\t" << service::CheckResultName(i.result)
                  << "\t" << i.checked << " checked\n";
        for (const service::CheckFailure& f : i.failures) std::cout << "\t" << f.object << "\t" << f.message << "\n";
      }
      std::cout << check->Conclusion() << "\n";
    }
    return check->passed() ? 0 : kExitBadInput;
  }
  if (verb == "checkpoint") {
    if (!positional.empty()) return Fail(kExitUsage, "usage: beian archive checkpoint");
    auto line = service.Checkpoint(who);
    if (!line.ok()) return Fail(ExitFor(line.status()), line.status().message());
    std::cout << *line << "\n";
    return 0;
  }
  if (verb == "verify") {
    if (!positional.empty()) return Fail(kExitUsage, "usage: beian archive verify [--since CHECKPOINT-LINE|FILE]");
    // A file holding a kept line or a copy of the checkpoints file, or the line itself.
    std::error_code error;
    if (!since.empty() && fs::is_regular_file(since, error)) {
      auto text = ReadFile(since);
      if (!text.ok()) return Fail(kExitBadInput, text.status().message());
      since = *text;
    }
    core::Result<service::VerifyOutcome> outcome = core::Internal("not run");
    {
      ProgressLine line;
      outcome = service.Verify(who, Rerendered(line), since);
    }
    if (!outcome.ok()) {
      return Fail(outcome.status().code() == core::Code::kInvalidArgument ? kExitUsage : kExitInternal,
                  (since.empty() ? "" : "--since: ") + outcome.status().message());
    }
    return PrintVerifyOutcome(*outcome);
  }
  // The verbs on one document, by its number.
  if (verb != "get" && verb != "attach" && verb != "reprint" && verb != "accept" && verb != "file" &&
      verb != "refuse" && verb != "revoke" && verb != "proof") {
    return Fail(kExitUsage, "unknown archive command \"" + verb + "\"");
  }
  if (positional.empty()) return Fail(kExitUsage, "usage: beian archive " + verb + " NUMBER ...");
  auto doc = service.GetByNumber(who, positional[0]);
  if (!doc.ok()) return Fail(ExitFor(doc.status()), "no document " + positional[0] + ": " + doc.status().message());
  if (verb == "get" && data_json) {
    if (positional.size() != 1) return Fail(kExitUsage, "usage: beian archive get NUMBER --data-json [-o FILE]");
    auto data = service.ReadEmbeddedData(who, doc->id);
    if (!data.ok()) return Fail(ExitFor(data.status()), data.status().message());
    if (out.empty() || out == "-") {
      std::cout << *data << "\n";
      return 0;
    }
    core::Status written = WriteFileAtomically(out, *data);
    if (!written.ok()) return Fail(kExitInternal, written.message());
    std::cout << out << "\t" << doc->number << "\tdata.json embedded in the archived PDF\n";
    return 0;
  }
  if (verb == "get") {
    if (positional.size() != 1 || out.empty()) {
      return Fail(kExitUsage, "usage: beian archive get NUMBER -o FILE [--ofd] | --data-json [-o FILE]");
    }
    if (ofd) {
      auto bytes = service.ReadOfd(who, doc->id);
      if (!bytes.ok()) return Fail(ExitFor(bytes.status()), bytes.status().message());
      core::Status written = WriteFileAtomically(out, bytes.value());
      if (!written.ok()) return Fail(kExitInternal, written.message());
      std::cout << out << "\t" << doc->number << "\tsha256 " << doc->ofd_sha256 << "\n";
      return 0;
    }
    auto pdf = service.ReadPdf(who, doc->id);
    if (!pdf.ok()) return Fail(kExitInternal, pdf.status().message());
    core::Status written = WriteFileAtomically(out, pdf.value());
    if (!written.ok()) return Fail(kExitInternal, written.message());
    std::cout << out << "\t" << doc->number << "\tsha256 " << doc->sha256 << "\n";
    return 0;
  }
  if (verb == "proof") {
    if (positional.size() != 1 || out.empty()) return Fail(kExitUsage, "usage: beian archive proof NUMBER -o PROOF.json");
    auto proof = service.Proof(who, doc->id);
    if (!proof.ok()) return Fail(ExitFor(proof.status()), proof.status().message());
    core::Status written = WriteFileAtomically(out, core::WritePrettyJson(service::DocumentProofJson(*proof)) + "\n");
    if (!written.ok()) return Fail(kExitInternal, written.message());
    std::cout << out << "\t" << doc->number << "\tentry " << proof->seq << "\t" << proof->checkpoint << "\n";
    return 0;
  }
  if (verb == "accept" || verb == "file" || verb == "refuse" || verb == "revoke") {
    if (positional.size() != 1 || ((verb == "refuse" || verb == "revoke") && reason.empty())) {
      return Fail(kExitUsage, "usage: beian archive accept NUMBER | file NUMBER [--filing-number N] | "
                              "refuse NUMBER --reason TEXT | revoke NUMBER --reason TEXT");
    }
    auto changed = verb == "accept"   ? service.Accept(who, doc->id)
                   : verb == "file"   ? service.File(who, doc->id, filing_number)
                   : verb == "refuse" ? service.Refuse(who, doc->id, reason)
                                      : service.Revoke(who, doc->id, reason);
    if (!changed.ok()) return Fail(ExitFor(changed.status()), changed.status().message());
    std::cout << changed->number << "\t" << changed->status;
    if (!changed->decision_due.empty()) std::cout << "\taccepted " << changed->accepted_on << ", due " << changed->decision_due;
    if (!changed->filing_number.empty()) std::cout << "\t备案编号 " << changed->filing_number;
    if (!changed->status_reason.empty()) std::cout << "\t" << changed->status_reason;
    std::cout << "\n";
    return 0;
  }
  if (verb == "attach") {
    if (positional.size() != 2) return Fail(kExitUsage, "usage: beian archive attach NUMBER SCAN");
    auto bytes = ReadFile(positional[1]);
    if (!bytes.ok()) return Fail(kExitBadInput, bytes.status().message());
    auto copy = service.AttachScan(who, doc->id, bytes.value(), fs::path(positional[1]).filename().string(),
                                   /*of_record=*/true);
    if (!copy.ok()) return Fail(ExitFor(copy.status()), positional[1] + ": " + copy.status().message());
    std::cout << positional[0] << "\tsigned copy " << copy->id << "\t" << copy->media_type << "\t" << copy->pages
              << " pages\tsha256 " << copy->sha256 << "\n";
    return 0;
  }
  if (positional.size() != 1 || out.empty()) {
    return Fail(kExitUsage, "usage: beian archive reprint NUMBER -o FILE [--marked]");
  }
  auto reprint = service.Reprint(who, doc->id, marked, "");
  if (!reprint.ok()) return Fail(ExitFor(reprint.status()), reprint.status().message());
  core::Status written = WriteFileAtomically(out, reprint->pdf);
  if (!written.ok()) return Fail(kExitInternal, written.message());
  std::cout << out << "\t" << (marked ? "marked reprint" : "reprint") << "\tsha256 " << reprint->reprint.sha256
            << "\n";
  return 0;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string root;
  // An installed beian keeps its archive in /var/lib/beian and serves with
  // /etc/beian/beian.json; one run from its build folder, in ./var with none.
  const std::optional<std::string> installed = InstalledRoot();
  if (const char* env = std::getenv("BEIAN_ROOT")) root = env;
  if (root.empty()) root = installed ? *installed : BEIAN_SOURCE_ROOT;
  std::string data = installed ? BEIAN_INSTALLED_DATA : "var";
  std::string store, signing_key, public_url, face_cache = DefaultFaceCache(), calendar;
  if (const char* env = std::getenv("BEIAN_CACHE")) face_cache = env;
  if (const char* env = std::getenv("BEIAN_CALENDAR")) calendar = env;
  if (const char* env = std::getenv("BEIAN_DATA")) data = env;
  if (const char* env = std::getenv("BEIAN_STORE")) store = env;
  if (const char* env = std::getenv("BEIAN_SIGNING_KEY")) signing_key = env;
  if (const char* env = std::getenv("BEIAN_PUBLIC_URL")) public_url = env;
  while (args.size() >= 2 && (args[0] == "--root" || args[0] == "--data" || args[0] == "--store" ||
                              args[0] == "--signing-key" || args[0] == "--public-url" || args[0] == "--cache" ||
                              args[0] == "--calendar")) {
    (args[0] == "--root"          ? root
     : args[0] == "--data"        ? data
     : args[0] == "--store"       ? store
     : args[0] == "--signing-key" ? signing_key
     : args[0] == "--cache"       ? face_cache
     : args[0] == "--calendar"    ? calendar
                                  : public_url) = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  // The archive's folder, and its catalog on PostgreSQL if --data names one.
  std::string data_dir = data, catalog;
  if (core::IsPostgresUrl(data)) {
    if (store.empty()) {
      return Fail(kExitUsage, "--data " + core::RedactPostgresUrl(data) +
                                  " needs --store DIR: the folder of blobs, checkpoints and keys every node shares");
    }
    catalog = data;
    data_dir = store;
  } else if (!store.empty()) {
    return Fail(kExitUsage, "--store is for a catalog on PostgreSQL (--data postgresql://...); with --data DIR "
                            "the folder holds everything");
  }
  const std::string archive_name =
      catalog.empty() ? data_dir : data_dir + ", catalog " + core::RedactPostgresUrl(catalog);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? kExitUsage : 0;
  }
  const std::string command = args[0];
  if (command == "serve" && installed && std::find(args.begin(), args.end(), "--config") == args.end() &&
      fs::exists(BEIAN_INSTALLED_CONFIG)) {
    args.insert(args.end(), {"--config", BEIAN_INSTALLED_CONFIG});
  }
  // The sandboxed helper the server starts to read uploads: before anything
  // is opened or loaded.
  if (command == "inspect-upload") return service::InspectUploadCommand({args.begin() + 1, args.end()});
  // The operator's holiday calendar: --calendar, else holidays-cn.json in the
  // config folder (the --config file's of serve; /etc/beian installed) when
  // there is one, else the bundled one.
  if (calendar.empty()) calendar = CalendarBesideConfig(args, installed.has_value());
  if (command == "calendar") return CalendarCommand(args, calendar);
  if (command == "proof") return ProofCommand(args);
  if (command == "pdfa") return PdfACommand(args);
  if (command != "--version" && command != "token" && command != "user" && command != "kinds" && command != "render" &&
      command != "examples" && command != "validate" && command != "archive" && command != "serve" &&
      command != "calendar") {
    std::cerr << kUsage;
    return Fail(kExitUsage, "unknown command \"" + command + "\"");
  }
  if (command == "kinds") {
    // Read from kind.json and the template files' names: nothing is compiled.
    auto kinds = FilingService::ListKinds(root);
    if (!kinds.ok()) return Fail(kExitInternal, kinds.status().message());
    for (const service::KindInfo& k : *kinds) {
      std::string versions;
      for (int v : k.versions) versions += (versions.empty() ? "v" : ",v") + std::to_string(v);
      std::cout << k.name << "\tv" << k.current_version << "\t(" << versions << ")\t" << k.title << "\n";
    }
    return 0;
  }
  const bool archive = command == "archive" || command == "serve" || command == "token" || command == "user";
  // What this process writes into the archive (and the access log) is for
  // its own user alone.
  if (archive) ::umask(077);
  service::ServiceOptions options;
  options.signing_key = signing_key;
  options.public_url = public_url;
  options.catalog = catalog;
  options.face_cache = face_cache;
  options.holiday_calendar = calendar;
  // render and validate need their one kind only (an unknown one: every kind,
  // so the error can list them).
  if (command == "render" || command == "validate") {
    const std::string kind = KindArgument(args);
    auto kinds = FilingService::ListKinds(root);
    if (kinds.ok() && std::any_of(kinds->begin(), kinds->end(), [&](const auto& k) { return k.name == kind; })) {
      options.kinds = {kind};
    }
  }
  if (command == "serve") {
    core::Status configured = ServiceSettingsFromConfig(args, options, !signing_key.empty(), !public_url.empty());
    if (!configured.ok()) return Fail(kExitBadInput, configured.message());
    options.ofd_in_background = true;  // requests first: the OFD of each document follows it
  }
  // init-keys: the algorithm of a key made now.
  std::string signing_algorithm;
  bool key_existed = false;
  if (command == "archive" && args.size() >= 2 && args[1] == "init-keys") {
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "--algorithm" && i + 1 < args.size()) {
        signing_algorithm = args[++i];
      } else {
        return Fail(kExitUsage, "usage: beian archive init-keys [--algorithm ed25519|sm2]");
      }
    }
    if (!signing_algorithm.empty() && signing_algorithm != "ed25519" && signing_algorithm != "sm2") {
      return Fail(kExitUsage, "--algorithm is ed25519 or sm2");
    }
    key_existed = fs::exists(signing_key.empty() ? data_dir + "/keys/checkpoint.pem" : signing_key);
  }
  if (!signing_algorithm.empty()) options.signing_algorithm = signing_algorithm;
  // A server waits for SIGTERM in its main thread: blocked before Open starts
  // any thread (the OFD queue), so none of them inherits it unblocked and
  // dies of one that arrives before the wait begins.
  if (command == "serve") {
    if (core::Status blocked = api::BlockTerminationSignals(); !blocked.ok()) {
      return Fail(kExitInternal, blocked.message());
    }
  }
  if (command == "archive" && args.size() >= 2 && args[1] == "restore") {
    options.data_dir = data_dir;
    return RestoreCommand(options, root, args);
  }
  auto opened = Open(options, root, archive ? data_dir : "", command != "token" && command != "user");
  if (!opened.ok()) return Fail(kExitInternal, opened.status().message());
  FilingService& service = **opened;

  if (command == "--version") return VersionCommand(service, root);
  if (command == "examples") {
    if (args.size() != 2) return Fail(kExitUsage, "usage: beian examples OUTDIR");
    std::error_code ec;
    fs::create_directories(args[1], ec);
    if (ec) return Fail(kExitInternal, "cannot create " + args[1] + ": " + ec.message());
    int rc = 0;
    for (const service::KindInfo* k : service.Kinds()) {
      RenderRequest req;
      req.kind = k->name;
      req.data_path = root + "/templates/" + k->name + "/example.json";
      req.out_path = args[1] + "/" + k->name + ".pdf";
      req.ofd_path = args[1] + "/" + k->name + ".ofd";
      rc = std::max(rc, RenderOne(service, req, k->example));
    }
    return rc;
  }
  if (command == "token") return TokenCommand(service, args);
  if (command == "user") return UserCommand(service, args);
  if (command == "archive" && args.size() >= 2 && args[1] == "init-keys") {
    auto key = service.SigningKey();
    if (!key.ok()) return Fail(kExitInternal, key.status().message());
    const std::string path = signing_key.empty() ? data_dir + "/keys/checkpoint.pem" : signing_key;
    if (key_existed && !signing_algorithm.empty() && key->algorithm != signing_algorithm) {
      return Fail(kExitBadInput, path + " already holds an " + key->algorithm +
                                     " key: every checkpoint so far is signed by it; it is not replaced");
    }
    std::cout << (key_existed ? "exists: " : "created: ") << path << " (0400; public half " << path
              << ".pub)\n"
              << "key " << key->key_id << "\nfingerprint " << key->fingerprint << "\n";
    return 0;
  }
  if (command == "archive" && args.size() >= 2 && args[1] == "migrate") {
    return MigrateCommand(service, options, root, args);
  }
  if (command == "archive") return ArchiveCommand(service, args);
  if (command == "serve") return ServeCommand(service, root, archive_name, args);
  if (command == "validate") {
    bool json = false;
    std::vector<std::string> positional;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--json") {
        json = true;
      } else if (!args[i].empty() && args[i][0] == '-') {
        return Fail(kExitUsage, "unknown option " + args[i]);
      } else {
        positional.push_back(args[i]);
      }
    }
    if (positional.size() != 2) return Fail(kExitUsage, "usage: beian validate KIND DATA.json [--json]");
    return Validate(service, positional[0], positional[1], json);
  }
  RenderRequest req;
  std::vector<std::string> positional;
  bool ofd = false;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size()) return false;
      into = args[++i];
      return true;
    };
    if (a == "-o" || a == "--output") {
      if (!value(req.out_path)) return Fail(kExitUsage, a + " needs a file name");
    } else if (a == "--number") {
      if (!value(req.number)) return Fail(kExitUsage, "--number needs a value");
    } else if (a == "--issued-at") {
      if (!value(req.issued_at)) return Fail(kExitUsage, "--issued-at needs a value");
    } else if (a == "--format") {
      std::string format;
      if (!value(format) || (format != "pdf" && format != "ofd")) return Fail(kExitUsage, "--format is pdf or ofd");
      ofd = format == "ofd";
    } else if (!a.empty() && a[0] == '-') {
      return Fail(kExitUsage, "unknown option " + a);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2 || req.out_path.empty()) {
    return Fail(kExitUsage,
                "usage: beian render KIND DATA.json -o OUT.pdf|OUT.ofd [--format pdf|ofd] [--number DOCNO] "
                "[--issued-at TIME]");
  }
  req.kind = positional[0];
  req.data_path = positional[1];
  if (ofd) std::swap(req.out_path, req.ofd_path);
  return RenderOne(service, req, nullptr);
}

}  // namespace
}  // namespace beian::cli

int main(int argc, char** argv) { return beian::cli::Main(argc, argv); }
