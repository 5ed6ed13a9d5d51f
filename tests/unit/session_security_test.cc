// Sessions and signing in under attack, on SQLite and PostgreSQL (issue #20): disabling an
// account ends its sessions at once; sessions end at their absolute lifetime however active;
// parallel guesses get no more password checks than the limit; a password sprayed over many
// logins from one address is slowed.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "auth/accounts.h"
#include "auth/crypto.h"
#include "core/config.h"
#include "core/date.h"
#include "i18n/i18n.h"
#include "ja/business_days.h"
#include "procedures/catalog.h"
#include "ratelimit/ratelimit.h"
#include "steps/step.h"
#include "test_store.h"
#include "usecases/sessions.h"
#include "web/app.h"

namespace madoguchi::usecases {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
constexpr int64_t kNow = 1'743'465'600;
constexpr const char* kPassword = "correct horse battery";

class SessionSecurity : public test::MigratedStoreTest {
 protected:
  // Staff here sign in with a password alone (second_factor_test.cc covers the code).
  SessionSecurity() { config_.staff_totp = false; }
  Env env() { return Env{*store_, catalog_, locales_, holidays_, config_, steps_}; }

  int64_t add_account(const std::string& kind, const std::string& login) {
    int64_t id = 0;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auth::NewAccount a{kind, login, kPassword, "Name", kind == "staff" ? "shimin" : "",
                         kind == "staff" ? "clerk" : ""};
      auto r = auth::create_account(tx, a, kNow);
      if (!r.ok()) return r.status();
      id = *r;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }

  // A session of `account` created at `at`; returns its cookie value.
  std::string session_for(int64_t account, int64_t at, seconds idle = hours(8)) {
    std::string token;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      return auth::create_session(tx, account, at, idle, &token).status();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return token;
  }

  Result<auth::Session> load(const std::string& token, int64_t now, const auth::Lifetimes& l) {
    std::optional<Result<auth::Session>> out;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      out = auth::load_session(tx, token, now, l);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok());
    return *out;
  }

  // Every audit entry as "actor action object detail", oldest first.
  std::vector<std::string> audit_entries() {
    std::vector<std::string> out;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query("SELECT actor, action, object, detail FROM audit_log ORDER BY id");
                  if (!rows.ok()) return rows.status();
                  for (const auto& r : *rows) out.push_back(r.str(0) + " " + r.str(1) + " " + r.str(2) + " " + r.str(3));
                  return Status::Ok();
                }).ok());
    return out;
  }

  procedures::Catalog catalog_;
  Locales locales_;
  Holidays holidays_;
  Config config_;
  steps::Registry steps_;
};

TEST_F(SessionSecurity, DisablingAnAccountEndsEverySessionAtOnce) {
  const int64_t staff = add_account("staff", "suzuki");
  const int64_t other = add_account("resident", "hanako");
  const std::string a = session_for(staff, kNow), b = session_for(staff, kNow), c = session_for(other, kNow);
  const auth::Lifetimes l{hours(8)};
  ASSERT_TRUE(load(a, kNow + 1, l).ok());

  int64_t ended = -1;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                auto n = auth::set_disabled(tx, staff, true);
                if (!n.ok()) return n.status();
                ended = *n;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(ended, 2);
  EXPECT_FALSE(load(a, kNow + 2, l).ok());
  EXPECT_FALSE(load(b, kNow + 2, l).ok());
  EXPECT_TRUE(load(c, kNow + 2, l).ok()) << "other accounts keep their sessions";

  // A session created in a race (a sign-in that checked the password just before) still does
  // not count while the account is disabled: load_session reads the account's state.
  const std::string late = session_for(staff, kNow + 3);
  EXPECT_FALSE(load(late, kNow + 4, l).ok());
  // The use case the pages call sees no account either, and the password no longer works.
  config_.session_seconds = 3600;
  EXPECT_FALSE(resume_session(env(), session_for(staff, unix_now())).account);
  auto signin = sign_in(env(), "", "suzuki", kPassword);
  ASSERT_TRUE(signin.ok());
  EXPECT_FALSE(signin->account);

  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                return auth::set_disabled(tx, staff, false).status();
              }).ok());
  signin = sign_in(env(), "", "suzuki", kPassword);
  ASSERT_TRUE(signin.ok());
  EXPECT_TRUE(signin->account) << "re-enabled, the account signs in again";
  EXPECT_TRUE(resume_session(env(), signin->token).account);
}

