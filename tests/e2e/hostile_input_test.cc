// Hostile input against the real `beian serve`: uploads that crash, stall or
// exhaust a parser end in a 4xx JSON error within their deadline, `/healthz`
// keeps answering, and the server process neither dies nor swells.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "beian/core/json.h"
#include "beian_server.h"
#include "hostile_files.h"
#include "http_client.h"
#include "process.h"

namespace beian::e2e {
namespace {

using beian::testing::HttpClient;
using beian::testing::HttpReply;
using beian::testing::TempDir;
using namespace std::chrono_literals;


// Issues the example commitment letter; its path, or "" (with a failure).
std::string IssueExampleLetter(HttpClient& client) {
  core::Json body = core::Json::MakeObject();
  body.Set("kind", "commitment-letter");
  body.Set("data", client.Get("/v1/kinds/commitment-letter/example").Json());
  HttpReply issued = client.PostJson("/v1/documents", body);
  EXPECT_EQ(issued.status, 201) << issued.body;
  if (issued.status != 201) return "";
  return "/v1/documents/" + std::to_string(issued.Json().Find("id")->as_int());
}

// Asks /healthz every 20 ms from its own connection while it lives; the
// slowest answers are what others see while the server is under attack.
class HealthProbe {
 public:
  explicit HealthProbe(uint16_t port)
      : thread_([this, port] {
          HttpClient client(port);
          while (!stop_) {
            const auto start = std::chrono::steady_clock::now();
            const HttpReply r = client.Get("/healthz");
            const auto took = std::chrono::steady_clock::now() - start;
            latencies_.push_back(std::chrono::duration<double, std::milli>(took).count());
            if (r.status != 200) ++failures_;
            std::this_thread::sleep_for(20ms);
          }
        }) {}
  ~HealthProbe() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  double P99() {
    Stop();
    std::vector<double> v = latencies_;
    if (v.empty()) return 1e9;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, v.size() * 99 / 100)];
  }
  size_t count() const { return latencies_.size(); }
  int failures() const { return failures_; }

 private:
  std::atomic<bool> stop_{false};
  std::vector<double> latencies_;
  int failures_ = 0;
  std::thread thread_;
};

struct HostileUpload {
  const char* what;
  std::string bytes;
  const char* content_type;
  const char* reason;  // in the English half of the message
};

// Starts a server with `config`, sends each upload as a submitted copy while
// /healthz is probed, and checks the answers, the probe and the server.
void ExpectRefusedWhileServing(const std::string& config_json, const std::vector<HostileUpload>& uploads) {
  TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string admin = CreateToken(data, {"--role", "admin"});
  const std::string config = dir.path() + "/serve.json";
  std::ofstream(config) << config_json;
  BeianServer server(data, {"--config", config});
  ASSERT_NE(server.port(), 0) << server.Stderr();
  HttpClient client(server.port(), admin);
  const std::string document = IssueExampleLetter(client);
  ASSERT_FALSE(document.empty());
  const std::string copies = document + "/submitted-copies";
  auto stored_copies = [&] { return client.Get(document).Json().Find("signed_copies")->as_array().size(); };

  HealthProbe probe(server.port());
  for (const HostileUpload& u : uploads) {
    SCOPED_TRACE(u.what);
    const auto start = std::chrono::steady_clock::now();
    HttpReply r = client.Post(copies, u.bytes, u.content_type);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.ErrorCode(), "unreadable_upload") << r.body;
    EXPECT_NE(r.body.find(u.reason), std::string::npos) << r.body;
    EXPECT_LT(took, 5s);
  }
  // Nothing was stored; a good scan still is.
  EXPECT_EQ(stored_copies(), 0u);
  EXPECT_EQ(client.Post(copies, testing::WhitePng(200, 280), "image/png").status, 201);
  EXPECT_EQ(stored_copies(), 1u);

  EXPECT_LT(probe.P99(), 100.0) << "healthz p99 over " << probe.count() << " probes";
  EXPECT_EQ(probe.failures(), 0);
  EXPECT_TRUE(server.Running());
  if (!kSanitizedBuild) { EXPECT_LT(server.PeakRssMb(), 400.0); }
}

TEST(HostileUploadTest, ParserCrashesAndStallsAre422AndTheServerStaysUp) {
  ExpectRefusedWhileServing(
      R"({"upload_deadline_ms": 500})",
      {{"dictionaries nested 200,000 deep in an object stream", testing::PdfNestedInObjectStream(200000),
        "application/pdf", kSanitizedBuild ? "forbidden system call" : "crashed"},
       {"a dictionary of 1,000,000 keys: seconds of parsing", testing::PdfWithLargeDictionary(1000000),
        "application/pdf",
        "took longer than 0.5 s"}});
}

TEST(HostileUploadTest, AnUploadBeyondTheMemoryLimitIs422AndTheServerStaysUp) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "sanitized builds set no address-space limit";
#endif
  ExpectRefusedWhileServing(R"({"upload_memory_mb": 64})",
                            {{"25 megapixels of PNG with alpha under a 64 MB limit",
                              testing::WhitePng(5000, 5000, /*alpha=*/true), "image/png", "memory"}});
}

// Another local user can read nothing of the archive: every folder 0700,
// every file without group or other bits.
TEST(ArchiveFilesTest, TheArchiveIsForItsOwnerAlone) {
  TempDir dir;
  const std::string data = dir.path() + "/var";
  const std::string admin = CreateToken(data, {"--role", "admin"});
  {
    BeianServer server(data, {"--access-log", dir.path() + "/var/access.log"});
    ASSERT_NE(server.port(), 0) << server.Stderr();
    HttpClient client(server.port(), admin);
    const std::string document = IssueExampleLetter(client);
    ASSERT_FALSE(document.empty());
    const std::string copies = document + "/submitted-copies";
    ASSERT_EQ(client.Post(copies, testing::WhitePng(200, 280), "image/png").status, 201);
  }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
    struct stat st;
    ASSERT_EQ(::stat(entry.path().c_str(), &st), 0);
    if (S_ISDIR(st.st_mode)) {
      EXPECT_EQ(st.st_mode & 0777, 0700u) << entry.path();
    } else {
      ++files;
      EXPECT_EQ(st.st_mode & 077, 0u) << entry.path() << " mode " << std::oct << (st.st_mode & 0777);
    }
  }
  struct stat top;
  ASSERT_EQ(::stat(data.c_str(), &top), 0);
  EXPECT_EQ(top.st_mode & 0777, 0700u);
  EXPECT_GE(files, 5);  // catalog, its log, the key, the blobs, the access log
}

}  // namespace
}  // namespace beian::e2e
