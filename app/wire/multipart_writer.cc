// SPDX-License-Identifier: MPL-2.0
#include "app/wire/multipart_writer.h"

#include <random>

#include <fmt/format.h>

namespace crashbox::wire {

MultipartWriter::MultipartWriter(std::string boundary)
    : boundary_(std::move(boundary)) {
  if (boundary_.empty()) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    boundary_ = fmt::format("------------------------{:016x}{:08x}", rng(),
                            rng() & 0xffffffff);
  }
}

void MultipartWriter::AddText(std::string_view name, std::string_view value) {
  body_ +=
      fmt::format("--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                  boundary_, name);
  body_ += value;
  body_ += "\r\n";
}

void MultipartWriter::AddJson(std::string_view name,
                              const nlohmann::json& value) {
  body_ += fmt::format(
      "--{}\r\nContent-Disposition: form-data; name=\"{}\"\r\nContent-Type: "
      "application/json\r\n\r\n",
      boundary_, name);
  body_ += value.dump();
  body_ += "\r\n";
}

void MultipartWriter::AddFile(std::string_view name, std::string_view filename,
                              std::string_view bytes,
                              std::string_view content_type) {
  body_ += fmt::format(
      "--{}\r\nContent-Disposition: form-data; name=\"{}\"; "
      "filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
      boundary_, name, filename, content_type);
  body_ += bytes;
  body_ += "\r\n";
}

std::string MultipartWriter::Finish() {
  body_ += fmt::format("--{}--\r\n", boundary_);
  return std::move(body_);
}

std::string EncodeCrashReport(
    const nlohmann::json& annotations,
    const std::vector<std::pair<std::string, std::string>>& dumps,
    bool json_extra, MultipartWriter& writer) {
  if (json_extra) {
    writer.AddJson("extra", annotations);
  } else {
    for (const auto& [k, v] : annotations.items())
      writer.AddText(k, v.is_string() ? v.get<std::string>() : v.dump());
  }
  for (const auto& [name, bytes] : dumps)
    writer.AddFile(name, name + ".dmp", bytes);
  return writer.Finish();
}

}  // namespace crashbox::wire
