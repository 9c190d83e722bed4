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
  std::string text =
      "MODULE Linux x86_64 0CEFB84AE0DEB3F9900D2B90425BB3280 libapp.so\nFUNC "
      "10 2 0 main\n";
  ASSERT_TRUE(
      store_->PutSymbols(key, std::string("blob\0bytes", 10), text).ok());
  EXPECT_EQ(*store_->GetBlob(key).value(), std::string("blob\0bytes", 10));
  EXPECT_EQ(store_->GetSymText(key).value(), text);
  auto list = store_->List("libapp", 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].debug_id, key.debug_id);
}

std::string ReadAll(SymTextReader& reader) {
  std::string out, buf(777, '\0');
  while (true) {
    Result<size_t> n = reader.Read(buf.data(), buf.size());
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) return out;
    out.append(buf.data(), *n);
  }
}

TEST_F(LmdbSymbolStoreTest, TextReadersShareOneCopyUntilTheTextChanges) {
  SymbolKey key{"libapp.so", "AB"};
  std::string v1, v2;
  for (int i = 0; i < 20000; ++i)
    v1 += "PUBLIC " + std::to_string(i) + " 0 one\n";
  for (int i = 0; i < 20000; ++i)
    v2 += "PUBLIC " + std::to_string(i) + " 0 two\n";
  EXPECT_EQ(store_->OpenSymText(key).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->HasSymText(key).code(), Status::Code::kNotFound);
  ASSERT_TRUE(store_->PutSymbols(key, "blob", v1).ok());
  EXPECT_TRUE(store_->HasSymText(key).ok());
  auto a = store_->OpenSymText(key);
  auto b = store_->OpenSymText(key);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(store_->PutSymbols(key, "blob", v2).ok());
  auto c = store_->OpenSymText(key);
  ASSERT_TRUE(c.ok());
  // Readers opened before the change finish the text they started.
  EXPECT_EQ(ReadAll(**a), v1);
  EXPECT_EQ(ReadAll(**c), v2);
  EXPECT_EQ(ReadAll(**b), v1);
}

TEST_F(LmdbSymbolStoreTest, MissingAndHostileKeys) {
  EXPECT_EQ(store_->GetBlob({"x.so", "AB"}).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(store_->GetSymText({"x.so", "AB"}).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(store_->PutSymbols({"../etc", "AB"}, "b", "").code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->PutSymbols({"a/b", "AB"}, "b", "").code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->GetBlob({"", "AB"}).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(LmdbSymbolStoreTest,
       MissingSymbolsCountCrashesOnceAndAreTakenOnArrival) {
  MissingModule libc{"libc.so.6", "ABC0", "libc.so.6", "c0de", "2/36"};
  MissingModule xul{"xul.pdb", "DEF0", "xul.dll", "", ""};
  ASSERT_TRUE(store_->RecordMissing("crash-1", {libc, xul}, 1000, 2).ok());
  ASSERT_TRUE(store_->RecordMissing("crash-2", {libc}, 2000, 2).ok());
  ASSERT_TRUE(store_->RecordMissing("crash-2", {libc}, 3000, 2)
                  .ok());  // reprocessed: not counted again
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
  EXPECT_EQ(top.crash_ids,
            (std::vector<std::string>{"crash-2",
                                      "crash-3"}));  // bounded: most recent two
  EXPECT_EQ((*list)[1].count, 1u);

  auto taken = store_->TakeMissing({"libc.so.6", "ABC0"});
  ASSERT_TRUE(taken.ok());
  ASSERT_TRUE(taken->has_value());
  EXPECT_EQ((*taken)->count, 3u);
  EXPECT_FALSE(store_->TakeMissing({"libc.so.6", "ABC0"}).value().has_value());
  EXPECT_EQ(store_->ListMissing()->size(), 1u);
  EXPECT_EQ(store_->List("", 10)->size(),
            0u);  // missing records never look like symbols
}

}  // namespace
}  // namespace crashbox::store::lmdb
