// SPDX-License-Identifier: MPL-2.0
#include "app/collector/collector.h"

#include <malloc.h>

#include <fmt/format.h>

#include "app/base/gzip.h"
#include "app/base/iso_time.h"
#include "app/base/log.h"
#include "app/base/sha256.h"
#include "app/base/strings.h"
#include "app/collector/crash_id.h"
#include "app/collector/json_measure.h"
#include "app/collector/submission.h"
#include "app/wire/multipart.h"

namespace crashbox::collector {

using nlohmann::json;
using Kind = Outcome::Kind;

// One request's body on its way in: optional gzip, then multipart, then the
// submission builder. Holds one charge on the shared memory budget for all it
// keeps: the decompressed body (in 64 KiB steps) plus what Charge() adds.
class Upload {
 public:
  Upload(Collector& c, const SubmitRequest& request, std::string boundary,
         bool gzipped)
      : collector_(c),
        request_(request),
        builder_(SubmissionLimits{
            c.options().max_text_annotation_bytes,
            c.options().max_extra_json_bytes, c.options().max_extra_json_values,
            [this](uint64_t bytes) { return Charge(bytes); }}),
        parser_(std::move(boundary),
                wire::MultipartLimits{c.options().max_parts,
                                      c.options().max_part_header_bytes},
                builder_),
        payload_size_(request.content_length.value_or(0)),
        charge_(&c.budget_) {
    if (gzipped)
      inflater_ = std::make_unique<base::GzipInflater>(
          c.options().max_decompressed_bytes);
  }

  bool Feed(ByteView bytes) {
    if (!error_.empty()) return false;
    received_ += bytes.size();
    if (received_ > collector_.options().max_body_bytes)
      return Fail("too_large");
    if (!inflater_) return Parse(bytes);
    Status s = inflater_->Feed(bytes, [&](ByteView out) {
      return Parse(out) ? Status::Ok()
                        : Status::InvalidArgument("parse failed");
    });
    if (!s.ok() && error_.empty()) {
      return Fail(s.code() == Status::Code::kLimitExceeded ? "too_large"
                                                           : kBadGzip);
    }
    return error_.empty();
  }

  // Ends the body; returns the Discarded code on failure, "" on success.
  std::string Finish() {
    if (!error_.empty()) return error_;
    if (inflater_ && !inflater_->Finish().ok()) return kBadGzip;
    if (Status s = parser_.Finish(); !s.ok()) {
      return builder_.error_code().empty() ? kInvalidPayloadStructure
                                           : builder_.error_code();
    }
    std::string code;
    if (!builder_.Finish(&code).ok()) return code;
    return "";
  }

  // Adds `bytes` to what this request holds; false (nothing added) when the
  // budget cannot give them.
  bool Charge(uint64_t bytes) {
    if (!charge_.Grow(BodyCharge() + extra_charged_ + bytes)) return false;
    extra_charged_ += bytes;
    return true;
  }

  uint64_t charged_bytes() const { return charge_.held(); }
  Submission& submission() { return builder_.submission(); }
  const SubmitRequest& request() const { return request_; }
  bool gzipped() const { return inflater_ != nullptr; }
  uint64_t payload_size() const {
    return payload_size_ ? payload_size_ : received_;
  }
  uint64_t decompressed_size() const {
    return inflater_ ? inflater_->total_out() : received_;
  }
  const std::string& error() const { return error_; }
  void set_error(std::string e) { error_ = std::move(e); }

 private:
  static constexpr uint64_t kStep = 64 << 10;

  uint64_t BodyCharge() const {
    return (decompressed_seen_ + kStep - 1) / kStep * kStep;
  }

  bool Parse(ByteView bytes) {
    decompressed_seen_ += bytes.size();
    if (!charge_.Grow(BodyCharge() + extra_charged_)) return Fail(kBusy);
    Status s = parser_.Feed(bytes);
    if (s.ok()) return true;
    if (!builder_.error_code().empty()) return Fail(builder_.error_code());
    return Fail(s.code() == Status::Code::kLimitExceeded
                    ? kTooManyParts
                    : kInvalidPayloadStructure);
  }
  bool Fail(std::string code) {
    if (error_.empty()) error_ = std::move(code);
    return false;
  }

