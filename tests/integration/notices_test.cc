// E-mail notices through a real SMTP conversation: the server, configured with
// an SMTP sink started by the test on 127.0.0.1, tells a signed-in resident by
// e-mail that the application was received, that staff ask for a correction,
// and that it was decided — in the language the resident used, with a link and
// without the answers. Residents without an address and guests get none; with
// mail_smtp unset nothing is queued at all.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>

#include "support/madoguchi_fixture.h"
#include "support/smtp_sink.h"

namespace madoguchi::test {
namespace {

// Signs in, applies for 住民票 and returns the receipt number ("" with a test failure).
std::string apply(HttpClient& c, const std::string& login) {
  return submit_juminhyo_signed_in(c, login, "resident-password-1");
}

std::string config_for(const SmtpSink& sink) {
  return "mail_smtp = \"" + sink.url() +
         "\"\n"
         "mail_from = \"no-reply@city.example.jp\"\n"
         "mail_from_name = \"大田区 窓口\"\n"
         "public_url = \"https://madoguchi.city.example.jp/\"\n"
         "mail_interval_seconds = 1\n";
}

TEST(Notices, AResidentIsToldOfReceiptCorrectionAndDecisionInTheirLanguage) {
  SmtpSink sink;
  MadoguchiServer server(config_for(sink));
  ASSERT_TRUE(server.add_resident("misaki", "resident-password-1", "佐藤 美咲", R"({"email":"Misaki@Example.jp"})"));
  ASSERT_TRUE(server.add_staff("kumin1", "staff-password-01", "区民 担当", "kuminka", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient resident(server.port());
  ASSERT_EQ(resident.get("/?lang=en").status,
            200);  // the resident reads English
  const std::string receipt = apply(resident, "misaki");
  ASSERT_FALSE(receipt.empty());

  auto mails = sink.wait_for(1);
  ASSERT_EQ(mails.size(), 1u) << server.output();
  const ReceivedMail& received = mails[0];
  EXPECT_EQ(received.mail_from, "no-reply@city.example.jp");
  ASSERT_EQ(received.rcpt_to.size(), 1u);
  EXPECT_EQ(received.rcpt_to[0], "Misaki@Example.jp") << "the profile's address";
  EXPECT_EQ(received.subject(), "Your application has been received (reference " + receipt + ")");
  EXPECT_NE(received.header("From").find("<no-reply@city.example.jp>"), std::string::npos);
  EXPECT_NE(received.header("Message-ID").find("@city.example.jp>"), std::string::npos);
  const std::string body = received.body();
  EXPECT_NE(body.find("Reference number: " + receipt), std::string::npos) << body;
  EXPECT_NE(body.find("https://madoguchi.city.example.jp/applications/" + receipt), std::string::npos) << body;
  EXPECT_NE(body.find("Expected decision by: "), std::string::npos) << body;
  for (const char* answer : {"佐藤", "美咲", "蒲田", "5744", "旅券センター"}) {
    EXPECT_EQ(body.find(answer), std::string::npos) << "an answer in the e-mail: " << answer;
    EXPECT_EQ(received.subject().find(answer), std::string::npos) << answer;
  }

  // Staff write in Japanese; the resident's notices stay in English.
  HttpClient staff(server.port());
  ASSERT_TRUE(sign_in(staff, "kumin1", "staff-password-01"));
  const std::string case_path = staff_case_path(staff, receipt);
  ASSERT_FALSE(case_path.empty());
  ASSERT_EQ(staff_act(staff, case_path, "correction", "電話番号をご確認ください。"), 303);
  mails = sink.wait_for(2);
  ASSERT_EQ(mails.size(), 2u) << server.output();
  EXPECT_EQ(mails[1].subject(), "Please correct your application (reference " + receipt + ")");
  EXPECT_NE(mails[1].body().find("https://madoguchi.city.example.jp/applications/" + receipt), std::string::npos);
  EXPECT_EQ(mails[1].body().find("電話番号"), std::string::npos) << "the staff message stays on the site";

  ASSERT_EQ(staff_act(staff, case_path, "reject", "本人確認ができませんでした。"), 303);
  mails = sink.wait_for(3);
  ASSERT_EQ(mails.size(), 3u) << server.output();
  EXPECT_EQ(mails[2].subject(), "A decision has been made on your application (reference " + receipt + ")");
  EXPECT_NE(mails[2].body().find("Result: "), std::string::npos) << mails[2].body();
  Reply metrics = resident.get("/metrics");
  EXPECT_NE(metrics.body.find("\nmadoguchi_outbox_waiting 0\n"), std::string::npos) << metrics.body;
  std::set<std::string> ids;
  for (const auto& m : mails) ids.insert(m.header("Message-ID"));
  EXPECT_EQ(ids.size(), 3u) << "each notice has its own Message-ID";
}

TEST(Notices, TheDecisionNoticeStatesTheRecordedOutcomeButNotTheReason) {
  SmtpSink sink;
  MadoguchiServer server(config_for(sink));
  ASSERT_TRUE(server.add_resident("misaki", "resident-password-1", "佐藤 美咲", R"({"email":"misaki@example.jp"})"));
  ASSERT_TRUE(server.add_staff("kumin1", "staff-password-01", "区民 担当", "kuminka", "tanto"));
  ASSERT_TRUE(server.add_staff("kumin2", "staff-password-02", "区民 係長", "kuminka", "kakaricho"));
  ASSERT_TRUE(server.add_staff("kumin3", "staff-password-03", "区民 課長", "kuminka", "kacho"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient resident(server.port());
  ASSERT_EQ(resident.get("/?lang=en").status, 200);
  const std::string receipt = apply(resident, "misaki");
  ASSERT_FALSE(receipt.empty());
  HttpClient tanto(server.port()), kakaricho(server.port()), kacho(server.port());
  ASSERT_TRUE(sign_in(tanto, "kumin1", "staff-password-01"));
  ASSERT_TRUE(sign_in(kakaricho, "kumin2", "staff-password-02"));
  ASSERT_TRUE(sign_in(kacho, "kumin3", "staff-password-03"));
  const std::string case_path = staff_case_path(tanto, receipt);
  ASSERT_EQ(staff_decide(tanto, case_path, {{"f.outcome", "refused"}, {"f.reason", "請求できる方ではありません。"}}),
            303);
  for (HttpClient* staff : {&tanto, &kakaricho, &kacho}) ASSERT_EQ(staff_act(*staff, case_path, "approve"), 303);
  auto mails = sink.wait_for(2);
  ASSERT_EQ(mails.size(), 2u) << server.output();
  EXPECT_NE(mails[1].body().find("Result: Not issued"), std::string::npos) << mails[1].body();
  EXPECT_EQ(mails[1].body().find("請求できる方"), std::string::npos) << "the reason stays on the site";
}

TEST(Notices, NoneForResidentsWithoutAnAddressForGuestsOrWithMailOff) {
  SmtpSink sink;
  {
    MadoguchiServer server(config_for(sink));
    ASSERT_TRUE(server.add_resident("noaddr", "resident-password-1", "佐藤 美咲"));
    ASSERT_TRUE(server.add_resident("ja", "resident-password-1", "佐藤 美咲", R"({"email":"ja@example.jp"})"));
    ASSERT_TRUE(server.start()) << server.output();
    HttpClient without(server.port());
    ASSERT_FALSE(apply(without, "noaddr").empty());
    HttpClient guest(server.port());
    ASSERT_FALSE(submit_risai_as_guest(guest).empty());
    // A later notice arriving proves the earlier ones had their chance: it is
    // the only one.
    HttpClient ja(server.port());
    const std::string receipt = apply(ja, "ja");
    ASSERT_FALSE(receipt.empty());
    auto mails = sink.wait_for(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // one more delivery round
    mails = sink.received();
    ASSERT_EQ(mails.size(), 1u);
    EXPECT_EQ(mails[0].rcpt_to.at(0), "ja@example.jp");
    EXPECT_EQ(mails[0].subject(), "【窓口】申請を受け付けました(受付番号 " + receipt + ")") << "ja by default";
  }
  MadoguchiServer off;  // no mail_smtp
  ASSERT_TRUE(off.add_resident("ja", "resident-password-1", "佐藤 美咲", R"({"email":"ja@example.jp"})"));
  ASSERT_TRUE(off.start()) << off.output();
  HttpClient ja(off.port());
  ASSERT_FALSE(apply(ja, "ja").empty());
  std::string out;
  ASSERT_EQ(off.stop(), 0);
  ASSERT_EQ(off.cli("export --out -", "", &out), 0);
  const auto first = out.find("ja@example.jp");
  ASSERT_NE(first, std::string::npos) << "the profile holds it";
  EXPECT_EQ(out.find("ja@example.jp", first + 1), std::string::npos) << "nothing queued with mail off";
}

// A relay that refuses for a moment: the notice stays in the outbox with the
// relay's answer, due again after the back-off (a minute; the retry itself is
// tests/unit/outbox_test.cc's).
TEST(Notices, ARefusedNoticeStaysQueuedWithTheRelaysAnswer) {
  SmtpSink sink;
  sink.refuse_next(1);
  MadoguchiServer server(config_for(sink));
  ASSERT_TRUE(server.add_resident("misaki", "resident-password-1", "佐藤 美咲", R"({"email":"misaki@example.jp"})"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  ASSERT_FALSE(apply(c, "misaki").empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_TRUE(sink.received().empty());
  Reply metrics = c.get("/metrics");
  EXPECT_NE(metrics.body.find("\nmadoguchi_outbox_waiting 1\n"), std::string::npos) << metrics.body;
  ASSERT_EQ(server.stop(), 0);
  std::string out;
  ASSERT_EQ(server.cli("export --out -", "", &out), 0);
  EXPECT_NE(out.find("\"attempts\":1,"), std::string::npos) << "one attempt recorded";
  EXPECT_NE(out.find("\"last_error\":\"smtp: the relay answered 451"), std::string::npos)
      << "the relay's answer is kept for an operator";
  EXPECT_EQ(out.find("\"sent_at\":1"), std::string::npos) << "not marked sent";
}

}  // namespace
}  // namespace madoguchi::test
