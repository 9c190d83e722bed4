// SPDX-License-Identifier: MPL-2.0
// search_bench: Super Search's executor (app/search/execute.h) on a synthetic
// index. Fills the index once (--rows crashes over 30 days: 3 products, 5
// versions each, ~20,000 signatures with a long tail, 3 platforms), then
// runs each workload --runs times and prints its median and worst latency:
//   topcrashers    signature facet of one product+version over 7 days,
//                  _results_number=0
//   facet_aggs     signature facet with two filters + _aggs.signature.platform
//   contains       signature=~<substring>
//   histogram      date histogram over 30 days
//   page           50 rows sorted by -date
//
//   search_bench --db /tmp/search.sqlite --rows 1000000 --runs 15
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/base/iso_time.h"
#include "app/search/execute.h"
#include "app/search/query.h"
#include "store/sqlite/search_index.h"

namespace {

using namespace crashbox;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr int64_t kNow = 1715083200;  // 2024-05-07T12:00:00Z

std::string Iso(int64_t micros) {
  return base::IsoTimestampMicros(
      std::chrono::system_clock::time_point(std::chrono::microseconds(micros)));
}

void Fill(store::sqlite::SearchIndex& index, int64_t rows) {
  std::mt19937_64 rng(42);
  const char* products[] = {"Firefox", "Firefox", "Firefox", "Thunderbird",
                            "Fenix"};
  const char* platforms[] = {"Windows NT", "Windows NT", "Linux", "Mac OS X"};
  const char* ptypes[] = {"parent", "content", "content", "gpu"};
  const char* modules[] = {"xul.dll",   "ntdll.dll",    "libxul.so",
                           "libc.so.6", "kernel32.dll", "XUL"};
  std::vector<json> batch;
  std::vector<std::string> ids;
  const int kBatch = 5000;
  for (int64_t i = 0; i < rows; i += kBatch) {
    batch.clear();
    ids.clear();
    for (int64_t j = i; j < std::min(rows, i + kBatch); ++j) {
      // Zipf-ish: a few signatures are most of the crashes.
      double u = std::uniform_real_distribution<double>(0, 1)(rng);
      int sig = static_cast<int>(20000 * u * u * u);
      int64_t at = (kNow - 30 * 86400) * 1'000'000 +
                   static_cast<int64_t>(rng() % (30ull * 86400 * 1'000'000));
      std::string version = std::to_string(124 + rng() % 5) + ".0";
      batch.push_back(
          {{"signature", "mozilla::dom::Function" + std::to_string(sig) +
                             " | js::RunScript"},
           {"product", products[rng() % 5]},
           {"version", version},
           {"os_name", platforms[rng() % 4]},
           {"process_type", ptypes[rng() % 4]},
           {"date_processed", Iso(at)},
           {"build", "2024050" + std::to_string(rng() % 10) + "000000"},
           {"uptime", static_cast<int64_t>(rng() % 100000)},
           {"modules_in_stack",
            std::string(modules[rng() % 6]) + ";" + modules[rng() % 6]}});
      char id[64];
      std::snprintf(id, sizeof id, "%08llx-0000-0000-0000-000000240507",
                    static_cast<unsigned long long>(j));
      ids.push_back(id);
    }
    std::vector<store::sqlite::IndexItem> items;
    for (size_t k = 0; k < batch.size(); ++k)
      items.push_back({ids[k], batch[k]});
    Status s = index.IndexBatch(items);
    if (!s.ok()) {
      std::fprintf(stderr, "index: %s\n", s.ToString().c_str());
      std::exit(1);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("search_bench");
  std::string db = "/tmp/search_bench.sqlite";
  int64_t rows = 1'000'000;
  int runs = 15;
  app.add_option("--db", db, "index file (filled when empty)");
  app.add_option("--rows", rows, "crashes to index");
  app.add_option("--runs", runs, "runs per workload");
  bool show = false;
  app.add_flag("--show", show, "print each workload's statements first");
  CLI11_PARSE(app, argc, argv);

  auto opened = store::sqlite::SearchIndex::Open(db, false);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto& index = *opened.value();
  if (index.Count().value() == 0) {
    auto t0 = Clock::now();
    Fill(index, rows);
    (void)index.Optimize();
    std::printf("indexed %lld crashes in %.1f s\n",
                static_cast<long long>(rows),
                std::chrono::duration<double>(Clock::now() - t0).count());
  }
  struct Workload {
    const char* name;
    search::Params params;
  };
  std::vector<Workload> workloads = {
      {"topcrashers",
       {{"product", "Firefox"},
        {"version", "128.0"},
        {"date", ">=2024-04-30T00:00:00"},
        {"date", "<2024-05-07T00:00:00"},
        {"_results_number", "0"}}},
      {"facet_aggs",
       {{"product", "Firefox"},
        {"platform", "Windows NT"},
        {"_aggs.signature", "platform"},
        {"_results_number", "0"}}},
      {"contains", {{"signature", "~Function1234 "}}},
      {"histogram",
       {{"date", ">=2024-04-07T12:00:00"},
        {"_facets", "_histogram.date"},
        {"_results_number", "0"}}},
      {"page", {{"_sort", "-date"}, {"_results_number", "50"}}},
  };
  search::ParseOptions po;
  po.now = search::Timestamp(std::chrono::seconds(kNow));
  for (const Workload& w : workloads) {
    auto q = search::Parse(w.params, search::Audience::kPublic, po);
    if (!q.ok()) {
      std::fprintf(stderr, "%s: %s\n", w.name, q.status().ToString().c_str());
      return 1;
    }
    if (show) {
      search::Query shown = q.value();
      shown.return_query = true;
      auto r = search::Run(shown, search::Audience::kPublic, index);
      if (r.ok())
        std::printf("%s\n", r.value()["query"]["sql"].dump(1).c_str());
    }
    std::vector<double> ms;
    int64_t total = 0;
    for (int i = 0; i < runs; ++i) {
      auto t0 = Clock::now();
      auto r = search::Run(q.value(), search::Audience::kPublic, index);
      ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (!r.ok()) {
        std::fprintf(stderr, "%s: %s\n", w.name, r.status().ToString().c_str());
        return 1;
      }
      total = r.value()["total"].get<int64_t>();
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-12s: median %7.1f ms; max %7.1f ms; total %lld\n", w.name,
                ms[ms.size() / 2], ms.back(), static_cast<long long>(total));
  }
  return 0;
}
