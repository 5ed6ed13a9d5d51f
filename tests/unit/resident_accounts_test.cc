// Residents' own accounts through their use cases (usecases/resident_accounts.h), on SQLite and
// PostgreSQL: a sign-up's e-mailed link opens the account once and signs in; links expire,
// work once and only for their purpose; neither sign-up nor reset tells whether an address has
// an account; e-mails to one address are limited; a reset ends every other session; the
// profile form keeps what was typed when it is wrong and saves it when it is right. The e-mail
// is read from the outbox, where the delivery loop would find it.
#include "usecases/resident_accounts.h"

#include <gtest/gtest.h>

#include <regex>

#include "audit/audit.h"
#include "auth/account_links.h"
#include "auth/accounts.h"
#include "auth/crypto.h"
#include "core/config.h"
#include "core/date.h"
#include "ja/business_days.h"
#include "ratelimit/ratelimit.h"
#include "steps/step.h"
#include "test_store.h"
#include "usecases/sessions.h"

namespace madoguchi::usecases {
namespace {

constexpr const char* kPassword = "correct horse battery";

struct Mail {
  std::string kind, recipient, subject, body;
};

class ResidentAccounts : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    auto locales = Locales::load(std::string(MADOGUCHI_SOURCE_DIR) + "/locales");
    ASSERT_TRUE(locales.ok());
    locales_ = std::move(*locales);
    config_.mail_smtp = "smtp://127.0.0.1:25";
    config_.public_url = "https://madoguchi.example.jp/";
  }

  Env env() { return Env{*store_, catalog_, locales_, holidays_, config_, steps_}; }

  std::vector<Mail> outbox() {
    std::vector<Mail> out;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query("SELECT kind, recipient, subject, body FROM outbox ORDER BY id");
                  if (!rows.ok()) return rows.status();
                  for (const auto& r : *rows) out.push_back({r.str(0), r.str(1), r.str(2), r.str(3)});
                  return Status::Ok();
                }).ok());
    return out;
  }

  int64_t count(const std::string& sql, const std::vector<store::Value>& params = {}) {
    int64_t n = -1;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query(sql, params);
                  if (!rows.ok()) return rows.status();
                  n = rows->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    return n;
  }

  void exec(const std::string& sql, const std::vector<store::Value>& params = {}) {
    Status s = store::with_write(*store_, [&](store::Transaction& tx) { return tx.exec(sql, params).status(); });
    ASSERT_TRUE(s.ok()) << s.message();
  }

  // Every audit entry of account work as "actor action object detail", oldest first. Sign-ins
  // (auth.*) are audited too; session_security_test.cc checks those.
  std::vector<std::string> audit_entries() {
    std::vector<std::string> out;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query(
                      "SELECT actor, action, object, detail FROM audit_log WHERE action NOT LIKE 'auth.%' ORDER BY id");
                  if (!rows.ok()) return rows.status();
                  for (const auto& r : *rows)
                    out.push_back(r.str(0) + " " + r.str(1) + " " + r.str(2) + " " + r.str(3));
                  return Status::Ok();
                }).ok());
    return out;
  }

  // The token of the last link of this path in `body`, or "".
  static std::string token_in(const std::string& body, const std::string& path) {
    std::smatch m;
    if (!std::regex_search(body, m, std::regex("https://madoguchi\\.example\\.jp" + path + "([A-Za-z0-9_-]{43})\\b"))) {
      return "";
    }
    return m[1];
  }

  // Signs up and returns the token e-mailed for it ("" with a failure).
  std::string sign_up(const std::string& email, const std::string& locale = "ja") {
    auto asked = request_sign_up(env(), {email, kPassword, "花子", locale});
    EXPECT_TRUE(asked.ok()) << asked.status().message();
    if (!asked.ok()) return "";
    EXPECT_TRUE(asked->problems.empty());
    EXPECT_EQ(asked->wait_seconds, 0);
    auto mails = outbox();
    if (mails.empty()) {
      ADD_FAILURE() << "no e-mail";
      return "";
    }
    return token_in(mails.back().body, "/signup/verify/");
  }

  // A guest session: its hash, and *token its cookie.
  std::string guest_session(std::string* token = nullptr) {
    std::string t;
    std::string hash;
    EXPECT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  auto s = auth::create_session(tx, std::nullopt, unix_now(), std::chrono::hours(1), &t);
                  if (!s.ok()) return s.status();
                  hash = s->token_hash;
                  return Status::Ok();
                }).ok());
    if (token) *token = t;
    return hash;
  }

  std::optional<auth::Session> session_of(const std::string& token) {
    std::optional<auth::Session> out;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto s = auth::load_session(tx, token, unix_now(), std::chrono::hours(1), false);
                  if (s.ok()) out = *s;
                  return Status::Ok();
                }).ok());
    return out;
  }

  std::optional<auth::Account> resident(const std::string& login) {
    std::optional<auth::Account> out;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto a = auth::find_resident_by_login(tx, login);
                  if (a.ok()) out = *a;
                  return a.ok() || a.status().code() == Status::Code::kNotFound ? Status::Ok() : a.status();
                }).ok());
    return out;
  }

  bool password_works(const std::string& login, const std::string& password) {
    bool ok = false;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  ok = auth::authenticate(tx, login, password).ok();
                  return Status::Ok();
                }).ok());
    return ok;
  }

  int64_t add_resident(const std::string& login) {
    int64_t id = 0;
    EXPECT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  auth::NewAccount a{"resident", login, kPassword, "花子", "", ""};
                  a.profile = {{"email", login}};
                  auto r = auth::create_account(tx, a, unix_now());
                  if (!r.ok()) return r.status();
                  id = *r;
                  return Status::Ok();
                }).ok());
    return id;
  }

  procedures::Catalog catalog_;
  Locales locales_;
  Holidays holidays_;
  Config config_;
  steps::Registry steps_;
};

