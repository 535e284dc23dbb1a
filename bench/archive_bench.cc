// Archive benchmark: prints figures, asserts nothing.
//
//   archive_bench [--documents N] [--dir DIR] [--postgres URL]
//
// With --postgres the catalog is the (empty) PostgreSQL database URL names,
// the folder DIR holding blobs, checkpoints and keys.
//
// 1. Issue: validate → number → render → archive, one thread, the 11-page form with new data
//    each time (the service path) — documents/s; and plain ingests of pre-rendered PDFs
//    (blob write with fsync, catalog row and audit row in one transaction) — ingests/s.
// 2. Storage verify throughput (SHA-256 and SM3 of every blob, audit chain) in MB/s, beside
//    `sha256sum` and `openssl dgst -sm3` over the same blob files.
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "beian/archive/catalog_archive.h"
#include "beian/service/filing_service.h"
#include "synthetic_data.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

template <typename T>
T OrDie(beian::core::Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

}  // namespace

int main(int argc, char** argv) {
  int documents = 300;
  std::string dir = (fs::temp_directory_path() / "beian-archive-bench").string();
  std::string catalog;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--documents") == 0) documents = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
    if (std::strcmp(argv[i], "--postgres") == 0) catalog = argv[i + 1];
  }
  const char* env = std::getenv("BEIAN_ROOT");
  const std::string root = env != nullptr ? env : BEIAN_SOURCE_ROOT;
  fs::remove_all(dir);

  beian::service::ServiceOptions options;
  options.root = root;
  options.data_dir = dir;
  options.catalog = catalog;
  auto opened = OrDie(beian::service::FilingService::Open(options), "service");
  beian::service::FilingService& service = *opened;
  const beian::service::Identity admin = beian::service::LocalAdministrator("bench");
  // The same archive as a second connection, for the plain ingests and verify.
  auto archive = OrDie(beian::archive::OpenArchive(dir, catalog), "archive");

  std::vector<beian::core::Json> data;
  for (int i = 0; i < 16; ++i) data.push_back(beian::testing::MakeQualificationData(120, 60, 500 + static_cast<uint64_t>(i)));
  std::printf("beian archive benchmark (%s, catalog %s)\n\n", dir.c_str(), archive->catalog().c_str());

  auto t0 = Clock::now();
  int64_t bytes = 0;
  for (int i = 0; i < documents; ++i) {
    std::vector<beian::core::Problem> problems;
    beian::service::IssueRequest request;
    request.kind = "qualification-verification";
    request.data = data[static_cast<size_t>(i) % data.size()];
    auto doc = OrDie(service.Issue(admin, std::move(request), problems), "issue");
    bytes += doc.bytes;
  }
  const double issue_s = Seconds(t0);
  std::printf("%-44s %8.1f /s  (%d documents, %.1f MB, %.2f ms each)\n", "issue (validate, number, render, archive)",
              documents / issue_s, documents, static_cast<double>(bytes) / 1e6, 1000 * issue_s / documents);

  // The same from one thread per core: the ceiling of a server on this machine.
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  t0 = Clock::now();
  {
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < threads; ++w) {
      pool.emplace_back([&]() {
        for (int i = next++; i < documents; i = next++) {
          std::vector<beian::core::Problem> problems;
          beian::service::IssueRequest request;
          request.kind = "qualification-verification";
          request.data = data[static_cast<size_t>(i) % data.size()];
          OrDie(service.Issue(admin, std::move(request), problems), "issue");
        }
      });
    }
    for (std::thread& t : pool) t.join();
  }
  const double parallel_s = Seconds(t0);
  char label[64];
  std::snprintf(label, sizeof label, "issue, %u threads", threads);
  std::printf("%-44s %8.1f /s\n", label, documents / parallel_s);

  // Plain ingests of PDFs already rendered: the archive's own cost.
  std::vector<beian::archive::Document> issued;
  (void)archive->ForEachDocument([&](const beian::archive::Document& d) {
    if (static_cast<int>(issued.size()) < documents) issued.push_back(d);
    return beian::core::Status::Ok();
  });
  // Document `i` again, numbered anew, its PDF made a blob of its own by `mark`.
  auto ingest_copy = [&](int i, const std::string& mark) {
    const beian::archive::Document& d = issued[static_cast<size_t>(i)];
    beian::archive::NewDocument copy;
    copy.number = OrDie(archive->AllocateNumber(d.district, std::stoi(d.issued_at.substr(0, 4)), d.kind), "number");
    copy.kind = d.kind;
    copy.template_version = d.template_version;
    copy.data = OrDie(beian::core::ParseJson(d.data), "data");
    copy.district = d.district;
    copy.issued_at = d.issued_at;
    copy.created_by = "bench";
    copy.pages = d.pages;
    copy.pdf = OrDie(archive->ReadBlob(d.sha256), "blob");
    copy.pdf += "\n%" + mark + std::to_string(i) + "\n";
    OrDie(archive->Ingest(copy), "ingest");
  };
  t0 = Clock::now();
  for (int i = 0; i < documents; ++i) ingest_copy(i, "");
  const double ingest_s = Seconds(t0);
  std::printf("%-44s %8.1f /s  (blob fsync + one transaction each)\n", "ingest of a rendered PDF", documents / ingest_s);
  // The same from 16 threads: concurrent ingests commit together.
  t0 = Clock::now();
  {
    std::atomic<int> next{0};
    std::vector<std::thread> pool;
    for (int w = 0; w < 16; ++w) {
      pool.emplace_back([&]() {
        for (int i = next++; i < documents; i = next++) ingest_copy(i, "16-");
      });
    }
    for (std::thread& t : pool) t.join();
  }
  std::printf("%-44s %8.1f /s  (group commit)\n", "ingest of a rendered PDF, 16 threads", documents / Seconds(t0));

  t0 = Clock::now();
  auto report = OrDie(archive->VerifyStorage(), "verify");
  const double verify_s = Seconds(t0);
  std::printf("%-44s %8.1f MB/s (%lld blobs, %.1f MB, %s)\n", "verify storage (SHA-256 + SM3, log, tree)",
              static_cast<double>(report.bytes_hashed) / 1e6 / verify_s, static_cast<long long>(report.blobs),
              static_cast<double>(report.bytes_hashed) / 1e6, report.clean() ? "clean" : "NOT CLEAN");

  // The same blobs through the system's tools: verify checks both digests, so the slower of
  // the two is its yardstick.
  auto tool = [&](const char* label, const std::string& program) {
    const std::string command = "find '" + dir + "/blobs' -type f -print0 | xargs -0 " + program + " > /dev/null";
    const auto start = Clock::now();
    const int rc = std::system(command.c_str());
    const double mb_s = static_cast<double>(report.bytes_hashed) / 1e6 / Seconds(start);
    std::printf("%-44s %8.1f MB/s%s\n", label, mb_s, rc == 0 ? "" : " (failed)");
    return mb_s;
  };
  const double sha256sum = tool("sha256sum over the same blobs", "sha256sum");
  const double sm3 = tool("openssl dgst -sm3 over the same blobs", "openssl dgst -sm3");
  const double verify_mb_s = static_cast<double>(report.bytes_hashed) / 1e6 / verify_s;
  std::printf("%-44s %8.0f %%\n", "verify against the slower of the two", 100 * verify_mb_s / std::min(sha256sum, sm3));
  archive.reset();  // closed (its last checkpoint signed) before the folder goes
  opened.reset();
  fs::remove_all(dir);
  return 0;
}
