// What issue #20 asked to be audited besides casework, on SQLite and PostgreSQL: guests'
// lookups (found and not found, and the pause after too many wrong codes) and staff's refused
// attempts on another department's case — never the access code typed. Guest lookups also
// hold their limit under parallel requests.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "applications/applications.h"
#include "applications/receipt.h"
#include "core/config.h"
#include "core/date.h"
#include "ja/business_days.h"
#include "ratelimit/ratelimit.h"
#include "steps/step.h"
#include "test_store.h"
#include "usecases/casework.h"
#include "usecases/follow.h"

namespace madoguchi::usecases {
namespace {

class AuditEvents : public test::MigratedStoreTest {
 protected:
  Env env() { return Env{*store_, catalog_, locales_, holidays_, config_, steps_}; }

  // A guest's application in the bousai department.
  applications::Receipt submitted() {
    applications::Receipt receipt;
    EXPECT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  auto d = applications::open_draft(tx, {"session-hash", std::nullopt}, "risai", "v1",
                                                    Json::object(), unix_now());
                  if (!d.ok()) return d.status();
                  auto r = applications::submit(tx, *d, "bousai", 0, today_jst(), "guest", unix_now());
                  if (!r.ok()) return r.status();
                  receipt = *r;
                  return Status::Ok();
                }).ok());
    return receipt;
  }

  // Every audit entry as "actor action object detail", oldest first.
  std::vector<std::string> entries() {
    std::vector<std::string> out;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto rows = tx.query("SELECT actor, action, object, detail FROM audit_log ORDER BY id");
                  if (!rows.ok()) return rows.status();
                  for (const auto& r : *rows) {
                    out.push_back(r.str(0) + " " + r.str(1) + " " + r.str(2) + " " + r.str(3));
                  }
                  return Status::Ok();
                }).ok());
    return out;
  }

  int64_t application_id(const std::string& receipt) {
    int64_t id = 0;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto a = applications::find_by_receipt(tx, receipt);
                  if (!a.ok()) return a.status();
                  id = a->id;
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

TEST_F(AuditEvents, GuestLookupsAreAuditedWithoutTheCode) {
  const auto receipt = submitted();
  const std::string id = std::to_string(application_id(receipt.receipt));
  auto found = guest_lookup(env(), receipt.receipt, receipt.access_code);
  ASSERT_TRUE(found.ok() && found->found);
  const std::string wrong = receipt.access_code == "00000000" ? "11111111" : "00000000";
  auto missed = guest_lookup(env(), receipt.receipt, wrong);
  ASSERT_TRUE(missed.ok());
  EXPECT_FALSE(missed->found);
  auto log = entries();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0], "guest guest.lookup application:" + id + " ");
  EXPECT_EQ(log[1], "guest guest.lookup_failed receipt:" + receipt.receipt + " ");
  for (const auto& e : log) {
    EXPECT_EQ(e.find(receipt.access_code), std::string::npos) << e;
    EXPECT_EQ(e.find(wrong), std::string::npos) << e;
  }
}

TEST_F(AuditEvents, TheLockoutOfAReceiptIsAuditedOnce) {
  const auto receipt = submitted();
  for (int i = 0; i < ratelimit::kAccessCode.max_failures + 3; ++i) {
    ASSERT_TRUE(guest_lookup(env(), receipt.receipt, "1234567" + std::to_string(i % 10)).ok());
  }
  int lockouts = 0, failures = 0;
  for (const auto& e : entries()) {
    if (e.find(" guest.lockout receipt:" + receipt.receipt + " until=") != std::string::npos) ++lockouts;
    if (e.find(" guest.lookup_failed ") != std::string::npos) ++failures;
  }
  EXPECT_EQ(lockouts, 1);
  EXPECT_LE(failures, ratelimit::kAccessCode.max_failures) << "refused lookups check nothing";
}

TEST_F(AuditEvents, FortyParallelGuessesOfAnAccessCodeGetNoMoreChecksThanTheLimit) {
  const auto receipt = submitted();
  std::atomic<int> checked{0}, refused{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i) {
    threads.emplace_back([&, i] {
      auto r = guest_lookup(env(), receipt.receipt, std::to_string(10000000 + i));
      if (!r.ok()) ++errors;
      else if (r->wait_seconds > 0) ++refused;
      else ++checked;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(checked.load(), ratelimit::kAccessCode.max_failures);
  EXPECT_EQ(refused.load(), 40 - ratelimit::kAccessCode.max_failures);
}

TEST_F(AuditEvents, AnotherDepartmentsCaseIsRefusedAndAudited) {
  const auto receipt = submitted();
  const int64_t id = application_id(receipt.receipt);
  const Staff other{7, "Suzuki", "shimin", "clerk"};
  auto view = open_case(env(), other, id);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), Status::Code::kNotFound) << "the same answer as for an unknown case";
  auto file = download_attachment(env(), other, id, "any");
  EXPECT_EQ(file.status().code(), Status::Code::kNotFound);
  Status act = act_on_case(env(), other, id, 1, cases::Action::kAssign, "");
  EXPECT_EQ(act.code(), Status::Code::kNotFound);
  const std::string target = " access.refused application:" + std::to_string(id) + " ";
  EXPECT_EQ(entries(), (std::vector<std::string>{"staff:7" + target + "case.view: another department",
                                                 "staff:7" + target + "attachment.download: another department",
                                                 "staff:7" + target + "case.assign: another department"}));
  // An unknown case is a 404 too, but nobody was refused anything: not audited.
  EXPECT_EQ(open_case(env(), other, id + 1000).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(entries().size(), 3u);
}

}  // namespace
}  // namespace madoguchi::usecases
