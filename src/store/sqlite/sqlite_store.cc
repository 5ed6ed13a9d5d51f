#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <unordered_map>
#include <string>
#include <vector>

#include "core/date.h"
#include "store/migrations.h"
#include "store/sqlite/wal_sync.h"

namespace madoguchi::store {
namespace {

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

class Pool;

class SqliteTransaction : public Transaction {
 public:
  // `changes_at_begin` is sqlite3_total_changes64() when the transaction began, for write
  // transactions; a commit that changed no row needs no fsync. (Schema changes do not count
  // as changes, but every migration also inserts its row into schema_migrations.)
  SqliteTransaction(Pool* pool, sqlite3* db, bool write, bool durable, std::unique_lock<std::timed_mutex> writer)
      : pool_(pool),
        db_(db),
        write_(write),
        durable_(durable),
        changes_at_begin_(write ? sqlite3_total_changes64(db) : 0),
        writer_(std::move(writer)) {}
  ~SqliteTransaction() override;

  Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& params) override;
  Result<int64_t> exec(std::string_view sql, const std::vector<Value>& params) override;
  Status commit() override;

 private:
  Status run(std::string_view sql, const std::vector<Value>& params, std::vector<Row>* rows);
  Pool* pool_;
  sqlite3* db_;  // null once given back to the pool
  bool write_;
  bool durable_;  // commit() waits for the WAL fsync (false for Mode::kWriteLazy)
  int64_t changes_at_begin_;
  bool done_ = false;
  // Held by write transactions from BEGIN IMMEDIATE to the end of COMMIT or ROLLBACK (not
  // during the fsync wait); empty for reads.
  std::unique_lock<std::timed_mutex> writer_;
};

// How long a writer waits for another one, at this process's writer mutex and at SQLite's
// lock (busy timeout), before it fails.
constexpr std::chrono::milliseconds kBusyTimeout{10000};

// Connections are opened lazily up to a limit. Writers of this process take turns on
// writer(); SQLite's lock (BEGIN IMMEDIATE + busy timeout) serialises them with other
// processes. Readers run concurrently under WAL.
class Pool {
 public:
  Pool(std::string path, std::function<Status()> wal_sync)
      : path_(std::move(path)), wal_syncer_(wal_sync ? std::move(wal_sync) : wal_file_sync(path_)) {}
  ~Pool() {
    for (auto& [db, stmts] : statements_) {
      for (auto& [sql, stmt] : stmts) sqlite3_finalize(stmt);
    }
    for (sqlite3* db : idle_) sqlite3_close_v2(db);
  }
  // Prepared statements are kept per connection: preparing the same SQL on every request was
  // a measurable share of a submission's CPU time. Only the thread holding `db` touches its map.
  std::unordered_map<std::string, sqlite3_stmt*>& statements(sqlite3* db) {
    std::lock_guard lock(mu_);
    return statements_[db];
  }
  Result<sqlite3*> acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty() || open_ < kMaxConnections; });
    if (!idle_.empty()) {
      sqlite3* db = idle_.back();
      idle_.pop_back();
      return db;
    }
    ++open_;
    lock.unlock();
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close_v2(db);
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
      return Status::Io("cannot open " + path_ + ": " + msg);
    }
    sqlite3_busy_timeout(db, static_cast<int>(kBusyTimeout.count()));
    // NORMAL: COMMIT writes the WAL without an fsync; SqliteTransaction::commit() then waits
    // for a shared fsync of the WAL (group commit, wal_sync.h) before it returns, so an
    // acknowledged receipt survives power loss as it would with synchronous=FULL.
    const char* setup =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
    char* err = nullptr;
    if (sqlite3_exec(db, setup, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      sqlite3_close_v2(db);
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
      return Status::Io("cannot configure " + path_ + ": " + msg);
    }
    return db;
  }
  void release(sqlite3* db) {
    std::lock_guard lock(mu_);
    idle_.push_back(db);
    cv_.notify_one();
  }
  WalSyncer& wal_syncer() { return wal_syncer_; }
  // Writers of this process queue here before BEGIN IMMEDIATE. SQLite's own busy handler
  // only polls: a writer that finds the lock taken sleeps 1, 2, 5, 10 … ms and leaves the lock
  // idle after it is freed, which under 64 concurrent submissions was most of their p99. A
  // mutex wakes the next writer as the lock is released. Other processes on the same file
  // (`madoguchi user add` while serving) still meet at SQLite's lock and its busy timeout.
  std::timed_mutex& writer() { return writer_; }

 private:
  // One per default server thread on a 4-core machine; each holds a page cache of up to
  // 2 MiB, opened only when needed.
  static constexpr int kMaxConnections = 16;
  std::string path_;
  WalSyncer wal_syncer_;
  std::timed_mutex writer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<sqlite3*> idle_;
  std::unordered_map<sqlite3*, std::unordered_map<std::string, sqlite3_stmt*>> statements_;
  int open_ = 0;
};

