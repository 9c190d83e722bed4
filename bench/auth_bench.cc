// SPDX-License-Identifier: MPL-2.0
// auth_bench: what identifying a request costs (app/auth), per request.
//   anonymous   no credentials: the baseline every request pays
//   token       Auth-Token: digest, two LMDB lookups (token, owner)
//   session     a signed cookie: HMAC check, two LMDB lookups
//   bad_token   an unknown token (Socorro's 403)
//   password    one Argon2id check (a sign-in; throttled, never per request)
// Google Benchmark; run `build/release/bench/auth_bench`. The token's cost
// over the anonymous baseline is the latency a token check adds to a request.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "app/auth/auth_store.h"
#include "app/auth/authenticator.h"
#include "app/auth/secrets.h"
#include "store/lmdb/env.h"

namespace {

using namespace crashbox;
namespace fs = std::filesystem;

struct World {
  World() {
    dir = fs::temp_directory_path() / ("cb-auth-bench-" + auth::RandomHex(6));
    store::lmdb::EnvOptions opts;
    opts.path = (dir / "store").string();
    opts.sync = false;
    env = std::move(store::lmdb::Env::Open(opts)).value();
    store = std::make_unique<auth::AuthStore>(*env, clock);
    authn = std::move(auth::Authenticator::Create(*store, {})).value();
    auth::User u;
    u.name = "ada";
    u.password_hash = auth::HashPassword("correct horse").value();
    u.groups = {"Hackers"};
    (void)store->AddUser(u);
    // Other users' tokens, so the lookup is in a realistic tree.
    for (int i = 0; i < 1000; ++i) {
      auth::Token other;
      other.user = "ada";
      other.expires_ms = store->NowMs() + 3'600'000;
      (void)store->CreateToken(other);
    }
    auth::Token t;
    t.user = "ada";
    t.permissions = auth::kViewPii;
    t.expires_ms = store->NowMs() + 3'600'000;
    token = store->CreateToken(t).value();
    cookie = authn->Login("ada", "correct horse", "192.0.2.1").value();
  }
  ~World() {
    authn.reset();
    store.reset();
    env.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
  base::SystemClock clock;
  std::unique_ptr<store::lmdb::Env> env;
  std::unique_ptr<auth::AuthStore> store;
  std::unique_ptr<auth::Authenticator> authn;
  std::string token, cookie;
};

World& TheWorld() {
  static World w;
  return w;
}

void Identify(benchmark::State& state, const auth::Credentials& c) {
  World& w = TheWorld();
  for (auto _ : state) {
    Result<auth::Caller> who = w.authn->Identify(c);
    benchmark::DoNotOptimize(who);
  }
}

void BM_Anonymous(benchmark::State& state) {
  auth::Credentials c;
  c.peer = "192.0.2.1";
  Identify(state, c);
}
void BM_Token(benchmark::State& state) {
  auth::Credentials c;
  c.peer = "192.0.2.1";
  c.token = TheWorld().token;
  Identify(state, c);
}
void BM_Session(benchmark::State& state) {
  auth::Credentials c;
  c.peer = "192.0.2.1";
  c.cookie = TheWorld().cookie;
  Identify(state, c);
}
void BM_BadToken(benchmark::State& state) {
  auth::Credentials c;
  c.peer = "192.0.2.1";
  c.token = "0123456789abcdef0123456789abcdef";
  Identify(state, c);
}
void BM_Password(benchmark::State& state) {
  static const std::string hash = auth::HashPassword("correct horse").value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(auth::VerifyPassword(hash, "correct horse"));
  }
}

BENCHMARK(BM_Anonymous)->Name("identify/anonymous");
BENCHMARK(BM_Token)->Name("identify/token");
BENCHMARK(BM_Session)->Name("identify/session");
BENCHMARK(BM_BadToken)->Name("identify/bad_token");
BENCHMARK(BM_Password)
    ->Name("password/argon2id")
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
