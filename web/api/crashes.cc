// SPDX-License-Identifier: MPL-2.0
#include "web/api/crashes.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/collector/crash_id.h"
#include "web/http/status_map.h"

namespace crashbox::web {

using nlohmann::json;

namespace {

void Error(Response& resp, int status, const std::string& message) {
  resp.Json(status, json{{"error", message}}.dump());
}

// Socorro's attachment names: <id>.dmp, <id>-<name>.dmp, memory_report.json.gz.
std::string AttachmentName(const std::string& id, const std::string& name) {
  if (name == "upload_file_minidump") return id + ".dmp";
  if (name == "memory_report") return "memory_report.json.gz";
  return fmt::format("{}-{}.dmp", id, name);
}

}  // namespace

Handler MakeRawCrashHandler(store::CrashStore& store) {
  return [&store](Request& req, Response& resp) {
    resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
    if (!req.is_loopback) {
      Error(resp, 403, "RawCrash is served to loopback clients only until authentication is set up");
      return;
    }
    std::optional<std::string> raw_id = req.QueryParam("crash_id");
    if (!raw_id || raw_id->empty()) {
      resp.Json(400, R"({"errors": {"crash_id": ["This field is required."]}})");
      return;
    }
    if (raw_id->find('\0') != std::string::npos) {
      Error(resp, 400, "Bad request: null characters are not allowed");
      return;
    }
    std::string id = collector::ParseCrashId(*raw_id);
    if (id.empty()) {
      Error(resp, 400, fmt::format("Bad request: BadArgumentError: bad crash id {}", json(*raw_id).dump()));
      return;
    }
    std::string format = req.QueryParam("format").value_or("meta");
    if (format == "meta") {
      Result<std::string> raw = store.GetRawCrash(id);
      if (!raw.ok()) {
        if (raw.status().code() == Status::Code::kNotFound) {
          Error(resp, 404, "Not found: CrashIDNotFound " + id);
        } else {
          Error(resp, HttpStatusFor(raw.status()), raw.status().ToString());
        }
        return;
      }
      resp.Json(200, std::move(raw).value());
      return;
    }
    if (format != "raw") {
      Error(resp, 400, "Bad request: BadArgumentError: format must be 'meta' or 'raw'");
      return;
    }
    std::string name = req.QueryParam("name").value_or("upload_file_minidump");
    if (name.empty() || name == "dump") name = "upload_file_minidump";
    Result<std::string> dump = store.GetDump(id, name);
    if (!dump.ok()) {
      if (dump.status().code() == Status::Code::kNotFound) {
        Error(resp, 404, fmt::format("Not found: CrashIDNotFound {} has no dump {}", id, json(name).dump()));
      } else {
        Error(resp, HttpStatusFor(dump.status()), dump.status().ToString());
      }
      return;
    }
    resp.status = 200;
    resp.content_type = "application/octet-stream";
    resp.headers.emplace_back("Content-Disposition",
                              fmt::format("attachment; filename=\"{}\"", AttachmentName(id, name)));
    resp.body = std::move(dump).value();
  };
}

}  // namespace crashbox::web
