// SPDX-License-Identifier: MPL-2.0
#include "app/collector/submission.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "app/base/strings.h"

namespace crashbox::collector {
namespace {

// Decodes text in `charset` to UTF-8; nullopt when it does not decode.
std::optional<std::string> DecodeText(std::string bytes, const std::string& charset,
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

bool NestingWithin(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

}  // namespace

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

Status SubmissionBuilder::OnPartBegin(const PartHeaders& headers) {
  part_ = headers;
  body_.clear();
  text_too_large_ = false;
  if (!headers.name) {
    kind_ = Kind::kIgnore;  // Antenna ignores parts without a name
  } else if (headers.content_type.starts_with("application/json")) {
    kind_ = Kind::kJson;
  } else if ((headers.content_type.empty() || headers.content_type.starts_with("text/plain")) &&
             !headers.filename) {
    kind_ = Kind::kText;
  } else {
    kind_ = Kind::kDump;
  }
  return Status::Ok();
}

Status SubmissionBuilder::OnPartData(ByteView data) {
  if (kind_ == Kind::kIgnore || text_too_large_) return Status::Ok();
  if (kind_ == Kind::kText && body_.size() + data.size() > max_text_bytes_) {
    text_too_large_ = true;  // reported at the end of the part; keep parsing
    body_.clear();
    body_.shrink_to_fit();
    return Status::Ok();
  }
  body_.append(AsChars(data));
  return Status::Ok();
}

Status SubmissionBuilder::OnPartEnd() {
  const std::string& name = *part_.name;
  switch (kind_) {
    case Kind::kIgnore:
      return Status::Ok();
    case Kind::kJson: {
      if (!NestingWithin(body_, kMaxJsonDepth)) {
        return Fail(kInvalidJson, fmt::format("part {}: JSON nested deeper than {}", name, kMaxJsonDepth));
      }
      nlohmann::json j = nlohmann::json::parse(body_, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) return Fail(kInvalidJson, fmt::format("part {}: invalid JSON", name));
      if (!j.is_object()) return Fail(kInvalidJsonValue, fmt::format("part {}: JSON is not an object", name));
      sub_.annotations = std::move(j);  // replaces what came before, as Antenna
      sub_.has_json = true;
      return Status::Ok();
    }
    case Kind::kText: {
      std::string why;
      if (text_too_large_) {
        why = fmt::format("text part exceeds {} bytes", max_text_bytes_);
      } else if (!base::IsValidUtf8(name)) {
        why = "annotation name is not valid UTF-8";
      } else if (std::optional<std::string> text = DecodeText(std::move(body_), part_.charset, &why)) {
        sub_.annotations[name] = std::move(*text);
        sub_.has_text = true;
        return Status::Ok();
      }
      std::string shown = base::IsValidUtf8(name) ? name : "<invalid utf-8>";
      sub_.notes.push_back(fmt::format("extract payload text part exception: {}: {}", shown, why));
      return Status::Ok();
    }
    case Kind::kDump: {
      std::string dump_name = SanitizeDumpName(name);
      if (dump_name == "dump_names" || dump_name == "processed_crash" || dump_name == "raw_crash") {
        return Fail(kInvalidDumpName, fmt::format("dump name {} is reserved", dump_name));
      }
      if (part_.content_type != "application/octet-stream") {
        sub_.notes.push_back(fmt::format("unknown content type: {} {}", dump_name,
                                         part_.content_type.empty() ? "text/plain" : part_.content_type));
      }
      auto same = [&](const store::Dump& d) { return d.name == dump_name; };
      sub_.dumps.erase(std::remove_if(sub_.dumps.begin(), sub_.dumps.end(), same), sub_.dumps.end());
      sub_.dumps.push_back(store::Dump{dump_name, std::move(body_)});
      body_ = std::string();
      return Status::Ok();
    }
  }
  return Status::Ok();
}

Status SubmissionBuilder::Finish(std::string* code) {
  if (sub_.annotations.empty()) {
    *code = kNoAnnotations;
    return Status::InvalidArgument("no annotations");
  }
  if (sub_.has_json && sub_.has_text) {
    sub_.notes.push_back("includes annotations in both json-encoded extra and formdata parts");
  }
  return Status::Ok();
}

}  // namespace crashbox::collector
