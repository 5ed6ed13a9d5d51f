// Payments (issue #22): the payment step plugged in by a definition, every state of an
// attempt, notifications that repeat, arrive out of order, carry a wrong amount or a forged
// signature, refunds (full, partial, over-refund refused), expiry and the reconciliation
// report's totals. On SQLite and, in the PostgreSQL run, on PostgreSQL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "applications/applications.h"
#include "auth/accounts.h"
#include "core/date.h"
#include "payments/payments.h"
#include "payments/sandbox/sandbox.h"
#include "steps/step.h"
#include "test_store.h"
#include "usecases/casework.h"
#include "usecases/drafts.h"
#include "usecases/pay.h"
#include "usecases/pay_staff.h"
#include "usecases/submit.h"

namespace madoguchi::payments {
namespace {

namespace fs = std::filesystem;

const char* kOrg = R"(departments: {kuminka: {ja: 区民課}, bousai: {ja: 防災課}}
roles: {tanto: {title: {ja: 担当}, rank: 1}, kacho: {title: {ja: 課長}, rank: 3}}
categories: {certificates: {ja: 証明書}}
life_events: {moving: {ja: 引越し}}
)";

std::string procedure(const std::string& id, const std::string& when) {
  return "id: " + id + R"(
source: テスト用
title: {ja: テスト}
summary: {ja: テスト}
department: kuminka
category: certificates
fee: {yen: 300, per_copy_field: copies}
payment: {when: )" + when + R"(}
steps: [payment]
identity: none
processing_days: 1
channels: [online]
route: [tanto, kacho]
pages:
  - id: only
    title: {ja: ページ}
    fields:
      - id: copies
        type: integer
        label: {ja: 通数}
        required: true
        min: 0
        max: 10
)";
}

class Payments : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    dir_ = fs::temp_directory_path() / ("madoguchi_pay_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    std::ofstream(dir_ / "organisation.yaml") << kOrg;
    std::ofstream(dir_ / "before.yaml") << procedure("pay-before", "before_review");
    std::ofstream(dir_ / "after.yaml") << procedure("pay-after", "after_review");
    std::vector<procedures::Problem> problems;
    auto catalog = procedures::Catalog::load(dir_.string(), &problems);
    ASSERT_TRUE(catalog.ok());
    ASSERT_TRUE(problems.empty()) << problems[0].message;
    catalog_ = std::move(*catalog);
    auto locales = Locales::load(std::string(MADOGUCHI_SOURCE_DIR) + "/locales");
    ASSERT_TRUE(locales.ok());
    locales_ = std::move(*locales);
    key_ = std::string(32, 'k');
    providers_.add(std::make_unique<sandbox::Gateway>(*store_, key_));
    ASSERT_TRUE(providers_.set_active("sandbox"));
  }
  void TearDown() override {
    fs::remove_all(dir_);
    MigratedStoreTest::TearDown();
  }

  usecases::Env env() { return usecases::Env{*store_, catalog_, locales_, holidays_, config_, steps_, &providers_}; }

  // A guest applies for `procedure_id` with `copies`; returns the application.
  applications::Application apply(const std::string& procedure_id, const std::string& copies) {
    const procedures::Procedure* p = catalog_.find(procedure_id);
    EXPECT_NE(p, nullptr);
    std::string token;
    auth::Session session;
    EXPECT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  auto created = auth::create_session(tx, std::nullopt, unix_now(), std::chrono::hours(1), &token);
                  if (!created.ok()) return created.status();
                  session = *created;
                  return Status::Ok();
                }).ok());
    auto draft = usecases::open_draft(env(), {session.token_hash, std::nullopt}, *p, usecases::Json::object());
    EXPECT_TRUE(draft.ok());
    draft->answers["copies"] = copies;
    auto out = usecases::submit_draft(env(), {session.token_hash, std::nullopt, "ja"}, *draft, *p,
                                      forms::Context{locales_, "ja", today_jst()});
    EXPECT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(out->kind, usecases::SubmitOutcome::Kind::kSubmitted);
    return application(out->receipt);
  }

  applications::Application application(const std::string& receipt) {
    applications::Application a;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto r = applications::find_by_receipt(tx, receipt);
                  if (!r.ok()) return r.status();
                  a = *r;
                  return Status::Ok();
                }).ok());
    return a;
  }

  Standing standing_of(int64_t application_id) {
    Standing s;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto r = standing(tx, application_id);
                  if (!r.ok()) return r.status();
                  s = *r;
                  return Status::Ok();
                }).ok());
    return s;
  }

  // The attempt the pay button leads to, with its sandbox checkout opened.
  Payment start(const applications::Application& a) {
    Payment p;
    EXPECT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  auto r = attempt_to_pay(tx, a.id, unix_now());
                  if (!r.ok()) return r.status();
                  p = *r;
                  return Status::Ok();
                }).ok());
    return p;
  }

  // A notification as the sandbox would sign it.
  std::string body(const std::string& event, const std::string& type, const Payment& p, int64_t amount) {
    return nlohmann::json{{"id", event},
                          {"type", type},
                          {"checkout", "sbx_test"},
                          {"merchant_reference", p.token},
                          {"amount", amount},
                          {"currency", "JPY"}}
        .dump();
  }
  Result<Applied> notify(const std::string& b, const std::string& key = "") {
    const Headers h = {{sandbox::kSignatureHeader, sandbox::sign(key.empty() ? key_ : key, unix_now(), b)}};
    return usecases::receive_notification(env(), "sandbox", h, b);
  }

  int64_t audit_count(const std::string& action) {
    int64_t n = 0;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto r = tx.query("SELECT count(*) FROM audit_log WHERE action = ?", {action});
                  if (!r.ok()) return r.status();
                  n = r->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    return n;
  }

  fs::path dir_;
  procedures::Catalog catalog_;
  Locales locales_;
  Holidays holidays_;
  Config config_;
  steps::Registry steps_ = steps::Registry::builtin();
  Providers providers_;
  std::string key_;
};

