// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/symbol_uploader.h"

#include <gtest/gtest.h>

#include "app/symsvc/symbol_service.h"
#include "store/lmdb/symbol_store.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/zip_builder.h"

namespace crashbox::symsvc {
namespace {

using testing::TempDir;
using testing::ZipBuilder;

constexpr char kId[] = "0123ABCD0123ABCD0123ABCD0123ABCD0";

std::string Sym(const std::string& debug_file, const std::string& id = kId) {
  return "MODULE Linux x86_64 " + id + " " + debug_file +
         "\nFILE 0 a.c\nFUNC 1000 10 0 foo\n1000 10 7 0\nPUBLIC 2000 0 bar\n";
}

class SymbolUploaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::lmdb::EnvOptions opts;
    opts.path = (dir_ / "store").string();
    opts.sync = false;
    env_ = std::move(store::lmdb::Env::Open(opts)).value();
    store_ = std::make_unique<store::lmdb::LmdbSymbolStore>(*env_);
    uploader_ = std::make_unique<SymbolUploader>(
        *store_, UploadOptions{},
        [this](const store::SymbolKey& k) { added_.push_back(k.debug_file); });
  }
  TempDir dir_;
  std::unique_ptr<store::lmdb::Env> env_;
  std::unique_ptr<store::lmdb::LmdbSymbolStore> store_;
  std::unique_ptr<SymbolUploader> uploader_;
  std::vector<std::string> added_;
};

TEST(SymbolPath, ParsesLayoutAndNames) {
  auto k = ParseSymbolPath("xul.pdb/44e4ec8c2f41492b9369d6b9a059577c2/xul.sym");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->debug_file, "xul.pdb");
  EXPECT_EQ(k->debug_id, "44E4EC8C2F41492B9369D6B9A059577C2");
  EXPECT_TRUE(ParseSymbolPath("libc.so.6/AB/libc.so.6.sym").ok());
  EXPECT_FALSE(ParseSymbolPath("libc.so.6/AB/libc.sym").ok());
  EXPECT_FALSE(ParseSymbolPath("libc.so.6/XYZ/libc.so.6.sym").ok());
  EXPECT_FALSE(ParseSymbolPath("a/b/AB/a.sym").ok());
  EXPECT_FALSE(ParseSymbolPath("AB/a.sym").ok());
  EXPECT_EQ(SymFileName("XUL.PDB"), "XUL.sym");
  EXPECT_EQ(SymFileName("XUL"), "XUL.sym");
}

TEST(SymbolModuleLine, ParsesFieldsAndNamesWithSpaces) {
  auto m = ParseModuleLine(
      "MODULE mac x86_64 ABCD0 Google Chrome Framework\r\nFUNC ...");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->os, "mac");
  EXPECT_EQ(m->debug_id, "ABCD0");
  EXPECT_EQ(m->debug_file, "Google Chrome Framework");
  EXPECT_FALSE(ParseModuleLine("FUNC 1 2 3 x\n").ok());
  EXPECT_FALSE(ParseModuleLine("MODULE Linux x86_64 nothex libx.so\n").ok());
  EXPECT_FALSE(ParseModuleLine("").ok());
}

TEST_F(SymbolUploaderTest, ZipAddsThenSkipsIdentical) {
  std::string zip =
      ZipBuilder()
          .Add(std::string("libfoo.so/") + kId + "/libfoo.so.sym",
               Sym("libfoo.so"))
          .Add(std::string("foo.pdb/") + kId + "/foo.sym", Sym("foo.pdb"))
          .Add("build-symbols.txt", "ignored")
          .Add("libfoo.so/", "")
          .Build(dir_.path());
  auto r = uploader_->UploadZip(AsBytes(zip));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->added.size(), 2u);
  EXPECT_TRUE(r->rejected.empty()) << r->ToJson();
  EXPECT_EQ(added_.size(), 2u);
  auto text = store_->GetSymText({"libfoo.so", kId});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, Sym("libfoo.so"));
  EXPECT_TRUE(store_->GetBlob({"foo.pdb", kId}).ok());

  auto again = uploader_->UploadZip(AsBytes(zip));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->added.empty());
  EXPECT_EQ(again->skipped.size(), 2u);
  EXPECT_EQ(added_.size(), 2u);
}

