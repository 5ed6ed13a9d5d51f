#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "auth/crypto.h"
#include "store/store.h"
#include "unit/test_store.h"

namespace madoguchi::auth {
namespace {

using Code = Status::Code;

constexpr int64_t kNow = 1'743'465'600;  // 2025-04-01 09:00 JST
constexpr int kHours = 8;

// ---------------------------------------------------------------------------------------------
// crypto.h

TEST(AuthCrypto, PasswordHashIsArgon2idAndVerifies) {
  std::string h = hash_password("correct horse battery staple");
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u) << h;
  EXPECT_TRUE(verify_password(h, "correct horse battery staple"));
  EXPECT_FALSE(verify_password(h, "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(h, "Correct horse battery staple"));
  EXPECT_FALSE(verify_password(h, ""));
}

TEST(AuthCrypto, SamePasswordHashesDifferently) {
  // A random salt per hash: equal passwords are not visible as equal hashes.
  std::string a = hash_password("パスワード0123456789");
  std::string b = hash_password("パスワード0123456789");
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(a, "パスワード0123456789"));
  EXPECT_TRUE(verify_password(b, "パスワード0123456789"));
}

TEST(AuthCrypto, VerifyRejectsGarbageHashes) {
  EXPECT_FALSE(verify_password("", "anything"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=65536,t=2,p=1$broken", "anything"));
  EXPECT_FALSE(verify_password("plain-text-password", "plain-text-password"));
}

TEST(AuthCrypto, RandomTokenIs43UrlSafeCharacters) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string t = random_token();
    ASSERT_EQ(t.size(), 43u) << t;
    for (char c : t) {
      bool url_safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      ASSERT_TRUE(url_safe) << "'" << c << "' in " << t;
    }
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 50u) << "random_token() repeated itself";
}

TEST(AuthCrypto, Sha256HexMatchesKnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(AuthCrypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("abc", ""));
}

// ---------------------------------------------------------------------------------------------
// accounts.h

// Counts statements that write the sessions table, to check the sliding expiry's write rate.
class CountingTransaction : public store::Transaction {
 public:
  explicit CountingTransaction(store::Transaction& inner) : inner_(inner) {}
  Result<std::vector<store::Row>> query(std::string_view sql, const std::vector<store::Value>& params) override {
    count(sql);
    return inner_.query(sql, params);
  }
  Result<int64_t> exec(std::string_view sql, const std::vector<store::Value>& params) override {
    count(sql);
    return inner_.exec(sql, params);
  }
  Status commit() override { return inner_.commit(); }
  int session_writes = 0;

 private:
  void count(std::string_view sql) {
    if (sql.starts_with("UPDATE sessions") || sql.starts_with("INSERT INTO sessions") ||
        sql.starts_with("DELETE FROM sessions")) {
      ++session_writes;
    }
  }
  store::Transaction& inner_;
};

class AuthAccountsTest : public ::testing::Test {
 protected:
  // Each test works in one write transaction, tx_, rolled back at the end.
  void SetUp() override {
    store_ = test::open_test_store();
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->migrate().ok());
    begin();
  }
  void TearDown() override {
    tx_.reset();
    store_.reset();
  }
  // Ends tx_ (committing when asked) and starts a new one. On PostgreSQL a failed statement
  // aborts its transaction, so work after an expected SQL failure needs a new one.
  void begin(bool commit_first = false) {
    if (tx_ && commit_first) {
      ASSERT_TRUE(tx_->commit().ok());
    }
    tx_.reset();
    auto tx = store_->begin(store::Store::Mode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().message();
    tx_ = std::move(*tx);
  }

  static NewAccount resident(const std::string& login) {
    NewAccount a;
    a.kind = "resident";
    a.login = login;
    a.password = "kuyakusho-2025";
    a.display_name = "山田 花子";
    a.profile = {{"name", {{"family", "山田"}, {"given", "花子"}}}, {"phone", "03-1234-5678"}};
    return a;
  }

  int64_t count(const std::string& sql, const std::vector<store::Value>& params = {}) {
    auto r = tx_->query(sql, params);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() && !r->empty() ? r->at(0).i64(0) : -1;
  }

  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Transaction> tx_;
};

TEST_F(AuthAccountsTest, CreateAccountRefusesShortPasswords) {
  NewAccount a = resident("hanako");
  a.password = "123456789";  // 9
  auto r = create_account(*tx_, a, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), 0);

