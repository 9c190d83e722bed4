// SPDX-License-Identifier: MPL-2.0
// Super Search endpoints (SOCORRO.md §4.1):
//   GET /api/SuperSearchFields/      every field's definition, Socorro's
//                                    shape (a dict keyed by field name);
//                                    public, as in Socorro, protected fields
//                                    included with their permissions_needed
//   GET /api/SuperSearch/            search; parameters naming protected
//                                    fields are dropped, hits carry public
//                                    fields only
//   GET /api/SuperSearchUnredacted/  every field; view_pii (audited)
// Answers are kept until the next commit to the index (search::ResultCache),
// those over a range ending "now" 60 s at most, and say so in
// `X-Crashbox-Cache: hit|miss`; `Cache-Control: no-cache` asks for a fresh
// one.
// Errors: 400 {"error": "Bad request: BadArgumentError: <Socorro's text>"};
// 503 with Retry-After while the index is rebuilt or unavailable; 429 when
// too many searches run at once (in all, or from one address), so searches
// never take every worker from crash submission.
#pragma once

#include <cstddef>

#include "app/base/clock.h"
#include "app/indexer/indexer.h"
#include "app/products/products.h"
#include "web/api/access.h"
#include "web/http/request.h"

namespace crashbox::web {

struct SearchServices {
  indexer::Indexer* index = nullptr;
  const products::ProductDetails* products = nullptr;
  const base::Clock* clock = nullptr;
  // Searches running at once: in all, and from one client address.
  size_t max_concurrent = 4;
  size_t max_concurrent_per_address = 2;
  // Per search, over all its statements.
  std::chrono::milliseconds time_limit{10'000};
  // Answers kept until the index changes (search::ResultCache): in all,
  // and the largest one kept.
  size_t cache_bytes = 16 << 20;
  size_t cache_entry_bytes = 1 << 20;
};

Handler MakeSuperSearchFieldsHandler();

// GET /api/ProductDetails/ (crashbox's own; Socorro's webapp reads the files
// directly): the product-details files crashbox knows, in home-page order,
// as {"products": [{"name", "description", "home_page_sort",
// "featured_versions", "bug_links", "product_home_links"}]}.
Handler MakeProductDetailsHandler(const products::ProductDetails& products);

// GET /home/product/<product>: the product home page (assets/html/
// product.html) for a product a product-details file names or with indexed
// crashes; 404 otherwise (Socorro's answer).
Handler MakeProductHomeHandler(const SearchServices& services);

// The two search endpoints, sharing one set of concurrency caps. The
// services must outlive the handlers.
struct SuperSearchHandlers {
  Handler search;      // /api/SuperSearch/
  Handler unredacted;  // /api/SuperSearchUnredacted/
};
SuperSearchHandlers MakeSuperSearchHandlers(const SearchServices& services,
                                            Access& access);

}  // namespace crashbox::web
