// SPDX-License-Identifier: MPL-2.0
#include "app/base/shared_library.h"

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

}  // namespace
}  // namespace crashbox::base
