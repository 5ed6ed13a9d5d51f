// The audit log: every staff read of personal data and every action on a case, appended in
// the same transaction as the work it records. Each entry's hash covers the previous entry's
// hash, so deleting or editing a past entry breaks the chain and `madoguchi audit verify`
// (later) and verify() find it.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::audit {

struct Entry {
  std::string actor;   // "staff:12", "resident:5", "guest", "system"
  std::string action;  // "case.view", "case.approve", "attachment.download", …
  std::string object;  // "application:42"
  std::string detail;  // short, no personal data
};

// Appends an entry. Must run inside a write transaction (entries are serialised by it).
Status record(store::Transaction& tx, const Entry& e, int64_t now);

// Walks the chain; Invalid names the first entry whose hash does not match.
Result<int64_t> verify(store::Transaction& tx);

}  // namespace madoguchi::audit
