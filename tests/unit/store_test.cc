// The Store contract (store/store.h), on whichever backend the run uses: SQLite by default,
// PostgreSQL when CTest's unit_tests_postgres entry sets MADOGUCHI_TEST_STORE_URL_FILE.
// Tests named Postgres* cover what only the PostgreSQL backend has (pool, reconnection,
// placeholder rewriting) and skip on SQLite.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit.h"
#include "store/migrations.h"
#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "unit/test_store.h"

namespace madoguchi::store {
namespace {

using Code = Status::Code;
using test::open_test_store;

// Opens a store on `url`, migrated; fails the test otherwise.
std::unique_ptr<Store> open_migrated(const std::string& url) {
  auto s = Store::open(url);
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return nullptr;
  Status m = (*s)->migrate();
  EXPECT_TRUE(m.ok()) << m.message();
  return std::move(*s);
}

// A new empty store's URL, with its temporary directory (SQLite) removed at the end.
class StoreUrl {
 public:
  StoreUrl() : url_(test::new_test_store_url(&dir_)) {}
  ~StoreUrl() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  const std::string& url() const { return url_; }

 private:
  std::filesystem::path dir_;
  std::string url_;
};

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_test_store();
    ASSERT_NE(store_, nullptr);
    Status m = store_->migrate();
    ASSERT_TRUE(m.ok()) << m.message();
  }

  // Runs `sql` in its own read transaction and returns the rows.
  std::vector<Row> read(const std::string& sql, const std::vector<Value>& params = {}) {
    std::vector<Row> out;
    Status s = with_read(*store_, [&](Transaction& tx) {
      auto r = tx.query(sql, params);
      if (!r.ok()) return r.status();
      out = std::move(*r);
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }

  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, BackendIsTheOneAskedFor) {
  EXPECT_EQ(store_->backend(), test::postgres_tests() ? "postgresql" : "sqlite");
  EXPECT_TRUE(store_->ping().ok());
}

TEST_F(StoreTest, MigrationsAreIdempotent) {
  ASSERT_TRUE(store_->migrate().ok());
  ASSERT_TRUE(store_->migrate().ok());
  auto rows = read("SELECT COUNT(*), MAX(version) FROM schema_migrations");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].i64(0), static_cast<int64_t>(migrations().size()));
  EXPECT_EQ(rows[0].i64(1), migrations().back().version);
}