  a.password = "1234567890";  // 10 is enough
  EXPECT_TRUE(create_account(*tx_, a, kNow).ok());
}

TEST_F(AuthAccountsTest, PasswordLengthCountsCharactersNotBytes) {
  // Four kanji are twelve bytes of UTF-8 but only four characters: still too short.
  NewAccount a = resident("hanako");
  a.password = "山田花子";
  auto r = create_account(*tx_, a, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
  a.password = "やまだはなこの窓口です";  // 11 characters
  EXPECT_TRUE(create_account(*tx_, a, kNow).ok());
}

TEST_F(AuthAccountsTest, CreateAccountRefusesUnknownKinds) {
  NewAccount a = resident("hanako");
  a.kind = "admin";
  auto r = create_account(*tx_, a, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalid);
}

TEST_F(AuthAccountsTest, DuplicateLoginIsConflict) {
  auto first = create_account(*tx_, resident("hanako"), kNow);
  ASSERT_TRUE(first.ok()) << first.status().message();
  NewAccount again = resident("hanako");
  again.password = "another-password-2025";
  begin(/*commit_first=*/true);
  auto second = create_account(*tx_, again, kNow + 1);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kConflict);
  EXPECT_NE(second.status().message().find("hanako"), std::string::npos);
  begin();
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), 1);
  // The first account still signs in with its own password.
  EXPECT_TRUE(authenticate(*tx_, "hanako", "kuyakusho-2025").ok());
}

TEST_F(AuthAccountsTest, PasswordIsNotStoredInClear) {
  ASSERT_TRUE(create_account(*tx_, resident("hanako"), kNow).ok());
  auto rows = tx_->query("SELECT password_hash FROM accounts WHERE login = 'hanako'");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  std::string stored = rows->at(0).str(0);
  EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(stored.find("kuyakusho-2025"), std::string::npos);
}

TEST_F(AuthAccountsTest, AuthenticateUnknownLoginAndWrongPasswordBothFail) {
  ASSERT_TRUE(create_account(*tx_, resident("hanako"), kNow).ok());
  auto unknown = authenticate(*tx_, "taro", "kuyakusho-2025");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  auto wrong = authenticate(*tx_, "hanako", "kuyakusho-2024");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kPermissionDenied);
  auto empty = authenticate(*tx_, "hanako", "");
  EXPECT_FALSE(empty.ok());
  // Login names are exact: no case folding that could merge two accounts.
  EXPECT_FALSE(authenticate(*tx_, "Hanako", "kuyakusho-2025").ok());
}

TEST_F(AuthAccountsTest, AuthenticateReturnsTheAccountWithItsProfile) {
  auto id = create_account(*tx_, resident("hanako"), kNow);
  ASSERT_TRUE(id.ok());
  auto a = authenticate(*tx_, "hanako", "kuyakusho-2025");
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(a->id, *id);
  EXPECT_EQ(a->kind, "resident");
  EXPECT_FALSE(a->is_staff());
  EXPECT_EQ(a->login, "hanako");
  EXPECT_EQ(a->display_name, "山田 花子");
  ASSERT_TRUE(a->profile.is_object());
  EXPECT_EQ(a->profile["name"]["family"], "山田");
  EXPECT_EQ(a->profile["phone"], "03-1234-5678");
}

TEST_F(AuthAccountsTest, StaffAccountsKeepDepartmentAndRole) {
  NewAccount s;
  s.kind = "staff";
  s.login = "sato";
  s.password = "tanto-password-1";
  s.display_name = "佐藤 担当";
  s.department = "shimin";
  s.role = "tanto";
  auto id = create_account(*tx_, s, kNow);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto a = find_account(*tx_, *id);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->is_staff());
  EXPECT_EQ(a->department, "shimin");
  EXPECT_EQ(a->role, "tanto");
  EXPECT_TRUE(a->profile.is_object());
  EXPECT_TRUE(a->profile.empty());
}

