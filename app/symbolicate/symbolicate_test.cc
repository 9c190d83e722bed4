// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/symbolicate.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "app/base/strings.h"
#include "app/minidump/module_list.h"
#include "app/stackwalk/symbolizer.h"
#include "app/symbols/suppliers/dir_supplier.h"
#include "tests/testing/synth/synth_symbols.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::symbolicate {
namespace {

using Json = nlohmann::json;

constexpr char kXulId[] = "0185139C8F04FFC94C4C44205044422E1";
constexpr char kFooId[] = "D48F191186D67E69DF025AD71FB91E1F0";
constexpr char kElement[] =
    "hg:hg.mozilla.org/mozilla-central:dom/base/Element.cpp:4f1d2e";
constexpr char kArray[] =
    "hg:hg.mozilla.org/mozilla-central:xpcom/ds/nsTArray.h:4f1d2e";
constexpr char kAssert[] =
    "hg:hg.mozilla.org/mozilla-central:mfbt/Assertions.h:4f1d2e";

// GetAttr inlines Length() over [0x1010, 0x1050), which inlines Check()
// over [0x1018, 0x1028); NoLines has no line records; PublicOnly is a
// PUBLIC above the last FUNC.
std::string XulSym() {
  return testing::SymModuleLine("windows", "x86_64", kXulId, "xul.pdb") +
         "INFO CODE_ID 60533C886EFD000 xul.dll\n"
         "FILE 0 " +
         kElement + "\nFILE 1 " + kArray + "\nFILE 2 " + kAssert +
         "\n"
         "INLINE_ORIGIN 0 nsTArray<int>::Length() const\n"
         "INLINE_ORIGIN 1 mozilla::detail::Check(bool)\n"
         "FUNC 1000 100 0 mozilla::dom::Element::GetAttr(int) const\n"
         "INLINE 0 172 0 0 1010 40\n"
         "INLINE 1 55 1 1 1018 10\n"
         "1000 10 170 0\n"
         "1010 8 30 1\n"
         "1018 10 12 2\n"
         "1028 28 31 1\n"
         "1050 b0 180 0\n"
         "FUNC 2000 20 0 NoLines()\n"
         "FUNC 2100 20 0 Bad\xff"
         "Name\n"
         "PUBLIC 3000 0 PublicOnly\n";
}

// A Linux module: INFO CODE_ID names no file, so frames keep the debug file.
std::string FooSym() {
  return testing::SymModuleLine("Linux", "x86_64", kFooId, "libfoo.so") +
         "INFO CODE_ID 1191F8D4D686697EDF025AD71FB91E1F\n"
         "FILE 0 /build/foo/src/main.rs\n"
         "FUNC 5380 44 0 foo::main\n"
         "5380 9 1 0\n"
         "5389 3b 2 0\n";
}

// Counts the supplier's calls and remembers the keys it was asked for.
class CountingSupplier final : public symbols::SymbolSupplier {
 public:
  explicit CountingSupplier(symbols::SymbolSupplier& inner) : inner_(inner) {}
  Result<std::shared_ptr<const symbols::SymbolFile>> Find(
      const symbols::ModuleKey& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_[key.debug_file + "/" + key.debug_id];
    return inner_.Find(key);
  }
  std::map<std::string, int> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  symbols::SymbolSupplier& inner_;
  std::mutex mu_;
  std::map<std::string, int> calls_;
};

class SymbolicateTest : public ::testing::Test {
 protected:
  SymbolicateTest()
      : dirs_(symbols::DirSupplierOptions{.roots = {dir_.path()}}),
        supplier_(dirs_) {
    testing::WriteSymbolFile(dir_.path(), "xul.pdb", kXulId, XulSym());
    testing::WriteSymbolFile(dir_.path(), "libfoo.so", kFooId, FooSym());
  }

