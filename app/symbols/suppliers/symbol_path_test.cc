// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/symbol_path.h"

#include <gtest/gtest.h>

namespace crashbox::symbols {
namespace {

TEST(Leaf, LastComponentOfWindowsOrPosixPath) {
  EXPECT_EQ(Leaf("c:\\build\\obj\\xul.pdb"), "xul.pdb");
  EXPECT_EQ(Leaf("/usr/lib/libc.so.6"), "libc.so.6");
  EXPECT_EQ(Leaf("c:/mixed\\dir/xul.pdb"), "xul.pdb");
  EXPECT_EQ(Leaf("xul.pdb"), "xul.pdb");
  EXPECT_EQ(Leaf("dir/"), "");
  EXPECT_EQ(Leaf(""), "");
}

TEST(SymbolPath, ParsesTheServerLayoutAndUpperCasesTheId) {
  Result<ModuleKey> k =
      ParseSymbolPath("xul.pdb/44e4ec8c2f41492b9369d6b9a059577c2/xul.sym");
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->debug_file, "xul.pdb");
  EXPECT_EQ(k->debug_id, "44E4EC8C2F41492B9369D6B9A059577C2");
  EXPECT_EQ(ParseSymbolPath("../AB/...sym").status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(SymFileName("XUL.PDB"), "XUL.sym");
  EXPECT_EQ(SymFileName("libc.so.6"), "libc.so.6.sym");
}

}  // namespace
}  // namespace crashbox::symbols
