// Upload benchmark: 16 clients on keep-alive connections POST scans of a
// signed page — a one-page image PDF and the JPEG it holds, in turn — as
// submitted copies to the real `beian serve`. Every scan is read by the
// sandboxed inspector (a forked child per upload) and archived (fsync'd).
//
//   upload_bench [--seconds N] [--clients N]
//
// Prints scans/s, p50/p99 latency and the server's peak RSS.
// Goal: >= 100 scans/s on 2 cores.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "beian/core/json.h"
#include "beian/render/pdf_tools.h"
#include "beian_server.h"
#include "http_client.h"
#include "load.h"
#include "process.h"

int main(int argc, char** argv) {
  int seconds = 20, clients = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--clients") == 0) clients = std::atoi(argv[i + 1]);
  }
  using namespace beian;
  using testing::HttpClient;
  testing::TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string token = e2e::CreateToken(data, {"--role", "admin"});
  e2e::BeianServer server(data);
  if (server.port() == 0 || token.empty()) {
    std::fprintf(stderr, "upload_bench: the server did not start:\n%s\n", server.Stderr().c_str());
    return 1;
  }

  // The paper: a commitment letter, printed and scanned at 150 dpi.
  HttpClient admin(server.port(), token);
  core::Json body = core::Json::MakeObject();
  body.Set("kind", std::string("commitment-letter"));
  body.Set("data", admin.Get("/v1/kinds/commitment-letter/example").Json());
  const testing::HttpReply issued = admin.PostJson("/v1/documents", body);
  if (issued.status != 201) {
    std::fprintf(stderr, "upload_bench: issuing got %d: %s\n", issued.status, issued.body.c_str());
    return 1;
  }
  const std::string document = "/v1/documents/" + std::to_string(issued.Json().Find("id")->as_int());
  testing::WriteFileOrDie(dir.File("letter.pdf"), admin.Get(document + "/pdf").body);
  const testing::ProcessResult scanned =
      testing::Run({"pdftoppm", "-r", "150", "-jpeg", "-singlefile", dir.File("letter.pdf"), dir.File("scan")});
  if (scanned.exit_code != 0) {
    std::fprintf(stderr, "upload_bench: pdftoppm failed: %s\n", scanned.err.c_str());
    return 1;
  }
  const std::string jpeg = testing::ReadFileOrDie(dir.File("scan.jpg"));
  core::Result<std::string> pdf = render::WrapImage(jpeg, "image/jpeg", "2026-12-06T10:00:00+08:00");
  if (!pdf.ok()) {
    std::fprintf(stderr, "upload_bench: %s\n", pdf.status().ToString().c_str());
    return 1;
  }
  const struct {
    const std::string* bytes;
    const char* type;
  } scans[] = {{&*pdf, "application/pdf"}, {&jpeg, "image/jpeg"}};
  std::printf("scans: 1-page image PDF %zu bytes, JPEG 1240×1754 %zu bytes\n", pdf->size(), jpeg.size());

  const std::string target = document + "/submitted-copies";
  std::mutex mu;
  std::vector<double> latencies;
  std::map<int, int64_t> statuses;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      HttpClient client(server.port(), token);
      std::vector<double> mine;
      std::map<int, int64_t> seen;
      for (int n = c; !stop; ++n) {
        const auto& scan = scans[n % 2];
        const auto t0 = std::chrono::steady_clock::now();
        const testing::HttpReply r = client.Post(target, *scan.bytes, scan.type);
        mine.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        ++seen[r.status];
      }
      std::lock_guard<std::mutex> lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      for (const auto& [status, count] : seen) statuses[status] += count;
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (std::thread& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rss = server.PeakRssMb();
  const int64_t stored = statuses[201];
  std::printf("POST .../submitted-copies, %d connections, %.1f s:", clients, elapsed);
  for (const auto& [status, count] : statuses) std::printf(" %lld × %d", static_cast<long long>(count), status);
  std::printf("\n");
  const double rate = static_cast<double>(stored) / elapsed;
  const double p50 = e2e::Quantile(latencies, 0.50), p99 = e2e::Quantile(latencies, 0.99);
  std::printf("  throughput %.1f scans/s   latency p50 %.1f ms  p99 %.1f ms   server peak RSS %.1f MB\n", rate, p50,
              p99, rss);
  std::printf("goal (>= 100 scans/s): %s\n", rate >= 100 ? "met" : "MISSED");
  server.Terminate();
  return 0;
}
