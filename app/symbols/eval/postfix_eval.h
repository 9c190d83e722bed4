// SPDX-License-Identifier: MPL-2.0
// The postfix expression language of Breakpad symbol files, evaluated as
// Breakpad's PostfixEvaluator does:
//  - STACK CFI rules: ".cfa: $rsp 8 +" → EvaluateForValue("$rsp 8 +")
//  - STACK WIN program strings: "$T0 $ebp = $eip $T0 4 + ^ = ..." → Evaluate()
// Tokens are separated by whitespace. Operators: + - * / % (binary), @ (align:
// a & ~(b - 1)), ^ (dereference: read one value from memory), = (assign to a
// variable whose name starts with '$'; "=$x" glued to the next token is
// accepted as "= $x"). Other tokens are decimal literals (optionally with a
// leading '-') or names looked up in the register map.
//
// All arithmetic wraps at the value width (32 bits for x86/arm, 64 for amd64/
// arm64). Evaluation is bounded: expressions longer than max_expression_bytes
// or growing the stack past max_stack_depth fail with kLimitExceeded; there
// are no loops, so time is linear in the expression length.
//
// Errors: kCorrupt for a malformed expression (stack underflow, leftover
// values, assignment to a non-variable, division by zero), kNotFound for an
// unknown name or unreadable memory. The register map may be partly updated
// by assignments made before the failure.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "app/base/status.h"

namespace crashbox::symbols {

enum class ValueWidth : uint8_t { k32 = 4, k64 = 8 };

// Register and variable values by name ("$rsp", ".cfa", "$T0"). For 32-bit
// evaluation only the low 32 bits of a value are used.
using RegisterMap = std::map<std::string, uint64_t, std::less<>>;

// Reads the caller's memory for the '^' operator. Implementations need not be
// thread-safe; one evaluator uses one reader from one thread.
class MemoryReader {
 public:
  virtual ~MemoryReader() = default;
  // Reads `width` bytes (little-endian) at `address`; false when unavailable.
  virtual bool ReadMemory(uint64_t address, ValueWidth width,
                          uint64_t* value) const = 0;
};

struct PostfixLimits {
  // Longer expressions are refused (kLimitExceeded) before evaluation.
  size_t max_expression_bytes = 64 * 1024;
  // The operand stack never grows beyond this many entries.
  size_t max_stack_depth = 256;
};

class PostfixEvaluator {
 public:
  // `dictionary` is read for names and written by '='; `memory` may be null,
  // then '^' fails. Both must outlive the evaluator.
  PostfixEvaluator(RegisterMap* dictionary, const MemoryReader* memory,
                   ValueWidth width, PostfixLimits limits = {});

  // Runs a program string; the stack must end empty. Names assigned are added
  // to `assigned` when given.
  Status Evaluate(std::string_view expression,
                  std::set<std::string>* assigned = nullptr);

  // Evaluates an expression that must leave exactly one value.
  Result<uint64_t> EvaluateForValue(std::string_view expression);

 private:
  struct Impl;
  RegisterMap* dictionary_;
  const MemoryReader* memory_;
  ValueWidth width_;
  PostfixLimits limits_;
};

}  // namespace crashbox::symbols
