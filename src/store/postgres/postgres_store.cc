#include "store/postgres/postgres_store.h"

#include <libpq-fe.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "store/migrations.h"

namespace madoguchi::store {
namespace {

// Advisory lock key of the one-writer-at-a-time lock ("madoguch" in ASCII). Advisory locks
// are per database, so deployments sharing a server do not contend.
constexpr int64_t kWriterLock = 0x6d61646f67756368;
constexpr int kDefaultPoolSize = 8;
constexpr auto kAcquireTimeout = std::chrono::seconds(30);
// Statements cached per connection before the cache is dropped; domain SQL is a fixed set
// far below this, so only SQL built with varying text would ever reach it.
constexpr size_t kMaxPrepared = 1000;

// Type OIDs from PostgreSQL's pg_type.dat (stable across versions).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kOidOid = 26, kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
    s.replace(pos, from.size(), to);
  }
  return s;
}

std::string trimmed(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Maps a failed result to a Status; see the header for the classes.
Status pg_error(const PGresult* r, PGconn* conn, std::string_view what) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view code = state ? state : "";
  std::string msg = std::string(what) + ": " + trimmed(r ? PQresultErrorMessage(r) : PQerrorMessage(conn));
  if (msg.size() == what.size() + 2) msg += trimmed(PQerrorMessage(conn));
  if (code.starts_with("23") || code == "40001" || code == "40P01") return Status::Conflict(msg);
  if (code.starts_with("22")) return Status::Invalid(msg);
  if (code.starts_with("42")) return Status::Internal(msg);
  return Status::Io(msg);
}

bool ok_result(const PGresult* r) {
  if (!r) return false;
  ExecStatusType st = PQresultStatus(r);
  return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// One connection and the statements prepared on it (SQL key → statement name).
struct PgConn {
  PGconn* conn = nullptr;
  std::unordered_map<std::string, std::string> prepared;
  int next_statement = 0;
  ~PgConn() { PQfinish(conn); }
};

class Pool {
 public:
  Pool(std::string url, int size) : url_(std::move(url)), size_(size) {}
  int size() const { return size_; }

  // A connection, idle or new; waits while `size` are in use.
  Result<std::unique_ptr<PgConn>> acquire() {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, kAcquireTimeout, [&] { return !idle_.empty() || open_ < size_; })) {
      return Status::Io("no free database connection within 30 s (pool_size " + std::to_string(size_) + ")");
    }
    ++open_;  // counted before connecting, so waiters see the slot as taken
    while (!idle_.empty()) {
      std::unique_ptr<PgConn> c = std::move(idle_.back());
      idle_.pop_back();
      --open_;  // the idle one was counted already
      if (PQstatus(c->conn) == CONNECTION_OK) return c;
      // Known dead (the server closed it): drop it and look further.
    }
    lock.unlock();
    auto c = connect();
    if (!c.ok()) {
      std::lock_guard relock(mu_);
      --open_;
      cv_.notify_one();
    }
    return c;
  }

  // Takes a connection back; one that is broken or still inside a transaction is closed.
  void release(std::unique_ptr<PgConn> c) {
    bool reusable = PQstatus(c->conn) == CONNECTION_OK && PQtransactionStatus(c->conn) == PQTRANS_IDLE;
    if (!reusable) c.reset();
    std::lock_guard lock(mu_);
    if (reusable) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
    cv_.notify_one();
  }

  ~Pool() { idle_.clear(); }

 private:
  Result<std::unique_ptr<PgConn>> connect() {
    // Keywords before "dbname" are defaults the URL may override; those after it win.
    const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", "client_encoding", nullptr};
    const char* values[] = {"10", "madoguchi", url_.c_str(), "UTF8", nullptr};
    auto c = std::make_unique<PgConn>();
    c->conn = PQconnectdbParams(keys, values, 1);
    if (!c->conn) return Status::Io("postgresql: out of memory");
    if (PQstatus(c->conn) != CONNECTION_OK) {
      return Status::Io("cannot connect to postgresql: " + trimmed(PQerrorMessage(c->conn)));
    }
    // commit() must mean "on stable storage": undo a server-wide synchronous_commit=off but
    // keep stronger settings. A transaction idle for a minute is a stuck node holding locks.
    PgResult r(PQexec(c->conn,
                      "SELECT set_config('synchronous_commit', 'on', false) "
                      "WHERE current_setting('synchronous_commit') = 'off';"
                      "SELECT set_config('idle_in_transaction_session_timeout', '60s', false) "
                      "WHERE current_setting('idle_in_transaction_session_timeout') = '0';"
                      // NOTICEs ("… already exists, skipping" at every migrate) are noise on stderr.
                      "SET client_min_messages = warning"),
               PQclear);
    if (!ok_result(r.get())) return pg_error(r.get(), c->conn, "configure connection");
    return c;
  }

  std::string url_;
  int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;  // connections in use or idle, plus ones being opened
};

