// The Store: where everything durable lives, behind one small interface so that the SQLite
// backend (default) and a PostgreSQL backend serve the same domain code.
//
// Domain code writes portable SQL with '?' placeholders (a backend rewrites them), uses
// "INSERT … RETURNING id" for new ids, and stores JSON as TEXT. Each request does its work in
// one Transaction; nothing is visible to others until commit() returns ok, and commit()
// returning ok means the data is on stable storage (fsync'd).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace madoguchi::store {

// A SQL value. Blobs are std::vector<unsigned char>, distinct from text.
using Blob = std::vector<unsigned char>;
using Value = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;

struct Row {
  std::vector<Value> cols;
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(cols.at(i)); }
  // Integer column (0 for NULL).
  int64_t i64(size_t i) const;
  // Text column ("" for NULL).
  std::string str(size_t i) const;
  Blob blob(size_t i) const;
};

class Transaction {
 public:
  virtual ~Transaction() = default;  // rolls back unless committed
  // Runs one statement; returns its rows (empty for statements without results).
  virtual Result<std::vector<Row>> query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs one statement and returns the number of rows it changed.
  virtual Result<int64_t> exec(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Makes every change durable, or fails and leaves nothing. After commit() the
  // Transaction must not be used again.
  virtual Status commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // "sqlite:PATH" (the directory is created) or, when built with it, "postgresql://…".
  static Result<std::unique_ptr<Store>> open(const std::string& url);

  // kWrite transactions take the write lock up front (no upgrade deadlocks); kRead ones see
  // a consistent snapshot and must not write.
  // kWriteLazy is a kWrite whose commit() returns once the change is committed and visible,
  // without waiting for it to reach stable storage (the next durable commit's flush covers
  // it: the log is sequential). Only for tidying whose loss in a power cut is harmless, such
  // as an access code leaving a session's flash after it was shown; never for anything a
  // resident or member of staff is told has been saved.
  enum class Mode { kRead, kWrite, kWriteLazy };
  virtual Result<std::unique_ptr<Transaction>> begin(Mode mode) = 0;
  // Applies the numbered migrations not yet applied, each in its own transaction. Idempotent.
  virtual Status migrate() = 0;
  // Cheap round trip for /healthz.
  virtual Status ping() = 0;
  // "sqlite" or "postgresql".
  virtual std::string backend() const = 0;
  // Called by an import (src/transfer) inside its write transaction `tx`, after rows were
  // inserted into `tables` with their ids kept: brings whatever generates new ids past the
  // imported ones, so the next INSERT … RETURNING id does not collide. SQLite's AUTOINCREMENT
  // follows explicit ids by itself, hence the no-op default; PostgreSQL moves its sequences.
  virtual Status after_import(Transaction& /*tx*/, const std::vector<std::string>& /*tables*/) {
    return Status::Ok();
  }
};

// The transaction helpers. Each runs `work` exactly once, in a new transaction, and returns
// the first failure: from begin(), from `work`, or (writes) from commit(). On any failure
// nothing of the transaction is committed. They never retry.
//
// Conflicts. Write transactions never overlap (SQLite: BEGIN IMMEDIATE behind one writer
// mutex per process; PostgreSQL: an advisory writer lock under READ COMMITTED, see
// postgres_store.h), so a concurrent writer makes a writer wait, never fail: on SQLite up to
// 10 s for the process's writer mutex and up to 10 s more for SQLite's file lock (held by
// another process), after which begin() fails with Io and `work` does not run; on PostgreSQL
// until the holder's transaction ends. A Status::Conflict is therefore one of: a unique or
// other integrity violation; a row version that no longer matches what an earlier request
// read (domain code's own check); or, on PostgreSQL only and only against a session outside
// madoguchi's writer lock (an operator's psql), a deadlock or serialization failure (SQLSTATE
// 40P01, 40001). The first two would recur if `work` ran again. It is returned unchanged and
// callers report it (the web layer answers 409: reload, try again). Why no retry here: among
// madoguchi's own writers the lock leaves nothing to retry, and a retry would run `work`
// twice, while callers' `work` fills variables they read afterwards (receipts, lists of upload
// errors) and is not written to run twice.
//
// Runs `work` in a kWrite transaction and commits it (durably) if `work` returned ok.
[[nodiscard]] Status with_write(Store& store, const std::function<Status(Transaction&)>& work);
// As with_write, in a kWriteLazy transaction.
[[nodiscard]] Status with_lazy_write(Store& store, const std::function<Status(Transaction&)>& work);
// Runs `work` in a kRead transaction (one snapshot; `work` must not write) and returns its
// status. Readers never wait for writers and are never in conflict with them.
[[nodiscard]] Status with_read(Store& store, const std::function<Status(Transaction&)>& work);

}  // namespace madoguchi::store
