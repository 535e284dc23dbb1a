// The `beian` command line.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian/core/problem.h"
#include "beian/archive/bagit.h"
#include "beian/archive/sqlite_archive.h"
#include "beian/domain/date.h"
#include "beian/render/catalog.h"
#include "beian/render/engine.h"
#include "beian/service/filing_service.h"
#include "common.h"
#include "server_commands.h"

namespace beian::cli {
namespace {

namespace fs = std::filesystem;

const char kUsage[] =
    "usage: beian [--root DIR] [--data DIR] COMMAND ...\n"
    "\n"
    "commands:\n"
    "  kinds                                   list document kinds and template versions\n"
    "  validate KIND DATA.json [--json]        print every problem of the data; exit 1 on any error\n"
    "  render KIND DATA.json -o OUT.pdf [--number DOCNO] [--issued-at 2026-11-27T10:00:00+08:00]\n"
    "                                          validate the data and render one document\n"
    "  examples OUTDIR                         render every kind's example.json into OUTDIR\n"
    "  archive ingest KIND DATA.json [--issued-at TIME] [--actor NAME]\n"
    "                                          validate, number, render and archive one document\n"
    "  archive get NUMBER -o FILE              the archived PDF, byte for byte\n"
    "  archive attach NUMBER SCAN [--actor NAME]\n"
    "                                          archive a signed scan (PDF, JPEG or PNG)\n"
    "  archive reprint NUMBER -o FILE [--marked] [--actor NAME]\n"
    "                                          the stored bytes, or a 补打-stamped incremental update\n"
    "  archive search QUERY [--kind K] [--district D] [--from DATE] [--to DATE] [--status S]\n"
    "                 [--limit N] [--after CURSOR]\n"
    "                                          Chinese (2+ chars), pinyin, number or credit-code prefix;\n"
    "                                          newest first; \"next: CURSOR\" when more follow\n"
    "  archive verify                          re-hash every blob, walk the audit chain, re-render\n"
    "                                          every document; exit 1 on any problem\n"
    "  serve [--config FILE] [--host H] [--port P] [--access-log FILE|-] [--admin-token]\n"
    "                                          the HTTP API on 127.0.0.1 (see api/openapi.json) until\n"
    "                                          SIGTERM; --admin-token prints a new admin token\n"
    "  token create --role enterprise --credit-code CODE --name NAME | --role bureau --district D\n"
    "               --name NAME | --role admin [--label TEXT]\n"
    "                                          a bearer token for the API; prints its secret once\n"
    "  token list | token revoke ID\n"
    "\n"
    "--root DIR is the folder holding templates/ and fonts/ (default: $BEIAN_ROOT, else the source tree)\n"
    "--data DIR is the archive (default ./var)\n";

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

using archive::NowInBeijing;  // the current time in Beijing (UTC+8), RFC 3339

// Today in Beijing (UTC+8).
domain::Date TodayInBeijing() {
  const std::string now = NowInBeijing();
  return domain::Date{std::stoi(now.substr(0, 4)), std::stoi(now.substr(5, 2)), std::stoi(now.substr(8, 2))};
}

struct Context {
  std::string root;
  std::unique_ptr<render::Engine> engine;
  std::unique_ptr<render::Catalog> catalog;
};

core::Result<Context> Open(const std::string& root) {
  Context ctx;
  ctx.root = root;
  BEIAN_ASSIGN_OR_RETURN(std::string manifest_text, ReadFile(root + "/fonts/manifest.json"));
  BEIAN_ASSIGN_OR_RETURN(render::FontManifest manifest, render::ParseFontManifest(manifest_text));
  render::FileFontSource source;
  BEIAN_ASSIGN_OR_RETURN(ctx.engine, render::Engine::Create(manifest, source));
  BEIAN_ASSIGN_OR_RETURN(render::Catalog catalog, render::Catalog::Load(root + "/templates", *ctx.engine));
  ctx.catalog = std::make_unique<render::Catalog>(std::move(catalog));
  return ctx;
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
int Validate(const Context& ctx, const std::string& kind_name, const std::string& path, bool json) {
  const render::Kind* kind = ctx.catalog->Find(kind_name);
  if (kind == nullptr) return Fail(kExitBadInput, "unknown kind \"" + kind_name + "\"");
  auto text = ReadFile(path);
  if (!text.ok()) return Fail(kExitBadInput, text.status().message());
  std::vector<core::Problem> problems;
  auto parsed = core::ParseJson(text.value());
  if (!parsed.ok()) {
    problems.push_back({"", "json.parse", "不是有效的 JSON：" + parsed.status().message(),
                        "not valid JSON: " + parsed.status().message()});
  } else {
    service::CheckDocument(*kind, std::move(parsed).value(), TodayInBeijing(), problems);
  }
  if (json) {
    std::cout << core::WritePrettyJson(ProblemsJson(problems)) << "\n";
  } else {
    PrintProblems(problems, std::cout);
    std::cout << path << ": " << (core::HasError(problems) ? "refused" : "valid") << " (" << problems.size()
              << (problems.size() == 1 ? " problem" : " problems") << ")\n";
  }
  return core::HasError(problems) ? kExitBadInput : 0;
}

struct RenderRequest {
  std::string kind;
  std::string data_path;
  std::string out_path;
  std::string number;
  std::string issued_at;
};

// Validates and renders one document; prints every problem. Returns the exit code.
int RenderOne(const Context& ctx, const RenderRequest& req, const core::Json* given_data) {
  const render::Kind* kind = ctx.catalog->Find(req.kind);
  if (kind == nullptr) {
    std::string known;
    for (const render::Kind* k : ctx.catalog->kinds()) known += " " + k->name;
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
  core::Json checked = service::CheckDocument(*kind, std::move(data), TodayInBeijing(), problems);
  PrintProblems(problems, std::cerr);
  if (core::HasError(problems)) {
    return Fail(kExitBadInput, req.data_path + ": refused, the data does not fit " + kind->name + " (" +
                                   std::to_string(problems.size()) + " problems above)");
  }
  data = std::move(checked);
  const std::string issued_at = req.issued_at.empty() ? NowInBeijing() : req.issued_at;
  render::RenderOptions options;
  options.issued_at = issued_at;
  options.document_number = req.number.empty() ? service::PreviewNumber(*kind, issued_at, data) : req.number;
  options.verification_key =
      service::VerificationKey(kind->name, kind->current_version, options.document_number, issued_at, data);
  auto doc = ctx.engine->Render(*kind->versions.at(kind->current_version), data, options);
  if (!doc.ok()) {
    return Fail(doc.status().code() == core::Code::kInternal ? kExitInternal : kExitBadInput,
                req.data_path + ": " + doc.status().message());
  }
  core::Status written = WriteFileAtomically(req.out_path, doc->pdf);
  if (!written.ok()) return Fail(kExitInternal, written.message());
  std::cout << req.out_path << "\t" << options.document_number << "\t" << doc->pages
            << " pages\t" << doc->pdf.size() << " bytes\n";
  return 0;
}

// beian archive search QUERY [--kind K] [--district D] [--from DATE] [--to DATE] [--status S]
//                           [--limit N] [--after CURSOR]
int SearchCommand(archive::Archive& store, const std::vector<std::string>& args) {
  const char* usage =
      "usage: beian archive search QUERY [--kind K] [--district D] [--from DATE] [--to DATE] "
      "[--status S] [--limit N] [--after CURSOR]";
  archive::SearchQuery query;
  std::vector<std::string> positional;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--kind" && has_value) {
      query.filter.kind = args[++i];
    } else if (a == "--district" && has_value) {
      query.filter.district = args[++i];
    } else if (a == "--from" && has_value) {
      query.filter.issued_from = args[++i];
    } else if (a == "--to" && has_value) {
      // Inclusive: everything issued on that day or at that time ('~' sorts after the rest of an
      // RFC 3339 time).
      query.filter.issued_before = args[++i] + "~";
    } else if (a == "--status" && has_value) {
      auto status = archive::ParseDocumentStatus(args[++i]);
      if (!status.ok()) return Fail(kExitUsage, "--status: " + status.status().message());
      query.filter.status = status.value();
    } else if ((a == "--limit" || a == "--after") && has_value) {
      const std::string& value = args[++i];
      char* end = nullptr;
      errno = 0;
      const long long n = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno != 0 || n < 1) {
        return Fail(kExitUsage, a + " needs a positive number, got \"" + value + "\"");
      }
      if (a == "--limit") {
        if (n > 1000) return Fail(kExitUsage, "--limit must be 1..1000");
        query.filter.limit = static_cast<int>(n);
      } else {
        query.filter.after = archive::DocumentCursor{"", static_cast<int64_t>(n)};
      }
    } else if (!a.empty() && a[0] == '-') {
      return Fail(kExitUsage, "unknown or incomplete option " + a + "\n" + usage);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 1) return Fail(kExitUsage, usage);
  query.text = positional[0];
  auto page = store.Search(query);
  if (!page.ok()) {
    return Fail(page.status().code() == core::Code::kInvalidArgument ? kExitBadInput : kExitInternal,
                "search \"" + query.text + "\": " + page.status().message());
  }
  for (const archive::Document& d : page->documents) {
    std::cout << d.number << "\t" << d.kind << "\t" << d.enterprise_name << "\t" << d.project_name << "\t"
              << d.district << "\t" << d.issued_at << "\t" << archive::DocumentStatusName(d.status) << "\n";
  }
  if (page->next) std::cout << "next: " << page->next->id << "\n";
  return 0;
}

// beian archive ingest|get|verify
int ArchiveCommand(const Context& ctx, const std::string& data_dir, const std::vector<std::string>& args) {
  if (args.size() < 2) return Fail(kExitUsage, "usage: beian archive ingest|get|verify ...");
  auto opened = archive::SqliteArchive::Open(data_dir);
  if (!opened.ok()) return Fail(kExitInternal, "archive " + data_dir + ": " + opened.status().message());
  archive::Archive& store = *opened.value();
  service::FilingService service(*ctx.engine, *ctx.catalog, store);
  const std::string& verb = args[1];
  if (verb == "search") return SearchCommand(store, args);
  // export/import parse their own options (the shared loop below refuses
  // --district, --year and --kind).
  if (verb == "export") {
    std::vector<std::string> dirs;
    archive::ExportFilter filter;
    std::string who = "cli";
    for (size_t i = 2; i < args.size(); ++i) {
      const std::string& a = args[i];
      if ((a == "--district" || a == "--year" || a == "--kind" || a == "--actor") && i + 1 < args.size()) {
        const std::string& v = args[++i];
        if (a == "--year") {
          char* end = nullptr;
          const long year = std::strtol(v.c_str(), &end, 10);
          if (v.empty() || *end != '\0' || year < 2000 || year > 9999) return Fail(kExitUsage, "bad --year " + v);
          filter.year = static_cast<int>(year);
        } else {
          (a == "--district" ? filter.district : a == "--kind" ? filter.kind : who) = v;
        }
      } else if (!a.empty() && a[0] == '-') {
        return Fail(kExitUsage, "unknown option " + a);
      } else {
        dirs.push_back(a);
      }
    }
    if (dirs.size() != 1) return Fail(kExitUsage, "usage: beian archive export DIR [--district D] [--year Y] [--kind K]");
    auto exported = archive::ExportBag(store, dirs[0], filter, who);
    if (!exported.ok()) {
      return Fail(exported.status().code() == core::Code::kIoError ? kExitInternal : kExitBadInput,
                  "export " + dirs[0] + ": " + exported.status().message());
    }
    std::cout << dirs[0] << "\t" << exported->documents << " documents\t" << exported->signed_copies
              << " signed copies\t" << exported->reprints << " reprints\t" << exported->payload_files << " files\t"
              << exported->payload_bytes << " bytes\tmanifest sha256 " << exported->manifest_sha256 << "\n";
    return 0;
  }
  if (verb == "import") {
    std::vector<std::string> dirs;
    std::string who = "cli";
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "--actor" && i + 1 < args.size()) {
        who = args[++i];
      } else if (!args[i].empty() && args[i][0] == '-') {
        return Fail(kExitUsage, "unknown option " + args[i]);
      } else {
        dirs.push_back(args[i]);
      }
    }
    if (dirs.size() != 1) return Fail(kExitUsage, "usage: beian archive import DIR");
    auto imported = archive::ImportBag(store, dirs[0], who);
    if (!imported.ok()) {
      return Fail(imported.status().code() == core::Code::kIoError ? kExitInternal : kExitBadInput,
                  "import " + dirs[0] + ": " + imported.status().message());
    }
    std::cout << dirs[0] << "\t" << imported->documents << " documents\t" << imported->signed_copies
              << " signed copies\t" << imported->reprints << " reprints\t" << imported->payload_files
              << " files\t" << imported->payload_bytes << " bytes\n";
    return 0;
  }
  std::vector<std::string> positional;
  std::string issued_at, actor = "cli", out;
  bool marked = false;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--marked") {
      marked = true;
    } else if ((a == "--issued-at" || a == "--actor" || a == "-o") && i + 1 < args.size()) {
      (a == "--issued-at" ? issued_at : a == "--actor" ? actor : out) = args[++i];
    } else if (!a.empty() && a[0] == '-') {
      return Fail(kExitUsage, "unknown option " + a);
    } else {
      positional.push_back(a);
    }
  }
  if (verb == "ingest") {
    if (positional.size() != 2) return Fail(kExitUsage, "usage: beian archive ingest KIND DATA.json");
    auto text = ReadFile(positional[1]);
    if (!text.ok()) return Fail(kExitBadInput, text.status().message());
    auto data = core::ParseJson(text.value());
    if (!data.ok()) return Fail(kExitBadInput, positional[1] + ": " + data.status().message());
    std::vector<core::Problem> problems;
    auto doc = service.Issue(positional[0], std::move(data).value(), issued_at.empty() ? NowInBeijing() : issued_at,
                             actor, TodayInBeijing(), problems);
    PrintProblems(problems, std::cerr);
    if (!doc.ok()) {
      return Fail(doc.status().code() == core::Code::kInternal ? kExitInternal : kExitBadInput,
                  positional[1] + ": " + doc.status().message());
    }
    std::cout << doc->number << "\t" << doc->kind << "\t" << doc->pages << " pages\t" << doc->bytes
              << " bytes\tsha256 " << doc->sha256 << "\tsm3 " << doc->sm3 << "\n";
    return 0;
  }
  if (verb == "get") {
    if (positional.size() != 1 || out.empty()) return Fail(kExitUsage, "usage: beian archive get NUMBER -o FILE");
    auto doc = store.FindByNumber(positional[0]);
    if (!doc.ok()) return Fail(kExitBadInput, "no document " + positional[0] + ": " + doc.status().message());
    auto pdf = store.ReadBlob(doc->sha256);
    if (!pdf.ok()) return Fail(kExitInternal, pdf.status().message());
    core::Status written = WriteFileAtomically(out, pdf.value());
    if (!written.ok()) return Fail(kExitInternal, written.message());
    std::cout << out << "\t" << doc->number << "\tsha256 " << doc->sha256 << "\n";
    return 0;
  }
  if (verb == "attach") {
    if (positional.size() != 2) return Fail(kExitUsage, "usage: beian archive attach NUMBER SCAN");
    auto bytes = ReadFile(positional[1]);
    if (!bytes.ok()) return Fail(kExitBadInput, bytes.status().message());
    auto copy = service.AttachSignedCopy(positional[0], bytes.value(),
                                         fs::path(positional[1]).filename().string(), actor, NowInBeijing());
    if (!copy.ok()) return Fail(kExitBadInput, positional[1] + ": " + copy.status().message());
    std::cout << positional[0] << "\tsigned copy " << copy->id << "\t" << copy->media_type << "\t" << copy->pages
              << " pages\tsha256 " << copy->sha256 << "\n";
    return 0;
  }
  if (verb == "reprint") {
    if (positional.size() != 1 || out.empty()) {
      return Fail(kExitUsage, "usage: beian archive reprint NUMBER -o FILE [--marked]");
    }
    auto pdf = service.Reprint(positional[0], marked, actor, NowInBeijing());
    if (!pdf.ok()) return Fail(kExitBadInput, pdf.status().message());
    core::Status written = WriteFileAtomically(out, pdf.value());
    if (!written.ok()) return Fail(kExitInternal, written.message());
    std::cout << out << "\t" << (marked ? "marked reprint" : "reprint") << "\tsha256 " << core::Sha256Hex(pdf.value())
              << "\n";
    return 0;
  }
  if (verb == "verify") {
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    auto outcome = service.Verify([&](int64_t done, int64_t total) {
      if (tty && (done % 50 == 0 || done == total)) std::cerr << "\rre-rendered " << done << "/" << total << std::flush;
    });
    if (tty) std::cerr << "\n";
    if (!outcome.ok()) return Fail(kExitInternal, outcome.status().message());
    for (const archive::Finding& f : outcome->storage.problems) {
      std::cout << "problem: " << archive::FindingKindName(f.kind) << "\t" << f.number << "\t" << f.message << "\n";
    }
    for (const archive::Finding& f : outcome->storage.notices) {
      std::cout << "notice: " << archive::FindingKindName(f.kind) << "\t" << f.message << "\n";
    }
    for (const service::RerenderFinding& f : outcome->rerender_problems) {
      std::cout << "problem: rerender-mismatch\t" << f.number << "\t" << f.message << "\n";
    }
    std::cout << (outcome->clean() ? "clean" : "NOT CLEAN") << ": " << outcome->documents_rerendered
              << " documents re-rendered; audit head " << outcome->storage.audit_head_hash << "\n";
    return outcome->clean() ? 0 : kExitBadInput;
  }
  return Fail(kExitUsage, "unknown archive command \"" + verb + "\"");
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string root;
  if (const char* env = std::getenv("BEIAN_ROOT")) root = env;
  if (root.empty()) root = BEIAN_SOURCE_ROOT;
  std::string data_dir = "var";
  while (args.size() >= 2 && (args[0] == "--root" || args[0] == "--data")) {
    (args[0] == "--root" ? root : data_dir) = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? kExitUsage : 0;
  }
  const std::string command = args[0];
  if (command == "token") return TokenCommand(data_dir, args);
  if (command != "kinds" && command != "render" && command != "examples" && command != "validate" &&
      command != "archive" && command != "serve") {
    std::cerr << kUsage;
    return Fail(kExitUsage, "unknown command \"" + command + "\"");
  }
  auto ctx = Open(root);
  if (!ctx.ok()) return Fail(kExitInternal, ctx.status().message());

  if (command == "kinds") {
    for (const render::Kind* k : ctx->catalog->kinds()) {
      std::string versions;
      for (const auto& [v, t] : k->versions) versions += (versions.empty() ? "v" : ",v") + std::to_string(v);
      std::cout << k->name << "\tv" << k->current_version << "\t(" << versions << ")\t" << k->title << "\n";
    }
    return 0;
  }
  if (command == "examples") {
    if (args.size() != 2) return Fail(kExitUsage, "usage: beian examples OUTDIR");
    std::error_code ec;
    fs::create_directories(args[1], ec);
    if (ec) return Fail(kExitInternal, "cannot create " + args[1] + ": " + ec.message());
    int rc = 0;
    for (const render::Kind* k : ctx->catalog->kinds()) {
      RenderRequest req;
      req.kind = k->name;
      req.data_path = root + "/templates/" + k->name + "/example.json";
      req.out_path = args[1] + "/" + k->name + ".pdf";
      req.issued_at = NowInBeijing();
      rc = std::max(rc, RenderOne(*ctx, req, &k->example));
    }
    return rc;
  }
  if (command == "archive") return ArchiveCommand(*ctx, data_dir, args);
  if (command == "serve") return ServeCommand(*ctx->engine, *ctx->catalog, root, data_dir, args);
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
    return Validate(*ctx, positional[0], positional[1], json);
  }
  RenderRequest req;
  std::vector<std::string> positional;
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
    } else if (!a.empty() && a[0] == '-') {
      return Fail(kExitUsage, "unknown option " + a);
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2 || req.out_path.empty()) {
    return Fail(kExitUsage, "usage: beian render KIND DATA.json -o OUT.pdf [--number DOCNO] [--issued-at TIME]");
  }
  req.kind = positional[0];
  req.data_path = positional[1];
  return RenderOne(*ctx, req, nullptr);
}

}  // namespace
}  // namespace beian::cli

int main(int argc, char** argv) { return beian::cli::Main(argc, argv); }
