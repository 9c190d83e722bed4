// SPDX-License-Identifier: MPL-2.0
// Signature lists: the data that tunes signature generation (SOCORRO.md §3.5,
// §3.8). Four files, same names and syntax as Socorro's
// socorro/signature/siglists/:
//   signature_sentinels.txt              exact frame strings; the first one
//   found
//                                        becomes the top of the stack
//   irrelevant_signature_re.txt          regexes; matching frames are skipped
//   prefix_signature_re.txt              regexes; matching frames are appended
//   and
//                                        the walk goes on to the next frame
//   signatures_with_line_numbers_re.txt  regexes; matching functions get
//   ":<line>"
// and one crashbox adds, optional (Socorro's directory has no such file):
//   collapse_repeated_re.txt             regexes; a matching frame equal to
//                                        the frame kept before it is dropped
//                                        (Socorro does this for ".dll" names
//                                        only; our default list extends it to
//                                        every module name without symbols)
// One entry per line, surrounding whitespace stripped; empty lines and lines
// starting with '#' are skipped; order is kept.
//
// Regex dialect: Socorro compiles each list as one Python `re` alternation and
// uses re.match (anchored at the start only). We compile with RE2 and match
// with ANCHOR_START, which is the same for every construct RE2 supports.
// Constructs RE2 rejects (lookarounds, backreferences, possessive quantifiers)
// cannot be honoured: such a line is left out of its list and reported in
// `load_notes`
// ("<file>:<line>: <regex>: <re2 error>"), so the lists still load. None of
// Socorro's published lists (commit 7e28d72b5ffb) needs that.
//
// Immutable after construction; share one instance between threads freely.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/base/status.h"

namespace re2 {
class RE2;
}

namespace crashbox::signature {

// An ordered list of regexes matched as one alternation, anchored at the start.
class RegexList {
 public:
  RegexList();
  ~RegexList();
  RegexList(RegexList&&) noexcept;
  RegexList& operator=(RegexList&&) noexcept;

  // Compiles `patterns` (already stripped and comment-free). A pattern RE2
  // rejects is dropped and described in `*rejected` ("<regex>: <error>"), in
  // input order; `rejected` may be null.
  static RegexList Make(const std::vector<std::string>& patterns,
                        std::vector<std::string>* rejected);

  // True when some entry matches a prefix of `text` (Python re.match).
  // An empty list matches nothing.
  bool MatchesPrefix(std::string_view text) const;

  // The patterns that compiled, in order.
  const std::vector<std::string>& patterns() const { return patterns_; }

 private:
  std::vector<std::string> patterns_;
  std::unique_ptr<re2::RE2> re_;  // null when patterns_ is empty
};

struct Siglists {
  std::vector<std::string> sentinels;
  RegexList irrelevant;
  RegexList prefix;
  RegexList line_numbers;
  RegexList collapse_repeated;
  // One line per entry that could not be used (see the top of this file).
  std::vector<std::string> load_notes;
};

// File names inside a siglists directory.
inline constexpr std::string_view kSentinelsFile = "signature_sentinels.txt";
inline constexpr std::string_view kIrrelevantFile =
    "irrelevant_signature_re.txt";
inline constexpr std::string_view kPrefixFile = "prefix_signature_re.txt";
inline constexpr std::string_view kLineNumbersFile =
    "signatures_with_line_numbers_re.txt";
inline constexpr std::string_view kCollapseRepeatedFile =
    "collapse_repeated_re.txt";

// Splits list-file text into entries: strip, skip empty and '#' lines.
std::vector<std::string> ParseListText(std::string_view text);

// Texts of the four files (missing file = empty text).
struct SiglistTexts {
  std::string sentinels;
  std::string irrelevant;
  std::string prefix;
  std::string line_numbers;
  std::string collapse_repeated;
};
Siglists MakeSiglists(const SiglistTexts& texts);

// Reads the four files from `dir`. kNotFound when `dir` is not a directory or
// any of the four files is missing (Socorro's override replaces all four);
// kIoError when a file cannot be read. Bad regex lines are notes, not errors.
Result<std::shared_ptr<const Siglists>> LoadSiglists(
    const std::filesystem::path& dir);

// The project's generic lists embedded from assets/siglists/. Built once,
// thread-safe.
std::shared_ptr<const Siglists> DefaultSiglists();

}  // namespace crashbox::signature
