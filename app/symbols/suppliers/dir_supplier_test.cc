// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/dir_supplier.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <thread>

#include "tests/testing/temp_dir.h"

namespace crashbox::symbols {
namespace {

namespace fs = std::filesystem;
using crashbox::testing::TempDir;
using crashbox::testing::WriteFileOrDie;

void WriteSym(const fs::path& root, std::string_view rel,
              std::string_view text) {
  fs::create_directories((root / rel).parent_path());
  WriteFileOrDie(root / rel, text);
}

TEST(SymbolRelativePath, SymbolServerLayout) {
  EXPECT_EQ(SymbolRelativePath({"xul.pdb", "ABC1"})->string(),
            "xul.pdb/ABC1/xul.sym");
  EXPECT_EQ(SymbolRelativePath({"XUL.PDB", "ABC1"})->string(),
            "XUL.PDB/ABC1/XUL.sym");
  EXPECT_EQ(SymbolRelativePath({"libc.so.6", "EC61"})->string(),
            "libc.so.6/EC61/libc.so.6.sym");
  EXPECT_EQ(SymbolRelativePath({"c:\\build\\app.pdb", "1"})->string(),
            "app.pdb/1/app.sym");
  EXPECT_EQ(SymbolRelativePath({"/usr/lib/libm.so", "1"})->string(),
            "libm.so/1/libm.so.sym");
}

TEST(SymbolRelativePath, RejectsKeysEscapingTheRoot) {
  for (ModuleKey key : std::vector<ModuleKey>{{"", "1"},
                                              {"..", "1"},
                                              {"a/..", "1"},
                                              {"x", ""},
                                              {"x", "../1"},
                                              {"x", "a/b"}}) {
    EXPECT_EQ(SymbolRelativePath(key).status().code(),
              Status::Code::kInvalidArgument)
        << key.debug_file << " " << key.debug_id;
  }
}

TEST(DirSupplier, FindsInLaterRootAndCachesInMemory) {
  TempDir dir;
  WriteSym(dir / "b", "app/ID1/app.sym",
           "MODULE Linux x86_64 ID1 app\nFUNC 1000 10 0 main\n");
  DirSymbolSupplier supplier({{dir / "a", dir / "b"}, {}, 1 << 20, {}});
  auto f = supplier.Find({"app", "ID1"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->Symbolize(0x1000).function_name, "main");
  auto again = supplier.Find({"app", "ID1"});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), f->get());
  EXPECT_EQ(supplier.counters().conversions, 1u);
  EXPECT_EQ(supplier.counters().memory_hits, 1u);
}

TEST(DirSupplier, OneShotConvertsAlike) {
  TempDir dir;
  WriteSym(dir.path(), "app/ID1/app.sym",
           "MODULE Linux x86_64 ID1 app\nFILE 0 a.c\nFUNC 1000 10 0 main\n1000 "
           "10 3 0\n");
  WriteSym(dir.path(), "empty/ID1/empty.sym", "");
  DirSupplierOptions options{{dir.path()}, {}, 1 << 20, {}};
  options.one_shot = true;
  DirSymbolSupplier supplier(options);
  auto f = supplier.Find({"app", "ID1"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ((*f)->Symbolize(0x1004).function_name, "main");
  EXPECT_EQ((*f)->FindLine(0x1004)->line, 3);
  auto empty = supplier.Find({"empty", "ID1"});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_FALSE((*empty)->Symbolize(0x1000).has_function);
}

TEST(DirSupplier, MissingSymbolsAreNotFound) {
  TempDir dir;
  DirSymbolSupplier supplier({{dir.path()}, {}, 1 << 20, {}});
  EXPECT_EQ(supplier.Find({"nope", "ID"}).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(supplier.Find({"..", "ID"}).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(DirSupplier, DiskCacheIsReusedAcrossInstances) {
  TempDir dir;
  WriteSym(dir / "syms", "app.pdb/ID1/app.sym", "FUNC 1000 10 0 main\n");
  DirSupplierOptions options{{dir / "syms"}, dir / "cache", 1 << 20, {}};
  {
    DirSymbolSupplier first(options);
    ASSERT_TRUE(first.Find({"app.pdb", "ID1"}).ok());
    EXPECT_EQ(first.counters().conversions, 1u);
  }
  EXPECT_TRUE(fs::exists(dir / "cache/app.pdb/ID1/app.cbsym"));
  DirSymbolSupplier second(options);
  auto f = second.Find({"app.pdb", "ID1"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->Symbolize(0x1000).function_name, "main");
  EXPECT_EQ(second.counters().conversions, 0u);
  EXPECT_EQ(second.counters().disk_cache_hits, 1u);
}

TEST(DirSupplier, CorruptCacheFileIsReconverted) {
  TempDir dir;
  WriteSym(dir / "syms", "app/ID1/app.sym", "FUNC 1000 10 0 main\n");
  WriteSym(dir / "cache", "app/ID1/app.cbsym", "garbage");
  fs::last_write_time(dir / "syms/app/ID1/app.sym",
                      fs::last_write_time(dir / "cache/app/ID1/app.cbsym") -
                          std::chrono::hours(1));
  DirSymbolSupplier supplier({{dir / "syms"}, dir / "cache", 1 << 20, {}});
  auto f = supplier.Find({"app", "ID1"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->Symbolize(0x1000).function_name, "main");
  EXPECT_EQ(supplier.counters().conversions, 1u);
}

TEST(DirSupplier, EvictsLeastRecentlyUsedPastTheBudget) {
  TempDir dir;
  WriteSym(dir.path(), "a/1/a.sym", "FUNC 1000 10 0 a\n");
  WriteSym(dir.path(), "b/1/b.sym", "FUNC 1000 10 0 b\n");
  DirSymbolSupplier supplier({{dir.path()}, {}, /*max_memory_bytes=*/1, {}});
  auto a = supplier.Find({"a", "1"});
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(supplier.Find({"b", "1"}).ok());  // evicts a
  EXPECT_EQ((*a)->Symbolize(0x1000).function_name,
            "a");  // still alive for its holder
  ASSERT_TRUE(supplier.Find({"a", "1"}).ok());
  EXPECT_EQ(supplier.counters().conversions, 3u);
}

TEST(DirSupplier, ConcurrentFindsConvertOnce) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "FUNC " + std::to_string(0x1000 + i * 16) + " 10 0 f\n";
  WriteSym(dir.path(), "big/1/big.sym", text);
  DirSymbolSupplier supplier({{dir.path()}, {}, 1 << 30, {}});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      ok += supplier.Find({"big", "1"}).ok() ? 1 : 0;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(supplier.counters().conversions, 1u);
}

}  // namespace
}  // namespace crashbox::symbols

#include "app/symbols/suppliers/map_supplier.h"

namespace crashbox::symbols {
namespace {

TEST(MapSupplier, ServesAddedTextAndReportsMissing) {
  MapSymbolSupplier supplier;
  ASSERT_TRUE(supplier.AddText({"app", "ID"}, "FUNC 1000 10 0 main\n").ok());
  auto f = supplier.Find({"app", "ID"});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->Symbolize(0x1000).function_name, "main");
  EXPECT_EQ(supplier.Find({"app", "OTHER"}).status().code(),
            Status::Code::kNotFound);
}

TEST(DirSupplier, PassesOverSymlinksOutOfTheRootsAndFifos) {
  TempDir dir;
  WriteFileOrDie(dir / "secret.sym",
                 "MODULE Linux x86_64 ID1 app\nFUNC 1000 10 0 secret\n");
  fs::create_directories(dir / "root" / "app" / "ID1");
  fs::create_symlink(dir / "secret.sym",
                     dir / "root" / "app" / "ID1" / "app.sym");
  fs::create_directories(dir / "root" / "fifo" / "ID1");
  ASSERT_EQ(
      ::mkfifo((dir / "root" / "fifo" / "ID1" / "fifo.sym").c_str(), 0600), 0);
  DirSymbolSupplier supplier({{dir / "root"}, {}, 1 << 20, {}});
  EXPECT_EQ(supplier.Find({"app", "ID1"}).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(supplier.Find({"fifo", "ID1"}).status().code(),
            Status::Code::kNotFound);  // returns: no blocking open
}

}  // namespace
}  // namespace crashbox::symbols
