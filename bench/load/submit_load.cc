// SPDX-License-Identifier: MPL-2.0
// submit_load: a crash-report load driver with Antenna's load-test mix, run
// against any collector URL (crashbox, or nginx as the HTTP-only ceiling).
//
//   submit_load --url http://127.0.0.1:8888 --connections 32 --seconds 20
//
// Mix (as Antenna's load tests): 60% one 400 KB dump; 25% 400 KB split over
// several dumps; 10% a 150 KB report sent gzipped; 5% one 1.5 MB dump. Dumps
// are random bytes, the worst case for storage (nothing compresses). Prints
// one stable line: crashes/s, MB/s of request bodies, p50/p99 latency.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/base/gzip.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "app/wire/multipart_writer.h"

namespace {

using crashbox::AsBytes;

struct Body {
  std::string bytes;
  std::vector<std::string> headers;
};

std::string Random(std::mt19937_64& rng, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    std::memcpy(&s[i], &v, 8);
  }
  return s;
}

Body Make(std::mt19937_64& rng, int kind) {
  crashbox::wire::MultipartWriter w;
  nlohmann::json annotations = {{"ProductName", "LoadTest"},
                                {"Version", "1.0"},
                                {"BuildID", "20261101000000"},
                                {"ReleaseChannel", "release"}};
  for (const auto& [k, v] : annotations.items())
    w.AddText(k, v.get<std::string>());
  bool gzip = false;
  switch (kind) {
    case 0:
      w.AddFile("upload_file_minidump", "a.dmp", Random(rng, 400 * 1024));
      break;
    case 1:
      w.AddFile("upload_file_minidump", "a.dmp", Random(rng, 200 * 1024));
      w.AddFile("upload_file_minidump_browser", "b.dmp",
                Random(rng, 100 * 1024));
      w.AddFile("upload_file_minidump_content", "c.dmp",
                Random(rng, 100 * 1024));
      break;
    case 2:
      w.AddFile("upload_file_minidump", "a.dmp", Random(rng, 150 * 1024));
      gzip = true;
      break;
    default:
      w.AddFile("upload_file_minidump", "a.dmp", Random(rng, 1536 * 1024));
      break;
  }
  Body b;
  b.headers = {"Content-Type: " + w.ContentType()};
  b.bytes = w.Finish();
  if (gzip) {
    b.bytes = crashbox::base::Gzip(AsBytes(b.bytes), 1);
    b.headers.push_back("Content-Encoding: gzip");
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Crash-report load driver (Antenna's load-test mix)"};
  std::string url = "http://127.0.0.1:8888";
  int connections = 8;
  double seconds = 20;
  std::string label = "crashbox";
  app.add_option("--url", url, "collector base URL")->capture_default_str();
  app.add_option("--connections", connections,
                 "concurrent keep-alive connections")
      ->capture_default_str();
  app.add_option("--seconds", seconds, "how long to run")
      ->capture_default_str();
  app.add_option("--label", label, "name printed on the result line")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // A pool of distinct bodies in the mix's proportions (per 20: 12/5/2/1).
  std::mt19937_64 rng(42);
  std::vector<Body> pool;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20; ++i)
      pool.push_back(Make(rng, i < 12 ? 0 : i < 17 ? 1 : i < 19 ? 2 : 3));
  }
  std::string target = crashbox::submitter::SubmitUrl(url);

  std::atomic<bool> stop{false};
  std::atomic<uint64_t> ok{0}, failed{0}, bytes{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(connections));
  std::vector<std::thread> threads;
  auto started = std::chrono::steady_clock::now();
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      crashbox::httpclient::HttpClient client(60000);
      std::mt19937 pick(static_cast<uint32_t>(c + 1));
      while (!stop) {
        const Body& b = pool[pick() % pool.size()];
        auto t0 = std::chrono::steady_clock::now();
        auto resp = client.Post(target, b.bytes, b.headers);
        double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - t0)
                        .count();
        if (resp.ok() && resp->status == 200 &&
            resp->body.rfind("CrashID=", 0) == 0) {
          ++ok;
          bytes += b.bytes.size();
          latencies[static_cast<size_t>(c)].push_back(ms);
        } else {
          ++failed;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();

  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * all.size()))];
  };
  std::printf(
      "%s c=%d : %.1f crashes/s; %.1f MB/s; p50 %.1f ms; p99 %.1f ms; %llu ok, "
      "%llu failed\n",
      label.c_str(), connections, ok / elapsed, bytes / elapsed / 1e6,
      pct(0.50), pct(0.99), static_cast<unsigned long long>(ok.load()),
      static_cast<unsigned long long>(failed.load()));
  return failed > 0 && ok == 0 ? 1 : 0;
}
