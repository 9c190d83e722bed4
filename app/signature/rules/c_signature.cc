// SPDX-License-Identifier: MPL-2.0
// SignatureGenerationRule and CSignatureTool.generate (SOCORRO.md §3.3, §3.5).
#include <algorithm>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/signature/json_util.h"
#include "app/signature/normalize.h"
#include "app/signature/rules/rules.h"

namespace crashbox::signature::rules {
namespace {

// Socorro drops a frame equal to the one kept before it when it names a
// module without symbols (SOCORRO.md §3.5); our lists may name more
// (collapse_repeated_re.txt).
bool IsCollapsibleModuleFrame(std::string_view s) {
  if (s.starts_with("(unloaded")) return false;
  std::string tail = base::ToLower(s.substr(s.size() >= 4 ? s.size() - 4 : 0));
  return tail.ends_with(".dll") || tail.ends_with(".so") || s == "XUL" ||
         s == "<name omitted>" || s.starts_with("<unknown in");
}

}  // namespace

nlohmann::json CrashingThread(const nlohmann::json& crash) {
  std::optional<nlohmann::json> n = PyInt(Field(crash, "crashing_thread"));
  return n ? *n : nlohmann::json(0);
}

const nlohmann::json& ThreadAt(const nlohmann::json& crash,
                               const nlohmann::json& index) {
  static const nlohmann::json kDefault = nlohmann::json::object();
  const nlohmann::json* threads = Field(crash, "threads");
  if (threads && threads->is_object()) {
    // glom looks a dict up by the segment's text.
    auto it = threads->find(base::PyIntText(index));
    return it != threads->end() ? *it : kDefault;
  }
  if (!threads || !threads->is_array() || !index.is_number_integer())
    return kDefault;
  long long i =
      index.is_number_unsigned() && index.get<uint64_t>() > uint64_t{INT64_MAX}
          ? INT64_MAX
          : index.get<long long>();
  long long n = static_cast<long long>(threads->size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) return kDefault;
  return (*threads)[static_cast<size_t>(i)];
}

StackSignature GenerateFromFrames(const std::vector<std::string>& all,
                                  std::optional<std::string> crashing_thread,
                                  const Siglists& lists) {
  StackSignature out;
  // Sentinels: exact strings; the earliest one found starts the stack.
  size_t start = all.size();
  for (const std::string& sentinel : lists.sentinels) {
    auto it = std::find(all.begin(), all.end(), sentinel);
    if (it != all.end())
      start = std::min(start, static_cast<size_t>(it - all.begin()));
  }
  if (start == all.size()) {
    start = 0;
  } else {
    out.debug.push_back(fmt::format("sentinel; starting at \"{}\" index {}",
                                    all[start], start));
  }
  const std::vector<std::string> frames(
      all.begin() + static_cast<std::ptrdiff_t>(start), all.end());

  std::vector<std::string_view> kept;
  for (const std::string& frame : frames) {
    if (frame.empty()) continue;
    if (lists.irrelevant.MatchesPrefix(frame)) {
      out.debug.push_back(fmt::format("irrelevant; ignoring: \"{}\"", frame));
      continue;
    }
    // The cheap test first: most frames differ from the one before.
    if (!kept.empty() && kept.back() == frame &&
        (IsCollapsibleModuleFrame(frame) ||
         lists.collapse_repeated.MatchesPrefix(frame)))
      continue;
    kept.push_back(frame);
    if (!lists.prefix.MatchesPrefix(frame)) {
      out.debug.push_back(fmt::format("not a prefix; stop: \"{}\"", frame));
      break;
    }
    out.debug.push_back(
        fmt::format("prefix; continue iterating: \"{}\"", frame));
  }
  out.signature = fmt::format("{}", fmt::join(kept, " | "));

  if (out.signature.empty()) {
    if (!crashing_thread) {
      out.notes.push_back("CSignatureTool: no crashing thread identified");
      out.signature = "EMPTY: no crashing thread identified";
    } else {
      out.notes.push_back(
          fmt::format("CSignatureTool: no frame data for crashing thread ({})",
                      *crashing_thread));
      // All frames irrelevant: the first one still says something. If it
      // normalized to "", the signature stays unset (SOCORRO.md §3.10 #9).
      out.signature =
          frames.empty() ? "EMPTY: no frame data available" : frames.front();
    }
  }
  return out;
}

void SignatureGeneration(const RuleContext& ctx,
                         std::optional<long long> thread_override) {
  StackSignature sig;
  if (const nlohmann::json* java = Field(ctx.crash, "java_stack_trace");
      java && Truthy(*java)) {
    ctx.Debug("using JavaSignatureTool");
    sig = JavaSignature(*java);
  } else if (const nlohmann::json* exc = Field(ctx.crash, "java_exception");
             exc && Truthy(*exc)) {
    ctx.Debug("using JavaExceptionSignatureTool");
    sig = JavaExceptionSignature(*exc);
  } else {
    ctx.Debug("using CSignatureTool");
    nlohmann::json thread = thread_override ? nlohmann::json(*thread_override)
                                            : CrashingThread(ctx.crash);
    const bool windows = PyEquals(Field(ctx.crash, "os"), "Windows NT");
    std::vector<std::string> normalized =
        NormalizeFrames(ThreadAt(ctx.crash, thread), windows, ctx.lists);
    sig = GenerateFromFrames(normalized, base::PyIntText(thread), ctx.lists);
    if (!normalized.empty()) {
      ctx.result.extra["proto_signature"] =
          fmt::format("{}", fmt::join(normalized, " | "));
      ctx.result.extra["normalized_frames"] = normalized;
    }
  }
  for (const std::string& n : sig.notes) ctx.Note(n);
  for (const std::string& d : sig.debug) ctx.Debug(d);
  if (!sig.signature.empty()) ctx.SetSignature(std::move(sig.signature));
}

void SignatureGenerationAction(const RuleContext& ctx) {
  SignatureGeneration(ctx, std::nullopt);
}

}  // namespace crashbox::signature::rules
