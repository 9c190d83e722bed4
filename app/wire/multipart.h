// SPDX-License-Identifier: MPL-2.0
// Streaming multipart (RFC 2046) parser for crash submissions. Bytes are fed
// in arbitrary pieces; part headers are parsed when complete and part bodies
// are handed to the handler as they arrive, so a 250 MiB submission is never
// held twice. Structure errors are kCorrupt (Antenna's
// malformed_invalid_payload_structure); too many parts is kLimitExceeded.
// Not thread-safe; one parser per request.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::wire {

struct PartHeaders {
  std::optional<std::string> name;      // Content-Disposition name=, raw bytes
  std::optional<std::string> filename;  // Content-Disposition filename=
  std::string content_type;  // lower-cased media type, "" when absent
  std::string charset;       // lower-cased charset parameter, "" when absent
};

class MultipartHandler {
 public:
  virtual ~MultipartHandler() = default;
  virtual Status OnPartBegin(const PartHeaders& headers) = 0;
  virtual Status OnPartData(ByteView data) = 0;
  virtual Status OnPartEnd() = 0;
};

struct MultipartLimits {
  size_t max_parts = 1000;
  size_t max_header_bytes = 8 * 1024;
};

class MultipartParser {
 public:
  MultipartParser(std::string boundary, MultipartLimits limits,
                  MultipartHandler& handler);

  // Errors from the handler are returned unchanged and stop the parse.
  Status Feed(ByteView data);
  // kCorrupt unless the closing delimiter was seen.
  Status Finish();
  size_t parts() const { return parts_; }

 private:
  enum class State { kPreamble, kAfterDelimiter, kHeaders, kBody, kEpilogue };
  Status Step(bool* progressed);
  Status ParseHeaders(std::string_view block);

  std::string dash_boundary_;  // "--" + boundary
  std::string delimiter_;      // "\r\n--" + boundary
  MultipartLimits limits_;
  MultipartHandler& handler_;
  State state_ = State::kPreamble;
  std::string buf_;
  size_t pos_ = 0;
  size_t parts_ = 0;
};

// Parses a Content-Type header value: lower-cased media type and parameters.
struct MediaType {
  std::string type;  // "multipart/form-data"
  std::optional<std::string> boundary;
  std::string charset;
};
MediaType ParseMediaType(std::string_view header);

}  // namespace crashbox::wire
