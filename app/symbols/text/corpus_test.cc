// SPDX-License-Identifier: MPL-2.0
// Converts every .sym of the shared corpus and checks lookups against the
// text: each FUNC is found at its start (and at its last byte when no later
// FUNC overlaps it), and its first line record matches. Reports MB/s.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "app/symbols/stored/symbol_file.h"
#include "app/symbols/text/sym_parser.h"
#include "app/symbols/text/sym_text_internal.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::symbols {
namespace {

namespace fs = std::filesystem;

struct TextFunc {
  uint64_t address, size;
  std::string name;
};

// The first well-formed FUNC at each address, in file order (a simple, slow
// reading of the text, independent of the parser).
std::vector<TextFunc> FuncsOf(std::string_view text) {
  std::vector<TextFunc> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (!line.starts_with("FUNC ")) continue;
    std::vector<std::string_view> t;
    if (!internal::TokenizeWithOptionalM(line.substr(5), 5, &t)) continue;
    size_t i = t[0] == "m" ? 1 : 0;
    out.push_back({internal::ParseCUnsigned(t[i], 16).value,
                   internal::ParseCUnsigned(t[i + 1], 16).value,
                   std::string(t[i + 3])});
  }
  return out;
}

TEST(Corpus, ConvertsEverySymFileAndFindsEveryFunction) {
  fs::path corpus = crashbox::testing::CorpusDir();
  if (corpus.empty() || !fs::is_directory(corpus / "symbols")) {
    GTEST_SKIP() << "corpus not found (set CB_CORPUS_DIR or place it at "
                    "../shared/corpus)";
  }
  uint64_t total_bytes = 0, total_blob = 0, files = 0, checked = 0;
  double seconds = 0;
  for (const auto& entry :
       fs::recursive_directory_iterator(corpus / "symbols")) {
    if (entry.path().extension() != ".sym") continue;
    std::string text = crashbox::testing::ReadFileOrDie(entry.path());
    auto start = std::chrono::steady_clock::now();
    Result<std::string> blob = ParseSymText(AsBytes(text));
    seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    ASSERT_TRUE(blob.ok()) << entry.path();
    total_bytes += text.size();
    total_blob += blob->size();
    ++files;
    Result<SymbolFile> f = SymbolFile::Open(AsBytes(*blob));
    ASSERT_TRUE(f.ok()) << entry.path();
    ASSERT_TRUE(f->VerifyDeep().ok())
        << entry.path() << ": " << f->VerifyDeep().ToString();
    EXPECT_FALSE(f->stats().bailed) << entry.path();

    // Accepted FUNCs in file order, replaying the first-wins rule.
    std::map<uint64_t, TextFunc> kept;  // by end address
    for (const TextFunc& fn : FuncsOf(text)) {
      if (fn.size == 0 || fn.address + fn.size - 1 < fn.address) continue;
      uint64_t high = fn.address + fn.size - 1;
      auto it = kept.lower_bound(fn.address);
      if (it != kept.end() && it->second.address <= high) continue;
      kept.emplace(high, fn);
    }
    for (const auto& [high, fn] : kept) {
      std::optional<FunctionInfo> at_start = f->FindFunction(fn.address);
      ASSERT_TRUE(at_start.has_value()) << entry.path() << " " << fn.name;
      EXPECT_EQ(at_start->name, fn.name) << entry.path();
      std::optional<FunctionInfo> at_end = f->FindFunction(high);
      ASSERT_TRUE(at_end.has_value()) << entry.path() << " " << fn.name;
      EXPECT_EQ(at_end->name, fn.name) << entry.path();
      SymbolizedAddress s = f->Symbolize(fn.address);
      EXPECT_EQ(s.function_name, fn.name);
      ++checked;
    }
    EXPECT_EQ(f->function_count(), kept.size()) << entry.path();
  }
  ASSERT_GT(files, 0u);
  double mb = static_cast<double>(total_bytes) / (1024.0 * 1024.0);
  std::printf(
      "corpus: %llu .sym files, %.1f MiB text -> %.1f MiB blobs, %llu "
      "functions checked, "
      "conversion %.1f MiB/s\n",
      static_cast<unsigned long long>(files), mb,
      static_cast<double>(total_blob) / (1024.0 * 1024.0),
      static_cast<unsigned long long>(checked),
      seconds > 0 ? mb / seconds : 0.0);
  RecordProperty("conversion_mib_per_s",
                 std::to_string(seconds > 0 ? mb / seconds : 0.0));
}

}  // namespace
}  // namespace crashbox::symbols

namespace crashbox::symbols {
namespace {

// Frames as Breakpad's minidump_stackwalk printed them (corpus expected/*.txt).
TEST(Corpus, InlineFramesMatchBreakpadOutput) {
  fs::path corpus = crashbox::testing::CorpusDir();
  if (corpus.empty()) GTEST_SKIP() << "corpus not found";
  struct Case {
    const char* sym;
    uint64_t address;                 // instruction - module base
    std::vector<std::string> frames;  // "name file:line", innermost first
  };
  std::vector<Case> cases = {
      {"symbols/linux_inline/BBA6FA10B8AAB33D00000000000000000/"
       "linux_inline.sym",
       0x161b6,
       {"func() linux_inline.cpp:27", "bar() c.cpp:32", "foo() b.cpp:39",
        "main a.cpp:42"}},
      {"symbols/inline_crash/B3C523ADA35DFA7C7305EF7BEA65EA3C0/"
       "inline_crash.sym",
       0x2af1,
       {"nightjar::audio::FadeOut inline_crash.cpp:16",
        "nightjar::audio::ProcessBlock(nightjar::audio::Buffer&) "
        "inline_crash.cpp:23"}},
      {"symbols/inline_crash/B3C523ADA35DFA7C7305EF7BEA65EA3C0/"
       "inline_crash.sym",
       0x2b34,
       {"nightjar::audio::MixerTick(nightjar::audio::Buffer*, int) "
        "inline_crash.cpp:26"}},
  };
  for (const Case& c : cases) {
    std::string text = crashbox::testing::ReadFileOrDie(corpus / c.sym);
    std::string blob = *ParseSymText(AsBytes(text));
    Result<SymbolFile> f = SymbolFile::Open(AsBytes(blob));
    ASSERT_TRUE(f.ok());
    SymbolizedAddress s = f->Symbolize(c.address);
    std::vector<std::string> got;
    auto base_name = [](std::string_view path) {
      return path.substr(path.find_last_of('/') + 1);
    };
    for (const InlineFrame& i : s.inlines) {
      got.push_back(fmt::format("{} {}:{}", i.function_name,
                                base_name(i.source_file), i.source_line));
    }
    got.push_back(fmt::format("{} {}:{}", s.function_name,
                              base_name(s.source_file), s.source_line));
    EXPECT_EQ(got, c.frames) << c.sym;
  }
}

}  // namespace
}  // namespace crashbox::symbols
