// SPDX-License-Identifier: MPL-2.0
#include "app/collector/submission.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/collector/json_measure.h"

namespace crashbox::collector {
namespace {

// Decodes text in `charset` to UTF-8; nullopt when it does not decode.
std::optional<std::string> DecodeText(std::string bytes,
                                      const std::string& charset,
                                      std::string* why) {
  if (charset.empty() || charset == "utf-8" || charset == "utf8") {
    if (!base::IsValidUtf8(bytes)) {
      *why = "'utf-8' codec can't decode the part";
      return std::nullopt;
    }
    return bytes;
  }
  if (charset == "us-ascii" || charset == "ascii") {
    for (unsigned char c : bytes) {
      if (c >= 0x80) {
        *why = "'ascii' codec can't decode the part";
        return std::nullopt;
      }
    }
    return bytes;
  }
  if (charset == "iso-8859-1" || charset == "latin-1" || charset == "latin1") {
    std::string out;
    for (unsigned char c : bytes) {
      if (c < 0x80) {
        out.push_back(static_cast<char>(c));
      } else {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
      }
    }
    return out;
  }
  *why = fmt::format("unknown encoding: {}", charset);
  return std::nullopt;
}

// JSON nesting deeper than this is refused before parsing: parsing, copying
// and printing nested values recurse, and request threads have small stacks.
constexpr int kMaxJsonDepth = 64;

}  // namespace

void PartBuffer::Append(std::string_view data) {
  constexpr size_t kChunk = 1 << 20;
  while (!data.empty()) {
    if (chunks_.empty() || chunks_.back().size() == kChunk) {
      chunks_.emplace_back();
      // The first chunk grows as small parts do; later ones are exact.
      if (chunks_.size() > 1) chunks_.back().reserve(kChunk);
    }
    std::string& back = chunks_.back();
    size_t n = std::min(data.size(), kChunk - back.size());
    back.append(data.substr(0, n));
    data.remove_prefix(n);
    size_ += n;
  }
}

std::string PartBuffer::Take() {
  std::string out;
  if (chunks_.size() == 1) {
    out = std::move(chunks_[0]);
  } else if (!chunks_.empty()) {
    out.reserve(size_);
    for (std::string& c : chunks_) {
      out.append(c);
      std::string().swap(c);
    }
  }
  Clear();
  return out;
}

void PartBuffer::Clear() {
  chunks_.clear();
  chunks_.shrink_to_fit();
  size_ = 0;
}

std::string SanitizeDumpName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      if (static_cast<unsigned char>(c) < 0x80) out.push_back(c);
    }
  }
  if (out.size() > 30) out.resize(30);
  return out;
}

Status SubmissionBuilder::Fail(const char* code, std::string message) {
  error_code_ = code;
  return Status::InvalidArgument(std::move(message));
}

Status SubmissionBuilder::OnPartBegin(const wire::PartHeaders& headers) {
  part_ = headers;
  body_.Clear();
  text_too_large_ = false;
  json_too_large_ = false;
  if (!headers.name) {
    kind_ = Kind::kIgnore;  // Antenna ignores parts without a name
  } else if (headers.content_type.starts_with("application/json")) {
    kind_ = Kind::kJson;
  } else if ((headers.content_type.empty() ||
              headers.content_type.starts_with("text/plain")) &&
             !headers.filename) {
    kind_ = Kind::kText;
  } else {
    kind_ = Kind::kDump;
  }
  return Status::Ok();
}

Status SubmissionBuilder::OnPartData(ByteView data) {
  if (kind_ == Kind::kIgnore || text_too_large_) return Status::Ok();
  if (kind_ == Kind::kJson &&
      body_.size() + data.size() > limits_.max_json_bytes) {
    // Refused here, not at the end of the part: the rest is never buffered.
    return Fail(kJsonTooLarge,
                fmt::format("part {}: JSON exceeds {} bytes",
                            part_.name.value_or(""), limits_.max_json_bytes));
  }
  if (kind_ == Kind::kText &&
      body_.size() + data.size() > limits_.max_text_annotation_bytes) {
    text_too_large_ = true;  // reported at the end of the part; keep parsing
    body_.Clear();
    return Status::Ok();
  }
  body_.Append(AsChars(data));
  return Status::Ok();
}

bool SubmissionBuilder::ReserveTake() {
  if (!body_.TakeCopies() || !limits_.reserve || limits_.reserve(body_.size()))
    return true;
  error_code_ = kBusy;
  return false;
}

