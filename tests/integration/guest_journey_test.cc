// A guest applies for 罹災証明書 with photos over real HTTP, the server restarts, and the
// application is found again by its receipt number and access code.
#include <gtest/gtest.h>

#include <regex>

#include "core/date.h"
#include "applications/receipt.h"
#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

TEST(GuestJourney, RisaiWithPhotosSurvivesRestart) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  std::string receipt, code;
  {
    HttpClient c(server.port());
    // Find it by search, ignoring width: the catalogue is searched with the title's kanji.
    Reply home = c.get("/?q=" + http::percent_encode("罹災"));
    ASSERT_EQ(home.status, 200);
    ASSERT_NE(home.body.find("/procedures/risai"), std::string::npos);

    Reply proc = c.get("/procedures/risai");
    ASSERT_EQ(proc.status, 200);
    // What it is, fee, processing period, both channels, and a start button.
    EXPECT_NE(proc.body.find("<h1>罹災証明書の交付申請</h1>"), std::string::npos);
    EXPECT_NE(proc.body.find("<title>罹災証明書の交付申請 | "), std::string::npos);
    EXPECT_NE(proc.body.find("無料"), std::string::npos);
    EXPECT_NE(proc.body.find("10開庁日"), std::string::npos);
    EXPECT_NE(proc.body.find("/procedures/risai/start"), std::string::npos);
    Reply start = c.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
    ASSERT_EQ(start.status, 303) << start.body;

    std::string trace, body;
    std::string check = walk_to_check(c, location_of(start), risai_guest_answers(), &trace, &body);
    ASSERT_FALSE(check.empty()) << trace << "\n" << body;

    Reply summary = c.get(check);
    ASSERT_EQ(summary.status, 200);
    // Names kept exactly as typed; furigana converted to katakana; digits to half-width.
    EXPECT_NE(summary.body.find("𠮷田"), std::string::npos);
    EXPECT_NE(summary.body.find("ヨシダ"), std::string::npos);
    EXPECT_NE(summary.body.find("タロウ"), std::string::npos);
    EXPECT_NE(summary.body.find("144-8621"), std::string::npos);
    EXPECT_NE(summary.body.find("03-5744-1111"), std::string::npos);
    // Free text is escaped on output, never interpreted.
    EXPECT_NE(summary.body.find("&lt;ひび&gt;"), std::string::npos);
    EXPECT_EQ(summary.body.find("<ひび>"), std::string::npos);
    EXPECT_NE(summary.body.find("roof.png"), std::string::npos);

    Reply posted = c.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
    Reply done = c.get(location_of(posted));
    ASSERT_EQ(posted.status, 303) << posted.body;
    ASSERT_EQ(done.status, 200) << done.body;
    // The receipt page is a GET: a reload or a language switch does not resubmit, and
    // another browser cannot see it.
    EXPECT_EQ(c.get(location_of(posted) + "?lang=en").body.find("Application received") != std::string::npos, true);
    HttpClient stranger(server.port());
    EXPECT_EQ(stranger.get(location_of(posted)).status, 404);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re")));
    receipt = m[1];
    ASSERT_TRUE(std::regex_search(done.body, m, std::regex(R"re(id="access-code">([0-9]{8})<)re")));
    code = m[1];
    // Shown once: a reload still shows the receipt number, but the code has left the session.
    Reply reload = c.get(location_of(posted));
    ASSERT_EQ(reload.status, 200);
    EXPECT_NE(reload.body.find(receipt), std::string::npos);
    EXPECT_EQ(reload.body.find(code), std::string::npos);
    EXPECT_NE(reload.body.find("id=\"access-code-shown\""), std::string::npos);
    // What happens next: the review, how a correction is asked for, and the date.
    EXPECT_NE(done.body.find("id=\"next-steps\""), std::string::npos);
    EXPECT_NE(done.body.find("受付番号と確認コードで確認してください"), std::string::npos);
    EXPECT_TRUE(canonical_receipt_number(receipt).has_value()) << receipt;
    // The decision date is shown in both calendars.
    EXPECT_NE(done.body.find("令和"), std::string::npos);

    // The draft is gone: submitting again is refused, not a second application.
    Reply again = c.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
    EXPECT_EQ(again.status, 404);
  }

  ASSERT_EQ(server.stop(), 0) << server.output();
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient c(server.port());
  Reply form = c.get("/status");
  ASSERT_EQ(form.status, 200);
  Reply wrong = c.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", "00000000"}});
  EXPECT_EQ(wrong.body.find("id=\"status\""), std::string::npos);
  // Typed in lower case with spaces, as read over the phone.
  std::string typed = receipt;
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::replace(typed.begin(), typed.end(), '-', ' ');
  Reply status = c.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", typed}, {"code", code}});
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("data-status=\"received\""), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(receipt), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test

