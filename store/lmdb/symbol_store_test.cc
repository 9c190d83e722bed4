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

TEST_F(LmdbSymbolStoreTest, MissingSymbolsCountCrashesOnceAndAreTakenOnArrival) {
  MissingModule libc{"libc.so.6", "ABC0", "libc.so.6", "c0de", "2/36"};
  MissingModule xul{"xul.pdb", "DEF0", "xul.dll", "", ""};
  ASSERT_TRUE(store_->RecordMissing("crash-1", {libc, xul}, 1000, 2).ok());
  ASSERT_TRUE(store_->RecordMissing("crash-2", {libc}, 2000, 2).ok());
  ASSERT_TRUE(store_->RecordMissing("crash-2", {libc}, 3000, 2).ok());  // reprocessed: not counted again
  ASSERT_TRUE(store_->RecordMissing("crash-3", {libc}, 2500, 2).ok());
  auto list = store_->ListMissing();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  const MissingSymbols& top = (*list)[0];
  EXPECT_EQ(top.module.debug_file, "libc.so.6");
  EXPECT_EQ(top.module.version, "2/36");
  EXPECT_EQ(top.module.code_id, "c0de");
  EXPECT_EQ(top.count, 3u);
  EXPECT_EQ(top.last_seen_ms, 3000);
  EXPECT_EQ(top.crash_ids, (std::vector<std::string>{"crash-2", "crash-3"}));  // bounded: most recent two
  EXPECT_EQ((*list)[1].count, 1u);

  auto taken = store_->TakeMissing({"libc.so.6", "ABC0"});
  ASSERT_TRUE(taken.ok());
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->count, 3u);
  EXPECT_FALSE(store_->TakeMissing({"libc.so.6", "ABC0"}).value().has_value());
  EXPECT_EQ(store_->ListMissing()->size(), 1u);
  EXPECT_EQ(store_->List("")->size(), 0u);  // missing records never look like symbols
}

}  // namespace
}  // namespace crashbox::store::lmdb