SqliteTransaction::~SqliteTransaction() {
  if (!db_) return;
  if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  if (writer_.owns_lock()) writer_.unlock();
  pool_->release(db_);
}

Status SqliteTransaction::run(std::string_view sql, const std::vector<Value>& params,
                              std::vector<Row>* rows) {
  if (done_) return Status::Internal("transaction already finished");
  auto& cache = pool_->statements(db_);
  std::string key(sql);
  sqlite3_stmt* stmt = nullptr;
  if (auto it = cache.find(key); it != cache.end()) {
    stmt = it->second;
  } else {
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                           nullptr) != SQLITE_OK) {
      return Status::Internal(std::string("prepare: ") + sqlite3_errmsg(db_));
    }
    cache.emplace(key, stmt);
  }
  // Reset on every exit so the cached statement holds no locks and no bound values.
  struct Resetter {
    sqlite3_stmt* s;
    ~Resetter() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } guard{stmt};
  for (size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::nullptr_t>(v)) {
      rc = sqlite3_bind_null(stmt, idx);
    } else if (auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, idx, *d);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else if (auto* b = std::get_if<Blob>(&v)) {
      // An empty vector's data() may be null, which SQLite would store as NULL, not as b''.
      rc = b->empty() ? sqlite3_bind_zeroblob(stmt, idx, 0)
                      : sqlite3_bind_blob64(stmt, idx, b->data(), b->size(), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) return Status::Internal(std::string("bind: ") + sqlite3_errmsg(db_));
  }
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) {
        return Status::Conflict(std::string("constraint: ") + sqlite3_errmsg(db_));
      }
      return Status::Io(std::string("step: ") + sqlite3_errmsg(db_));
    }
    if (!rows) continue;
    Row row;
    int n = sqlite3_column_count(stmt);
    row.cols.reserve(n);
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: row.cols.emplace_back(int64_t{sqlite3_column_int64(stmt, c)}); break;
        case SQLITE_FLOAT: row.cols.emplace_back(sqlite3_column_double(stmt, c)); break;
        case SQLITE_TEXT:
          row.cols.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, c)),
                                            sqlite3_column_bytes(stmt, c)));
          break;
        case SQLITE_BLOB: {
          auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, c));
          row.cols.emplace_back(Blob(p, p + sqlite3_column_bytes(stmt, c)));
          break;
        }
        default: row.cols.emplace_back(nullptr);
      }
    }
    rows->push_back(std::move(row));
  }
  return Status::Ok();
}

Result<std::vector<Row>> SqliteTransaction::query(std::string_view sql, const std::vector<Value>& params) {
  std::vector<Row> rows;
  Status s = run(sql, params, &rows);
  if (!s.ok()) return s;
  return rows;
}

