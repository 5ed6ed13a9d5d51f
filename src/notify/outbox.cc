#include "notify/outbox.h"

#include <algorithm>

namespace madoguchi::notify {
namespace {

bool plain_address(const std::string& a) {
  if (a.empty() || a.size() > 254) return false;
  const auto at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == a.size() || a.find('@', at + 1) != std::string::npos) {
    return false;
  }
  return std::none_of(a.begin(), a.end(), [](unsigned char c) {
    return c <= ' ' || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' ||
           c == '\\';
  });
}

bool one_line(const std::string& s) { return s.find_first_of("\r\n") == std::string::npos; }

}  // namespace

Status enqueue(store::Transaction& tx, const Message& m, int64_t now) {
  if (!plain_address(m.recipient)) return Status::Invalid("not one plain e-mail address");
  if (!one_line(m.subject) || m.subject.empty()) return Status::Invalid("a subject is one line, not empty");
  if (m.kind.empty()) return Status::Invalid("a message needs a kind");
  return tx
      .exec(
          "INSERT INTO outbox (kind, recipient, subject, body, created_at, "
          "next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)",
          {m.kind, m.recipient, m.subject, m.body, now, now})
      .status();
}

Result<std::vector<Pending>> lease_due(store::Transaction& tx, const std::string& node, int64_t now,
                                       int64_t lease_seconds, int limit) {
  // The due rows first, then one UPDATE per row that re-checks the lease: with
  // write transactions serialised, nobody else can have leased them in between,
  // and the re-check keeps this correct even where they are not.
  auto due = tx.query(
      "SELECT id, kind, recipient, subject, body, attempts FROM outbox "
      "WHERE sent_at IS NULL AND attempts < ? AND next_attempt_at <= ? AND "
      "(lease_until IS NULL OR lease_until <= ?) "
      "ORDER BY id LIMIT ?",
      {int64_t{kMaxAttempts}, now, now, int64_t{limit}});
  if (!due.ok()) return due.status();
  std::vector<Pending> out;
  for (const store::Row& r : *due) {
    auto leased = tx.exec(
        "UPDATE outbox SET lease_node = ?, lease_until = ? "
        "WHERE id = ? AND sent_at IS NULL AND (lease_until "
        "IS NULL OR lease_until <= ?)",
        {node, now + lease_seconds, r.i64(0), now});
    if (!leased.ok()) return leased.status();
    if (*leased != 1) continue;
    out.push_back({r.i64(0), static_cast<int>(r.i64(5)), {r.str(1), r.str(2), r.str(3), r.str(4)}});
  }
  return out;
}

Status mark_sent(store::Transaction& tx, int64_t id, int64_t now) {
  return tx
      .exec(
          "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, "
          "lease_node = NULL, lease_until = NULL, "
          "last_error = NULL WHERE id = ?",
          {now, id})
      .status();
}

Status mark_failed(store::Transaction& tx, int64_t id, int attempts_before, const std::string& error, int64_t now) {
  const int64_t backoff = std::min<int64_t>(int64_t{60} << std::min(attempts_before, 20), 86400);
  return tx
      .exec(
          "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, "
          "lease_node = NULL, lease_until = NULL, "
          "last_error = ? WHERE id = ?",
          {now + backoff, error.substr(0, 500), id})
      .status();
}

Result<int64_t> waiting(store::Transaction& tx) {
  auto rows = tx.query("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND attempts < ?", {int64_t{kMaxAttempts}});
  if (!rows.ok()) return rows.status();
  return rows->at(0).i64(0);
}

Result<int64_t> expire_sent(store::Transaction& tx, int64_t now, int64_t keep_seconds) {
  return tx.exec("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?", {now - keep_seconds});
}

}  // namespace madoguchi::notify
