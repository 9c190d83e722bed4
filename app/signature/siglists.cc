// SPDX-License-Identifier: MPL-2.0
#include "app/signature/siglists.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <re2/re2.h>

#include "app/base/strings.h"
#include "assets/embedded.h"

namespace crashbox::signature {
namespace {

RE2::Options ListOptions() {
  RE2::Options o;
  o.set_log_errors(false);
  // Frames are UTF-8 (JSON strings); '.' then spans one character as in Python.
  o.set_encoding(RE2::Options::EncodingUTF8);
  // Generous: Socorro's irrelevant list alone is ~300 alternatives.
  o.set_max_mem(64 << 20);
  return o;
}

std::string Join(const std::vector<std::string>& patterns) {
  // Each entry is wrapped so that a line cannot leak into its neighbours; for
  // well-formed lines this equals Python's plain "|".join.
  std::string all;
  for (const std::string& p : patterns) {
    if (!all.empty()) all += '|';
    all += "(?:" + p + ")";
  }
  return all;
}

// Python's \d, \w and \s (and their negations) are Unicode-aware in str
// patterns; RE2's are ASCII. Rewritten outside and inside brackets alike
// (RE2 takes \p{..} classes in both places).
std::string PythonClassesToRe2(std::string_view p) {
  std::string out;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '\\' || i + 1 >= p.size()) {
      out += p[i];
      continue;
    }
    char c = p[++i];
    switch (c) {
      case 'd':
        out += "\\p{Nd}";
        break;
      case 'D':
        out += "\\P{Nd}";
        break;
      default:
        out += '\\';
        out += c;
    }
  }
  return out;
}

}  // namespace

RegexList::RegexList() = default;
RegexList::~RegexList() = default;
RegexList::RegexList(RegexList&&) noexcept = default;
RegexList& RegexList::operator=(RegexList&&) noexcept = default;

RegexList RegexList::Make(const std::vector<std::string>& patterns,
                          std::vector<std::string>* rejected) {
  RegexList list;
  for (const std::string& line : patterns) {
    std::string p = PythonClassesToRe2(line);
    RE2 one(p, ListOptions());
    if (!one.ok()) {
      if (rejected)
        rejected->push_back(fmt::format("{}: {}", line, one.error()));
      continue;
    }
    list.patterns_.push_back(p);
  }
  if (!list.patterns_.empty()) {
    list.re_ = std::make_unique<RE2>(Join(list.patterns_), ListOptions());
    CB_CHECK(list.re_->ok());  // every part compiled on its own
  }
  return list;
}

bool RegexList::MatchesPrefix(std::string_view text) const {
  if (!re_) return false;
  if (re_->Match(text, 0, text.size(), RE2::ANCHOR_START, nullptr, 0))
    return true;
  // Python's "$" also matches before a final newline.
  std::string_view head = text.substr(0, text.size() - 1);
  return text.ends_with('\n') &&
         re_->Match(head, 0, head.size(), RE2::ANCHOR_START, nullptr, 0);
}

std::vector<std::string> ParseListText(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : base::Split(text, '\n')) {
    line = base::Trim(line);
    if (line.empty() || line.front() == '#') continue;
    out.emplace_back(line);
  }
  return out;
}

namespace {

RegexList MakeList(std::string_view file, std::string_view text,
                   std::vector<std::string>* notes) {
  std::vector<std::string> rejected;
  RegexList list = RegexList::Make(ParseListText(text), &rejected);
  for (const std::string& r : rejected) {
    notes->push_back(
        fmt::format("{}: skipped regex not supported by RE2: {}", file, r));
  }
  return list;
}

Result<std::string> ReadText(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound(fmt::format("siglist {} not found", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in.good() && !in.eof()) {
    return Status::IoError(
        fmt::format("siglist {}: read failed", path.string()));
  }
  return buf.str();
}

}  // namespace

Siglists MakeSiglists(const SiglistTexts& texts) {
  Siglists s;
  s.sentinels = ParseListText(texts.sentinels);
  s.irrelevant = MakeList(kIrrelevantFile, texts.irrelevant, &s.load_notes);
  s.prefix = MakeList(kPrefixFile, texts.prefix, &s.load_notes);
  s.line_numbers =
      MakeList(kLineNumbersFile, texts.line_numbers, &s.load_notes);
  s.collapse_repeated =
      MakeList(kCollapseRepeatedFile, texts.collapse_repeated, &s.load_notes);
  return s;
}

Result<std::shared_ptr<const Siglists>> LoadSiglists(
    const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound(
        fmt::format("siglists directory {} not found", dir.string()));
  }
  SiglistTexts t;
  CB_ASSIGN_OR_RETURN(t.sentinels, ReadText(dir / kSentinelsFile));
  CB_ASSIGN_OR_RETURN(t.irrelevant, ReadText(dir / kIrrelevantFile));
  CB_ASSIGN_OR_RETURN(t.prefix, ReadText(dir / kPrefixFile));
  CB_ASSIGN_OR_RETURN(t.line_numbers, ReadText(dir / kLineNumbersFile));
  if (Result<std::string> c = ReadText(dir / kCollapseRepeatedFile); c.ok()) {
    t.collapse_repeated = std::move(c).value();
  } else if (c.status().code() != Status::Code::kNotFound) {
    return c.status();
  }
  return std::shared_ptr<const Siglists>(
      std::make_shared<Siglists>(MakeSiglists(t)));
}

std::shared_ptr<const Siglists> DefaultSiglists() {
  static const std::shared_ptr<const Siglists> kDefault = [] {
    auto text = [](std::string_view name) {
      std::optional<std::string_view> v =
          assets::Find(fmt::format("siglists/{}", name));
      return std::string(v.value_or(""));
    };
    SiglistTexts t{text(kSentinelsFile), text(kIrrelevantFile),
                   text(kPrefixFile), text(kLineNumbersFile),
                   text(kCollapseRepeatedFile)};
    return std::make_shared<const Siglists>(MakeSiglists(t));
  }();
  return kDefault;
}

}  // namespace crashbox::signature
