// SPDX-License-Identifier: MPL-2.0
// Final text fix-ups (SOCORRO.md §3.2 rows 12-14): signatures are printable
// ASCII, single-spaced, at most 255 characters.
#include "app/base/py_unicode.h"
#include "app/signature/rules/rules.h"

namespace crashbox::signature::rules {
namespace {

bool IsPyWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f' || (c >= '\x1c' && c <= '\x1f');
}

}  // namespace

void PrintableCharsOnlyAction(const RuleContext& ctx) {
  std::string stripped(base::PyStrip(ctx.result.signature));
  std::string out;
  for (char c : stripped) {
    if (c >= 32 && c <= 126) out += c;
  }
  if (out != ctx.result.signature) {
    if (out != stripped) ctx.Note("unprintable characters removed");
    ctx.SetSignature(std::move(out));
  }
}

void FixWhitespaceAction(const RuleContext& ctx) {
  std::string stripped(base::PyStrip(ctx.result.signature));
  std::string out;
  for (char c : stripped) {
    bool ws = IsPyWhitespace(c);
    if (ws && !out.empty() && out.back() == ' ') continue;
    out += ws ? ' ' : c;
  }
  if (out != ctx.result.signature) ctx.SetSignature(std::move(out));
}

bool TruncatePredicate(const RuleContext& ctx) {
  // Bytes are characters here: PrintableCharsOnly ran first.
  return ctx.result.signature.size() > kSignatureMaxLength;
}

void TruncateAction(const RuleContext& ctx) {
  ctx.SetSignature(ctx.result.signature.substr(0, kSignatureMaxLength - 3) +
                   "...");
  ctx.Note("SigTrunc: signature truncated due to length");
}

}  // namespace crashbox::signature::rules