TEST_F(ResidentAccounts, ASignUpLinkOpensTheAccountOnceAndSignsIn) {
  const std::string token = sign_up("Hanako@Example.jp", "en");
  ASSERT_EQ(token.size(), 43u);
  auto mails = outbox();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].kind, "signup");
  EXPECT_EQ(mails[0].recipient, "Hanako@Example.jp");
  EXPECT_EQ(mails[0].subject, "Confirm your e-mail address to create your account") << "the page's language";
  EXPECT_NE(mails[0].body.find("works for 24 hours"), std::string::npos) << mails[0].body;
  // Only the token's hash is stored, and no account exists before the link is used.
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_links WHERE token_hash = ?", {auth::sha256_hex(token)}), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_links WHERE token_hash = ? OR email = ?", {token, token}), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_links WHERE password_hash LIKE '$argon2id$%'"), 1);
  EXPECT_FALSE(resident("hanako@example.jp"));

  auto address = sign_up_link_address(env(), token);
  ASSERT_TRUE(address.ok());
  EXPECT_EQ(*address, "Hanako@Example.jp");

  std::string guest_token;
  const std::string guest = guest_session(&guest_token);
  auto done = verify_sign_up(env(), token, guest, true);
  ASSERT_TRUE(done.ok()) << done.status().message();
  EXPECT_EQ(done->account.login, "hanako@example.jp");
  EXPECT_EQ(done->account.kind, "resident");
  EXPECT_EQ(done->account.display_name, "花子");
  EXPECT_EQ(done->account.profile.value("email", ""), "Hanako@Example.jp") << "notices go to the address as typed";
  EXPECT_EQ(done->account.locale, "en");
  auto session = session_of(done->session_token);
  ASSERT_TRUE(session);
  EXPECT_EQ(session->account_id, done->account.id);
  EXPECT_FALSE(session_of(guest_token)) << "the guest session is replaced (no fixation)";

  // Once only, whoever asks.
  EXPECT_EQ(verify_sign_up(env(), token, "", true).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(sign_up_link_address(env(), token).status().code(), Status::Code::kNotFound);

  // The resident signs in with the address, in any case.
  auto in = sign_in(env(), "", "HANAKO@example.jp", kPassword);
  ASSERT_TRUE(in.ok());
  ASSERT_TRUE(in->account);
  EXPECT_EQ(in->account->id, done->account.id);

  const auto entries = audit_entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].rfind("guest account.signup signup link ", 0), 0u) << entries[0];
  const std::string id = std::to_string(done->account.id);
  EXPECT_EQ(entries[1].rfind("resident:" + id + " account.verify account:" + id + " link ", 0), 0u) << entries[1];
  EXPECT_EQ(entries[0].substr(entries[0].size() - 12), entries[1].substr(entries[1].size() - 12))
      << "the request and its use carry the same mark";
  for (const auto& e : entries) EXPECT_EQ(e.find("xample"), std::string::npos) << "no address in the log: " << e;
  auto chain = store::with_read(*store_, [](store::Transaction& tx) { return audit::verify(tx).status(); });
  EXPECT_TRUE(chain.ok()) << chain.message();
}

