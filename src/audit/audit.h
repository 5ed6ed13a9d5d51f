// The audit log: every staff read of personal data and every action on a case, appended in
// the same transaction as the work it records. Each entry's hash covers the previous entry's
// hash, so deleting or editing a past entry breaks the chain and `madoguchi audit verify`
// finds it; deleting the newest entries is found against an anchor kept elsewhere (below).
#pragma once

#include <cstdint>
#include <optional>
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

// Walks the chain; Invalid names the first entry whose hash does not match. Returns the
// number of entries.
Result<int64_t> verify(store::Transaction& tx);

// The newest entry of a chain: its id and hash. Kept outside the store (printed by
// `madoguchi audit verify`, written into the operator's log book or another system), it
// closes the chain's one blind spot: deleting the newest entries leaves a shorter chain that
// is still consistent, but no longer contains the anchor.
struct Anchor {
  int64_t id = 0;
  std::string hash;
};
// "ID:HASH" → Anchor; Invalid when malformed.
Result<Anchor> parse_anchor(const std::string& text);

// As verify(), and, when `anchor` is given, the entry anchor->id must be in the chain with
// anchor->hash. Returns the chain's head (id 0 and an empty hash for an empty log).
Result<Anchor> verify_against(store::Transaction& tx, const std::optional<Anchor>& anchor);

}  // namespace madoguchi::audit
