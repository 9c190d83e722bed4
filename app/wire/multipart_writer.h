// SPDX-License-Identifier: MPL-2.0
// Builds crash-report bodies as Breakpad and Crashpad clients send them:
// multipart/form-data with text annotations (or one JSON `extra` part) and
// application/octet-stream dumps. Used by `crashbox submit`, the load driver
// and tests.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crashbox::wire {

class MultipartWriter {
 public:
  // A random boundary when empty.
  explicit MultipartWriter(std::string boundary = "");

  void AddText(std::string_view name, std::string_view value);
  void AddJson(std::string_view name, const nlohmann::json& value);
  void AddFile(std::string_view name, std::string_view filename,
               std::string_view bytes,
               std::string_view content_type = "application/octet-stream");
  // Appends the closing delimiter and returns the body; the writer is spent.
  std::string Finish();
  std::string ContentType() const {
    return "multipart/form-data; boundary=" + boundary_;
  }
  const std::string& boundary() const { return boundary_; }

 private:
  std::string boundary_;
  std::string body_;
};

// Annotations as one JSON `extra` part (true) or as text parts (false); values
// that are not strings are sent as their JSON text in text mode.
std::string EncodeCrashReport(
    const nlohmann::json& annotations,
    const std::vector<std::pair<std::string, std::string>>& dumps,
    bool json_extra, MultipartWriter& writer);

}  // namespace crashbox::wire