TEST_F(Payments, BeforeReviewTheApplicationWaitsUnpaidAndReachesTheDepartmentWhenPaid) {
  auto a = apply("pay-before", "2");
  EXPECT_EQ(a.fee, 600);  // 300 yen per copy, integer yen
  EXPECT_EQ(a.status, "awaiting_payment");
  Standing s = standing_of(a.id);
  ASSERT_EQ(s.attempts.size(), 1u);
  EXPECT_EQ(s.latest().status, "pending");
  EXPECT_EQ(s.latest().amount, 600);
  EXPECT_NEAR(static_cast<double>(s.latest().expires_at - unix_now()), 72.0 * 3600, 60);

  Payment p = start(a);
  auto r = notify(body("evt_1", "payment.succeeded", p, 600));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, Applied::kPaid);
  EXPECT_EQ(application(a.receipt).status, "received");
  EXPECT_TRUE(standing_of(a.id).paid());
}

TEST_F(Payments, AZeroFeeSkipsThePayment) {
  auto a = apply("pay-before", "0");
  EXPECT_EQ(a.fee, 0);
  EXPECT_EQ(a.status, "received");
  EXPECT_FALSE(standing_of(a.id).owes());
}

TEST_F(Payments, ADoubleClickLeadsToOneAttemptAndOneCheckout) {
  auto a = apply("pay-before", "1");
  Payment first = start(a);
  Payment second = start(a);
  EXPECT_EQ(first.id, second.id);
  auto c1 = providers_.active()->start_checkout({first.token, 300, "x", "/r", first.expires_at});
  auto c2 = providers_.active()->start_checkout({first.token, 300, "x", "/r", first.expires_at});
  ASSERT_TRUE(c1.ok() && c2.ok());
  EXPECT_EQ(c1->provider_ref, c2->provider_ref);
  EXPECT_EQ(c1->redirect_url, c2->redirect_url);
  // Paying the checkout twice charges once.
  auto* gw = dynamic_cast<sandbox::Gateway*>(providers_.active());
  ASSERT_TRUE(gw->choose(c1->provider_ref, sandbox::Choice::kPay, unix_now()).ok());
  auto again = gw->choose(c1->provider_ref, sandbox::Choice::kPay, unix_now());
  EXPECT_EQ(again.status().code(), Status::Code::kConflict);
}