Value decode(const PGresult* r, int row, int col) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const char* text = PQgetvalue(r, row, col);
  int len = PQgetlength(r, row, col);
  switch (PQftype(r, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: return int64_t{std::strtoll(text, nullptr, 10)};
    case kFloat4Oid:
    case kFloat8Oid: return std::strtod(text, nullptr);
    case kBoolOid: return int64_t{text[0] == 't' ? 1 : 0};
    case kNumericOid: {
      // SUM(bigint) and friends are numeric; a whole number that fits is an integer, as in SQLite.
      int64_t n = 0;
      auto [end, ec] = std::from_chars(text, text + len, n);
      if (ec == std::errc() && end == text + len) return n;
      return std::strtod(text, nullptr);
    }
    case kByteaOid: {
      size_t n = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
      if (!bytes) return Blob{};
      Blob b(bytes, bytes + n);
      PQfreemem(bytes);
      return b;
    }
    default: return std::string(text, static_cast<size_t>(len));
  }
}

class PgTransaction : public Transaction {
 public:
  // `durable`: commit() waits for the WAL flush (false for Mode::kWriteLazy).
  PgTransaction(Pool* pool, std::unique_ptr<PgConn> conn, bool write, bool durable)
      : pool_(pool), c_(std::move(conn)), write_(write), durable_(durable) {}
  ~PgTransaction() override {
    if (!done_) PQclear(PQexec(c_->conn, "ROLLBACK"));
    pool_->release(std::move(c_));
  }

  Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& params) override {
    std::vector<Row> rows;
    int64_t changed = 0;
    if (Status s = run(sql, params, &rows, &changed); !s.ok()) return s;
    return rows;
  }

  Result<int64_t> exec(std::string_view sql, const std::vector<Value>& params) override {
    int64_t changed = 0;
    if (Status s = run(sql, params, nullptr, &changed); !s.ok()) return s;
    return changed;
  }

  Status commit() override {
    if (done_) return Status::Internal("transaction already finished");
    PgResult r(PQexec(c_->conn, "COMMIT"), PQclear);
    if (!ok_result(r.get())) {
      // With the connection lost the outcome is unknown; it is reported as a failure.
      if (PQstatus(c_->conn) == CONNECTION_OK) done_ = true;  // a failed COMMIT ends the transaction
      return pg_error(r.get(), c_->conn, "commit");
    }
    done_ = true;
    // COMMIT of a transaction in which a statement failed answers "ROLLBACK".
    if (std::strcmp(PQcmdStatus(r.get()), "COMMIT") != 0) {
      return Status::Conflict("commit: the transaction had failed and was rolled back");
    }
    if (!write_ || !durable_) return Status::Ok();
    // The COMMIT ran with synchronous_commit=off (see begin_pg), so it released the writer
    // lock without waiting for its WAL flush. Wait now, outside the lock: a tiny autocommit
    // statement that writes WAL commits at the session's synchronous_commit (on, or stronger),
    // so it returns once the WAL is flushed (and replicated) up to its own commit record, which
    // follows ours. Concurrent committers share those flushes (PostgreSQL's group commit).
    PgResult barrier(PQexec(c_->conn, "SELECT pg_logical_emit_message(true, 'madoguchi', 'durable')"), PQclear);
    if (!ok_result(barrier.get())) {
      return Status::Io("commit: durability not confirmed: " + pg_error(barrier.get(), c_->conn, "flush").message());
    }
    return Status::Ok();
  }

  // Runs `sql` (no parameters, possibly several statements) with the simple protocol; for
  // migrations, whose DDL is run once and not worth preparing.
  Status run_script(const std::string& sql) {
    PgResult r(PQexec(c_->conn, sql.c_str()), PQclear);
    if (!ok_result(r.get())) return pg_error(r.get(), c_->conn, "script");
    return Status::Ok();
  }

 private:
  Status run(std::string_view sql, const std::vector<Value>& params, std::vector<Row>* rows, int64_t* changed);

  Pool* pool_;
  std::unique_ptr<PgConn> c_;
  bool write_;
  bool durable_;
  bool done_ = false;
};

