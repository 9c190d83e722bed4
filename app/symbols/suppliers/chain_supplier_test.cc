// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/chain_supplier.h"

#include <gtest/gtest.h>

#include "app/symbols/suppliers/blob_supplier.h"
#include "app/symbols/suppliers/map_supplier.h"
#include "app/symbols/text/sym_parser.h"

namespace crashbox::symbols {
namespace {

constexpr char kSym[] =
    "MODULE Linux x86_64 0CEFB84AE0DEB3F9900D2B90425BB3280 app\n"
    "FILE 0 app.c\n"
    "FUNC 1000 20 0 main\n"
    "1000 20 7 0\n";

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