TEST_F(AuthAccountsTest, DisabledAccountsCannotSignIn) {
  auto id = create_account(*tx_, resident("hanako"), kNow);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(tx_->exec("UPDATE accounts SET disabled = 1 WHERE id = ?", {*id}).ok());
  auto a = authenticate(*tx_, "hanako", "kuyakusho-2025");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kPermissionDenied);
}

TEST_F(AuthAccountsTest, FindAccountUnknownIsNotFound) {
  auto a = find_account(*tx_, 42);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kNotFound);
}

TEST_F(AuthAccountsTest, SessionCreateThenLoad) {
  auto id = create_account(*tx_, resident("hanako"), kNow);
  ASSERT_TRUE(id.ok());
  std::string token;
  auto s = create_session(*tx_, *id, kNow, kHours, &token);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(s->token_hash, sha256_hex(token));
  EXPECT_EQ(s->csrf.size(), 43u);
  EXPECT_NE(s->csrf, token);

  auto loaded = load_session(*tx_, token, kNow + 10, kHours);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->token_hash, s->token_hash);
  ASSERT_TRUE(loaded->account_id.has_value());
  EXPECT_EQ(*loaded->account_id, *id);
  EXPECT_EQ(loaded->csrf, s->csrf);
}

TEST_F(AuthAccountsTest, GuestSessionsHaveNoAccount) {
  std::string token;
  auto s = create_session(*tx_, std::nullopt, kNow, kHours, &token);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->account_id.has_value());
  auto loaded = load_session(*tx_, token, kNow + 1, kHours);
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->account_id.has_value());
}

TEST_F(AuthAccountsTest, UnknownOrMalformedTokensAreNotFound) {
  std::string token;
  ASSERT_TRUE(create_session(*tx_, std::nullopt, kNow, kHours, &token).ok());
  for (const std::string& bad : {std::string(), random_token(), token + "x", token.substr(1),
                                 std::string(5000, 'a')}) {
    auto r = load_session(*tx_, bad, kNow + 1, kHours);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kNotFound);
  }
  // The stored hash is not a token: presenting it as the cookie does not sign in.
  auto by_hash = load_session(*tx_, sha256_hex(token), kNow + 1, kHours);
  EXPECT_FALSE(by_hash.ok());
}

TEST_F(AuthAccountsTest, ExpiredSessionsAreNotFound) {
  const int64_t expires = kNow + kHours * 3600;
  std::string live, expired;
  ASSERT_TRUE(create_session(*tx_, std::nullopt, kNow, kHours, &live).ok());
  ASSERT_TRUE(create_session(*tx_, std::nullopt, kNow, kHours, &expired).ok());
  EXPECT_TRUE(load_session(*tx_, live, expires - 1, kHours).ok());
  auto at = load_session(*tx_, expired, expires, kHours);
  ASSERT_FALSE(at.ok());
  EXPECT_EQ(at.status().code(), Code::kNotFound);
  auto later = load_session(*tx_, expired, expires + 86400, kHours);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.status().code(), Code::kNotFound);
}

TEST_F(AuthAccountsTest, TokenIsNotStoredInClear) {
  auto id = create_account(*tx_, resident("hanako"), kNow);
  ASSERT_TRUE(id.ok());
  std::string token;
  ASSERT_TRUE(create_session(*tx_, *id, kNow, kHours, &token).ok());
  ASSERT_TRUE(load_session(*tx_, token, kNow + 3600, kHours).ok());  // and after a slide
  auto rows = tx_->query("SELECT * FROM sessions");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  for (size_t c = 0; c < rows->at(0).cols.size(); ++c) {
    std::string v = rows->at(0).str(c);
    EXPECT_NE(v, token) << "column " << c << " holds the token";
    EXPECT_EQ(v.find(token), std::string::npos) << "column " << c << " contains the token";
  }
  // What is stored is the SHA-256 of the token.
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions WHERE token_hash = ?", {sha256_hex(token)}), 1);
}