  // The answer, parsed; its text is what nlohmann's dump() made of it.
  Json V5(std::string_view body, const SymbolicateOptions& options = {}) {
    Result<std::string> r = SymbolicateV5(body, supplier_, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return Json();
    Json answer = Json::parse(*r);
    EXPECT_EQ(answer.dump(), *r);
    return answer;
  }
  // The 400 title for `body`, or "ok".
  std::string V5Error(std::string_view body,
                      const SymbolicateOptions& options = {}) {
    Result<std::string> r = SymbolicateV5(body, supplier_, options);
    if (r.ok()) return "ok";
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    return r.status().message();
  }
  std::string V4Error(std::string_view body) {
    Result<std::string> r = SymbolicateV4(body, supplier_);
    if (r.ok()) return "ok";
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    return r.status().message();
  }

  testing::TempDir dir_;
  symbols::DirSymbolSupplier dirs_;
  CountingSupplier supplier_;
};

class Resolves : public SymbolicateTest {};

TEST_F(Resolves, FunctionOffsetFileLineAndInlineChainInnermostFirst) {
  Json out = V5(R"js({"jobs": [{
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"]],
      "stacks": [[[0, 4124]]]}]})js");
  Json expected = Json::parse(R"js({"results": [{
      "found_modules": {"xul.pdb/0185139C8F04FFC94C4C44205044422E1": true},
      "stacks": [[{
          "frame": 0, "module": "xul.dll", "module_offset": "0x101c",
          "function": "mozilla::dom::Element::GetAttr(int) const",
          "function_offset": "0x1c",
          "file": "hg:hg.mozilla.org/mozilla-central:dom/base/Element.cpp:4f1d2e",
          "line": 172,
          "inlines": [
            {"function": "mozilla::detail::Check(bool)",
             "file": "hg:hg.mozilla.org/mozilla-central:mfbt/Assertions.h:4f1d2e",
             "line": 12},
            {"function": "nsTArray<int>::Length() const",
             "file": "hg:hg.mozilla.org/mozilla-central:xpcom/ds/nsTArray.h:4f1d2e",
             "line": 55}]}]]}]})js");
  EXPECT_EQ(out, expected) << out.dump(2);
}

TEST_F(Resolves, LinesPublicsAndGapsAsTheStackWalkDoes) {
  Json out = V5(R"js({
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"],
                    ["libfoo.so", "D48F191186D67E69DF025AD71FB91E1F0"]],
      "stacks": [[[0, 4192], [0, 8196], [0, 12304], [0, 1280]],
                 [[1, 21392]]]})js");
  Json expected = Json::parse(R"js([
      [{"frame": 0, "module": "xul.dll", "module_offset": "0x1060",
        "function": "mozilla::dom::Element::GetAttr(int) const",
        "function_offset": "0x60",
        "file": "hg:hg.mozilla.org/mozilla-central:dom/base/Element.cpp:4f1d2e",
        "line": 180},
       {"frame": 1, "module": "xul.dll", "module_offset": "0x2004",
        "function": "NoLines()", "function_offset": "0x4"},
       {"frame": 2, "module": "xul.dll", "module_offset": "0x3010",
        "function": "PublicOnly", "function_offset": "0x10"},
       {"frame": 3, "module": "xul.dll", "module_offset": "0x500"}],
      [{"frame": 0, "module": "libfoo.so", "module_offset": "0x5390",
        "function": "foo::main", "function_offset": "0x10",
        "file": "/build/foo/src/main.rs", "line": 2}]])js");
  // A FUNC without line records has no file and so no line; below every
  // symbol nothing resolves; without a code file in INFO CODE_ID the
  // memoryMap name stays.
  EXPECT_EQ(out["results"][0]["stacks"], expected) << out.dump(2);
}

TEST_F(Resolves, InvalidUtf8InSymbolsIsReplacedSoTheAnswerSerializes) {
  Json out = V5(R"js({
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"]],
      "stacks": [[[0, 8448]]]})js");
  EXPECT_EQ(out["results"][0]["stacks"][0][0]["function"],
            "Bad\xEF\xBF\xBDName");
  EXPECT_NO_THROW(out.dump());
}

