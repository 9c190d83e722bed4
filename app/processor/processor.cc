// SPDX-License-Identifier: MPL-2.0
#include "app/processor/processor.h"

#include <fstream>

#include <fmt/format.h>

#include "app/base/iso_time.h"
#include "app/base/log.h"
#include "app/processor/rule.h"
#include "app/report/processed_crash.h"

namespace crashbox::processor {

using nlohmann::json;

namespace {

std::string IsoNow(const base::Clock& clock) {
  return base::IsoTimestampMicros(clock.Now());
}

// The signature of a crash whose processing did not get to sign it.
constexpr char kFailedSignature[] = "EMPTY: crash failed to process";

// processor_history of a new processed crash: the previous one's history,
// its notes first.
json History(const json& previous) {
  json history = json::array();
  if (!previous.is_object()) return history;
  if (const json* h = report::Find(previous, report::kProcessorHistory);
      h != nullptr && h->is_array()) {
    history = *h;
  }
  if (const json* n = report::Find(previous, report::kProcessorNotes);
      n != nullptr && n->is_string()) {
    history.insert(history.begin(), *n);
  }
  return history;
}

std::string JoinNotes(const std::vector<std::string>& notes) {
  std::string out;
  for (const std::string& n : notes) out += (out.empty() ? "" : "\n") + n;
  return out;
}

}  // namespace

const std::vector<Rule>& DefaultRuleset() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> all;
    for (auto family : {RawCrashRules, StackwalkRules, CrashFactRules,
                        SystemAndStackRules, SignatureRules}) {
      for (Rule& r : family()) all.push_back(std::move(r));
    }
    return all;
  }();
  return kRules;
}

const std::vector<Rule>& RegenerateSignatureRuleset() {
  static const std::vector<Rule> kRules = SignatureRules();
  return kRules;
}

