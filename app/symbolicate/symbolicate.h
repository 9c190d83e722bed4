// SPDX-License-Identifier: MPL-2.0
// Mozilla's symbolication API (Eliot; formerly symbols.mozilla.org's
// /symbolicate/v5 and /symbolicate/v4, SOCORRO.md 7.4): module lists and
// [module_index, module_offset] frames in, function, offset, file, line and
// inline frames out. Checks, messages and output follow Eliot's
// symbolicate_resource.py (mozilla-services/tecken, eliot-service/).
//
// v5 request: {"jobs": [{"memoryMap": [[debug_file, debug_id], ...],
//                        "stacks": [[[module_index, module_offset], ...]]}]}
// or one job without "jobs"; other members are ignored.
// v5 response: {"results": [{"stacks": [[frame, ...], ...],
//                            "found_modules": {"<debug_file>/<debug_id>":
//                                              true | false | null}}]}
//   frame: {"frame": index in its stack, "module": name, "module_offset":
//   "0x<lowercase hex>" ("-0x1" for offset -1), and only when resolved
//   "function", "function_offset" ("0x..", offset - symbol start), "file",
//   "line" (only non-zero, only with a file), "inlines": [{"function",
//   "file", "line"}] innermost first}. "module" is "<unknown>" for index -1,
//   the code file of the symbols (INFO CODE_ID <id> <code_file>) when they
//   were found and name one, else the memoryMap debug file.
//   found_modules: true = symbols found, false = looked for and missing (or
//   the entry has an empty debug file or id), null = no frame with an offset
//   (not -1) refers to the module, so it was never looked for.
// v4 request: one job at the top level ({"memoryMap", "stacks", "version"}).
// v4 response: {"symbolicatedStacks": [["<function or 0x offset> (in
//   <module>)", ...]], "knownModules": [true | false | null per entry]}.
//
// Symbols come from `supplier`: pass the chain the processor walks with
// (symsvc::SymbolService::supplier()), so a frame gets what the stack walk
// gets (SymbolFile::Symbolize with inline frames: FUNC, else PUBLIC, then
// the line record and the inline chain). Each distinct (debug_file,
// DEBUG_ID) of a request is asked once, ids upper-cased (Breakpad form).
// Every supplier failure counts as "not found", as in Eliot.
//
// Errors: kInvalidArgument, found before any lookup (a bad request costs no
// download), whose message() is the 400 title, word for word Eliot's where
// Eliot has one:
//   "Payload is not valid JSON"
//   "please limit number of jobs in a single request to <= <max_jobs>"
//   "job <i> is invalid"                        (a job that is not an object)
//   "job <i> has invalid modules: <why>"        (v4: "job has invalid ...")
//     modules must be a list
//     module index <m> does not have a debug_filename and debug_id
//     module index <m> has an invalid debug_filename
//     module index <m> has an invalid debug_id
//     more than <max_modules_per_job> modules                    (crashbox)
//   "job <i> has invalid stacks: <why>"
//     stacks must be a list of lists
//     no stacks specified                       ("stacks" missing or empty)
//     stack <s> is not a list
//     stack <s> frame <f> is not a list of two items
//     stack <s> frame <f> has an invalid module_index
//     stack <s> frame <f> has a module_index that isn't in modules
//     stack <s> frame <f> has an invalid module_offset
//     more than <max_stacks_per_job> stacks                      (crashbox)
//     more than <max_frames_per_job> frames                      (crashbox)
//   crashbox's own bounds on the whole request:
//   "please limit number of frames in a single request to <= <max_frames>"
//   "please limit number of modules looked up in a single request to <=
//    <max_lookups>"
//   "payload nests deeper than <max_depth> levels"
//   "payload has more than <n> values"  (n: twice what the limits admit)
// and, while answering, kLimitExceeded "symbolicated frames have more than
// <max_inlines> inline frames" when the symbols' inline chains would blow up
// the answer.
//
// Deliberate differences from Eliot (which would answer 500 or accept):
// a debug_filename must match Eliot's [A-Za-z0-9_.+{}@<> -]* and also be at
// most 255 bytes, not "." or ".." and without a trailing newline; a debug_id
// is hex of at most 128 characters; module_index and module_offset must be
// JSON integers (true/false are refused; Python counts them as 1/0); a
// module_offset must be -1 or fit in 64 bits; a non-object payload or a
// non-array "jobs" is "job 0 is invalid".
// Where SOCORRO.md 7.4 paraphrases, Eliot's code and tests are followed: an
// index outside [-1, len(memoryMap)) is a 400 (not "<unknown>"); missing
// stacks say "job <i> has invalid stacks: no stacks specified"; a missing
// memoryMap is an empty one (there is no "no memoryMap specified").
//
// Thread-safe when the supplier is (SymbolSupplier implementations must
// be); no state is kept between calls. The body is not kept.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "app/base/status.h"
#include "app/symbols/suppliers/symbol_supplier.h"

namespace crashbox::symbolicate {

// Bounds on hostile requests; the web layer bounds the body's bytes. Eliot
// bounds only the jobs. The defaults admit the Firefox Profiler's requests
// (one job per library, every sampled address of that library in one stack,
// up to 10 jobs) and crash-ping tools (a few hundred modules, a stack per
// thread).
struct SymbolicateOptions {
  // Eliot's MAX_JOBS (the Profiler sends at most this many per request).
  size_t max_jobs = 10;
  // memoryMap entries per job; a Windows process maps a few hundred.
  size_t max_modules_per_job = 1000;
  // Stacks per job (one per thread for a crash; the Profiler sends one).
  size_t max_stacks_per_job = 10000;
  // Frames per job: the addresses of one library in a large profile.
  size_t max_frames_per_job = 100000;
  // Frames per request, all jobs together. An answered frame is about 200
  // bytes of JSON text (bench/symbolicate_bench.cc measures it; more with
  // long names or inline frames), so this bounds an answer near 20 MiB.
  size_t max_frames = 100000;
  // Distinct modules looked up per request (debug file + upper-cased id):
  // each may be a download from a symbol server. The Profiler asks for 10,
  // a crash's stacks for a few dozen.
  size_t max_lookups = 1000;
  // Inline frames in the whole answer: three per frame at max_frames. Each
  // is a JSON object of a name and a file, about 150 bytes of text; only
  // asking for the deepest inline chains many times reaches this.
  size_t max_inlines = 300000;
  // Array and object nesting; a valid request nests 6 deep. The parser keeps
  // no native stack per level and stops at the first level past this.
  int max_depth = 16;
};

// Answers one POST /symbolicate/v5 body (see above): the answer's compact
// JSON text (valid UTF-8; members in sorted order, as nlohmann's dump()
// printed them), ready to send as an application/json body.
Result<std::string> SymbolicateV5(std::string_view body,
                                  symbols::SymbolSupplier& supplier,
                                  const SymbolicateOptions& options = {});

// Answers one legacy POST /symbolicate/v4 body: the v5 work on a single job,
// reshaped. Errors as SymbolicateV5 with "job has invalid ..." messages.
Result<std::string> SymbolicateV4(std::string_view body,
                                  symbols::SymbolSupplier& supplier,
                                  const SymbolicateOptions& options = {});

}  // namespace crashbox::symbolicate