TEST_F(ResidentAccounts, AnExpiredSignUpLinkOpensNothing) {
  const std::string token = sign_up("late@example.jp");
  ASSERT_FALSE(token.empty());
  exec("UPDATE account_links SET expires_at = ?", {unix_now() - 1});
  EXPECT_EQ(sign_up_link_address(env(), token).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(verify_sign_up(env(), token, guest_session(), true).status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(resident("late@example.jp"));
}

TEST_F(ResidentAccounts, AWrongTokenOrALinkOfTheOtherKindOpensNothing) {
  const std::string token = sign_up("wrong@example.jp");
  ASSERT_FALSE(token.empty());
  for (const std::string& bad :
       {auth::random_token(), token.substr(0, 42), token + "x", std::string(), std::string(5000, 'a')}) {
    EXPECT_EQ(verify_sign_up(env(), bad, "", true).status().code(), Status::Code::kNotFound) << bad.size();
  }
  EXPECT_EQ(check_reset_link(env(), token).code(), Status::Code::kNotFound) << "a sign-up link resets nothing";
  EXPECT_EQ(reset_password(env(), token, "another long password", "", true).status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(resident("wrong@example.jp"));
  EXPECT_TRUE(verify_sign_up(env(), token, "", true).ok()) << "the failed tries did not spend it";
}

TEST_F(ResidentAccounts, SignUpDoesNotTellWhetherTheAddressHasAnAccount) {
  const int64_t id = add_resident("taken@example.jp");
  auto taken = request_sign_up(env(), {"Taken@Example.jp", "a different password", "誰か", "ja"});
  auto fresh = request_sign_up(env(), {"fresh@example.jp", "a different password", "誰か", "ja"});
  ASSERT_TRUE(taken.ok());
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(taken->problems.empty());
  EXPECT_TRUE(fresh->problems.empty());
  EXPECT_EQ(taken->wait_seconds, fresh->wait_seconds);
  auto mails = outbox();
  ASSERT_EQ(mails.size(), 2u);
  // What differs goes to the address only: "you already have an account", with a way back in.
  EXPECT_EQ(mails[0].kind, "signup_exists");
  EXPECT_EQ(mails[0].recipient, "Taken@Example.jp");
  EXPECT_NE(mails[0].body.find("https://madoguchi.example.jp/account/reset\n"), std::string::npos) << mails[0].body;
  EXPECT_EQ(mails[0].body.find("/signup/verify/"), std::string::npos) << "no link that could take the account";
  EXPECT_EQ(mails[1].kind, "signup");
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_links"), 1) << "a link for the new address only";
  EXPECT_TRUE(password_works("taken@example.jp", kPassword)) << "the account is untouched";
  EXPECT_FALSE(password_works("taken@example.jp", "a different password"));
  EXPECT_EQ(audit_entries().at(0),
            "guest account.signup account:" + std::to_string(id) + " address already has an account");
}

TEST_F(ResidentAccounts, TwoSignUpsOfOneAddressOpenOneAccount) {
  const std::string first = sign_up("twice@example.jp");
  const std::string second = sign_up("Twice@example.jp");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  ASSERT_NE(first, second);
  ASSERT_TRUE(verify_sign_up(env(), second, "", true).ok());
  EXPECT_EQ(verify_sign_up(env(), first, "", true).status().code(), Status::Code::kNotFound)
      << "the other link was retired when one worked";
  EXPECT_EQ(count("SELECT COUNT(*) FROM accounts"), 1);
}

TEST_F(ResidentAccounts, BadInputNamesEachInputAndSendsNothing) {
  auto asked = request_sign_up(env(), {"not-an-address", "short", "  ", "ja"});
  ASSERT_TRUE(asked.ok());
  ASSERT_EQ(asked->problems.size(), 3u);
  EXPECT_EQ(asked->problems[0].input, "display_name") << "in the page's order";
  EXPECT_EQ(asked->problems[0].message_key, "account.error.name_missing");
  EXPECT_EQ(asked->problems[1].input, "email");
  EXPECT_EQ(asked->problems[1].message_key, "account.error.email_invalid");
  EXPECT_EQ(asked->problems[2].input, "password");
  EXPECT_EQ(asked->problems[2].message_key, "account.error.password_short");
  EXPECT_EQ(asked->problems[2].params.at("min"), "10");
  // Ten characters, not ten bytes: a 9-character Japanese password is too short at 27 bytes.
  auto kana = request_sign_up(env(), {"kana@example.jp", "あいうえおかきくけ", "花子", "ja"});
  ASSERT_TRUE(kana.ok());
  ASSERT_EQ(kana->problems.size(), 1u);
  EXPECT_EQ(kana->problems[0].input, "password");
  auto empty = request_password_reset(env(), "", "ja");
  ASSERT_TRUE(empty.ok());
  ASSERT_EQ(empty->problems.size(), 1u);
  EXPECT_EQ(empty->problems[0].message_key, "account.error.email_missing");
  EXPECT_TRUE(outbox().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM failure_counters"), 0) << "bad input is not counted against the address";
}

TEST_F(ResidentAccounts, EMailsToOneAddressAreLimitedWhoeverAsks) {
  add_resident("busy@example.jp");
  for (int i = 0; i < ratelimit::kAccountMail.max_failures; ++i) {
    auto r = i % 2 ? request_password_reset(env(), "busy@example.jp", "ja")
                   : request_sign_up(env(), {"BUSY@example.jp", kPassword, "x", "ja"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->wait_seconds, 0) << i;
  }
  auto refused = request_password_reset(env(), "Busy@Example.jp", "ja");
  ASSERT_TRUE(refused.ok());
  EXPECT_GT(refused->wait_seconds, 0);
  auto refused_signup = request_sign_up(env(), {"busy@example.jp", kPassword, "x", "ja"});
  ASSERT_TRUE(refused_signup.ok());
  EXPECT_GT(refused_signup->wait_seconds, 0);
  EXPECT_EQ(outbox().size(), static_cast<size_t>(ratelimit::kAccountMail.max_failures));
  // An address without an account is limited the same way, so the limit tells nothing either.
  for (int i = 0; i < ratelimit::kAccountMail.max_failures; ++i) {
    ASSERT_EQ(request_password_reset(env(), "nobody@example.jp", "ja")->wait_seconds, 0);
  }
  EXPECT_GT(request_password_reset(env(), "nobody@example.jp", "ja")->wait_seconds, 0);
  EXPECT_EQ(request_password_reset(env(), "other@example.jp", "ja")->wait_seconds, 0) << "per address";
}

TEST_F(ResidentAccounts, AResetLinkSetsThePasswordOnceAndEndsEveryOtherSession) {
  const int64_t id = add_resident("hanako@example.jp");
  // Two sessions of the account elsewhere (a phone, and a thief who knew the old password).
  std::string phone, thief;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                for (std::string* t : {&phone, &thief}) {
                  auto s = auth::create_session(tx, id, unix_now(), std::chrono::hours(1), t);
                  if (!s.ok()) return s.status();
                }
                return Status::Ok();
              }).ok());
  // Wrong passwords counted against the login are forgotten by the reset.
  ASSERT_TRUE(sign_in(env(), "", "hanako@example.jp", "wrong password!").ok());
  ASSERT_EQ(count("SELECT COUNT(*) FROM failure_counters WHERE key_hash = ?",
                  {auth::sha256_hex(login_limit_key("hanako@example.jp"))}),
            1);

  auto first = request_password_reset(env(), "Hanako@Example.jp", "ja");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->problems.empty());
  ASSERT_TRUE(request_password_reset(env(), "hanako@example.jp", "ja").ok());
  auto mails = outbox();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].kind, "reset");
  EXPECT_EQ(mails[0].subject, "【窓口】パスワードの再設定");
  EXPECT_NE(mails[0].body.find("60分間"), std::string::npos) << mails[0].body;
  const std::string older = token_in(mails[0].body, "/account/reset/");
  const std::string token = token_in(mails[1].body, "/account/reset/");
  ASSERT_FALSE(token.empty());
  EXPECT_TRUE(check_reset_link(env(), token).ok());

  // A short password changes nothing and keeps the link.
  auto short_one = reset_password(env(), token, "too short", "", true);
  ASSERT_TRUE(short_one.ok());
  ASSERT_EQ(short_one->problems.size(), 1u);
  EXPECT_EQ(short_one->problems[0].input, "password");
  EXPECT_FALSE(short_one->signed_in);
  EXPECT_TRUE(check_reset_link(env(), token).ok());

  std::string guest_token;
  const std::string guest = guest_session(&guest_token);
  auto done = reset_password(env(), token, "a brand new password", guest, true);
  ASSERT_TRUE(done.ok()) << done.status().message();
  ASSERT_TRUE(done->signed_in);
  EXPECT_EQ(done->signed_in->account.id, id);
  EXPECT_FALSE(session_of(phone)) << "every other session of the account ended";
  EXPECT_FALSE(session_of(thief));
  EXPECT_FALSE(session_of(guest_token));
  auto mine = session_of(done->signed_in->session_token);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->account_id, id);
  EXPECT_TRUE(password_works("hanako@example.jp", "a brand new password"));
  EXPECT_FALSE(password_works("hanako@example.jp", kPassword));
  EXPECT_EQ(count("SELECT COUNT(*) FROM failure_counters WHERE key_hash = ?",
                  {auth::sha256_hex(login_limit_key("hanako@example.jp"))}),
            0)
      << "the login's counter was cleared";

  EXPECT_EQ(reset_password(env(), token, "yet another password", "", true).status().code(), Status::Code::kNotFound)
      << "once only";
  EXPECT_EQ(reset_password(env(), older, "yet another password", "", true).status().code(), Status::Code::kNotFound)
      << "an older link of the account was retired";
  EXPECT_TRUE(password_works("hanako@example.jp", "a brand new password"));

  const auto entries = audit_entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].rfind("guest account.reset_request account:" + std::to_string(id) + " link ", 0), 0u);
  EXPECT_NE(entries[2].find("account.reset account:" + std::to_string(id)), std::string::npos) << entries[2];
  EXPECT_NE(entries[2].find("sessions ended: 2"), std::string::npos) << entries[2];
}