// The API answers what the processor's walk puts in a frame, field by field.
TEST_F(Resolves, SameAnswersAsTheStackWalksFrameSymbolizer) {
  const std::vector<uint64_t> offsets = {0x1000, 0x1010, 0x1017, 0x1018,
                                         0x101c, 0x1028, 0x1060, 0x2004,
                                         0x2110, 0x3010, 0x500,  0x10000};
  Json stack = Json::array();
  for (uint64_t o : offsets) stack.push_back(Json::array({0, o}));
  Json body = Json::parse(R"js({
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"]]})js");
  body["stacks"] = Json::array({stack});
  Json frames = V5(body.dump())["results"][0]["stacks"][0];
  ASSERT_EQ(frames.size(), offsets.size());

  minidump::Module module;
  module.base_address = 0x7ff600000000;
  module.size = 0x100000;
  module.code_file = "xul.dll";
  module.debug_file = "xul.pdb";
  module.debug_id = kXulId;
  minidump::ModuleList modules({module});
  stackwalk::FrameSymbolizer symbolizer(&modules, nullptr, &dirs_);
  size_t with_inlines = 0;
  for (size_t i = 0; i < offsets.size(); ++i) {
    SCOPED_TRACE(frames[i].dump());
    stackwalk::Frame walked;
    walked.instruction = module.base_address + offsets[i];
    std::vector<stackwalk::Frame> inlines;
    symbolizer.Fill(&walked, &inlines);
    const Json& f = frames[i];
    // The API replaces invalid UTF-8 (0x2110's name) to stay serializable.
    EXPECT_EQ(f.value("function", ""), base::Utf8Lossy(walked.function_name));
    if (!walked.function_name.empty()) {
      EXPECT_EQ(
          f["function_offset"],
          fmt::format("{:#x}", walked.instruction - walked.function_base));
    }
    EXPECT_EQ(f.value("file", ""), walked.source_file);
    EXPECT_EQ(f.value("line", 0),
              walked.source_file.empty() ? 0 : walked.source_line);
    ASSERT_EQ(f.value("inlines", Json::array()).size(), inlines.size());
    for (size_t k = 0; k < inlines.size(); ++k) {
      EXPECT_EQ(f["inlines"][k]["function"], inlines[k].function_name);
      EXPECT_EQ(f["inlines"][k].value("file", ""), inlines[k].source_file);
      EXPECT_EQ(f["inlines"][k].value("line", 0), inlines[k].source_line);
    }
    with_inlines += !inlines.empty();
  }
  EXPECT_EQ(with_inlines, 5u);  // 0x1010 to 0x1028: inside Length()
}

class FoundModules : public SymbolicateTest {};

TEST_F(FoundModules, TrueFalseAndNullForUnreferencedOrOffsetless) {
  Json out = V5(R"js({
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"],
                    ["missing.pdb", "AAAABBBBCCCCDDDD11112222333344441"],
                    ["libfoo.so", "D48F191186D67E69DF025AD71FB91E1F0"],
                    ["offsetless.so", "1234"]],
      "stacks": [[[1, 1000], [0, 4192], [3, -1], [-1, 4660]]]})js");
  const Json& result = out["results"][0];
  EXPECT_EQ(result["found_modules"], Json::parse(R"js({
      "xul.pdb/0185139C8F04FFC94C4C44205044422E1": true,
      "missing.pdb/AAAABBBBCCCCDDDD11112222333344441": false,
      "libfoo.so/D48F191186D67E69DF025AD71FB91E1F0": null,
      "offsetless.so/1234": null})js"));
  const Json& stack = result["stacks"][0];
  EXPECT_EQ(stack[0], Json::parse(R"js({"frame": 0, "module": "missing.pdb",
                                      "module_offset": "0x3e8"})js"));
  EXPECT_EQ(stack[2], Json::parse(R"js({"frame": 2, "module": "offsetless.so",
                                      "module_offset": "-0x1"})js"));
  EXPECT_EQ(stack[3], Json::parse(R"js({"frame": 3, "module": "<unknown>",
                                      "module_offset": "0x1234"})js"));
  // Offset -1 and index -1 never reach the supplier.
  EXPECT_EQ(supplier_.calls(),
            (std::map<std::string, int>{
                {"missing.pdb/AAAABBBBCCCCDDDD11112222333344441", 1},
                {"xul.pdb/0185139C8F04FFC94C4C44205044422E1", 1}}));
}

