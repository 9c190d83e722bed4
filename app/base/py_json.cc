// SPDX-License-Identifier: MPL-2.0
#include "app/base/py_json.h"

#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "app/base/py_str.h"
#include "app/base/py_unicode.h"

namespace crashbox::base {
namespace {

class Parser {
 public:
  Parser(std::string_view text, PyJsonOptions options)
      : s_(text), options_(options) {}

  Result<nlohmann::json> Run() {
    SkipSpace();
    nlohmann::json root;
    if (Status st = Value(&root); !st.ok()) return st;
    SkipSpace();
    if (pos_ != s_.size()) return Fail("Extra data", pos_);
    return root;
  }

 private:
  struct Frame {
    nlohmann::json value;  // the array or object being filled
    std::string key;       // objects: the key whose value is being parsed
  };

  Status Fail(std::string_view what, size_t byte_pos) const {
    // Python counts code points; lines and columns from 1.
    size_t chars = 0, line = 1, line_start_chars = 0;
    for (size_t i = 0; i < byte_pos && i < s_.size();) {
      char32_t cp = NextCodePoint(s_, &i);
      ++chars;
      if (cp == '\n') {
        ++line;
        line_start_chars = chars;
      }
    }
    return Status::InvalidArgument(
        fmt::format("{}: line {} column {} (char {})", what, line,
                    chars - line_start_chars + 1, chars));
  }

  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                                s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  // Parses one value into *out; containers are filled iteratively.
  Status Value(nlohmann::json* out) {
    std::vector<Frame> stack;
    nlohmann::json scalar;
    for (;;) {
      // Expecting a value at pos_.
      if (pos_ >= s_.size()) return Fail("Expecting value", pos_);
      char c = s_[pos_];
      bool opened = false;
      if (c == '[' || c == '{') {
        if (stack.size() >= static_cast<size_t>(kPyMaxDepth)) {
          return Status::LimitExceeded(fmt::format(
              "maximum recursion depth exceeded while decoding a JSON {} "
              "from a unicode string",
              c == '[' ? "array" : "object"));
        }
        ++pos_;
        SkipSpace();
        stack.push_back(
            {c == '[' ? nlohmann::json::array() : nlohmann::json::object(),
             {}});
        opened = true;
        char close = c == '[' ? ']' : '}';
        if (pos_ < s_.size() && s_[pos_] == close) {
          ++pos_;
          scalar = std::move(stack.back().value);
          stack.pop_back();
        } else if (c == '{') {
          if (Status st = Key(&stack.back().key); !st.ok()) return st;
          continue;
        } else {
          continue;
        }
      }
      if (!opened) {
        if (Status st = Scalar(&scalar); !st.ok()) return st;
      }
      // A complete value in `scalar`: attach it and find the next one.
      for (;;) {
        if (stack.empty()) {
          *out = std::move(scalar);
          return Status::Ok();
        }
        Frame& top = stack.back();
        if (top.value.is_array()) {
          top.value.push_back(std::move(scalar));
        } else {
          top.value[top.key] = std::move(scalar);
        }
        SkipSpace();
        char close = top.value.is_array() ? ']' : '}';
        if (pos_ < s_.size() && s_[pos_] == close) {
          ++pos_;
          scalar = std::move(top.value);
          stack.pop_back();
          continue;
        }
        if (pos_ >= s_.size() || s_[pos_] != ',')
          return Fail("Expecting ',' delimiter", pos_);
        ++pos_;
        SkipSpace();
        if (top.value.is_object()) {
          if (Status st = Key(&top.key); !st.ok()) return st;
        }
        break;
      }
    }
  }

  // At a key (whitespace skipped): reads it, the colon and the space after.
  Status Key(std::string* key) {
    if (pos_ >= s_.size() || s_[pos_] != '"')
      return Fail("Expecting property name enclosed in double quotes", pos_);
    key->clear();
    if (Status st = String(key); !st.ok()) return st;
    SkipSpace();
    if (pos_ >= s_.size() || s_[pos_] != ':')
      return Fail("Expecting ':' delimiter", pos_);
    ++pos_;
    SkipSpace();
    return Status::Ok();
  }

  Status Scalar(nlohmann::json* out) {
    char c = s_[pos_];
    if (c == '"') {
      std::string text;
      if (Status st = String(&text); !st.ok()) return st;
      *out = std::move(text);
    } else if (Literal("null")) {
      *out = nullptr;
    } else if (Literal("true")) {
      *out = true;
    } else if (Literal("false")) {
      *out = false;
    } else if (Literal("NaN")) {
      *out = std::nan("");
    } else if (Literal("Infinity")) {
      *out = HUGE_VAL;
    } else if (Literal("-Infinity")) {
      *out = -HUGE_VAL;
    } else {
      return Number(out);
    }
    return Status::Ok();
  }

