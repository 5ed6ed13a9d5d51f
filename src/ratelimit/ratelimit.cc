#include "ratelimit/ratelimit.h"

#include <arpa/inet.h>

#include <algorithm>

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

Result<int64_t> take_attempt(store::Transaction& tx, const std::vector<Counter>& counters, int64_t now) {
  int64_t longest = 0;
  for (const Counter& c : counters) {
    auto wait = blocked_for(tx, c.key, c.policy, now);
    if (!wait.ok()) return wait.status();
    longest = std::max(longest, *wait);
  }
  if (longest > 0) return longest;
  for (const Counter& c : counters) {
    if (Status s = record_failure(tx, c.key, c.policy, now); !s.ok()) return s;
  }
  return int64_t{0};
}

Status refund(store::Transaction& tx, const std::string& key) {
  return tx.exec("UPDATE failure_counters SET failures = failures - 1 WHERE key_hash = ? AND failures > 0",
                 {key_hash(key)})
      .status();
}

Result<int64_t> failures(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now) {
  auto rows = tx.query("SELECT window_start, failures FROM failure_counters WHERE key_hash = ?", {key_hash(key)});
  if (!rows.ok()) return rows.status();
  if (rows->empty() || now >= rows->at(0).i64(0) + policy.window.count()) return int64_t{0};
  return rows->at(0).i64(1);
}

std::string address_key(const std::string& address) {
  unsigned char bytes[16];
  if (address.find(':') != std::string::npos && address.rfind("::ffff:", 0) != 0 &&
      inet_pton(AF_INET6, address.c_str(), bytes) == 1) {
    char text[INET6_ADDRSTRLEN];
    std::fill(bytes + 8, bytes + 16, 0);
    inet_ntop(AF_INET6, bytes, text, sizeof text);
    return "addr:" + std::string(text) + "/64";
  }
  if (address.rfind("::ffff:", 0) == 0) return "addr:" + address.substr(7);
  return "addr:" + address;
}

Status clear(store::Transaction& tx, const std::string& key) {
  return tx.exec("DELETE FROM failure_counters WHERE key_hash = ?", {key_hash(key)}).status();
}

Result<int64_t> expire(store::Transaction& tx, int64_t now, std::chrono::seconds keep) {
  return tx.exec("DELETE FROM failure_counters WHERE window_start < ?", {now - keep.count()});
}

}  // namespace madoguchi::ratelimit
