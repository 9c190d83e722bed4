// SPDX-License-Identifier: MPL-2.0
// Processor: turns raw crashes into processed crashes (SOCORRO.md §2).
//
// Process() runs one crash through a ruleset ("default", or
// "regenerate_signature" to redo only the signature of a stored processed
// crash) with Socorro's pipeline semantics: success/started/completed fields,
// notes joined into processor_notes, earlier notes kept in processor_history,
// and a rule that throws only adds a note.
//
// Start() runs `workers` threads that lease queue entries (priority, then
// reprocessing, then normal), process them and store the result together with
// the queue acknowledgement, so a crash is never lost between the two. Each
// crash has a deadline (the stack walk stops there, with a note). A crash whose
// processing killed the process twice (recorded in `inflight_dir`) is stored
// with a note instead of being tried forever.
//
// Thread-safe. The store, supplier, clock, metrics and signature runner must
// outlive the processor.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/clock.h"
#include "app/base/metrics.h"
#include "app/processor/signature_rule.h"
#include "app/report/missing_module.h"
#include "app/stackwalk/walker.h"
#include "app/symbols/suppliers/symbol_supplier.h"
#include "store/crash_store.h"

namespace crashbox::processor {

struct ProcessorOptions {
  // Worker threads; 0 = one per core.
  int workers = 0;
  // A crash is processed within this time; the stack walk stops at it.
  std::chrono::milliseconds deadline{60000};
  stackwalk::WalkOptions walk;
  // Written in every processed crash's first note.
  std::string hostname = "crashbox";
  std::string stackwalk_version = "crashbox";
  // Marker files of crashes being processed; empty = no crash-loop protection.
  std::filesystem::path inflight_dir;
  // After this many processes died while processing a crash, it is skipped.
  int max_attempts = 2;
  // A raw crash document (the annotations JSON) longer than this is not
  // parsed: a parsed JSON value costs up to ~25 times its text, and every
  // worker would pay it. Its processed crash is stored with success=false and
  // a note saying so, so it is kept, explained and not retried.
  uint64_t max_raw_crash_bytes = 32ull << 20;
  // Called from a worker after a processed crash was stored, when the stack
  // walk of its upload_file_minidump found modules without symbols (those
  // with a debug file and id, in module-list order). Must be thread-safe;
  // errors are its own business.
  std::function<void(const std::string& crash_id,
                     const std::vector<report::MissingModule>& modules)>
      on_missing_symbols;
};

class Processor {
 public:
  Processor(ProcessorOptions options, store::CrashStore& store,
            symbols::SymbolSupplier* symbols, const SignatureRunner* signatures,
            const base::Clock& clock, base::MetricsRegistry& metrics);
  ~Processor();  // stops the workers

  // Processes one stored crash; does not store the result. kNotFound when the
  // raw crash does not exist.
  Result<nlohmann::json> Process(const std::string& crash_id,
                                 const std::string& ruleset);

  void Start();
  void Stop();  // finishes crashes in progress, then returns
  // Crashes processed since Start().
  uint64_t processed_count() const { return processed_.load(); }

 private:
  // Process(), also handing out the modules the walk found no symbols for.
  Result<nlohmann::json> Process(const std::string& crash_id,
                                 const std::string& ruleset,
                                 std::vector<report::MissingModule>* missing);
  void WorkerLoop();
  void Handle(const store::QueueEntry& entry);
  // The processed crash of a raw crash over max_raw_crash_bytes.
  nlohmann::json TooLargeToProcess(const std::string& crash_id,
                                   uint64_t raw_bytes);
  // Crash-loop protection: markers of crashes in progress.
  int RecordAttempt(const std::string& crash_id);
  void ClearAttempt(const std::string& crash_id);

  ProcessorOptions options_;
  store::CrashStore& store_;
  symbols::SymbolSupplier* symbols_;
  const SignatureRunner* signatures_;
  const base::Clock& clock_;
  base::MetricsRegistry& metrics_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> processed_{0};
  std::mutex attempts_mu_;
  std::map<std::string, int>
      earlier_attempts_;  // from markers left by dead processes
};

}  // namespace crashbox::processor
