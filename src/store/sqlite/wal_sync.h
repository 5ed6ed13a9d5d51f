// Group commit for SQLite in WAL mode.
//
// Connections run with synchronous=NORMAL, so COMMIT appends the transaction to the WAL file
// without an fsync and releases the write lock at once. The committer then calls
// WalSyncer::wait_durable(), which returns only after an fsync of the WAL file that *started
// after* the caller's COMMIT returned; such an fsync covers every frame written before it, so
// all transactions that committed while one fsync was running share the next one. This is
// the guarantee of synchronous=FULL (acknowledged ⇒ on stable storage) at a fraction of the
// fsyncs, and it is how PostgreSQL's WAL flush batches commits too.
//
// What it does not change: a transaction's rows are visible to other connections between its
// COMMIT and the fsync (a few milliseconds). Anything acknowledged *because of* such a row is
// acknowledged after a later fsync, which also covers the row, since the WAL is sequential.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "core/status.h"

namespace madoguchi::store {

class WalSyncer {
 public:
  // `sync` makes everything written to the WAL so far durable (fdatasync of the file).
  explicit WalSyncer(std::function<Status()> sync) : sync_(std::move(sync)) {}

  // Blocks until an fsync that started after this call has finished. Thread-safe. After one
  // failed fsync every later call fails too: once the kernel has reported a write-back error,
  // a later fsync may succeed without the lost pages (PostgreSQL's "fsyncgate"), so nothing
  // may be acknowledged until an operator restarts the server and SQLite recovers the WAL.
  Status wait_durable();

  // Number of fsyncs run so far (for tests and metrics).
  uint64_t syncs() const;

 private:
  std::function<Status()> sync_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t requested_ = 0;  // tickets handed out
  uint64_t durable_ = 0;    // every ticket up to this one is on stable storage
  uint64_t syncs_ = 0;
  bool syncing_ = false;
  std::string failure_;  // non-empty after a failed fsync
};

// The sync function for the WAL of the database at `db_path`: fdatasync of "<db_path>-wal",
// and of its directory the first time a given WAL file (inode) is seen, because a new file's
// directory entry is not made durable by syncing the file itself.
std::function<Status()> wal_file_sync(const std::string& db_path);

}  // namespace madoguchi::store