TEST_F(ResidentAccounts, AnExpiredResetLinkChangesNothing) {
  add_resident("hanako@example.jp");
  ASSERT_TRUE(request_password_reset(env(), "hanako@example.jp", "ja").ok());
  const std::string token = token_in(outbox().at(0).body, "/account/reset/");
  ASSERT_FALSE(token.empty());
  exec("UPDATE account_links SET expires_at = ?", {unix_now()});
  EXPECT_EQ(check_reset_link(env(), token).code(), Status::Code::kNotFound);
  EXPECT_EQ(reset_password(env(), token, "a brand new password", "", true).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(reset_password(env(), token, "short", "", true).status().code(), Status::Code::kNotFound)
      << "a dead link is said before a short password";
  EXPECT_TRUE(password_works("hanako@example.jp", kPassword));
}

TEST_F(ResidentAccounts, AResetForAnUnknownAddressLooksTheSameAndSendsNothing) {
  auto r = request_password_reset(env(), "nobody@example.jp", "ja");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->problems.empty());
  EXPECT_EQ(r->wait_seconds, 0);
  EXPECT_TRUE(outbox().empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_links"), 0);
  EXPECT_EQ(audit_entries(), std::vector<std::string>{"guest account.reset_request account:none "});
}

TEST_F(ResidentAccounts, OfferedOnlyWithMail) {
  EXPECT_TRUE(resident_accounts_offered(env()));
  config_.mail_smtp = "";
  EXPECT_FALSE(resident_accounts_offered(env()));
}

TEST_F(ResidentAccounts, SigningOutEverywhereEndsEverySessionOfTheAccountOnly) {
  const int64_t id = add_resident("hanako@example.jp");
  const int64_t other = add_resident("taro@example.jp");
  std::string here, phone, taros;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                for (auto [account, token] : {std::pair{id, &here}, std::pair{id, &phone}, std::pair{other, &taros}}) {
                  auto s = auth::create_session(tx, account, unix_now(), std::chrono::hours(1), token);
                  if (!s.ok()) return s.status();
                }
                return Status::Ok();
              }).ok());
  auto ended = sign_out_everywhere(env(), id);
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(*ended, 2);
  EXPECT_FALSE(session_of(here));
  EXPECT_FALSE(session_of(phone));
  EXPECT_TRUE(session_of(taros)) << "another resident's session stays";
  EXPECT_EQ(audit_entries(), std::vector<std::string>{"resident:" + std::to_string(id) +
                                                      " account.sign_out_everywhere account:" + std::to_string(id) +
                                                      " sessions ended: 2"});
}