TEST_F(Payments, RepeatedAndOutOfOrderNotificationsChangeNothingTwice) {
  auto a = apply("pay-before", "1");
  Payment p = start(a);
  ASSERT_EQ(*notify(body("evt_paid", "payment.succeeded", p, 300)), Applied::kPaid);
  EXPECT_EQ(*notify(body("evt_paid", "payment.succeeded", p, 300)), Applied::kRepeated);
  // A failure arriving after the payment does not undo it.
  EXPECT_EQ(*notify(body("evt_fail", "payment.failed", p, 300)), Applied::kIgnored);
  Standing s = standing_of(a.id);
  ASSERT_EQ(s.attempts.size(), 1u);
  EXPECT_EQ(s.latest().status, "paid");
  // One "paid" event in the history, however often it was told.
  std::vector<applications::Event> events;
  ASSERT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                auto r = applications::events(tx, a.id);
                if (!r.ok()) return r.status();
                events = *r;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(std::count_if(events.begin(), events.end(), [](const auto& e) { return e.action == "paid"; }), 1);
}

TEST_F(Payments, AFailureLetsTheResidentTryAgainByTheSameDeadline) {
  auto a = apply("pay-before", "1");
  Payment p = start(a);
  ASSERT_EQ(*notify(body("evt_f", "payment.failed", p, 300)), Applied::kFailed);
  EXPECT_EQ(application(a.receipt).status, "awaiting_payment");
  Payment retry = start(a);
  EXPECT_NE(retry.id, p.id);
  EXPECT_NE(retry.token, p.token);
  EXPECT_EQ(retry.expires_at, p.expires_at);
  EXPECT_EQ(retry.status, "pending");
  ASSERT_EQ(*notify(body("evt_p", "payment.succeeded", retry, 300)), Applied::kPaid);
  // Paid: the button leads nowhere any more.
  Status s = store::with_write(*store_, [&](store::Transaction& tx) { return attempt_to_pay(tx, a.id, unix_now()).status(); });
  EXPECT_EQ(s.code(), Status::Code::kConflict);
}

TEST_F(Payments, AWrongAmountMarksNothingPaidAndIsAudited) {
  auto a = apply("pay-before", "2");
  Payment p = start(a);
  EXPECT_EQ(*notify(body("evt_m", "payment.succeeded", p, 300)), Applied::kAmountMismatch);
  EXPECT_EQ(standing_of(a.id).latest().status, "pending");
  EXPECT_EQ(application(a.receipt).status, "awaiting_payment");
  EXPECT_EQ(audit_count("payment.notification"), 1);
}

