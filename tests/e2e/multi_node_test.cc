// Several nodes behind a load balancer: three `beian serve` processes share
// one PostgreSQL catalog and one blob folder behind Debian's nginx, as a city
// would run beian. 16 clients issue documents through nginx for 30 s while one
// node is killed: no 5xx, every acknowledged document is served by every
// remaining node with the bytes it was acknowledged with, no number is given
// twice, and every serial is a document, a recorded void or an allocation
// still in flight (verify is clean).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "beian/core/digest.h"
#include "beian/core/json.h"
#include "beian_server.h"
#include "http_client.h"
#include "load.h"
#include "nginx.h"
#include "process.h"
#include "test_catalog.h"

namespace beian::e2e {
namespace {

using beian::testing::HttpClient;
using beian::testing::HttpReply;
using beian::testing::TempDir;

TEST(MultiNodeTest, ThreeNodesBehindNginxLoseNothingWhenOneIsKilled) {
  ASSERT_TRUE(beian::testing::OnPostgres()) << "needs the PostgreSQL cluster (BEIAN_TEST_POSTGRES)";
  ASSERT_EQ(::access("/usr/sbin/nginx", X_OK), 0) << "needs Debian's nginx";
  TempDir dir;
  const std::string data = dir.path() + "/shared";  // the blob folder every node shares
  const std::string token = CreateToken(data, {"--role", "admin"});
  ASSERT_FALSE(token.empty());
  std::vector<std::unique_ptr<BeianServer>> nodes;
  std::vector<uint16_t> ports;
  for (int i = 0; i < 3; ++i) {
    nodes.push_back(std::make_unique<BeianServer>(data));
    ASSERT_NE(nodes.back()->port(), 0) << nodes.back()->Stderr();
    ports.push_back(nodes.back()->port());
  }
  Nginx nginx(dir.path(), ports);
  ASSERT_NE(nginx.port(), 0) << nginx.ErrorLog();

  // Two kinds: a one-page letter and the multi-page verification form.
  HttpClient setup(nginx.port(), token);
  std::vector<std::string> bodies;
  for (const char* kind : {"commitment-letter", "qualification-verification"}) {
    core::Json body = core::Json::MakeObject();
    body.Set("kind", kind);
    body.Set("data", setup.Get(std::string("/v1/kinds/") + kind + "/example").Json());
    bodies.push_back(core::WriteJson(body));
  }

  LoadOptions options;
  options.clients = 16;
  options.duration = std::chrono::seconds(30);
  options.idempotency_keys = true;
  std::thread killer([&] {
    std::this_thread::sleep_for(std::chrono::seconds(10));
    ::kill(nodes[1]->pid(), SIGKILL);
  });
  LoadResult result = RunLoad(nginx.port(), token, bodies, options);
  killer.join();
  std::printf("3 nodes behind nginx, one killed at 10 s: %lld created, %lld replayed in %.1f s (%.1f/s), p50 %.1f ms, "
              "p99 %.1f ms\n",
              static_cast<long long>(result.Created()), static_cast<long long>(result.Replayed()), result.seconds,
              static_cast<double>(result.Created()) / result.seconds, Quantile(result.create_ms, 0.5),
              Quantile(result.create_ms, 0.99));

  EXPECT_EQ(result.ServerErrors(), 0) << (result.sample_errors.empty() ? "" : result.sample_errors[0]) << "\n"
                                      << nginx.ErrorLog();
  EXPECT_EQ(result.no_answer, 0);
  EXPECT_EQ(result.fetch_mismatches, 0);
  EXPECT_GT(result.Created(), 50);
  EXPECT_EQ(result.Created() + result.Replayed(), static_cast<int64_t>(result.acknowledged.size()));

  // No number twice.
  std::set<std::string> numbers;
  for (const Acknowledged& a : result.acknowledged) numbers.insert(a.number);
  EXPECT_EQ(numbers.size(), result.acknowledged.size());

  // Every acknowledged document from each living node directly, byte for byte.
  for (int i : {0, 2}) {
    HttpClient node(nodes[i]->port(), token);
    int64_t missing = 0;
    for (const Acknowledged& a : result.acknowledged) {
      HttpReply pdf = node.Get(a.pdf_path);
      if (pdf.status != 200 || core::Sha256Hex(pdf.body) != a.sha256) ++missing;
    }
    EXPECT_EQ(missing, 0) << "node " << i;
  }

  // The killed node comes back on the same catalog and folder and serves
  // them too; verify finds every serial a document, a void or in flight.
  nodes[1] = std::make_unique<BeianServer>(data);
  ASSERT_NE(nodes[1]->port(), 0) << nodes[1]->Stderr();
  HttpClient back(nodes[1]->port(), token);
  for (const Acknowledged& a : result.acknowledged) {
    HttpReply pdf = back.Get(a.pdf_path);
    ASSERT_EQ(pdf.status, 200) << a.number;
    ASSERT_EQ(core::Sha256Hex(pdf.body), a.sha256) << a.number;
  }
  for (auto& node : nodes) EXPECT_EQ(node->Terminate(), 0) << node->Stderr();
  nodes.clear();
  std::vector<std::string> verify = {BeianBinary()};
  for (const std::string& a : beian::testing::DataArguments(data)) verify.push_back(a);
  for (const char* a : {"archive", "verify"}) verify.push_back(a);
  const beian::testing::ProcessResult verified = beian::testing::Run(verify);
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(verified.out.find("serial-unaccounted"), std::string::npos) << verified.out;
}

}  // namespace
}  // namespace beian::e2e