TEST_F(SymbolUploaderTest, MismatchedModuleLinesAreRejectedWithReasons) {
  std::string other = "FFFF0123ABCD0123ABCD0123ABCD01230";
  std::string zip = ZipBuilder()
                        .Add(std::string("libfoo.so/") + kId + "/libfoo.so.sym",
                             Sym("libfoo.so", other))
                        .Add(std::string("libbar.so/") + kId + "/libbar.so.sym",
                             Sym("libfoo.so"))
                        .Add(std::string("libbaz.so/") + kId + "/libbaz.so.sym",
                             "not a sym file")
                        .Add("loose.sym", Sym("loose"))
                        .Add(std::string("libok.so/") + kId + "/libok.so.sym",
                             Sym("libok.so"))
                        .Build(dir_.path());
  auto r = uploader_->UploadZip(AsBytes(zip));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->rejected.size(), 4u) << r->ToJson();
  EXPECT_NE(
      r->rejected[0].reason.find("module_mismatch: MODULE line has debug id"),
      std::string::npos);
  EXPECT_NE(
      r->rejected[1].reason.find("module_mismatch: MODULE line has debug file"),
      std::string::npos);
  EXPECT_NE(r->rejected[2].reason.find("bad_module_line"), std::string::npos);
  EXPECT_NE(r->rejected[3].reason.find("bad_path"), std::string::npos);
  EXPECT_EQ(r->added.size(), 1u);
  EXPECT_FALSE(store_->GetBlob({"libfoo.so", kId}).ok());
}

TEST_F(SymbolUploaderTest, SingleSymTakesPathFromModuleLine) {
  auto r = uploader_->UploadSym("", Sym("xul.pdb", "abcdef0"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->added.size(), 1u);
  EXPECT_EQ(r->added[0].path, "xul.pdb/ABCDEF0/xul.sym");
  EXPECT_TRUE(store_->GetSymText({"xul.pdb", "ABCDEF0"}).ok());
  auto bad = uploader_->UploadSym("", "garbage");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->rejected.size(), 1u);
}

TEST(SymbolCodeInfo, ReadsInfoCodeIdLine) {
  auto c = ParseCodeInfo(
      "MODULE windows x86_64 ABC0 xul.pdb\r\nINFO CODE_ID 5F1E2D3C4B "
      "xul.dll\r\nFILE 0 a\n");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->first, "5F1E2D3C4B");
  EXPECT_EQ(c->second, "xul.dll");
  c = ParseCodeInfo("MODULE Linux x86_64 ABC0 libx.so\nINFO CODE_ID 0102\n");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->second, "");
  EXPECT_FALSE(ParseCodeInfo("MODULE Linux x86_64 ABC0 libx.so\nFUNC 1 1 0 "
                             "f\nINFO CODE_ID 0102 x\n")
                   .has_value());
}

TEST_F(SymbolUploaderTest, CodeIdLineIndexesTheModule) {
  std::string text =
      "MODULE windows x86_64 " + std::string(kId) +
      " xul.pdb\nINFO CODE_ID 5f1e2d3c4b xul.dll\nPUBLIC 10 0 f\n";
  ASSERT_EQ(uploader_->UploadSym("", text)->added.size(), 1u);
  auto key = store_->FindByCodeId("xul.dll", "5F1E2D3C4B");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->debug_file, "xul.pdb");
  EXPECT_EQ(key->debug_id, kId);
  EXPECT_EQ(store_->FindByCodeId("xul.dll", "0000").status().code(),
            Status::Code::kNotFound);
}

TEST_F(SymbolUploaderTest, ServiceBoundsConcurrentUploads) {
  ServiceOptions options;
  options.max_concurrent_uploads = 2;
  SymbolService service(*store_, nullptr, options);
  EXPECT_TRUE(service.BeginUpload());
  EXPECT_TRUE(service.BeginUpload());
  EXPECT_FALSE(service.BeginUpload());
  service.EndUpload();
  EXPECT_TRUE(service.BeginUpload());
}

