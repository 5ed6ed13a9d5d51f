// Staff's second factor (issue #20), on SQLite and PostgreSQL: TOTP codes as liboath computes
// them (RFC 6238's own test vector included); the secret sealed in the store under a key file;
// a staff sign-in that asks for the code after the password; a code accepted once only; wrong
// codes counting toward the lockout; enrolment when staff_totp makes it mandatory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "auth/accounts.h"
#include "auth/crypto.h"
#include "auth/sealed.h"
#include "auth/second_factor.h"
#include "auth/totp.h"
#include "core/config.h"
#include "core/date.h"
#include "i18n/i18n.h"
#include "ja/business_days.h"
#include "procedures/catalog.h"
#include "ratelimit/ratelimit.h"
#include "steps/step.h"
#include "test_store.h"
#include "usecases/second_factor.h"
#include "usecases/sessions.h"

namespace madoguchi::usecases {
namespace {

constexpr const char* kPassword = "correct horse battery";

TEST(Totp, CodesAreRfc6238AsLiboathComputesThem) {
  // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082, of which an app shows the last 6 digits.
  const std::string rfc = "12345678901234567890";
  EXPECT_EQ(auth::totp_code(rfc, 59), "287082");
  EXPECT_EQ(auth::totp_code(rfc, 1111111109), "081804");
  const std::string secret = auth::new_totp_secret();
  ASSERT_EQ(secret.size(), 20u);
  const int64_t now = 1'743'465'615;
  const std::string code = auth::totp_code(secret, now);
  EXPECT_EQ(auth::totp_step_of(secret, code, now), now / 30);
  EXPECT_EQ(auth::totp_step_of(secret, code, now + 30), now / 30) << "one step late is accepted";
  EXPECT_EQ(auth::totp_step_of(secret, code, now - 30), now / 30) << "one step early too";
  EXPECT_FALSE(auth::totp_step_of(secret, code, now + 90)) << "three steps later it is stale";
  for (const char* bad : {"", "12345", "1234567", "12a456", " 12345"}) {
    EXPECT_FALSE(auth::totp_step_of(secret, bad, now)) << bad;
  }
  EXPECT_EQ(auth::totp_base32("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(auth::otpauth_uri("Shinjuku Ward", "suzuki", rfc),
            "otpauth://totp/Shinjuku%20Ward:suzuki?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Shinjuku%20Ward"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(SealedSecrets, AKeyFileIsMadePrivateAndBindsEachValueToItsRow) {
  const auto dir = std::filesystem::temp_directory_path() / ("sealed-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "keys" / "totp.key").string();
  auto key = auth::load_or_create_key(path);
  ASSERT_TRUE(key.ok()) << key.status().message();
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = auth::load_or_create_key(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *key) << "an existing key is read, not replaced";

  const std::string sealed = auth::seal(*key, "secret bytes", "totp:1");
  EXPECT_EQ(sealed.find("secret"), std::string::npos);
  EXPECT_EQ(*auth::unseal(*key, sealed, "totp:1"), "secret bytes");
  EXPECT_FALSE(auth::unseal(*key, sealed, "totp:2").ok()) << "moved to another account";
  std::string other(32, 'k');
  EXPECT_FALSE(auth::unseal(other, sealed, "totp:1").ok()) << "another key";
  std::string changed = sealed;
  changed[changed.size() / 2] = changed[changed.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(auth::unseal(*key, changed, "totp:1").ok());

  chmod(path.c_str(), 0640);
  EXPECT_EQ(auth::load_or_create_key(path).status().code(), Status::Code::kInvalid) << "readable by the group";
  std::ofstream(dir / "short.key") << "too short";
  chmod((dir / "short.key").c_str(), 0600);
  EXPECT_EQ(auth::load_or_create_key((dir / "short.key").string()).status().code(), Status::Code::kInvalid);
  std::filesystem::remove_all(dir);
}

class SecondFactor : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    key_dir_ = std::filesystem::temp_directory_path() / ("totp-key-" + std::to_string(::getpid()));
    config_.totp_key_file = (key_dir_ / "totp.key").string();
    config_.session_seconds = 3600;
    config_.staff_totp = false;
    staff_ = add_account("staff", "suzuki");
  }
  void TearDown() override {
    std::filesystem::remove_all(key_dir_);
    MigratedStoreTest::TearDown();
  }
  Env env() { return Env{*store_, catalog_, locales_, holidays_, config_, steps_}; }

  int64_t add_account(const std::string& kind, const std::string& login) {
    int64_t id = 0;
    Status s = store::with_write(*store_, [&](store::Transaction& tx) {
      auth::NewAccount a{kind, login, kPassword, "Name", kind == "staff" ? "shimin" : "",
                         kind == "staff" ? "clerk" : ""};
      auto r = auth::create_account(tx, a, unix_now());
      if (!r.ok()) return r.status();
      id = *r;
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return id;
  }

  auth::Account account(int64_t id) {
    std::optional<auth::Account> a;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto r = auth::find_account(tx, id);
                  if (!r.ok()) return r.status();
                  a = *r;
                  return Status::Ok();
                }).ok());
    return *a;
  }

  // A guest session, as the login page has one; returns its hash.
  std::string guest() {
    std::string token;
    EXPECT_TRUE(start_guest_session(env(), &token).ok());
    return auth::sha256_hex(token);
  }

  // Enrols staff_ by choice; returns the raw secret (decoded from what the page shows).
  std::string enrol() {
    auto e = staff_enrolment(env(), account(staff_));
    EXPECT_TRUE(e.ok()) << e.status().message();
    std::string secret = secret_from(e->secret_base32);
    auto r = confirm_staff_enrolment(env(), account(staff_), auth::totp_code(secret, unix_now()), "192.0.2.1");
    EXPECT_TRUE(r.ok() && r->account);
    return secret;
  }

  // The raw secret behind a base32 text, read back from the store the way the use case does.
  std::string secret_from(const std::string& base32) {
    std::string sealed;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query("SELECT totp_secret FROM accounts WHERE id = ?", {staff_});
                  if (!rows.ok()) return rows.status();
                  sealed = rows->at(0).str(0);
                  return Status::Ok();
                }).ok());
    EXPECT_EQ(sealed.find(base32), std::string::npos) << "the store holds the secret sealed, not as shown";
    auto key = auth::load_or_create_key(config_.totp_key_file);
    auto secret = auth::unseal(*key, sealed, "totp:" + std::to_string(staff_));
    EXPECT_TRUE(secret.ok());
    EXPECT_EQ(auth::totp_base32(*secret), base32);
    return *secret;
  }

