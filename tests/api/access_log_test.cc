#include "beian/api/access_log.h"

#include <sstream>
#include <thread>

#include "beian/core/json.h"
#include "gtest/gtest.h"

namespace beian::api {
namespace {

AccessLogEntry SampleEntry() {
  AccessLogEntry entry;
  entry.time = std::chrono::system_clock::time_point(
      std::chrono::milliseconds(1714552200123));  // 2024-05-01T08:30:00.123Z
  entry.request_id = "abc-1";
  entry.remote = "127.0.0.1:5000";
  entry.method = "GET";
  entry.target = "/v1/documents/110105197103143253?x=1";
  entry.route = "/v1/documents/{id}";
  entry.status = 200;
  entry.bytes_in = 0;
  entry.bytes_out = 1234;
  entry.duration_ms = 1.23456;
  entry.fields = {{"user", "11010519710314325X"}, {"status", "forged"}};
  return entry;
}

TEST(AccessLogTest, FormatsOneMaskedJsonObject) {
  std::string line = FormatAccessLogLine(SampleEntry());
  EXPECT_EQ(line,
            "{\"time\":\"2024-05-01T08:30:00.123Z\",\"id\":\"abc-1\","
            "\"remote\":\"127.0.0.1:5000\",\"method\":\"GET\","
            "\"path\":\"/v1/documents/110105********3253?x=1\","
            "\"route\":\"/v1/documents/{id}\",\"status\":200,\"bytes_in\":0,"
            "\"bytes_out\":1234,\"duration_ms\":1.235,"
            "\"user\":\"110105********325X\"}");
  EXPECT_TRUE(core::ParseJson(line).ok());
}

TEST(AccessLogTest, MasksPercentEncodedIdNumbers) {
  AccessLogEntry entry = SampleEntry();
  entry.target = "/v1/x?owner=%31%31%30%31%30%35%31%39%37%31%30%33%31%34%33%32%35%33";
  std::string line = FormatAccessLogLine(entry);
  EXPECT_NE(line.find("owner=110105********3253"), std::string::npos) << line;
  EXPECT_EQ(line.find("%31%31%30"), std::string::npos);
}

TEST(AccessLogTest, ConcurrentWritesGiveWholeLines) {
  std::ostringstream out;
  AccessLog log(&out);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) log.Write(SampleEntry());
    });
  }
  for (auto& thread : threads) thread.join();
  std::istringstream in(out.str());
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    ASSERT_TRUE(core::ParseJson(line).ok()) << line;
    ++count;
  }
  EXPECT_EQ(count, 800);
}

}  // namespace
}  // namespace beian::api
