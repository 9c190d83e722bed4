// SPDX-License-Identifier: MPL-2.0
// Product details: which products crashbox knows, in Socorro's format
// (SOCORRO.md §8): one JSON file per product. crashbox embeds Socorro's set
// (assets/product_details/) so Socorro's data and links work unchanged, and
// reads more from <data_dir>/product_details/, so a team adds its own (a
// file naming an embedded product replaces it). Super Search accepts a
// product named here or seen in the index; the UI lists them.
//
// Loading is strict, as Socorro's typed loader is: keys starting with '_'
// are comments, an unknown key or a wrong type is an error naming the file.
// A ProductDetails is immutable after Load: share it between threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/status.h"

namespace crashbox::products {

struct Product {
  std::string name;  // the ProductName annotation
  std::string description;
  int64_t home_page_sort = 0;
  // Literal versions ("68.0b" = every 68 beta), "auto" or "KEY.PATH" (a
  // path in a version_json_urls document; crashbox fetches nothing at run
  // time, so those count as "auto").
  std::vector<std::string> featured_versions;
  std::vector<std::pair<std::string, std::string>> version_json_urls;
  bool in_buildhub = false;
  // [label, url template] pairs, kept as given for the UI.
  std::vector<std::pair<std::string, std::string>> bug_links;
  std::vector<std::pair<std::string, std::string>> product_home_links;
};

// Bounds on what a data directory may hold.
inline constexpr size_t kMaxProductFileBytes = 256 * 1024;
inline constexpr size_t kMaxProducts = 1000;

// Parses one product file's text; `where` names it in errors.
Result<Product> ParseProduct(std::string_view text, std::string_view where);

class ProductDetails {
 public:
  // The embedded set only.
  static Result<ProductDetails> Embedded();
  // The embedded set, then every *.json in `dir` (absent is fine).
  // kInvalidArgument for a bad file, naming it.
  static Result<ProductDetails> Load(const std::filesystem::path& dir);

  // Sorted by (home_page_sort, name); the first is the default product.
  const std::vector<Product>& all() const { return products_; }
  const Product* Find(std::string_view name) const;

 private:
  Status Add(Product p);
  void Sort();
  std::vector<Product> products_;
};

}  // namespace crashbox::products
