// The server runs the housekeeping jobs itself: at start, and on every node only once per
// period (job_schedule names the node that claimed it). housekeeping_minutes = 0 turns them off.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/store.h"
#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

// (name, last_node, last_result) of every job_schedule row, waiting up to 10 s for `want` rows.
std::vector<std::vector<std::string>> schedule(const std::string& url, size_t want) {
  std::vector<std::vector<std::string>> out;
  auto st = store::Store::open(url);
  EXPECT_TRUE(st.ok()) << st.status().message();
  if (!st.ok()) return out;
  for (int i = 0; i < 100; ++i) {
    out.clear();
    EXPECT_TRUE(store::with_read(**st, [&](store::Transaction& tx) {
                  auto rows = tx.query("SELECT name, last_node, last_result FROM job_schedule "
                                       "WHERE last_result IS NOT NULL ORDER BY name");
                  if (!rows.ok()) return rows.status();
                  for (const auto& r : *rows) out.push_back({r.str(0), r.str(1), r.str(2)});
                  return Status::Ok();
                }).ok());
    if (out.size() >= want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return out;
}

TEST(BackgroundJobs, TheServerRunsTheHousekeepingJobsAtStart) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  auto rows = schedule(server.store_url(), 8);
  ASSERT_EQ(rows.size(), 8u);
  const std::string node = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"apply-retention", node, "ok: 0"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"expire-account-links", node, "ok: 0"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"expire-counters", node, "ok: 0"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"expire-drafts", node, "ok: 0"}));
  EXPECT_EQ(rows[4], (std::vector<std::string>{"expire-notices", node, "ok: 0"}));
  // Unpaid fees past their deadline (issue #22), and the sandbox gateway's delayed
  // notifications (on while the sandbox is the payment provider, the default).
  EXPECT_EQ(rows[5], (std::vector<std::string>{"expire-payments", node, "ok: 0"}));
  EXPECT_EQ(rows[6], (std::vector<std::string>{"expire-sessions", node, "ok: 0"}));
  EXPECT_EQ(rows[7], (std::vector<std::string>{"sandbox-notifications", node, "ok: 0"}));
  EXPECT_EQ(server.stop(), 0);
}

TEST(BackgroundJobs, ANodeWithHousekeepingOffRunsNone) {
  MadoguchiServer server("housekeeping_minutes = 0");
  ASSERT_TRUE(server.start()) << server.output();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto st = store::Store::open(server.store_url());
  ASSERT_TRUE(st.ok());
  int64_t n = -1;
  ASSERT_TRUE(store::with_read(**st, [&](store::Transaction& tx) {
                auto rows = tx.query("SELECT COUNT(*) FROM job_schedule");
                if (!rows.ok()) return rows.status();
                n = rows->at(0).i64(0);
                return Status::Ok();
              }).ok());
  EXPECT_EQ(n, 0);
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace madoguchi::test
