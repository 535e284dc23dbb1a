#include "beian/api/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace beian::api {
namespace {

void AtomicAdd(std::atomic<double>& target, double amount) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + amount,
                                       std::memory_order_relaxed)) {
  }
}

bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// A number in the exposition format: integers without a fraction, others in
// shortest round-trip form, independent of the locale.
std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  std::to_chars_result result;
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    result = std::to_chars(buffer, buffer + sizeof buffer,
                           static_cast<long long>(value));
  } else {
    result = std::to_chars(buffer, buffer + sizeof buffer, value);
  }
  return std::string(buffer, result.ptr);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// "{a="x",b="y"}" with `extra` (already formatted, e.g. le="0.5") last; ""
// when there are no labels at all.
std::string FormatLabels(const Labels& labels, std::string_view extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name;
    out += "=\"";
    out += EscapeLabelValue(value);
    out += '"';
  }
  if (!extra.empty()) {
    if (out.size() > 1) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

// The method as a label: one of the methods HTTP defines (RFC 9110 and
// PATCH), "-" for a request whose method was never read, else "OTHER", so
// that a client cannot add label values (or put text of its own in them).
std::string_view MethodLabel(std::string_view method) {
  static constexpr std::string_view kKnown[] = {
      "GET",     "HEAD",    "POST",  "PUT",   "DELETE",
      "CONNECT", "OPTIONS", "TRACE", "PATCH", "-"};
  for (std::string_view known : kKnown) {
    if (method == known) return known;
  }
  return "OTHER";
}

}  // namespace

void Counter::Increment(double amount) {
  if (!(amount > 0)) return;
  AtomicAdd(value_, amount);
}

void Gauge::Add(double amount) { AtomicAdd(value_, amount); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;
  size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) -
             bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

uint64_t Histogram::CumulativeCount(size_t i) const {
  uint64_t total = 0;
  for (size_t k = 0; k <= i && k <= bounds_.size(); ++k) {
    total += buckets_[k].load(std::memory_order_relaxed);
  }
  return total;
}

const std::vector<double>& DefaultLatencyBuckets() {
  static const std::vector<double> kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return kBuckets;
}

struct Metrics::Family {
  std::string name;
  std::string help;
  Type type;
  std::vector<double> bounds;  // histograms only
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

core::Result<Metrics::Family*> Metrics::GetFamily(
    std::string_view name, std::string_view help, Type type,
    const Labels& labels, const std::vector<double>* bounds) {
  if (!IsMetricName(name)) {
    return core::InvalidArgument("invalid metric name: " + std::string(name));
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string& label = labels[i].first;
    if (!IsLabelName(label) || (type == Type::kHistogram && label == "le")) {
      return core::InvalidArgument("invalid label name " + label +
                                   " for metric " + std::string(name));
    }
    for (size_t k = 0; k < i; ++k) {
      if (labels[k].first == label) {
        return core::InvalidArgument("repeated label " + label +
                                     " for metric " + std::string(name));
      }
    }
  }
  if (bounds) {
    for (size_t i = 0; i < bounds->size(); ++i) {
      if (!std::isfinite((*bounds)[i]) ||
          (i > 0 && !((*bounds)[i - 1] < (*bounds)[i]))) {
        return core::InvalidArgument(
            "histogram bounds must be finite and increasing: " +
            std::string(name));
      }
    }
  }
  // mu_ is held by the caller.
  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->name = std::string(name);
    family->help = std::string(help);
    family->type = type;
    if (bounds) family->bounds = *bounds;
    it = families_.emplace(family->name, std::move(family)).first;
  }
  Family* family = it->second.get();
  if (family->type != type) {
    return core::InvalidArgument("metric " + std::string(name) +
                                 " is already registered with another type");
  }
  if (bounds && family->bounds != *bounds) {
    return core::InvalidArgument("metric " + std::string(name) +
                                 " is already registered with other buckets");
  }
  return family;
}

core::Result<Counter*> Metrics::GetCounter(std::string_view name,
                                           std::string_view help,
                                           const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  BEIAN_ASSIGN_OR_RETURN(Family * family,
                         GetFamily(name, help, Type::kCounter, labels, nullptr));
  auto& slot = family->counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

core::Result<Gauge*> Metrics::GetGauge(std::string_view name,
                                       std::string_view help,
                                       const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  BEIAN_ASSIGN_OR_RETURN(Family * family,
                         GetFamily(name, help, Type::kGauge, labels, nullptr));
  auto& slot = family->gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

core::Result<Histogram*> Metrics::GetHistogram(
    std::string_view name, std::string_view help,
    const std::vector<double>& upper_bounds, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  BEIAN_ASSIGN_OR_RETURN(
      Family * family,
      GetFamily(name, help, Type::kHistogram, labels, &upper_bounds));
  auto& slot = family->histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(family->bounds);
  return slot.get();
}

void Metrics::RecordRequest(std::string_view route, std::string_view method,
                            int status, double duration_seconds) {
  Labels labels = {{"route", std::string(route)},
                   {"method", std::string(MethodLabel(method))}};
  auto histogram = GetHistogram(
      "beian_http_request_duration_seconds",
      "Time from the first request byte to the last response byte, by route.",
      DefaultLatencyBuckets(), labels);
  labels.emplace_back("status", std::to_string(status));
  auto counter = GetCounter("beian_http_requests_total",
                            "HTTP requests served, by route, method and status.",
                            labels);
  // Both names and label sets are fixed and valid, so these cannot fail.
  if (histogram.ok()) (*histogram)->Observe(duration_seconds);
  if (counter.ok()) (*counter)->Increment();
}

std::string Metrics::PrometheusText() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + EscapeHelp(family->help) + "\n";
    switch (family->type) {
      case Type::kCounter:
        out += "# TYPE " + name + " counter\n";
        for (const auto& [labels, counter] : family->counters) {
          out += name + FormatLabels(labels) + " " +
                 FormatNumber(counter->value()) + "\n";
        }
        break;
      case Type::kGauge:
        out += "# TYPE " + name + " gauge\n";
        for (const auto& [labels, gauge] : family->gauges) {
          out += name + FormatLabels(labels) + " " +
                 FormatNumber(gauge->value()) + "\n";
        }
        break;
      case Type::kHistogram:
        out += "# TYPE " + name + " histogram\n";
        for (const auto& [labels, histogram] : family->histograms) {
          // _count is written as the +Inf bucket so that the two agree even
          // while requests are being recorded.
          const auto& bounds = histogram->upper_bounds();
          uint64_t cumulative = 0;
          for (size_t i = 0; i <= bounds.size(); ++i) {
            cumulative = histogram->CumulativeCount(i);
            std::string le =
                i < bounds.size() ? FormatNumber(bounds[i]) : "+Inf";
            out += name + "_bucket" +
                   FormatLabels(labels, "le=\"" + le + "\"") + " " +
                   std::to_string(cumulative) + "\n";
          }
          out += name + "_sum" + FormatLabels(labels) + " " +
                 FormatNumber(histogram->sum()) + "\n";
          out += name + "_count" + FormatLabels(labels) + " " +
                 std::to_string(cumulative) + "\n";
        }
        break;
    }
  }
  return out;
}

Handler MetricsHandler(const Metrics* metrics) {
  return [metrics](const Request&) {
    return Response::Bytes(200, metrics->PrometheusText(),
                           "text/plain; version=0.0.4; charset=utf-8");
  };
}

}  // namespace beian::api