TEST_F(AuthAccountsTest, SlidingExpiryWritesAtMostEveryFiveMinutes) {
  std::string token;
  ASSERT_TRUE(create_session(*tx_, std::nullopt, kNow, 1, &token).ok());
  CountingTransaction counting(*tx_);
  auto stored = [&] {
    auto r = tx_->query("SELECT last_seen, expires_at FROM sessions WHERE token_hash = ?", {sha256_hex(token)});
    if (!r.ok() || r->size() != 1) {
      ADD_FAILURE() << "session row missing";
      return std::make_pair(int64_t{-1}, int64_t{-1});
    }
    return std::make_pair(r->at(0).i64(0), r->at(0).i64(1));
  };

  // Requests every 10 seconds for the first 5 minutes: no writes.
  for (int64_t t = kNow + 10; t <= kNow + 300; t += 10) {
    ASSERT_TRUE(load_session(counting, token, t, 1).ok()) << t - kNow;
  }
  EXPECT_EQ(counting.session_writes, 0);
  EXPECT_EQ(stored(), std::make_pair(kNow, kNow + 3600));

  // Past 5 minutes since the last write: one write, moving last_seen and expires_at.
  ASSERT_TRUE(load_session(counting, token, kNow + 301, 1).ok());
  EXPECT_EQ(counting.session_writes, 1);
  EXPECT_EQ(stored(), std::make_pair(kNow + 301, kNow + 301 + 3600));

  // A request a second later does not write again.
  ASSERT_TRUE(load_session(counting, token, kNow + 302, 1).ok());
  EXPECT_EQ(counting.session_writes, 1);

  // Over an hour of requests every minute: at most one write per 5 minutes.
  for (int64_t t = kNow + 360; t <= kNow + 360 + 3600; t += 60) {
    ASSERT_TRUE(load_session(counting, token, t, 1).ok()) << "expired at +" << t - kNow;
  }
  EXPECT_LE(counting.session_writes, 1 + 3600 / 300 + 1);
  EXPECT_GE(counting.session_writes, 3600 / 360);
}

TEST_F(AuthAccountsTest, LoadWithoutSlideIsAPureRead) {
  std::string token;
  ASSERT_TRUE(create_session(*tx_, std::nullopt, kNow, 1, &token).ok());
  begin(/*commit_first=*/true);
  {
    // In a read transaction, long past the touch period: found, nothing written.
    auto rtx = store_->begin(store::Store::Mode::kRead);
    ASSERT_TRUE(rtx.ok()) << rtx.status().message();
    CountingTransaction counting(**rtx);
    auto s = load_session(counting, token, kNow + 3000, 1, /*slide=*/false);
    ASSERT_TRUE(s.ok()) << s.status().message();
    EXPECT_EQ(s->last_seen, kNow);
    EXPECT_EQ(counting.session_writes, 0);
    // Not slid, so it still expires on time.
    EXPECT_FALSE(load_session(counting, token, kNow + 3600, 1, false).ok());
  }
  // Sliding reports the new last_seen.
  auto s = load_session(*tx_, token, kNow + 3000, 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->last_seen, kNow + 3000);
  EXPECT_EQ(kSessionTouchSeconds, 300);
}

TEST_F(AuthAccountsTest, SlidingKeepsAnActiveSessionAlive) {
  std::string token;
  ASSERT_TRUE(create_session(*tx_, std::nullopt, kNow, 1, &token).ok());
  ASSERT_TRUE(load_session(*tx_, token, kNow + 3000, 1).ok());
  // Past the first expiry (kNow + 3600), alive because it was used at +3000.
  EXPECT_TRUE(load_session(*tx_, token, kNow + 6000, 1).ok());
  // Idle for a full hour after the last use: gone.
  EXPECT_FALSE(load_session(*tx_, token, kNow + 6000 + 3600, 1).ok());
}