  Collector& collector_;
  SubmitRequest request_;
  SubmissionBuilder builder_;
  wire::MultipartParser parser_;
  std::unique_ptr<base::GzipInflater> inflater_;
  uint64_t payload_size_;
  uint64_t received_ = 0;
  uint64_t decompressed_seen_ = 0;
  uint64_t extra_charged_ = 0;
  base::BudgetCharge charge_;
  std::string error_;
};

void UploadDeleter::operator()(Upload* u) const { delete u; }

namespace {

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i)
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

Collector::Collector(CollectorOptions options, store::CrashStore& store,
                     const Throttler& throttler, const base::Clock& clock,
                     base::MetricsRegistry& metrics, base::MemoryBudget& budget)
    : options_(std::move(options)),
      store_(store),
      throttler_(throttler),
      clock_(clock),
      metrics_(metrics),
      budget_(budget) {}

Collector::~Collector() = default;

Outcome Collector::Malformed(const std::string& code) {
  if (code == "too_large") {
    metrics_.GetCounter("collector.breakpad_resource.too_large")->Add();
    return Outcome{Kind::kTooLarge, "Discarded=too_large", "", 0};
  }
  if (code == kBusy) {
    metrics_.GetCounter("collector.breakpad_resource.busy")->Add();
    return Outcome{Kind::kUnavailable, "Discarded=busy", "",
                   options_.retry_after_seconds};
  }
  std::string reason = code.starts_with("malformed_") ? code.substr(10) : code;
  metrics_
      .GetCounter("collector.breakpad_resource.malformed",
                  fmt::format("reason=\"{}\"", reason))
      ->Add();
  return Outcome{Kind::kMalformed, "Discarded=" + code, "", 0};
}

UploadPtr Collector::Begin(const SubmitRequest& r, Outcome* early) {
  metrics_.GetCounter("collector.breakpad_resource.incoming_crash")->Add();
  if (!r.content_type || base::Trim(*r.content_type).empty()) {
    *early = Malformed(kNoContentType);
    return nullptr;
  }
  std::string_view ct = *r.content_type;
  std::string main_type = base::ToLower(base::Trim(ct.substr(0, ct.find(';'))));
  if (main_type != "multipart/form-data" && main_type != "multipart/mixed") {
    *early = Malformed(kWrongContentType);
    return nullptr;
  }
  wire::MediaType mt = wire::ParseMediaType(ct);
  std::string_view rest = ct.find(';') == std::string_view::npos
                              ? ""
                              : base::Trim(ct.substr(ct.find(';') + 1));
  if (!mt.boundary || mt.boundary->empty() ||
      !base::StartsWithIgnoreCase(rest, "boundary=")) {
    *early = Malformed(kNoBoundary);
    return nullptr;
  }
  if (!r.chunked && (!r.content_length || *r.content_length == 0)) {
    *early = Malformed(kNoContentLength);
    return nullptr;
  }
  if (r.content_length && *r.content_length > options_.max_body_bytes) {
    *early = Malformed("too_large");
    return nullptr;
  }
  bool gzipped = r.content_encoding && *r.content_encoding == "gzip";
  if (gzipped)
    metrics_.GetCounter("collector.breakpad_resource.gzipped_crash")->Add();
  return UploadPtr(new Upload(*this, r, *mt.boundary, gzipped));
}

bool Collector::Feed(Upload& upload, ByteView bytes) {
  return upload.Feed(bytes);
}

Outcome Collector::Finish(UploadPtr upload, const Status& read_error) {
  Outcome out = FinishUpload(*upload, read_error);
  // A large request's memory goes back to the system when it ends, not only
  // to its thread's malloc arena: otherwise each arena keeps its own peak and
  // resident memory outgrows the budget that bounded the live bytes.
  constexpr uint64_t kTrimAboveBytes = 32ull << 20;
  uint64_t held = upload->charged_bytes();
  upload.reset();
  if (held >= kTrimAboveBytes) malloc_trim(0);
  return out;
}

Outcome Collector::FinishUpload(Upload& upload, const Status& read_error) {
  auto started = std::chrono::steady_clock::now();
  if (!read_error.ok() && upload.error().empty())
    upload.set_error(kInvalidPayloadStructure);
  std::string code = upload.Finish();
  if (upload.gzipped()) {
    metrics_
        .GetCounter("collector.breakpad_resource.gzipped_crash_decompress",
                    code == kBadGzip ? "result=\"fail\"" : "result=\"success\"")
        ->Add();
  }
  if (!code.empty()) return Malformed(code);
  metrics_
      .GetHistogram("collector.breakpad_resource.crash_size",
                    base::SizeBucketsBytes, "payload=\"compressed\"")
      ->Observe(static_cast<double>(upload.payload_size()));
  metrics_
      .GetHistogram("collector.breakpad_resource.crash_size",
                    base::SizeBucketsBytes, "payload=\"uncompressed\"")
      ->Observe(static_cast<double>(upload.decompressed_size()));
  Outcome out = Store(upload);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - started)
                  .count();
  metrics_
      .GetHistogram("collector.crashmover.crash_handling.time",
                    base::LatencyBucketsMs)
      ->Observe(ms);
  return out;
}

