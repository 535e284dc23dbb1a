#include "beian/api/metrics.h"

#include <thread>

#include "gtest/gtest.h"

namespace beian::api {
namespace {

TEST(MetricsTest, CountersAndGaugesInExpositionFormat) {
  Metrics metrics;
  auto rendered = metrics.GetCounter("beian_documents_rendered_total",
                                     "Documents rendered.", {{"kind", "contract"}});
  ASSERT_TRUE(rendered.ok());
  (*rendered)->Increment();
  (*rendered)->Increment(2);
  (*rendered)->Increment(-5);  // ignored
  auto bytes = metrics.GetCounter("beian_archived_bytes_total", "Bytes archived.");
  ASSERT_TRUE(bytes.ok());
  (*bytes)->Increment(1048576);
  auto queue = metrics.GetGauge("beian_queue_depth", "Jobs waiting.\nSecond line");
  ASSERT_TRUE(queue.ok());
  (*queue)->Set(3);
  (*queue)->Add(-0.5);
  // The same series again is the same object.
  EXPECT_EQ(*metrics.GetCounter("beian_documents_rendered_total", "x",
                                {{"kind", "contract"}}),
            *rendered);
  EXPECT_EQ(metrics.PrometheusText(),
            "# HELP beian_archived_bytes_total Bytes archived.\n"
            "# TYPE beian_archived_bytes_total counter\n"
            "beian_archived_bytes_total 1048576\n"
            "# HELP beian_documents_rendered_total Documents rendered.\n"
            "# TYPE beian_documents_rendered_total counter\n"
            "beian_documents_rendered_total{kind=\"contract\"} 3\n"
            "# HELP beian_queue_depth Jobs waiting.\\nSecond line\n"
            "# TYPE beian_queue_depth gauge\n"
            "beian_queue_depth 2.5\n");
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics metrics;
  ASSERT_TRUE(metrics.GetCounter("c_total", "h", {{"v", "a\"b\\c\nd"}}).ok());
  EXPECT_NE(metrics.PrometheusText().find("c_total{v=\"a\\\"b\\\\c\\nd\"} 0\n"),
            std::string::npos)
      << metrics.PrometheusText();
}

TEST(MetricsTest, RejectsBadNamesAndTypeConflicts) {
  Metrics metrics;
  EXPECT_FALSE(metrics.GetCounter("1bad", "h").ok());
  EXPECT_FALSE(metrics.GetCounter("bad-name", "h").ok());
  EXPECT_FALSE(metrics.GetCounter("ok_total", "h", {{"__x", "1"}}).ok());
  EXPECT_FALSE(metrics.GetCounter("ok_total", "h", {{"a", "1"}, {"a", "2"}}).ok());
  ASSERT_TRUE(metrics.GetCounter("thing", "h").ok());
  EXPECT_FALSE(metrics.GetGauge("thing", "h").ok());
  EXPECT_FALSE(metrics.GetHistogram("h", "h", {2, 1}).ok());
  EXPECT_FALSE(metrics.GetHistogram("h", "h", {1}, {{"le", "x"}}).ok());
  ASSERT_TRUE(metrics.GetHistogram("h", "h", {1, 2}).ok());
  EXPECT_FALSE(metrics.GetHistogram("h", "h", {1, 3}).ok());
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Metrics metrics;
  auto h = metrics.GetHistogram("lat_seconds", "Latency.", {0.1, 1});
  ASSERT_TRUE(h.ok());
  (*h)->Observe(0.05);
  (*h)->Observe(0.1);  // le is inclusive
  (*h)->Observe(0.5);
  (*h)->Observe(7);
  EXPECT_EQ(metrics.PrometheusText(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{le=\"0.1\"} 2\n"
            "lat_seconds_bucket{le=\"1\"} 3\n"
            "lat_seconds_bucket{le=\"+Inf\"} 4\n"
            "lat_seconds_sum 7.65\n"
            "lat_seconds_count 4\n");
}

TEST(MetricsTest, RecordRequestUsesDefaultBuckets) {
  Metrics metrics;
  metrics.RecordRequest("/v1/x/{id}", "GET", 200, 0.02);
  std::string text = metrics.PrometheusText();
  for (const char* le : {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5",
                         "1", "2.5", "5", "10", "+Inf"}) {
    EXPECT_NE(text.find(std::string("le=\"") + le + "\""), std::string::npos) << le;
  }
  EXPECT_NE(text.find("beian_http_request_duration_seconds_bucket{route=\"/v1/x/"
                      "{id}\",method=\"GET\",le=\"0.01\"} 0\n"),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_request_duration_seconds_bucket{route=\"/v1/x/"
                      "{id}\",method=\"GET\",le=\"0.025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("beian_http_requests_total{route=\"/v1/x/{id}\",method="
                      "\"GET\",status=\"200\"} 1\n"),
            std::string::npos);
}

// Regression: a method equal to an ID number became a label value, and
// random methods grew a scrape without bound.
TEST(MetricsTest, RecordRequestLabelsUnknownMethodsOther) {
  Metrics metrics;
  for (const char* method : {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
                             "OPTIONS", "TRACE", "CONNECT", "-"}) {
    metrics.RecordRequest("unmatched", method, 404, 0.001);
  }
  for (const char* method : {"110105197103143253", "get", "PROPFIND", "X\"Y"}) {
    metrics.RecordRequest("unmatched", method, 405, 0.001);
  }
  std::string text = metrics.PrometheusText();
  EXPECT_NE(text.find("beian_http_requests_total{route=\"unmatched\",method="
                      "\"OTHER\",status=\"405\"} 4\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("method=\"PATCH\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("method=\"-\",status=\"404\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("110105197103143253"), std::string::npos);
  EXPECT_EQ(text.find("PROPFIND"), std::string::npos);
  EXPECT_EQ(text.find("method=\"get\""), std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  Metrics metrics;
  Counter* counter = *metrics.GetCounter("n_total", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter->Increment();
        metrics.RecordRequest("r", "GET", 200, 0.001);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter->value(), 40000);
  EXPECT_NE(metrics.PrometheusText().find("status=\"200\"} 40000\n"),
            std::string::npos);
}

}  // namespace
}  // namespace beian::api
