// Background jobs: once per period across nodes, failures reported, and what the
// housekeeping jobs delete and keep. Runs on SQLite and (unit_tests_postgres) PostgreSQL.
#include "jobs/jobs.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "test_store.h"

namespace madoguchi::jobs {
namespace {

using store::Value;

class JobsTest : public test::MigratedStoreTest {
 protected:
  void exec(const std::string& sql, const std::vector<Value>& params = {}) {
    Status s = store::with_write(*store_, [&](store::Transaction& tx) { return tx.exec(sql, params).status(); });
    ASSERT_TRUE(s.ok()) << sql << ": " << s.message();
  }
  int64_t count(const std::string& sql) {
    int64_t n = -1;
    EXPECT_TRUE(store::with_read(*store_, [&](store::Transaction& tx) {
                  auto r = tx.query(sql);
                  if (!r.ok()) return r.status();
                  n = r->at(0).i64(0);
                  return Status::Ok();
                }).ok());
    return n;
  }
};

// Each node is a Runner over its own Store::open(url) — its own connections (a pool on
// PostgreSQL), as separate processes have — all ticking at the same instant on threads, so
// the only thing between them is what the database itself serialises.
TEST_F(JobsTest, ARunsOncePerPeriodWhateverTheNumberOfNodes) {
  constexpr int kNodes = 3, kTicksPerNode = 2;
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < kNodes; ++i) {
    auto s = store::Store::open(url_);
    ASSERT_TRUE(s.ok()) << s.status().message();
    stores.push_back(std::move(*s));
  }

  std::atomic<int> runs{0};
  Job job{"count", std::chrono::seconds(600), [&](store::Transaction&, int64_t) -> Result<int64_t> {
            ++runs;
            return int64_t{1};
          }};
  std::vector<std::unique_ptr<Runner>> nodes;
  for (int i = 0; i < kNodes; ++i) {
    nodes.push_back(std::make_unique<Runner>(*stores[i], "node" + std::to_string(i) + ":8080"));
    nodes.back()->add(job);
  }
  // Every node ticks kTicksPerNode times at once; returns how many ticks reported a run, and
  // fails the test on any reported error.
  auto all_at = [&](int64_t now) {
    std::atomic<int> reported{0};
    std::latch start(kNodes * kTicksPerNode);
    std::vector<std::thread> threads;
    for (int t = 0; t < kNodes * kTicksPerNode; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        for (const RunReport& r : nodes[t % kNodes]->run_due(now)) {
          EXPECT_TRUE(r.status.ok()) << r.status.message();
          ++reported;
        }
      });
    }
    for (auto& th : threads) th.join();
    return reported.load();
  };
  const int64_t t0 = 1'000'000;
  for (int period = 0; period < 4; ++period) {
    const int64_t start = t0 + period * 600;
    EXPECT_EQ(all_at(start), 1) << "period " << period << ": six ticks at once on three nodes, one run";
    EXPECT_EQ(runs.load(), period + 1) << "period " << period;
    EXPECT_EQ(all_at(start + 599), 0) << "period " << period << ": the period has not passed";
    EXPECT_EQ(runs.load(), period + 1) << "period " << period;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM job_schedule WHERE name = 'count' AND last_result = 'ok: 1' "
                  "AND next_run_at = 1002400 AND last_node LIKE 'node_:8080'"),
            1);
}

TEST_F(JobsTest, AFailingJobIsRecordedAndDoesNotStopTheOthers) {
  Runner runner(*store_, "a:1");
  runner.add({"broken", std::chrono::seconds(60), [](store::Transaction& tx, int64_t) -> Result<int64_t> {
                // Its changes are rolled back with the failure.
                auto r = tx.exec("DELETE FROM job_schedule");
                if (!r.ok()) return r.status();
                return Status::Io("disk on fire");
              }});
  int ok_runs = 0;
  runner.add({"fine", std::chrono::seconds(60), [&](store::Transaction&, int64_t) -> Result<int64_t> {
                ++ok_runs;
                return int64_t{0};
              }});
  auto reports = runner.run_due(5000);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].status.code(), Status::Code::kIo);
  EXPECT_TRUE(reports[1].status.ok());
  EXPECT_EQ(ok_runs, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM job_schedule WHERE name = 'broken' AND last_result = 'failed: disk on fire'"), 1);
  EXPECT_EQ(runner.run_due(5030).size(), 0u) << "retried next period, not at every tick";
}

