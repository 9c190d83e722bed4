// SPDX-License-Identifier: MPL-2.0
#include "app/products/products.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace crashbox::products {
namespace {

std::vector<std::string> Names(const ProductDetails& d) {
  std::vector<std::string> out;
  for (const Product& p : d.all()) out.push_back(p.name);
  return out;
}

TEST(ProductDetails, EmbedsSocorrosProductsInHomePageOrder) {
  Result<ProductDetails> d = ProductDetails::Embedded();
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(Names(d.value()),
            (std::vector<std::string>{"Firefox", "Fenix", "Focus", "MozillaVPN",
                                      "ReferenceBrowser", "Thunderbird"}));
  EXPECT_NE(d.value().Find("Thunderbird"), nullptr);
  EXPECT_EQ(d.value().Find("firefox"), nullptr);  // names are exact
}

TEST(ProductDetails, ADataDirectoryAddsAndReplacesProducts) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "MyApp.json") << R"({
    "_comment": "ours", "name": "MyApp", "description": "our app",
    "home_page_sort": 0, "featured_versions": ["2.1", "auto"],
    "bug_links": [["Tracker", "https://bugs.example/new?s=%(signature)s"]]})";
  std::ofstream(dir.path() / "Thunderbird.json")
      << R"({"name": "Thunderbird", "description": "ours too",
             "home_page_sort": 100})";
  std::ofstream(dir.path() / "notes.txt") << "not a product";
  Result<ProductDetails> d = ProductDetails::Load(dir.path());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(Names(d.value()).front(), "MyApp");
  EXPECT_EQ(Names(d.value()).back(), "Thunderbird");
  EXPECT_EQ(d.value().all().size(), 7u);
  EXPECT_EQ(d.value().Find("Thunderbird")->description, "ours too");
  const Product* mine = d.value().Find("MyApp");
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(mine->featured_versions, (std::vector<std::string>{"2.1", "auto"}));
  ASSERT_EQ(mine->bug_links.size(), 1u);
  EXPECT_EQ(mine->bug_links[0].first, "Tracker");
  // No directory: the embedded set.
  EXPECT_EQ(ProductDetails::Load(dir.path() / "absent").value().all().size(),
            6u);
}

TEST(ProductDetails, BadFilesAreRefusedByName) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"[1]", "not a JSON object"},
      {R"({"name": "A", "description": "d"})", "'home_page_sort' is required"},
      {R"({"name": "A", "description": "d", "home_page_sort": 1, "x": 1})",
       "unknown key 'x'"},
      {R"({"name": "", "description": "d", "home_page_sort": 1})",
       "'name' must be a non-empty string"},
      {R"({"name": "A", "description": "d", "home_page_sort": "1"})",
       "'home_page_sort' must be an integer"},
      {R"({"name": "A", "description": "d", "home_page_sort": 1,
           "featured_versions": [1]})",
       "'featured_versions' must be a list of strings"},
      {R"({"name": "A", "description": "d", "home_page_sort": 1,
           "bug_links": [["only a label"]]})",
       "'bug_links' must hold [label, url] pairs"},
  };
  for (const Case& c : cases) {
    testing::TempDir dir;
    std::ofstream(dir.path() / "Bad.json") << c.text;
    Result<ProductDetails> d = ProductDetails::Load(dir.path());
    ASSERT_FALSE(d.ok()) << c.text;
    EXPECT_EQ(d.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(d.status().message().find("Bad.json"), std::string::npos);
    EXPECT_NE(d.status().message().find(c.message), std::string::npos)
        << d.status().message();
  }
}

TEST(ProductDetails, AnOversizeFileIsRefused) {
  testing::TempDir dir;
  std::ofstream(dir.path() / "Big.json")
      << std::string(kMaxProductFileBytes + 1, ' ');
  Result<ProductDetails> d = ProductDetails::Load(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace crashbox::products
