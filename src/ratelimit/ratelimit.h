// Failure counters against guessing: too many wrong passwords for one login name, or wrong
// access codes for one receipt number, and that key is refused for the rest of its window.
// The counters live in the store, so they hold across app nodes and restarts; keys are
// stored as SHA-256 hashes, so the table holds no login names or receipt numbers.
//
// Signing in counts per login name (the one account being guessed) and per client address
// (kLoginAddress: spraying one password over many logins from one place is slowed too). Behind
// a load balancer the address is the one the trusted proxy reports (setting `trusted_proxies`).
// The cost is that someone can lock a key for a window by failing on purpose; the message
// tells the resident when to try again and that the counter window is short.
//
// Under parallel requests the check and the count must be one step: take_attempt() checks and
// counts in the caller's write transaction (write transactions are serialised on both stores),
// so N parallel guesses get at most max_failures checks, whatever N.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::ratelimit {

struct Policy {
  int max_failures;             // failures allowed within one window
  std::chrono::seconds window;  // counted from the first failure of the window
};

// Ten wrong passwords for one login within 15 minutes.
inline constexpr Policy kLogin{10, std::chrono::minutes(15)};
// Thirty wrong passwords (or second-factor codes) from one client address within 15 minutes,
// over all logins: an office behind one address mistypes far less; a password sprayed over
// many logins is slowed to 30 tries a quarter hour per address.
inline constexpr Policy kLoginAddress{30, std::chrono::minutes(15)};
// Ten wrong access codes for one receipt number within an hour: guessing an 8-digit code
// would take some 500 years on average; the guest who mistypes does so far fewer times.
inline constexpr Policy kAccessCode{10, std::chrono::hours(1)};
// Three e-mails of sign-up or password reset to one address within an hour, whoever asks:
// enough for a resident who mistyped or lost the first one, too few to fill a stranger's
// mailbox (here each e-mail sent counts, not a failure).
inline constexpr Policy kAccountMail{3, std::chrono::hours(1)};

// Seconds until `key` may be tried again; 0 when it may be tried now. Any transaction.
Result<int64_t> blocked_for(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now);

// One counter an attempt is checked against: its key and its policy.
struct Counter {
  std::string key;
  Policy policy;
};

// In a write transaction: when every counter's key may be tried now, counts this attempt as a
// failure of each in advance and returns 0 (a success then calls clear() or refund());
// otherwise counts nothing and returns the longest wait, in seconds. Checking and counting in
// one write transaction is what holds the limits under parallel requests.
Result<int64_t> take_attempt(store::Transaction& tx, const std::vector<Counter>& counters, int64_t now);

// Takes back one failure counted by take_attempt() (the attempt succeeded, or could not be
// checked because of a store error). A write transaction.
Status refund(store::Transaction& tx, const std::string& key);

// The failures counted for `key` in its current window (0 when the window is over).
Result<int64_t> failures(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now);

// The counter key of a client address: "addr:" and the address, an IPv6 address cut to its
// /64 network (one subscriber usually holds a whole /64, and would otherwise have 2^64 keys).
std::string address_key(const std::string& address);

// Counts one failure for `key` (a write transaction).
Status record_failure(store::Transaction& tx, const std::string& key, const Policy& policy, int64_t now);

// Forgets the failures of `key`, after a success (a write transaction).
Status clear(store::Transaction& tx, const std::string& key);

// Deletes counters whose window ended before `now - keep` (housekeeping); returns how many.
Result<int64_t> expire(store::Transaction& tx, int64_t now, std::chrono::seconds keep);

}  // namespace madoguchi::ratelimit
