// SPDX-License-Identifier: MPL-2.0
// SubmissionBuilder: turns multipart parts into a crash submission following
// Antenna's rules (SOCORRO.md §1.2 step 6): a JSON part replaces the
// annotations gathered so far, text parts become annotations, everything else
// is a dump with a sanitized name. Not thread-safe; one per request.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/wire/multipart.h"
#include "store/crash_store.h"

namespace crashbox::collector {

// Antenna's rejection codes, used verbatim as `Discarded=<code>` and as the
// `reason` label of the malformed metric.
inline constexpr char kNoContentType[] = "malformed_no_content_type";
inline constexpr char kWrongContentType[] = "malformed_wrong_content_type";
inline constexpr char kNoBoundary[] = "malformed_no_boundary";
inline constexpr char kNoContentLength[] = "malformed_no_content_length";
inline constexpr char kBadGzip[] = "malformed_bad_gzip";
inline constexpr char kInvalidJson[] = "malformed_invalid_json";
inline constexpr char kInvalidJsonValue[] = "malformed_invalid_json_value";
inline constexpr char kInvalidDumpName[] = "malformed_invalid_dump_name";
inline constexpr char kInvalidPayloadStructure[] =
    "malformed_invalid_payload_structure";
inline constexpr char kNoAnnotations[] = "malformed_no_annotations";
inline constexpr char kInvalidUuid[] = "malformed_invalid_uuid";
// crashbox's own, for limits Antenna leaves to nginx or does not have.
inline constexpr char kTooManyParts[] = "malformed_too_many_parts";
// The JSON `extra` part is longer than SubmissionLimits::max_json_bytes.
inline constexpr char kJsonTooLarge[] = "malformed_json_too_large";
// The JSON `extra` part holds more values than
// SubmissionLimits::max_json_values.
inline constexpr char kJsonTooManyValues[] = "malformed_json_too_many_values";
// The memory budget cannot hold the parsed JSON now (503 + Retry-After).
inline constexpr char kBusy[] = "busy";

struct Submission {
  nlohmann::json annotations = nlohmann::json::object();
  // In arrival order. Names are unique and none maps to another's store key:
  // never empty, never "dump" (the stored name of upload_file_minidump).
  std::vector<store::Dump> dumps;
  std::vector<std::string> notes;  // metadata.collector_notes
  bool has_json = false;           // metadata.payload = "json"
  bool has_text = false;
};

// "upload_file_minidump-2.dmp!" → "upload_file_minidump2dmp": ASCII letters,
// digits and '_' only, at most 30 characters (Antenna's rule).
std::string SanitizeDumpName(std::string_view name);

struct SubmissionLimits {
  // Text annotations above this are skipped with a collector note (Antenna).
  uint64_t max_text_annotation_bytes = 20ull << 20;
  // A JSON part longer than this refuses the submission (kJsonTooLarge) as
  // soon as it is seen, before it is buffered further.
  uint64_t max_json_bytes = 8ull << 20;
  // A JSON part with more values refuses the submission (kJsonTooManyValues);
  // counted before the value is built.
  uint64_t max_json_values = 100000;
  // Called with bytes about to be allocated beyond the parts' own bytes: the
  // estimated heap cost of a JSON part before it is parsed (json_measure.h),
  // and the copy that joins a part received in several chunks. False refuses
  // the submission with kBusy. Empty = free.
  std::function<bool(uint64_t bytes)> reserve;
};

// A part's bytes as they arrive, in chunks of at most 1 MiB: a large part
// never sits in a std::string that doubles as it grows (up to twice its size,
// three times while it reallocates), so what is held is what was charged.
class PartBuffer {
 public:
  void Append(std::string_view data);
  uint64_t size() const { return size_; }
  // The bytes as one exactly sized string; the buffer is empty afterwards.
  // Each chunk is freed as soon as it is copied, but the heap cannot give
  // that space to the string being filled: Take() holds twice size() at its
  // peak unless TakeCopies() is false (one chunk, moved out).
  std::string Take();
  bool TakeCopies() const { return chunks_.size() > 1; }
  void Clear();

 private:
  std::vector<std::string> chunks_;
  uint64_t size_ = 0;
};

class SubmissionBuilder final : public wire::MultipartHandler {
 public:
  explicit SubmissionBuilder(SubmissionLimits limits)
      : limits_(std::move(limits)) {}
  explicit SubmissionBuilder(uint64_t max_text_annotation_bytes)
      : SubmissionBuilder(SubmissionLimits{.max_text_annotation_bytes =
                                               max_text_annotation_bytes}) {}

  Status OnPartBegin(const wire::PartHeaders& headers) override;
  Status OnPartData(ByteView data) override;
  Status OnPartEnd() override;

  // After the parse: checks what needs the whole body (no annotations, both
  // JSON and text). On error, `*code` gets the Discarded code.
  Status Finish(std::string* code);
  // Set when a handler callback failed with a Discarded code.
  const std::string& error_code() const { return error_code_; }
  Submission& submission() { return sub_; }

 private:
  enum class Kind { kIgnore, kJson, kText, kDump };
  Status Fail(const char* code, std::string message);
  Status EndJsonPart(const std::string& name);
  Status EndDumpPart(const std::string& name);
  // Charges the copy Take() is about to make; false (and the kBusy code set)
  // when the budget cannot hold it.
  bool ReserveTake();

  SubmissionLimits limits_;
  Submission sub_;
  Kind kind_ = Kind::kIgnore;
  wire::PartHeaders part_;
  PartBuffer body_;
  bool text_too_large_ = false;
  bool json_too_large_ = false;
  std::string error_code_;
};

}  // namespace crashbox::collector