TEST(StoreMigrate, TwoNodesMigratingAtOnceApplyEachMigrationOnce) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  auto a = Store::open(url.url());
  auto b = Store::open(url.url());
  ASSERT_TRUE(a.ok() && b.ok());
  Status sa, sb;
  std::thread ta([&] { sa = (*a)->migrate(); });
  std::thread tb([&] { sb = (*b)->migrate(); });
  ta.join();
  tb.join();
  EXPECT_TRUE(sa.ok()) << sa.message();
  EXPECT_TRUE(sb.ok()) << sb.message();
  auto tx = (*a)->begin(Store::Mode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->query("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ((*rows)[0].i64(0), static_cast<int64_t>(migrations().size()));
}

TEST_F(StoreTest, InsertReturningIdGivesIncreasingIds) {
  std::vector<int64_t> ids;
  Status s = with_write(*store_, [&](Transaction& tx) {
    for (int i = 0; i < 3; ++i) {
      auto r = tx.query(
          "INSERT INTO events (application_id, at, actor_kind, actor_name, action) VALUES (?, ?, ?, ?, ?) RETURNING id",
          {int64_t{7}, int64_t{1000 + i}, std::string("staff"), std::string("佐藤"), std::string("view")});
      if (!r.ok()) return r.status();
      EXPECT_EQ(r->size(), 1u);
      EXPECT_TRUE(std::holds_alternative<int64_t>((*r)[0].cols[0]));
      ids.push_back((*r)[0].i64(0));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_GT(ids[0], 0);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
}

TEST_F(StoreTest, ValuesComeBackWithTheirTypes) {
  Blob bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<unsigned char>(i));  // NULs, 0x80+, all
  bytes.insert(bytes.end(), {0, 0, 'x', 0});
  Status s = with_write(*store_, [&](Transaction& tx) {
    auto r = tx.exec(
        "INSERT INTO attachments (id, draft_id, field, filename, content_type, size, sha256, data, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {std::string("a1"), nullptr, std::string("photo"), std::string("屋根.png"), std::string("image/png"),
         int64_t{static_cast<int64_t>(bytes.size())}, std::string("x"), bytes, int64_t{1}});
    if (!r.ok()) return r.status();
    EXPECT_EQ(*r, 1);
    r = tx.exec(
        "INSERT INTO attachments (id, draft_id, field, filename, content_type, size, sha256, data, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {std::string("a2"), int64_t{5}, std::string("photo"), std::string(""), std::string("image/png"),
         int64_t{1}, std::string("y"), Blob{0}, int64_t{2}});
    return r.status();
  });
  ASSERT_TRUE(s.ok()) << s.message();

  auto rows = read("SELECT id, draft_id, filename, size, data FROM attachments ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  const Row& a = rows[0];
  EXPECT_TRUE(std::holds_alternative<std::string>(a.cols[0]));
  EXPECT_TRUE(a.is_null(1));  // NULL comes back as NULL, not 0 or ""
  EXPECT_EQ(a.str(2), "屋根.png");
  EXPECT_TRUE(std::holds_alternative<int64_t>(a.cols[3]));
  ASSERT_TRUE(std::holds_alternative<Blob>(a.cols[4]));
  EXPECT_EQ(a.blob(4), bytes);
  EXPECT_EQ(rows[1].i64(1), 5);
  EXPECT_EQ(rows[1].str(2), "");
  EXPECT_FALSE(rows[1].is_null(2));  // empty text is not NULL
  EXPECT_EQ(rows[1].blob(4), Blob{0});  // a lone NUL byte

  // Aggregates are integers on both backends (PostgreSQL's SUM(bigint) is numeric).
  auto sums = read("SELECT COALESCE(SUM(size), 0), COUNT(*) FROM attachments WHERE draft_id IS NULL");
  ASSERT_TRUE(std::holds_alternative<int64_t>(sums[0].cols[0]));
  EXPECT_EQ(sums[0].i64(0), static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(sums[0].i64(1), 1);

  // A NULL parameter compares as NULL; a typed NULL parameter selects NULL.
  EXPECT_EQ(read("SELECT id FROM attachments WHERE draft_id = ?", {nullptr}).size(), 0u);
  auto nul = read("SELECT CAST(? AS BIGINT)", {nullptr});
  EXPECT_TRUE(nul[0].is_null(0));

  // Doubles keep every bit.
  auto d = read("SELECT CAST(? AS DOUBLE PRECISION)", {0.1 + 0.2});
  ASSERT_TRUE(std::holds_alternative<double>(d[0].cols[0]));
  EXPECT_EQ(std::get<double>(d[0].cols[0]), 0.1 + 0.2);

  // 64-bit integers survive both ways.
  auto big = read("SELECT CAST(? AS BIGINT)", {int64_t{-9'007'199'254'740'993}});
  EXPECT_EQ(big[0].i64(0), -9'007'199'254'740'993);
}

TEST_F(StoreTest, QuestionMarksInsideStringLiteralsAreNotPlaceholders) {
  auto rows = read("SELECT 'a?b', ?, 'it''s ?', ? -- what? \n", {std::string("x"), std::string("y")});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].str(0), "a?b");
  EXPECT_EQ(rows[0].str(1), "x");
  EXPECT_EQ(rows[0].str(2), "it's ?");
  EXPECT_EQ(rows[0].str(3), "y");
}

TEST_F(StoreTest, DestroyingATransactionWithoutCommitRollsBack) {
  {
    auto tx = store_->begin(Store::Mode::kWrite);
    ASSERT_TRUE(tx.ok()) << tx.status().message();
    auto r = (*tx)->exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES (?, ?, ?, ?)",
                         {std::string("v1"), std::string("risai"), std::string("{}"), int64_t{1}});
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(*r, 1);
    auto inside = (*tx)->query("SELECT COUNT(*) FROM procedure_versions");
    ASSERT_TRUE(inside.ok());
    EXPECT_EQ((*inside)[0].i64(0), 1);  // visible to itself
  }
  EXPECT_EQ(read("SELECT COUNT(*) FROM procedure_versions")[0].i64(0), 0);
  // The connection went back to the pool in a usable state.
  Status s = with_write(*store_, [](Transaction& tx) {
    return tx.exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES (?, ?, ?, ?)",
                   {std::string("v1"), std::string("risai"), std::string("{}"), int64_t{1}})
        .status();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(read("SELECT COUNT(*) FROM procedure_versions")[0].i64(0), 1);
}

TEST_F(StoreTest, UniqueViolationIsConflict) {
  auto add = [&](Transaction& tx) {
    return tx.exec(
        "INSERT INTO accounts (kind, login, password_hash, display_name, created_at) VALUES (?, ?, ?, ?, ?)",
        {std::string("resident"), std::string("hanako"), std::string("h"), std::string("花子"), int64_t{1}});
  };
  ASSERT_TRUE(with_write(*store_, [&](Transaction& tx) { return add(tx).status(); }).ok());
  Status again = with_write(*store_, [&](Transaction& tx) { return add(tx).status(); });
  EXPECT_EQ(again.code(), Code::kConflict) << again.message();
  EXPECT_EQ(read("SELECT COUNT(*) FROM accounts")[0].i64(0), 1);
}

// The conflict contract (store.h): `work` runs once, its Conflict comes back unchanged and
// nothing of that transaction is committed. The first run conflicts and a second would not,
// so a retry would show as two runs, an ok status and a committed row.
TEST_F(StoreTest, AConflictIsReturnedAfterOneRunAndNothingIsCommitted) {
  auto add_account = [](Transaction& tx) {
    return tx.exec("INSERT INTO accounts (kind, login, password_hash, display_name, created_at) VALUES (?, ?, ?, ?, ?)",
                   {std::string("resident"), std::string("hanako"), std::string("h"), std::string("花子"), int64_t{1}});
  };
  ASSERT_TRUE(with_write(*store_, [&](Transaction& tx) { return add_account(tx).status(); }).ok());
  for (bool lazy : {false, true}) {
    int runs = 0;
    auto work = [&](Transaction& tx) -> Status {
      ++runs;
      auto r = tx.exec(
          "INSERT INTO procedure_versions (version, procedure_id, body, created_at) "
          "VALUES ('v-conflict', 'p', '', 1)");
      if (!r.ok()) return r.status();
      if (runs > 1) return Status::Ok();
      return add_account(tx).status();  // "hanako" exists: a unique violation
    };
    Status s = lazy ? with_lazy_write(*store_, work) : with_write(*store_, work);
    EXPECT_EQ(s.code(), Code::kConflict) << "lazy=" << lazy << ": " << s.message();
    EXPECT_EQ(runs, 1) << "lazy=" << lazy << ": a conflict must not run `work` again";
    EXPECT_EQ(read("SELECT COUNT(*) FROM procedure_versions")[0].i64(0), 0) << "lazy=" << lazy;
  }
  // The store is usable at once: the caller may run its work again if it chooses to.
  Status again = with_write(*store_, [](Transaction& tx) {
    return tx
        .exec(
            "INSERT INTO procedure_versions (version, procedure_id, body, created_at) "
            "VALUES ('v-conflict', 'p', '', 1)")
        .status();
  });
  EXPECT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(read("SELECT COUNT(*) FROM procedure_versions")[0].i64(0), 1);
}

TEST_F(StoreTest, ReadTransactionsSeeOneSnapshot) {
  auto tx = store_->begin(Store::Mode::kRead);
  ASSERT_TRUE(tx.ok());
  auto before = (*tx)->query("SELECT COUNT(*) FROM procedure_versions");
  ASSERT_TRUE(before.ok());
  Status s = with_write(*store_, [](Transaction& w) {
    return w.exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES (?, ?, ?, ?)",
                  {std::string("v2"), std::string("risai"), std::string("{}"), int64_t{1}})
        .status();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  auto after = (*tx)->query("SELECT COUNT(*) FROM procedure_versions");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)[0].i64(0), (*before)[0].i64(0));
  EXPECT_EQ(read("SELECT COUNT(*) FROM procedure_versions")[0].i64(0), (*before)[0].i64(0) + 1);
}

// Two "nodes" (two Store objects on one database) each do 200 read-modify-write increments.
// A lost update would leave fewer than 400: write transactions must not overlap, whether
// durable (kWrite) or lazy (kWriteLazy, which only skips waiting for the flush).
TEST(StoreConcurrency, WritersOnTwoNodesNeverLoseAnUpdate) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  auto a = open_migrated(url.url());
  auto b = open_migrated(url.url());
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(with_write(*a, [](Transaction& tx) {
                return tx.exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) "
                               "VALUES ('counter', 'test', '', 0)")
                    .status();
              }).ok());
  std::atomic<int> failures{0};
  auto work = [&](Store* store, bool lazy) {
    for (int i = 0; i < 200; ++i) {
      auto increment = [](Transaction& tx) {
        auto r = tx.query("SELECT created_at FROM procedure_versions WHERE version = 'counter'");
        if (!r.ok()) return r.status();
        int64_t next = (*r)[0].i64(0) + 1;
        return tx.exec("UPDATE procedure_versions SET created_at = ? WHERE version = 'counter'", {next}).status();
      };
      // Node b alternates lazy and durable writes.
      Status s = lazy && i % 2 ? with_lazy_write(*store, increment) : with_write(*store, increment);
      if (!s.ok()) {
        ADD_FAILURE() << s.message();
        ++failures;
      }
    }
  };
  std::thread ta(work, a.get(), false);
  std::thread tb(work, b.get(), true);
  ta.join();
  tb.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = a->begin(Store::Mode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->query("SELECT created_at FROM procedure_versions WHERE version = 'counter'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].i64(0), 400);
}

// The audit chain reads the last hash and appends the next: writers on two nodes at once
// must still leave one unbroken chain.
TEST(StoreConcurrency, AuditChainStaysUnbrokenWithTwoNodes) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  auto a = open_migrated(url.url());
  auto b = open_migrated(url.url());
  ASSERT_TRUE(a && b);
  auto work = [](Store* store, std::string actor) {
    for (int i = 0; i < 50; ++i) {
      Status s = with_write(*store, [&](Transaction& tx) {
        return audit::record(tx, {actor, "case.view", "application:" + std::to_string(i), ""}, 1000 + i);
      });
      EXPECT_TRUE(s.ok()) << s.message();
    }
  };
  std::thread ta(work, a.get(), "staff:1");
  std::thread tb(work, b.get(), "staff:2");
  ta.join();
  tb.join();
  Result<int64_t> n = Status::Internal("not run");
  ASSERT_TRUE(with_read(*a, [&](Transaction& tx) {
                n = audit::verify(tx);
                return Status::Ok();
              }).ok());
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(*n, 100);
}

// --- PostgreSQL only -------------------------------------------------------------------

TEST(PostgresPlaceholders, RewritesOnlyOutsideLiteralsIdentifiersAndComments) {
  int n = 0;
  EXPECT_EQ(postgres_placeholders("SELECT ?, ?", &n), "SELECT $1, $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(postgres_placeholders("SELECT 'a?''?' || ? FROM \"we?rd\" WHERE x = ?", &n),
            "SELECT 'a?''?' || $1 FROM \"we?rd\" WHERE x = $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(postgres_placeholders("SELECT E'\\'?' , ? -- ?\n/* ? /* ? */ ? */ ?", &n),
            "SELECT E'\\'?' , $1 -- ?\n/* ? /* ? */ ? */ $2");
  EXPECT_EQ(n, 2);
  EXPECT_EQ(postgres_placeholders("SELECT $$?$$, $t$ ? $t$, ?", &n), "SELECT $$?$$, $t$ ? $t$, $1");
  EXPECT_EQ(n, 1);
  EXPECT_EQ(postgres_placeholders("SELECT 'unterminated ?", &n), "SELECT 'unterminated ?");
  EXPECT_EQ(n, 0);
}

// A plain libpq connection to the test database, to act behind the store's back.
class Admin {
 public:
  explicit Admin(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~Admin() { PQfinish(conn_); }
  std::string value(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK)
        << PQresultErrorMessage(r);
    std::string v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return v;
  }

 private:
  PGconn* conn_;
};

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::postgres_tests()) GTEST_SKIP() << "PostgreSQL runs only (unit_tests_postgres)";
  }
};

