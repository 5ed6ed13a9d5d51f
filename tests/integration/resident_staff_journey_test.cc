// A resident applies for 児童手当 with two children, makes a mistake and fixes it, submits;
// staff of 子育て支援課 request a correction, the resident fixes it and resubmits, and the
// case goes through the three-step route 担当 → 係長 → 課長. Staff of another department
// cannot see it; a role that is not the current step's cannot act.
#include <gtest/gtest.h>

#include <regex>

#include "core/date.h"
#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

Answers jidou_answers() {
  Answers a;
  Fields& f = a.fields;
  f.emplace_back("f.is_public_servant", "no");
  add_name(f, "f.claimant_name", "髙橋", "一郎", "タカハシ", "イチロウ");
  add_date(f, "f.claimant_birth", "S", 63, 5, 1);  // 昭和63年 = 1988
  f.emplace_back("f.claimant_my_number", "123456789012");
  f.emplace_back("f.claimant_address.postal_code", "1448621");
  f.emplace_back("f.claimant_address.prefecture", "東京都");
  f.emplace_back("f.claimant_address.city", "大田区");
  f.emplace_back("f.claimant_address.town", "蒲田");
  f.emplace_back("f.claimant_address.street", "5-13-14");
  f.emplace_back("f.claimant_phone", "090-1234-5678");
  f.emplace_back("f.occupation", "employee");
  f.emplace_back("f.pension", "employees");
  f.emplace_back("f.has_spouse", "no");
  for (int i = 0; i < 2; ++i) {
    std::string row = "f.children." + std::to_string(i);
    add_name(f, row + ".child_name", "髙橋", i == 0 ? "花子" : "次郎", "タカハシ", i == 0 ? "ハナコ" : "ジロウ");
    add_date(f, row + ".child_birth", "", 2020 + i * 3, 4, 10);
    f.emplace_back(row + ".child_relation", "child");
    f.emplace_back(row + ".child_lives_together", "yes");
  }
  // An older child of university age counts for the third-child amount.
  f.emplace_back("f.has_older_children", "yes");
  add_name(f, "f.older_children.0.older_child_name", "髙橋", "太一", "タカハシ", "タイチ");
  add_date(f, "f.older_children.0.older_child_birth", "", today_jst().year - 20, 6, 1);
  f.emplace_back("f.older_children.0.older_child_supported", "yes");
  // Paid into a named bank account rather than the 公金受取口座.
  f.emplace_back("f.use_public_account", "no");
  f.emplace_back("f.bank_name", "みずほ銀行");
  f.emplace_back("f.bank_code", "0001");
  f.emplace_back("f.branch_name", "蒲田支店");
  f.emplace_back("f.branch_code", "123");
  f.emplace_back("f.account_type", "ordinary");
  f.emplace_back("f.account_number", "7654321");
  f.emplace_back("f.account_holder_kana", "たかはし いちろう");  // hiragana becomes katakana
  f.emplace_back("f.consent", "agree");
  a.files = {{"f.account_proof", "passbook.png", "image/png", tiny_png()}};
  a.group_rows["children"] = 2;
  a.group_rows["older_children"] = 1;
  return a;
}

int act(HttpClient& staff, const std::string& case_path, const std::string& action, const std::string& message = "") {
  return staff_act(staff, case_path, action, message);
}

