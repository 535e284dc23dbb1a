#ifndef BEIAN_API_METRICS_H_
#define BEIAN_API_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "beian/api/router.h"
#include "beian/core/status.h"

namespace beian::api {

// Label name/value pairs of one time series, e.g. {{"route", "/v1/x"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing value. Thread-safe, lock-free.
class Counter {
 public:
  // Adds `amount`; negative amounts and NaN are ignored (counters only grow).
  void Increment(double amount = 1);
  // The current value.
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that can go up and down. Thread-safe, lock-free.
class Gauge {
 public:
  // Replaces the value.
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  // Adds `amount` (may be negative).
  void Add(double amount);
  // The current value.
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into cumulative buckets. Thread-safe, lock-free.
class Histogram {
 public:
  // A histogram with the given upper bounds (sorted, finite, unique; +Inf is
  // implicit).
  explicit Histogram(std::vector<double> upper_bounds);
  // Records one observation (NaN is ignored).
  void Observe(double value);
  // The upper bounds, without +Inf.
  const std::vector<double>& upper_bounds() const { return bounds_; }
  // Observations <= upper_bounds()[i] (cumulative); i == size() is +Inf.
  uint64_t CumulativeCount(size_t i) const;
  // Number of observations.
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  // Sum of observations.
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // non-cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds: 0.005 0.01 0.025 0.05 0.1 0.25 0.5 1 2.5 5 10.
const std::vector<double>& DefaultLatencyBuckets();

// A registry of metric families, rendered in the Prometheus text exposition
// format (version 0.0.4). Getting a series registers it on first use and
// returns the same object afterwards; returned pointers stay valid for the
// registry's lifetime, so hot paths should keep them. Thread-safe.
//
// The server records, for every request:
//   beian_http_requests_total{route,method,status}            counter
//   beian_http_request_duration_seconds{route,method}         histogram
// where route is the route name (never the raw path; "unmatched" for paths no
// route matches) and method one of a fixed set (see RecordRequest), so the
// number of series is bounded whatever clients send.
class Metrics {
 public:
  // An empty registry.
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The counter `name`{labels}. Errors (kInvalidArgument): an invalid metric
  // or label name, a repeated label name, or `name` already registered as
  // another type. `help` is kept from the first registration of the name.
  core::Result<Counter*> GetCounter(std::string_view name,
                                    std::string_view help,
                                    const Labels& labels = {});
  // The gauge `name`{labels}; errors as GetCounter.
  core::Result<Gauge*> GetGauge(std::string_view name, std::string_view help,
                                const Labels& labels = {});
  // The histogram `name`{labels} with `upper_bounds` (see Histogram); errors
  // as GetCounter, and also for unsorted or non-finite bounds, a label named
  // "le", or bounds different from the name's first registration.
  core::Result<Histogram*> GetHistogram(std::string_view name,
                                        std::string_view help,
                                        const std::vector<double>& upper_bounds,
                                        const Labels& labels = {});

  // Records one HTTP request in the two beian_http_* families above.
  // `route` must come from a fixed set (the router's route names and
  // "unmatched"); `method` is recorded as itself if it is GET, HEAD, POST,
  // PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH or "-" (never read), else as
  // "OTHER".
  void RecordRequest(std::string_view route, std::string_view method,
                     int status, double duration_seconds);

  // Every family sorted by name, each with "# HELP" and "# TYPE" lines, then
  // its series sorted by labels; label values escaped (\\, \", \n); numbers
  // in the C locale; histograms as _bucket{le=...} (cumulative, ending with
  // le="+Inf"), _sum and _count.
  std::string PrometheusText() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family;

  core::Result<Family*> GetFamily(std::string_view name, std::string_view help,
                                  Type type, const Labels& labels,
                                  const std::vector<double>* bounds);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
};

// A handler serving `metrics` as text/plain; version=0.0.4. `metrics` must
// outlive the handler.
Handler MetricsHandler(const Metrics* metrics);

}  // namespace beian::api

#endif  // BEIAN_API_METRICS_H_