TEST_F(PostgresStoreTest, ConnectionsForceDurableCommitsAndAnIdleTransactionTimeout) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  {
    Admin admin(url.url());
    admin.value("ALTER DATABASE " + admin.value("SELECT current_database()") + " SET synchronous_commit = off");
  }
  EXPECT_EQ(Admin(url.url()).value("SHOW synchronous_commit"), "off");  // what a plain client gets
  auto s = open_migrated(url.url());
  ASSERT_TRUE(s);
  Status st = with_read(*s, [](Transaction& tx) {
    auto r = tx.query("SELECT current_setting('synchronous_commit')");
    if (!r.ok()) return r.status();
    EXPECT_EQ((*r)[0].str(0), "on");
    // And a stuck node's open transaction cannot hold the writer lock for ever.
    r = tx.query("SELECT current_setting('idle_in_transaction_session_timeout')");
    if (!r.ok()) return r.status();
    EXPECT_EQ((*r)[0].str(0), "1min");
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
}

// Write transactions COMMIT asynchronously (to free the writer lock at once) and then wait for
// a flush barrier: when commit() returns, the WAL must be flushed past everything the
// transaction wrote. Without the barrier the flush lags by up to wal_writer_delay (200 ms).
TEST_F(PostgresStoreTest, AWriteCommitReturnsOnlyAfterItsWalIsFlushed) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  auto s = open_migrated(url.url());
  ASSERT_TRUE(s);
  int unflushed = 0;
  for (int i = 0; i < 30; ++i) {
    std::string written;
    ASSERT_TRUE(with_write(*s, [&](Transaction& tx) -> Status {
                  auto r = tx.exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) "
                                   "VALUES (?, 'p', 'b', 0)",
                                   {"v" + std::to_string(i)});
                  if (!r.ok()) return r.status();
                  auto lsn = tx.query("SELECT pg_current_wal_insert_lsn()::text");
                  if (!lsn.ok()) return lsn.status();
                  written = (*lsn)[0].str(0);
                  return Status::Ok();
                }).ok());
    ASSERT_TRUE(with_read(*s, [&](Transaction& tx) -> Status {
                  auto r = tx.query("SELECT CASE WHEN pg_current_wal_flush_lsn() >= CAST(? AS pg_lsn) THEN 1 ELSE 0 END",
                                    {written});
                  if (!r.ok()) return r.status();
                  if ((*r)[0].i64(0) != 1) ++unflushed;
                  return Status::Ok();
                }).ok());
  }
  EXPECT_EQ(unflushed, 0) << "commit() returned before the WAL was flushed";
}

