// SPDX-License-Identifier: MPL-2.0
#include "app/products/products.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "assets/embedded.h"

namespace crashbox::products {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Status Bad(std::string_view where, std::string_view what) {
  return Status::InvalidArgument(
      fmt::format("product details {}: {}", where, what));
}

Result<std::vector<std::pair<std::string, std::string>>> Pairs(
    const json& v, std::string_view where, std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!v.is_array())
    return Bad(where, fmt::format("'{}' must be a list of pairs", key));
  for (const json& p : v) {
    if (!p.is_array() || p.size() != 2 || !p[0].is_string() ||
        !p[1].is_string())
      return Bad(where, fmt::format("'{}' must hold [label, url] pairs", key));
    out.emplace_back(p[0].get<std::string>(), p[1].get<std::string>());
  }
  return out;
}

}  // namespace

Result<Product> ParseProduct(std::string_view text, std::string_view where) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return Bad(where, "not a JSON object");
  Product p;
  bool has_name = false, has_description = false, has_sort = false;
  for (const auto& [key, v] : doc.items()) {
    if (!key.empty() && key[0] == '_') continue;  // a comment
    auto want = [&](bool ok, std::string_view type) -> Status {
      if (ok) return Status::Ok();
      return Bad(where, fmt::format("'{}' must be {}", key, type));
    };
    if (key == "name") {
      CB_RETURN_IF_ERROR(want(v.is_string() && !v.get<std::string>().empty(),
                              "a non-empty string"));
      p.name = v.get<std::string>();
      has_name = true;
    } else if (key == "description") {
      CB_RETURN_IF_ERROR(want(v.is_string(), "a string"));
      p.description = v.get<std::string>();
      has_description = true;
    } else if (key == "home_page_sort") {
      CB_RETURN_IF_ERROR(want(v.is_number_integer(), "an integer"));
      p.home_page_sort = v.get<int64_t>();
      has_sort = true;
    } else if (key == "featured_versions") {
      bool ok = v.is_array() &&
                std::all_of(v.begin(), v.end(),
                            [](const json& e) { return e.is_string(); });
      CB_RETURN_IF_ERROR(want(ok, "a list of strings"));
      for (const json& e : v) p.featured_versions.push_back(e);
    } else if (key == "version_json_urls") {
      bool ok = v.is_object() &&
                std::all_of(v.begin(), v.end(),
                            [](const json& e) { return e.is_string(); });
      CB_RETURN_IF_ERROR(want(ok, "an object of URLs"));
      for (const auto& [k, url] : v.items())
        p.version_json_urls.emplace_back(k, url.get<std::string>());
    } else if (key == "in_buildhub") {
      CB_RETURN_IF_ERROR(want(v.is_boolean(), "true or false"));
      p.in_buildhub = v.get<bool>();
    } else if (key == "bug_links") {
      CB_ASSIGN_OR_RETURN(p.bug_links, Pairs(v, where, key));
    } else if (key == "product_home_links") {
      CB_ASSIGN_OR_RETURN(p.product_home_links, Pairs(v, where, key));
    } else {
      return Bad(where, fmt::format("unknown key '{}'", key));
    }
  }
  if (!has_name) return Bad(where, "'name' is required");
  if (!has_description) return Bad(where, "'description' is required");
  if (!has_sort) return Bad(where, "'home_page_sort' is required");
  return p;
}

Status ProductDetails::Add(Product p) {
  auto same = std::find_if(products_.begin(), products_.end(),
                           [&](const Product& q) { return q.name == p.name; });
  if (same != products_.end()) {
    *same = std::move(p);
    return Status::Ok();
  }
  if (products_.size() >= kMaxProducts)
    return Status::LimitExceeded(
        fmt::format("more than {} products", kMaxProducts));
  products_.push_back(std::move(p));
  return Status::Ok();
}

void ProductDetails::Sort() {
  std::sort(products_.begin(), products_.end(),
            [](const Product& a, const Product& b) {
              return std::tie(a.home_page_sort, a.name) <
                     std::tie(b.home_page_sort, b.name);
            });
}

Result<ProductDetails> ProductDetails::Embedded() {
  ProductDetails d;
  for (const auto& [path, text] : assets::All()) {
    if (path.rfind("product_details/", 0) != 0) continue;
    CB_ASSIGN_OR_RETURN(Product p, ParseProduct(text, path));
    CB_RETURN_IF_ERROR(d.Add(std::move(p)));
  }
  d.Sort();
  return d;
}

Result<ProductDetails> ProductDetails::Load(const fs::path& dir) {
  CB_ASSIGN_OR_RETURN(ProductDetails d, Embedded());
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return d;
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".json") continue;
    if (files.size() >= kMaxProducts)
      return Bad(dir.string(), fmt::format("more than {} files", kMaxProducts));
    files.push_back(e.path());
  }
  if (ec) return Bad(dir.string(), ec.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::error_code size_ec;
    uintmax_t size = fs::file_size(f, size_ec);
    if (size_ec) return Bad(f.string(), size_ec.message());
    if (size > kMaxProductFileBytes)
      return Bad(f.string(),
                 fmt::format("larger than {} bytes", kMaxProductFileBytes));
    std::ifstream in(f, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return Bad(f.string(), "cannot be read");
    CB_ASSIGN_OR_RETURN(Product p, ParseProduct(text.str(), f.string()));
    CB_RETURN_IF_ERROR(d.Add(std::move(p)));
  }
  d.Sort();
  return d;
}

const Product* ProductDetails::Find(std::string_view name) const {
  for (const Product& p : products_)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace crashbox::products
