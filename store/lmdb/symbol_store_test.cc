// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/symbol_store.h"

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace crashbox::store::lmdb {
namespace {

class LmdbSymbolStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EnvOptions opts;
    opts.path = (dir_ / "store").string();
    env_ = std::move(Env::Open(opts)).value();
    store_ = std::make_unique<LmdbSymbolStore>(*env_);
  }
  testing::TempDir dir_;
  std::unique_ptr<Env> env_;
  std::unique_ptr<LmdbSymbolStore> store_;
};

TEST_F(LmdbSymbolStoreTest, RoundTripsBlobAndText) {
  SymbolKey key{"libapp.so", "0CEFB84AE0DEB3F9900D2B90425BB3280"};
  std::string text = "MODULE Linux x86_64 0CEFB84AE0DEB3F9900D2B90425BB3280 libapp.so\nFUNC 10 2 0 main\n";
  ASSERT_TRUE(store_->PutSymbols(key, std::string("blob\0bytes", 10), text).ok());
  EXPECT_EQ(*store_->GetBlob(key).value(), std::string("blob\0bytes", 10));
  EXPECT_EQ(store_->GetSymText(key).value(), text);
  auto list = store_->List("libapp");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].debug_id, key.debug_id);
}

TEST_F(LmdbSymbolStoreTest, MissingAndHostileKeys) {
  EXPECT_EQ(store_->GetBlob({"x.so", "AB"}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetSymText({"x.so", "AB"}).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->PutSymbols({"../etc", "AB"}, "b", "").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutSymbols({"a/b", "AB"}, "b", "").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->GetBlob({"", "AB"}).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace crashbox::store::lmdb