TEST_F(SymbolUploaderTest, ServiceServesStoredTextThenDirectories) {
  ServiceOptions options;
  options.symbol_dirs = {dir_ / "syms"};
  testing::WriteFileOrDie(dir_ / "syms" / "libd.so" / kId / "libd.so.sym",
                          Sym("libd.so"));
  SymbolService service(*store_, nullptr, options);
  ASSERT_EQ(service.uploader().UploadSym("", Sym("libs.so"))->added.size(), 1u);
  EXPECT_EQ(*service.FindSymText("libs.so", kId, "libs.so.sym"),
            Sym("libs.so"));
  EXPECT_EQ(*service.FindSymText("libd.so", kId, "libd.so.sym"),
            Sym("libd.so"));
  EXPECT_EQ(service.FindSymText("libx.so", kId, "libx.so.sym").status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(service.FindSymText("..", kId, "x.sym").status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(SymbolUploaderTest, ChangedTextReplacesStoredSymbols) {
  ASSERT_TRUE(uploader_->UploadSym("", Sym("libfoo.so")).ok());
  std::string v2 = Sym("libfoo.so") + "PUBLIC 3000 0 baz\n";
  auto r = uploader_->UploadSym("", v2);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->added.size(), 1u);
  EXPECT_EQ(*store_->GetSymText({"libfoo.so", kId}), v2);
}

TEST_F(SymbolUploaderTest, WholeArchiveFailuresAreErrors) {
  std::string zip =
      ZipBuilder()
          .Add(std::string("../libfoo.so/") + kId + "/libfoo.so.sym",
               Sym("libfoo.so"))
          .Build(dir_.path());
  EXPECT_EQ(uploader_->UploadZip(AsBytes(zip)).status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(uploader_->UploadZip(AsBytes(zip.substr(0, zip.size() / 2)))
                .status()
                .code(),
            Status::Code::kCorrupt);
}

TEST_F(SymbolUploaderTest, ControlCharactersInNamesAreRefused) {
  // A CR in the MODULE name used to be stored and echoed into the Location
  // header of the code-id redirect.
  std::string text = "MODULE windows x86_64 " + std::string(kId) +
                     " evil\rSet-Cookie: x.pdb\nINFO CODE_ID 5F1E2D3C4B "
                     "evil.dll\nPUBLIC 10 0 f\n";
  auto r = uploader_->UploadSym("", text);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->added.empty());
  ASSERT_EQ(r->rejected.size(), 1u);
  EXPECT_EQ(r->rejected[0].reason,
            "bad_module_line: MODULE line's debug file name holds control "
            "character 0x0d");
  EXPECT_EQ(ParseSymbolPath("a\x01b/AB/a\x01b.sym").status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseSymbolPath("ab/AB/ab.sym\x7f").status().code(),
            Status::Code::kInvalidArgument);
  // A control character in the code file name: stored, not indexed.
  std::string tab =
      "MODULE windows x86_64 " + std::string(kId) +
      " ok.pdb\nINFO CODE_ID 5F1E2D3C4B o\tk.dll\nPUBLIC 10 0 f\n";
  EXPECT_EQ(uploader_->UploadSym("", tab)->added.size(), 1u);
  EXPECT_EQ(store_->FindByCodeId("o\tk.dll", "5F1E2D3C4B").status().code(),
            Status::Code::kNotFound);
}

TEST_F(SymbolUploaderTest, CodeRedirectIsPercentEncoded) {
  std::string text = "MODULE mac x86_64 " + std::string(kId) +
                     " Google Chrome%Framework\nINFO CODE_ID 5F1E2D3C4B "
                     "GoogleChrome\nPUBLIC 10 0 f\n";
  ASSERT_EQ(uploader_->UploadSym("", text)->added.size(), 1u);
  SymbolService service(*store_, nullptr, ServiceOptions{});
  EXPECT_EQ(*service.FindCodeRedirect("GoogleChrome", "5F1E2D3C4B"),
            "/Google%20Chrome%25Framework/" + std::string(kId) +
                "/Google%20Chrome%25Framework.sym");
}

std::string ReadAll(store::SymTextReader& reader, size_t piece = 1000) {
  std::string out, buf(piece, '\0');
  while (true) {
    Result<size_t> n = reader.Read(buf.data(), buf.size());
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (!n.ok() || *n == 0) return out;
    out.append(buf.data(), *n);
  }
}

TEST_F(SymbolUploaderTest, DownloadsStreamFromStoreAndDirectoriesWithinACap) {
  ServiceOptions options;
  options.symbol_dirs = {dir_ / "syms"};
  options.max_concurrent_downloads = 2;
  std::string big = Sym("libd.so");
  for (int i = 0; i < 20000; ++i)
    big += "PUBLIC " + std::to_string(0x3000 + i) + " 0 f" + std::to_string(i) +
           "\n";
  testing::WriteFileOrDie(dir_ / "syms" / "libd.so" / kId / "libd.so.sym", big);
  SymbolService service(*store_, nullptr, options);
  ASSERT_EQ(service.uploader().UploadSym("", Sym("libs.so"))->added.size(), 1u);

  auto stored = service.OpenSymText("libs.so", kId, "libs.so.sym");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ((*stored)->size(),
            std::nullopt);  // inflated as it goes: length unknown
  auto file = service.OpenSymText("libd.so", kId, "libd.so.sym");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(service.downloads_in_flight(), 2);
  EXPECT_EQ(service.OpenSymText("libs.so", kId, "libs.so.sym").status().code(),
            Status::Code::kUnavailable);
  EXPECT_EQ(ReadAll(**stored), Sym("libs.so"));
  stored->reset();  // the slot goes with the reader
  EXPECT_EQ(service.downloads_in_flight(), 1);
  EXPECT_TRUE(service.OpenSymText("libs.so", kId, "libs.so.sym")
                  .ok());  // and is given back at once
  EXPECT_EQ(service.downloads_in_flight(), 1);
  EXPECT_EQ((*file)->size(), big.size());
  EXPECT_EQ(ReadAll(**file, 4096), big);
  // A miss gives its slot back too.
  EXPECT_EQ(service.OpenSymText("libx.so", kId, "libx.so.sym").status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ(service.downloads_in_flight(), 1);
}

TEST_F(SymbolUploaderTest, DirectoryDownloadsServeOnlyRegularFilesInside) {
  ServiceOptions options;
  options.symbol_dirs = {dir_ / "syms"};
  testing::WriteFileOrDie(dir_ / "secret.sym", Sym("out.so"));
  std::filesystem::create_directories(dir_ / "syms" / "out.so" / kId);
  std::filesystem::create_symlink(
      dir_ / "secret.sym", dir_ / "syms" / "out.so" / kId / "out.so.sym");
  std::filesystem::create_directories(dir_ / "syms" / "zero.so" / kId);
  std::filesystem::create_symlink(
      "/dev/zero", dir_ / "syms" / "zero.so" / kId / "zero.so.sym");
  std::filesystem::create_directories(dir_ / "syms" / "dir.so" / kId /
                                      "dir.so.sym");
  SymbolService service(*store_, nullptr, options);
  for (const char* name : {"out.so", "zero.so", "dir.so"}) {
    std::string n(name);
    EXPECT_EQ(service.OpenSymText(n, kId, n + ".sym").status().code(),
              Status::Code::kNotFound)
        << name;
    EXPECT_EQ(service.StatSymText(n, kId, n + ".sym").status().code(),
              Status::Code::kNotFound)
        << name;
    EXPECT_EQ(service.FindSymText(n, kId, n + ".sym").status().code(),
              Status::Code::kNotFound)
        << name;
  }
  EXPECT_EQ(service.downloads_in_flight(), 0);
}

TEST_F(SymbolUploaderTest, ReuploadOfIdenticalLargeTextIsSkipped) {
  std::string big = Sym("libbig.so");
  for (int i = 0; i < 50000; ++i)
    big += "PUBLIC " + std::to_string(0x3000 + i) + " 0 f\n";
  ASSERT_EQ(uploader_->UploadSym("", big)->added.size(), 1u);
  EXPECT_EQ(uploader_->UploadSym("", big)->skipped.size(), 1u);
  std::string changed = big;
  changed[changed.size() - 2] = 'g';
  EXPECT_EQ(uploader_->UploadSym("", changed)->added.size(), 1u);
  EXPECT_EQ(uploader_->UploadSym("", changed + "PUBLIC 1 0 x\n")->added.size(),
            1u);
}

TEST_F(SymbolUploaderTest, OwnedTextUploadStoresTheSameBytes) {
  std::string text = Sym("libown.so");
  for (int i = 0; i < 1000; ++i)
    text += "PUBLIC " + std::to_string(0x3000 + i) + " 0 f\n";
  std::string copy = text;
  auto r = uploader_->UploadSymOwned("", std::move(text));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->added.size(), 1u);
  EXPECT_EQ(r->added[0].bytes, copy.size());
  EXPECT_EQ(*store_->GetSymText({"libown.so", kId}), copy);
  EXPECT_EQ(uploader_->UploadSymOwned("", std::string(copy))->skipped.size(),
            1u);
  auto bad = uploader_->UploadSymOwned(
      "", "MODULE Linux x86_64 " + std::string(kId) + " a\x01b\n");
  ASSERT_EQ(bad->rejected.size(), 1u);
}

}  // namespace
}  // namespace crashbox::symsvc
