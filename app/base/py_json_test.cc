// SPDX-License-Identifier: MPL-2.0
// Expected texts are what Python 3.11's json.loads and str() print for the
// same input.
#include "app/base/py_json.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "app/base/py_str.h"
#include "app/base/py_unicode.h"

namespace crashbox::base {
namespace {

using nlohmann::json;

std::string ErrorOf(std::string_view text) {
  Result<json> r = PyJsonLoads(text);
  return r.ok() ? "OK" : r.status().message();
}

TEST(PyJsonLoads, FailsWithPythonsMessages) {
  EXPECT_EQ(ErrorOf("[1,"), "Expecting value: line 1 column 4 (char 3)");
  EXPECT_EQ(ErrorOf("{\"a\" 1}"),
            "Expecting ':' delimiter: line 1 column 6 (char 5)");
  EXPECT_EQ(ErrorOf("{1:2}"),
            "Expecting property name enclosed in double quotes: line 1 "
            "column 2 (char 1)");
  EXPECT_EQ(ErrorOf("[1 2]"),
            "Expecting ',' delimiter: line 1 column 4 (char 3)");
  EXPECT_EQ(ErrorOf("\"abc"),
            "Unterminated string starting at: line 1 column 1 (char 0)");
  EXPECT_EQ(ErrorOf("\"a\\x\""), "Invalid \\escape: line 1 column 3 (char 2)");
  EXPECT_EQ(ErrorOf("\"\x01\""),
            "Invalid control character at: line 1 column 2 (char 1)");
  EXPECT_EQ(ErrorOf("01"), "Extra data: line 1 column 2 (char 1)");
  EXPECT_EQ(ErrorOf("[1] x"), "Extra data: line 1 column 5 (char 4)");
  EXPECT_EQ(ErrorOf(""), "Expecting value: line 1 column 1 (char 0)");
  EXPECT_EQ(ErrorOf("  "), "Expecting value: line 1 column 3 (char 2)");
  EXPECT_EQ(ErrorOf("nul"), "Expecting value: line 1 column 1 (char 0)");
  EXPECT_EQ(ErrorOf("\"\\u12\""),
            "Invalid \\uXXXX escape: line 1 column 3 (char 2)");
  // Positions count code points, not bytes.
  EXPECT_EQ(ErrorOf("{\"\xc3\xa9\": [1,"),
            "Expecting value: line 1 column 10 (char 9)");
  EXPECT_EQ(ErrorOf("1."), "Extra data: line 1 column 2 (char 1)");
  EXPECT_EQ(ErrorOf("-"), "Expecting value: line 1 column 1 (char 0)");
  EXPECT_EQ(ErrorOf("1e"), "Extra data: line 1 column 2 (char 1)");
  EXPECT_EQ(ErrorOf("[\n1,\n]"), "Expecting value: line 3 column 1 (char 5)");
}

TEST(PyJsonLoads, AcceptsWhatPythonAccepts) {
  Result<json> r = PyJsonLoads(
      "[NaN, Infinity, -Infinity, 1e400, 123456789012345678901234567890, "
      "-18446744073709551617, 18446744073709551615, \"\\ud800x\", "
      "\"\\ud83d\\ude00\", {\"k\": [], \"j\": {}}]",
      {.exact = true});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(PyStr(*r),
            "[nan, inf, -inf, inf, 123456789012345678901234567890, "
            "-18446744073709551617, 18446744073709551615, '\\ud800x', "
            "'\xf0\x9f\x98\x80', {'j': {}, 'k': []}]");
  EXPECT_TRUE(IsPyBigInt((*r)[4]));
  EXPECT_EQ(PyTypeName((*r)[4]), "int");
  EXPECT_GT(PyIntCompare((*r)[4], 262144), 0);
  EXPECT_LT(PyIntCompare((*r)[5], 0), 0);
  EXPECT_TRUE((*r)[6].is_number_unsigned());
}

// Python 3.11 refuses integers of more than 4,300 digits (ValueError).
TEST(PyJsonLoads, IntegersOfMoreThan4300DigitsFailAsInPython) {
  EXPECT_TRUE(PyJsonLoads(std::string(4300, '1'), {.exact = true}).ok());
  EXPECT_EQ(ErrorOf("-" + std::string(4301, '1')),
            "Exceeds the limit (4300 digits) for integer string conversion: "
            "value has 4301 digits; use sys.set_int_max_str_digits() to "
            "increase the limit");
  EXPECT_FALSE(PyIntFromText(std::string(4301, '7')).has_value());
  EXPECT_TRUE(PyIntFromText(std::string(4300, '7')).has_value());
}

TEST(PyJsonLoads, StorableModeGivesSerializableJson) {
  Result<json> r = PyJsonLoads("[123456789012345678901234567890, \"\\udc00\"]");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0].is_number_float());
  EXPECT_EQ((*r)[1], "\xef\xbf\xbd");
  EXPECT_NO_THROW((void)r->dump());
}

