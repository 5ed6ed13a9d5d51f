// Session lifetime in seconds, the touch period that lets short sessions slide, and
// extend_session (POST /session/extend); the config keys that set them.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

#include "auth/accounts.h"
#include "core/config.h"
#include "store/store.h"
#include "unit/test_store.h"

namespace madoguchi {
namespace {

using std::chrono::seconds;
constexpr int64_t kNow = 1'743'465'600;

TEST(SessionLifetime, ConfigSecondsWinOverHours) {
  Config c;
  EXPECT_EQ(c.session_lifetime_seconds(), 8 * 3600);
  EXPECT_EQ(c.session_warning_seconds, 300);
  EXPECT_EQ(c.postal, "generated/postal.tsv");
  c.session_seconds = 20;
  EXPECT_EQ(c.session_lifetime_seconds(), 20);

  auto path = std::filesystem::temp_directory_path() / "session_lifetime_test.toml";
  std::ofstream(path) << "session_seconds = 90\nsession_warning_seconds = 30\npostal = \"x.tsv\"\n";
  Config d;
  ASSERT_TRUE(load_config_file(path.string(), &d).ok());
  EXPECT_EQ(d.session_lifetime_seconds(), 90);
  EXPECT_EQ(d.session_warning_seconds, 30);
  EXPECT_EQ(d.postal, "x.tsv");
  std::ofstream(path) << "session_seconds = -1\n";
  EXPECT_FALSE(load_config_file(path.string(), &d).ok());
  std::ofstream(path) << "session_warning_seconds = \"5\"\n";
  EXPECT_FALSE(load_config_file(path.string(), &d).ok());
  std::filesystem::remove(path);
}

TEST(SessionLifetime, TouchPeriodIsShorterForShortSessions) {
  EXPECT_EQ(auth::touch_period(std::chrono::hours(8)), auth::kSessionTouchSeconds);
  EXPECT_EQ(auth::touch_period(std::chrono::hours(1)), auth::kSessionTouchSeconds);
  EXPECT_EQ(auth::touch_period(seconds(20)), 5);
  EXPECT_EQ(auth::touch_period(seconds(2)), 1);
}

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = test::open_test_store();
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->migrate().ok());
    auto tx = store_->begin(store::Store::Mode::kWrite);
    ASSERT_TRUE(tx.ok());
    tx_ = std::move(*tx);
  }
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::Transaction> tx_;
};

TEST_F(SessionStoreTest, ShortSessionsSlideOnActivityAndExpire) {
  std::string token;
  auto s = auth::create_session(*tx_, std::nullopt, kNow, seconds(20), &token);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->expires_at, kNow + 20);
  auto at10 = auth::load_session(*tx_, token, kNow + 10, seconds(20));
  ASSERT_TRUE(at10.ok());
  EXPECT_EQ(at10->expires_at, kNow + 30) << "a request after the touch period slides the expiry";
  auto read_only = auth::load_session(*tx_, token, kNow + 29, seconds(20), /*slide=*/false);
  ASSERT_TRUE(read_only.ok());
  EXPECT_EQ(read_only->expires_at, kNow + 30);
  EXPECT_FALSE(auth::load_session(*tx_, token, kNow + 30, seconds(20)).ok());
}

TEST_F(SessionStoreTest, ExtendMovesTheExpiryOfALiveSessionOnly) {
  std::string token;
  auto s = auth::create_session(*tx_, std::nullopt, kNow, seconds(20), &token);
  ASSERT_TRUE(s.ok());
  // Within the touch period a load does not write; extend always does.
  auto e = auth::extend_session(*tx_, s->token_hash, kNow + 2, seconds(20));
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->expires_at, kNow + 22);
  EXPECT_EQ(e->csrf, s->csrf);
  EXPECT_TRUE(auth::load_session(*tx_, token, kNow + 21, seconds(20), false).ok());
  EXPECT_FALSE(auth::load_session(*tx_, token, kNow + 22, seconds(20), false).ok());
  auto late = auth::extend_session(*tx_, s->token_hash, kNow + 22, seconds(20));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(auth::extend_session(*tx_, "no-such-hash", kNow, seconds(20)).ok());
}

}  // namespace
}  // namespace madoguchi
