// SPDX-License-Identifier: MPL-2.0
#include "web/api/crash_api.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/iso_time.h"
#include "app/base/strings.h"
#include "app/collector/crash_id.h"
#include "app/collector/json_measure.h"
#include "web/api/forms.h"

namespace crashbox::web {
namespace {

using nlohmann::json;
namespace sq = store::sqlite;

constexpr size_t kMaxValues = 1000;  // repeated parameters of one request
constexpr size_t kMaxJobs = 100;     // CrashSignature jobs per request
constexpr uint64_t kMaxJsonBytes = 1 << 20;

void FieldError(Response& resp, std::string_view field, std::string_view what) {
  resp.Json(400, json{{"errors", {{field, {what}}}}}.dump());
}

// The query string's parameters and, for a form POST, the body's (read up
// to kMaxJsonBytes).
Params FormParams(Request& req) {
  Params params = req.Query();
  if (req.method == "GET") return params;
  std::string body;
  char buf[8192];
  while (body.size() <= kMaxJsonBytes) {
    Result<size_t> got = req.read_body(buf, sizeof buf);
    if (!got.ok() || got.value() == 0) break;
    body.append(buf, got.value());
  }
  for (auto& p : ParseQuery(body)) params.push_back(std::move(p));
  return params;
}

// Every non-empty value of `name`, or nullopt after answering Socorro's 400
// for a missing field, too many values or a NUL.
std::optional<std::vector<std::string>> Values(Params params, Response& resp,
                                               std::string_view name,
                                               bool required = true) {
  std::vector<std::string> out;
  for (auto& [k, v] : params) {
    if (k != name) continue;
    if (v.find('\0') != std::string::npos) {
      ErrorJson(resp, 400, "Bad request: null characters are not allowed");
      return std::nullopt;
    }
    if (!v.empty()) out.push_back(std::move(v));
  }
  if (out.empty() && required) {
    FieldError(resp, name, "This field is required.");
    return std::nullopt;
  }
  if (out.size() > kMaxValues) {
    FieldError(
        resp, name,
        fmt::format("Ensure this field has at most {} values.", kMaxValues));
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<int64_t>> BugIds(Response& resp,
                                           const std::vector<std::string>& v,
                                           std::string_view field) {
  std::vector<int64_t> ids;
  for (const std::string& s : v) {
    bool digits = !s.empty() && s.size() <= 15 &&
                  std::all_of(s.begin(), s.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      FieldError(resp, field, "Enter a whole number.");
      return std::nullopt;
    }
    ids.push_back(std::stoll(s));
  }
  return ids;
}

json Hits(const std::vector<store::lmdb::BugAssociation>& v) {
  json hits = json::array();
  for (const auto& a : v)
    hits.push_back({{"id", a.bug_id}, {"signature", a.signature}});
  return {{"hits", hits}, {"total", hits.size()}};
}

// Runs a read on the index, answering 503 when there is none or it is
// being rebuilt.
bool ReadIndex(const CrashApiServices& s, Response& resp,
               const std::function<Status(sq::SearchIndex&)>& fn) {
  if (s.index == nullptr) {
    ErrorJson(resp, 503, "this node keeps no search index");
    return false;
  }
  Status st = s.index->Read(fn);
  if (st.ok()) return true;
  if (st.code() == Status::Code::kUnavailable)
    resp.headers.emplace_back("Retry-After", "5");
  ErrorJson(resp, st.code() == Status::Code::kUnavailable ? 503 : 500,
            st.ToString());
  return false;
}

std::string Placeholders(size_t n, size_t first = 1) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += fmt::format("{}?{}", i ? ", " : "", first + i);
  return out;
}

void Respond(Response& resp, const json& body) {
  resp.Json(200, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Socorro's Bugs answer: the bugs of `sigs`, and every signature of those
// bugs, by bug id then signature.
void AnswerBugs(store::lmdb::BugStore& bugs,
                const std::vector<std::string>& sigs, Response& resp) {
  Result<std::vector<store::lmdb::BugAssociation>> direct =
      bugs.ForSignatures(sigs);
  if (!direct.ok()) return ErrorJson(resp, 500, direct.status().ToString());
  std::vector<int64_t> ids;
  for (const auto& a : *direct) ids.push_back(a.bug_id);
  Result<std::vector<store::lmdb::BugAssociation>> all = bugs.ForBugs(ids);
  if (!all.ok()) return ErrorJson(resp, 500, all.status().ToString());
  Respond(resp, Hits(*all));
}

}  // namespace

CrashApiHandlers MakeCrashApiHandlers(CrashApiServices s, Access& access) {
  CrashApiHandlers h;

  h.signature_first_date = [s, &access](Request& req, Response& resp) {
    if (!access.Identify(req, resp)) return;
    auto sigs = Values(FormParams(req), resp, "signatures");
    if (!sigs) return;
    std::vector<sq::Value> params(sigs->begin(), sigs->end());
    json hits = json::array();
    ReadIndex(s, resp, [&](sq::SearchIndex& index) -> Status {
      CB_ASSIGN_OR_RETURN(
          sq::QueryResult r,
          index.Query(fmt::format("SELECT signature, first_date, first_build "
                                  "FROM signature_first WHERE signature IN "
                                  "({}) ORDER BY signature",
                                  Placeholders(params.size())),
                      params));
      for (const auto& row : r.rows) {
        const auto* date = std::get_if<int64_t>(&row[1]);
        const auto* build = std::get_if<int64_t>(&row[2]);
        hits.push_back(
            {{"signature", std::get<std::string>(row[0])},
             {"first_date", date ? base::IsoTimestampMicros(
                                       std::chrono::system_clock::time_point(
                                           std::chrono::microseconds(*date)))
                                 : ""},
             {"first_build", build ? std::to_string(*build) : ""}});
      }
      Respond(resp, {{"hits", hits}, {"total", hits.size()}});
      return Status::Ok();
    });
  };

  h.crash_signature = [s, &access](Request& req, Response& resp) {
    if (!access.Identify(req, resp)) return;
    std::string body;
    char buf[16384];
    while (true) {
      Result<size_t> got = req.read_body(buf, sizeof buf);
      if (!got.ok())
        return ErrorJson(resp, 413, "Payload too large (1 MiB at most)");
      if (got.value() == 0) break;
      body.append(buf, got.value());
    }
    // Measured before parsing: no deep nesting reaches the recursive parser.
    collector::JsonMeasure m = collector::MeasureJson(body, 200'000, 64);
    if (m.verdict != collector::JsonMeasure::Verdict::kOk)
      return ErrorJson(
          resp, 400,
          m.verdict == collector::JsonMeasure::Verdict::kInvalid
              ? "Payload is not valid JSON"
              : "Payload is nested too deeply or has too many values");
    json payload = json::parse(body, nullptr, false);
    const json* jobs = payload.is_object() && payload.contains("jobs")
                           ? &payload["jobs"]
                           : nullptr;
    if (jobs == nullptr || !jobs->is_array() || jobs->empty())
      return ErrorJson(resp, 400, "no jobs specified");
    if (jobs->size() > kMaxJobs)
      return ErrorJson(resp, 400,
                       fmt::format("at most {} jobs per request", kMaxJobs));
    json results = json::array();
    for (const json& job : *jobs) {
      if (!job.is_object())
        return ErrorJson(resp, 400, "each job is a crash data object");
      signature::SignatureResult r = s.signatures->Generate(job);
      results.push_back(
          {{"signature", r.signature}, {"notes", r.notes}, {"extra", r.extra}});
    }
    Respond(resp, {{"results", results}});
  };

  h.crash_verify = [s, &access](Request& req, Response& resp) {
    if (!access.Identify(req, resp)) return;
    std::string id =
        collector::ParseCrashId(req.QueryParam("crash_id").value_or(""));
    if (id.empty()) return ErrorJson(resp, 400, "unknown crash id");
    bool indexed = false;
    if (s.index != nullptr) {
      (void)s.index->Read([&](sq::SearchIndex& index) -> Status {
        CB_ASSIGN_OR_RETURN(
            sq::QueryResult r,
            index.Query("SELECT 1 FROM crashes WHERE crash_id = ?1",
                        std::vector<sq::Value>{id}));
        indexed = !r.rows.empty();
        return Status::Ok();
      });
    }
    Respond(resp, {{"uuid", id},
                   {"raw_crash", s.crashes->GetRawCrash(id).ok()},
                   {"processed_crash", s.crashes->GetProcessed(id).ok()},
                   {"elasticsearch_crash", indexed},
                   {"telemetry_crash", false}});
  };

  // Bugs: the bugs of these signatures, and every signature of those bugs.
  h.bugs_query = [s, &access](Request& req, Response& resp) {
    if (!access.Identify(req, resp)) return;
    auto sigs = Values(FormParams(req), resp, "signatures");
    if (sigs) AnswerBugs(*s.bugs, *sigs, resp);
  };

  h.bugs_post = [s, &access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller) return;
    Params params = FormParams(req);
    auto sigs_or = Values(params, resp, "signatures");
    if (!sigs_or) return;
    const std::vector<std::string>& sigs = *sigs_or;
    auto bugs_or = Values(params, resp, "bug_id", /*required=*/false);
    if (!bugs_or) return;
    const std::vector<std::string>& bug_values = *bugs_or;
    // Without bug_id: Socorro's Bugs query, sent as a POST for long
    // signature lists.
    if (bug_values.empty()) return AnswerBugs(*s.bugs, sigs, resp);
    if (!Access::Require(*caller, auth::kAdmin, resp)) return;
    auto ids = BugIds(resp, bug_values, "bug_id");
    if (!ids) return;
    int added = 0;
    for (int64_t id : *ids) {
      for (const std::string& sig : sigs) {
        Result<bool> r = s.bugs->Add(id, sig);
        if (!r.ok()) return ErrorJson(resp, 500, r.status().ToString());
        added += r.value();
      }
    }
    access.Audit(req, *caller, "bugs.add",
                 fmt::format("{}", fmt::join(bug_values, ",")),
                 fmt::format("{} signature(s)", sigs.size()));
    Respond(resp, {{"added", added}});
  };

  h.bugs_delete = [s, &access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller || !Access::Require(*caller, auth::kAdmin, resp)) return;
    Params params = FormParams(req);
    auto bug_values = Values(params, resp, "bug_id");
    if (!bug_values) return;
    auto ids = BugIds(resp, *bug_values, "bug_id");
    if (!ids) return;
    auto sigs = Values(params, resp, "signatures");
    if (!sigs) return;
    int removed = 0;
    for (int64_t id : *ids) {
      for (const std::string& sig : *sigs) {
        Result<bool> r = s.bugs->Remove(id, sig);
        if (!r.ok()) return ErrorJson(resp, 500, r.status().ToString());
        removed += r.value();
      }
    }
    access.Audit(req, *caller, "bugs.remove",
                 fmt::format("{}", fmt::join(*bug_values, ",")),
                 fmt::format("{} signature(s)", sigs->size()));
    Respond(resp, {{"removed", removed}});
  };

  h.signatures_by_bugs = [s, &access](Request& req, Response& resp) {
    if (!access.Identify(req, resp)) return;
    auto values = Values(req.Query(), resp, "bug_ids");
    if (!values) return;
    auto ids = BugIds(resp, *values, "bug_ids");
    if (!ids) return;
    auto all = s.bugs->ForBugs(*ids);
    if (!all.ok()) return ErrorJson(resp, 500, all.status().ToString());
    Respond(resp, Hits(*all));
  };

  h.version_string = [s, &access](Request& req, Response& resp) {
    if (!access.Identify(req, resp)) return;
    std::optional<std::string> product = req.QueryParam("product"),
                               channel = req.QueryParam("channel"),
                               build = req.QueryParam("build_id");
    for (auto [name, v] :
         {std::pair{"product", &product}, std::pair{"channel", &channel},
          std::pair{"build_id", &build}}) {
      if (!*v || (*v)->empty())
        return FieldError(resp, name, "This field is required.");
    }
    auto ids = BugIds(resp, {*build}, "build_id");  // digits, as an integer
    if (!ids) return;
    ReadIndex(s, resp, [&](sq::SearchIndex& index) -> Status {
      CB_ASSIGN_OR_RETURN(
          sq::QueryResult r,
          index.Query("SELECT DISTINCT version FROM crashes WHERE product = ?1 "
                      "AND lower(release_channel) = lower(?2) AND build_id = "
                      "?3 AND version IS NOT NULL ORDER BY version LIMIT 100",
                      std::vector<sq::Value>{*product, *channel, (*ids)[0]}));
      std::vector<std::string> versions;
      for (const auto& row : r.rows)
        versions.push_back(std::get<std::string>(row[0]));
      // Betas and aurora: a build is its beta, unless only release
      // candidates carry it.
      std::string ch = base::ToLower(*channel);
      if ((ch == "beta" || ch == "aurora") && !versions.empty()) {
        bool beta = versions[0].find('b') != std::string::npos;
        std::erase_if(versions, [&](const std::string& v) {
          return (v.find("rc") != std::string::npos) == beta;
        });
      }
      json hits = json::array();
      for (const std::string& v : versions)
        hits.push_back({{"version_string", v}});
      Respond(resp, {{"hits", hits}, {"total", hits.size()}});
      return Status::Ok();
    });
  };

  h.noop = [&access](Request& req, Response& resp) {
    if (!access.Identify(req, resp)) return;
    std::optional<std::string> product = req.QueryParam("product");
    if (!product || product->empty())
      return FieldError(resp, "product", "This field is required.");
    if (*product == "bad")
      return ErrorJson(resp, 400, "Bad request: BadArgumentError: product");
    Respond(resp, {{"hits", json::array()}, {"total", 0}});
  };
  return h;
}

}  // namespace crashbox::web
