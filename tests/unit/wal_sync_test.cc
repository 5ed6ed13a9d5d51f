// Group commit: every caller of wait_durable() is covered by an fsync that started after it
// called, and concurrent callers share fsyncs.
#include "store/sqlite/wal_sync.h"

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <unistd.h>

#include <cstdio>

namespace madoguchi::store {
namespace {

TEST(WalSyncer, EveryCallerWaitsForAnFsyncThatStartedAfterItCalled) {
  std::atomic<int> committed{0};       // callers that have "committed" (before waiting)
  std::atomic<int> covered{0};         // committed count seen when the last finished fsync started
  WalSyncer syncer([&] {
    int seen = committed.load();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    covered.store(seen);
    return Status::Ok();
  });
  constexpr int kThreads = 16, kEach = 20;
  std::atomic<int> violations{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        int mine = ++committed;
        ASSERT_TRUE(syncer.wait_durable().ok());
        if (covered.load() < mine) ++violations;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(violations.load(), 0);
  // Sixteen committers at a time share fsyncs: far fewer fsyncs than commits.
  EXPECT_LT(syncer.syncs(), uint64_t{kThreads * kEach} / 2);
  EXPECT_GE(syncer.syncs(), uint64_t{kEach});
}

TEST(WalSyncer, ASingleCallerGetsItsOwnFsync) {
  int fsyncs = 0;
  WalSyncer syncer([&] { ++fsyncs; return Status::Ok(); });
  ASSERT_TRUE(syncer.wait_durable().ok());
  ASSERT_TRUE(syncer.wait_durable().ok());
  EXPECT_EQ(fsyncs, 2);
}

TEST(WalSyncer, AFailedFsyncFailsThatCommitAndEveryLaterOne) {
  int calls = 0;
  WalSyncer syncer([&] { return ++calls == 2 ? Status::Io("EIO") : Status::Ok(); });
  EXPECT_TRUE(syncer.wait_durable().ok());
  Status failed = syncer.wait_durable();
  EXPECT_EQ(failed.code(), Status::Code::kIo);
  // The kernel may report success for a later fsync without the lost pages: never trust it.
  EXPECT_FALSE(syncer.wait_durable().ok());
  EXPECT_EQ(calls, 2);
}

TEST(WalSyncer, WalFileSyncSyncsAnExistingWalAndToleratesNone) {
  auto dir = std::filesystem::temp_directory_path() / ("wal_sync_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto sync = wal_file_sync((dir / "db.sqlite").string());
  EXPECT_TRUE(sync().ok()) << "no WAL yet: nothing to make durable";
  { std::FILE* f = std::fopen((dir / "db.sqlite-wal").c_str(), "w"); std::fputs("x", f); std::fclose(f); }
  EXPECT_TRUE(sync().ok());
  std::filesystem::remove_all(dir);
  auto bad = wal_file_sync("/proc/madoguchi-no-such-dir/db.sqlite");
  EXPECT_TRUE(bad().ok()) << "a missing WAL is not an error";
}

}  // namespace
}  // namespace madoguchi::store

namespace madoguchi::store {
namespace {

class SqliteGroupCommit : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sqlite_group_commit_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Store> open(std::function<Status()> sync) {
    auto s = open_sqlite((dir_ / "db.sqlite").string(), std::move(sync));
    EXPECT_TRUE(s.ok()) << s.status().message();
    EXPECT_TRUE((*s)->migrate().ok());
    return std::move(*s);
  }
  std::filesystem::path dir_;
};

TEST_F(SqliteGroupCommit, AWriteCommitReturnsOnlyAfterTheWalIsSynced) {
  std::atomic<int> syncs{0};
  auto store = open([&] { ++syncs; return Status::Ok(); });
  int before = syncs.load();
  ASSERT_TRUE(with_write(*store, [](Transaction& tx) {
                return tx.exec("CREATE TABLE IF NOT EXISTS t (v TEXT)").status();
              }).ok());
  int after_ddl = syncs.load();
  ASSERT_TRUE(with_write(*store, [](Transaction& tx) {
                return tx.exec("INSERT INTO t (v) VALUES ('a')").status();
              }).ok());
  EXPECT_EQ(syncs.load(), after_ddl + 1) << "a commit that changed rows is fsync'd";
  ASSERT_TRUE(with_read(*store, [](Transaction& tx) { return tx.query("SELECT v FROM t").status(); }).ok());
  ASSERT_TRUE(with_write(*store, [](Transaction& tx) { return tx.query("SELECT v FROM t").status(); }).ok());
  EXPECT_EQ(syncs.load(), after_ddl + 1) << "reads and writes that changed nothing need no fsync";
  EXPECT_GE(after_ddl, before);
}

TEST_F(SqliteGroupCommit, ALazyWriteIsVisibleAtOnceAndLeavesItsFsyncToTheNextDurableCommit) {
  std::atomic<int> syncs{0};
  auto store = open([&] { ++syncs; return Status::Ok(); });
  ASSERT_TRUE(with_write(*store, [](Transaction& tx) {
                return tx.exec("CREATE TABLE t (v TEXT)").status();
              }).ok());
  int before = syncs.load();
  ASSERT_TRUE(with_lazy_write(*store, [](Transaction& tx) {
                return tx.exec("INSERT INTO t (v) VALUES ('lazy')").status();
              }).ok());
  EXPECT_EQ(syncs.load(), before) << "a lazy write does not wait for an fsync";
  size_t seen = 0;
  ASSERT_TRUE(with_read(*store, [&](Transaction& tx) {
                auto rows = tx.query("SELECT v FROM t WHERE v = 'lazy'");
                if (rows.ok()) seen = rows->size();
                return rows.status();
              }).ok());
  EXPECT_EQ(seen, 1u) << "committed and visible to other transactions";
  // The lazy write is still a write: it takes the write lock and a failure rolls it back.
  auto tx = store->begin(Store::Mode::kWriteLazy);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->exec("INSERT INTO t (v) VALUES ('rolled back')").ok());
  tx->reset();
  ASSERT_TRUE(with_write(*store, [](Transaction& tx) {
                return tx.exec("INSERT INTO t (v) VALUES ('durable')").status();
              }).ok());
  EXPECT_EQ(syncs.load(), before + 1) << "the next durable commit's fsync covers both";
  ASSERT_TRUE(with_read(*store, [&](Transaction& tx) {
                auto rows = tx.query("SELECT v FROM t ORDER BY v");
                if (rows.ok()) seen = rows->size();
                return rows.status();
              }).ok());
  EXPECT_EQ(seen, 2u);
}

TEST_F(SqliteGroupCommit, AFailedWalSyncFailsTheCommit) {
  std::atomic<bool> fail{false};
  auto store = open([&] { return fail ? Status::Io("EIO") : Status::Ok(); });
  ASSERT_TRUE(with_write(*store, [](Transaction& tx) {
                return tx.exec("CREATE TABLE t (v TEXT)").status();
              }).ok());
  fail = true;
  auto tx = store->begin(Store::Mode::kWrite);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->exec("INSERT INTO t (v) VALUES ('a')").ok());
  EXPECT_EQ((*tx)->commit().code(), Status::Code::kIo) << "no receipt for what may not be on disk";
}

// Writers of one store take turns on a mutex (sqlite_store.cc); it is held only up to the end of
// COMMIT, so a committer waiting for its fsync does not keep the next writer out.
TEST_F(SqliteGroupCommit, AWriterWaitingForItsFsyncDoesNotKeepTheNextWriterOut) {
  std::atomic<bool> hold_sync{false};
  std::atomic<bool> in_sync{false};
  auto store = open([&] {
    in_sync = true;
    while (hold_sync) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    in_sync = false;
    return Status::Ok();
  });
  ASSERT_TRUE(with_write(*store, [](Transaction& tx) { return tx.exec("CREATE TABLE t (v TEXT)").status(); }).ok());
  hold_sync = true;
  std::atomic<bool> first_done{false};
  std::thread first([&] {
    EXPECT_TRUE(with_write(*store, [](Transaction& tx) {
                  return tx.exec("INSERT INTO t (v) VALUES ('first')").status();
                }).ok());
    first_done = true;
  });
  while (!in_sync) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // The first writer has committed and now waits for the fsync we hold back.
  auto second = store->begin(Store::Mode::kWriteLazy);
  ASSERT_TRUE(second.ok()) << second.status().message();
  ASSERT_TRUE((*second)->exec("INSERT INTO t (v) VALUES ('second')").ok());
  EXPECT_TRUE((*second)->commit().ok());
  EXPECT_FALSE(first_done) << "the second writer got in while the first still waited for its fsync";
  hold_sync = false;
  first.join();
  EXPECT_TRUE(first_done);
}

TEST_F(SqliteGroupCommit, ASecondWriteBegunByTheThreadHoldingOneFailsInsteadOfWaitingForItself) {
  auto store = open([] { return Status::Ok(); });
  auto held = store->begin(Store::Mode::kWrite);
  ASSERT_TRUE(held.ok());
  auto again = store->begin(Store::Mode::kWrite);  // waits the 10 s a busy SQLite lock would
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Status::Code::kIo);
  EXPECT_NE(again.status().message().find("locked"), std::string::npos) << again.status().message();
  held->reset();
  EXPECT_TRUE(store->begin(Store::Mode::kWrite).ok()) << "the lock is free again once the first write ends";
}

}  // namespace
}  // namespace madoguchi::store