  Status Number(nlohmann::json* out) {
    size_t start = pos_, i = pos_;
    auto digits = [&] {
      size_t b = i;
      while (i < s_.size() && s_[i] >= '0' && s_[i] <= '9') ++i;
      return i - b;
    };
    if (i < s_.size() && s_[i] == '-') ++i;
    if (i < s_.size() && s_[i] == '0') {
      ++i;
    } else if (digits() == 0) {
      return Fail("Expecting value", start);
    }
    bool is_float = false;
    if (i + 1 < s_.size() && s_[i] == '.' && s_[i + 1] >= '0' &&
        s_[i + 1] <= '9') {
      ++i;
      digits();
      is_float = true;
    }
    if (i < s_.size() && (s_[i] == 'e' || s_[i] == 'E')) {
      size_t e = i++;
      if (i < s_.size() && (s_[i] == '+' || s_[i] == '-')) ++i;
      if (digits() == 0) {
        i = e;  // Python leaves a bare "e" to be "Extra data"
      } else {
        is_float = true;
      }
    }
    std::string text(s_.substr(start, i - start));
    pos_ = i;
    size_t count = text.size() - (text[0] == '-' ? 1 : 0);
    if (!is_float && count > kPyMaxIntDigits)
      return Status::InvalidArgument(PyIntDigitsError(count));
    if (is_float) {
      *out = std::strtod(text.c_str(), nullptr);
      return Status::Ok();
    }
    errno = 0;
    if (text[0] == '-') {
      long long v = std::strtoll(text.c_str(), nullptr, 10);
      if (errno != ERANGE) {
        *out = v;
        return Status::Ok();
      }
    } else {
      unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
      if (errno != ERANGE) {
        *out = static_cast<uint64_t>(v);
        return Status::Ok();
      }
    }
    if (options_.exact) {
      *out = PyBigInt(text);
    } else {
      *out = std::strtod(text.c_str(), nullptr);
    }
    return Status::Ok();
  }

  static int Hex4(std::string_view s) {
    int v = 0;
    for (char c : s) {
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    return v;
  }

  // At the opening quote.
  Status String(std::string* out) {
    size_t begin = pos_++;
    for (;;) {
      if (pos_ >= s_.size())
        return Fail("Unterminated string starting at", begin);
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return Status::Ok();
      }
      if (static_cast<unsigned char>(c) < 0x20)
        return Fail("Invalid control character at", pos_);
      if (c != '\\') {
        size_t at = pos_;
        char32_t cp = NextCodePoint(s_, &pos_);
        if (cp > 0x10FFFF)
          return Status::InvalidArgument(fmt::format(
              "'utf-8' codec can't decode byte 0x{:02x} in position {}: "
              "invalid start byte",
              static_cast<unsigned char>(s_[at]), at));
        out->append(s_.substr(at, pos_ - at));
        continue;
      }
      size_t esc = pos_++;
      if (pos_ >= s_.size())
        return Fail("Unterminated string starting at", begin);
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          int u = pos_ + 4 <= s_.size() ? Hex4(s_.substr(pos_, 4)) : -1;
          if (u < 0) return Fail("Invalid \\uXXXX escape", esc + 1);
          pos_ += 4;
          char32_t cp = static_cast<char32_t>(u);
          // A high surrogate followed by an escaped low one is one character;
          // any other surrogate stays alone, as Python keeps it.
          if (cp >= 0xD800 && cp <= 0xDBFF && pos_ + 6 <= s_.size() &&
              s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
            int low = Hex4(s_.substr(pos_ + 2, 4));
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              pos_ += 6;
            }
          }
          bool lone = cp >= 0xD800 && cp <= 0xDFFF;
          AppendCodePoint(out, lone && !options_.exact ? 0xFFFD : cp);
          break;
        }
        default:
          return Fail("Invalid \\escape", esc);
      }
    }
  }

  std::string_view s_;
  PyJsonOptions options_;
  size_t pos_ = 0;
};

}  // namespace

Result<nlohmann::json> PyJsonLoads(std::string_view text,
                                   PyJsonOptions options) {
  return Parser(text, options).Run();
}

}  // namespace crashbox::base