// Each distinct statement is prepared once per connection and reused by every later
// transaction on it (postgres_store.h). With one connection (pool_size=1), appending to the
// audit log kCalls times — each append its own write transaction, two statements — must leave
// each of those statements prepared once in the session's pg_prepared_statements, executed
// kCalls times; re-preparing per call would leave kCalls entries of the same text instead.
TEST_F(PostgresStoreTest, StatementsArePreparedOncePerConnectionAndReused) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  auto s = Store::open(url.url() + (url.url().find('?') == std::string::npos ? "?" : "&") + "pool_size=1");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE((*s)->migrate().ok());
  constexpr int kCalls = 10;
  std::string backend_pid;
  for (int i = 0; i < kCalls; ++i) {
    Status st = with_write(**s, [&](Transaction& tx) -> Status {
      auto pid = tx.query("SELECT pg_backend_pid()::text");
      if (!pid.ok()) return pid.status();
      if (i == 0) backend_pid = (*pid)[0].str(0);
      EXPECT_EQ((*pid)[0].str(0), backend_pid) << "pool_size=1: every transaction on the same connection";
      return audit::record(tx, {"staff:1", "case.view", "application:" + std::to_string(i), ""}, 1000 + i);
    });
    ASSERT_TRUE(st.ok()) << st.message();
  }
  int count = 0;
  const std::string select_last = "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1";
  const std::string insert = postgres_placeholders(
      "INSERT INTO audit_log (at, actor, action, object, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)", &count);
  Status st = with_read(**s, [&](Transaction& tx) -> Status {
    // pg_prepared_statements lists this session's statements only: the pool's one connection.
    auto rows = tx.query(
        "SELECT statement, COUNT(*), SUM(generic_plans + custom_plans), MIN(from_sql::int) "
        "FROM pg_prepared_statements GROUP BY statement");
    if (!rows.ok()) return rows.status();
    std::map<std::string, std::pair<int64_t, int64_t>> by_text;  // text -> (prepared, executions)
    for (const Row& r : *rows) {
      by_text[r.str(0)] = {r.i64(1), r.i64(2)};
      EXPECT_EQ(r.i64(1), 1) << "prepared " << r.i64(1) << " times: " << r.str(0);
      EXPECT_EQ(r.i64(3), 0) << "prepared through the protocol (PQprepare), not PREPARE: " << r.str(0);
    }
    for (const std::string& text : {select_last, insert}) {
      auto it = by_text.find(text);
      if (it == by_text.end()) {
        ADD_FAILURE() << "not prepared: " << text;
        continue;
      }
      EXPECT_EQ(it->second.first, 1) << text;
      EXPECT_EQ(it->second.second, kCalls) << "one prepared statement executed at every call: " << text;
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.message();
}

TEST_F(PostgresStoreTest, PoolSizeLimitsConnectionsAndOtherParametersReachTheServer) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  EXPECT_EQ(Store::open(url.url() + "?pool_size=0").status().code(), Code::kInvalid);
  EXPECT_EQ(Store::open(url.url() + "?pool_size=x").status().code(), Code::kInvalid);
  auto s = Store::open(url.url() + "?application_name=pooltest&pool_size=2");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE((*s)->migrate().ok());
  std::atomic<int> max_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        Status st = with_read(**s, [&](Transaction& tx) {
          auto r = tx.query(
              "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?",
              {std::string("pooltest")});
          if (!r.ok()) return r.status();
          int seen = static_cast<int>((*r)[0].i64(0));
          for (int m = max_seen.load(); seen > m && !max_seen.compare_exchange_weak(m, seen);) {
          }
          return Status::Ok();
        });
        EXPECT_TRUE(st.ok()) << st.message();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GE(max_seen.load(), 1);
  EXPECT_LE(max_seen.load(), 2);
}

TEST_F(PostgresStoreTest, DeadConnectionsAreReplaced) {
  StoreUrl url;
  ASSERT_FALSE(url.url().empty());
  auto s = Store::open(url.url() + (url.url().find('?') == std::string::npos ? "?" : "&") + "pool_size=3");
  ASSERT_TRUE(s.ok()) << s.status().message();
  ASSERT_TRUE((*s)->migrate().ok());
  // Three connections in the pool, then the server ends them all (as a restart would).
  {
    auto t1 = (*s)->begin(Store::Mode::kRead);
    auto t2 = (*s)->begin(Store::Mode::kRead);
    auto t3 = (*s)->begin(Store::Mode::kWrite);
    ASSERT_TRUE(t1.ok() && t2.ok() && t3.ok());
  }
  Admin admin(url.url());
  EXPECT_EQ(admin.value("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"),
            "3");
  Status w = with_write(**s, [](Transaction& tx) {
    return tx.exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES (?, ?, ?, ?)",
                   {std::string("after-restart"), std::string("p"), std::string(""), int64_t{1}})
        .status();
  });
  EXPECT_TRUE(w.ok()) << w.message();
  EXPECT_TRUE((*s)->ping().ok());
  EXPECT_EQ(admin.value("SELECT COUNT(*) FROM procedure_versions"), "1");
}

