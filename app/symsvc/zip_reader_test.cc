// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/zip_reader.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"
#include "tests/testing/zip_builder.h"

namespace crashbox::symsvc {
namespace {

using testing::PatchBytes;
using testing::TempDir;
using testing::ZipBuilder;

class ZipReaderTest : public ::testing::Test {
 protected:
  Result<std::vector<ZipEntry>> Read(const std::string& zip,
                                     ZipLimits limits = {}) {
    return ReadZip(AsBytes(zip), limits);
  }
  TempDir dir_;
};

TEST_F(ZipReaderTest, ReadsEntriesInOrder) {
  std::string zip = ZipBuilder()
                        .Add("a/1/a.sym", "one")
                        .Add("b/2/b.sym", std::string(10000, 'x'), true)
                        .Build(dir_.path());
  auto entries = Read(zip);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].name, "a/1/a.sym");
  EXPECT_EQ((*entries)[0].data, "one");
  EXPECT_EQ((*entries)[1].data, std::string(10000, 'x'));
}

TEST_F(ZipReaderTest, RejectsNonZipAndEmptyArchives) {
  EXPECT_EQ(Read("MODULE Linux x86_64 0 a\n").status().code(),
            Status::Code::kCorrupt);
  EXPECT_FALSE(Read("").ok());
}

TEST_F(ZipReaderTest, RejectsTruncatedArchive) {
  std::string zip = ZipBuilder()
                        .Add("a/1/a.sym", std::string(50000, 'y'), true)
                        .Build(dir_.path());
  for (size_t keep : {zip.size() - 10, zip.size() / 2, size_t{30}}) {
    EXPECT_EQ(Read(zip.substr(0, keep)).status().code(), Status::Code::kCorrupt)
        << keep;
  }
}

TEST_F(ZipReaderTest, RejectsCorruptedEntryDataAlone) {
  std::string text(5000, 'z');
  std::string zip =
      ZipBuilder().Add("a/1/a.sym", text, true).Build(dir_.path());
  zip[zip.find(text) + 100] = 'Q';  // stored data no longer matches its CRC
  auto r = Read(zip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE((*r)[0].error.find("corrupt_entry"), std::string::npos)
      << (*r)[0].error;
  EXPECT_TRUE((*r)[0].data.empty());
}

TEST_F(ZipReaderTest, RejectsTraversalAndAbsoluteNames) {
  for (const char* name : {"../evil.sym", "a/../../evil.sym", "/etc/evil.sym",
                           "a//b.sym", "a\\b.sym", "C:/x.sym", "./a.sym"}) {
    std::string zip = ZipBuilder().Add(name, "data").Build(dir_.path());
    ASSERT_FALSE(zip.empty()) << name;
    auto r = Read(zip);
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << name;
  }
}

TEST_F(ZipReaderTest, RejectsDuplicateNames) {
  std::string zip = ZipBuilder()
                        .Add("a/1/a.sym", "one")
                        .Add("a/1/b.sym", "two")
                        .Build(dir_.path());
  zip = PatchBytes(zip, "a/1/b.sym", "a/1/a.sym");
  auto r = Read(zip);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("more than once"), std::string::npos)
      << r.status().ToString();
}

TEST_F(ZipReaderTest, RejectsTooManyEntries) {
  ZipBuilder b;
  for (int i = 0; i < 5; ++i) b.Add("f" + std::to_string(i), "x");
  ZipLimits limits;
  limits.max_entries = 4;
  EXPECT_EQ(Read(b.Build(dir_.path()), limits).status().code(),
            Status::Code::kLimitExceeded);
}

TEST_F(ZipReaderTest, BombEntryIsRejectedAloneByRatio) {
  std::string zip = ZipBuilder()
                        .Add("bomb", std::string(20 << 20, '\0'))
                        .Add("ok", std::string(5000, 'k'), true)
                        .Build(dir_.path());
  auto r = Read(zip);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE((*r)[0].error.find("compression_ratio"), std::string::npos);
  EXPECT_TRUE((*r)[0].data.empty());
  EXPECT_TRUE((*r)[1].error.empty());
}

TEST_F(ZipReaderTest, PerEntryAndTotalSizeCaps) {
  std::string zip = ZipBuilder()
                        .Add("big", std::string(3000, 'b'), true)
                        .Add("small", "s")
                        .Build(dir_.path());
  ZipLimits limits;
  limits.max_entry_bytes = 2000;
  auto r = Read(zip, limits);
  ASSERT_TRUE(r.ok());
  EXPECT_NE((*r)[0].error.find("entry_too_large"), std::string::npos);
  EXPECT_EQ((*r)[1].data, "s");

  std::string two = ZipBuilder()
                        .Add("a", std::string(3000, 'a'), true)
                        .Add("b", std::string(3000, 'b'), true)
                        .Build(dir_.path());
  limits = ZipLimits{};
  limits.max_total_bytes = 5000;
  EXPECT_EQ(Read(two, limits).status().code(), Status::Code::kLimitExceeded);
}

TEST_F(ZipReaderTest, LyingDeclaredSizeIsCorrupt) {
  std::string text(4000, 'L');
  std::string zip = ZipBuilder().Add("a", text, true).Build(dir_.path());
  // Shrink the declared size in the central directory only: libzip's
  // consistency check or the exact-length read must catch it.
  std::string patched = zip;
  size_t cd = patched.rfind(std::string("PK\x01\x02", 4));
  ASSERT_NE(cd, std::string::npos);
  patched[cd + 24] = 0x10;  // uncompressed size, low byte
  patched[cd + 25] = 0x00;
  EXPECT_FALSE(Read(patched).ok());
}

TEST_F(ZipReaderTest, HugeDeclaredSizeAllocatesOnlyWhatArrives) {
  // 8 MiB of real data declaring 1.5 GiB (under the 200:1 ratio): the entry
  // is refused, and the reader never zero-filled the declared size.
  std::string data(8 << 20, 'x');
  for (size_t i = 0; i < data.size(); i += 7)
    data[i] = static_cast<char>('a' + i % 26);
  std::string zip = testing::SetDeclaredSize(
      ZipBuilder().Add("big.sym", data, true).Build(dir_.path()), 0x60000000);
  struct rusage before {};
  ::getrusage(RUSAGE_SELF, &before);
  auto r = Read(zip);
  struct rusage after {};
  ::getrusage(RUSAGE_SELF, &after);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_TRUE((*r)[0].error.starts_with("corrupt_entry")) << (*r)[0].error;
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 256 * 1024)
      << "KiB of peak RSS added";
}

TEST(IsSafeEntryName, AcceptsLayoutNames) {
  EXPECT_TRUE(
      IsSafeEntryName("xul.pdb/44E4EC8C2F41492B9369D6B9A059577C2/xul.sym"));
  EXPECT_TRUE(IsSafeEntryName("dir/"));
  EXPECT_FALSE(IsSafeEntryName(""));
  EXPECT_FALSE(IsSafeEntryName("a/./b"));
}

}  // namespace
}  // namespace crashbox::symsvc