TEST(PyJsonLoads, DeepNestingIsARecursionErrorNotACrash) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  Result<json> r = PyJsonLoads(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "maximum recursion depth exceeded while decoding a JSON array "
            "from a unicode string");
  std::string ok_depth(kPyMaxDepth, '[');
  ok_depth += std::string(kPyMaxDepth, ']');
  EXPECT_TRUE(PyJsonLoads(ok_depth).ok());
}

TEST(PyStr, DeepValuesRaiseInsteadOfOverflowing) {
  // Built with nlohmann (whose parser does not recurse), as a crash's
  // annotations might arrive.
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  json v = json::parse(deep);
  EXPECT_THROW((void)PyStr(v), PyRecursionError);
  try {
    (void)PyRepr(v);
  } catch (const PyRecursionError& e) {
    EXPECT_STREQ(e.what(),
                 "maximum recursion depth exceeded while getting the repr of "
                 "an object");
  }
}

TEST(PyRepr, QuotesAndEscapesAsPython) {
  EXPECT_EQ(PyReprString("it's"), "\"it's\"");
  EXPECT_EQ(PyReprString("x\"y"), "'x\"y'");
  EXPECT_EQ(PyReprString("a'b\"c"), "'a\\'b\"c'");
  EXPECT_EQ(PyReprString(std::string("\x00\t\n\x7f", 4)), "'\\x00\\t\\n\\x7f'");
  // NBSP and U+2028 are not printable; é and emoji are.
  EXPECT_EQ(PyReprString("\xc2\xa0\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80"),
            "'\\xa0\xc3\xa9\\u2028\xf0\x9f\x98\x80'");
  EXPECT_EQ(PyStr(json::array({1, "a", nullptr, true, 1.5, 1e16, 1e-5})),
            "[1, 'a', None, True, 1.5, 1e+16, 1e-05]");
  EXPECT_EQ(PyStr(json::object({{"k", "it's"}})), "{'k': \"it's\"}");
}

TEST(PyUnicode, LowerStripSplitAndDigitsAsPython) {
  EXPECT_EQ(PyLower("XUL.DLL"), "xul.dll");
  EXPECT_EQ(PyLower("\xc3\x89T\xc3\x89.DLL"), "\xc3\xa9t\xc3\xa9.dll");  // ÉTÉ
  EXPECT_EQ(PyLower("\xc4\xb0"), "i\xcc\x87");                           // İ
  EXPECT_EQ(PyLower("\xce\x9f\xce\xa3"), "\xce\xbf\xcf\x82");  // ΟΣ → ος
  EXPECT_EQ(PyStrip("\xe3\x80\x80 x \xc2\x85"), "x");
  auto lines = PySplitLines(
      "a\x0b"
      "b\xc2\x85"
      "c\xe2\x80\xa8"
      "d\r\ne\x1c");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[4], "e");
  EXPECT_EQ(PyDecimalValue(0x0663), 3);  // ARABIC-INDIC DIGIT THREE
  EXPECT_EQ(PyDecimalValue(0xFF19), 9);  // FULLWIDTH DIGIT NINE
  EXPECT_EQ(PyDecimalValue('a'), -1);
  EXPECT_EQ(PyAsciiDigitsAndSpaces("\xef\xbc\x91\xe3\x80\x80x"), "1 x");
}

}  // namespace
}  // namespace crashbox::base