Processor::Processor(ProcessorOptions options, store::CrashStore& store,
                     symbols::SymbolSupplier* symbols,
                     const SignatureRunner* signatures,
                     const base::Clock& clock, base::MetricsRegistry& metrics)
    : options_(std::move(options)),
      store_(store),
      symbols_(symbols),
      signatures_(signatures),
      clock_(clock),
      metrics_(metrics) {
  if (options_.workers <= 0)
    options_.workers =
        static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

Processor::~Processor() { Stop(); }

Result<json> Processor::Process(const std::string& crash_id,
                                const std::string& ruleset_name) {
  return Process(crash_id, ruleset_name, nullptr);
}

Result<json> Processor::Process(const std::string& crash_id,
                                const std::string& ruleset_name,
                                std::vector<report::MissingModule>* missing) {
  auto started = std::chrono::steady_clock::now();
  RuleContext ctx;
  ctx.crash_id = crash_id;
  ctx.ruleset = ruleset_name.empty() ? "default" : ruleset_name;
  ctx.symbols = symbols_;
  ctx.clock = &clock_;
  ctx.signatures = signatures_;
  ctx.walk = options_.walk;
  ctx.stackwalk_version = options_.stackwalk_version;
  ctx.deadline = started + options_.deadline;

  auto load_started = std::chrono::steady_clock::now();
  CB_ASSIGN_OR_RETURN(std::string raw_text, store_.GetRawCrash(crash_id));
  if (raw_text.size() > options_.max_raw_crash_bytes)
    return TooLargeToProcess(crash_id, raw_text.size());
  ctx.raw = json::parse(raw_text, nullptr, false);
  if (!ctx.raw.is_object())
    return Status::Corrupt(
        fmt::format("raw crash {} is not a JSON object", crash_id));
  Result<std::vector<std::string>> names = store_.GetDumpNames(crash_id);
  if (names.ok()) {
    for (const std::string& name : names.value()) {
      Result<std::string> bytes = store_.GetDump(crash_id, name);
      if (bytes.ok()) {
        ctx.dumps.push_back(store::Dump{name, std::move(bytes).value()});
      } else {
        ctx.notes.push_back(fmt::format("dump {} could not be read: {}", name,
                                        bytes.status().ToString()));
      }
    }
  }
  Result<std::string> existing = store_.GetProcessed(crash_id);
  json previous = existing.ok() ? json::parse(existing.value(), nullptr, false)
                                : json::object();
  if (!previous.is_object()) previous = json::object();

  metrics_.GetHistogram("processor.load.time", base::LatencyBucketsMs)
      ->Observe(std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - load_started)
                    .count());
  const std::vector<Rule>* rules = &DefaultRuleset();
  if (ctx.ruleset == "regenerate_signature") {
    if (previous.empty()) {
      ctx.notes.push_back(
          "regenerate_signature: no processed crash yet; ran the default "
          "ruleset");
      ctx.ruleset = "default";
    } else {
      rules = &RegenerateSignatureRuleset();
      ctx.processed = previous;
    }
  } else if (ctx.ruleset != "default") {
    ctx.notes.push_back("error: no ruleset: " + ctx.ruleset);
    rules = nullptr;
  }

  // Socorro's pipeline wrapper.
  report::Set(ctx.processed, report::kSuccess, false);
  report::Set(ctx.processed, report::kStartedDatetime, IsoNow(clock_));
  if (ctx.ruleset == "default")
    report::Set(ctx.processed, report::kSignature, kFailedSignature);
  ctx.notes.insert(ctx.notes.begin(),
                   fmt::format(">>> Start processing: {} ({})", IsoNow(clock_),
                               options_.hostname));
  if (rules) {
    for (const Rule& rule : *rules) {
      auto rule_started = std::chrono::steady_clock::now();
      try {
        rule.apply(ctx);
        metrics_
            .GetHistogram("processor.rule.time", base::LatencyBucketsMs,
                          fmt::format("rule=\"{}\"", rule.name))
            ->Observe(std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - rule_started)
                          .count());
      } catch (const std::exception& e) {
        // Exception texts may hold crash data; notes are public, so only the
        // kind goes in.
        ctx.notes.push_back(fmt::format(
            "ruleset '{}' rule '{}' failed: {}", ctx.ruleset, rule.name,
            dynamic_cast<const json::exception*>(&e) ? "JSONError"
                                                     : "Exception"));
        CB_LOG_WARNING("{}: rule {} failed: {}", crash_id, rule.name, e.what());
      }
    }
  }
  report::Set(ctx.processed, report::kSuccess, true);
  report::Set(ctx.processed, report::kProcessorHistory, History(previous));
  report::Set(ctx.processed, report::kProcessorNotes, JoinNotes(ctx.notes));
  report::Set(ctx.processed, report::kCompletedDatetime, IsoNow(clock_));
  if (missing != nullptr) *missing = std::move(ctx.missing_modules);

  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - started)
                  .count();
  metrics_
      .GetHistogram("processor.process_crash.time", base::LatencyBucketsMs,
                    fmt::format("ruleset=\"{}\"", ctx.ruleset))
      ->Observe(ms);
  return std::move(ctx.processed);
}

json Processor::TooLargeToProcess(const std::string& crash_id,
                                  uint64_t raw_bytes) {
  CB_LOG_WARNING(
      "{}: raw crash of {} bytes is over the processor's limit of {}; not "
      "processed",
      crash_id, raw_bytes, options_.max_raw_crash_bytes);
  metrics_.GetCounter("processor.raw_crash_too_large")->Add();
  std::string started = IsoNow(clock_);
  std::vector<std::string> notes = {
      fmt::format(">>> Start processing: {} ({})", started, options_.hostname),
      fmt::format(
          "raw crash is {} bytes, over the processor's limit of {} bytes "
          "(CRASHBOX_PROCESSOR_MAX_RAW_CRASH_BYTES); kept in the store, not "
          "processed",
          raw_bytes, options_.max_raw_crash_bytes)};
  json history = json::array();
  if (Result<std::string> existing = store_.GetProcessed(crash_id);
      existing.ok()) {
    history = History(json::parse(existing.value(), nullptr, false));
  }
  json out = json::object();
  report::Set(out, report::kCrashId, crash_id);
  report::Set(out, report::kUuid, crash_id);
  report::Set(out, report::kSuccess, false);
  report::Set(out, report::kSignature, kFailedSignature);
  report::Set(out, report::kStartedDatetime, started);
  report::Set(out, report::kCompletedDatetime, IsoNow(clock_));
  report::Set(out, report::kProcessorHistory, std::move(history));
  report::Set(out, report::kProcessorNotes, JoinNotes(notes));
  return out;
}

