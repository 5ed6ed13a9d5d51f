// Guessing is stopped: after ten wrong passwords for one login, or ten wrong access codes for
// one receipt number, even the right one is refused for a while (429, in the page's language),
// while other logins and receipts are unaffected. The counters live in the store.
#include <gtest/gtest.h>

#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

Reply try_login(HttpClient& c, const std::string& login, const std::string& password) {
  Reply form = c.get("/login");
  return c.post_form("/login", {{"csrf", csrf_of(form.body)}, {"login", login}, {"password", password}});
}

TEST(RateLimit, TenWrongPasswordsPauseThatLoginOnly) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_resident("r1", "resident-password-1", "区民 一郎"));
  ASSERT_TRUE(server.add_resident("r2", "resident-password-2", "区民 二郎"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  for (int i = 0; i < 10; ++i) {
    Reply r = try_login(c, i % 2 ? "R1" : "r1", "wrong-password");
    ASSERT_EQ(r.status, 200) << i;
  }
  Reply right = try_login(c, "r1", "resident-password-1");
  EXPECT_EQ(right.status, 429);
  EXPECT_NE(right.body.find("分後にもう一度お試しください"), std::string::npos);
  EXPECT_NE(right.body.find("value=\"r1\""), std::string::npos) << "what was typed is kept";
  HttpClient other(server.port());
  EXPECT_EQ(try_login(other, "r2", "resident-password-2").status, 303) << "other logins are not affected";
  // The pause holds across a restart: the counter is in the store, not in the process.
  ASSERT_EQ(server.stop(), 0);
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient after(server.port());
  Reply en = after.get("/login?lang=en");
  Reply again = after.post_form("/login", {{"csrf", csrf_of(en.body)}, {"login", "r1"}, {"password", "resident-password-1"}});
  EXPECT_EQ(again.status, 429);
  EXPECT_NE(again.body.find("Try again in 15 minutes"), std::string::npos) << again.body.substr(0, 300);
}

TEST(RateLimit, TenWrongAccessCodesPauseThatReceipt) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient guest(server.port());
  std::string code;
  std::string receipt = submit_risai_as_guest(guest, &code);
  ASSERT_FALSE(receipt.empty());
  HttpClient c(server.port());
  Reply form = c.get("/status");
  for (int i = 0; i < 10; ++i) {
    Reply r = c.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", "0000000" + std::to_string(i)}});
    ASSERT_EQ(r.status, 200) << i;
  }
  Reply right = c.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
  EXPECT_EQ(right.status, 429);
  EXPECT_NE(right.body.find("確認コードの誤りが続いたため"), std::string::npos);
  Reply correct = c.post_form("/status/correct", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
  EXPECT_EQ(correct.status, 429) << "the correction door shares the counter";
}

}  // namespace
}  // namespace madoguchi::test
