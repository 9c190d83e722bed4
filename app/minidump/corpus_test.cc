// SPDX-License-Identifier: MPL-2.0
// Checks the reader against what Breakpad's minidump_stackwalk printed for
// the real dumps in the shared corpus (expected/<id>.m.txt): every "Module|"
// line and the "Crash|" line must match. Skipped when the corpus is absent.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/base/strings.h"
#include "app/minidump/minidump.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::minidump {
namespace {

namespace fs = std::filesystem;

// Breakpad's PathnameStripper::File.
std::string BaseName(const std::string& path) {
  size_t at = path.find_last_of("/\\");
  return at == std::string::npos ? path : path.substr(at + 1);
}

std::vector<std::string> ExpectedLines(const fs::path& m_txt,
                                       std::string_view prefix) {
  std::vector<std::string> out;
  std::ifstream in(m_txt);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) == 0) out.push_back(line);
  }
  return out;
}

std::vector<std::string> ActualModuleLines(const Minidump& dump) {
  std::vector<std::string> out;
  const Result<ModuleList>& modules = dump.modules();
  if (!modules.ok()) return out;
  uint64_t main_base =
      modules->main_module() ? modules->main_module()->base_address : 0;
  for (const Module* m : modules->ByAddress()) {
    out.push_back(fmt::format(
        "Module|{}|{}|{}|{}|0x{:08x}|0x{:08x}|{}", BaseName(m->code_file),
        m->version, BaseName(m->debug_file), m->debug_id, m->base_address,
        m->base_address + m->size - 1, m->base_address == main_base ? 1 : 0));
  }
  return out;
}

std::string ActualCrashLine(const Minidump& dump) {
  CrashInfo info = GetCrashInfo(dump);
  if (!info.crashed) return "Crash|No crash||";
  return fmt::format("Crash|{}|0x{:x}|{}", info.reason, info.address,
                     info.requesting_thread_index);
}

TEST(Corpus, ModulesAndCrashMatchBreakpad) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty() || !fs::exists(corpus / "dumps")) {
    GTEST_SKIP() << "shared corpus not found (expected ../shared/corpus next "
                    "to the source tree)";
  }
  int total = 0, agree = 0, rejected_ok = 0;
  std::vector<std::string> failures;
  for (const fs::directory_entry& entry :
       fs::directory_iterator(corpus / "dumps")) {
    if (entry.path().extension() != ".dmp") continue;
    ++total;
    std::string id = entry.path().stem().string();
    Result<std::unique_ptr<Minidump>> dump = Minidump::ReadFile(entry.path());
    if (fs::exists(corpus / "expected" / (id + ".stderr.txt"))) {
      // Breakpad rejects these ("has no thread list"): either opening fails
      // or the thread list does, with a message saying why.
      bool rejected = !dump.ok() || !(*dump)->threads().ok();
      std::string why = !dump.ok() ? dump.status().message()
                                   : (*dump)->threads().status().message();
      if (rejected && !why.empty()) {
        ++rejected_ok;
        ++agree;
      } else {
        failures.push_back(id + ": Breakpad rejects it but it parsed");
      }
      continue;
    }
    if (!dump.ok()) {
      failures.push_back(id + ": " + dump.status().ToString());
      continue;
    }
    fs::path m_txt = corpus / "expected" / (id + ".m.txt");
    std::vector<std::string> want_modules = ExpectedLines(m_txt, "Module|");
    std::vector<std::string> got_modules = ActualModuleLines(**dump);
    std::vector<std::string> want_crash = ExpectedLines(m_txt, "Crash|");
    std::string got_crash = ActualCrashLine(**dump);
    bool ok = true;
    if (want_modules != got_modules) {
      ok = false;
      std::string detail;
      for (size_t i = 0; i < std::max(want_modules.size(), got_modules.size());
           ++i) {
        std::string w = i < want_modules.size() ? want_modules[i] : "(none)";
        std::string g = i < got_modules.size() ? got_modules[i] : "(none)";
        if (w != g) {
          detail = fmt::format("want {} got {}", w, g);
          break;
        }
      }
      failures.push_back(fmt::format("{}: modules differ ({} vs {}): {}", id,
                                     want_modules.size(), got_modules.size(),
                                     detail));
    }
    if (want_crash.size() != 1 || want_crash[0] != got_crash) {
      ok = false;
      failures.push_back(fmt::format(
          "{}: want {} got {}", id,
          want_crash.empty() ? "(none)" : want_crash[0], got_crash));
    }
    if (ok) ++agree;
  }
  std::cout << fmt::format(
      "[corpus] {}/{} dumps agree with Breakpad ({} rejected as Breakpad "
      "does)\n",
      agree, total, rejected_ok);
  for (const std::string& f : failures) ADD_FAILURE() << f;
}

}  // namespace
}  // namespace crashbox::minidump
