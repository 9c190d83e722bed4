// SPDX-License-Identifier: MPL-2.0
// Function-name normalization for C++ and Rust frames (SOCORRO.md §3.4). The
// algorithms follow Socorro's utils.py/rules.py step by step, including its
// quirks, because a signature must be byte-identical to Socorro's.
#include <stdexcept>

#include "app/signature/normalize.h"

#include "app/base/py_unicode.h"
#include "app/signature/json_util.h"

namespace crashbox::signature {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

using base::PyStrip;

// Socorro's replace_enclosed_slices: top-level open..close regions, counting
// only this bracket pair; an unmatched close is text; a region still open at
// the end runs to the end of the string. `replace(before, inside)` where
// `before` is the text since the previous region.
template <typename F>
std::string ReplaceEnclosed(std::string_view s, char open, char close,
                            F replace) {
  std::string out;
  size_t prev_end = 0, start = 0;
  int depth = 0;
  auto emit = [&](size_t b, size_t e) {
    std::string_view before = s.substr(prev_end, b - prev_end);
    out.append(before);
    out += replace(before, s.substr(b, e - b));
    prev_end = e;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == open) {
      if (depth == 0) start = i;
      ++depth;
    } else if (s[i] == close && depth > 0) {
      if (--depth == 0) emit(start, i + 1);
    }
  }
  if (depth > 0) emit(start, s.size());
  out.append(s.substr(prev_end));
  return out;
}

// Python re.sub(r"::\$_\d+::", "::$::", s): clang numbers lambdas "$_52".
// \d is any Unicode decimal digit.
std::string DropLambdaNumbers(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s.substr(i, 4) == "::$_") {
      size_t j = i + 4;
      for (size_t next = j;
           j < s.size() &&
           base::PyDecimalValue(base::NextCodePoint(s, &next)) >= 0;
           j = next) {
      }
      if (j > i + 4 && s.substr(j, 2) == "::") {
        out += "::$::";
        i = j + 2;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

// re.sub(r" (?=[\*&,])", "") then re.sub(r",(?! )", ", ").
std::string FixSpacesAndCommas(std::string_view s) {
  std::string a;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ' ' && i + 1 < s.size() &&
        (s[i + 1] == '*' || s[i + 1] == '&' || s[i + 1] == ','))
      continue;
    a += s[i];
  }
  std::string b;
  for (size_t i = 0; i < a.size(); ++i) {
    b += a[i];
    if (a[i] == ',' && (i + 1 >= a.size() || a[i + 1] != ' ')) b += ' ';
  }
  return b;
}

std::string MaybeAppendLine(std::string function, std::string_view line_text,
                            const Siglists& lists) {
  if (lists.line_numbers.MatchesPrefix(function)) {
    function += ':';
    function += line_text;
  }
  return function;
}

}  // namespace

std::optional<std::string> ParseSourceFile(std::string_view file) {
  if (file.empty()) return std::nullopt;
  size_t colons = 0;
  for (char c : file) colons += c == ':';
  if (colons == 3) {
    size_t a = file.find(':');
    size_t b = file.find(':', a + 1);
    size_t c = file.find(':', b + 1);
    return std::string(file.substr(b + 1, c - b - 1));
  }
  if (colons == 1) return std::string(file.substr(file.find(':') + 1));
  if (file.front() == '/') return std::string(file);
  return std::nullopt;
}

