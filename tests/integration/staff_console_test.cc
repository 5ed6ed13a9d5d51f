// The staff console over HTTP: rejecting (also while a correction is pending)
// and completing, and the queue's filters, sort orders, counts and overdue
// highlight.
#include <gtest/gtest.h>

#include <memory>
#include <regex>

#include "store/store.h"
#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

// Guests follow their application with the receipt number and access code.
Reply guest_status(int port, const std::string &receipt,
                   const std::string &code) {
  HttpClient c(port);
  Reply form = c.get("/status");
  return c.post_form(
      "/status",
      {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
}

// Posts an action at a given row version: a page without buttons carries none
// to copy.
int act_at(HttpClient &staff, const std::string &case_path, int64_t row_version,
           const std::string &action) {
  Reply page = staff.get(case_path);
  return staff
      .post_form(case_path + "/act",
                 {{"csrf", csrf_of(page.body)},
                  {"row_version", std::to_string(row_version)},
                  {"action", action},
                  {"message", "理由"}})
      .status;
}

int64_t row_version_of(const std::string &html) {
  std::smatch m;
  return std::regex_search(
             html, m, std::regex(R"re(name="row_version" value="([0-9]+)")re"))
             ? std::stoll(m[1])
             : -1;
}

bool has_button(const std::string &html, const std::string &action) {
  return html.find("name=\"action\" value=\"" + action + "\"") !=
         std::string::npos;
}

// Moves a case's due date in the store, as if it had been received long ago.
void set_due_date(const std::string &store_url, const std::string &receipt,
                  const std::string &iso) {
  auto store = store::Store::open(store_url);
  ASSERT_TRUE(store.ok()) << store.status().message();
  Status s = store::with_write(**store, [&](store::Transaction &tx) {
    auto n = tx.exec("UPDATE applications SET due_date = ? WHERE receipt = ?",
                     {iso, receipt});
    if (!n.ok())
      return n.status();
    return *n == 1 ? Status::Ok() : Status::NotFound("no such receipt");
  });
  ASSERT_TRUE(s.ok()) << s.message();
}

class StaffConsole : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(server_.add_staff("tanto", "staff-password-01", "防災 担当",
                                  "bousai", "tanto"));
    ASSERT_TRUE(server_.add_staff("kakari", "staff-password-02", "防災 係長",
                                  "bousai", "kakaricho"));
    ASSERT_TRUE(server_.add_staff("kacho", "staff-password-03", "防災 課長",
                                  "bousai", "kacho"));
    ASSERT_TRUE(server_.start()) << server_.output();
    // Clients take the port, known only once the server runs.
    tanto_client_ = std::make_unique<HttpClient>(server_.port());
    kakari_client_ = std::make_unique<HttpClient>(server_.port());
    kacho_client_ = std::make_unique<HttpClient>(server_.port());
    ASSERT_TRUE(sign_in(tanto(), "tanto", "staff-password-01"));
    ASSERT_TRUE(sign_in(kakari(), "kakari", "staff-password-02"));
    ASSERT_TRUE(sign_in(kacho(), "kacho", "staff-password-03"));
  }
  MadoguchiServer server_;
  HttpClient &tanto() { return *tanto_client_; }
  HttpClient &kakari() { return *kakari_client_; }
  HttpClient &kacho() { return *kacho_client_; }
  std::unique_ptr<HttpClient> tanto_client_, kakari_client_, kacho_client_;
};

