// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/blob_supplier.h"

#include <atomic>

#include <gtest/gtest.h>

#include "app/symbols/text/sym_parser.h"

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

}  // namespace
}  // namespace crashbox::symbols
