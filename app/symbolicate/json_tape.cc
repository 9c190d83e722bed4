// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/json_tape.h"

#include <algorithm>
#include <array>
#include <clocale>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "app/symbolicate/json_writer.h"

namespace crashbox::symbolicate::internal {
namespace {

constexpr size_t kNotKept = std::numeric_limits<size_t>::max();

// Bytes a string copies as they are: U+0020..U+007F but '"' and '\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

bool IsDigit(uint8_t c) { return c >= '0' && c <= '9'; }

int HexDigit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether a number's text is a finite double: nlohmann refuses one that is
// not ("number overflow"), as its strtod makes it, with the locale's decimal
// point for '.' as its lexer writes it. Rare (floats are never valid here),
// so a copy is fine.
bool FitsDouble(const uint8_t* begin, const uint8_t* end) {
  std::string text(begin, end);
  const std::lconv* locale = std::localeconv();
  const char point =
      locale->decimal_point != nullptr ? *locale->decimal_point : '.';
  std::replace(text.begin(), text.end(), '.', point);
  return std::isfinite(std::strtod(text.c_str(), nullptr));
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

// One parse: a loop over the text with an explicit stack of the open arrays
// and objects, so nesting costs no native stack.
class TapeParser {
 public:
  TapeParser(JsonTape& tape, int max_depth, uint64_t max_values)
      : tape_(tape),
        begin_(reinterpret_cast<const uint8_t*>(tape.text_.data())),
        p_(begin_),
        end_(begin_ + tape.text_.size()),
        max_depth_(static_cast<size_t>(std::max(max_depth, 0))),
        max_values_(max_values) {
    stack_.reserve(std::min<size_t>(max_depth_, 64));
  }

  JsonTape::Outcome Run() {
    using Outcome = JsonTape::Outcome;
    // nlohmann skips a byte order mark, and refuses a partial one.
    if (p_ < end_ && *p_ == 0xEF) {
      if (end_ - p_ < 3 || p_[1] != 0xBB || p_[2] != 0xBF) {
        return Outcome::kInvalid;
      }
      p_ += 3;
    }
    while (true) {
      // A value is expected.
      SkipSpace();
      if (p_ == end_) return Outcome::kInvalid;
      const uint8_t c = *p_;
      if (c == '[' || c == '{') {
        if (stack_.size() >= max_depth_) return Outcome::kTooDeep;
        const bool object = c == '{';
        ++p_;
        size_t node = Add(object ? JsonKind::kObject : JsonKind::kArray, 0, 0);
        stack_.push_back({node, 0, object});
        SkipSpace();
        if (p_ < end_ && *p_ == (object ? '}' : ']')) {
          ++p_;
          Close();
        } else {
          if (object && !MemberName()) return Outcome::kInvalid;
          continue;
        }
      } else if (!Scalar()) {
        return Outcome::kInvalid;
      }
      // After a value: the end, or a separator or closing bracket.
      while (true) {
        SkipSpace();
        if (stack_.empty()) {
          // nlohmann reads a NUL byte as the end of the input.
          if (p_ != end_ && *p_ != '\0') return Outcome::kInvalid;
          tape_.end_ = static_cast<size_t>(p_ - begin_);
          return values_ > max_values_ ? Outcome::kTooManyValues : Outcome::kOk;
        }
        if (p_ == end_) return Outcome::kInvalid;
        const uint8_t sep = *p_++;
        const bool object = stack_.back().object;
        if (sep == ',') {
          if (object && !MemberName()) return Outcome::kInvalid;
          break;
        }
        if (sep != (object ? '}' : ']')) return Outcome::kInvalid;
        Close();
      }
    }
  }

 private:
  struct Open {
    size_t node;  // kNotKept once past max_values
    uint64_t count;
    bool object;
  };

  void SkipSpace() {
    while (p_ < end_ &&
           (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  // Counts a value and keeps it while within max_values; its index or
  // kNotKept.
  size_t Add(JsonKind kind, uint64_t x, uint64_t n) {
    if (!stack_.empty()) ++stack_.back().count;
    if (++values_ > max_values_) return kNotKept;
    tape_.nodes_.push_back({x, n, static_cast<uint64_t>(kind), 0});
    return tape_.nodes_.size() - 1;
  }

  void Close() {
    const Open open = stack_.back();
    stack_.pop_back();
    if (open.node == kNotKept) return;
    JsonTape::Node& node = tape_.nodes_[open.node];
    node.x = tape_.nodes_.size();
    node.n = open.count;
  }

  // `"name" :` after an object's '{' or ','.
  bool MemberName() {
    SkipSpace();
    if (p_ == end_ || *p_ != '"' || !String(/*is_key=*/true)) return false;
    SkipSpace();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }

  // A string, number or literal at p_ (which is not at the end).
  bool Scalar() {
    switch (*p_) {
      case '"':
        return String(/*is_key=*/false);
      case 't':
        return Literal("true", JsonKind::kTrue);
      case 'f':
        return Literal("false", JsonKind::kFalse);
      case 'n':
        return Literal("null", JsonKind::kNull);
      default:
        return (*p_ == '-' || IsDigit(*p_)) && Number();
    }
  }

  bool Literal(std::string_view word, JsonKind kind) {
    if (static_cast<size_t>(end_ - p_) < word.size() ||
        std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    Add(kind, 0, 0);
    return true;
  }

  bool Number() {
    const uint8_t* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    uint64_t v = 0;
    bool overflow = false;
    if (*p_ == '0') {
      ++p_;
    } else {
      for (; p_ < end_ && IsDigit(*p_); ++p_) {
        const uint64_t d = *p_ - '0';
        if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) {
          overflow = true;
        } else {
          v = v * 10 + d;
        }
      }
    }
    bool fraction = false;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
      fraction = true;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !IsDigit(*p_)) return false;
      while (p_ < end_ && IsDigit(*p_)) ++p_;
      fraction = true;
    }
    // nlohmann's strtoull / strtoll, falling back to a float on overflow.
    constexpr uint64_t kMinMagnitude = uint64_t{1} << 63;  // -INT64_MIN
    if (fraction || overflow || (negative && v > kMinMagnitude)) {
      if (!FitsDouble(start, p_)) return false;
      Add(JsonKind::kFloat, 0, 0);
    } else if (negative) {
      Add(JsonKind::kInteger, uint64_t{0} - v, 0);
    } else {
      Add(JsonKind::kUnsigned, v, 0);
    }
    return true;
  }

  // A string at p_ ('"'): checked as nlohmann's lexer checks it, kept as a
  // view of the text, or unescaped into decoded_ when it has escapes.
  bool String(bool is_key) {
    const uint8_t* start = ++p_;
    bool escapes = false;
    while (true) {
      while (p_ < end_ && kPlain[*p_]) ++p_;
      if (p_ == end_) return false;
      const uint8_t c = *p_;
      if (c == '"') break;
      if (c == '\\') {
        escapes = true;
        if (!SkipEscape()) return false;
      } else if (c < 0x20) {
        return false;
      } else {
        // nlohmann checks the ranges of Unicode's Table 3-7 byte by byte.
        size_t bad = 0;
        const size_t len =
            WellFormedUtf8Length(p_, static_cast<size_t>(end_ - p_), &bad);
        if (len == 0) return false;
        p_ += len;
      }
    }
    const auto offset = static_cast<uint64_t>(start - begin_);
    const auto size = static_cast<uint64_t>(p_ - start);
    ++p_;  // the closing quote
    size_t node;
    if (is_key) {
      // A member name counts as no value; it is kept while its object is.
      if (stack_.back().node == kNotKept) return true;
      tape_.nodes_.push_back(
          {offset, size, static_cast<uint64_t>(JsonKind::kString), 0});
      node = tape_.nodes_.size() - 1;
    } else {
      node = Add(JsonKind::kString, offset, size);
      if (node == kNotKept) return true;
    }
    if (escapes) {
      JsonTape::Node& n = tape_.nodes_[node];
      n.x = tape_.decoded_.size();
      Unescape(std::string_view(tape_.text_).substr(offset, size));
      n.n = tape_.decoded_.size() - n.x;
      n.decoded = 1;
    }
    return true;
  }

  // Four hex digits at p_, or -1.
  int Hex4() {
    if (end_ - p_ < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = HexDigit(p_[i]);
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    p_ += 4;
    return v;
  }

  // An escape at p_ ('\'); a high surrogate must be followed by a \u low
  // surrogate, a low one must not come alone.
  bool SkipEscape() {
    ++p_;
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return true;
      case 'u': {
        const int cp = Hex4();
        if (cp < 0) return false;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          const int low = Hex4();
          return low >= 0xDC00 && low <= 0xDFFF;
        }
        return cp < 0xDC00 || cp > 0xDFFF;
      }
      default:
        return false;
    }
  }

  // The text of a checked string with escapes, appended to decoded_.
  void Unescape(std::string_view s) {
    std::string& out = tape_.decoded_;
    size_t i = 0;
    auto hex4 = [&](size_t at) {
      uint32_t v = 0;
      for (size_t k = 0; k < 4; ++k)
        v = v * 16 + static_cast<uint32_t>(HexDigit(s[at + k]));
      return v;
    };
    while (i < s.size()) {
      const size_t slash = s.find('\\', i);
      if (slash == std::string_view::npos) {
        out.append(s.substr(i));
        break;
      }
      out.append(s.substr(i, slash - i));
      const char e = s[slash + 1];
      i = slash + 2;
      switch (e) {
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = hex4(i);
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // checked: a low one follows
            cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(i + 2) - 0xDC00);
            i += 6;
          }
          AppendUtf8(cp, &out);
          break;
        }
        default:  // '"', '\\', '/'
          out.push_back(e);
      }
    }
  }