  // The time step of the last code accepted for staff_.
  int64_t last_step() {
    int64_t step = 0;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query("SELECT totp_last_step FROM accounts WHERE id = ?", {staff_});
                  if (!rows.ok()) return rows.status();
                  step = rows->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    return step;
  }

  std::filesystem::path key_dir_;
  procedures::Catalog catalog_;
  Locales locales_;
  Holidays holidays_;
  Config config_;
  steps::Registry steps_;
  int64_t staff_ = 0;
};

TEST_F(SecondFactor, WithoutEnrolmentAndNotMandatoryStaffSignInWithThePassword) {
  auto in = sign_in(env(), guest(), "suzuki", kPassword);
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(in->account);
  EXPECT_FALSE(in->token.empty());
}

TEST_F(SecondFactor, AnEnrolledStaffSignInAsksForTheCodeAndAcceptsItOnce) {
  const std::string secret = enrol();
  const std::string g = guest();
  auto in = sign_in(env(), g, "suzuki", kPassword);
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->account) << "no session after the password alone";
  EXPECT_TRUE(in->token.empty());
  EXPECT_TRUE(in->needs_code);
  EXPECT_EQ(*pending_stage(env(), g), "code");

  const int64_t used = last_step();
  const std::string used_code = auth::totp_code(secret, used * 30);
  const std::string next_code = auth::totp_code(secret, (used + 1) * 30);
  const std::string wrong_code = used_code == "000000" || next_code == "000000" ? "111111" : "000000";
  auto wrong = submit_code(env(), g, wrong_code, "192.0.2.1");
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->account);
  // The code used to enrol was already accepted once: the same code again is a replay.
  auto replay = submit_code(env(), g, used_code, "192.0.2.1");
  ASSERT_TRUE(replay.ok());
  EXPECT_FALSE(replay->account) << "a code is accepted once only";
  // The next step's code (an app shows it up to 30 s later; one step early is accepted).
  auto right = submit_code(env(), g, next_code, "192.0.2.1");
  ASSERT_TRUE(right.ok());
  ASSERT_TRUE(right->account);
  EXPECT_EQ(right->account->id, staff_);
  EXPECT_TRUE(resume_session(env(), right->token).account) << "signed in with the new session";
  EXPECT_EQ(*pending_stage(env(), g), "") << "nothing waits any more";
  auto again = submit_code(env(), g, auth::totp_code(secret, (used + 2) * 30), "192.0.2.1");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->expired);
}

