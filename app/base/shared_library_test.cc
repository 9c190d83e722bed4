// SPDX-License-Identifier: MPL-2.0
#include "app/base/shared_library.h"

#include <string.h>

#include <cstring>

#include <gtest/gtest.h>

namespace crashbox::base {
namespace {

TEST(SharedLibraryTest, ResolvesTypedSymbols) {
  SharedLibrary libc("libc.so.6");
  decltype(&std::strlen) strlen_fn = nullptr;
  libc.Get("strlen", &strlen_fn);
  ASSERT_TRUE(libc.ok()) << libc.error();
  ASSERT_NE(strlen_fn, nullptr);
  EXPECT_EQ(strlen_fn("crashbox"), 8u);
}

TEST(SharedLibraryTest, MissingLibraryNamesItAndHowToInstall) {
  SharedLibrary missing("libcrashbox-no-such-library.so.9");
  decltype(&std::strlen) fn = &std::strlen;
  missing.Get("strlen", &fn);
  EXPECT_FALSE(missing.ok());
  EXPECT_EQ(fn, nullptr);
  EXPECT_NE(missing.error().find("libcrashbox-no-such-library.so.9"),
            std::string::npos)
      << missing.error();
  EXPECT_NE(missing.error().find("tools/setup.sh"), std::string::npos)
      << missing.error();
}

TEST(SharedLibraryTest, MissingSymbolMakesItNotOk) {
  SharedLibrary libc("libc.so.6");
  void (*fn)() = nullptr;
  libc.Get("crashbox_no_such_function", &fn);
  EXPECT_EQ(fn, nullptr);
  EXPECT_FALSE(libc.ok());
  EXPECT_NE(libc.error().find("crashbox_no_such_function"), std::string::npos)
      << libc.error();
}

#define CB_TEST_LIBC_FUNCTIONS(X) X(length, strlen) X(compare, strcmp)

int libc_loads = 0;

struct Libc {
  static constexpr const char* kSoname = "libc.so.6";
  CB_SHARED_LIBRARY_FUNCTIONS(CB_TEST_LIBC_FUNCTIONS)
  void OnLoad() const { ++libc_loads; }
};

struct Absent {
  static constexpr const char* kSoname = "libcrashbox-no-such-library.so.9";
  CB_SHARED_LIBRARY_FUNCTIONS(CB_TEST_LIBC_FUNCTIONS)
  void OnLoad() const { ++libc_loads; }
};

TEST(LazyLibraryTest, LoadsOnceAndResolvesEveryFunction) {
  const auto& libc = LazyLibrary<Libc>::Get();
  ASSERT_TRUE(libc.ok()) << libc.error();
  EXPECT_EQ(libc->length("crashbox"), 8u);
  EXPECT_EQ(libc->compare("a", "a"), 0);
  EXPECT_EQ(&LazyLibrary<Libc>::Get(), &libc);
  EXPECT_EQ(libc_loads, 1);
}

TEST(LazyLibraryTest, MissingLibraryIsAnErrorAndSkipsOnLoad) {
  int loads_before = libc_loads;
  const auto& absent = LazyLibrary<Absent>::Get();
  EXPECT_FALSE(absent.ok());
  EXPECT_EQ(absent->length, nullptr);
  EXPECT_NE(absent.error().find("libcrashbox-no-such-library.so.9"),
            std::string::npos)
      << absent.error();
  EXPECT_EQ(libc_loads, loads_before);
}

}  // namespace
}  // namespace crashbox::base