std::string DropPrefixAndReturnType(std::string_view function) {
  auto close_of = [](char open) {
    switch (open) {
      case '(':
        return ')';
      case '{':
        return '}';
      case '[':
        return ']';
      case '<':
        return '>';
      default:
        return '\'';  // '`'
    }
  };
  std::vector<std::string> tokens;
  std::string levels, current;
  for (char c : function) {
    if (c == '(' || c == '{' || c == '[' || c == '<' || c == '`') {
      levels += c;
      current += c;
    } else if (c == ')' || c == '}' || c == ']' || c == '>' || c == '\'') {
      if (!levels.empty() && close_of(levels.back()) == c) levels.pop_back();
      current += c;  // matched or not, it stays part of the token
    } else if (!levels.empty() || c != ' ') {
      current += c;
    } else {
      tokens.push_back(
          std::move(current));  // may be empty: "a  b" has 3 tokens
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  while (tokens.size() > 1 && (tokens.back().starts_with("(") ||
                               tokens.back().starts_with("[clone"))) {
    std::string last = std::move(tokens.back());
    tokens.pop_back();
    tokens.back() += " " + last;
  }
  // Socorro indexes tokens[-1] unguarded: an empty function raises
  // IndexError. Its rule catches IndexError and reports it through a method
  // its Result does not have, so what fails the rule is that AttributeError.
  if (tokens.empty()) throw PyError("'Result' object has no attribute 'note'");
  return tokens.back();
}

std::string CollapseTypes(std::string_view function) {
  return ReplaceEnclosed(
      function, '<', '>', [](std::string_view before, std::string_view inside) {
        if (inside == "<name omitted>" ||
            inside.find(" as ") != std::string_view::npos ||
            inside.find(" in ") != std::string_view::npos ||
            EndsWith(before, "operator")) {
          return std::string(inside);
        }
        if (EndsWith(before, "IPC::ParamTraits")) {
          // Python inside[1:-1]: for a region cut off by the end of the string
          // this drops its last character, as Socorro does.
          std::string_view inner = inside.size() >= 2
                                       ? inside.substr(1, inside.size() - 2)
                                       : std::string_view();
          return "<" + CollapseTypes(inner) + ">";
        }
        return std::string("<T>");
      });
}

std::string CollapseArguments(std::string_view function) {
  return ReplaceEnclosed(
      function, '(', ')', [](std::string_view before, std::string_view inside) {
        if (inside == "(anonymous namespace)" || EndsWith(before, "operator")) {
          return std::string(inside);
        }
        return std::string();
      });
}

std::string NormalizeCppFunction(std::string_view function_in,
                                 std::string_view line_text,
                                 const Siglists& lists) {
  std::string function(function_in);
  // cv/ref qualifiers, each suffix checked once in this order.
  for (std::string_view ref : {"const", "const&", "const &", "&&", "&"}) {
    if (EndsWith(function, ref)) {
      function = std::string(PyStrip(
          std::string_view(function).substr(0, function.size() - ref.size())));
    }
  }
  // Operator overloads ("operator<", "operator JSObject* const &") confuse the
  // tokenizer; Socorro leaves them alone.
  if (function.find("::operator") == std::string::npos) {
    function = DropPrefixAndReturnType(function);
  }
  for (size_t p;
       (p = function.find("`anonymous namespace'")) != std::string::npos;) {
    function.replace(p, 21, "(anonymous namespace)");
  }
  function = DropLambdaNumbers(function);
  function = CollapseTypes(function);
  function = CollapseArguments(function);
  if (function.find("clone .cold") != std::string::npos) {
    function = ReplaceEnclosed(
        function, '[', ']',
        [](std::string_view, std::string_view) { return std::string(); });
  }
  function = MaybeAppendLine(std::move(function), line_text, lists);
  return FixSpacesAndCommas(function);
}

std::string NormalizeRustFunction(std::string_view function_in,
                                  std::string_view line_text,
                                  const Siglists& lists) {
  std::string function = DropPrefixAndReturnType(function_in);
  function = ReplaceEnclosed(
      function, '<', '>', [](std::string_view, std::string_view inside) {
        // "<T as Trait>" names the impl; keep it.
        return inside.find(" as ") != std::string_view::npos
                   ? std::string(inside)
                   : std::string("<T>");
      });
  function = ReplaceEnclosed(
      function, '(', ')',
      [](std::string_view, std::string_view) { return std::string(); });
  function = MaybeAppendLine(std::move(function), line_text, lists);
  function = FixSpacesAndCommas(function);
  // Trailing symbol hash "::h7f635057bfba806a" (re.sub with "$", which
  // also matches before a final newline).
  bool newline = function.ends_with('\n');
  std::string_view body(function.data(), function.size() - (newline ? 1 : 0));
  size_t p = body.rfind("::h");
  if (p != std::string::npos && p + 3 < body.size() &&
      body.find_first_not_of("0123456789abcdefABCDEF", p + 3) ==
          std::string::npos) {
    function.erase(p, body.size() - p);
  }
  return function;
}

}  // namespace crashbox::signature