Status PgTransaction::run(std::string_view sql, const std::vector<Value>& params, std::vector<Row>* rows,
                          int64_t* changed) {
  if (done_) return Status::Internal("transaction already finished");
  int count = 0;
  std::string text = postgres_placeholders(sql, &count);
  if (static_cast<size_t>(count) != params.size()) {
    return Status::Internal("statement has " + std::to_string(count) + " placeholder(s) but " +
                            std::to_string(params.size()) + " parameter(s) were given");
  }
  // Blobs are declared bytea so they bind as binary whatever the context; the declared
  // types are part of the prepared statement, hence of the cache key.
  std::vector<Oid> types(params.size(), 0);
  std::string key = text;
  for (size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<Blob>(params[i])) {
      types[i] = kByteaOid;
      key += '\0' + std::to_string(i);
    }
  }

  auto it = c_->prepared.find(key);
  if (it == c_->prepared.end()) {
    if (c_->prepared.size() >= kMaxPrepared) {
      PgResult d(PQexec(c_->conn, "DEALLOCATE ALL"), PQclear);
      if (!ok_result(d.get())) return pg_error(d.get(), c_->conn, "deallocate");
      c_->prepared.clear();
    }
    std::string name = "m" + std::to_string(++c_->next_statement);
    PgResult p(PQprepare(c_->conn, name.c_str(), text.c_str(), count, types.data()), PQclear);
    if (!ok_result(p.get())) return pg_error(p.get(), c_->conn, "prepare");
    it = c_->prepared.emplace(std::move(key), std::move(name)).first;
  }

  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  std::vector<int> lengths(params.size(), 0);
  std::vector<int> formats(params.size(), 0);
  for (size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i];
    if (auto* n = std::get_if<int64_t>(&v)) {
      texts[i] = std::to_string(*n);
    } else if (auto* d = std::get_if<double>(&v)) {
      char buf[64];
      auto res = std::to_chars(buf, buf + sizeof buf, *d);  // shortest text that reads back exactly
      texts[i].assign(buf, res.ptr);
    } else if (auto* s = std::get_if<std::string>(&v)) {
      // Text parameters travel as C strings; a NUL would silently cut the value.
      if (s->find('\0') != std::string::npos) {
        return Status::Invalid("parameter " + std::to_string(i + 1) + ": text contains a NUL byte");
      }
      values[i] = s->c_str();
      continue;
    } else if (auto* b = std::get_if<Blob>(&v)) {
      static const char kEmpty = 0;
      values[i] = b->empty() ? &kEmpty : reinterpret_cast<const char*>(b->data());
      lengths[i] = static_cast<int>(b->size());
      formats[i] = 1;
      continue;
    } else {
      continue;  // NULL
    }
    values[i] = texts[i].c_str();
  }

  PgResult r(PQexecPrepared(c_->conn, it->second.c_str(), count, values.data(), lengths.data(), formats.data(), 0),
             PQclear);
  if (!ok_result(r.get())) {
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    // 26000: the statement vanished (DISCARD ALL by a pooler); 0A000: "cached plan must not
    // change result type" after a schema change. Forget it so the next use prepares afresh.
    if (state && (std::strcmp(state, "26000") == 0 || std::strcmp(state, "0A000") == 0)) {
      c_->prepared.erase(it);
    }
    return pg_error(r.get(), c_->conn, "execute");
  }
  *changed = std::strtoll(PQcmdTuples(r.get()), nullptr, 10);  // "" (→ 0) for statements without a count
  if (rows) {
    int nrows = PQntuples(r.get());
    int ncols = PQnfields(r.get());
    rows->reserve(static_cast<size_t>(nrows));
    for (int i = 0; i < nrows; ++i) {
      Row row;
      row.cols.reserve(static_cast<size_t>(ncols));
      for (int c = 0; c < ncols; ++c) row.cols.push_back(decode(r.get(), i, c));
      rows->push_back(std::move(row));
    }
  }
  return Status::Ok();
}