Outcome Collector::Store(Upload& upload) {
  Submission& sub = upload.submission();
  json& annotations = sub.annotations;
  const SubmitRequest& req = upload.request();

  // Crashpad puts product and version in the upload URL's query string.
  static constexpr std::pair<const char*, const char*> kQueryAnnotations[] = {
      {"prod", "ProductName"}, {"ver", "Version"}, {"guid", "guid"}};
  for (const auto& [param, value] : req.query) {
    for (const auto& [name, field] : kQueryAnnotations) {
      if (param == name && !annotations.contains(field) &&
          base::IsValidUtf8(value)) {
        annotations[field] = value;
      }
    }
  }

  ThrottleDecision decision = throttler_.Decide(annotations);
  metrics_
      .GetCounter(
          "collector.breakpad_resource.throttle_rule",
          fmt::format("rule=\"{}\"", base::PromLabelValue(decision.rule)))
      ->Add();
  metrics_
      .GetCounter(
          "collector.breakpad_resource.throttle",
          fmt::format("result=\"{}\"", ThrottleResultName(decision.result)))
      ->Add();

  // A client-chosen crash id needs the stage submitter's token; this check
  // wins over a reject, as in Antenna.
  std::string crash_id;
  if (auto it = annotations.find("uuid"); it != annotations.end()) {
    const std::string& token = options_.stage_submitter_token;
    bool authorized = !token.empty() && req.authorization &&
                      ConstantTimeEquals(*req.authorization, "Bearer " + token);
    if (!authorized) {
      metrics_.GetCounter("collector.breakpad_resource.unauthorized_uuid")
          ->Add();
      return Outcome{Kind::kUnauthorized, "Discarded=unauthorized_uuid", "", 0};
    }
    std::string wanted = it->is_string() ? it->get<std::string>() : "";
    if (!IsValidCrashId(wanted)) return Malformed(kInvalidUuid);
    crash_id = wanted;
  }

  if (decision.result == ThrottleResult::kReject) {
    return Outcome{Kind::kRejected, "Discarded=rule_" + decision.rule, "", 0};
  }
  auto now = clock_.Now();
  if (crash_id.empty())
    crash_id = MakeCrashId(now, static_cast<int>(decision.result));
  CB_LOG_INFO("{}: matched by {}; returned {}", crash_id, decision.rule,
              base::ToLower(ThrottleResultName(decision.result)));
  if (decision.result == ThrottleResult::kFakeAccept) {
    return Outcome{Kind::kAccepted, fmt::format("CrashID=bp-{}\n", crash_id),
                   crash_id, 0};
  }

  for (const std::string& name : options_.removed_annotations) {
    if (annotations.erase(name) > 0)
      sub.notes.push_back(fmt::format("Removed {} from raw crash.", name));
  }
  json checksums = json::object();
  for (const store::Dump& d : sub.dumps)
    checksums[d.name] = base::Sha256Hex(AsBytes(d.bytes));
  annotations["metadata"] = json{
      {"collector_notes", sub.notes},
      {"dump_checksums", std::move(checksums)},
      {"payload", sub.has_json ? "json" : "multipart"},
      {"payload_compressed", upload.gzipped() ? "1" : "0"},
      {"payload_size", upload.payload_size()},
      {"throttle_rule", decision.rule},
      {"user_agent", req.user_agent ? *req.user_agent : "None"},
  };
  annotations["submitted_timestamp"] = base::IsoTimestampMicros(now);
  annotations["uuid"] = crash_id;
  annotations["version"] = 2;

  // The serialized raw crash, then the store's packed copy of it and of every
  // dump plus LMDB's dirty pages holding them until the commit.
  uint64_t raw_bytes = SerializedSizeBound(annotations);
  uint64_t dump_bytes = 0;
  for (const store::Dump& d : sub.dumps) dump_bytes += d.bytes.size();
  if (!upload.Charge(raw_bytes + 2 * (raw_bytes + dump_bytes)))
    return Malformed(kBusy);
  store::RawCrashRecord record{
      crash_id,
      annotations.dump(-1, ' ', false, json::error_handler_t::replace),
      std::move(sub.dumps)};
  store::QueueName queue = store::QueueName::kNormal;
  auto save_started = std::chrono::steady_clock::now();
  Status s = store_.PutRaw(record, &queue);
  metrics_
      .GetHistogram("collector.crashmover.crash_save.time",
                    base::LatencyBucketsMs)
      ->Observe(std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - save_started)
                    .count());
  if (!s.ok()) {
    metrics_.GetCounter("collector.crashmover.save_crash_dropped.count")->Add();
    CB_LOG_ERROR("{}: not saved: {}", crash_id, s.ToString());
    if (s.code() == Status::Code::kUnavailable) {
      return Outcome{Kind::kUnavailable, "", "", options_.retry_after_seconds};
    }
    return Outcome{Kind::kFailed, "", "", 0};
  }
  metrics_.GetCounter("collector.crashmover.save_crash.count")->Add();
  CB_LOG_DEBUG("{} saved", crash_id);
  return Outcome{Kind::kAccepted, fmt::format("CrashID=bp-{}\n", crash_id),
                 crash_id, 0};
}

}  // namespace crashbox::collector
