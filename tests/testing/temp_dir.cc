// SPDX-License-Identifier: MPL-2.0
#include "tests/testing/temp_dir.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace crashbox::testing {

namespace {
std::atomic<int> g_counter{0};
}

TempDir::TempDir() {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name =
      info ? std::string(info->test_suite_name()) + "." + info->name()
           : "crashbox";
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  path_ = std::filesystem::path(::testing::TempDir()) /
          ("cb-" + name + "-" + std::to_string(getpid()) + "-" +
           std::to_string(g_counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFileOrDie(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << p;
    std::abort();
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFileOrDie(const std::filesystem::path& p, std::string_view bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    ADD_FAILURE() << "cannot write " << p;
    std::abort();
  }
}

std::filesystem::path CorpusDir() {
  const char* src = std::getenv("CB_SOURCE_DIR");
  std::filesystem::path base = src ? src : ".";
  std::filesystem::path corpus = base / ".." / "shared" / "corpus";
  if (const char* env = std::getenv("CB_CORPUS_DIR")) corpus = env;
  std::error_code ec;
  if (!std::filesystem::is_directory(corpus / "dumps", ec)) return {};
  return std::filesystem::canonical(corpus);
}

}  // namespace crashbox::testing
