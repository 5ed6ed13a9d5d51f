// A resident withdraws (取り下げ) an application before it is decided: a reason is required
// (the form comes back with it missing), only the owner can do it (a guest with the access
// code, a signed-in resident with their own), staff see it at once and can take no action on
// it, and nothing can be withdrawn once decided.
#include <gtest/gtest.h>

#include <regex>

#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

Reply guest_status(HttpClient& c, const std::string& receipt, const std::string& code) {
  Reply form = c.get("/status");
  return c.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
}

Reply guest_withdraw(HttpClient& c, const std::string& receipt, const std::string& code, const std::string& reason) {
  Reply form = c.get("/status");
  return c.post_form("/status/withdraw",
                     {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}, {"reason", reason}});
}

TEST(Withdrawal, AGuestWithdrawsWithAReasonAndStaffSeeItAtOnce) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_staff("tanto", "staff-password-01", "防災 担当", "bousai", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient guest(server.port());
  std::string code;
  const std::string receipt = submit_risai_as_guest(guest, &code);
  ASSERT_FALSE(receipt.empty());
  HttpClient tanto(server.port());
  ASSERT_TRUE(sign_in(tanto, "tanto", "staff-password-01"));
  const std::string case_path = staff_case_path(tanto, receipt);
  ASSERT_FALSE(case_path.empty());

  Reply page = guest_status(guest, receipt, code);
  EXPECT_NE(page.body.find("action=\"/status/withdraw\""), std::string::npos) << page.body;
  // Without a reason: the form again, open, with the error next to the field; nothing changed.
  Reply blank = guest_withdraw(guest, receipt, code, "　");
  ASSERT_EQ(blank.status, 200);
  EXPECT_NE(blank.body.find("id=\"withdraw-reason-error\""), std::string::npos) << blank.body;
  EXPECT_NE(blank.body.find("<details id=\"withdraw\" open>"), std::string::npos);
  EXPECT_NE(blank.body.find("data-status=\"received\""), std::string::npos);
  // A wrong code withdraws nothing and says nothing about the application.
  EXPECT_EQ(guest_withdraw(guest, receipt, "00000000", "間違えました").status, 404);
  EXPECT_NE(tanto.get(case_path).body.find("data-status=\"received\""), std::string::npos);

  const std::string reason = "同じ内容を窓口で申請しました。";
  Reply done = guest_withdraw(guest, receipt, code, reason);
  ASSERT_EQ(done.status, 303);
  EXPECT_EQ(done.header("location"), "/status?withdrawn=1");
  page = guest_status(guest, receipt, code);
  EXPECT_NE(page.body.find("data-status=\"withdrawn\""), std::string::npos);
  EXPECT_NE(page.body.find(reason), std::string::npos);
  EXPECT_EQ(page.body.find("action=\"/status/withdraw\""), std::string::npos) << "nothing left to withdraw";

  // Staff: at once, with the reason; no action is possible any more.
  Reply case_page = tanto.get(case_path);
  EXPECT_NE(case_page.body.find("data-status=\"withdrawn\""), std::string::npos);
  EXPECT_NE(case_page.body.find(reason), std::string::npos);
  // (cases_state_test: every action on a withdrawn case is refused, whatever the role.)
  EXPECT_EQ(case_page.body.find("name=\"action\""), std::string::npos) << "no action offered";
  EXPECT_EQ(case_page.body.find("/decision\""), std::string::npos) << "no decision form";
  EXPECT_NE(tanto.get("/staff?status=withdrawn").body.find(receipt), std::string::npos);
  EXPECT_EQ(guest_withdraw(guest, receipt, code, "もう一度").status, 409);

  ASSERT_EQ(server.stop(), 0);
  std::string out;
  ASSERT_EQ(server.cli("audit verify", "", &out), 0) << out;
}

TEST(Withdrawal, OnlyTheOwnerWithdrawsAndNotAfterTheDecision) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_resident("misaki", "resident-password-1", "佐藤 美咲", "{}"));
  ASSERT_TRUE(server.add_resident("other", "resident-password-1", "他人 太郎", "{}"));
  ASSERT_TRUE(server.add_staff("kumin1", "staff-password-01", "区民 担当", "kuminka", "tanto"));
  ASSERT_TRUE(server.add_staff("kumin2", "staff-password-02", "区民 係長", "kuminka", "kakaricho"));
  ASSERT_TRUE(server.add_staff("kumin3", "staff-password-03", "区民 課長", "kuminka", "kacho"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient owner(server.port()), other(server.port());
  const std::string first = submit_juminhyo_signed_in(owner, "misaki", "resident-password-1");
  const std::string second = submit_juminhyo_signed_in(owner, "misaki", "resident-password-1");
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  ASSERT_TRUE(sign_in(other, "other", "resident-password-1"));
  Reply mine = owner.get("/applications/" + first);
  EXPECT_NE(mine.body.find("action=\"/applications/" + first + "/withdraw\""), std::string::npos);
  // Another resident: the same 404 as for an unknown receipt, and nothing changes.
  Reply theirs = other.get("/applications");
  EXPECT_EQ(
      other.post_form("/applications/" + first + "/withdraw", {{"csrf", csrf_of(theirs.body)}, {"reason", "いたずら"}})
          .status,
      404);
  // The owner without a reason gets the form back; with one, the application is withdrawn.
  Reply blank = owner.post_form("/applications/" + first + "/withdraw", {{"csrf", csrf_of(mine.body)}, {"reason", ""}});
  ASSERT_EQ(blank.status, 200);
  EXPECT_NE(blank.body.find("id=\"withdraw-reason-error\""), std::string::npos);
  Reply done = owner.post_form("/applications/" + first + "/withdraw",
                               {{"csrf", csrf_of(mine.body)}, {"reason", "引越しをやめました"}});
  ASSERT_EQ(done.status, 303);
  EXPECT_NE(owner.get("/applications/" + first).body.find("data-status=\"withdrawn\""), std::string::npos);
  // Opening the form's address directly leads back to the application.
  EXPECT_EQ(location_of(owner.get("/applications/" + first + "/withdraw?lang=en")), "/applications/" + first);

  // Once decided, it is too late.
  HttpClient s1(server.port()), s2(server.port()), s3(server.port());
  ASSERT_TRUE(sign_in(s1, "kumin1", "staff-password-01"));
  ASSERT_TRUE(sign_in(s2, "kumin2", "staff-password-02"));
  ASSERT_TRUE(sign_in(s3, "kumin3", "staff-password-03"));
  const std::string case_path = staff_case_path(s1, second);
  ASSERT_EQ(staff_decide(s1, case_path, {{"f.outcome", "issued"}}), 303);
  for (HttpClient* s : {&s1, &s2, &s3}) ASSERT_EQ(staff_act(*s, case_path, "approve"), 303);
  Reply decided = owner.get("/applications/" + second);
  EXPECT_EQ(decided.body.find("/withdraw\""), std::string::npos);
  EXPECT_EQ(
      owner
          .post_form("/applications/" + second + "/withdraw", {{"csrf", csrf_of(decided.body)}, {"reason", "やっぱり"}})
          .status,
      409);
}

}  // namespace
}  // namespace madoguchi::test
