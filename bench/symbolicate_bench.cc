// SPDX-License-Identifier: MPL-2.0
// symbolicate_bench (Google Benchmark): the symbolication API v5 against the
// processor's own per-frame lookup, same frames, same symbols, same supplier
// (the symbol service's chain over an LMDB store, as `crashbox serve` has),
// in one run, so the two compare as a ratio:
//   processor_lookup  stackwalk::FrameSymbolizer::Fill with inline frames,
//                     one symbolizer per request (the walker's per dump)
//   v5                SymbolicateV5 end to end, as the server calls it:
//                     request text in (parse, check, look up) and the
//                     answer's JSON text out (the bytes the web layer sends)
// Each reports frames/s; the last lines print v5 / processor_lookup and the
// answer's bytes per frame.
//
//   symbolicate_bench [--symbols=DIR] [--modules=4] [--functions=20000]
//                     [--frames=10000] [benchmark flags]
// Without --symbols, writes synthetic .sym texts shaped like bench/gen_sym.py
// (FILE, FUNC + line records, STACK CFI) plus INLINE records (every fourth
// function, two deep) and an INFO CODE_ID code file. With --symbols, uploads
// every .sym of a symbol-server tree (../shared/corpus/symbols, or
// gen_sym.py's output laid out as <file>/<ID>/<file>.sym).
#include <malloc.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/minidump/module_list.h"
#include "app/stackwalk/symbolizer.h"
#include "app/symbolicate/symbolicate.h"
#include "app/symbols/stored/symbol_file.h"
#include "app/symsvc/symbol_service.h"
#include "store/lmdb/env.h"
#include "store/lmdb/symbol_store.h"

namespace {

namespace fs = std::filesystem;
using namespace crashbox;

struct Flags {
  std::string symbols;
  int modules = 4;
  int functions = 20000;
  int frames = 10000;
};

// gen_sym.py's shape, in process, with inlines and a code file.
std::string SyntheticSym(int m, int functions) {
  std::string s = fmt::format(
      "MODULE windows x86_64 {:032X}1 mod{}.pdb\n"
      "INFO CODE_ID 5F00{:04X}1000 mod{}.dll\n",
      0xC0FFEE00u + m, m, m, m);
  for (int i = 0; i < 2000; ++i)
    s += fmt::format("FILE {} /build/src/module_{}/file_{}.cc\n", i, i / 10, i);
  for (int i = 0; i < 64; ++i)
    s += fmt::format("INLINE_ORIGIN {} ns::Inlined{}::helper(int)\n", i, i);
  uint64_t addr = 0x1000;
  for (int f = 0; f < functions; ++f) {
    const int n = 24;
    s += fmt::format(
        "FUNC {:x} {:x} 0 ns::Class{}::method_{}(int, char const*)\n", addr,
        n * 8, f % 977, f);
    if (f % 4 == 0) {
      s += fmt::format("INLINE 0 {} {} {} {:x} {:x}\n", 40 + f % 50, f % 2000,
                       f % 64, addr + 16, 96);
      s += fmt::format("INLINE 1 {} {} {} {:x} {:x}\n", 12, (f + 7) % 2000,
                       (f + 1) % 64, addr + 32, 32);
    }
    for (int k = 0; k < n; ++k)
      s += fmt::format("{:x} 8 {} {}\n", addr + k * 8, 100 + k, (f + k) % 2000);
    s += fmt::format(
        "STACK CFI INIT {:x} {:x} .cfa: $rsp 8 + .ra: .cfa -8 + ^\n", addr,
        n * 8);
    s += fmt::format("STACK CFI {:x} .cfa: $rsp 16 + $rbp: .cfa -16 + ^\n",
                     addr + 1);
    addr += n * 8 + 16;
  }
  s += fmt::format("PUBLIC {:x} 0 _end\n", addr);
  return s;
}

struct Fixture {
  std::string tmp;
  std::unique_ptr<store::lmdb::Env> env;
  std::unique_ptr<store::lmdb::LmdbSymbolStore> store;
  std::unique_ptr<symsvc::SymbolService> service;
  minidump::ModuleList modules;
  // Per frame: index into modules, offset in it.
  std::vector<std::pair<size_t, uint64_t>> frames;
  std::string body;  // the v5 request: a job per module (the Profiler's shape)
};

Fixture* g = nullptr;

// The middle of every FUNC of a .sym text: frames land inside functions.
std::vector<uint64_t> FunctionMiddles(const std::string& text) {
  std::vector<uint64_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    if (text.compare(pos, 5, "FUNC ") == 0) {
      const char* p = text.c_str() + pos + 5;
      if (p[0] == 'm' && p[1] == ' ') p += 2;
      char* end = nullptr;
      uint64_t address = std::strtoull(p, &end, 16);
      uint64_t size = std::strtoull(end, nullptr, 16);
      out.push_back(address + size / 2);
    }
    pos = eol + 1;
  }
  return out;
}