TEST_F(FoundModules, EachModuleAskedOnceUpperCasedAcrossJobs) {
  std::string job = R"js({
      "memoryMap": [["xul.pdb", "0185139c8f04ffc94c4c44205044422e1"],
                    ["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"]],
      "stacks": [[[0, 4192], [1, 4192]], [[0, 8196]]]})js";
  Json out = V5(R"js({"jobs": [)js" + job + "," + job + "," + job + "]}");
  ASSERT_EQ(out["results"].size(), 3u);
  for (const Json& result : out["results"]) {
    EXPECT_EQ(result["found_modules"], Json::parse(R"js({
        "xul.pdb/0185139c8f04ffc94c4c44205044422e1": true,
        "xul.pdb/0185139C8F04FFC94C4C44205044422E1": true})js"));
    EXPECT_EQ(result["stacks"][1][0]["function"], "NoLines()");
  }
  EXPECT_EQ(supplier_.calls(),
            (std::map<std::string, int>{
                {"xul.pdb/0185139C8F04FFC94C4C44205044422E1", 1}}));
}

TEST_F(FoundModules, EmptyNameOrIdIsMissingWithoutALookup) {
  Json out = V5(R"js({
      "memoryMap": [["", "0185139C8F04FFC94C4C44205044422E1"],
                    ["xul.pdb", ""]],
      "stacks": [[[0, 16], [1, 16]]]})js");
  EXPECT_EQ(out["results"][0]["found_modules"], Json::parse(R"js({
      "/0185139C8F04FFC94C4C44205044422E1": false, "xul.pdb/": false})js"));
  EXPECT_TRUE(supplier_.calls().empty());
}

TEST_F(FoundModules, OddButValidNamesAreLookedUpAndMissing) {
  Json out = V5(R"js({
      "memoryMap": [["{e824f0e4-72f7-4295-8879-d8ff4bf348d2}.xpi", "0"],
                    ["Font Awesome 5 Free-Solid-900.otf", "0"],
                    ["<unknown>", "0"]],
      "stacks": [[[0, 1], [1, 1], [2, 1]]]})js");
  const Json& found = out["results"][0]["found_modules"];
  ASSERT_EQ(found.size(), 3u);
  for (const auto& [key, value] : found.items()) EXPECT_EQ(value, false) << key;
  EXPECT_EQ(supplier_.calls().size(), 3u);
}

TEST_F(FoundModules, FullSixtyFourBitOffsetsPrintedLowercase) {
  Json out = V5(R"js({"memoryMap": [["a.so", "AB"]],
                    "stacks": [[[0, 18446744073709551615], [0, 48879]]]})js");
  EXPECT_EQ(out["results"][0]["stacks"][0][0]["module_offset"],
            "0xffffffffffffffff");
  EXPECT_EQ(out["results"][0]["stacks"][0][1]["module_offset"], "0xbeef");
}

class Version4 : public SymbolicateTest {};

TEST_F(Version4, FunctionOrOffsetInModuleAndKnownModulesInOrder) {
  Result<std::string> r = SymbolicateV4(R"js({
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"],
                    ["missing.pdb", "AAAA"],
                    ["libfoo.so", "D48F191186D67E69DF025AD71FB91E1F0"]],
      "stacks": [[[0, 4124], [1, 1000], [-1, 16]]],
      "version": 4})js",
                                        supplier_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Json::parse(*r).dump(), *r);
  EXPECT_EQ(Json::parse(*r), Json::parse(R"js({
      "symbolicatedStacks": [[
          "mozilla::dom::Element::GetAttr(int) const (in xul.dll)",
          "0x3e8 (in missing.pdb)", "0x10 (in <unknown>)"]],
      "knownModules": [true, false, null]})js"));
}

TEST_F(Version4, MessagesSayJobWithoutAnIndex) {
  EXPECT_EQ(V4Error("{}"), "job has invalid stacks: no stacks specified");
  EXPECT_EQ(V4Error(R"js({"memoryMap": {}, "stacks": [[]]})js"),
            "job has invalid modules: modules must be a list");
  EXPECT_EQ(V4Error(R"js({"stacks": [[[0, 1]]]})js"),
            "job has invalid stacks: stack 0 frame 0 has a module_index that "
            "isn't in modules");
  EXPECT_EQ(V4Error("{"), "Payload is not valid JSON");
}

class BadRequest : public SymbolicateTest {};

