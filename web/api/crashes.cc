// SPDX-License-Identifier: MPL-2.0
#include "web/api/crashes.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/collector/crash_id.h"
#include "app/report/redact.h"
#include "web/api/forms.h"
#include "web/http/status_map.h"

namespace crashbox::web {

using nlohmann::json;

namespace {

// Socorro's attachment names: <id>.dmp, <id>-<name>.dmp, memory_report.json.gz.
std::string AttachmentName(const std::string& id, const std::string& name) {
  if (name == "upload_file_minidump") return id + ".dmp";
  if (name == "memory_report") return "memory_report.json.gz";
  return fmt::format("{}-{}.dmp", id, name);
}

// Common checks of the crash endpoints; returns the crash id, or "" after
// writing the error response.
std::string CheckedCrashId(Request& req, Response& resp) {
  std::optional<std::string> raw_id = req.QueryParam("crash_id");
  if (!raw_id || raw_id->empty()) {
    resp.Json(400, R"({"errors": {"crash_id": ["This field is required."]}})");
    return "";
  }
  if (raw_id->find('\0') != std::string::npos) {
    ErrorJson(resp, 400, "Bad request: null characters are not allowed");
    return "";
  }
  std::string id = collector::ParseCrashId(*raw_id);
  if (id.empty())
    ErrorJson(resp, 400,
              fmt::format("Bad request: BadArgumentError: bad crash id {}",
                          json(base::Utf8Lossy(*raw_id)).dump()));
  return id;
}

// The caller and the crash id of a crash endpoint's request; "" after
// writing the error response.
std::string CallerAndCrashId(Access& access, Request& req, Response& resp,
                             std::optional<auth::Caller>* caller) {
  *caller = access.Identify(req, resp);
  return *caller ? CheckedCrashId(req, resp) : "";
}

// The stored document as the caller may see it: whole with view_pii (an
// audited read), else reduced to public fields.
std::string AsAllowed(Access& access, const Request& req,
                      const auth::Caller& caller, const std::string& id,
                      std::string text, json (*reduce)(const json&)) {
  if (caller.Has(auth::kViewPii)) {
    access.Audit(req, caller, "view_pii", id, req.path);
    return text;
  }
  json doc = json::parse(text, nullptr, false);
  return reduce(doc).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Handler MakeProcessedCrashHandler(store::CrashStore& store, Access& access) {
  return [&store, &access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller;
    std::string id = CallerAndCrashId(access, req, resp, &caller);
    if (id.empty()) return;
    Result<std::string> processed = store.GetProcessed(id);
    if (processed.ok()) {
      resp.Json(
          200, AsAllowed(access, req, *caller, id, std::move(processed).value(),
                         report::RedactProcessed));
      return;
    }
    if (processed.status().code() != Status::Code::kNotFound) {
      ErrorJson(resp, HttpStatusFor(processed.status()),
                processed.status().ToString());
      return;
    }
    // Stored but not processed yet: ask for it first, as Crash Stats does.
    if (store.GetRawCrash(id).ok())
      (void)store.Enqueue(store::QueueName::kPriority, id, "");
    ErrorJson(resp, 404, "Not found: CrashIDNotFound " + id);
  };
}

Handler MakeReprocessingHandler(store::CrashStore& store, Access& access) {
  return [&store, &access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller || !Access::Require(*caller, auth::kReprocessCrashes, resp))
      return;
    Params params = req.Query();
    if (req.content_length.value_or(0) > (1u << 20)) {
      ErrorJson(resp, 413, "Bad request: body too large");
      return;
    }
    std::string body;
    char buf[8192];
    while (true) {
      Result<size_t> got = req.read_body(buf, sizeof(buf));
      if (!got.ok() || got.value() == 0) break;
      body.append(buf, got.value());
      if (body.size() > (1u << 20)) break;
    }
    for (auto& p : ParseQuery(body)) params.push_back(std::move(p));
    std::vector<std::pair<std::string, std::string>> jobs;
    for (const auto& [k, v] : params) {
      if (k != "crash_ids") continue;
      size_t colon = v.find(':');
      std::string id = collector::ParseCrashId(v.substr(0, colon));
      std::string ruleset =
          colon == std::string::npos ? "" : v.substr(colon + 1);
      if (id.empty()) {
        ErrorJson(
            resp, 400,
            fmt::format("Crash id '{}' is not valid.", v.substr(0, colon)));
        return;
      }
      if (!ruleset.empty() && ruleset != "default" &&
          ruleset != "regenerate_signature") {
        ErrorJson(resp, 400,
                  fmt::format("Ruleset '{}' is not valid.", ruleset));
        return;
      }
      jobs.emplace_back(id, ruleset);
      if (jobs.size() > 10'000) {
        ErrorJson(resp, 400, "Bad request: at most 10000 crash ids at once");
        return;
      }
    }
    if (jobs.empty()) {
      resp.Json(400,
                R"({"errors": {"crash_ids": ["This field is required."]}})");
      return;
    }
    for (const auto& [id, ruleset] : jobs) {
      if (Status s =
              store.Enqueue(store::QueueName::kReprocessing, id, ruleset);
          !s.ok()) {
        ErrorJson(resp, HttpStatusFor(s), s.ToString());
        return;
      }
      access.Audit(req, *caller, "reprocess", id, ruleset);
    }
    resp.Json(200, "true");
  };
}

Handler MakeRawCrashHandler(store::CrashStore& store, Access& access) {
  return [&store, &access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller;
    std::string id = CallerAndCrashId(access, req, resp, &caller);
    if (id.empty()) return;
    std::string format = req.QueryParam("format").value_or("meta");
    if (format == "meta") {
      Result<std::string> raw = store.GetRawCrash(id);
      if (!raw.ok()) {
        if (raw.status().code() == Status::Code::kNotFound) {
          ErrorJson(resp, 404, "Not found: CrashIDNotFound " + id);
        } else {
          ErrorJson(resp, HttpStatusFor(raw.status()), raw.status().ToString());
        }
        return;
      }
      resp.Json(200, AsAllowed(access, req, *caller, id, std::move(raw).value(),
                               report::RedactRaw));
      return;
    }
    if (format != "raw") {
      ErrorJson(
          resp, 400,
          "Bad request: BadArgumentError: format must be 'meta' or 'raw'");
      return;
    }
    if (!caller->Has(auth::kViewRawdump)) {
      ErrorJson(resp, 403,
                "Binary response requires permissions: View Raw Dumps");
      return;
    }
    std::string name = req.QueryParam("name").value_or("upload_file_minidump");
    if (name.empty() || name == "dump") name = "upload_file_minidump";
    Result<std::string> dump = store.GetDump(id, name);
    if (!dump.ok()) {
      if (dump.status().code() == Status::Code::kNotFound) {
        ErrorJson(resp, 404,
                  fmt::format("Not found: CrashIDNotFound {} has no dump {}",
                              id, json(base::Utf8Lossy(name)).dump()));
      } else {
        ErrorJson(resp, HttpStatusFor(dump.status()), dump.status().ToString());
      }
      return;
    }
    access.Audit(req, *caller, "view_rawdump", id, name);
    resp.status = 200;
    resp.content_type = "application/octet-stream";
    resp.headers.emplace_back(
        "Content-Disposition",
        fmt::format("attachment; filename=\"{}\"", AttachmentName(id, name)));
    resp.body = std::move(dump).value();
  };
}

}  // namespace crashbox::web
