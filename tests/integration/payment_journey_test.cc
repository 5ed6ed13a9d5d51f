// Paying a fee through HTTP (issue #22), against the real binary: a resident applies for
// 住民票の写し (2 copies = 600円), the department reviews and approves it, the resident pays in
// the sandbox gateway (a double click opens one checkout), the browser comes back, staff
// complete the case only once it is paid and find the payment in the reconciliation report.
// Notifications posted to the webhook route: a forged one is refused (403), a repeated one
// changes nothing, and the browser can come back before the notification.
#include <gtest/gtest.h>

#include <regex>

#include "core/date.h"
#include "payments/sandbox/sandbox.h"
#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

std::string submit_juminhyo(HttpClient& c, const std::string& copies) {
  Reply proc = c.get("/procedures/juminhyo");
  EXPECT_NE(proc.body.find("300"), std::string::npos) << "the fee is shown before starting";
  Reply start = c.post_form("/procedures/juminhyo/start", {{"csrf", csrf_of(proc.body)}});
  std::string trace, body;
  std::string check = walk_to_check(c, location_of(start), juminhyo_answers(copies), &trace, &body);
  EXPECT_FALSE(check.empty()) << trace << body;
  Reply summary = c.get(check);
  EXPECT_NE(summary.body.find("600"), std::string::npos) << "the fee on the check page";
  Reply posted = c.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
  Reply done = c.get(location_of(posted));
  std::smatch m;
  if (!std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re"))) return "";
  return m[1];
}

bool has_button(const std::string& html, const std::string& action) {
  return html.find("name=\"action\" value=\"" + action + "\"") != std::string::npos;
}

std::string signed_header(const MadoguchiServer& server, const std::string& body) {
  auto key = payments::sandbox::load_key((server.dir() / "sandbox-pay.key").string());
  EXPECT_TRUE(key.ok());
  return payments::sandbox::sign(key.ok() ? *key : "", unix_now(), body);
}

class PaymentJourney : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.add_resident("misaki", "resident-password-1", "佐藤 美咲", "{}"));
    ASSERT_TRUE(server_.add_staff("kumin1", "staff-password-01", "区民 担当", "kuminka", "tanto"));
    ASSERT_TRUE(server_.add_staff("kumin2", "staff-password-02", "区民 係長", "kuminka", "kakaricho"));
    ASSERT_TRUE(server_.add_staff("kumin3", "staff-password-03", "区民 課長", "kuminka", "kacho"));
    ASSERT_TRUE(server_.start()) << server_.output();
    resident_ = std::make_unique<HttpClient>(server_.port());
    tanto_ = std::make_unique<HttpClient>(server_.port());
    kakari_ = std::make_unique<HttpClient>(server_.port());
    kacho_ = std::make_unique<HttpClient>(server_.port());
    ASSERT_TRUE(sign_in(*resident_, "misaki", "resident-password-1"));
    ASSERT_TRUE(sign_in(*tanto_, "kumin1", "staff-password-01"));
    ASSERT_TRUE(sign_in(*kakari_, "kumin2", "staff-password-02"));
    ASSERT_TRUE(sign_in(*kacho_, "kumin3", "staff-password-03"));
  }

  // Submitted (2 copies), decided "issued" and approved along the whole route; sets receipt_
  // and case_path_.
  void approve_an_application() {
    receipt_ = submit_juminhyo(*resident_, "2");
    ASSERT_FALSE(receipt_.empty());
    case_path_ = staff_case_path(*tanto_, receipt_);
    ASSERT_FALSE(case_path_.empty());
    // Reviewed before payment (payment: {when: after_review}): nothing is owed yet.
    EXPECT_EQ(resident_->get("/applications/" + receipt_).body.find("id=\"payment\""), std::string::npos);
    ASSERT_EQ(staff_decide(*tanto_, case_path_, {{"f.outcome", "issued"}}), 303);
    ASSERT_EQ(staff_act(*tanto_, case_path_, "approve"), 303);
    ASSERT_EQ(staff_act(*kakari_, case_path_, "approve"), 303);
    ASSERT_EQ(staff_act(*kacho_, case_path_, "approve"), 303);
  }

  // Presses the pay button on the application's page; returns the answer.
  Reply press_pay() {
    Reply page = resident_->get("/applications/" + receipt_);
    return resident_->post_form("/applications/" + receipt_ + "/pay", {{"csrf", csrf_of(page.body)}});
  }

  MadoguchiServer server_;
  std::unique_ptr<HttpClient> resident_, tanto_, kakari_, kacho_;
  std::string receipt_, case_path_;
};

