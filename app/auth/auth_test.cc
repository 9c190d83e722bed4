// SPDX-License-Identifier: MPL-2.0
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "app/auth/auth_store.h"
#include "app/auth/authenticator.h"
#include "app/auth/permissions.h"
#include "app/auth/secrets.h"
#include "app/auth/throttle.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::auth {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;

TEST(SecretsTest, PasswordsHashWithArgon2idAndVerify) {
  std::string h = HashPassword("correct horse").value();
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << h;
  EXPECT_TRUE(VerifyPassword(h, "correct horse"));
  EXPECT_FALSE(VerifyPassword(h, "correct hors"));
  EXPECT_FALSE(VerifyPassword("", ""));
  EXPECT_FALSE(VerifyPassword("$argon2i$v=19$junk", "x"));
  EXPECT_NE(HashPassword("correct horse").value(), h);  // fresh salt
  EXPECT_FALSE(HashPassword(std::string(2000, 'x')).ok());
}

TEST(SecretsTest, KeysAndDigests) {
  std::string k = RandomHex(16);
  EXPECT_EQ(k.size(), 32u);
  EXPECT_NE(RandomHex(16), k);
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(PermissionsTest, GroupsAndAdmin) {
  const GroupInfo* hackers = FindGroup("Hackers");
  ASSERT_NE(hackers, nullptr);
  EXPECT_EQ(
      PermissionNames(hackers->permissions),
      (std::vector<std::string>{"view_pii", "view_rawdump", "reprocess_crashes",
                                "run_long_queries"}));
  EXPECT_EQ(FindGroup("Hackers Plus")->permissions,
            hackers->permissions | kRunCustomQueries);
  EXPECT_EQ(Expand(kAdmin), kAllPermissions);
  std::string bad;
  EXPECT_FALSE(ParsePermissions({"view_pii", "fly"}, &bad));
  EXPECT_EQ(bad, "fly");
  EXPECT_EQ(InfoFor(kViewRawdump).display, "View Raw Dumps");
}

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::lmdb::EnvOptions opts;
    opts.path = (dir_ / "store").string();
    env_ = std::move(store::lmdb::Env::Open(opts)).value();
    store_ = std::make_unique<AuthStore>(*env_, clock_);
    AuthOptions o;
    o.proxy_header = "X-Forwarded-User";
    o.proxy_addresses = {"10.0.0.5"};
    o.throttle.per_address = 5;
    o.throttle.per_account = 8;
    auth_ = std::move(Authenticator::Create(*store_, o)).value();
  }
  void AddUser(const std::string& name, const std::string& password,
               PermSet perms = 0, std::vector<std::string> groups = {}) {
    User u;
    u.name = name;
    u.password_hash = HashPassword(password).value();
    u.permissions = perms;
    u.groups = std::move(groups);
    ASSERT_TRUE(store_->AddUser(u).ok());
  }
  std::string Token(const std::string& user, PermSet perms,
                    hours ttl = hours(24)) {
    auth::Token t;
    t.user = user;
    t.permissions = perms;
    t.expires_ms = store_->NowMs() + ttl.count() * 3600 * 1000;
    return store_->CreateToken(t).value();
  }
  void Disable(const std::string& name) {
    ASSERT_TRUE(store_
                    ->UpdateUser(name,
                                 [](User& x) {
                                   x.active = false;
                                   return Status::Ok();
                                 })
                    .ok());
  }
  Result<Caller> WithToken(const std::string& key) {
    Credentials c;
    c.peer = "192.0.2.1";
    c.token = key;
    return auth_->Identify(c);
  }

  testing::TempDir dir_;
  base::FakeClock clock_{system_clock::now()};
  std::unique_ptr<store::lmdb::Env> env_;
  std::unique_ptr<AuthStore> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(AuthTest, UsersAreStoredWithTheirGroupsPermissions) {
  EXPECT_FALSE(store_->HasUsers().value());
  AddUser("ada", "password1", kUploadSymbols, {"Hackers"});
  EXPECT_TRUE(store_->HasUsers().value());
  User u = store_->GetUser("ada").value();
  EXPECT_EQ(EffectivePermissions(u),
            kUploadSymbols | FindGroup("Hackers")->permissions);
  EXPECT_FALSE(store_->AddUser(u).ok()) << "names are unique";
  User bad;
  bad.name = "no spaces";
  EXPECT_EQ(store_->AddUser(bad).code(), Status::Code::kInvalidArgument);
  User second;
  second.name = "bob";
  EXPECT_EQ(store_->AddUser(second, /*only_if_none=*/true).code(),
            Status::Code::kPermissionDenied);
  Disable("ada");
  EXPECT_EQ(EffectivePermissions(store_->GetUser("ada").value()), 0u);
}

