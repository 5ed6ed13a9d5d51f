// Staff's second factor as stored: a TOTP secret per account (auth/totp.h), sealed under the
// key in totp_key_file (auth/sealed.h, associated data "totp:<account id>"), and sign-ins whose
// password was right and that now wait for the code, or for the enrolment, keyed by the guest
// session that typed the password.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::auth {

// How long a sign-in waits for its code after the password: then the password is asked again.
inline constexpr int64_t kPendingSignInSeconds = 300;

// True when account `id` has confirmed a TOTP enrolment.
Result<bool> totp_enrolled(store::Transaction& tx, int64_t account_id);

// The secret (raw bytes) an account is enrolling with: the one stored and not yet confirmed, or
// a new one, stored sealed. Conflict when the account has already confirmed one (it is never
// shown again; `madoguchi user reset-totp` removes it). A write transaction.
Result<std::string> totp_enrolment_secret(store::Transaction& tx, const std::string& key, int64_t account_id);

// Checks `code` against the account's secret: the confirmed one, or with `enrolling` the one
// being enrolled (then a match confirms it). A code whose time step is not after the last one
// accepted is refused (no replay within its window, nor of an older code). On a match the step
// is remembered. False for a wrong code or when there is no such secret. A write transaction.
Result<bool> totp_check(store::Transaction& tx, const std::string& key, int64_t account_id, const std::string& code,
                        int64_t now, bool enrolling);

// Forgets the account's TOTP (the staff member enrols again at the next sign-in).
Status totp_reset(store::Transaction& tx, int64_t account_id);

struct PendingSignIn {
  int64_t account_id = 0;
  std::string stage;  // "code" (enrolled: type the code) or "enrol" (show the secret, then a code)
  int64_t created_at = 0;
};
// Replaces what session `session_hash` waits for.
Status set_pending_sign_in(store::Transaction& tx, const std::string& session_hash, const PendingSignIn& p);
// What the session waits for; nullopt when nothing, or when it waited longer than
// kPendingSignInSeconds.
Result<std::optional<PendingSignIn>> pending_sign_in(store::Transaction& tx, const std::string& session_hash,
                                                     int64_t now);
Status clear_pending_sign_in(store::Transaction& tx, const std::string& session_hash);

}  // namespace madoguchi::auth
