// The e-mail outbox: a notice is written into the store in the same transaction
// as the change it tells about (a submission, a correction request, a
// decision), so it is sent if and only if that change committed, and it
// survives a restart or the loss of the node that wrote it. Any node delivers
// it later (delivery.h).
//
// A message holds what the resident needs to go and look (the receipt number,
// the procedure's title, the new status, a link), never the answers themselves:
// e-mail crosses servers the municipality does not run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::notify {

struct Message {
  std::string kind;       // what it tells, for operators and metrics: "received",
                          // "correction", "decided"
  std::string recipient;  // one e-mail address (already normalised)
  std::string subject;    // UTF-8, one line
  std::string body;       // UTF-8 plain text
};

// Adds `m` to the outbox, due at `now`. A write transaction; the message is
// sent only if that transaction commits. Refuses a recipient that is not one
// plain address (no comma, no angle brackets, no line break), so a header can
// never be injected through it.
Status enqueue(store::Transaction& tx, const Message& m, int64_t now);

struct Pending {
  int64_t id;
  int attempts;  // earlier failed attempts
  Message message;
};

// Leases up to `limit` messages that are due at `now` and not leased by a live
// lease, to `node` until `now + lease_seconds`, and returns them, oldest first.
// A write transaction. Write transactions are serialised across nodes
// (store.h), so two nodes leasing at the same moment get disjoint messages; a
// node that dies while sending leaves its lease to expire, and the message goes
// out again from another node (at least once, never lost).
Result<std::vector<Pending>> lease_due(store::Transaction& tx, const std::string& node, int64_t now,
                                       int64_t lease_seconds, int limit);

// Records that message `id` was handed to the mail server at `now`. A write
// transaction.
Status mark_sent(store::Transaction& tx, int64_t id, int64_t now);

// Records a failed attempt: the message is due again after a back-off that
// doubles with each attempt (one minute, two, four … at most a day), and after
// `kMaxAttempts` it is given up (kept, with its last error, for an operator;
// never retried). A write transaction.
inline constexpr int kMaxAttempts = 12;
Status mark_failed(store::Transaction& tx, int64_t id, int attempts_before, const std::string& error, int64_t now);

// Messages not yet sent and not given up (the outbox's queue size, for
// /metrics). Any transaction.
Result<int64_t> waiting(store::Transaction& tx);

// Deletes messages sent more than `keep_seconds` before `now` (housekeeping);
// returns how many.
Result<int64_t> expire_sent(store::Transaction& tx, int64_t now, int64_t keep_seconds);

}  // namespace madoguchi::notify
