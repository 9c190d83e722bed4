// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/missing_report.h"

#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace crashbox::symsvc {
namespace {

std::string Iso(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string MissingSymbolsJson(const std::vector<store::MissingSymbols>& rows) {
  nlohmann::json hits = nlohmann::json::array();
  for (const store::MissingSymbols& r : rows) {
    hits.push_back({{"debug_file", r.module.debug_file},
                    {"debug_id", r.module.debug_id},
                    {"code_file", r.module.code_file},
                    {"code_id", r.module.code_id},
                    {"version", r.module.version},
                    {"count", r.count},
                    {"last_seen", Iso(r.last_seen_ms)}});
  }
  return nlohmann::json{{"total", rows.size()}, {"hits", std::move(hits)}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string MissingSymbolsCsv(const std::vector<store::MissingSymbols>& rows) {
  std::string out =
      "debug_file,debug_id,code_file,code_id,version,count,last_seen\n";
  for (const store::MissingSymbols& r : rows) {
    out +=
        fmt::format("{},{},{},{},{},{},{}\n", CsvField(r.module.debug_file),
                    CsvField(r.module.debug_id), CsvField(r.module.code_file),
                    CsvField(r.module.code_id), CsvField(r.module.version),
                    r.count, Iso(r.last_seen_ms));
  }
  return out;
}

}  // namespace crashbox::symsvc
