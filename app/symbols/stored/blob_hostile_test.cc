// SPDX-License-Identifier: MPL-2.0
// Hostile blobs: Open() rejects bad framing; lookups on a corrupt body stay in
// bounds; VerifyDeep() finds lies.
#include <gtest/gtest.h>

#include <cstring>

#include "app/symbols/stored/blob_format.h"
#include "app/symbols/text/symbols_test_util.h"

namespace crashbox::symbols {
namespace {

constexpr std::string_view kText =
    "FILE 0 a.c\nINLINE_ORIGIN 0 inl\nFUNC 1000 40 0 f\nINLINE 0 1 0 0 1000 "
    "10\n1000 10 1 0\n"
    "PUBLIC 2000 0 p\nSTACK CFI INIT 1000 40 .cfa: $rsp 8 + .ra: .cfa -8 + "
    "^\nSTACK CFI 1004 .cfa: $rsp 16 +\n"
    "STACK WIN 4 1000 50 0 0 8 0 0 0 1 $eip\n";

std::string Blob() { return *ParseSymText(AsBytes(kText)); }

Status OpenStatus(const std::string& blob) {
  Result<SymbolFile> f = SymbolFile::Open(AsBytes(blob));
  return f.ok() ? Status() : f.status();
}

// Exercises every lookup; must not crash whatever the bytes say.
void LookEverywhere(const SymbolFile& f) {
  for (uint64_t a :
       {0ull, 0xfffull, 0x1000ull, 0x1004ull, 0x1008ull, 0x2000ull, ~0ull}) {
    f.Symbolize(a);
    f.FindLine(a);
    f.FindCfiRules(a);
    f.FindWindowsFrameInfo(a);
    f.FindWinFrameInfo(a, WinFrameType::kFpo);
  }
  f.module_info();
  f.stats();
}

blob::SectionEntry SectionAt(const std::string& blob, size_t i) {
  blob::SectionEntry e;
  std::memcpy(&e, blob.data() + sizeof(blob::Header) + i * sizeof(e),
              sizeof(e));
  return e;
}
void PutSection(std::string* blob, size_t i, const blob::SectionEntry& e) {
  std::memcpy(blob->data() + sizeof(blob::Header) + i * sizeof(e), &e,
              sizeof(e));
}

TEST(HostileBlob, ValidBlobOpensAtAnyAlignment) {
  std::string blob = Blob();
  std::string shifted = "x" + blob;
  Result<SymbolFile> f = SymbolFile::Open(AsBytes(shifted).subspan(1));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->Symbolize(0x1000).function_name, "f");
  EXPECT_TRUE(f->VerifyDeep().ok());
}

TEST(HostileBlob, EveryTruncationIsRejected) {
  std::string blob = Blob();
  for (size_t n = 0; n < blob.size(); ++n) {
    EXPECT_EQ(OpenStatus(blob.substr(0, n)).code(), Status::Code::kCorrupt)
        << n;
  }
}

TEST(HostileBlob, BadMagicOrVersionIsRejected) {
  std::string blob = Blob();
  std::string bad = blob;
  bad[0] = 'X';
  EXPECT_EQ(OpenStatus(bad).code(), Status::Code::kCorrupt);
  bad = blob;
  bad[8] = 99;  // version
  EXPECT_EQ(OpenStatus(bad).code(), Status::Code::kCorrupt);
}

TEST(HostileBlob, LyingSectionCountIsRejected) {
  std::string blob = Blob();
  for (size_t i = 0; i < 17; ++i) {
    blob::SectionEntry e = SectionAt(blob, i);
    std::string bad = blob;
    e.count = e.count * 1000 + 1000;
    PutSection(&bad, i, e);
    EXPECT_EQ(OpenStatus(bad).code(), Status::Code::kCorrupt)
        << "section " << i;
    bad = blob;
    e = SectionAt(blob, i);
    e.offset = ~0ull - 3;
    PutSection(&bad, i, e);
    EXPECT_EQ(OpenStatus(bad).code(), Status::Code::kCorrupt)
        << "section " << i;
  }
}

TEST(HostileBlob, RandomBodyCorruptionNeverCrashesLookups) {
  std::string blob = Blob();
  size_t body = sizeof(blob::Header) + 17 * sizeof(blob::SectionEntry);
  uint32_t seed = 12345;
  int verify_failures = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string bad = blob;
    for (int k = 0; k < 4; ++k) {
      seed = seed * 1103515245u + 12345u;
      size_t pos = body + (seed >> 8) % (bad.size() - body);
      bad[pos] = static_cast<char>(seed >> 3);
    }
    Result<SymbolFile> f = SymbolFile::Open(AsBytes(bad));
    ASSERT_TRUE(f.ok());  // the framing is intact
    if (!f->VerifyDeep().ok()) ++verify_failures;
    LookEverywhere(*f);
  }
  EXPECT_GT(verify_failures, 0);
}

TEST(HostileBlob, VerifyDeepCatchesAFunctionPointingPastTheLines) {
  std::string blob = Blob();
  for (size_t i = 0; i < 17; ++i) {
    blob::SectionEntry e = SectionAt(blob, i);
    if (e.kind != static_cast<uint32_t>(blob::SectionKind::kFunctions))
      continue;
    blob::FunctionRecord fr;
    std::memcpy(&fr, blob.data() + e.offset, sizeof(fr));
    fr.lines_count = 1000000;
    std::memcpy(blob.data() + e.offset, &fr, sizeof(fr));
  }
  Result<SymbolFile> f = SymbolFile::Open(AsBytes(blob));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->VerifyDeep().code(), Status::Code::kCorrupt);
  EXPECT_FALSE(f->FindLine(0x1000).has_value());
  LookEverywhere(*f);
}

}  // namespace
}  // namespace crashbox::symbols
