// SPDX-License-Identifier: MPL-2.0
// In-process metrics, rendered in Prometheus' text exposition format at
// /metrics. Names follow Antenna's statsd metrics with dots turned into
// underscores under a `crashbox_` prefix, e.g. statsd
// `collector.breakpad_resource.malformed` tagged `reason:no_boundary` becomes
// `crashbox_collector_breakpad_resource_malformed_total{reason="no_boundary"}`.
//
// Thread-safe. Counters and histograms are created on first use and live as
// long as the registry; hot paths keep the returned pointers.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "app/base/thread_annotations.h"

namespace crashbox::base {

class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Fixed-bucket histogram (upper bounds inclusive, as Prometheus' `le`).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_ CB_GUARDED_BY(mu_);
  double sum_ CB_GUARDED_BY(mu_) = 0;
  uint64_t count_ CB_GUARDED_BY(mu_) = 0;
};

// Bucket sets.
std::vector<double> LatencyBucketsMs();  // 1 ms .. 30 s
std::vector<double> SizeBucketsBytes();  // 1 KiB .. 256 MiB

class MetricsRegistry {
 public:
  // `name` without prefix or suffix, e.g.
  // "collector.breakpad_resource.malformed"; `labels` like
  // `reason="no_boundary"` (already escaped), may be empty.
  Counter* GetCounter(std::string_view name, std::string_view labels = {},
                      std::string_view help = {});
  Histogram* GetHistogram(std::string_view name,
                          std::vector<double> (*buckets)(),
                          std::string_view labels = {},
                          std::string_view help = {});
  // A value computed at scrape time (queue depth and the like).
  void SetGauge(std::string_view name, double value,
                std::string_view help = {});

  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string help;
    std::string type;  // counter | histogram | gauge
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    double gauge = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_ CB_GUARDED_BY(mu_);
};

// Escapes a label value for the exposition format.
std::string PromLabelValue(std::string_view v);

}  // namespace crashbox::base