TEST_F(SessionSecurity, ASessionEndsAtItsAbsoluteLifetimeHoweverActive) {
  const int64_t resident = add_account("resident", "hanako");
  const std::string token = session_for(resident, kNow, hours(1));
  const auth::Lifetimes l{hours(1), hours(3), hours(2)};
  // A request every 50 minutes keeps sliding the idle expiry ...
  for (int64_t t = kNow + 3000; t < kNow + 3 * 3600; t += 3000) {
    auto s = load(token, t, l);
    ASSERT_TRUE(s.ok()) << "at +" << t - kNow << " s";
    EXPECT_LE(s->expires_at, kNow + 3 * 3600) << "the expiry never slides past the absolute end";
  }
  // ... but not past three hours from the start.
  EXPECT_FALSE(load(token, kNow + 3 * 3600, l).ok());
  EXPECT_TRUE(load(session_for(resident, kNow), kNow + 3000, auth::Lifetimes{hours(1)}).ok())
      << "0 = no absolute limit";
}

TEST_F(SessionSecurity, StaffSessionsHaveTheirOwnShorterAbsoluteLifetime) {
  const int64_t staff = add_account("staff", "suzuki");
  const auth::Lifetimes l{hours(1), hours(3), hours(2)};
  const std::string token = session_for(staff, kNow, hours(1));
  ASSERT_TRUE(load(token, kNow + 3000, l).ok());
  ASSERT_TRUE(load(token, kNow + 6000, l).ok());
  EXPECT_FALSE(load(token, kNow + 2 * 3600, l).ok());

  // "Continue" on the timeout warning extends too, but not past the end either.
  const std::string other = session_for(staff, kNow, hours(1));
  std::optional<Result<auth::Session>> ext;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                ext = auth::extend_session(tx, auth::sha256_hex(other), kNow + 3000, l);
                if (!ext->ok()) return Status::Ok();
                ext = auth::extend_session(tx, auth::sha256_hex(other), kNow + 6000, l);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(ext->ok());
  EXPECT_EQ((*ext)->expires_at, kNow + 2 * 3600);
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                ext = auth::extend_session(tx, auth::sha256_hex(other), kNow + 2 * 3600, l);
                return Status::Ok();
              }).ok());
  EXPECT_FALSE(ext->ok());
}

TEST_F(SessionSecurity, TheAbsoluteLifetimesAreSettings) {
  Config c;
  EXPECT_EQ(c.session_absolute_hours, 24);
  EXPECT_EQ(c.staff_session_absolute_hours, 12);
}

TEST_F(SessionSecurity, FortyParallelGuessesGetNoMoreChecksThanTheLimit) {
  add_account("resident", "hanako");
  config_.session_seconds = 3600;
  std::atomic<int> checked{0}, refused{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&, i] {
      // Different addresses, so only the login's limit is in play.
      auto r = sign_in(env(), "", "hanako", "wrong password " + std::to_string(i), "192.0.2." + std::to_string(i));
      if (!r.ok()) ++errors;
      else if (r->wait_seconds > 0) ++refused;
      else ++checked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(checked.load(), ratelimit::kLogin.max_failures) << "40 parallel requests, at most 10 guesses";
  EXPECT_EQ(refused.load(), 40 - ratelimit::kLogin.max_failures);
  auto right = sign_in(env(), "", "hanako", kPassword, "192.0.2.200");
  ASSERT_TRUE(right.ok());
  EXPECT_GT(right->wait_seconds, 0) << "even the right password waits for the window";
  EXPECT_FALSE(right->account);
}

TEST_F(SessionSecurity, SprayingOnePasswordOverManyLoginsIsSlowedPerAddress) {
  config_.session_seconds = 3600;
  add_account("resident", "taro");
  const int limit = ratelimit::kLoginAddress.max_failures;
  for (int i = 0; i < limit; ++i) {
    auto r = sign_in(env(), "", "user" + std::to_string(i), "Spring2026!", "203.0.113.7");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->wait_seconds, 0) << "attempt " << i << ": one failure per login is no login's limit";
  }
  auto next = sign_in(env(), "", "taro", kPassword, "203.0.113.7");
  ASSERT_TRUE(next.ok());
  EXPECT_GT(next->wait_seconds, 0) << "the address is paused, whichever login it tries";
  EXPECT_FALSE(next->account);
  auto elsewhere = sign_in(env(), "", "taro", kPassword, "198.51.100.9");
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_TRUE(elsewhere->account) << "another address is not affected";
  // One /64 is one subscriber: its addresses share the counter.
  EXPECT_EQ(ratelimit::address_key("2001:db8:1:2::5"), ratelimit::address_key("2001:db8:1:2:ffff::1"));
  EXPECT_NE(ratelimit::address_key("2001:db8:1:2::5"), ratelimit::address_key("2001:db8:1:3::5"));
  EXPECT_EQ(ratelimit::address_key("::ffff:192.0.2.1"), ratelimit::address_key("192.0.2.1"));
}