TEST_F(BadRequest, EliotsMessagesWordForWord) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "Payload is not valid JSON"},
      {"{", "Payload is not valid JSON"},
      {R"js({"stacks": [[]]} x)js", "Payload is not valid JSON"},
      {R"js({"stacks": [[[0, NaN]]]})js", "Payload is not valid JSON"},
      {"{\"stacks\": [[]], \"x\": \"\xff\"}", "Payload is not valid JSON"},
      {"[1]", "job 0 is invalid"},
      {R"js({"jobs": 5})js", "job 0 is invalid"},
      {R"js({"jobs": [5]})js", "job 0 is invalid"},
      {R"js({"jobs": [{"stacks": [[]]}, "x"]})js", "job 1 is invalid"},
      {R"js({"jobs": [{},{},{},{},{},{},{},{},{},{},{}]})js",
       "please limit number of jobs in a single request to <= 10"},
      {"{}", "job 0 has invalid stacks: no stacks specified"},
      {R"js({"memoryMap": [["xul.pdb", "AB"]]})js",
       "job 0 has invalid stacks: no stacks specified"},
      {R"js({"jobs": [{"stacks": [[]]}, {"modules": [["a", "B"]]}]})js",
       "job 1 has invalid stacks: no stacks specified"},
      {R"js({"stacks": []})js",
       "job 0 has invalid stacks: no stacks specified"},
      {R"js({"stacks": "abc"})js",
       "job 0 has invalid stacks: stacks must be a list of lists"},
      {R"js({"stacks": ["abc"]})js",
       "job 0 has invalid stacks: stack 0 is not a list"},
      {R"js({"stacks": [[[0]]], "memoryMap": [["a.so", "AB"]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 is not a list of two items"},
      {R"js({"stacks": [[], [[-1, 0], [-1, 0, 1]]]})js",
       "job 0 has invalid stacks: stack 1 frame 1 is not a list of two items"},
      {R"js({"stacks": [[["abc", 0]]], "memoryMap": [["a.so", "AB"]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has an invalid module_index"},
      {R"js({"stacks": [[[0.0, 0]]], "memoryMap": [["a.so", "AB"]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has an invalid module_index"},
      {R"js({"stacks": [[[true, 0]]], "memoryMap": [["a.so", "AB"]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has an invalid module_index"},
      {R"js({"stacks": [[[-2, 0]]], "memoryMap": [["a.so", "AB"]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has a module_index that "
       "isn't in modules"},
      {R"js({"stacks": [[[1, 0]]], "memoryMap": [["a.so", "AB"]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has a module_index that "
       "isn't in modules"},
      {R"js({"stacks": [[[18446744073709551615, 0]]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has a module_index that "
       "isn't in modules"},
      {R"js({"stacks": [[[0, 0]]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has a module_index that "
       "isn't in modules"},
      {R"js({"stacks": [[[-1, "abc"]]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has an invalid "
       "module_offset"},
      {R"js({"stacks": [[[-1, -2]]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has an invalid "
       "module_offset"},
      {R"js({"stacks": [[[-1, 1.5]]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has an invalid "
       "module_offset"},
      {R"js({"stacks": [[[-1, 18446744073709551616]]]})js",
       "job 0 has invalid stacks: stack 0 frame 0 has an invalid "
       "module_offset"},
      {R"js({"stacks": [[[-1, 1]]], "memoryMap": 123})js",
       "job 0 has invalid modules: modules must be a list"},
      {R"js({"stacks": [[]], "memoryMap": ["abc"]})js",
       "job 0 has invalid modules: module index 0 does not have a "
       "debug_filename and debug_id"},
      {R"js({"stacks": [[]], "memoryMap": [["abc", "AB"], ["abc"]]})js",
       "job 0 has invalid modules: module index 1 does not have a "
       "debug_filename and debug_id"},
      {R"js({"stacks": [[]], "memoryMap": [["(", "ABC"]]})js",
       "job 0 has invalid modules: module index 0 has an invalid "
       "debug_filename"},
      {R"js({"stacks": [[]], "memoryMap": [[1, "ABC"]]})js",
       "job 0 has invalid modules: module index 0 has an invalid "
       "debug_filename"},
      {R"js({"stacks": [[]], "memoryMap": [["abc.so", "xyz"]]})js",
       "job 0 has invalid modules: module index 0 has an invalid debug_id"},
      {R"js({"stacks": [[]], "memoryMap": [["abc.so", "  abc"]]})js",
       "job 0 has invalid modules: module index 0 has an invalid debug_id"},
      {R"js({"stacks": [[]], "memoryMap": [["abc.so", 12]]})js",
       "job 0 has invalid modules: module index 0 has an invalid debug_id"},
      // Modules are checked before stacks, as in Eliot.
      {R"js({"stacks": 5, "memoryMap": [["abc.so", 12]]})js",
       "job 0 has invalid modules: module index 0 has an invalid debug_id"},
  };
  for (const auto& [body, message] : cases)
    EXPECT_EQ(V5Error(body), message) << body;
  EXPECT_TRUE(supplier_.calls().empty());
}

