#include "load.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "http_client.h"

namespace beian::e2e {

using beian::testing::HttpClient;
using beian::testing::HttpReply;

int64_t LoadResult::Created() const {
  auto it = create_status.find(201);
  return it == create_status.end() ? 0 : it->second;
}

int64_t LoadResult::Replayed() const {
  auto it = create_status.find(200);
  return it == create_status.end() ? 0 : it->second;
}

int64_t LoadResult::ServerErrors() const {
  int64_t n = 0;
  for (const auto* counts : {&create_status, &fetch_status}) {
    for (const auto& [status, count] : *counts) {
      if (status >= 500) n += count;
    }
  }
  return n;
}

std::vector<std::string> ExampleBodies(uint16_t port, const std::string& token) {
  testing::HttpClient setup(port, token);
  const core::Json kinds = setup.Get("/v1/kinds").Json();
  std::vector<std::string> bodies;
  for (const core::Json& k : kinds.Find("kinds")->as_array()) {
    const std::string kind = k.Find("kind")->as_string();
    core::Json body = core::Json::MakeObject();
    body.Set("kind", kind);
    body.Set("data", setup.Get("/v1/kinds/" + kind + "/example").Json());
    bodies.push_back(core::WriteJson(body));
  }
  return bodies;
}

LoadResult RunLoad(uint16_t port, const std::string& token,
                   const std::vector<std::string>& bodies,
                   const LoadOptions& options) {
  LoadResult total;
  std::mutex mu;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options.duration;
  std::vector<std::thread> threads;
  for (int c = 0; c < options.clients; ++c) {
    threads.emplace_back([&, c]() {
      LoadResult mine;
      HttpClient client(port, token);
      for (size_t n = static_cast<size_t>(c);
           std::chrono::steady_clock::now() < deadline; n += 7) {
        const auto t0 = std::chrono::steady_clock::now();
        std::map<std::string, std::string> headers;
        if (options.idempotency_keys) {
          headers["Idempotency-Key"] = "load-" + std::to_string(c) + "-" + std::to_string(n);
        }
        HttpReply created = client.Post(
            "/v1/documents", bodies[n % bodies.size()], "application/json", headers);
        mine.create_ms.push_back(std::chrono::duration<double, std::milli>(
                                     std::chrono::steady_clock::now() - t0)
                                     .count());
        if (created.status == 0) {
          ++mine.no_answer;
          continue;
        }
        ++mine.create_status[created.status];
        if (created.status >= 500 && mine.sample_errors.size() < 3) {
          mine.sample_errors.push_back(created.body);
        }
        if (created.status != 201 && !(options.idempotency_keys && created.status == 200)) continue;
        const core::Json json = created.Json();
        const core::Json* links = json.Find("links");
        const core::Json* pdf = links != nullptr ? links->Find("pdf") : nullptr;
        const core::Json* sha = json.Find("sha256");
        const core::Json* number = json.Find("number");
        if (pdf == nullptr || sha == nullptr || number == nullptr) continue;
        Acknowledged ack{pdf->as_string(), sha->as_string(), number->as_string()};
        if (options.fetch_each) {
          HttpReply fetched = client.Get(ack.pdf_path);
          if (fetched.status == 0) {
            ++mine.no_answer;
          } else {
            ++mine.fetch_status[fetched.status];
            if (fetched.status == 200 &&
                core::Sha256Hex(fetched.body) != ack.sha256) {
              ++mine.fetch_mismatches;
            }
          }
        }
        mine.acknowledged.push_back(std::move(ack));
      }
      std::lock_guard<std::mutex> lock(mu);
      for (const auto& [s, n] : mine.create_status) total.create_status[s] += n;
      for (const auto& [s, n] : mine.fetch_status) total.fetch_status[s] += n;
      total.fetch_mismatches += mine.fetch_mismatches;
      total.no_answer += mine.no_answer;
      total.create_ms.insert(total.create_ms.end(), mine.create_ms.begin(),
                             mine.create_ms.end());
      total.acknowledged.insert(total.acknowledged.end(),
                                mine.acknowledged.begin(),
                                mine.acknowledged.end());
      for (std::string& e : mine.sample_errors) {
        if (total.sample_errors.size() < 3) total.sample_errors.push_back(e);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  total.seconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  return total;
}

double Quantile(std::vector<double>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t at = std::min(values.size() - 1,
                             static_cast<size_t>(q * (values.size() - 1) + 0.5));
  return values[at];
}

}  // namespace beian::e2e