TEST(ResidentStaffJourney, JidouTeateCorrectionAndThreeStepApproval) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_resident("hanako", "resident-password-1", "髙橋 一郎"));
  ASSERT_TRUE(server.add_staff("kodomo1", "staff-password-01", "子育て 担当", "kodomo", "tanto"));
  ASSERT_TRUE(server.add_staff("kodomo2", "staff-password-02", "子育て 係長", "kodomo", "kakaricho"));
  ASSERT_TRUE(server.add_staff("kodomo3", "staff-password-03", "子育て 課長", "kodomo", "kacho"));
  ASSERT_TRUE(server.add_staff("bousai1", "staff-password-04", "防災 担当", "bousai", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient resident(server.port());
  // identity: account — a guest is sent to sign in first.
  Reply proc = resident.get("/procedures/jidou-teate");
  ASSERT_EQ(proc.status, 200);
  EXPECT_EQ(proc.body.find("/procedures/jidou-teate/start"), std::string::npos);
  ASSERT_TRUE(sign_in(resident, "hanako", "resident-password-1"));
  proc = resident.get("/procedures/jidou-teate");
  Reply start = resident.post_form("/procedures/jidou-teate/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303) << start.body;

  // A mistake first: an 11-digit My Number. The page answers with the error and keeps values.
  Answers wrong = jidou_answers();
  for (auto& [k, v] : wrong.fields) {
    if (k == "f.claimant_my_number") v = "１２３４５６７８９０１";
  }
  std::string trace, body;
  EXPECT_TRUE(walk_to_check(resident, location_of(start), wrong, &trace, &body).empty());
  ASSERT_NE(trace.find("/pages/claimant POST -> 200"), std::string::npos) << trace << body;
  EXPECT_NE(body.find("m-error-summary"), std::string::npos);
  EXPECT_NE(body.find("href=\"#f-claimant_my_number\""), std::string::npos) << body;
  EXPECT_NE(body.find("value=\"髙橋\""), std::string::npos);          // kept exactly
  EXPECT_NE(body.find("value=\"１２３４５６７８９０１\""), std::string::npos);  // kept as typed

  std::string draft_page = location_of(start);
  // Leaving and coming back: the draft is listed and resumes at the page that needs work.
  Reply mine_now = resident.get("/applications");
  std::smatch dm;
  ASSERT_TRUE(std::regex_search(mine_now.body, dm, std::regex(R"re(href="(/drafts/[0-9]+/resume)")re"))) << mine_now.body;
  Reply resumed = resident.get(dm[1].str());
  ASSERT_EQ(resumed.status, 303);
  EXPECT_NE(location_of(resumed).find("/pages/claimant"), std::string::npos) << location_of(resumed);
  trace.clear();
  std::string check = walk_to_check(resident, draft_page, jidou_answers(), &trace, &body);
  ASSERT_FALSE(check.empty()) << trace << "\n" << body;
  Reply summary = resident.get(check);
  EXPECT_NE(summary.body.find("花子"), std::string::npos);
  EXPECT_NE(summary.body.find("次郎"), std::string::npos);
  EXPECT_NE(summary.body.find("昭和63年5月1日"), std::string::npos);
  Reply posted = resident.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
  Reply done = resident.get(location_of(posted));
  ASSERT_EQ(done.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re")));
  const std::string receipt = m[1];
  EXPECT_EQ(done.body.find("access-code"), std::string::npos);  // account holders need no code

  // Another department's staff see neither the queue row nor the case.
  HttpClient bousai(server.port());
  ASSERT_TRUE(sign_in(bousai, "bousai1", "staff-password-04"));
  EXPECT_EQ(bousai.get("/staff").body.find(receipt), std::string::npos);

  HttpClient tanto(server.port());
  ASSERT_TRUE(sign_in(tanto, "kodomo1", "staff-password-01"));
  std::string case_path = staff_case_path(tanto, receipt);
  ASSERT_FALSE(case_path.empty());
  EXPECT_EQ(bousai.get(case_path).status, 404);
  Reply case_page = tanto.get(case_path);
  EXPECT_NE(case_page.body.find("髙橋"), std::string::npos);
  EXPECT_NE(case_page.body.find("次郎"), std::string::npos);
  EXPECT_NE(case_page.body.find("太一"), std::string::npos);
  EXPECT_NE(case_page.body.find("みずほ銀行"), std::string::npos);
  EXPECT_NE(case_page.body.find("7654321"), std::string::npos);
  EXPECT_NE(case_page.body.find("タカハシ イチロウ"), std::string::npos);
  EXPECT_NE(case_page.body.find("passbook.png"), std::string::npos);

  // 補正依頼 with a message; the resident sees it.
  EXPECT_EQ(act(tanto, case_path, "correction", ""), 400);  // a message is required
  ASSERT_EQ(act(tanto, case_path, "correction", "電話番号が違うようです。確認してください。"), 303);
  Reply status = resident.get("/applications/" + receipt);
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("data-status=\"correction\""), std::string::npos);
  EXPECT_NE(status.body.find("電話番号が違うようです"), std::string::npos);

  // The resident fixes only the phone number and resubmits.
  Reply fix = resident.post_form(post_action_of(status.body), {{"csrf", csrf_of(status.body)}});
  ASSERT_EQ(fix.status, 303);
  Reply check_again = resident.get(location_of(fix));
  ASSERT_EQ(check_again.status, 200);
  std::regex change_re(R"re(href="([^"]*/pages/claimant-contact\?return=check)#f-claimant_phone")re");
  ASSERT_TRUE(std::regex_search(check_again.body, m, change_re)) << check_again.body;
  std::string contact = std::regex_replace(m[1].str(), std::regex("&amp;"), "&");
  Reply contact_page = resident.get(contact);
  Fields f{{"csrf", csrf_of(contact_page.body)}, {"action", "next"}};
  for (const auto& [k, v] : jidou_answers().fields) {
    if (k.rfind("f.claimant_address", 0) == 0) f.emplace_back(k, v);
  }
  f.emplace_back("f.claimant_phone", "090-8765-4321");
  Reply saved = resident.post_multipart(post_action_of(contact_page.body), f, {});
  ASSERT_EQ(saved.status, 303);
  Reply check3 = resident.get(location_of(saved));
  EXPECT_NE(check3.body.find("090-8765-4321"), std::string::npos);
  Reply resent = resident.post_form(post_action_of(check3.body), {{"csrf", csrf_of(check3.body)}});
  ASSERT_EQ(resent.status, 303);

  // Both versions are kept; staff see the new one and the earlier one.
  case_page = tanto.get(case_path);
  EXPECT_NE(case_page.body.find("090-8765-4321"), std::string::npos);
  EXPECT_NE(case_page.body.find("090-1234-5678"), std::string::npos);

  // Three-step approval. The 課長 cannot act on the 担当's step.
  HttpClient kakaricho(server.port()), kacho(server.port());
  ASSERT_TRUE(sign_in(kakaricho, "kodomo2", "staff-password-02"));
  ASSERT_TRUE(sign_in(kacho, "kodomo3", "staff-password-03"));
  EXPECT_EQ(act(kacho, case_path, "approve"), 403);
  // Approving agrees with a recorded decision: none yet, so no approval.
  EXPECT_EQ(act(tanto, case_path, "approve"), 400);
  EXPECT_NE(tanto.get(case_path).body.find("id=\"decision-first\""), std::string::npos);
  ASSERT_EQ(staff_decide(tanto, case_path, jidou_certified_decision()), 303);
  // While the route runs the resident sees no decision, nor staff recording it.
  status = resident.get("/applications/" + receipt);
  EXPECT_EQ(status.body.find("id=\"decision\""), std::string::npos);
  EXPECT_EQ(status.body.find("決定内容の記録"), std::string::npos);
  ASSERT_EQ(act(tanto, case_path, "approve"), 303);
  EXPECT_EQ(act(tanto, case_path, "approve"), 403);  // now the 係長's step
  ASSERT_EQ(act(kakaricho, case_path, "approve"), 303);
  ASSERT_EQ(act(kacho, case_path, "approve"), 303);

  status = resident.get("/applications/" + receipt);
  EXPECT_NE(status.body.find("data-status=\"approved\""), std::string::npos);
  // The history tells each step apart: who approved at which step, and the decision.
  for (const char* what : {"申請", "修正依頼", "再申請", "承認(担当)", "承認(係長)", "決定(課長)"}) {
    EXPECT_NE(status.body.find(what), std::string::npos) << what;
  }
  // The decision as the definition shows it to the resident: outcome, amount, first month.
  EXPECT_NE(status.body.find("data-outcome=\"certified\""), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("15,000"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("2027年1月1日"), std::string::npos);
  EXPECT_EQ(status.body.find("id=\"appeal\""), std::string::npos);  // nothing to appeal

  Reply mine = resident.get("/applications");
  EXPECT_NE(mine.body.find(receipt), std::string::npos);
}

TEST(ResidentStaffJourney, TwoStaffActingOnTheSameCaseVersionCannotBothSucceed) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_staff("t1", "staff-password-01", "担当A", "bousai", "tanto"));
  ASSERT_TRUE(server.add_staff("t2", "staff-password-02", "担当B", "bousai", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient guest(server.port());
  std::string receipt = submit_risai_as_guest(guest);
  ASSERT_FALSE(receipt.empty());
  HttpClient a(server.port()), b(server.port());
  ASSERT_TRUE(sign_in(a, "t1", "staff-password-01"));
  ASSERT_TRUE(sign_in(b, "t2", "staff-password-02"));
  std::string case_path = staff_case_path(a, receipt);
  ASSERT_FALSE(case_path.empty());
  ASSERT_EQ(staff_decide(a, case_path, risai_issued_decision()), 303);
  // Both open the case at the same version, then both act.
  Reply pa = a.get(case_path), pb = b.get(case_path);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(pa.body, m, std::regex(R"re(name="row_version" value="([0-9]+)")re")));
  std::string version = m[1];
  Reply ra = a.post_form(case_path + "/act", {{"csrf", csrf_of(pa.body)}, {"row_version", version}, {"action", "approve"}});
  Reply rb = b.post_form(case_path + "/act", {{"csrf", csrf_of(pb.body)}, {"row_version", version}, {"action", "assign"}});
  EXPECT_EQ(ra.status, 303);
  EXPECT_EQ(rb.status, 409);
  EXPECT_NE(rb.body.find("ほかの職員がこの申請を先に処理しました"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test

namespace madoguchi::test {
namespace {

TEST(OnceOnly, SignedInResidentsOwnDetailsArePrefilledAndOthersAreNot) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_resident(
      "ichiro", "resident-password-1", "髙橋 一郎",
      R"({"family":"髙橋","given":"一郎","family_kana":"タカハシ","given_kana":"イチロウ","birth":"1988-05-01",)"
      R"("address":{"postal_code":"144-8621","prefecture":"東京都","city":"大田区","town":"蒲田","street":"5-13-14","building":""},)"
      R"("phone":"03-5744-1111"})"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  ASSERT_TRUE(sign_in(c, "ichiro", "resident-password-1"));
  Reply proc = c.get("/procedures/jidou-teate");
  Reply start = c.post_form("/procedures/jidou-teate/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303);
  Reply first = c.get(location_of(start));
  Reply next = c.post_multipart(post_action_of(first.body), {{"csrf", csrf_of(first.body)}, {"action", "next"}, {"f.is_public_servant", "no"}}, {});
  ASSERT_EQ(next.status, 303);
  Reply claimant = c.get(location_of(next));
  EXPECT_NE(claimant.body.find("value=\"髙橋\""), std::string::npos);
  EXPECT_NE(claimant.body.find("value=\"イチロウ\""), std::string::npos);
  EXPECT_NE(claimant.body.find("value=\"1988\""), std::string::npos);
  Reply contact_next = c.post_multipart(post_action_of(claimant.body),
                                        {{"csrf", csrf_of(claimant.body)}, {"action", "next"},
                                         {"f.claimant_name.family", "髙橋"}, {"f.claimant_name.given", "一郎"},
                                         {"f.claimant_name.family_kana", "タカハシ"}, {"f.claimant_name.given_kana", "イチロウ"},
                                         {"f.claimant_birth.era", ""}, {"f.claimant_birth.year", "1988"},
                                         {"f.claimant_birth.month", "5"}, {"f.claimant_birth.day", "1"},
                                         {"f.claimant_my_number", "123456789012"}},
                                        {});
  ASSERT_EQ(contact_next.status, 303);
  Reply contact = c.get(location_of(contact_next));
  EXPECT_NE(contact.body.find("value=\"03-5744-1111\""), std::string::npos);
  EXPECT_NE(contact.body.find("value=\"蒲田\""), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test
