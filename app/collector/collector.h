// SPDX-License-Identifier: MPL-2.0
// Collector: accepts one crash submission the way Antenna's /submit does
// (SOCORRO.md §1): checks the request's headers, streams the body through
// gzip and the multipart parser, throttles, assigns the crash id, builds the
// raw crash with its `metadata` block, and stores it durably before the
// answer is given. HTTP-agnostic: web/submit maps an Outcome to a response.
//
// Thread-safe: one Collector serves every request thread; each request gets
// its own Upload.
//
// Memory: every byte a request makes the collector hold in proportion to what
// it sent is charged to the shared base::MemoryBudget before it is allocated,
// and given back when the request ends: the decompressed body (parts are
// buffered), the parsed JSON `extra` at its estimated heap cost
// (json_measure.h), the serialized raw crash, and the store's two copies of
// the raw crash and dumps while they are committed (the packed blob and
// LMDB's dirty pages). A charge that does not fit answers 503 + Retry-After.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/clock.h"
#include "app/base/memory_budget.h"
#include "app/base/metrics.h"
#include "app/collector/collector_options.h"
#include "app/collector/throttler.h"
#include "store/crash_store.h"

namespace crashbox::collector {

// What the HTTP layer knows of the request before the body.
struct SubmitRequest {
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::optional<uint64_t> content_length;  // nullopt: absent (or chunked)
  bool chunked = false;
  std::optional<std::string> user_agent;
  std::optional<std::string> authorization;
  std::vector<std::pair<std::string, std::string>>
      query;  // decoded query parameters
};

struct Outcome {
  enum class Kind {
    kAccepted,
    kRejected,
    kMalformed,
    kUnauthorized,
    kTooLarge,
    kUnavailable,
    kFailed
  };
  Kind kind = Kind::kFailed;
  std::string body;      // exact response body (Antenna's)
  std::string crash_id;  // kAccepted only
  int retry_after_seconds = 0;
};

class Upload;
// Uploads are opaque; this deleter lets callers hold one without its
// definition.
struct UploadDeleter {
  void operator()(Upload* u) const;
};
using UploadPtr = std::unique_ptr<Upload, UploadDeleter>;

class Collector {
 public:
  // All references must outlive the collector. `budget` is shared with the
  // HTTP server (CRASHBOX_MAX_INFLIGHT_BYTES).
  Collector(CollectorOptions options, store::CrashStore& store,
            const Throttler& throttler, const base::Clock& clock,
            base::MetricsRegistry& metrics, base::MemoryBudget& budget);
  ~Collector();

  // Checks the request line and headers. Returns an Upload to feed the body
  // into, or nullptr with `*early` set when the headers already decide.
  UploadPtr Begin(const SubmitRequest& request, Outcome* early);
  // Feeds body bytes. Returns false once the upload has failed (the caller
  // may stop reading; Finish gives the outcome).
  bool Feed(Upload& upload, ByteView bytes);
  // Ends the body. `read_error` is non-OK when the connection broke or timed
  // out before the whole body arrived.
  Outcome Finish(UploadPtr upload, const Status& read_error);

  const CollectorOptions& options() const { return options_; }

 private:
  Outcome Malformed(const std::string& code);
  Outcome FinishUpload(Upload& upload, const Status& read_error);
  Outcome Store(Upload& upload);

  CollectorOptions options_;
  store::CrashStore& store_;
  const Throttler& throttler_;
  const base::Clock& clock_;
  base::MetricsRegistry& metrics_;
  base::MemoryBudget& budget_;
  friend class Upload;
};

}  // namespace crashbox::collector