class PgStore : public Store {
 public:
  PgStore(std::string url, int pool_size) : pool_(std::move(url), pool_size) {}

  Result<std::unique_ptr<Transaction>> begin(Mode mode) override {
    auto tx = begin_pg(mode);
    if (!tx.ok()) return tx.status();
    return std::unique_ptr<Transaction>(std::move(*tx));
  }

  Status migrate() override {
    // Each step is a kWrite transaction, so the writer lock also serialises nodes migrating
    // at the same time: the second one waits, then sees the first's schema_migrations row.
    {
      auto tx = begin_pg(Mode::kWrite);
      if (!tx.ok()) return tx.status();
      Status s = (*tx)->run_script(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
      if (!s.ok()) return s;
      if (Status c = (*tx)->commit(); !c.ok()) return c;
    }
    for (const Migration& m : migrations()) {
      auto tx = begin_pg(Mode::kWrite);
      if (!tx.ok()) return tx.status();
      auto done = (*tx)->query("SELECT 1 FROM schema_migrations WHERE version = ?", {int64_t{m.version}});
      if (!done.ok()) return done.status();
      if (!done->empty()) continue;
      std::string sql = replace_all(m.sql, "{{id}}", "BIGSERIAL PRIMARY KEY");
      sql = replace_all(sql, "{{blob}}", "BYTEA");
      // The simple protocol runs the whole migration, every statement, in this transaction.
      if (Status s = (*tx)->run_script(sql); !s.ok()) {
        return Status::Internal("migration " + std::to_string(m.version) + ": " + s.message());
      }
      auto r = (*tx)->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                           {int64_t{m.version}, unix_now()});
      if (!r.ok()) return r.status();
      if (Status c = (*tx)->commit(); !c.ok()) return c;
    }
    return Status::Ok();
  }

  Status ping() override {
    auto tx = begin(Mode::kRead);
    if (!tx.ok()) return tx.status();
    return (*tx)->query("SELECT 1").status();
  }

  std::string backend() const override { return "postgresql"; }

  Status after_import(Transaction& tx, const std::vector<std::string>& tables) override {
    // The columns filled from a sequence ({{id}} became BIGSERIAL), found in the catalogue
    // rather than assumed to be "id", so a table keyed otherwise needs nothing here.
    for (const std::string& table : tables) {
      auto serials = tx.query(
          "SELECT column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
          "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? "
          "AND column_default LIKE 'nextval(%'",
          {table});
      if (!serials.ok()) return serials.status();
      for (const Row& r : *serials) {
        if (r.is_null(1)) continue;
        // Empty table: the next id is 1. Otherwise MAX is marked as used, so the next is MAX + 1.
        std::string column = "\"" + r.str(0) + "\"";
        std::string sql = "SELECT setval(?, COALESCE(MAX(" + column + "), 1), MAX(" + column + ") IS NOT NULL) " +
                          "FROM \"" + table + "\"";
        auto set = tx.query(sql, {r.str(1)});
        if (!set.ok()) return set.status();
      }
    }
    return Status::Ok();
  }

