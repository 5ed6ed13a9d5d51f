// Failure counters against guessing: too many wrong passwords for one login name, or wrong
// access codes for one receipt number, and that key is refused for the rest of its window.
// The counters live in the store, so they hold across app nodes and restarts; keys are
// stored as SHA-256 hashes, so the table holds no login names or receipt numbers.
//
// Counting per key (not per client address) is deliberate: behind a load balancer the
// address is the balancer's, and what needs protecting is the one account or receipt being
// guessed. The cost is that someone can lock a key for a window by failing on purpose; the
// message tells the resident when to try again and that the counter window is short.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::ratelimit {

struct Policy {
  int max_failures;             // failures allowed within one window
  std::chrono::seconds window;  // counted from the first failure of the window
};

// Ten wrong passwords for one login within 15 minutes.
inline constexpr Policy kLogin{10, std::chrono::minutes(15)};
// Ten wrong access codes for one receipt number within an hour: guessing an 8-digit code
// would take some 500 years on average; the guest who mistypes does so far fewer times.
inline constexpr Policy kAccessCode{10, std::chrono::hours(1)};
// Three e-mails of sign-up or password reset to one address within an hour, whoever asks:
// enough for a resident who mistyped or lost the first one, too few to fill a stranger's
// mailbox (here each e-mail sent counts, not a failure).
inline constexpr Policy kAccountMail{3, std::chrono::hours(1)};

// Seconds until `key` may be tried again; 0 when it may be tried now. Any transaction.
Result<int64_t> blocked_for(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now);

// Counts one failure for `key` (a write transaction).
Status record_failure(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now);

// Forgets the failures of `key`, after a success (a write transaction).
Status clear(store::Transaction& tx, const std::string& key);

// Deletes counters whose window ended before `now - keep` (housekeeping); returns how many.
Result<int64_t> expire(store::Transaction& tx, int64_t now, std::chrono::seconds keep);

}  // namespace madoguchi::ratelimit
