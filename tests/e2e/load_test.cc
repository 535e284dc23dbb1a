// The load test: 16 clients for 30 s creating and fetching documents against
// the real server. No 5xx, no request without an answer, and afterwards every
// acknowledged document is served with the digest it was acknowledged with.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "beian/core/digest.h"
#include "beian_server.h"
#include "http_client.h"
#include "load.h"
#include "process.h"

namespace beian::e2e {
namespace {

using beian::testing::HttpClient;
using beian::testing::HttpReply;

TEST(LoadTest, SixteenClientsForThirtySecondsLoseNothing) {
  beian::testing::TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string token = CreateToken(data, {"--role", "admin"});
  BeianServer server(data);
  ASSERT_NE(server.port(), 0) << server.Stderr();

  // Every kind's example, so that all templates run concurrently.
  const std::vector<std::string> bodies = ExampleBodies(server.port(), token);
  ASSERT_EQ(bodies.size(), 9u);

  LoadOptions options;
  options.clients = 16;
  options.duration = std::chrono::seconds(30);
  LoadResult result = RunLoad(server.port(), token, bodies, options);
  std::printf("load: %lld created in %.1f s (%.1f/s), p50 %.1f ms, p99 %.1f ms\n",
              static_cast<long long>(result.Created()), result.seconds,
              static_cast<double>(result.Created()) / result.seconds,
              Quantile(result.create_ms, 0.5), Quantile(result.create_ms, 0.99));

  EXPECT_EQ(result.ServerErrors(), 0)
      << (result.sample_errors.empty() ? "" : result.sample_errors[0]);
  EXPECT_EQ(result.no_answer, 0);
  EXPECT_EQ(result.fetch_mismatches, 0);
  EXPECT_EQ(result.Created(), static_cast<int64_t>(result.acknowledged.size()));
  EXPECT_GT(result.Created(), 100);

  // Every acknowledged document, after the run, from a fresh connection.
  HttpClient check(server.port(), token);
  int64_t missing = 0;
  for (const Acknowledged& a : result.acknowledged) {
    HttpReply pdf = check.Get(a.pdf_path);
    if (pdf.status != 200 || core::Sha256Hex(pdf.body) != a.sha256) ++missing;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(server.Terminate(), 0) << server.Stderr();
}

}  // namespace
}  // namespace beian::e2e
