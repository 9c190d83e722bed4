// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/regular_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace crashbox::symbols {
namespace {

namespace fs = std::filesystem;
using crashbox::testing::TempDir;
using crashbox::testing::WriteFileOrDie;

class OpenRegularFile : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_ / "root";
    fs::create_directories(root_ / "app" / "ID");
    WriteFileOrDie(dir_ / "outside.sym", "MODULE secret\n");
  }
  Status Open(const fs::path& rel) {
    return OpenRegularFileUnder(root_, rel, {root_}).status();
  }
  TempDir dir_;
  fs::path root_;
};

TEST_F(OpenRegularFile, OpensRegularFilesAndSymlinksWithinTheRoots) {
  WriteFileOrDie(root_ / "app" / "ID" / "app.sym", "MODULE x\n");
  Result<OpenedFile> f = OpenRegularFileUnder(root_, "app/ID/app.sym", {root_});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->size, 9u);
  EXPECT_GE(f->fd.get(), 0);
  fs::create_directories(root_ / "lib" / "ID");
  fs::create_symlink(root_ / "app" / "ID" / "app.sym",
                     root_ / "lib" / "ID" / "lib.sym");
  EXPECT_TRUE(Open("lib/ID/lib.sym").ok());
  // Into another configured root is inside too.
  fs::path other = dir_ / "other";
  WriteFileOrDie(other / "x.sym", "MODULE y\n");
  fs::create_symlink(other / "x.sym", root_ / "app" / "ID" / "x.sym");
  EXPECT_EQ(Open("app/ID/x.sym").code(), Status::Code::kNotFound);
  EXPECT_TRUE(OpenRegularFileUnder(root_, "app/ID/x.sym", {root_, other}).ok());
}

TEST_F(OpenRegularFile, RefusesSymlinksOutOfTheTree) {
  fs::create_symlink(dir_ / "outside.sym", root_ / "app" / "ID" / "app.sym");
  EXPECT_EQ(Open("app/ID/app.sym").code(), Status::Code::kNotFound);
  fs::create_symlink("/dev/zero", root_ / "app" / "ID" / "zero.sym");
  EXPECT_EQ(Open("app/ID/zero.sym").code(), Status::Code::kNotFound);
  // A symlinked directory leading out.
  fs::create_directories(dir_ / "elsewhere" / "ID");
  WriteFileOrDie(dir_ / "elsewhere" / "ID" / "e.sym", "MODULE e\n");
  fs::create_directory_symlink(dir_ / "elsewhere", root_ / "e");
  EXPECT_EQ(Open("e/ID/e.sym").code(), Status::Code::kNotFound);
  EXPECT_EQ(Open("none/ID/none.sym").code(), Status::Code::kNotFound);
}

TEST_F(OpenRegularFile, RefusesDirectoriesAndFifosWithoutBlocking) {
  fs::create_directories(root_ / "app" / "ID" / "dir.sym");
  EXPECT_EQ(Open("app/ID/dir.sym").code(), Status::Code::kNotFound);
  ASSERT_EQ(::mkfifo((root_ / "app" / "ID" / "fifo.sym").c_str(), 0600), 0);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Open("app/ID/fifo.sym").code(), Status::Code::kNotFound);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace crashbox::symbols