void Processor::Start() {
  if (!options_.inflight_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options_.inflight_dir, ec);
    for (auto it =
             std::filesystem::directory_iterator(options_.inflight_dir, ec);
         !ec && it != std::filesystem::directory_iterator(); ++it) {
      std::ifstream in(it->path());
      int attempts = 0;
      in >> attempts;
      earlier_attempts_[it->path().filename().string()] = std::max(1, attempts);
    }
  }
  stopping_ = false;
  for (int i = 0; i < options_.workers; ++i)
    threads_.emplace_back([this] { WorkerLoop(); });
}

void Processor::Stop() {
  stopping_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Processor::WorkerLoop() {
  while (!stopping_) {
    Result<std::optional<store::QueueEntry>> entry = store_.LeaseNext();
    if (!entry.ok()) {
      CB_LOG_ERROR("processor: cannot read the queue: {}",
                   entry.status().ToString());
      store_.WaitForWork(std::chrono::seconds(1));
      continue;
    }
    if (!entry.value()) {
      store_.WaitForWork(std::chrono::milliseconds(500));
      continue;
    }
    Handle(*entry.value());
  }
}

int Processor::RecordAttempt(const std::string& crash_id) {
  if (options_.inflight_dir.empty()) return 1;
  int attempts = 1;
  {
    std::lock_guard<std::mutex> lock(attempts_mu_);
    if (auto it = earlier_attempts_.find(crash_id);
        it != earlier_attempts_.end())
      attempts = it->second + 1;
  }
  // Not fsynced on purpose: it must survive this process dying, not the
  // machine.
  std::ofstream(options_.inflight_dir / crash_id, std::ios::trunc)
      << attempts << "\n";
  return attempts;
}

void Processor::ClearAttempt(const std::string& crash_id) {
  if (options_.inflight_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove(options_.inflight_dir / crash_id, ec);
  std::lock_guard<std::mutex> lock(attempts_mu_);
  earlier_attempts_.erase(crash_id);
}

void Processor::Handle(const store::QueueEntry& entry) {
  int attempt = RecordAttempt(entry.crash_id);
  std::vector<report::MissingModule> missing;
  Result<json> processed = Status::Unavailable("not run");
  if (attempt > options_.max_attempts) {
    json skipped = json::object();
    report::Set(skipped, report::kCrashId, entry.crash_id);
    report::Set(skipped, report::kUuid, entry.crash_id);
    report::Set(skipped, report::kSuccess, false);
    report::Set(skipped, report::kSignature, kFailedSignature);
    report::Set(
        skipped, report::kProcessorNotes,
        fmt::format("processing ended the processor {} times; crash skipped",
                    attempt - 1));
    processed = std::move(skipped);
    CB_LOG_ERROR("{}: processing killed the process {} times; skipping it",
                 entry.crash_id, attempt - 1);
  } else {
    processed = Process(entry.crash_id, entry.ruleset, &missing);
  }
  std::string text;
  if (processed.ok()) {
    text = report::Serialize(*processed);
  } else if (processed.status().code() == Status::Code::kNotFound) {
    CB_LOG_WARNING("{}: rejected: {}", entry.crash_id,
                   processed.status().ToString());
  } else if (processed.status().code() == Status::Code::kUnavailable ||
             processed.status().code() == Status::Code::kIoError) {
    store_.Release(entry);  // a store problem: try again later
    ClearAttempt(entry.crash_id);
    store_.WaitForWork(std::chrono::seconds(1));
    return;
  } else {
    CB_LOG_ERROR("{}: cannot process: {}", entry.crash_id,
                 processed.status().ToString());
  }
  auto save_started = std::chrono::steady_clock::now();
  Status done = store_.Complete(entry, text);
  metrics_.GetHistogram("processor.save.time", base::LatencyBucketsMs)
      ->Observe(std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - save_started)
                    .count());
  if (!done.ok()) {
    CB_LOG_ERROR("{}: processed but not stored: {}", entry.crash_id,
                 done.ToString());
    store_.Release(entry);
    store_.WaitForWork(std::chrono::seconds(1));
  } else {
    ++processed_;
    if (!missing.empty() && options_.on_missing_symbols)
      options_.on_missing_symbols(entry.crash_id, missing);
    metrics_.GetCounter("processor.save_processed_crash")->Add();
  }
  ClearAttempt(entry.crash_id);
}

}  // namespace crashbox::processor
