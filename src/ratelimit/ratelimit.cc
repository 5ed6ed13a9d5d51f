#include "ratelimit/ratelimit.h"

#include "auth/crypto.h"

namespace madoguchi::ratelimit {
namespace {

std::string key_hash(const std::string& key) { return auth::sha256_hex(key); }

}  // namespace

Result<int64_t> blocked_for(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now) {
  auto rows = tx.query("SELECT window_start, failures FROM failure_counters WHERE key_hash = ?", {key_hash(key)});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return int64_t{0};
  const int64_t ends = rows->at(0).i64(0) + policy.window.count();
  if (now >= ends || rows->at(0).i64(1) < policy.max_failures) return int64_t{0};
  return ends - now;
}

Status record_failure(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now) {
  const std::string hash = key_hash(key);
  // A new window starts with this failure when none is open; otherwise it counts in the open one.
  auto ins = tx.exec(
      "INSERT INTO failure_counters (key_hash, window_start, failures) VALUES (?, ?, 1) "
      "ON CONFLICT (key_hash) DO UPDATE SET "
      "failures = CASE WHEN failure_counters.window_start <= ? THEN 1 ELSE failure_counters.failures + 1 END, "
      "window_start = CASE WHEN failure_counters.window_start <= ? THEN ? ELSE failure_counters.window_start END",
      {hash, now, now - policy.window.count(), now - policy.window.count(), now});
  return ins.status();
}

Status clear(store::Transaction& tx, const std::string& key) {
  return tx.exec("DELETE FROM failure_counters WHERE key_hash = ?", {key_hash(key)}).status();
}

Result<int64_t> expire(store::Transaction& tx, int64_t now, std::chrono::seconds keep) {
  return tx.exec("DELETE FROM failure_counters WHERE window_start < ?", {now - keep.count()});
}

}  // namespace madoguchi::ratelimit