TEST_F(SecondFactor, WrongCodesCountTowardTheLockout) {
  const std::string secret = enrol();
  const std::string g = guest();
  ASSERT_TRUE(sign_in(env(), g, "suzuki", kPassword)->needs_code);
  const int64_t used = last_step();
  const std::string now_code = auth::totp_code(secret, unix_now());
  int refused = 0;
  for (int i = 0; i < ratelimit::kLogin.max_failures + 2; ++i) {
    std::string code = std::to_string(100000 + i);
    if (code == now_code || code == auth::totp_code(secret, (used + 1) * 30)) code = "999999";
    auto r = submit_code(env(), g, code, "192.0.2.1");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->account);
    if (r->wait_seconds > 0) ++refused;
  }
  EXPECT_EQ(refused, 2);
  auto right = submit_code(env(), g, auth::totp_code(secret, (used + 1) * 30), "192.0.2.1");
  ASSERT_TRUE(right.ok());
  EXPECT_GT(right->wait_seconds, 0) << "even the right code waits";
  EXPECT_FALSE(right->account);
  auto pw = sign_in(env(), guest(), "suzuki", kPassword);
  EXPECT_GT(pw->wait_seconds, 0) << "and so does the password";
}

TEST_F(SecondFactor, MandatoryForStaffEnrolsAfterThePassword) {
  config_.staff_totp = true;
  const std::string g = guest();
  auto in = sign_in(env(), g, "suzuki", kPassword);
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->account);
  EXPECT_TRUE(in->needs_enrolment);
  EXPECT_EQ(*pending_stage(env(), g), "enrol");
  auto e = pending_enrolment(env(), g);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->uri.rfind("otpauth://totp/Madoguchi:suzuki?secret=" + e->secret_base32, 0), 0u) << e->uri;
  EXPECT_EQ(pending_enrolment(env(), g)->secret_base32, e->secret_base32) << "reloading shows the same secret";
  EXPECT_FALSE(pending_enrolment(env(), guest()).ok()) << "another session waits for nothing";
  const std::string secret = secret_from(e->secret_base32);
  auto done = submit_code(env(), g, auth::totp_code(secret, unix_now()), "192.0.2.1");
  ASSERT_TRUE(done.ok());
  ASSERT_TRUE(done->account);
  EXPECT_TRUE(*has_second_factor(env(), staff_));
  EXPECT_EQ(staff_enrolment(env(), account(staff_)).status().code(), Status::Code::kConflict)
      << "an enrolled secret is never shown again";

  // Residents are not asked, mandatory or not.
  add_account("resident", "hanako");
  auto resident = sign_in(env(), guest(), "hanako", kPassword);
  ASSERT_TRUE(resident.ok());
  EXPECT_TRUE(resident->account);
}

TEST_F(SecondFactor, APendingSignInWaitsFiveMinutes) {
  const std::string g = guest();
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                return auth::set_pending_sign_in(tx, g, {staff_, "code", 1000});
              }).ok());
  ASSERT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                EXPECT_TRUE(*auth::pending_sign_in(tx, g, 1000 + auth::kPendingSignInSeconds - 1));
                EXPECT_FALSE(*auth::pending_sign_in(tx, g, 1000 + auth::kPendingSignInSeconds));
                return Status::Ok();
              }).ok());
}

}  // namespace
}  // namespace madoguchi::usecases
