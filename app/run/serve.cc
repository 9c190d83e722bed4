// SPDX-License-Identifier: MPL-2.0
#include "app/run/serve.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/auth/auth_store.h"
#include "app/auth/authenticator.h"
#include "app/base/clock.h"
#include "app/base/log.h"
#include "app/base/memory_budget.h"
#include "app/base/metrics.h"
#include "app/collector/collector.h"
#include "app/collector/throttler.h"
#include "app/indexer/indexer.h"
#include "app/processor/processor.h"
#include "app/products/products.h"
#include "app/run/build_info.h"
#include "app/run/common.h"
#include "app/signature/signature.h"
#include "app/symsvc/symbol_service.h"
#include "store/lmdb/bug_store.h"
#include "store/lmdb/crash_store.h"
#include "store/lmdb/symbol_store.h"
#include "web/api/access.h"
#include "web/http/server.h"
#include "web/routes.h"

namespace crashbox::run {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "crashbox: %s\n", s.ToString().c_str());
  return 3;
}

std::string Hostname() {
  char name[256] = {0};
  if (gethostname(name, sizeof(name) - 1) != 0) return "crashbox";
  return name;
}

}  // namespace

std::string VersionJson() {
  return nlohmann::json{{"version", CRASHBOX_VERSION},
                        {"commit", CRASHBOX_COMMIT},
                        {"source", "https://github.com/crashbox/crashbox"},
                        {"build", "cmake"}}
      .dump();
}

int Serve(const config::Config& config) {
  base::LogLevel level = base::LogLevel::kInfo;
  base::ParseLogLevel(config.log_level, &level);
  base::SetLogLevel(level);

  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Crash reports are large short-lived buffers. glibc would mmap and unmap
  // each one, paying page faults and zeroing per request; keep them in the
  // heap.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);

  Result<int> lock = LockDataDir(config.data_dir);
  if (!lock.ok()) return Fail(lock.status());

  auto env = store::lmdb::Env::Open(config.store);
  if (!env.ok()) return Fail(env.status());
  store::lmdb::LmdbCrashStore crashes(*env.value());
  base::SystemClock clock;
  base::MetricsRegistry metrics;
  auto throttler =
      collector::Throttler::Make(config.throttle_rules_json, clock);
  if (!throttler.ok()) return Fail(throttler.status());
  // One budget for every byte held for requests in flight: the HTTP server's
  // buffered bodies and what the collector decodes and parses from them.
  base::MemoryBudget inflight_budget(config.max_inflight_bytes);
  collector::Collector collector(config.collector, crashes, *throttler.value(),
                                 clock, metrics, inflight_budget);

  // The symbol service also builds the processor's symbol supplier (store,
  // symbol directories, symbol servers).
  store::lmdb::LmdbSymbolStore symbol_store(*env.value());
  symsvc::ServiceOptions symbol_options = config.symbols;
  for (const std::string& p : config.symbols_paths)
    symbol_options.symbol_dirs.emplace_back(p);
  symsvc::SymbolService symbol_service(symbol_store, &crashes, symbol_options);

  Result<products::ProductDetails> products =
      products::ProductDetails::Load(ProductDetailsDir(config));
  if (!products.ok()) return Fail(products.status());
  // The index follows the store on its own thread; a rebuild it needs runs
  // there too, so the server answers at once.
  indexer::Indexer indexer(crashes, metrics, {.path = SearchIndexPath(config)});
  indexer.Start();
  web::SearchServices search;
  search.index = &indexer;
  search.products = &products.value();
  search.clock = &clock;
  // Searches may take half the workers, one address half of that: crash
  // submission always keeps workers of its own.
  int workers = config.http.num_threads > 0
                    ? config.http.num_threads
                    : 4 * static_cast<int>(std::max(
                              1u, std::thread::hardware_concurrency()));
  search.max_concurrent = static_cast<size_t>(std::max(1, workers / 2));
  search.max_concurrent_per_address =
      std::max<size_t>(1, search.max_concurrent / 2);

  auth::AuthStore auth_store(*env.value(), clock);
  auto authenticator = auth::Authenticator::Create(auth_store, config.auth);
  if (!authenticator.ok()) return Fail(authenticator.status());
  web::Access access(*authenticator.value());
  if (!config.auth.enabled) {
    CB_LOG_WARNING(
        "authentication is off (CRASHBOX_AUTH=off): every client of {} may "
        "read every crash and change anything",
        config.http.listen);
  } else if (Result<bool> any = auth_store.HasUsers(); any.ok() && !*any) {
    CB_LOG_INFO(
        "no users yet: open {}/setup on this machine, or run `crashbox user "
        "add --admin NAME`, to create the first admin",
        LocalUrl(config));
  }

  auto signatures = MakeSignatureRunner(config);
  if (!signatures.ok()) return Fail(signatures.status());
  store::lmdb::BugStore bugs(*env.value());

  web::Router router;
  web::Services services;
  services.access = &access;
  services.signatures = &signatures.value()->generator();
  services.bugs = &bugs;
  services.search = &search;
  services.symbols = &symbol_service;
  services.collector = &collector;
  services.crashes = &crashes;
  services.metrics = &metrics;
  services.version_json = VersionJson();
  web::RegisterRoutes(router, services);
  web::HttpOptions http = config.http;
  http.retry_after_seconds = config.collector.retry_after_seconds;
  auto server =
      web::HttpServer::Start(http, router, {&inflight_budget, &metrics});
  if (!server.ok()) return Fail(server.status());

  std::unique_ptr<processor::Processor> processor;
  if (config.processor_workers >= 0) {
    processor::ProcessorOptions options;
    options.workers = config.processor_workers;
    options.deadline = config.processing_deadline;
    options.max_raw_crash_bytes = config.processor_max_raw_crash_bytes;
    options.walk.deadline =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            config.processing_deadline);
    options.hostname = Hostname();
    options.stackwalk_version = std::string("crashbox ") + CRASHBOX_VERSION;
    options.inflight_dir = std::filesystem::path(config.data_dir) / "inflight";
    options.on_missing_symbols =
        [&symbol_service](const std::string& crash_id,
                          const std::vector<report::MissingModule>& modules) {
          Status s = symbol_service.RecordMissing(crash_id, modules);
          if (!s.ok())
            CB_LOG_WARNING("{}: missing symbols not recorded: {}", crash_id,
                           s.ToString());
        };
    processor = std::make_unique<processor::Processor>(
        options, crashes, &symbol_service.supplier(), signatures.value().get(),
        clock, metrics);
    processor->Start();
  }

  std::printf("%s\n", server.value()->url().c_str());
  std::fflush(stdout);
  CB_LOG_INFO("crashbox {} serving {} (data in {}, throttle rules {})",
              CRASHBOX_VERSION, server.value()->url(), config.data_dir,
              config.throttle_rules);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  CB_LOG_INFO("crashbox: signal {}, shutting down", sig);
  server.value()
      .reset();  // stop taking requests; running ones finish and commit
  if (processor) processor->Stop();
  indexer.Stop();  // what it has not indexed stays queued in the store
  return 0;
}

}  // namespace crashbox::run
