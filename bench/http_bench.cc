// HTTP benchmark: POST /v1/documents with the 11-page qualification form
// (120 staff, 60 projects; new data every request) to the real `beian serve`
// at 16 concurrent keep-alive connections on loopback. Each request
// validates, numbers, renders and archives (fsync'd) one document.
//
//   http_bench [--seconds N] [--clients N] [--config FILE] [--nodes N]
//
// FILE: `beian serve --config`. With BEIAN_TEST_POSTGRES naming the folder of
// a cluster tests/support/pg_cluster.sh started, the catalog is on
// PostgreSQL; --nodes N (PostgreSQL only) starts N servers sharing it and one
// folder, behind Debian's nginx, the clients sending an Idempotency-Key each.
//
// Prints documents/s, p50/p99 latency and the servers' peak RSS (VmHWM).
// Budget: >= 150 documents/s, p99 <= 200 ms, RSS <= 200 MB on 2 cores.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "beian/core/json.h"
#include "beian_server.h"
#include "http_client.h"
#include "load.h"
#include "nginx.h"
#include "process.h"
#include "synthetic_data.h"
#include "test_catalog.h"

int main(int argc, char** argv) {
  int seconds = 20, clients = 16, nodes = 1;
  std::vector<std::string> serve_args;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--clients") == 0) clients = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--config") == 0) serve_args = {"--config", argv[i + 1]};
    if (std::strcmp(argv[i], "--nodes") == 0) nodes = std::max(1, std::atoi(argv[i + 1]));
  }
  using namespace beian;
  testing::TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string token = e2e::CreateToken(data, {"--role", "admin"});
  if (nodes > 1 && !testing::OnPostgres()) {
    std::fprintf(stderr, "http_bench: --nodes needs the catalog on PostgreSQL (BEIAN_TEST_POSTGRES)\n");
    return 1;
  }
  std::vector<std::unique_ptr<e2e::BeianServer>> servers;
  std::vector<uint16_t> ports;
  for (int n = 0; n < nodes; ++n) {
    servers.push_back(std::make_unique<e2e::BeianServer>(data, serve_args));
    if (servers.back()->port() == 0 || token.empty()) {
      std::fprintf(stderr, "http_bench: the server did not start:\n%s\n", servers.back()->Stderr().c_str());
      return 1;
    }
    ports.push_back(servers.back()->port());
  }
  std::unique_ptr<e2e::Nginx> nginx;
  if (nodes > 1) {
    nginx = std::make_unique<e2e::Nginx>(dir.path(), ports);
    if (nginx->port() == 0) {
      std::fprintf(stderr, "http_bench: nginx did not start:\n%s\n", nginx->ErrorLog().c_str());
      return 1;
    }
  }
  const uint16_t port = nginx ? nginx->port() : ports[0];
  std::printf("%d node%s%s, catalog on %s\n", nodes, nodes > 1 ? "s" : "", nginx ? " behind nginx" : "",
              testing::OnPostgres() ? "PostgreSQL" : "SQLite");
  std::vector<std::string> bodies;
  for (int i = 0; i < 32; ++i) {
    core::Json body = core::Json::MakeObject();
    body.Set("kind", std::string("qualification-verification"));
    body.Set("data", testing::MakeQualificationData(120, 60, 1000 + static_cast<uint64_t>(i)));
    bodies.push_back(core::WriteJson(body));
  }
  // Warm-up: first requests load caches (and check that the data is accepted).
  {
    testing::HttpClient client(port, token);
    testing::HttpReply r = client.Post("/v1/documents", bodies[0], "application/json");
    if (r.status != 201) {
      std::fprintf(stderr, "http_bench: warm-up got %d: %s\n", r.status, r.body.c_str());
      return 1;
    }
    std::printf("document: 11-page form, %s pages, %s bytes\n",
                std::to_string(r.Json().Find("pages")->as_int()).c_str(),
                std::to_string(r.Json().Find("bytes")->as_int()).c_str());
  }
  e2e::LoadOptions options;
  options.clients = clients;
  options.duration = std::chrono::seconds(seconds);
  options.fetch_each = false;
  options.idempotency_keys = nginx != nullptr;
  e2e::LoadResult result = e2e::RunLoad(port, token, bodies, options);
  double rss = 0;
  for (const auto& server : servers) rss = std::max(rss, server->PeakRssMb());
  const double rate = static_cast<double>(result.Created()) / result.seconds;
  const double p50 = e2e::Quantile(result.create_ms, 0.50);
  const double p99 = e2e::Quantile(result.create_ms, 0.99);
  std::printf("POST /v1/documents, %d connections, %.1f s: %lld created, %lld 5xx, %lld unanswered\n",
              clients, result.seconds, static_cast<long long>(result.Created()),
              static_cast<long long>(result.ServerErrors()),
              static_cast<long long>(result.no_answer));
  std::printf("  throughput %.1f documents/s   latency p50 %.1f ms  p99 %.1f ms   peak RSS %.1f MB (largest node)\n",
              rate, p50, p99, rss);
  std::printf("budget (>= 150/s, p99 <= 200 ms, RSS <= 200 MB): %s\n",
              rate >= 150 && p99 <= 200 && rss <= 200 ? "met" : "MISSED");
  nginx.reset();
  for (const auto& server : servers) server->Terminate();
  return 0;
}
