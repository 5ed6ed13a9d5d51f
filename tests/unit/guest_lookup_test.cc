// A guest's lookup by 受付番号 + access code (usecases/follow.h) fails closed: when the failure
// counter cannot be read, nothing is checked and the caller gets an error — a broken counter
// must never let guesses through. Wrong codes are counted per receipt number until it pauses.
#include <gtest/gtest.h>

#include "applications/receipt.h"
#include "applications/applications.h"
#include "core/config.h"
#include "core/date.h"
#include "ratelimit/ratelimit.h"
#include "ja/business_days.h"
#include "steps/step.h"
#include "test_store.h"
#include "usecases/follow.h"

namespace madoguchi::usecases {
namespace {

class GuestLookupTest : public test::MigratedStoreTest {
 protected:
  Env env() { return Env{*store_, catalog_, locales_, holidays_, config_, steps_}; }
  procedures::Catalog catalog_;
  Locales locales_;
  Holidays holidays_;
  Config config_;
  steps::Registry steps_;
};

// A well-formed receipt number nobody holds.
std::string some_receipt() { return new_receipt_number(); }

TEST_F(GuestLookupTest, WrongCodesPauseTheReceiptAfterTheLimit) {
  const std::string receipt = some_receipt();
  ASSERT_FALSE(receipt.empty());
  for (int i = 0; i < ratelimit::kAccessCode.max_failures; ++i) {
    auto r = guest_lookup(env(), receipt, "00000000");
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_FALSE(r->found);
    EXPECT_EQ(r->wait_seconds, 0);
  }
  auto paused = guest_lookup(env(), receipt, "00000000");
  ASSERT_TRUE(paused.ok());
  EXPECT_GT(paused->wait_seconds, 0);
}

TEST_F(GuestLookupTest, AnUnreadableCounterIsAnErrorNotAFreeGuess) {
  // A guest's application, whose right code would be found if the counter were skipped.
  applications::Receipt receipt;
  ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                auto d = applications::open_draft(tx, {"session-hash", std::nullopt}, "risai", "v1",
                                                  Json::object(), unix_now());
                if (!d.ok()) return d.status();
                auto r = applications::submit(tx, *d, "bousai", 0, today_jst(), "guest", unix_now());
                if (!r.ok()) return r.status();
                receipt = *r;
                return Status::Ok();
              }).ok());
  auto before = guest_lookup(env(), receipt.receipt, receipt.access_code);
  ASSERT_TRUE(before.ok() && before->found);
  ASSERT_TRUE(store::with_write(*store_, [](store::Transaction& tx) {
                return tx.exec("DROP TABLE failure_counters").status();
              }).ok());
  auto r = guest_lookup(env(), receipt.receipt, receipt.access_code);
  EXPECT_FALSE(r.ok()) << "the right code was checked although the counter could not be read";
}

}  // namespace
}  // namespace madoguchi::usecases