Status SubmissionBuilder::OnPartEnd() {
  const std::string& name = *part_.name;
  if (kind_ != Kind::kIgnore && !ReserveTake()) {
    return Status::InvalidArgument(fmt::format(
        "part {}: no memory budget to join {} bytes", name, body_.size()));
  }
  switch (kind_) {
    case Kind::kIgnore:
      return Status::Ok();
    case Kind::kJson:
      return EndJsonPart(name);
    case Kind::kText: {
      std::string why;
      if (text_too_large_) {
        why = fmt::format("text part exceeds {} bytes",
                          limits_.max_text_annotation_bytes);
      } else if (!base::IsValidUtf8(name)) {
        why = "annotation name is not valid UTF-8";
      } else if (std::optional<std::string> text =
                     DecodeText(body_.Take(), part_.charset, &why)) {
        sub_.annotations[name] = std::move(*text);
        sub_.has_text = true;
        return Status::Ok();
      }
      std::string shown = base::IsValidUtf8(name) ? name : "<invalid utf-8>";
      sub_.notes.push_back(fmt::format(
          "extract payload text part exception: {}: {}", shown, why));
      return Status::Ok();
    }
    case Kind::kDump:
      return EndDumpPart(name);
  }
  return Status::Ok();
}

Status SubmissionBuilder::EndJsonPart(const std::string& name) {
  // Measured first, without building anything: `[0,0,...]` costs about 24
  // times its text once parsed, so the count and the budget decide before
  // the value exists.
  const std::string text = body_.Take();
  JsonMeasure m = MeasureJson(text, limits_.max_json_values, kMaxJsonDepth);
  switch (m.verdict) {
    case JsonMeasure::Verdict::kOk:
      break;
    case JsonMeasure::Verdict::kInvalid:
      return Fail(kInvalidJson, fmt::format("part {}: invalid JSON", name));
    case JsonMeasure::Verdict::kTooDeep:
      return Fail(kInvalidJson,
                  fmt::format("part {}: JSON nested deeper than {}", name,
                              kMaxJsonDepth));
    case JsonMeasure::Verdict::kTooManyValues:
      return Fail(kJsonTooManyValues,
                  fmt::format("part {}: JSON holds more than {} values", name,
                              limits_.max_json_values));
  }
  if (limits_.reserve && !limits_.reserve(m.parsed_bytes)) {
    return Fail(
        kBusy,
        fmt::format("part {}: no memory budget for {} bytes of parsed JSON",
                    name, m.parsed_bytes));
  }
  nlohmann::json j =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return Fail(kInvalidJson, fmt::format("part {}: invalid JSON", name));
  if (!j.is_object())
    return Fail(kInvalidJsonValue,
                fmt::format("part {}: JSON is not an object", name));
  sub_.annotations = std::move(j);  // replaces what came before, as Antenna
  sub_.has_json = true;
  return Status::Ok();
}

Status SubmissionBuilder::EndDumpPart(const std::string& name) {
  std::string dump_name = SanitizeDumpName(name);
  // Names that are, or would be stored as, something else: the store keeps
  // upload_file_minidump under "dump" (store/lmdb/keys.h, Socorro's layout),
  // and an empty name is stored there too, so either would overwrite the
  // minidump's bytes while its checksum still described the real one.
  if (dump_name.empty() || dump_name == "dump" || dump_name == "dump_names" ||
      dump_name == "processed_crash" || dump_name == "raw_crash") {
    return Fail(kInvalidDumpName,
                fmt::format("dump name '{}' is reserved or empty", dump_name));
  }
  if (part_.content_type != "application/octet-stream") {
    sub_.notes.push_back(fmt::format(
        "unknown content type: {} {}", dump_name,
        part_.content_type.empty() ? "text/plain" : part_.content_type));
  }
  // A second part with the same sanitized name never replaces the first:
  // the first is the one a client names by convention (upload_file_minidump
  // comes first from Breakpad and Crashpad), and what the raw crash records
  // must be what is stored. The later part is dropped with a note.
  auto same = [&](const store::Dump& d) { return d.name == dump_name; };
  if (std::any_of(sub_.dumps.begin(), sub_.dumps.end(), same)) {
    sub_.notes.push_back(fmt::format(
        "dump {}: a dump of that name came first; this part was dropped",
        dump_name));
    body_.Clear();
    return Status::Ok();
  }
  sub_.dumps.push_back(store::Dump{dump_name, body_.Take()});
  return Status::Ok();
}

Status SubmissionBuilder::Finish(std::string* code) {
  if (sub_.annotations.empty()) {
    *code = kNoAnnotations;
    return Status::InvalidArgument("no annotations");
  }
  if (sub_.has_json && sub_.has_text) {
    sub_.notes.push_back(
        "includes annotations in both json-encoded extra and formdata parts");
  }
  return Status::Ok();
}

}  // namespace crashbox::collector