TEST_F(AuthTest, TokensCarryASubsetThatShrinksWithTheOwner) {
  AddUser("ada", "password1", 0, {"Hackers"});
  std::string key = Token("ada", kViewPii | kReprocessCrashes | kUploadSymbols);
  ASSERT_EQ(key.size(), 32u);
  Caller c = WithToken(key).value();
  EXPECT_EQ(c.via, Via::kToken);
  EXPECT_EQ(c.user, "ada");
  // upload_symbols is not the owner's: the token does not get it.
  EXPECT_EQ(c.permissions, kViewPii | kReprocessCrashes);
  ASSERT_TRUE(store_
                  ->UpdateUser("ada",
                               [](User& x) {
                                 x.groups.clear();
                                 x.permissions = kViewPii;
                                 return Status::Ok();
                               })
                  .ok());
  EXPECT_EQ(WithToken(key)->permissions, kViewPii);
  // Only the digest is stored.
  Result<std::vector<auth::Token>> tokens = store_->ListTokens();
  ASSERT_TRUE(tokens.ok());
  for (const auto& t : *tokens) {
    EXPECT_EQ(t.id.size(), 12u);
    EXPECT_EQ(key.find(t.id), std::string::npos);
  }
}

TEST_F(AuthTest, BadTokensGetSocorrosMessages) {
  AddUser("ada", "password1", kViewPii);
  EXPECT_EQ(WithToken("0123456789abcdef0123456789abcdef").status().message(),
            "API Token not matched");
  EXPECT_EQ(WithToken("not hex at all").status().message(),
            "API Token not matched");
  std::string key = Token("ada", kViewPii, hours(1));
  clock_.Set(clock_.Now() + hours(2));
  EXPECT_EQ(WithToken(key).status().message(), "API Token found but expired");
  std::string fresh = Token("ada", kViewPii);
  Disable("ada");
  EXPECT_EQ(WithToken(fresh).status().message(),
            "User of API token not active");
  EXPECT_EQ(WithToken(fresh).status().code(), Status::Code::kPermissionDenied);
}

TEST_F(AuthTest, RevokedTokensStopWorking) {
  AddUser("ada", "password1", kViewPii);
  std::string key = Token("ada", kViewPii);
  std::vector<auth::Token> listed = store_->ListTokens("ada").value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_FALSE(store_->RevokeToken("abc").ok()) << "too short an id";
  ASSERT_TRUE(store_->RevokeToken(listed[0].id).ok());
  EXPECT_EQ(WithToken(key).status().message(), "API Token not matched");
}

TEST_F(AuthTest, ProxyHeaderCountsOnlyFromProxyAddresses) {
  Credentials c;
  c.peer = "10.0.0.5";
  c.proxy_user = "grace@example.com";
  Caller from_proxy = auth_->Identify(c).value();
  EXPECT_EQ(from_proxy.via, Via::kProxy);
  EXPECT_EQ(from_proxy.user, "grace@example.com");
  EXPECT_EQ(from_proxy.permissions, 0u) << "created without permissions";
  EXPECT_EQ(store_->GetUser("grace@example.com")->source, "proxy");
  c.peer = "10.0.0.6";  // forged: not a proxy
  Caller forged = auth_->Identify(c).value();
  EXPECT_EQ(forged.via, Via::kAnonymous);
  EXPECT_FALSE(forged.signed_in());
}

TEST_F(AuthTest, SessionsNeedThisServersSignature) {
  AddUser("ada", "password1", kViewPii);
  std::string cookie = auth_->Login("ada", "password1", "192.0.2.1").value();
  Credentials c;
  c.cookie = cookie;
  Caller who = auth_->Identify(c).value();
  EXPECT_EQ(who.via, Via::kSession);
  EXPECT_EQ(who.permissions, kViewPii);
  EXPECT_EQ(who.csrf.size(), 32u);
  // The same session id signed with another secret is a stranger.
  std::string id = cookie.substr(0, cookie.find('.'));
  c.cookie = id + "." + HmacSha256Hex("another server", id);
  EXPECT_EQ(auth_->Identify(c)->via, Via::kAnonymous);
  c.cookie = cookie;
  ASSERT_TRUE(auth_->Logout(who).ok());
  EXPECT_EQ(auth_->Identify(c)->via, Via::kAnonymous);
}