TEST_F(PaymentJourney, AResidentPays600YenInTheSandboxAndOnlyThenStaffComplete) {
  ASSERT_NO_FATAL_FAILURE(approve_an_application());
  Reply page = resident_->get("/applications/" + receipt_);
  EXPECT_NE(page.body.find("data-payment=\"due\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("600"), std::string::npos);
  EXPECT_NE(page.body.find("action=\"/applications/" + receipt_ + "/pay\""), std::string::npos);

  // Unpaid: no "complete" button, and the action itself is refused.
  Reply case_page = tanto_->get(case_path_);
  EXPECT_NE(case_page.body.find("data-status=\"approved\""), std::string::npos);
  EXPECT_FALSE(has_button(case_page.body, "complete"));
  EXPECT_EQ(staff_act(*tanto_, case_path_, "complete"), 400);

  // A double click: the same checkout both times.
  Reply first = press_pay();
  Reply second = press_pay();
  ASSERT_EQ(first.status, 303);
  const std::string checkout = location_of(first);
  EXPECT_EQ(checkout.rfind("/sandbox-pay/sbx_", 0), 0u) << checkout;
  EXPECT_EQ(location_of(second), checkout);

  Reply gateway = resident_->get(checkout);
  ASSERT_EQ(gateway.status, 200);
  EXPECT_NE(gateway.body.find("600"), std::string::npos);
  Reply paid = resident_->post_form(checkout, {{"csrf", csrf_of(gateway.body)}, {"choice", "pay"}});
  ASSERT_EQ(paid.status, 303);
  const std::string back = location_of(paid);
  EXPECT_EQ(back.rfind("/pay/return/", 0), 0u) << back;
  // Paying the same checkout again charges nothing: back to the result.
  EXPECT_EQ(location_of(resident_->post_form(checkout, {{"csrf", csrf_of(gateway.body)}, {"choice", "pay"}})), back);
  Reply result = resident_->get(back);
  EXPECT_NE(result.body.find("data-payment=\"paid\""), std::string::npos) << result.body;
  EXPECT_NE(resident_->get("/applications/" + receipt_).body.find("data-payment=\"paid\""), std::string::npos);
  // Pressing pay once paid opens nothing.
  EXPECT_EQ(location_of(press_pay()), "/applications/" + receipt_);

  case_page = tanto_->get(case_path_);
  EXPECT_TRUE(has_button(case_page.body, "complete"));
  EXPECT_EQ(staff_act(*tanto_, case_path_, "complete"), 303);

  // The department's payments and the day's reconciliation report.
  Reply day = tanto_->get("/staff/payments");
  ASSERT_EQ(day.status, 200);
  EXPECT_NE(day.body.find(receipt_), std::string::npos);
  Reply csv = tanto_->get("/staff/payments/reconciliation?date=" + today_jst().iso());
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.header("content-type").find("text/csv"), std::string::npos);
  EXPECT_NE(csv.header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_NE(csv.body.find("," + receipt_ + ",juminhyo,600,sandbox,sbx_"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("net,,,,600,"), std::string::npos) << csv.body;
  // Residents never reach the staff's payments.
  EXPECT_EQ(resident_->get("/staff/payments").status, 303);

  ASSERT_EQ(server_.stop(), 0);
  std::string out;
  ASSERT_EQ(server_.cli("audit verify", "", &out), 0) << out;
}

TEST_F(PaymentJourney, TheBrowserComesBackBeforeTheNotificationAndForgeriesAreRefused) {
  ASSERT_NO_FATAL_FAILURE(approve_an_application());
  Reply go = press_pay();
  const std::string checkout = location_of(go);
  Reply gateway = resident_->get(checkout);
  Reply paid = resident_->post_form(checkout, {{"csrf", csrf_of(gateway.body)}, {"choice", "pay_later"}});
  const std::string back = location_of(paid);
  // The money is taken but Madoguchi has not been told: the page says it is waiting.
  EXPECT_NE(resident_->get(back).body.find("data-payment=\"pending\""), std::string::npos);
  EXPECT_FALSE(has_button(tanto_->get(case_path_).body, "complete"));

  // The gateway's late notification, as it would post it.
  const std::string token = back.substr(std::string("/pay/return/").size());
  const std::string sbx = checkout.substr(std::string("/sandbox-pay/").size());
  const std::string body = std::string(R"({"id":"evt_late","type":"payment.succeeded","checkout":")") + sbx +
                           R"(","merchant_reference":")" + token + R"(","amount":600,"currency":"JPY"})";
  HttpClient gatewaybot(server_.port());
  // Forged: signed with another key, or not signed. Refused, and nothing changes.
  const std::string forged = payments::sandbox::sign(std::string(32, 'x'), unix_now(), body);
  EXPECT_EQ(gatewaybot.request("POST", "/payments/webhook/sandbox", body, "application/json",
                               {{"Sandbox-Signature", forged}})
                .status,
            403);
  EXPECT_EQ(gatewaybot.request("POST", "/payments/webhook/sandbox", body, "application/json").status, 403);
  EXPECT_EQ(gatewaybot.request("POST", "/payments/webhook/nosuch", body, "application/json",
                               {{"Sandbox-Signature", signed_header(server_, body)}})
                .status,
            403);
  EXPECT_NE(resident_->get(back).body.find("data-payment=\"pending\""), std::string::npos);

  Reply ok = gatewaybot.request("POST", "/payments/webhook/sandbox", body, "application/json",
                                {{"Sandbox-Signature", signed_header(server_, body)}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "paid\n");
  Reply again = gatewaybot.request("POST", "/payments/webhook/sandbox", body, "application/json",
                                   {{"Sandbox-Signature", signed_header(server_, body)}});
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, "repeated\n");
  EXPECT_NE(resident_->get(back).body.find("data-payment=\"paid\""), std::string::npos);
  EXPECT_TRUE(has_button(tanto_->get(case_path_).body, "complete"));
}

}  // namespace
}  // namespace madoguchi::test