TEST_F(BadRequest, NamesThatCouldLeaveTheSymbolDirectories) {
  auto with_module = [](const std::string& file, const std::string& id) {
    Json body = Json::parse(R"js({"stacks": [[[0, 1]]]})js");
    body["memoryMap"] = Json::array({Json::array({file, id})});
    return body.dump();
  };
  for (const std::string& file : std::vector<std::string>{
           "../xul.pdb", "a/b", "a\\b", "..", ".", "xul.pdb\n",
           std::string("x\0y", 3), "caf\xC3\xA9.so", std::string(256, 'a')}) {
    EXPECT_EQ(V5Error(with_module(file, kXulId)),
              "job 0 has invalid modules: module index 0 has an invalid "
              "debug_filename")
        << file;
  }
  for (const std::string& id :
       std::vector<std::string>{"../1", "AB/CD", "AB\\CD", "ABCDEFG", "AB CD",
                                std::string(129, 'A')}) {
    EXPECT_EQ(V5Error(with_module("xul.pdb", id)),
              "job 0 has invalid modules: module index 0 has an invalid "
              "debug_id")
        << id;
  }
  EXPECT_EQ(V5Error(with_module(std::string(255, 'a'), std::string(128, 'A'))),
            "ok");
  EXPECT_EQ(supplier_.calls().size(), 1u);  // only the last, valid one
}

TEST_F(BadRequest, MutatedBodiesNeverThrowAndAlwaysSerialize) {
  const std::string valid = R"js({"jobs": [{
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"],
                    ["libfoo.so", "D48F191186D67E69DF025AD71FB91E1F0"]],
      "stacks": [[[0, 4124], [1, 21392], [-1, 5], [0, -1]]]}]})js";
  const std::string alphabet = "[]{},:\"\\-0123456789eE.tfn \xff";
  std::mt19937 rng(7);
  int ok = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string body = valid;
    for (int edits = 1 + rng() % 4; edits > 0; --edits) {
      size_t at = rng() % body.size();
      switch (rng() % 3) {
        case 0:
          body[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          body.erase(at, 1 + rng() % 8);
          break;
        default:
          body.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
      if (body.empty()) body = "x";
    }
    for (bool v4 : {false, true}) {
      Result<std::string> r =
          v4 ? SymbolicateV4(body, supplier_) : SymbolicateV5(body, supplier_);
      if (r.ok()) {
        ++ok;
        Json answer;
        ASSERT_NO_THROW(answer = Json::parse(*r)) << body << "\n" << *r;
        EXPECT_EQ(answer.dump(), *r) << body;
      } else {
        EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << body;
      }
    }
  }
  EXPECT_GT(ok, 0);  // some mutations stay valid (a digit for a digit)
}

class Limits : public SymbolicateTest {};

TEST_F(Limits, JobsModulesStacksAndFramesAreBounded) {
  SymbolicateOptions o;
  o.max_jobs = 2;
  o.max_modules_per_job = 1;
  o.max_stacks_per_job = 2;
  o.max_frames_per_job = 3;
  o.max_frames = 4;
  EXPECT_EQ(V5Error(R"js({"jobs": [{"stacks": [[]]}, {"stacks": [[]]}]})js", o),
            "ok");
  EXPECT_EQ(V5Error(R"js({"jobs": [{}, {}, {}]})js", o),
            "please limit number of jobs in a single request to <= 2");
  EXPECT_EQ(V5Error(R"js({"memoryMap": [["a", "1"], ["b", "2"]],
                        "stacks": [[]]})js",
                    o),
            "job 0 has invalid modules: more than 1 modules");
  EXPECT_EQ(V5Error(R"js({"stacks": [[], [], []]})js", o),
            "job 0 has invalid stacks: more than 2 stacks");
  EXPECT_EQ(
      V5Error(R"js({"stacks": [[[-1, 1], [-1, 2]], [[-1, 3], [-1, 4]]]})js", o),
      "job 0 has invalid stacks: more than 3 frames");
  EXPECT_EQ(V5Error(R"js({"jobs": [{"stacks": [[[-1, 1], [-1, 2], [-1, 3]]]},
                           {"stacks": [[[-1, 1], [-1, 2]]]}]})js",
                    o),
            "please limit number of frames in a single request to <= 4");
  EXPECT_TRUE(supplier_.calls().empty());
}