TEST_F(Payments, AForgedOrStaleSignatureIsRefusedAndAudited) {
  auto a = apply("pay-before", "1");
  Payment p = start(a);
  const std::string b = body("evt_x", "payment.succeeded", p, 300);
  auto forged = notify(b, std::string(32, 'x'));
  EXPECT_EQ(forged.status().code(), Status::Code::kPermissionDenied);
  // The right key over other bytes.
  const Headers tampered = {{sandbox::kSignatureHeader, sandbox::sign(key_, unix_now(), b)}};
  std::string changed = b;
  changed.replace(changed.find("300"), 3, "30 ");
  EXPECT_EQ(usecases::receive_notification(env(), "sandbox", tampered, changed).status().code(),
            Status::Code::kPermissionDenied);
  // An old signature: a replay.
  const Headers old = {{sandbox::kSignatureHeader, sandbox::sign(key_, unix_now() - 3600, b)}};
  EXPECT_EQ(usecases::receive_notification(env(), "sandbox", old, b).status().code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(usecases::receive_notification(env(), "sandbox", {}, b).status().code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(usecases::receive_notification(env(), "nope", tampered, b).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(audit_count("payment.notification_refused"), 4);
  EXPECT_EQ(standing_of(a.id).latest().status, "pending");
  EXPECT_EQ(application(a.receipt).status, "awaiting_payment");
}

TEST_F(Payments, UnpaidApplicationsExpireAndPaidOnesDoNot) {
  auto unpaid = apply("pay-before", "1");
  auto paid = apply("pay-before", "1");
  ASSERT_EQ(*notify(body("evt_ok", "payment.succeeded", start(paid), 300)), Applied::kPaid);
  const int64_t later = unix_now() + 73 * 3600;
  std::vector<applications::Application> expired;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                auto r = expire_due(tx, later);
                if (!r.ok()) return r.status();
                expired = *r;
                return Status::Ok();
              }).ok());
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].receipt, unpaid.receipt);
  EXPECT_EQ(application(unpaid.receipt).status, "expired");
  EXPECT_EQ(standing_of(unpaid.id).latest().status, "expired");
  EXPECT_TRUE(standing_of(unpaid.id).expired());
  EXPECT_EQ(application(paid.receipt).status, "received");
  // Past the deadline the button leads nowhere.
  Status s = store::with_write(*store_, [&](store::Transaction& tx) { return attempt_to_pay(tx, unpaid.id, later).status(); });
  EXPECT_EQ(s.code(), Status::Code::kInvalid);
  // The job does the same through the runner and tells nobody twice.
  auto jobs = usecases::payment_jobs(env(), std::chrono::seconds(60));
  ASSERT_EQ(jobs[0].name, "expire-payments");
  Result<int64_t> n = 0;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                n = jobs[0].work(tx, later);
                return n.status();
              }).ok());
  EXPECT_EQ(*n, 0);
}

TEST_F(Payments, AfterReviewTheCaseIsApprovedFirstAndCannotBeCompletedUnpaid) {
  auto a = apply("pay-after", "2");
  EXPECT_EQ(a.status, "received");
  EXPECT_FALSE(standing_of(a.id).owes());
  const usecases::Staff tanto{1, "担当", "kuminka", "tanto"}, kacho{2, "課長", "kuminka", "kacho"};
  ASSERT_TRUE(usecases::act_on_case(env(), tanto, a.id, a.row_version, cases::Action::kApprove, "").ok());
  a = application(a.receipt);
  ASSERT_TRUE(usecases::act_on_case(env(), kacho, a.id, a.row_version, cases::Action::kApprove, "").ok());
  a = application(a.receipt);
  EXPECT_EQ(a.status, "approved");
  ASSERT_TRUE(standing_of(a.id).owes());
  auto file = usecases::open_case(env(), tanto, a.id);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->held, "payment.hold");
  EXPECT_EQ(std::count(file->allowed.begin(), file->allowed.end(), cases::Action::kComplete), 0);
  EXPECT_EQ(usecases::act_on_case(env(), tanto, a.id, a.row_version, cases::Action::kComplete, "").code(),
            Status::Code::kInvalid);
  ASSERT_EQ(*notify(body("evt_after", "payment.succeeded", start(a), 600)), Applied::kPaid);
  EXPECT_EQ(application(a.receipt).status, "approved");  // paying after review changes no status
  file = usecases::open_case(env(), tanto, a.id);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->held, "");
  EXPECT_TRUE(usecases::act_on_case(env(), tanto, a.id, a.row_version, cases::Action::kComplete, "").ok());
}

