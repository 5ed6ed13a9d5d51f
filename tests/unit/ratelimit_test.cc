// Failure counters: a key is refused after max_failures within its window, for the rest of
// the window only; a success clears it; keys are independent and stored hashed.
#include "ratelimit/ratelimit.h"

#include <gtest/gtest.h>

#include "test_store.h"

namespace madoguchi::ratelimit {
namespace {

constexpr Policy kThreeInAMinute{3, std::chrono::seconds(60)};

class RateLimitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = test::open_test_store();
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->migrate().ok());
  }
  void fail(const std::string& key, int64_t now) {
    ASSERT_TRUE(store::with_write(*store_, [&](store::Transaction& tx) {
                  return record_failure(tx, key, kThreeInAMinute, now);
                }).ok());
  }
  int64_t blocked(const std::string& key, int64_t now) {
    int64_t out = -1;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto b = blocked_for(tx, key, kThreeInAMinute, now);
                  if (!b.ok()) return b.status();
                  out = *b;
                  return Status::Ok();
                }).ok());
    return out;
  }
  std::unique_ptr<store::Store> store_;
};

TEST_F(RateLimitTest, AKeyIsRefusedAfterMaxFailuresUntilItsWindowEnds) {
  fail("login:hanako", 1000);
  fail("login:hanako", 1010);
  EXPECT_EQ(blocked("login:hanako", 1011), 0) << "two of three: still allowed";
  fail("login:hanako", 1020);
  EXPECT_EQ(blocked("login:hanako", 1021), 39) << "the window opened at 1000 and lasts 60 s";
  EXPECT_EQ(blocked("login:taro", 1021), 0) << "other keys are not affected";
  EXPECT_EQ(blocked("login:hanako", 1060), 0) << "the window is over";
  fail("login:hanako", 1061);
  EXPECT_EQ(blocked("login:hanako", 1062), 0) << "a new window starts with one failure";
}

TEST_F(RateLimitTest, ASuccessClearsTheCounter) {
  for (int i = 0; i < 3; ++i) fail("receipt:A", 2000 + i);
  ASSERT_GT(blocked("receipt:A", 2005), 0);
  ASSERT_TRUE(store::with_write(*store_, [](store::Transaction& tx) { return clear(tx, "receipt:A"); }).ok());
  EXPECT_EQ(blocked("receipt:A", 2006), 0);
}

TEST_F(RateLimitTest, KeysAreStoredHashedAndExpiredByHousekeeping) {
  fail("login:hanako@example.jp", 3000);
  fail("login:old", 100);
  ASSERT_TRUE(store::with_write(*store_, [](store::Transaction& tx) -> Status {
                auto rows = tx.query("SELECT key_hash FROM failure_counters");
                if (!rows.ok()) return rows.status();
                for (const auto& r : *rows) {
                  EXPECT_EQ(r.str(0).find("hanako"), std::string::npos);
                  EXPECT_EQ(r.str(0).size(), 64u);
                }
                auto n = expire(tx, 3000, std::chrono::seconds(600));
                if (!n.ok()) return n.status();
                EXPECT_EQ(*n, 1) << "only the counter whose window is long over";
                return Status::Ok();
              }).ok());
  EXPECT_EQ(blocked("login:hanako@example.jp", 3001), 0);
}

}  // namespace
}  // namespace madoguchi::ratelimit
