// SPDX-License-Identifier: MPL-2.0
#include "app/base/metrics.h"

#include <algorithm>

#include <fmt/format.h>

namespace crashbox::base {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i =
      std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  std::lock_guard<std::mutex> lock(mu_);
  counts_[i]++;
  sum_ += v;
  count_++;
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t acc = 0;
  for (uint64_t c : counts_) {
    acc += c;
    s.cumulative.push_back(acc);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> LatencyBucketsMs() {
  return {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};
}
std::vector<double> SizeBucketsBytes() {
  std::vector<double> b;
  for (double v = 1024; v <= 256.0 * 1024 * 1024; v *= 4) b.push_back(v);
  return b;
}

namespace {
std::string PromName(std::string_view name) {
  std::string out = "crashbox_";
  for (char c : name) out.push_back((c == '.' || c == '-') ? '_' : c);
  return out;
}
}  // namespace

std::string PromLabelValue(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

Counter* MetricsRegistry::GetCounter(std::string_view name,
                                     std::string_view labels,
                                     std::string_view help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end())
    it = families_.emplace(std::string(name), Family{}).first;
  Family& f = it->second;
  f.type = "counter";
  if (f.help.empty()) f.help = help;
  auto& slot = f.counters[std::string(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Histogram* MetricsRegistry::GetHistogram(std::string_view name,
                                         std::vector<double> (*buckets)(),
                                         std::string_view labels,
                                         std::string_view help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end())
    it = families_.emplace(std::string(name), Family{}).first;
  Family& f = it->second;
  f.type = "histogram";
  if (f.help.empty()) f.help = help;
  auto& slot = f.histograms[std::string(labels)];
  if (!slot) slot = std::make_unique<Histogram>(buckets());
  return slot.get();
}

void MetricsRegistry::SetGauge(std::string_view name, double value,
                               std::string_view help) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end())
    it = families_.emplace(std::string(name), Family{}).first;
  it->second.type = "gauge";
  if (it->second.help.empty()) it->second.help = help;
  it->second.gauge = value;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [raw_name, f] : families_) {
    std::string name = PromName(raw_name);
    if (f.type == "counter") name += "_total";
    if (!f.help.empty()) out += fmt::format("# HELP {} {}\n", name, f.help);
    out += fmt::format("# TYPE {} {}\n", name, f.type);
    if (f.type == "gauge") {
      out += fmt::format("{} {}\n", name, f.gauge);
    }
    for (const auto& [labels, c] : f.counters) {
      out += labels.empty()
                 ? fmt::format("{} {}\n", name, c->value())
                 : fmt::format("{}{{{}}} {}\n", name, labels, c->value());
    }
    for (const auto& [labels, h] : f.histograms) {
      Histogram::Snapshot s = h->Read();
      std::string sep = labels.empty() ? "" : ",";
      for (size_t i = 0; i < s.bounds.size(); ++i) {
        out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep,
                           s.bounds[i], s.cumulative[i]);
      }
      out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep,
                         s.cumulative.back());
      std::string lb = labels.empty() ? "" : fmt::format("{{{}}}", labels);
      out += fmt::format("{}_sum{} {}\n", name, lb, s.sum);
      out += fmt::format("{}_count{} {}\n", name, lb, s.count);
    }
  }
  return out;
}

}  // namespace crashbox::base
