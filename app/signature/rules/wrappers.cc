// SPDX-License-Identifier: MPL-2.0
// Rules that wrap the stack signature in a marker (SOCORRO.md §3.2 rows 2, 3,
// 10, 11): the stack still names the crash, the marker says what kind.
#include <fmt/format.h>

#include "app/signature/json_util.h"
#include "app/signature/rules/rules.h"

namespace crashbox::signature::rules {
bool StackwalkerErrorPredicate(const RuleContext& ctx) {
  return ctx.result.signature.starts_with("EMPTY") &&
         TruthyField(ctx.crash, "mdsw_status_string");
}

void StackwalkerErrorAction(const RuleContext& ctx) {
  ctx.SetSignature(fmt::format("{}; {}", ctx.result.signature,
                               PyStr(ctx.crash["mdsw_status_string"])));
}

bool BadHardwarePredicate(const RuleContext& ctx) {
  const nlohmann::json* reason = Field(ctx.crash, "reason");
  return Truthy(reason) && PyContains(reason, "STATUS_DEVICE_DATA_ERROR");
}

void BadHardwareAction(const RuleContext& ctx) {
  ctx.SetSignature(fmt::format("bad hardware | {}", ctx.result.signature));
}

bool StackOverflowPredicate(const RuleContext& ctx) {
  return PyEquals(Field(ctx.crash, "reason"), "EXCEPTION_STACK_OVERFLOW");
}

void StackOverflowAction(const RuleContext& ctx) {
  ctx.SetSignature(fmt::format("stackoverflow | {}", ctx.result.signature));
}

bool HungProcessPredicate(const RuleContext& ctx) {
  return Field(ctx.crash, "hang") != nullptr;
}

void HungProcessAction(const RuleContext& ctx) {
  ctx.SetSignature(fmt::format("hang: {} | {}", PyStr(ctx.crash["hang"]),
                               ctx.result.signature));
}

}  // namespace crashbox::signature::rules