TEST_F(Payments, RefundsFullPartialAndNeverMoreThanPaid) {
  auto a = apply("pay-before", "2");
  Payment p = start(a);
  auto co = providers_.active()->start_checkout({p.token, 600, "x", "/r", p.expires_at});
  ASSERT_TRUE(co.ok());
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                return set_checkout(tx, p.id, "sandbox", *co, unix_now()).status();
              }).ok());
  auto* gw = dynamic_cast<sandbox::Gateway*>(providers_.active());
  ASSERT_TRUE(usecases::sandbox_choose(env(), co->provider_ref, sandbox::Choice::kPay).ok());
  ASSERT_TRUE(standing_of(a.id).paid()) << "the sandbox's notification was delivered at once";
  (void)gw;

  const usecases::Staff tanto{1, "担当", "kuminka", "tanto"}, kacho{2, "課長", "kuminka", "kacho"},
      other{3, "防災 課長", "bousai", "kacho"};
  EXPECT_EQ(usecases::refund_payment(env(), tanto, p.id, 100, "誤って2通").code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(usecases::refund_payment(env(), other, p.id, 100, "誤って2通").code(), Status::Code::kNotFound);
  EXPECT_EQ(usecases::refund_payment(env(), kacho, p.id, 300, "　").code(), Status::Code::kInvalid);
  EXPECT_EQ(usecases::refund_payment(env(), kacho, p.id, 0, "理由").code(), Status::Code::kInvalid);
  EXPECT_EQ(usecases::refund_payment(env(), kacho, p.id, 601, "理由").code(), Status::Code::kInvalid);
  ASSERT_TRUE(usecases::refund_payment(env(), kacho, p.id, 300, "1通のみ交付").ok());
  Standing s = standing_of(a.id);
  EXPECT_EQ(s.latest().status, "paid");
  EXPECT_EQ(s.latest().refunded, 300);
  EXPECT_EQ(usecases::refund_payment(env(), kacho, p.id, 301, "残り以上").code(), Status::Code::kInvalid);
  ASSERT_TRUE(usecases::refund_payment(env(), kacho, p.id, 300, "取り下げ").ok());
  s = standing_of(a.id);
  EXPECT_EQ(s.latest().status, "refunded");
  EXPECT_EQ(s.latest().refunded, 600);
  EXPECT_EQ(usecases::refund_payment(env(), kacho, p.id, 1, "もう一度").code(), Status::Code::kInvalid);
  EXPECT_EQ(audit_count("payment.refund"), 2);

  // The day's report: every payment and refund, and totals equal to the lines' sums.
  auto csv = usecases::reconciliation_csv(env(), kacho, today_jst());
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(csv->rfind("\xEF\xBB\xBF", 0), 0u) << "UTF-8 with a BOM";
  EXPECT_NE(csv->find("payment,"), std::string::npos);
  EXPECT_NE(csv->find("," + a.receipt + ",pay-before,600,sandbox," + co->provider_ref + "," + p.token), std::string::npos)
      << *csv;
  EXPECT_NE(csv->find(",-300,sandbox,sbx_rf_"), std::string::npos) << *csv;
  EXPECT_NE(csv->find("total_paid,,,,600,"), std::string::npos) << *csv;
  EXPECT_NE(csv->find("total_refunded,,,,-600,"), std::string::npos) << *csv;
  EXPECT_NE(csv->find("net,,,,0,"), std::string::npos) << *csv;
  auto day = usecases::department_payments(env(), kacho, today_jst());
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->paid_total, 600);
  EXPECT_EQ(day->refunded_total, 600);
  // Another department sees none of it.
  auto theirs = usecases::reconciliation_csv(env(), other, today_jst());
  ASSERT_TRUE(theirs.ok());
  EXPECT_EQ(theirs->find(a.receipt), std::string::npos);
  EXPECT_NE(theirs->find("total_paid,,,,0,"), std::string::npos);
  EXPECT_EQ(audit_count("payments.reconciliation"), 2);
}

TEST_F(Payments, TheDefinitionIsChecked) {
  std::ofstream(dir_ / "bad.yaml") << procedure("pay-bad", "before_review").replace(
      procedure("pay-bad", "before_review").find("steps: [payment]"), 16, "steps: []");
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(dir_.string(), &problems);
  ASSERT_TRUE(catalog.ok());
  auto found = steps_.check(*catalog);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_NE(found[0].message.find("payment step is not in 'steps:'"), std::string::npos) << found[0].message;
  EXPECT_EQ(found[0].line, 8);
  std::ofstream(dir_ / "bad.yaml") << procedure("pay-bad", "whenever");
  problems.clear();
  ASSERT_TRUE(procedures::Catalog::load(dir_.string(), &problems).ok());
  bool named = false;
  for (const auto& pr : problems) named |= pr.message.find("before_review or after_review") != std::string::npos;
  EXPECT_TRUE(named);
}

}  // namespace
}  // namespace madoguchi::payments
