// SPDX-License-Identifier: MPL-2.0
#include "app/run/search_commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>

#include <fmt/format.h>

#include "app/base/log.h"
#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/indexer/indexer.h"
#include "app/products/products.h"
#include "app/run/common.h"
#include "app/search/execute.h"
#include "app/search/query.h"
#include "store/sqlite/search_index.h"

namespace crashbox::run {
namespace {

using nlohmann::json;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr size_t kMaxCell = 80;  // table cells are cut past this

std::string Cell(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// Cuts at a UTF-8 boundary and marks the cut.
std::string Cut(const std::string& s) {
  if (s.size() <= kMaxCell) return s;
  size_t n = kMaxCell - 3;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

void AppendTable(std::string& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], Cut(row[c]).size());
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string v = Cut(cells[c]);
      out += v;
      if (c + 1 < cells.size())
        out += std::string(width[c] - v.size() + 2, ' ');
    }
    out += '\n';
  };
  line(header);
  for (const auto& row : rows) line(row);
}

// The hit columns in the asked order, then any others the hits carry.
std::vector<std::string> HitColumns(const json& hits,
                                    const std::vector<std::string>& asked) {
  std::vector<std::string> cols;
  for (const std::string& c : asked)
    if (!hits.empty() && hits[0].contains(c)) cols.push_back(c);
  if (!hits.empty() && hits[0].is_object())
    for (const auto& [k, v] : hits[0].items())
      if (std::find(cols.begin(), cols.end(), k) == cols.end())
        cols.push_back(k);
  return cols;
}

// Facet buckets flattened: (facet path, term, count), nested facets with
// their parents' terms joined by " / ".
void FlattenFacets(const json& facets, const std::string& prefix,
                   const std::string& parent_term,
                   std::vector<std::vector<std::string>>& rows) {
  if (!facets.is_object()) return;
  for (const auto& [name, buckets] : facets.items()) {
    std::string path = prefix.empty() ? name : prefix + "." + name;
    if (buckets.is_object() && buckets.contains("value")) {
      rows.push_back({path, parent_term, Cell(buckets["value"])});
      continue;
    }
    if (!buckets.is_array()) continue;
    for (const json& b : buckets) {
      std::string term = Cell(b.value("term", json()));
      std::string full =
          parent_term.empty() ? term : parent_term + " / " + term;
      rows.push_back({path, full, Cell(b.value("count", json()))});
      if (b.contains("facets")) FlattenFacets(b["facets"], path, full, rows);
    }
  }
}

std::vector<std::string> AskedColumns(const Params& params) {
  std::vector<std::string> cols;
  for (const auto& [k, v] : params)
    if (k == "_columns") cols.push_back(v);
  if (cols.empty())
    for (std::string_view c : search::kDefaultColumns) cols.emplace_back(c);
  return cols;
}

Result<json> SearchLocal(const config::Config& config, const Params& params,
                         bool unredacted) {
  std::filesystem::path path = SearchIndexPath(config);
  Result<std::unique_ptr<store::sqlite::SearchIndex>> index =
      store::sqlite::SearchIndex::Open(path, /*read_only=*/true);
  if (!index.ok()) {
    if (index.status().code() == Status::Code::kNotFound) {
      return Status::NotFound(fmt::format(
          "no search index at {}: start `crashbox serve` on this data "
          "directory (it builds the index) or run `crashbox reindex`",
          path.string()));
    }
    return index.status();
  }
  CB_ASSIGN_OR_RETURN(
      products::ProductDetails products,
      products::ProductDetails::Load(ProductDetailsDir(config)));
  search::Audience audience =
      unredacted ? search::Audience::kUnredacted : search::Audience::kPublic;
  search::ParseOptions options;
  options.now = std::chrono::time_point_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now());
  store::sqlite::SearchIndex& ix = *index.value();
  options.is_known_product = [&](std::string_view product) {
    if (products.Find(product) != nullptr) return true;
    Result<store::sqlite::QueryResult> r =
        ix.Query("SELECT 1 FROM crashes WHERE product = ?1 LIMIT 1",
                 std::vector<store::sqlite::Value>{std::string(product)});
    return r.ok() && !r.value().rows.empty();
  };
  CB_ASSIGN_OR_RETURN(search::Query query,
                      search::Parse(params, audience, options));
  search::RunOptions run;
  run.time_limit = std::chrono::seconds(60);  // a person waits, not a server
  return search::Run(query, audience, ix, run);
}

Result<json> SearchRemote(const std::string& base_url, const Params& params,
                          bool unredacted, const std::string& token) {
  std::string url = base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += unredacted ? "/api/SuperSearchUnredacted/" : "/api/SuperSearch/";
  char sep = '?';
  for (const auto& [k, v] : params) {
    url += sep;
    url += base::PercentEncode(k) + "=" + base::PercentEncode(v);
    sep = '&';
  }
  httpclient::HttpClient http(120000);
  http.set_max_body_bytes(512ull << 20);
  std::vector<std::string> headers;
  if (!token.empty()) headers.push_back("Auth-Token: " + token);
  CB_ASSIGN_OR_RETURN(httpclient::HttpResponse resp, http.Get(url, headers));
  json body = json::parse(resp.body, nullptr, /*allow_exceptions=*/false);
  if (resp.status != 200) {
    std::string message = body.is_object() && body.contains("error")
                              ? Cell(body["error"])
                              : base::Utf8Lossy(resp.body.substr(0, 500));
    std::string text = fmt::format("HTTP {}: {}", resp.status, message);
    return resp.status == 400 ? Status::InvalidArgument(std::move(text))
                              : Status::Unavailable(std::move(text));
  }
  if (!body.is_object())
    return Status::Corrupt(fmt::format("{}: the answer is not JSON", url));
  return body;
}

}  // namespace