TEST_F(AuthTest, WrongPasswordsAreThrottledWithoutLockingTheOwnerOut) {
  AddUser("ada", "password1");
  int refused = 0, wrong = 0;
  for (int i = 0; i < 1000; ++i) {
    Result<std::string> r = auth_->Login("ada", "guess", "203.0.113.9");
    if (r.status().code() == Status::Code::kLimitExceeded) ++refused;
    if (r.status().code() == Status::Code::kPermissionDenied) ++wrong;
  }
  EXPECT_EQ(wrong, 5) << "the rest were refused before any hashing";
  EXPECT_EQ(refused, 995);
  // Even the right password is refused from the guessing address...
  EXPECT_EQ(auth_->Login("ada", "password1", "203.0.113.9").status().code(),
            Status::Code::kLimitExceeded);
  // ...and works from another.
  EXPECT_TRUE(auth_->Login("ada", "password1", "198.51.100.7").ok());
  // Many addresses guessing lock the account against each of them.
  for (int i = 0; i < 20; ++i) {
    (void)auth_->Login("ada", "guess", "203.0.114." + std::to_string(i));
  }
  EXPECT_EQ(auth_->Login("ada", "password1", "203.0.114.3").status().code(),
            Status::Code::kLimitExceeded);
  EXPECT_TRUE(auth_->Login("ada", "password1", "198.51.100.8").ok());
}

TEST_F(AuthTest, UnknownUsersFailLikeWrongPasswords) {
  AddUser("ada", "password1");
  EXPECT_EQ(auth_->Login("nobody", "password1", "192.0.2.1").status().message(),
            auth_->Login("ada", "nope", "192.0.2.2").status().message());
}

TEST_F(AuthTest, AuditEntriesReadBackInTimeOrder) {
  AuditEntry e;
  e.actor = "ada";
  e.action = "view_pii";
  e.target = "de1b3a2c-1234-4a2b-9c3d-0123456789ab";
  ASSERT_TRUE(store_->Audit(e).ok());
  clock_.Set(clock_.Now() + hours(1));
  e.action = "token.create";
  ASSERT_TRUE(store_->Audit(e).ok());
  auto all = store_->ReadAudit(0, 100).value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].action, "view_pii");
  EXPECT_EQ(all[1].action, "token.create");
  EXPECT_LT(all[0].time_ms, all[1].time_ms);
  EXPECT_EQ(store_->ReadAudit(all[1].time_ms, 100)->size(), 1u);
}

TEST_F(AuthTest, AuthOffAllowsEverything) {
  AuthOptions off;
  off.enabled = false;
  auto open = std::move(Authenticator::Create(*store_, off)).value();
  Caller c = open->Identify({}).value();
  EXPECT_EQ(c.via, Via::kAuthOff);
  EXPECT_EQ(c.permissions, kAllPermissions);
}

TEST(ThrottleTest, WindowsExpireAndTablesStayBounded) {
  ThrottleOptions o;
  o.per_address = 2;
  o.max_entries = 4;
  LoginThrottle t(o);
  auto now = LoginThrottle::Clock::now();
  t.Failed("a", "x", now);
  t.Failed("a", "x", now);
  EXPECT_FALSE(t.Allowed("b", "x", now));
  EXPECT_TRUE(t.Allowed("b", "x", now + o.window));
  for (int i = 0; i < 100; ++i) t.Failed("a", std::to_string(i), now);
  EXPECT_TRUE(t.Allowed("c", "y", now));
}

TEST_F(AuthTest, PasswordChecksAtOnceAreBounded) {
  AddUser("ada", "password1");
  std::atomic<int> refused{0}, checked{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      Result<std::string> r =
          auth_->Login("ada", "guess", "192.0.2." + std::to_string(i));
      if (r.status().message().find("at once") != std::string::npos) ++refused;
      if (r.status().code() == Status::Code::kPermissionDenied) ++checked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(refused + checked, 16);
  EXPECT_GT(refused, 0) << "16 at once past a bound of 2";
  EXPECT_GE(checked, 2);
  EXPECT_TRUE(auth_->Login("ada", "password1", "198.51.100.1").ok())
      << "the bound is released after each check";
}

}  // namespace
}  // namespace crashbox::auth