Result<int64_t> SqliteTransaction::exec(std::string_view sql, const std::vector<Value>& params) {
  Status s = run(sql, params, nullptr);
  if (!s.ok()) return s;
  return int64_t{sqlite3_changes64(db_)};
}

Status SqliteTransaction::commit() {
  if (done_) return Status::Internal("transaction already finished");
  char* err = nullptr;
  int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    return Status::Io("commit: " + msg);  // destructor rolls back
  }
  done_ = true;
  if (writer_.owns_lock()) writer_.unlock();
  const bool changed = write_ && sqlite3_total_changes64(db_) != changes_at_begin_;
  // The connection goes back before the wait, so the pool is not emptied by committers
  // waiting for an fsync.
  pool_->release(db_);
  db_ = nullptr;
  if (!changed || !durable_) return Status::Ok();
  return pool_->wal_syncer().wait_durable();
}

class SqliteStore : public Store {
 public:
  SqliteStore(std::string path, std::function<Status()> wal_sync)
      : pool_(std::move(path), std::move(wal_sync)) {}

  Result<std::unique_ptr<Transaction>> begin(Mode mode) override {
    auto db = pool_.acquire();
    if (!db.ok()) return db.status();
    const bool write = mode != Mode::kRead;
    std::unique_lock writer(pool_.writer(), std::defer_lock);
    // A thread that began a second write while holding one fails here, as it would at
    // SQLite's lock, instead of waiting for itself forever.
    if (write && !writer.try_lock_for(kBusyTimeout)) {
      pool_.release(*db);
      return Status::Io("begin: database is locked (another write held it for 10 s)");
    }
    const char* sql = write ? "BEGIN IMMEDIATE" : "BEGIN";
    char* err = nullptr;
    if (sqlite3_exec(*db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      pool_.release(*db);
      return Status::Io("begin: " + msg);
    }
    return std::unique_ptr<Transaction>(
        new SqliteTransaction(&pool_, *db, write, mode == Mode::kWrite, std::move(writer)));
  }

  Status migrate() override {
    {
      auto tx = begin(Mode::kWrite);
      if (!tx.ok()) return tx.status();
      auto r = (*tx)->exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
      if (!r.ok()) return r.status();
      if (Status s = (*tx)->commit(); !s.ok()) return s;
    }
    for (const Migration& m : migrations()) {
      auto tx = begin(Mode::kWrite);
      if (!tx.ok()) return tx.status();
      auto done = (*tx)->query("SELECT 1 FROM schema_migrations WHERE version = ?", {int64_t{m.version}});
      if (!done.ok()) return done.status();
      if (!done->empty()) continue;
      std::string sql = replace_all(m.sql, "{{id}}", "INTEGER PRIMARY KEY AUTOINCREMENT");
      sql = replace_all(sql, "{{blob}}", "BLOB");
      // Statements are separated by ";\n" (no triggers or bodies with inner semicolons).
      size_t start = 0;
      while (start < sql.size()) {
        size_t end = sql.find(";\n", start);
        std::string stmt = sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? sql.size() : end + 2;
        if (stmt.find_first_not_of(" \n\t") == std::string::npos) continue;
        auto r = (*tx)->exec(stmt);
        if (!r.ok()) return Status::Internal("migration " + std::to_string(m.version) + ": " + r.status().message());
      }
      auto r = (*tx)->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                           {int64_t{m.version}, unix_now()});
      if (!r.ok()) return r.status();
      if (Status s = (*tx)->commit(); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status ping() override {
    auto tx = begin(Mode::kRead);
    if (!tx.ok()) return tx.status();
    auto r = (*tx)->query("SELECT 1");
    return r.status();
  }

  std::string backend() const override { return "sqlite"; }

 private:
  Pool pool_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, std::function<Status()> wal_sync) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  auto store = std::make_unique<SqliteStore>(path, std::move(wal_sync));
  if (Status s = store->ping(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace madoguchi::store