Result<Params> SearchParamsFromArgs(const std::vector<std::string>& args) {
  Params out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) {
      return Status::InvalidArgument(fmt::format(
          "'{}': search parameters are --name VALUE or --name=VALUE", a));
    }
    size_t eq = a.find('=');
    if (eq != std::string::npos) {
      out.emplace_back(a.substr(2, eq - 2), a.substr(eq + 1));
      continue;
    }
    if (i + 1 == args.size()) {
      return Status::InvalidArgument(
          fmt::format("'{}' needs a value (--name VALUE)", a));
    }
    out.emplace_back(a.substr(2), args[++i]);
  }
  return out;
}

std::string FormatSearchResult(const json& body,
                               const std::vector<std::string>& columns,
                               std::string_view format) {
  if (format == "json") {
    return body.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  }
  const json& hits = body.contains("hits") && body["hits"].is_array()
                         ? body["hits"]
                         : json::array();
  std::vector<std::string> cols = HitColumns(hits, columns);
  std::vector<std::vector<std::string>> hit_rows;
  for (const json& h : hits) {
    std::vector<std::string> row;
    for (const std::string& c : cols) row.push_back(Cell(h.value(c, json())));
    hit_rows.push_back(std::move(row));
  }
  std::vector<std::vector<std::string>> facet_rows;
  if (body.contains("facets"))
    FlattenFacets(body["facets"], "", "", facet_rows);

  std::string out;
  if (format == "csv") {
    bool facets = hit_rows.empty() && !facet_rows.empty();
    std::vector<std::string> header =
        facets ? std::vector<std::string>{"facet", "term", "count"} : cols;
    const auto& rows = facets ? facet_rows : hit_rows;
    auto line = [&](const std::vector<std::string>& cells) {
      for (size_t c = 0; c < cells.size(); ++c)
        out += (c ? "," : "") + CsvField(cells[c]);
      out += "\r\n";  // RFC 4180
    };
    if (!header.empty()) line(header);
    for (const auto& r : rows) line(r);
    return out;
  }
  if (!hit_rows.empty()) {
    AppendTable(out, cols, hit_rows);
    out += '\n';
  }
  out += fmt::format("{} crashes\n", Cell(body.value("total", json(0))));
  if (!facet_rows.empty()) {
    out += '\n';
    AppendTable(out, {"facet", "term", "count"}, facet_rows);
  }
  return out;
}

int Search(const config::Config& config, const SearchCommand& command) {
  Result<Params> params = SearchParamsFromArgs(command.args);
  if (!params.ok()) return CommandError("search", params.status().message(), 2);
  Result<json> body =
      command.url.empty()
          ? SearchLocal(config, params.value(), command.unredacted)
          : SearchRemote(command.url, params.value(), command.unredacted,
                         command.token);
  if (!body.ok()) {
    int code = body.status().code() == Status::Code::kNotFound ? 2 : 1;
    return CommandError("search", body.status().message(), code);
  }
  std::string text = FormatSearchResult(
      body.value(), AskedColumns(params.value()), command.format);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int Reindex(const config::Config& config) {
  Result<int> lock = LockDataDir(config.data_dir);
  if (!lock.ok()) {
    if (lock.status().code() == Status::Code::kUnavailable) {
      return CommandError(
          "reindex",
          fmt::format("a crashbox server is using {}; stop it first (the "
                      "server rebuilds a missing or damaged index by itself "
                      "at start)",
                      config.data_dir),
          3);
    }
    return CommandError("reindex", lock.status().ToString(), 2);
  }
  int code = 0;
  {
    Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/false);
    if (!store.ok()) {
      code = CommandError("reindex", store.status().ToString(), 2);
    } else {
      Progress progress("reindex");
      auto started = std::chrono::steady_clock::now();
      auto last_log = started;
      auto rate = [&](uint64_t done) {
        double secs = std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - started)
                          .count();
        return secs > 0 ? done / secs : 0.0;
      };
      // Entries waiting now are covered by the rebuild, which reads each
      // crash's latest version; entries added while it runs (an import
      // beside it) are not, and stay for the server.
      Result<std::vector<store::IndexEntry>> covered =
          store->crashes->PendingIndex(SIZE_MAX);
      uint64_t indexed = 0;
      Status s = indexer::RebuildIndex(
          *store->crashes, SearchIndexPath(config),
          [&](uint64_t done, uint64_t total) {
            indexed = done;
            if (progress.tty()) {
              int width = 30;
              int filled = total ? static_cast<int>(width * done / total) : 0;
              progress.Show(fmt::format(
                  "[{}{}] {} of {} crashes, {:.0f}/s", std::string(filled, '#'),
                  std::string(width - filled, ' '), done, total, rate(done)));
            } else if (std::chrono::steady_clock::now() - last_log >=
                       std::chrono::seconds(10)) {
              last_log = std::chrono::steady_clock::now();
              CB_LOG_INFO("reindex: {} of {} crashes, {:.0f}/s", done, total,
                          rate(done));
            }
            return true;
          });
      progress.Clear();
      if (s.ok() && covered.ok())
        s = store->crashes->AckIndexed(covered.value());
      if (!s.ok()) {
        code = CommandError("reindex", s.ToString(), 1);
      } else {
        std::printf("indexed %llu crashes in %.1f s (%.0f/s) into %s\n",
                    static_cast<unsigned long long>(indexed),
                    std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - started)
                        .count(),
                    rate(indexed), SearchIndexPath(config).c_str());
      }
    }
  }
  ::close(lock.value());
  return code;
}

}  // namespace crashbox::run