TEST_F(Limits, DistinctLookupsAreBoundedBeforeAnyIsMade) {
  SymbolicateOptions o;
  o.max_lookups = 2;
  // Repeats, lower-case ids, offset -1 and empty names do not count.
  std::string two = R"js({"jobs": [
      {"memoryMap": [["a.so", "ab"], ["a.so", "AB"], ["b.so", "1"], ["c.so", "2"],
                     ["", "3"]],
       "stacks": [[[0, 1], [1, 1], [2, 1], [3, -1], [4, 1]]]},
      {"memoryMap": [["b.so", "1"]], "stacks": [[[0, 5]]]}]})js";
  EXPECT_EQ(V5Error(two, o), "ok");
  EXPECT_EQ(supplier_.calls().size(), 2u);
  std::string three = R"js({"jobs": [
      {"memoryMap": [["a.so", "AB"]], "stacks": [[[0, 1]]]},
      {"memoryMap": [["b.so", "1"], ["c.so", "2"]], "stacks": [[[0, 1], [1, 1]]]}]})js";
  EXPECT_EQ(V5Error(three, o),
            "please limit number of modules looked up in a single request to "
            "<= 2");
  EXPECT_EQ(supplier_.calls().size(), 2u);  // none more
}

TEST_F(Limits, DeepNestingIsRefusedBeforeParsing) {
  EXPECT_EQ(V5Error(std::string(1 << 20, '[')),
            "payload nests deeper than 16 levels");
  EXPECT_EQ(V5Error(std::string(17, '[') + std::string(17, ']')),
            "payload nests deeper than 16 levels");
  // Whatever the parser makes of the text, nesting is reported first: after
  // bad JSON, and after a NUL byte (where nlohmann's input ends).
  const std::string valid = R"js({"stacks": [[[-1, 1]]]})js";
  EXPECT_EQ(V5Error(valid + " x" + std::string(17, '[')),
            "payload nests deeper than 16 levels");
  EXPECT_EQ(V5Error(valid + '\0' + std::string(17, '[')),
            "payload nests deeper than 16 levels");
  EXPECT_EQ(V5Error(valid + '\0' + "x"), "ok");
  // Brackets inside strings do not count, escaped quotes included.
  std::string deep_text = R"js({"note": "\"[[[[[[[[[[[[[[[[[[[[[[[[", )js"
                          R"js("stacks": [[[-1, 1]]]})js";
  EXPECT_EQ(V5Error(deep_text), "ok");
}

TEST_F(Limits, ValuesPastWhatTheLimitsAllowAreNeverKept) {
  SymbolicateOptions o;
  o.max_jobs = 1;
  o.max_modules_per_job = 1;
  o.max_stacks_per_job = 1;
  o.max_frames_per_job = 1;
  o.max_frames = 1;
  // Twice 2 + 64 + (3 + 64 + 3 + 1) + 3 values at most.
  std::string junk = R"js({"stacks": [[[-1, 1]]], "junk": [0)js";
  for (int i = 1; i < 400; ++i) junk += ",0";
  EXPECT_EQ(V5Error(junk + "]}", o), "payload has more than 280 values");
  EXPECT_EQ(V5Error(R"js({"stacks": [[[-1, 1]]], "version": 5})js", o), "ok");
}

TEST_F(Limits, InlineFramesOfTheAnswerAreBounded) {
  SymbolicateOptions o;
  o.max_inlines = 3;
  std::string body = R"js({
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"]],
      "stacks": [[[0, 4124], [0, 4124]]]})js";
  Result<std::string> r = SymbolicateV5(body, supplier_, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLimitExceeded);
  EXPECT_EQ(r.status().message(),
            "symbolicated frames have more than 3 inline frames");
  o.max_inlines = 4;
  EXPECT_TRUE(SymbolicateV5(body, supplier_, o).ok());
}

}  // namespace
}  // namespace crashbox::symbolicate
