// SPDX-License-Identifier: MPL-2.0
// A fresh directory per test under ::testing::TempDir(), removed afterwards, so
// `ctest -j` never shares state between tests.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace crashbox::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(std::string_view name) const {
    return path_ / name;
  }

 private:
  std::filesystem::path path_;
};

// Reads a whole file; aborts the test binary on failure (test-only helper).
std::string ReadFileOrDie(const std::filesystem::path& p);
void WriteFileOrDie(const std::filesystem::path& p, std::string_view bytes);
// ../shared/corpus relative to the source tree, or empty when absent.
std::filesystem::path CorpusDir();

}  // namespace crashbox::testing
