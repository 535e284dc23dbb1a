// Concurrent clients creating and fetching documents over HTTP: the load test
// in the suite and the HTTP benchmark both drive the server with this.
#ifndef BEIAN_TESTS_E2E_LOAD_H_
#define BEIAN_TESTS_E2E_LOAD_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace beian::e2e {

struct LoadOptions {
  int clients = 16;
  std::chrono::milliseconds duration{30000};
  // After each 201, GET its PDF and compare the digest.
  bool fetch_each = true;
  // Send every POST with an Idempotency-Key of its own, as a client that
  // retries must (a proxy in front of several nodes may retry a POST on
  // another node); a replay (200) then counts as acknowledged too.
  bool idempotency_keys = false;
};

// A document the server acknowledged (201, or 200 replaying it).
struct Acknowledged {
  std::string pdf_path;  // "/v1/documents/<id>/pdf"
  std::string sha256;    // as acknowledged
  std::string number;    // 文书编号
};

struct LoadResult {
  double seconds = 0;                    // wall time of the run
  std::map<int, int64_t> create_status;  // POST /v1/documents, by status
  std::map<int, int64_t> fetch_status;   // GET .../pdf, by status
  int64_t fetch_mismatches = 0;          // PDFs whose digest differed
  int64_t no_answer = 0;                 // requests without any response
  std::vector<double> create_ms;         // latency of each POST
  std::vector<Acknowledged> acknowledged;
  std::vector<std::string> sample_errors;  // a few bodies of 5xx replies

  int64_t Created() const;
  int64_t Replayed() const;  // 200 answers to a POST
  int64_t ServerErrors() const;  // 5xx of either kind
};

// The POST /v1/documents bodies of every kind's example, as the server at
// `port` lists them (`token`'s kinds).
std::vector<std::string> ExampleBodies(uint16_t port, const std::string& token);

// `clients` threads, each with its own keep-alive connection, POST the JSON
// bodies (in turn) to /v1/documents for `duration`, with `token`.
LoadResult RunLoad(uint16_t port, const std::string& token,
                   const std::vector<std::string>& bodies,
                   const LoadOptions& options);

// The `q`-quantile (0..1) of `values` (sorted in place); 0 when empty.
double Quantile(std::vector<double>& values, double q);

}  // namespace beian::e2e

#endif  // BEIAN_TESTS_E2E_LOAD_H_