void Upload(const std::string& text) {
  auto r = g->service->uploader().UploadSym("", text);
  if (!r.ok()) {
    std::fprintf(stderr, "upload failed: %s\n", r.status().ToString().c_str());
    std::exit(2);
  }
}

bool SetUp(const Flags& flags) {
  g = new Fixture;
  char tmpl[] = "/tmp/symbolicate_bench.XXXXXX";
  if (!mkdtemp(tmpl)) return false;
  g->tmp = tmpl;
  store::lmdb::EnvOptions options;
  options.path = g->tmp + "/store";
  options.sync = false;
  auto env = store::lmdb::Env::Open(options);
  if (!env.ok()) return false;
  g->env = std::move(env).value();
  g->store = std::make_unique<store::lmdb::LmdbSymbolStore>(*g->env);
  g->service = std::make_unique<symsvc::SymbolService>(
      *g->store, nullptr, symsvc::ServiceOptions{});

  std::vector<std::string> texts;
  if (flags.symbols.empty()) {
    for (int m = 0; m < flags.modules; ++m)
      texts.push_back(SyntheticSym(m, flags.functions));
  } else {
    for (const auto& e : fs::recursive_directory_iterator(flags.symbols)) {
      if (!e.is_regular_file() || e.path().extension() != ".sym") continue;
      std::ifstream in(e.path(), std::ios::binary);
      texts.emplace_back(std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>());
    }
  }
  std::vector<minidump::Module> mods;
  std::vector<std::vector<uint64_t>> funcs;  // FUNC middles per module
  for (const std::string& text : texts) {
    Upload(text);
    char buf[4][512];
    if (std::sscanf(text.c_str(), "MODULE %511s %511s %511s %511[^\n]", buf[0],
                    buf[1], buf[2], buf[3]) != 4)
      continue;
    auto found = g->service->supplier().Find({buf[3], buf[2]});
    if (!found.ok() || (*found)->function_count() == 0) continue;
    minidump::Module m;
    m.base_address = uint64_t{mods.size() + 1} << 32;
    m.size = 0xffffffffu;
    m.debug_file = buf[3];
    m.debug_id = buf[2];
    m.code_file = std::string((*found)->module_info().code_file);
    if (m.code_file.empty()) m.code_file = m.debug_file;
    std::vector<uint64_t> addrs = FunctionMiddles(text);
    if (addrs.empty()) continue;
    mods.push_back(std::move(m));
    funcs.push_back(std::move(addrs));
  }
  if (mods.empty()) return false;
  if (mods.size() > 10) {  // a job per module, at most 10 jobs
    mods.resize(10);
    funcs.resize(10);
  }
  std::mt19937_64 rng(1);
  std::vector<nlohmann::json> stacks(mods.size(), nlohmann::json::array());
  for (int i = 0; i < flags.frames; ++i) {
    size_t m = rng() % mods.size();
    uint64_t offset = funcs[m][rng() % funcs[m].size()] + rng() % 8;
    g->frames.emplace_back(m, offset);
    stacks[m].push_back(nlohmann::json::array({0, offset}));
  }
  nlohmann::json jobs = nlohmann::json::array();
  for (size_t m = 0; m < mods.size(); ++m) {
    nlohmann::json job = nlohmann::json::object();
    job["memoryMap"] = nlohmann::json::array(
        {nlohmann::json::array({mods[m].debug_file, mods[m].debug_id})});
    job["stacks"] = nlohmann::json::array({stacks[m]});
    jobs.push_back(std::move(job));
  }
  g->body = nlohmann::json({{"jobs", jobs}}).dump();
  g->modules = minidump::ModuleList(std::move(mods));
  return true;
}

symbolicate::SymbolicateOptions Options() {
  symbolicate::SymbolicateOptions o;
  o.max_frames = o.max_frames_per_job = g->frames.size();
  o.max_inlines = SIZE_MAX;
  return o;
}