TEST_F(AuthAccountsTest, DeleteSession) {
  std::string token, other;
  auto s = create_session(*tx_, std::nullopt, kNow, kHours, &token);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(create_session(*tx_, std::nullopt, kNow, kHours, &other).ok());
  ASSERT_TRUE(delete_session(*tx_, s->token_hash).ok());
  auto r = load_session(*tx_, token, kNow + 1, kHours);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kNotFound);
  EXPECT_TRUE(load_session(*tx_, other, kNow + 1, kHours).ok()) << "deleted the wrong session";
  // Deleting again is harmless.
  EXPECT_TRUE(delete_session(*tx_, s->token_hash).ok());
}

TEST_F(AuthAccountsTest, MoveDraftsMovesAGuestsDraftsToTheNewSession) {
  auto id = create_account(*tx_, resident("hanako"), kNow);
  ASSERT_TRUE(id.ok());
  std::string guest_token, signed_in_token, stranger_token;
  auto guest = create_session(*tx_, std::nullopt, kNow, kHours, &guest_token);
  auto stranger = create_session(*tx_, std::nullopt, kNow, kHours, &stranger_token);
  ASSERT_TRUE(guest.ok() && stranger.ok());
  auto add_draft = [&](const std::string& session_hash) {
    auto r = tx_->query(
        "INSERT INTO drafts (session_hash, procedure_id, procedure_version, answers, created_at, updated_at) "
        "VALUES (?, 'risai', 'v1', '{}', ?, ?) RETURNING id",
        {session_hash, kNow, kNow});
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r->at(0).i64(0);
  };
  int64_t d1 = add_draft(guest->token_hash);
  int64_t d2 = add_draft(guest->token_hash);
  int64_t d3 = add_draft(stranger->token_hash);

  // Signing in rotates the token: a new session for the account, the guest one goes.
  auto signed_in = create_session(*tx_, *id, kNow + 60, kHours, &signed_in_token);
  ASSERT_TRUE(signed_in.ok());
  ASSERT_TRUE(move_drafts(*tx_, guest->token_hash, signed_in->token_hash, *id).ok());
  ASSERT_TRUE(delete_session(*tx_, guest->token_hash).ok());

  for (int64_t d : {d1, d2}) {
    auto r = tx_->query("SELECT session_hash, account_id FROM drafts WHERE id = ?", {d});
    ASSERT_TRUE(r.ok() && r->size() == 1);
    EXPECT_EQ(r->at(0).str(0), signed_in->token_hash) << "draft " << d;
    EXPECT_EQ(r->at(0).i64(1), *id) << "draft " << d;
  }
  auto r = tx_->query("SELECT session_hash, account_id FROM drafts WHERE id = ?", {d3});
  ASSERT_TRUE(r.ok() && r->size() == 1);
  EXPECT_EQ(r->at(0).str(0), stranger->token_hash) << "a stranger's draft moved";
  EXPECT_TRUE(r->at(0).is_null(1));
  EXPECT_EQ(count("SELECT COUNT(*) FROM drafts WHERE session_hash = ?", {guest->token_hash}), 0);
}

TEST_F(AuthAccountsTest, MoveDraftsWithoutAnAccountKeepsTheOwner) {
  auto id = create_account(*tx_, resident("hanako"), kNow);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(tx_->exec("INSERT INTO drafts (session_hash, account_id, procedure_id, procedure_version, answers, "
                        "created_at, updated_at) VALUES ('old', ?, 'risai', 'v1', '{}', ?, ?)",
                        {*id, kNow, kNow})
                  .ok());
  ASSERT_TRUE(move_drafts(*tx_, "old", "new", std::nullopt).ok());
  auto r = tx_->query("SELECT session_hash, account_id FROM drafts");
  ASSERT_TRUE(r.ok() && r->size() == 1);
  EXPECT_EQ(r->at(0).str(0), "new");
  EXPECT_EQ(r->at(0).i64(1), *id);
}

}  // namespace
}  // namespace madoguchi::auth