TEST_F(StaffConsole, RejectingNeedsAReasonAndWorksWhileACorrectionIsPending) {
  HttpClient guest(server_.port());
  std::string code;
  std::string receipt = submit_risai_as_guest(guest, &code);
  ASSERT_FALSE(receipt.empty());
  std::string case_path = staff_case_path(tanto(), receipt);
  ASSERT_FALSE(case_path.empty());
  Reply page = tanto().get(case_path);
  EXPECT_TRUE(has_button(page.body, "correction"));
  EXPECT_TRUE(has_button(page.body, "reject"));
  // Someone else's step offers neither, and posting it anyway is refused.
  EXPECT_FALSE(has_button(kacho().get(case_path).body, "reject"));
  EXPECT_EQ(staff_act(kacho(), case_path, "reject", "理由"), 403);

  ASSERT_EQ(staff_act(tanto(), case_path, "correction",
                      "屋根の写真をもう一枚ください。"),
            303);
  // The resident never answers: only rejecting is left, and it still needs a
  // reason.
  page = tanto().get(case_path);
  EXPECT_FALSE(has_button(page.body, "correction"));
  EXPECT_FALSE(has_button(page.body, "approve"));
  EXPECT_TRUE(has_button(page.body, "reject"));
  EXPECT_EQ(staff_act(tanto(), case_path, "reject", "　 "), 400);
  const int64_t before = row_version_of(tanto().get(case_path).body);
  ASSERT_EQ(staff_act(tanto(), case_path, "reject",
                      "期限までに写真の提出がありませんでした。"),
            303);

  page = tanto().get(case_path);
  EXPECT_NE(page.body.find("data-status=\"rejected\""), std::string::npos);
  EXPECT_FALSE(has_button(page.body, "reject"));
  EXPECT_NE(page.body.find("期限までに写真の提出がありませんでした。"),
            std::string::npos);
  EXPECT_NE(page.body.find("(防災 担当)"), std::string::npos); // who did it
  Reply status = guest_status(server_.port(), receipt, code);
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("data-status=\"rejected\""), std::string::npos)
      << status.body;
  EXPECT_NE(status.body.find("期限までに写真の提出がありませんでした。"),
            std::string::npos);
  // A decided case takes no more decisions (each action moves the row version
  // by one).
  EXPECT_EQ(act_at(tanto(), case_path, before + 1, "approve"), 400);
  EXPECT_EQ(act_at(tanto(), case_path, before + 1, "reject"), 400);
  EXPECT_NE(tanto().get(case_path).body.find("data-status=\"rejected\""),
            std::string::npos);
}

TEST_F(StaffConsole, AnApprovedCaseIsCompletedByAnyStaffOfTheDepartment) {
  HttpClient guest(server_.port());
  std::string code;
  std::string receipt = submit_risai_as_guest(guest, &code);
  ASSERT_FALSE(receipt.empty());
  std::string case_path = staff_case_path(tanto(), receipt);
  EXPECT_EQ(staff_act(tanto(), case_path, "complete"), 400); // not decided yet
  ASSERT_EQ(staff_decide(tanto(), case_path, risai_issued_decision()), 303);
  ASSERT_EQ(staff_act(tanto(), case_path, "approve"), 303);
  ASSERT_EQ(staff_act(kakari(), case_path, "approve"), 303);
  ASSERT_EQ(staff_act(kacho(), case_path, "approve"), 303);
  Reply page = tanto().get(case_path);
  EXPECT_NE(page.body.find("data-status=\"approved\""), std::string::npos);
  EXPECT_TRUE(has_button(page.body, "complete"));
  EXPECT_FALSE(has_button(page.body, "reject"));
  const int64_t before = row_version_of(page.body);
  ASSERT_EQ(staff_act(tanto(), case_path, "complete"), 303);
  page = tanto().get(case_path);
  EXPECT_NE(page.body.find("data-status=\"completed\""), std::string::npos);
  EXPECT_NE(page.body.find("id=\"status\" data-status=\"completed\""),
            std::string::npos);
  EXPECT_FALSE(has_button(page.body, "complete"));
  EXPECT_EQ(act_at(tanto(), case_path, before + 1, "complete"), 400);
  Reply status = guest_status(server_.port(), receipt, code);
  EXPECT_NE(status.body.find("data-status=\"completed\""), std::string::npos)
      << status.body;
}

// Guest status in a language: the language link sets the cookie the lookup then uses.
Reply guest_status_in(int port, const std::string &lang, const std::string &receipt,
                      const std::string &code) {
  HttpClient c(port);
  Reply form = c.get("/status?lang=" + lang);
  return c.post_form(
      "/status",
      {{"csrf", csrf_of(form.body)}, {"receipt", receipt}, {"code", code}});
}

