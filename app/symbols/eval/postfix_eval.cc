// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/eval/postfix_eval.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace crashbox::symbols {

// One evaluation run. Stack entries are either values or the raw tokens
// Breakpad keeps as strings; a token is classified (literal or name) only when
// popped, exactly like PostfixEvaluator::PopValueOrIdentifier.
struct PostfixEvaluator::Impl {
  struct Entry {
    bool is_value;
    uint64_t value;
    std::string_view token;
  };

  PostfixEvaluator& ev;
  std::string_view expression;
  std::set<std::string>* assigned;
  std::vector<Entry> stack;
  uint64_t mask;

  Impl(PostfixEvaluator& e, std::string_view expr, std::set<std::string>* a)
      : ev(e),
        expression(expr),
        assigned(a),
        mask(e.width_ == ValueWidth::k32 ? 0xFFFFFFFFull : ~0ull) {}

  Status Fail(std::string_view what) const {
    return Status::Corrupt(
        fmt::format("postfix expression '{}': {}", Clip(), what));
  }
  std::string_view Clip() const { return expression.substr(0, 80); }

  Status Push(Entry e) {
    if (stack.size() >= ev.limits_.max_stack_depth) {
      return Status::LimitExceeded(
          fmt::format("postfix expression '{}': stack deeper than {}", Clip(),
                      ev.limits_.max_stack_depth));
    }
    stack.push_back(e);
    return Status();
  }

  // A decimal literal with an optional leading '-' that fits the width.
  bool ParseLiteral(std::string_view t, uint64_t* out) const {
    bool negative = !t.empty() && t[0] == '-';
    if (negative) t.remove_prefix(1);
    if (!t.empty() && t[0] == '+') t.remove_prefix(1);
    if (t.empty()) return false;
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v, 10);
    if (ec != std::errc() || ptr != t.data() + t.size() || v > mask)
      return false;
    *out = (negative ? uint64_t{0} - v : v) & mask;
    return true;
  }

  Status PopValue(uint64_t* out) {
    if (stack.empty()) return Fail("stack underflow");
    Entry e = stack.back();
    stack.pop_back();
    if (e.is_value || ParseLiteral(e.token, &e.value)) {
      *out = e.value & mask;
      return Status();
    }
    auto it = ev.dictionary_->find(e.token);
    if (it == ev.dictionary_->end()) {
      return Status::NotFound(fmt::format(
          "postfix expression '{}': unknown name {}", Clip(), e.token));
    }
    *out = it->second & mask;
    return Status();
  }

  Status Token(std::string_view token) {
    char op = token.size() == 1 ? token[0] : '\0';
    if (op == '+' || op == '-' || op == '*' || op == '/' || op == '%' ||
        op == '@') {
      uint64_t a = 0, b = 0;
      CB_RETURN_IF_ERROR(PopValue(&b));
      CB_RETURN_IF_ERROR(PopValue(&a));
      uint64_t r = 0;
      switch (op) {
        case '+':
          r = a + b;
          break;
        case '-':
          r = a - b;
          break;
        case '*':
          r = a * b;
          break;
        case '/':
          if (b == 0) return Fail("division by zero");
          r = a / b;
          break;
        case '%':
          if (b == 0) return Fail("division by zero");
          r = a % b;
          break;
        default:
          r = a & (mask ^ ((b - 1) & mask));
          break;  // '@': align down
      }
      return Push({true, r & mask, {}});
    }
    if (op == '^') {
      if (!ev.memory_) return Fail("dereference without memory");
      uint64_t address = 0, value = 0;
      CB_RETURN_IF_ERROR(PopValue(&address));
      if (!ev.memory_->ReadMemory(address, ev.width_, &value)) {
        return Status::NotFound(
            fmt::format("postfix expression '{}': memory at {:#x} unavailable",
                        Clip(), address));
      }
      return Push({true, value & mask, {}});
    }
    if (op == '=') {
      uint64_t value = 0;
      CB_RETURN_IF_ERROR(PopValue(&value));
      if (stack.empty()) return Fail("assignment without a target");
      Entry target = stack.back();
      stack.pop_back();
      uint64_t ignored = 0;
      if (target.is_value || ParseLiteral(target.token, &ignored))
        return Fail("assignment to a value");
      if (target.token.empty() || target.token[0] != '$')
        return Fail("assignment to a non-variable");
      auto it = ev.dictionary_->find(target.token);
      if (it == ev.dictionary_->end()) {
        ev.dictionary_->emplace(std::string(target.token), value);
      } else {
        it->second = value;
      }
      if (assigned) assigned->emplace(target.token);
      return Status();
    }
    return Push({false, 0, token});
  }

  Status Run() {
    if (expression.size() > ev.limits_.max_expression_bytes) {
      return Status::LimitExceeded(
          fmt::format("postfix expression of {} bytes exceeds the limit of {}",
                      expression.size(), ev.limits_.max_expression_bytes));
    }
    auto is_space = [](char c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
             c == '\r';
    };
    size_t i = 0;
    while (i < expression.size()) {
      while (i < expression.size() && is_space(expression[i])) ++i;
      size_t start = i;
      while (i < expression.size() && !is_space(expression[i])) ++i;
      if (start == i) break;
      std::string_view token = expression.substr(start, i - start);
      // MSVC 2010 LTO glues '=' to the next token: "=$eip".
      if (token.size() > 1 && token[0] == '=') {
        CB_RETURN_IF_ERROR(Token("="));
        token.remove_prefix(1);
      }
      CB_RETURN_IF_ERROR(Token(token));
    }
    return Status();
  }
};

PostfixEvaluator::PostfixEvaluator(RegisterMap* dictionary,
                                   const MemoryReader* memory, ValueWidth width,
                                   PostfixLimits limits)
    : dictionary_(dictionary),
      memory_(memory),
      width_(width),
      limits_(limits) {}

Status PostfixEvaluator::Evaluate(std::string_view expression,
                                  std::set<std::string>* assigned) {
  Impl run(*this, expression, assigned);
  CB_RETURN_IF_ERROR(run.Run());
  if (!run.stack.empty())
    return run.Fail("incomplete execution: values left on the stack");
  return Status();
}

Result<uint64_t> PostfixEvaluator::EvaluateForValue(
    std::string_view expression) {
  Impl run(*this, expression, nullptr);
  CB_RETURN_IF_ERROR(run.Run());
  if (run.stack.size() != 1) {
    return run.Fail(
        fmt::format("expected one result, got {}", run.stack.size()));
  }
  uint64_t value = 0;
  CB_RETURN_IF_ERROR(run.PopValue(&value));
  return value;
}

}  // namespace crashbox::symbols