TEST_F(PostgresStoreTest, AFailedStatementFailsTheCommit) {
  StoreUrl url;
  auto s = open_migrated(url.url());
  ASSERT_TRUE(s);
  auto tx = s->begin(Store::Mode::kWrite);
  ASSERT_TRUE(tx.ok());
  auto add = [&] {
    return (*tx)->exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES (?, ?, ?, ?)",
                       {std::string("dup"), std::string("p"), std::string(""), int64_t{1}});
  };
  ASSERT_TRUE(add().ok());
  EXPECT_EQ(add().status().code(), Code::kConflict);
  EXPECT_EQ((*tx)->commit().code(), Code::kConflict);
  auto check = s->begin(Store::Mode::kRead);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ((*(*check)->query("SELECT COUNT(*) FROM procedure_versions"))[0].i64(0), 0);
}

// A serialization failure (SQLSTATE 40001) is a Conflict and is not retried either, although
// here a second run would succeed: conflict_once() fails at its first call only (it counts
// with a sequence, which a rollback does not undo).
TEST_F(PostgresStoreTest, ASerializationFailureIsAConflictAfterOneRun) {
  StoreUrl url;
  auto s = open_migrated(url.url());
  ASSERT_TRUE(s);
  Admin admin(url.url());
  admin.value("CREATE SEQUENCE conflict_calls");
  admin.value(
      "CREATE FUNCTION conflict_once() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN "
      "IF nextval('conflict_calls') = 1 THEN "
      "RAISE EXCEPTION 'forced serialization failure' USING ERRCODE = 'serialization_failure'; END IF; "
      "RETURN 1; END $$");
  int runs = 0;
  auto work = [&](Transaction& tx) -> Status {
    ++runs;
    auto r = tx.exec(
        "INSERT INTO procedure_versions (version, procedure_id, body, created_at) "
        "VALUES ('v-serial', 'p', '', 1)");
    if (!r.ok()) return r.status();
    return tx.query("SELECT conflict_once()").status();
  };
  Status first = with_write(*s, work);
  EXPECT_EQ(first.code(), Code::kConflict) << first.message();
  EXPECT_NE(first.message().find("forced serialization failure"), std::string::npos) << first.message();
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(admin.value("SELECT COUNT(*) FROM procedure_versions"), "0");
  // Running it again is the caller's decision; then it commits, once.
  Status second = with_write(*s, work);
  EXPECT_TRUE(second.ok()) << second.message();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(admin.value("SELECT COUNT(*) FROM procedure_versions"), "1");
}