TEST_F(StaffConsole, ARefusalWithItsReasonAndTheAppealReachesTheResidentInTheirLanguage) {
  HttpClient guest(server_.port());
  std::string code;
  std::string receipt = submit_risai_as_guest(guest, &code);
  ASSERT_FALSE(receipt.empty());
  std::string case_path = staff_case_path(tanto(), receipt);
  // Nothing recorded: no approval, and the page says why.
  Reply page = tanto().get(case_path);
  EXPECT_FALSE(has_button(page.body, "approve"));
  EXPECT_NE(page.body.find("id=\"decision-first\""), std::string::npos);
  EXPECT_EQ(staff_act(tanto(), case_path, "approve"), 400);
  // Only the role of the current step records the decision; a stale page gets "reload".
  EXPECT_EQ(staff_decide(kakari(), case_path, risai_issued_decision()), 403);
  const int64_t before = row_version_of(tanto().get(case_path).body);
  // A refusal without its reason comes back with the error and what was chosen.
  page = tanto().get(case_path);
  Reply incomplete = tanto().post_form(
      case_path + "/decision", {{"csrf", csrf_of(page.body)},
                                {"row_version", std::to_string(before)},
                                {"f.outcome", "refused"},
                                {"f.reason", ""}});
  ASSERT_EQ(incomplete.status, 200);
  EXPECT_NE(incomplete.body.find("m-error-summary"), std::string::npos);
  EXPECT_NE(incomplete.body.find("href=\"#f-reason\""), std::string::npos);
  EXPECT_NE(incomplete.body.find("value=\"refused\" checked"), std::string::npos);
  EXPECT_EQ(row_version_of(tanto().get(case_path).body), before) << "nothing saved";
  const std::string reason = "被害を受けた建物が住家ではない(倉庫)ため、交付できません。";
  ASSERT_EQ(staff_decide(tanto(), case_path,
                         {{"f.outcome", "refused"}, {"f.reason", reason}}),
            303);
  EXPECT_EQ(tanto()
                .post_form(case_path + "/decision",
                           {{"csrf", csrf_of(page.body)},
                            {"row_version", std::to_string(before)},
                            {"f.outcome", "issued"}})
                .status,
            409);
  page = tanto().get(case_path);
  EXPECT_NE(page.body.find("不交付"), std::string::npos);
  EXPECT_NE(page.body.find(reason), std::string::npos);
  // Not final yet: the resident sees no decision.
  Reply status = guest_status(server_.port(), receipt, code);
  EXPECT_EQ(status.body.find(reason), std::string::npos);
  EXPECT_EQ(status.body.find("id=\"outcome\""), std::string::npos);

  ASSERT_EQ(staff_act(tanto(), case_path, "approve"), 303);
  ASSERT_EQ(staff_act(kakari(), case_path, "approve"), 303);
  ASSERT_EQ(staff_act(kacho(), case_path, "approve"), 303);
  status = guest_status(server_.port(), receipt, code);
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("data-outcome=\"refused\">不交付<"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find(reason), std::string::npos);
  EXPECT_NE(status.body.find("3か月以内に、区長に対して審査請求"), std::string::npos);
  Reply en = guest_status_in(server_.port(), "en", receipt, code);
  ASSERT_EQ(en.status, 200);
  EXPECT_NE(en.body.find("data-outcome=\"refused\">Not issued<"), std::string::npos) << en.body;
  EXPECT_NE(en.body.find("If you disagree with this decision"), std::string::npos);
  EXPECT_NE(en.body.find("request a review"), std::string::npos);
  EXPECT_NE(en.body.find(reason), std::string::npos) << "the reason as staff wrote it";
}

TEST_F(StaffConsole, AGrantShowsTheResidentOnlyTheFieldsTheDefinitionShows) {
  HttpClient guest(server_.port());
  std::string code;
  std::string receipt = submit_risai_as_guest(guest, &code);
  ASSERT_FALSE(receipt.empty());
  std::string case_path = staff_case_path(tanto(), receipt);
  ASSERT_EQ(staff_decide(tanto(), case_path, risai_issued_decision()), 303);
  ASSERT_EQ(staff_act(tanto(), case_path, "approve"), 303);
  ASSERT_EQ(staff_act(kakari(), case_path, "approve"), 303);
  ASSERT_EQ(staff_act(kacho(), case_path, "approve"), 303);
  Reply status = guest_status(server_.port(), receipt, code);
  ASSERT_EQ(status.status, 200);
  EXPECT_NE(status.body.find("data-outcome=\"issued\">交付<"), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("被害の程度"), std::string::npos);
  EXPECT_NE(status.body.find("<dd>半壊</dd>"), std::string::npos);
  EXPECT_NE(status.body.find("2026年10月1日"), std::string::npos);
  EXPECT_EQ(status.body.find("id=\"appeal\""), std::string::npos);
  EXPECT_EQ(status.body.find("id=\"reason\""), std::string::npos);
}