  JsonTape& tape_;
  const uint8_t* const begin_;
  const uint8_t* p_;
  const uint8_t* const end_;
  const size_t max_depth_;
  const uint64_t max_values_;
  uint64_t values_ = 0;
  std::vector<Open> stack_;
};

JsonTape::Outcome JsonTape::Parse(std::string_view text, int max_depth,
                                  uint64_t max_values) {
  text_ = text;
  nodes_.clear();
  decoded_.clear();
  end_ = text.size();
  // A frame, "[1,234567]," is three values in ten bytes.
  nodes_.reserve(
      static_cast<size_t>(std::min<uint64_t>(max_values, text.size() / 3) + 1));
  return TapeParser(*this, max_depth, max_values).Run();
}

std::string_view JsonRef::string() const {
  return is_string() ? tape_->Text(tape_->nodes_[index_]) : std::string_view();
}

std::optional<JsonRef> JsonRef::Find(std::string_view key) const {
  std::optional<JsonRef> found;
  size_t member = index_ + 1;  // its name; the value follows
  for (size_t i = 0; i < size() && is_object(); ++i) {
    if (tape_->Text(tape_->nodes_[member]) == key)
      found = JsonRef(tape_, member + 1);
    member = tape_->After(member + 1);
  }
  return found;
}

}  // namespace crashbox::symbolicate::internal
