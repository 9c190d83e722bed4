// SPDX-License-Identifier: MPL-2.0
#include "web/api/search.h"

#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/search/execute.h"
#include "app/search/fields.h"
#include "app/search/query.h"
#include "app/search/result_cache.h"
#include "web/api/forms.h"
#include "web/api/search_gate.h"
#include "web/ui/pages.h"

namespace crashbox::web {
namespace {

using nlohmann::json;

// Whether `product` has crashes in the index (Socorro also accepts products
// it has data for only through product details; crashbox accepts both, so
// a team's own product is searchable before anyone writes its file).
bool Indexed(store::sqlite::SearchIndex& index, std::string_view product) {
  Result<store::sqlite::QueryResult> r =
      index.Query("SELECT 1 FROM crashes WHERE product = ?1 LIMIT 1",
                  std::vector<store::sqlite::Value>{std::string(product)});
  return r.ok() && !r.value().rows.empty();
}

}  // namespace

Handler MakeSuperSearchFieldsHandler() {
  // The definitions are fixed for the life of the process: render once.
  static const std::string kBody =
      search::FieldsJson(search::FieldSet::Default()).dump();
  return [](Request&, Response& resp) { resp.Json(200, kBody); };
}

Handler MakeProductDetailsHandler(const products::ProductDetails& details) {
  json list = json::array();
  auto pairs = [](const std::vector<std::pair<std::string, std::string>>& v) {
    json out = json::array();
    for (const auto& [label, url] : v) out.push_back({label, url});
    return out;
  };
  for (const products::Product& p : details.all()) {
    list.push_back({{"name", p.name},
                    {"description", p.description},
                    {"home_page_sort", p.home_page_sort},
                    {"featured_versions", p.featured_versions},
                    {"bug_links", pairs(p.bug_links)},
                    {"product_home_links", pairs(p.product_home_links)}});
  }
  // Fixed for the life of the process: render once.
  std::string body = json{{"products", list}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
  return [body = std::move(body)](Request&, Response& resp) {
    resp.Json(200, body);
  };
}

Handler MakeProductHomeHandler(const SearchServices& s) {
  return [&s, page = MakeAssetHandler("html/product.html",
                                      "text/html; charset=utf-8")](
             Request& req, Response& resp) {
    constexpr std::string_view kPrefix = "/home/product/";
    std::string name = std::string(req.path).substr(kPrefix.size());
    while (!name.empty() && name.back() == '/') name.pop_back();
    bool known = s.products->Find(name) != nullptr;
    if (!known && !name.empty() && name.size() <= 256) {
      (void)s.index->Read([&](store::sqlite::SearchIndex& index) {
        known = Indexed(index, name);
        return Status::Ok();
      });
    }
    if (!known) {
      resp.Text(404, "Unknown product\n");
      return;
    }
    page(req, resp);
  };
}

namespace {

// How long an answer over a range ending "now" is kept: a crash whose date
// enters (or leaves) a moving window shows within this, as Crash Stats'
// own caches of Top Crashers lag by minutes.
constexpr std::chrono::seconds kNowTtl{60};

// Whether the client asks for a fresh answer (`Cache-Control: no-cache`,
// as a browser's reload sends; Elasticsearch's request_cache=false).
bool WantsFresh(const Request& req) {
  std::optional<std::string> cc = req.Header("Cache-Control");
  return cc && base::ToLower(*cc).find("no-cache") != std::string::npos;
}

Handler MakeSearch(const SearchServices& s, Access& access,
                   std::shared_ptr<SearchGate> gate,
                   std::shared_ptr<search::ResultCache> cache,
                   bool unredacted) {
  const search::Audience audience =
      unredacted ? search::Audience::kUnredacted : search::Audience::kPublic;
  return [&s, &access, gate, cache, audience, unredacted](Request& req,
                                                          Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller) return;
    if (unredacted) {
      if (!Access::Require(*caller, auth::kViewPii, resp)) return;
      access.Audit(req, *caller, "view_pii", "SuperSearchUnredacted");
    }
    if (!gate->Enter(req.remote_addr)) {
      resp.headers.emplace_back("Retry-After", "1");
      ErrorJson(resp, 429, "Too many searches at once; retry in a moment");
      return;
    }
    search::Params params = req.Query();
    // Read before the index is: an answer is never filed under a
    // generation newer than the data it was computed from.
    const uint64_t generation = s.index->generation();
    Status status = s.index->Read([&](store::sqlite::SearchIndex& index) {
      search::ParseOptions options;
      options.now = std::chrono::time_point_cast<std::chrono::microseconds>(
          s.clock->Now());
      options.is_known_product = [&](std::string_view product) {
        return s.products->Find(product) != nullptr || Indexed(index, product);
      };
      Result<search::Query> query = search::Parse(params, audience, options);
      if (!query.ok()) return query.status();
      // A bound Parse took from the clock is keyed as such, and the
      // answer lives kNowTtl at most (result_cache.h).
      json canonical = search::QueryToJson(query.value());
      bool relative = false;
      if (query->date_to.at == options.now) {
        canonical["date"]["to"] = "now";
        relative = true;
        if (query->date_from.at ==
            options.now - std::chrono::days(search::kDefaultDateRangeDays))
          canonical["date"]["from"] = "now-default";
      }
      std::string key =
          canonical.dump(-1, ' ', false, json::error_handler_t::replace);
      key.insert(key.begin(), static_cast<char>(audience));
      if (!WantsFresh(req)) {
        if (auto hit = cache->Find(generation, key)) {
          resp.headers.emplace_back("X-Crashbox-Cache", "hit");
          resp.Json(200, *hit);
          return Status::Ok();
        }
      }
      search::RunOptions run;
      run.time_limit = s.time_limit;
      Result<json> body = search::Run(query.value(), audience, index, run);
      if (!body.ok()) return body.status();
      std::string text =
          body.value().dump(-1, ' ', false, json::error_handler_t::replace);
      resp.headers.emplace_back("X-Crashbox-Cache", "miss");
      resp.Json(200, text);
      cache->Put(generation, key, std::move(text),
                 relative ? search::ResultCache::Clock::now() + kNowTtl
                          : search::ResultCache::Clock::time_point::max());
      return Status::Ok();
    });
    gate->Leave(req.remote_addr);
    if (status.ok()) return;
    switch (status.code()) {
      case Status::Code::kInvalidArgument:
        ErrorJson(resp, 400,
                  "Bad request: BadArgumentError: " + status.message());
        return;
      case Status::Code::kUnavailable:
        resp.headers.emplace_back("Retry-After", "5");
        ErrorJson(resp, 503, status.message());
        return;
      default:
        ErrorJson(resp, 500, "search failed: " + status.ToString());
    }
  };
}

}  // namespace

SuperSearchHandlers MakeSuperSearchHandlers(const SearchServices& s,
                                            Access& access) {
  auto gate = std::make_shared<SearchGate>(s.max_concurrent,
                                           s.max_concurrent_per_address);
  auto cache =
      std::make_shared<search::ResultCache>(s.cache_bytes, s.cache_entry_bytes);
  return {MakeSearch(s, access, gate, cache, false),
          MakeSearch(s, access, gate, cache, true)};
}

}  // namespace crashbox::web