TEST_F(JobsTest, HousekeepingDeletesOnlyWhatNobodyCanComeBackTo) {
  const int64_t now = 2'000'000'000, day = 86400;
  exec("INSERT INTO sessions (token_hash, account_id, csrf, created_at, last_seen, expires_at) VALUES "
       "('gone', NULL, 'c', 1, 1, ?), ('live', NULL, 'c', 1, 1, ?)",
       {now - 1, now + 3600});
  auto draft = [&](int64_t id, const char* session, std::optional<int64_t> account, std::optional<int64_t> app,
                   int64_t updated) {
    exec("INSERT INTO drafts (id, session_hash, account_id, procedure_id, procedure_version, answers, application_id, "
         "created_at, updated_at) VALUES (?, ?, ?, 'risai', 'v', '{}', ?, ?, ?)",
         {id, std::string(session), account ? Value(*account) : Value(nullptr), app ? Value(*app) : Value(nullptr),
          updated, updated});
    exec("INSERT INTO attachments (id, draft_id, application_id, field, filename, content_type, size, sha256, data, "
         "created_at) VALUES (?, ?, ?, 'photos', 'a.png', 'image/png', 1, 'x', ?, 1)",
         {"att" + std::to_string(id), id, app ? Value(*app) : Value(nullptr), store::Blob{0x89}});
  };
  draft(1, "gone", std::nullopt, std::nullopt, now - 60);         // guest, session gone: delete
  draft(2, "live", std::nullopt, std::nullopt, now - 40 * day);   // guest, session live: keep
  draft(3, "gone", 7, std::nullopt, now - 31 * day);              // resident, 31 days: delete
  draft(4, "gone", 7, std::nullopt, now - 29 * day);              // resident, 29 days: keep
  draft(5, "gone", std::nullopt, 42, now - 400 * day);            // a correction: keep
  draft(6, "gone", 7, 43, now - 400 * day);                       // a resident's correction: keep

  // Notices: sent eight days ago (delete), sent six days ago (keep), never sent (keep).
  exec("INSERT INTO outbox (kind, recipient, subject, body, created_at, next_attempt_at, sent_at) VALUES "
       "('received', 'a@example.jp', 's', 'b', 1, 1, ?), ('received', 'b@example.jp', 's', 'b', 1, 1, ?), "
       "('received', 'c@example.jp', 's', 'b', 1, 1, NULL)",
       {now - 8 * day, now - 6 * day});

  // One-time account links: expired a second ago (delete), live for a minute more (keep).
  exec("INSERT INTO account_links (token_hash, purpose, email, display_name, password_hash, locale, created_at, "
       "expires_at) VALUES ('old', 'signup', 'a@example.jp', 'a', 'h', 'ja', 1, ?), "
       "('live', 'signup', 'b@example.jp', 'b', 'h', 'ja', 1, ?)",
       {now - 1, now + 60});

  Runner runner(*store_, "a:1");
  for (auto& j : housekeeping_jobs(std::chrono::minutes(15), std::chrono::hours(24 * 30))) runner.add(std::move(j));
  auto reports = runner.run_due(now);
  ASSERT_EQ(reports.size(), 5u);
  EXPECT_EQ(reports[0].name, "expire-sessions");
  EXPECT_EQ(reports[0].handled, 1);
  EXPECT_EQ(reports[1].name, "expire-drafts");
  EXPECT_EQ(reports[1].handled, 2);
  EXPECT_EQ(reports[2].name, "expire-counters");
  EXPECT_EQ(reports[3].name, "expire-notices");
  EXPECT_EQ(reports[3].handled, 1);
  EXPECT_EQ(reports[4].name, "expire-account-links");
  EXPECT_EQ(reports[4].handled, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM account_links"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE recipient IN ('b@example.jp', 'c@example.jp')"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions WHERE token_hash = 'live'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sessions"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM drafts WHERE id IN (2, 4, 5, 6)"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM drafts"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM attachments WHERE id IN ('att2', 'att4', 'att5', 'att6')"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM attachments"), 4);
}

}  // namespace
}  // namespace madoguchi::jobs