TEST_F(SessionSecurity, ASuccessDoesNotCountAgainstTheAddress) {
  config_.session_seconds = 3600;
  add_account("resident", "taro");
  const int limit = ratelimit::kLoginAddress.max_failures;
  for (int i = 0; i < limit - 1; ++i) {
    ASSERT_EQ(sign_in(env(), "", "nobody" + std::to_string(i), "x", "203.0.113.8")->wait_seconds, 0);
  }
  for (int i = 0; i < 3; ++i) {
    auto ok = sign_in(env(), "", "taro", kPassword, "203.0.113.8");
    ASSERT_TRUE(ok.ok());
    EXPECT_TRUE(ok->account) << "sign-in " << i << " from a busy office address";
  }
}

TEST_F(SessionSecurity, SignInsFailuresAndLockoutsAreAuditedWithoutPasswordsOrNames) {
  config_.session_seconds = 3600;
  const int64_t id = add_account("resident", "hanako@example.jp");
  const std::string account = "account:" + std::to_string(id);
  ASSERT_TRUE(sign_in(env(), "", "hanako@example.jp", kPassword, "192.0.2.1")->account);
  ASSERT_FALSE(sign_in(env(), "", "hanako@example.jp", "guessed password", "192.0.2.2")->account);
  ASSERT_FALSE(sign_in(env(), "", "nobody@example.jp", "guessed password", "192.0.2.2")->account);
  auto log = audit_entries();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0], "resident:" + std::to_string(id) + " auth.sign_in " + account + " addr=192.0.2.1");
  EXPECT_EQ(log[1], "guest auth.sign_in_failed " + account + " addr=192.0.2.2");
  EXPECT_EQ(log[2].rfind("guest auth.sign_in_failed login:", 0), 0u) << log[2];
  for (const auto& e : log) {
    EXPECT_EQ(e.find("password"), std::string::npos) << e;
    EXPECT_EQ(e.find(kPassword), std::string::npos) << e;
    EXPECT_EQ(e.find("example.jp"), std::string::npos) << "no login name (an e-mail address): " << e;
  }

  // Ten failures lock the login: audited once, not for every refused attempt after it.
  for (int i = 0; i < ratelimit::kLogin.max_failures + 5; ++i) {
    ASSERT_TRUE(sign_in(env(), "", "hanako@example.jp", "guess " + std::to_string(i), "192.0.2.3").ok());
  }
  int lockouts = 0;
  for (const auto& e : audit_entries()) {
    if (e.rfind("guest auth.lockout " + account + " addr=192.0.2.3 until=", 0) == 0) ++lockouts;
  }
  EXPECT_EQ(lockouts, 1);
}

TEST(ClientAddress, XForwardedForIsBelievedOnlyFromTrustedProxies) {
  web::App app;
  http::Request req;
  req.remote_addr = "10.0.5.10";
  req.headers = {{"x-forwarded-for", "198.51.100.1, 203.0.113.5"}, {"x-forwarded-for", "10.0.5.11"}};
  EXPECT_EQ(web::client_address(app, req), "10.0.5.10") << "no trusted proxy: the header is anyone's";
  app.config.trusted_proxies = "10.0.5.0/24";
  EXPECT_EQ(web::client_address(app, req), "203.0.113.5")
      << "the nearest hop no trusted proxy wrote; 198.51.100.1 is what the client claimed";
  req.remote_addr = "192.0.2.9";
  EXPECT_EQ(web::client_address(app, req), "192.0.2.9") << "not from a trusted proxy: the header is ignored";
  app.config.trusted_proxies = "not an address";
  req.remote_addr = "10.0.5.10";
  EXPECT_EQ(web::client_address(app, req), "10.0.5.10");
}

}  // namespace
}  // namespace madoguchi::usecases
