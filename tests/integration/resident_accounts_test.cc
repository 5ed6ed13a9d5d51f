// Residents' accounts through the real server and a real SMTP conversation (a sink started by
// the test): signing up by e-mail, the link opening the account in another browser, the
// profile keeping what was typed when wrong and then filling in a procedure that needs an
// account; the pages of sign-up and reset looking the same whether or not an address has an
// account; a reset ending every session of the account; and no sign-up at all with mail off.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "support/madoguchi_fixture.h"
#include "support/smtp_sink.h"

namespace madoguchi::test {
namespace {

std::string config_for(const SmtpSink& sink) {
  return "mail_smtp = \"" + sink.url() +
         "\"\n"
         "mail_from = \"no-reply@city.example.jp\"\n"
         "public_url = \"https://madoguchi.city.example.jp/\"\n"
         "mail_interval_seconds = 1\n";
}

// The path of the link to `prefix` in an e-mail body ("" when none).
std::string link_path(const std::string& body, const std::string& prefix) {
  std::smatch m;
  if (!std::regex_search(body, m,
                         std::regex("https://madoguchi\\.city\\.example\\.jp(" + prefix + "[A-Za-z0-9_-]+)"))) {
    return "";
  }
  return m[1];
}

// A page with the per-request parts taken out (the CSRF token, the session timer), and
// `address` replaced, so two answers can be compared.
std::string comparable(std::string body, const std::string& address) {
  body = std::regex_replace(body, std::regex(R"re(value="[A-Za-z0-9_-]{43}")re"), "value=\"CSRF\"");
  body = std::regex_replace(body, std::regex(R"re(data-csrf="[A-Za-z0-9_-]{43}")re"), "data-csrf=\"CSRF\"");
  body = std::regex_replace(body, std::regex(R"re(data-remaining="\d+")re"), "data-remaining=\"N\"");
  for (size_t at; (at = body.find(address)) != std::string::npos;) body.replace(at, address.size(), "ADDRESS");
  return body;
}

TEST(ResidentAccounts, ASignedUpResidentVerifiesInAnotherBrowserAndAppliesWithTheirProfile) {
  SmtpSink sink;
  MadoguchiServer server(config_for(sink));
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient laptop(server.port());
  Reply login = laptop.get("/login?lang=en");
  EXPECT_NE(login.body.find("href=\"/signup\""), std::string::npos) << "the login page offers sign-up";
  EXPECT_NE(login.body.find("href=\"/account/reset\""), std::string::npos) << "and a reset";

  // A too-short password: every typed value but the password comes back, with the problem next
  // to its input and in the summary, in the page's language.
  Reply form = laptop.get("/signup");
  ASSERT_EQ(form.status, 200);
  Reply bad = laptop.post_form("/signup", {{"csrf", csrf_of(form.body)},
                                           {"display_name", "美咲"},
                                           {"email", "Misaki@Example.jp"},
                                           {"password", "tiny-pw"}});
  ASSERT_EQ(bad.status, 200);
  EXPECT_NE(bad.body.find("value=\"Misaki@Example.jp\""), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("value=\"美咲\""), std::string::npos);
  EXPECT_EQ(bad.body.find("tiny-pw"), std::string::npos) << "a password is never written into a page";
  EXPECT_NE(bad.body.find("<a href=\"#password\">The password must be at least 10 characters</a>"), std::string::npos)
      << bad.body;
  EXPECT_NE(bad.body.find("id=\"password-error\""), std::string::npos);
  EXPECT_NE(bad.body.find("<title>Error: Create an account"), std::string::npos);

  Reply sent = laptop.post_form("/signup", {{"csrf", csrf_of(form.body)},
                                            {"display_name", "美咲"},
                                            {"email", "Misaki@Example.jp"},
                                            {"password", "resident-password-1"}});
  ASSERT_EQ(sent.status, 200);
  EXPECT_NE(sent.body.find("We have sent an e-mail to Misaki@Example.jp."), std::string::npos) << sent.body;

  auto mails = sink.wait_for(1);
  ASSERT_EQ(mails.size(), 1u) << server.output();
  EXPECT_EQ(mails[0].rcpt_to.at(0), "Misaki@Example.jp");
  EXPECT_EQ(mails[0].subject(), "Confirm your e-mail address to create your account");
  const std::string link = link_path(mails[0].body(), "/signup/verify/");
  ASSERT_FALSE(link.empty()) << mails[0].body();

  // Opened on the phone: a page with a button (a mail scanner fetching the link uses nothing).
  HttpClient phone(server.port());
  Reply open = phone.get(link + "?lang=en");
  ASSERT_EQ(open.status, 200);
  EXPECT_NE(open.body.find("E-mail address: Misaki@Example.jp"), std::string::npos) << open.body;
  Reply again = phone.get(link);
  ASSERT_EQ(again.status, 200) << "looking does not use the link";
  Reply activated = phone.post_form(post_action_of(open.body), {{"csrf", csrf_of(open.body)}});
  ASSERT_EQ(activated.status, 303) << activated.body;
  EXPECT_EQ(location_of(activated), "/account?welcome=1");
  Reply welcome = phone.get("/account?welcome=1");
  ASSERT_EQ(welcome.status, 200);
  EXPECT_NE(welcome.body.find("Your account has been created"), std::string::npos) << welcome.body;
  EXPECT_NE(welcome.body.find("Misaki@Example.jp"), std::string::npos);
  EXPECT_EQ(phone.post_form(link, {{"csrf", csrf_of(welcome.body)}}).status, 404) << "the link works once";

  // The profile: a wrong phone number comes back as typed, with the other values.
  Fields profile = {{"csrf", csrf_of(welcome.body)},
                    {"f.name.family", "窓口"},
                    {"f.name.given", "美咲"},
                    {"f.name.family_kana", "マドグチ"},
                    {"f.name.given_kana", "ミサキ"},
                    {"f.birth.era", "S"},
                    {"f.birth.year", "60"},
                    {"f.birth.month", "1"},
                    {"f.birth.day", "15"},
                    {"f.address.postal_code", "144-8621"},
                    {"f.address.prefecture", "東京都"},
                    {"f.address.city", "大田区"},
                    {"f.address.town", "蒲田"},
                    {"f.address.street", "5-13-14"},
                    {"f.address.building", ""},
                    {"f.phone", "12"}};
  Reply wrong = phone.post_form("/account", profile);
  ASSERT_EQ(wrong.status, 200);
  EXPECT_NE(wrong.body.find("href=\"#f-phone\""), std::string::npos) << wrong.body;
  EXPECT_NE(wrong.body.find("value=\"12\""), std::string::npos);
  EXPECT_NE(wrong.body.find("value=\"窓口\""), std::string::npos);
  EXPECT_NE(wrong.body.find("value=\"蒲田\""), std::string::npos);
  profile.back().second = "03-5744-1111";
  Reply saved = phone.post_form("/account", profile);
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(location_of(saved), "/account?saved=1");

  // 住民票 needs an account: the resident can now start it, and their own data is filled in.
  Reply proc = phone.get("/procedures/juminhyo");
  Reply start = phone.post_form("/procedures/juminhyo/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303);
  std::string requester = location_of(start);
  requester = requester.substr(0, requester.rfind('/')) + "/requester";
  Reply page = phone.get(requester);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("value=\"窓口\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("value=\"03-5744-1111\""), std::string::npos);
  EXPECT_NE(page.body.find("value=\"蒲田\""), std::string::npos);

  // And can sign in on the laptop with the address, as typed in any case.
  EXPECT_TRUE(sign_in(laptop, "misaki@example.JP", "resident-password-1"));
}

TEST(ResidentAccounts, SignUpAndResetLookTheSameWhetherOrNotAnAddressHasAnAccount) {
  SmtpSink sink;
  MadoguchiServer server(config_for(sink));
  ASSERT_TRUE(server.add_resident("known@example.jp", "resident-password-1", "既知"));
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient c(server.port());
  auto ask = [&](const std::string& path, const std::string& address) {
    Reply form = c.get(path);
    Fields fields = {{"csrf", csrf_of(form.body)}, {"email", address}};
    if (path == "/signup") {
      fields.emplace_back("display_name", "だれか");
      fields.emplace_back("password", "some long password");
    }
    return c.post_form(path, fields);
  };
  for (const std::string path : {"/signup", "/account/reset"}) {
    Reply known = ask(path, "known@example.jp");
    Reply unknown = ask(path, "unknown@example.jp");
    EXPECT_EQ(known.status, 200) << path;
    EXPECT_EQ(known.status, unknown.status) << path;
    EXPECT_EQ(comparable(known.body, "known@example.jp"), comparable(unknown.body, "unknown@example.jp")) << path;
  }
  auto mails = sink.wait_for(3);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // one more delivery round
  mails = sink.received();
  ASSERT_EQ(mails.size(), 3u) << "no reset e-mail to an address without an account";
  std::map<std::string, std::string> got;
  for (const auto& m : mails) got[m.rcpt_to.at(0) + " " + m.subject()] = m.body();
  EXPECT_TRUE(got.count("known@example.jp 【窓口】このメールアドレスのアカウントはすでにあります"));
  EXPECT_TRUE(got.count("unknown@example.jp 【窓口】メールアドレスの確認とアカウントの作成"));
  EXPECT_TRUE(got.count("known@example.jp 【窓口】パスワードの再設定"));
}

TEST(ResidentAccounts, AResetLinkEndsEverySessionOfTheAccount) {
  SmtpSink sink;
  MadoguchiServer server(config_for(sink));
  ASSERT_TRUE(server.add_resident("hanako@example.jp", "resident-password-1", "花子"));
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient laptop(server.port());
  ASSERT_TRUE(sign_in(laptop, "hanako@example.jp", "resident-password-1"));
  ASSERT_EQ(laptop.get("/applications").status, 200);

  HttpClient phone(server.port());
  Reply form = phone.get("/account/reset");
  ASSERT_EQ(phone.post_form("/account/reset", {{"csrf", csrf_of(form.body)}, {"email", "Hanako@example.jp"}}).status,
            200);
  auto mails = sink.wait_for(1);
  ASSERT_EQ(mails.size(), 1u) << server.output();
  const std::string link = link_path(mails[0].body(), "/account/reset/");
  ASSERT_FALSE(link.empty()) << mails[0].body();

  Reply page = phone.get(link);
  ASSERT_EQ(page.status, 200);
  Reply short_one = phone.post_form(link, {{"csrf", csrf_of(page.body)}, {"password", "short"}});
  ASSERT_EQ(short_one.status, 200);
  EXPECT_NE(short_one.body.find("id=\"password-error\""), std::string::npos) << short_one.body;
  Reply done = phone.post_form(link, {{"csrf", csrf_of(page.body)}, {"password", "a brand new password"}});
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(location_of(done), "/account?reset=1");
  EXPECT_EQ(phone.get("/account").status, 200) << "the phone is signed in";

  Reply after = laptop.get("/applications");
  EXPECT_EQ(after.status, 303) << "the laptop's session ended";
  EXPECT_EQ(location_of(after), "/login?next=%2Fapplications");
  EXPECT_FALSE(sign_in(laptop, "hanako@example.jp", "resident-password-1"));
  EXPECT_TRUE(sign_in(laptop, "hanako@example.jp", "a brand new password"));
  Reply again = phone.get(link);
  EXPECT_EQ(again.status, 404) << "the link works once";

  // Signing out everywhere from the phone ends the laptop's new session and the phone's own.
  Reply account = phone.get("/account");
  ASSERT_EQ(account.status, 200);
  Reply out = phone.post_form("/account/sign-out-everywhere", {{"csrf", csrf_of(account.body)}});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(laptop.get("/applications").status, 303);
  EXPECT_EQ(phone.get("/account").status, 303);
}

TEST(ResidentAccounts, WithMailOffThereIsNoSignUpOrReset) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/signup").status, 404);
  EXPECT_EQ(c.get("/account/reset").status, 404);
  Reply login = c.get("/login");
  EXPECT_EQ(login.body.find("/signup"), std::string::npos) << "no link to what is not offered";
  EXPECT_EQ(login.body.find("/account/reset"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test