TEST_F(StaffConsole, QueueFiltersSortsCountsAndHighlightsOverdueCases) {
  HttpClient guest(server_.port());
  std::string first = submit_risai_as_guest(guest);
  std::string second = submit_risai_as_guest(guest);
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  ASSERT_EQ(staff_act(tanto(), staff_case_path(tanto(), first), "correction",
                      "住所を確認してください。"),
            303);
  // The second was received later but is due earlier, and is overdue.
  set_due_date(server_.store_url(), second, "2001-01-05");

  Reply all = tanto().get("/staff");
  ASSERT_EQ(all.status, 200);
  auto pos = [](const Reply &r, const std::string &receipt) {
    return r.body.find(">" + receipt + "<");
  };
  ASSERT_NE(pos(all, first), std::string::npos);
  ASSERT_NE(pos(all, second), std::string::npos);
  EXPECT_LT(pos(all, first), pos(all, second)); // received order by default
  Reply by_due = tanto().get("/staff?sort=due");
  EXPECT_LT(pos(by_due, second), pos(by_due, first));
  EXPECT_NE(by_due.body.find("value=\"due\" checked"), std::string::npos);

  // Only the overdue row is highlighted, in the queue and on its case page.
  std::regex overdue_row(
      "<tr class=\"m-overdue-row\">\\s*<td><a [^>]*href=\"[^\"]+\"[^>]*>([^<]+)<");
  std::vector<std::string> highlighted;
  for (std::sregex_iterator it(all.body.begin(), all.body.end(), overdue_row),
       end;
       it != end; ++it) {
    highlighted.push_back((*it)[1]);
  }
  EXPECT_EQ(highlighted, std::vector<std::string>{second});
  EXPECT_NE(
      tanto().get(staff_case_path(tanto(), second)).body.find("m-overdue"),
      std::string::npos);
  EXPECT_EQ(tanto().get(staff_case_path(tanto(), first)).body.find("m-overdue"),
            std::string::npos);

  // Status filter and the counts per status.
  Reply corr = tanto().get("/staff?status=correction");
  EXPECT_NE(pos(corr, first), std::string::npos);
  EXPECT_EQ(pos(corr, second), std::string::npos);
  EXPECT_NE(
      corr.body.find("href=\"/staff?status=correction\" aria-current=\"true\""),
      std::string::npos);
  EXPECT_TRUE(std::regex_search(
      all.body,
      std::regex("status=correction\">[^<]+<span class=\"m-count\">1<")));
  EXPECT_TRUE(std::regex_search(
      all.body,
      std::regex("status=received\">[^<]+<span class=\"m-count\">1<")));
  // Procedure filter: this department's procedure shows both; another one shows
  // none.
  Reply risai = tanto().get("/staff?procedure=risai");
  EXPECT_NE(pos(risai, first), std::string::npos);
  EXPECT_NE(pos(risai, second), std::string::npos);
  EXPECT_NE(risai.body.find("value=\"risai\" selected"), std::string::npos);
  Reply other = tanto().get("/staff?procedure=juminhyo");
  EXPECT_EQ(pos(other, first), std::string::npos);
  EXPECT_EQ(pos(other, second), std::string::npos);
  // A closed case is never overdue, however late.
  set_due_date(server_.store_url(), first, "2001-01-05");
  ASSERT_EQ(staff_act(tanto(), staff_case_path(tanto(), first), "reject",
                      "取り下げの申し出がありました。"),
            303);
  EXPECT_EQ(tanto().get(staff_case_path(tanto(), first)).body.find("m-overdue"),
            std::string::npos);
}

} // namespace
} // namespace madoguchi::test