// The one way a madoguchi writer meets a deadlock (40P01): a session outside its writer lock,
// such as an operator's psql, locking the same rows in the other order. PostgreSQL ends the
// transaction that first waited for deadlock_timeout, ours here: the caller gets a Conflict
// after one run, and the outside session's transaction goes through.
TEST_F(PostgresStoreTest, ADeadlockWithAnOutsideSessionIsAConflictAfterOneRun) {
  StoreUrl url;
  auto s = open_migrated(url.url());
  ASSERT_TRUE(s);
  ASSERT_TRUE(with_write(*s, [](Transaction& tx) {
                return tx
                    .exec(
                        "INSERT INTO procedure_versions (version, procedure_id, body, created_at) "
                        "VALUES ('a', 'p', '', 0), ('b', 'p', '', 0)")
                    .status();
              }).ok());
  Admin outside(url.url());
  outside.value("BEGIN");
  outside.value("UPDATE procedure_versions SET created_at = 2 WHERE version = 'b'");
  std::atomic<int> runs{0};
  Status ours;
  std::thread writer([&] {
    ours = with_write(*s, [&](Transaction& tx) -> Status {
      ++runs;
      auto r = tx.exec("UPDATE procedure_versions SET created_at = 1 WHERE version = 'a'");
      if (!r.ok()) return r.status();
      return tx.exec("UPDATE procedure_versions SET created_at = 1 WHERE version = 'b'").status();  // waits
    });
  });
  Admin watcher(url.url());
  bool waiting = false;
  for (int i = 0; i < 200 && !waiting; ++i) {
    waiting = watcher.value(
                  "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                  "AND wait_event_type = 'Lock'") == "1";
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(waiting) << "our writer never waited for the outside session's row lock";
  outside.value("UPDATE procedure_versions SET created_at = 2 WHERE version = 'a'");  // closes the cycle
  outside.value("COMMIT");
  writer.join();
  EXPECT_EQ(ours.code(), Code::kConflict) << ours.message();
  EXPECT_NE(ours.message().find("deadlock"), std::string::npos) << ours.message();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(watcher.value("SELECT string_agg(version || '=' || created_at, ',' ORDER BY version) "
                          "FROM procedure_versions"),
            "a=2,b=2");
}

TEST_F(PostgresStoreTest, TextWithNulIsRejectedNotTruncated) {
  StoreUrl url;
  auto s = open_migrated(url.url());
  ASSERT_TRUE(s);
  auto tx = s->begin(Store::Mode::kRead);
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)->query("SELECT ?", {std::string("a\0b", 3)}).status().code(), Code::kInvalid);
}

}  // namespace
}  // namespace madoguchi::store