void BM_ProcessorLookup(benchmark::State& state) {
  size_t named = 0;
  for (auto _ : state) {
    stackwalk::FrameSymbolizer symbolizer(&g->modules, nullptr,
                                          &g->service->supplier());
    for (const auto& [m, offset] : g->frames) {
      stackwalk::Frame frame;
      frame.instruction = g->modules.modules()[m].base_address + offset;
      std::vector<stackwalk::Frame> inlines;
      symbolizer.Fill(&frame, &inlines);
      named += !frame.function_name.empty();
      benchmark::DoNotOptimize(inlines.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * g->frames.size());
  state.counters["named"] = static_cast<double>(named) / state.iterations();
}

void BM_SymbolicateV5(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    auto r =
        symbolicate::SymbolicateV5(g->body, g->service->supplier(), Options());
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    bytes += r->size();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * g->frames.size());
  state.SetBytesProcessed(bytes);
}

// Captures frames/s per benchmark for the ratio line.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates[run.benchmark_name()] = it->second;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rates;
};

// One v5 answer's text bytes, and the heap bytes it holds (glibc's in-use
// count around making it: the text's reserved capacity), per frame.
std::pair<double, double> AnswerBytesPerFrame() {
  size_t before = mallinfo2().uordblks;
  auto r =
      symbolicate::SymbolicateV5(g->body, g->service->supplier(), Options());
  size_t after = mallinfo2().uordblks;
  if (!r.ok()) return {0, 0};
  const double frames = static_cast<double>(g->frames.size());
  return {static_cast<double>(r->size()) / frames,
          static_cast<double>(after - before) / frames};
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* name) -> const char* {
      std::string prefix = std::string(name) + "=";
      return a.rfind(prefix, 0) == 0 ? argv[i] + prefix.size() : nullptr;
    };
    if (const char* v = value("--symbols")) {
      flags.symbols = v;
    } else if (const char* n = value("--modules")) {
      flags.modules = std::atoi(n);
    } else if (const char* f = value("--functions")) {
      flags.functions = std::atoi(f);
    } else if (const char* k = value("--frames")) {
      flags.frames = std::atoi(k);
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (!SetUp(flags)) {
    std::fprintf(stderr, "symbolicate_bench: no usable symbols\n");
    return 2;
  }
  // Warm-up: each stored module is verified once, then cached, as in a
  // server that has answered before. Both sides must name the same frames.
  size_t v5_named = 0, walk_named = 0;
  if (auto r = symbolicate::SymbolicateV5(g->body, g->service->supplier(),
                                          Options());
      r.ok()) {
    const nlohmann::json answer = nlohmann::json::parse(*r);
    for (const auto& result : answer["results"])
      for (const auto& frame : result["stacks"][0])
        v5_named += frame.contains("function");
  }
  stackwalk::FrameSymbolizer symbolizer(&g->modules, nullptr,
                                        &g->service->supplier());
  for (const auto& [m, offset] : g->frames) {
    stackwalk::Frame frame;
    frame.instruction = g->modules.modules()[m].base_address + offset;
    symbolizer.Fill(&frame, nullptr);
    walk_named += !frame.function_name.empty();
  }
  if (v5_named != walk_named) {
    std::fprintf(stderr, "mismatch: v5 named %zu frames, the walk %zu\n",
                 v5_named, walk_named);
    return 1;
  }
  std::printf(
      "%zu frames over %zu modules, request body %zu bytes, %zu named by "
      "both\n",
      g->frames.size(), g->modules.size(), g->body.size(), v5_named);

  benchmark::RegisterBenchmark("processor_lookup", BM_ProcessorLookup)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("v5", BM_SymbolicateV5)
      ->Unit(benchmark::kMillisecond);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  auto rate = [&](const char* prefix) {
    for (const auto& [name, r] : reporter.rates)
      if (name.rfind(prefix, 0) == 0) return r;
    return 0.0;
  };
  double lookup = rate("processor_lookup"), v5 = rate("v5");
  if (lookup > 0) {
    std::printf(
        "ratio    : v5 (text in, text out) %.0f frames/s, processor lookup "
        "%.0f frames/s; v5 = %.2fx the processor's rate\n",
        v5, lookup, v5 / lookup);
  }
  auto [text, heap] = AnswerBytesPerFrame();
  std::printf("answer   : %.0f bytes of text per frame, %.0f heap bytes held\n",
              text, heap);
  fs::remove_all(g->tmp);
  return 0;
}
