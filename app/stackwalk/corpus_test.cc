// SPDX-License-Identifier: MPL-2.0
// Differential test against Breakpad: every dump of the shared corpus is
// walked with the corpus symbols (and the nosyms/ ones without any) and both
// text formats are compared with minidump_stackwalk's saved output. Prints the
// agreement figures; remaining differences are listed in README.md.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "app/minidump/minidump.h"
#include "app/stackwalk/printers/printers.h"
#include "app/stackwalk/walker.h"
#include "app/symbols/suppliers/dir_supplier.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::stackwalk {
namespace {

namespace fs = std::filesystem;

// Dumps whose output is known to differ, with the reason (README.md).
const std::set<std::string> kKnownDifferences = {};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// "" when equal, else the first differing line of each.
std::string FirstDifference(const std::string& got, const std::string& want) {
  if (got == want) return "";
  std::vector<std::string> g = Lines(got), w = Lines(want);
  for (size_t i = 0; i < std::max(g.size(), w.size()); ++i) {
    std::string gl = i < g.size() ? g[i] : "<eof>",
                wl = i < w.size() ? w[i] : "<eof>";
    if (gl != wl)
      return fmt::format("line {}:\n  got:  {}\n  want: {}", i + 1, gl, wl);
  }
  return "trailing bytes differ";
}

struct Tally {
  int machine_equal = 0, text_equal = 0, total = 0;
  std::vector<std::string> failures;
};

void Compare(const fs::path& dump_path, const fs::path& expected_dir,
             symbols::SymbolSupplier* supplier, Tally* tally) {
  std::string id = dump_path.stem().string();
  fs::path m_txt = expected_dir / (id + ".m.txt"),
           txt = expected_dir / (id + ".txt");
  fs::path err = expected_dir / (id + ".stderr.txt");
  if (!fs::exists(m_txt) && !fs::exists(err)) return;
  ++tally->total;
  auto dump = minidump::Minidump::ReadFile(dump_path);
  Result<ProcessState> state = dump.ok() ? WalkDump(*dump.value(), supplier)
                                         : Result<ProcessState>(dump.status());
  if (fs::exists(err)) {
    if (!state.ok()) {
      ++tally->machine_equal;
      ++tally->text_equal;
    } else {
      tally->failures.push_back(id +
                                ": Breakpad rejects this dump, we accepted it");
    }
    return;
  }
  if (!state.ok()) {
    tally->failures.push_back(id + ": rejected: " + state.status().message());
    return;
  }
  std::string d = FirstDifference(PrintBreakpadMachine(*state),
                                  testing::ReadFileOrDie(m_txt));
  if (d.empty())
    ++tally->machine_equal;
  else
    tally->failures.push_back(id + " (-m) " + d);
  if (fs::exists(txt)) {
    d = FirstDifference(PrintBreakpadText(*state), testing::ReadFileOrDie(txt));
    if (d.empty())
      ++tally->text_equal;
    else
      tally->failures.push_back(id + " (text) " + d);
  }
}

void Report(const char* what, const Tally& t) {
  std::printf("[ agreement ] %s: -m %d/%d, text %d/%d\n", what, t.machine_equal,
              t.total, t.text_equal, t.total);
  for (const std::string& f : t.failures) {
    std::string id = f.substr(0, f.find_first_of(" :"));
    if (kKnownDifferences.count(id)) {
      std::printf("  known: %s\n", f.c_str());
    } else {
      ADD_FAILURE() << f;
    }
  }
}

std::vector<fs::path> Dumps(const fs::path& corpus) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(corpus / "dumps")) {
    if (e.path().extension() == ".dmp") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Corpus, MatchesBreakpadWithSymbols) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty())
    GTEST_SKIP() << "corpus not found (set CB_CORPUS_DIR or place it at "
                    "../shared/corpus)";
  symbols::DirSymbolSupplier supplier({.roots = {corpus / "symbols"}});
  Tally tally;
  for (const fs::path& p : Dumps(corpus))
    Compare(p, corpus / "expected", &supplier, &tally);
  Report("with symbols", tally);
}

TEST(Corpus, MatchesBreakpadWithoutSymbols) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty())
    GTEST_SKIP() << "corpus not found (set CB_CORPUS_DIR or place it at "
                    "../shared/corpus)";
  Tally tally;
  for (const fs::path& p : Dumps(corpus))
    Compare(p, corpus / "expected" / "nosyms", nullptr, &tally);
  Report("without symbols", tally);
}

}  // namespace
}  // namespace crashbox::stackwalk