namespace madoguchi::test {
namespace {

TEST(GuestJourney, GuestCorrectsWithReceiptNumberAndAccessCode) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_staff("b1", "staff-password-01", "防災 担当", "bousai", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient guest(server.port());
  Reply proc = guest.get("/procedures/risai");
  Reply start = guest.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  std::string trace;
  std::string check = walk_to_check(guest, location_of(start), risai_guest_answers(), &trace);
  ASSERT_FALSE(check.empty()) << trace;
  Reply summary = guest.get(check);
  Reply posted = guest.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
  Reply done = guest.get(location_of(posted));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re")));
  std::string receipt = m[1];
  ASSERT_TRUE(std::regex_search(done.body, m, std::regex(R"re(id="access-code">([0-9]{8})<)re")));
  std::string code = m[1];

  HttpClient staff(server.port());
  ASSERT_TRUE(sign_in(staff, "b1", "staff-password-01"));
  Reply queue = staff.get("/staff");
  ASSERT_TRUE(std::regex_search(queue.body, m, std::regex("href=\"(/staff/cases/[0-9]+)\">" + receipt)));
  std::string case_path = m[1];
  Reply page = staff.get(case_path);
  ASSERT_TRUE(std::regex_search(page.body, m, std::regex(R"re(name="row_version" value="([0-9]+)")re")));
  Reply asked = staff.post_form(case_path + "/act", {{"csrf", csrf_of(page.body)}, {"row_version", m[1].str()},
                                                     {"action", "correction"}, {"message", "屋根の写真をもう一枚ください。"}});
  ASSERT_EQ(asked.status, 303);

  // A new browser: the guest proves ownership with the receipt number and access code.
  HttpClient later(server.port());
  Reply form = later.get("/status");
  Reply status = later.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
  EXPECT_NE(status.body.find("屋根の写真をもう一枚ください。"), std::string::npos);
  Reply fix = later.post_form(post_action_of(status.body), {{"csrf", csrf_of(status.body)}, {"receipt", receipt}, {"code", code}});
  ASSERT_EQ(fix.status, 303) << fix.body;
  Reply check_page = later.get(location_of(fix));
  ASSERT_EQ(check_page.status, 200);
  Reply resent = later.post_form(post_action_of(check_page.body), {{"csrf", csrf_of(check_page.body)}});
  ASSERT_EQ(resent.status, 303);
  EXPECT_EQ(location_of(resent), "/status?resubmitted=1");
  EXPECT_NE(staff.get(case_path).body.find("data-status=\"in_review\""), std::string::npos);
  // A wrong access code cannot start a correction.
  Reply forged = later.post_form("/status/correct", {{"csrf", csrf_of(status.body)}, {"receipt", receipt}, {"code", "12345678"}});
  EXPECT_EQ(forged.status, 404);
}

}  // namespace
}  // namespace madoguchi::test

namespace madoguchi::test {
namespace {

TEST(GuestJourney, AcknowledgedSubmissionsSurviveAKill) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  std::vector<std::pair<std::string, std::string>> receipts;
  for (int i = 0; i < 3; ++i) {
    HttpClient guest(server.port());
    std::string code;
    std::string receipt = submit_risai_as_guest(guest, &code);
    ASSERT_FALSE(receipt.empty());
    receipts.emplace_back(receipt, code);
  }
  server.kill();  // a crash: no graceful shutdown, no checkpoint
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply form = c.get("/status");
  for (const auto& [receipt, code] : receipts) {
    Reply r = c.post_form("/status", {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
    EXPECT_NE(r.body.find("data-status=\"received\""), std::string::npos) << receipt;
  }
}

}  // namespace
}  // namespace madoguchi::test
