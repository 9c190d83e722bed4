// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/chain_supplier.h"

#include <atomic>

#include <gtest/gtest.h>

#include "app/symbols/map_supplier.h"
#include "app/symbols/sym_parser.h"

namespace crashbox::symbols {
namespace {

constexpr char kSym[] =
    "MODULE Linux x86_64 0CEFB84AE0DEB3F9900D2B90425BB3280 app\n"
    "FILE 0 app.c\n"
    "FUNC 1000 20 0 main\n"
    "1000 20 7 0\n";

TEST(BlobSupplier, OpensVerifiesAndCaches) {
  std::atomic<int> fetches{0};
  BlobSupplier s(
      [&](const ModuleKey& key) -> Result<std::shared_ptr<const std::string>> {
        ++fetches;
        if (key.debug_file == "corrupt")
          return std::make_shared<const std::string>("not a blob");
        if (key.debug_file != "app") return Status::NotFound("no");
        return std::make_shared<const std::string>(
            ParseSymText(AsBytes(std::string_view(kSym))).value());
      });
  ModuleKey key{"app", "0CEFB84AE0DEB3F9900D2B90425BB3280"};
  auto f = s.Find(key);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  ASSERT_TRUE(s.Find(key).ok());
  EXPECT_EQ(fetches.load(), 1);
  EXPECT_EQ(s.Find({"other", "X"}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(s.Find({"corrupt", "X"}).status().code(), Status::Code::kCorrupt);
  int before = fetches.load();
  s.Forget(key);
  ASSERT_TRUE(s.Find(key).ok());
  EXPECT_EQ(fetches.load(), before + 1);
}

TEST(ChainSupplier, FirstHitWinsAndErrorsSurfaceOnlyWithoutAHit) {
  MapSymbolSupplier a, b;
  ModuleKey key{"app", "0CEFB84AE0DEB3F9900D2B90425BB3280"};
  ASSERT_TRUE(b.AddText(key, kSym).ok());
  BlobSupplier broken(
      [](const ModuleKey&) -> Result<std::shared_ptr<const std::string>> {
        return std::make_shared<const std::string>("garbage");
      });
  ChainSupplier chain({&a, &broken, &b});
  EXPECT_TRUE(chain.Find(key).ok());
  ChainSupplier only_broken({&a, &broken});
  EXPECT_EQ(only_broken.Find(key).status().code(), Status::Code::kCorrupt);
  ChainSupplier empty({&a});
  EXPECT_EQ(empty.Find(key).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace crashbox::symbols
