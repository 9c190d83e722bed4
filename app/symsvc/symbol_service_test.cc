// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/symbol_service.h"

#include <gtest/gtest.h>

#include "store/lmdb/symbol_store.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::symsvc {
namespace {

using testing::TempDir;

constexpr char kId[] = "0123ABCD0123ABCD0123ABCD0123ABCD0";

std::string Sym(const std::string& debug_file, const std::string& func) {
  return "MODULE Linux x86_64 " + std::string(kId) + " " + debug_file +
         "\nFILE 0 a.c\nFUNC 1000 10 0 " + func + "\n1000 10 7 0\n";
}

std::string FunctionAt(symbols::SymbolSupplier& s, const std::string& file) {
  auto f = s.Find({file, kId});
  if (!f.ok()) return f.status().ToString();
  auto fn = (*f)->FindFunction(0x1000);
  return fn ? std::string(fn->name) : "<none>";
}

class SymbolServiceSupplier : public ::testing::Test {
 protected:
  void SetUp() override {
    store::lmdb::EnvOptions opts;
    opts.path = (dir_ / "store").string();
    opts.sync = false;
    env_ = std::move(store::lmdb::Env::Open(opts)).value();
    store_ = std::make_unique<store::lmdb::LmdbSymbolStore>(*env_);
  }
  TempDir dir_;
  std::unique_ptr<store::lmdb::Env> env_;
  std::unique_ptr<store::lmdb::LmdbSymbolStore> store_;
};

TEST_F(SymbolServiceSupplier, StoreThenDirectoriesByTheLeafOfTheDebugFile) {
  ServiceOptions options;
  options.symbol_dirs = {dir_ / "syms"};
  testing::WriteFileOrDie(dir_ / "syms" / "libd.so" / kId / "libd.so.sym",
                          Sym("libd.so", "from_dir"));
  testing::WriteFileOrDie(dir_ / "syms" / "libs.so" / kId / "libs.so.sym",
                          Sym("libs.so", "shadowed_by_store"));
  SymbolService service(*store_, nullptr, options);
  ASSERT_EQ(service.uploader()
                .UploadSym("", Sym("libs.so", "from_store"))
                ->added.size(),
            1u);
  symbols::SymbolSupplier& s = service.supplier();
  EXPECT_EQ(FunctionAt(s, "/build/out/libs.so"), "from_store");
  EXPECT_EQ(FunctionAt(s, "c:\\build\\libd.so"), "from_dir");
  // No symbol servers configured: a module nobody has is simply not found.
  EXPECT_EQ(s.Find({"libx.so", kId}).status().code(), Status::Code::kNotFound);
}

TEST_F(SymbolServiceSupplier, NewUploadReplacesTheCachedModule) {
  SymbolService service(*store_, nullptr, ServiceOptions{});
  ASSERT_EQ(
      service.uploader().UploadSym("", Sym("libs.so", "first"))->added.size(),
      1u);
  EXPECT_EQ(FunctionAt(service.supplier(), "libs.so"), "first");
  ASSERT_EQ(
      service.uploader().UploadSym("", Sym("libs.so", "second"))->added.size(),
      1u);
  EXPECT_EQ(FunctionAt(service.supplier(), "libs.so"), "second");
}

}  // namespace
}  // namespace crashbox::symsvc