 private:
  Result<std::unique_ptr<PgTransaction>> begin_pg(Mode mode) {
    static const std::string kBeginWrite =
        "BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL synchronous_commit = off; "
        "SELECT pg_advisory_xact_lock(" + std::to_string(kWriterLock) + ")";
    const bool write = mode != Mode::kRead;
    const char* sql = write ? kBeginWrite.c_str() : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    // Every idle connection may be dead after a server restart; each failed BEGIN drops one,
    // so pool_size + 1 attempts end on a fresh connection.
    Status last;
    for (int attempt = 0; attempt <= pool_.size(); ++attempt) {
      auto c = pool_.acquire();
      if (!c.ok()) return c.status();
      PgResult r(PQexec((*c)->conn, sql), PQclear);
      if (ok_result(r.get())) return std::make_unique<PgTransaction>(&pool_, std::move(*c), write, mode == Mode::kWrite);
      last = pg_error(r.get(), (*c)->conn, "begin");
      bool dead = PQstatus((*c)->conn) != CONNECTION_OK;
      if (!dead) PQclear(PQexec((*c)->conn, "ROLLBACK"));
      pool_.release(std::move(*c));
      if (!dead) return last;
    }
    return last;
  }

  Pool pool_;
};

}  // namespace

std::string postgres_placeholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  size_t i = 0;
  const size_t size = sql.size();
  auto copy_to = [&](size_t end) {
    end = std::min(end, size);
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < size) {
    char c = sql[i];
    char next = i + 1 < size ? sql[i + 1] : '\0';
    if (c == '\'') {
      // E'…' strings take backslash escapes; in standard strings only '' escapes a quote.
      bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !is_ident_char(sql[i - 2]));
      size_t j = i + 1;
      for (; j < size; ++j) {
        if (escapes && sql[j] == '\\') {
          ++j;
        } else if (sql[j] == '\'') {
          if (j + 1 < size && sql[j + 1] == '\'') {
            ++j;
          } else {
            break;
          }
        }
      }
      copy_to(j + 1);
    } else if (c == '"') {
      size_t j = sql.find('"', i + 1);
      copy_to(j == std::string_view::npos ? size : j + 1);
    } else if (c == '-' && next == '-') {
      size_t j = sql.find('\n', i);
      copy_to(j == std::string_view::npos ? size : j + 1);
    } else if (c == '/' && next == '*') {
      // Block comments nest in PostgreSQL.
      int depth = 0;
      size_t j = i;
      while (j < size) {
        if (sql[j] == '/' && j + 1 < size && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < size && sql[j + 1] == '/') {
          j += 2;
          if (--depth == 0) break;
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '$' && (i == 0 || !is_ident_char(sql[i - 1]))) {
      // Dollar quoting: $tag$ … $tag$ (the tag may be empty). "$1" is not a tag.
      size_t j = i + 1;
      while (j < size && is_ident_char(sql[j]) && !(j == i + 1 && sql[j] >= '0' && sql[j] <= '9')) ++j;
      if (j < size && sql[j] == '$') {
        std::string_view tag = sql.substr(i, j - i + 1);
        size_t close = sql.find(tag, j + 1);
        copy_to(close == std::string_view::npos ? size : close + tag.size());
      } else {
        out += c;
        ++i;
      }
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  *count = n;
  return out;
}

Result<std::unique_ptr<Store>> open_postgres(const std::string& url) {
  // Take our pool_size out of the query string; libpq rejects parameters it does not know.
  std::string conn_url = url;
  int pool_size = kDefaultPoolSize;
  if (size_t q = url.find('?'); q != std::string::npos) {
    std::string kept;
    size_t start = q + 1;
    while (start <= url.size()) {
      size_t amp = url.find('&', start);
      if (amp == std::string::npos) amp = url.size();
      std::string param = url.substr(start, amp - start);
      if (param.rfind("pool_size=", 0) == 0) {
        std::string v = param.substr(10);
        int n = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || end != v.data() + v.size() || n < 1 || n > 1000) {
          return Status::Invalid("store: pool_size must be a whole number from 1 to 1000, not '" + v + "'");
        }
        pool_size = n;
      } else if (!param.empty()) {
        kept += (kept.empty() ? "" : "&") + param;
      }
      start = amp + 1;
    }
    conn_url = url.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  }
  auto store = std::make_unique<PgStore>(conn_url, pool_size);
  if (Status s = store->ping(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace madoguchi::store