forms::Posted profile_post(const std::string& phone, const std::string& family_kana) {
  return {{"f.name.family", "窓口"},
          {"f.name.given", "花子"},
          {"f.name.family_kana", family_kana},
          {"f.name.given_kana", "ハナコ"},
          {"f.birth.era", ""},
          {"f.birth.year", "1988"},
          {"f.birth.month", "5"},
          {"f.birth.day", "1"},
          {"f.address.postal_code", "1108615"},
          {"f.address.prefecture", "東京都"},
          {"f.address.city", "台東区"},
          {"f.address.town", "東上野"},
          {"f.address.street", "4-5-6"},
          {"f.address.building", ""},
          {"f.phone", phone}};
}

TEST_F(ResidentAccounts, TheProfileKeepsWhatWasTypedWhenWrongAndFillsFormsWhenRight) {
  const int64_t id = add_resident("hanako@example.jp");
  const forms::Context ctx{locales_, "en", today_jst()};
  auto wrong = save_profile(env(), id, profile_post("12", "マドグチ"), ctx);
  ASSERT_TRUE(wrong.ok()) << wrong.status().message();
  ASSERT_EQ(wrong->errors.size(), 1u);
  EXPECT_EQ(wrong->errors[0].html_id, "f-phone");
  EXPECT_EQ(wrong->errors[0].message.find("電話"), std::string::npos) << "in the page's language";
  EXPECT_EQ(wrong->answers["phone"], "12") << "shown again as typed";
  EXPECT_EQ(wrong->answers["name"]["family"], "窓口");
  EXPECT_EQ(resident("hanako@example.jp")->profile, (forms::Json{{"email", "hanako@example.jp"}})) << "nothing saved";
  EXPECT_TRUE(audit_entries().empty());

  auto right = save_profile(env(), id, profile_post("03-5246-1111", "まどぐち"), ctx);
  ASSERT_TRUE(right.ok());
  EXPECT_TRUE(right->errors.empty());
  const forms::Json profile = resident("hanako@example.jp")->profile;
  EXPECT_EQ(profile.value("email", ""), "hanako@example.jp") << "the address stays";
  EXPECT_EQ(profile.value("family_kana", ""), "マドグチ") << "normalised as the forms do";
  EXPECT_EQ(profile.value("birth", ""), "1988-05-01");
  EXPECT_EQ(profile["address"].value("city", ""), "台東区");
  EXPECT_EQ(profile.value("phone", ""), "03-5246-1111");

  // What the profile holds is what a form asking for the resident's own data starts with.
  const procedures::Procedure form = profile_form(locales_);
  const forms::Json answers = profile_answers(form, profile);
  EXPECT_EQ(answers["name"]["given"], "花子");
  EXPECT_EQ(answers["birth"], "1988-05-01");
  EXPECT_EQ(answers["phone"], "03-5246-1111");
  EXPECT_TRUE(forms::validate_page(form, form.pages.front(), answers, ctx).empty());

  const auto entries = audit_entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0], "resident:" + std::to_string(id) + " profile.update account:" + std::to_string(id) +
                            " changed: family,given,family_kana,given_kana,birth,address,phone");

  // Emptying a value removes it, so it no longer fills forms; an unchanged save is not audited.
  auto emptied = save_profile(env(), id, profile_post("", "マドグチ"), ctx);
  ASSERT_TRUE(emptied.ok());
  EXPECT_FALSE(resident("hanako@example.jp")->profile.contains("phone"));
  ASSERT_TRUE(save_profile(env(), id, profile_post("", "マドグチ"), ctx).ok());
  EXPECT_EQ(audit_entries().size(), 2u);
}

}  // namespace
}  // namespace madoguchi::usecases
