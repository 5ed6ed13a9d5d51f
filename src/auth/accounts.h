// Resident and staff accounts, and sessions (guests have sessions too: their drafts hang on
// them). Session tokens are stored only as their SHA-256, so a copy of the database does not
// let anyone sign in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::auth {

struct Account {
  int64_t id = 0;
  std::string kind;  // "resident" or "staff"
  std::string login;
  std::string display_name;
  std::string department;  // staff only
  std::string role;        // staff only: a role id from the organisation file
  nlohmann::json profile = nlohmann::json::object();  // residents: name, furigana, birth, address, phone
  std::string locale;  // the language of the resident's last submission, for e-mail notices; "" = none yet
  bool disabled = false;  // a disabled account cannot sign in and has no sessions
  bool is_staff() const { return kind == "staff"; }
};

struct NewAccount {
  std::string kind, login, password, display_name, department, role;
  nlohmann::json profile = nlohmann::json::object();
};

// The shortest password accepted, in characters (code points, not bytes).
inline constexpr size_t kMinPasswordCharacters = 10;
// True when `password` has at least kMinPasswordCharacters characters.
bool password_long_enough(std::string_view password);

// Fails with Conflict when the login exists, Invalid when the password is shorter than 10.
Result<int64_t> create_account(store::Transaction& tx, const NewAccount& a, int64_t now);
// As create_account, with the password already hashed (hash_password): a sign-up hashes it when
// it is typed and keeps only the hash until the address is verified. a.password is ignored;
// the account's language for e-mail is `locale` ("" = none yet).
Result<int64_t> create_account_with_hash(store::Transaction& tx, const NewAccount& a,
                                         const std::string& password_hash, const std::string& locale,
                                         int64_t now);
// The login of a resident who signed up with `email` (already normalised by
// ja::normalize_email): the address with ASCII letters lower-cased, so that "Hanako@Example.jp"
// and "hanako@example.jp" are one account (every provider residents use treats the local
// part case-insensitively).
std::string login_for_email(std::string_view email);
// The resident account whose login is `login`. NotFound when there is none (or it is staff's).
Result<Account> find_resident_by_login(store::Transaction& tx, const std::string& login);
// NotFound for an unknown login and PermissionDenied for a wrong password look the same to
// callers on purpose (the page says "login or password is wrong"). Internal when the stored
// profile is not a JSON object (damaged outside madoguchi), as for find_account.
Result<Account> authenticate(store::Transaction& tx, const std::string& login,
                             const std::string& password);
// NotFound for no such account; Internal when its stored profile is not a JSON object.
Result<Account> find_account(store::Transaction& tx, int64_t id);
// Replaces an account's password (same length rule as create_account). NotFound if no login.
Status set_password(store::Transaction& tx, const std::string& login, const std::string& password);
// Replaces the password of account `id` by an argon2id hash made with hash_password. NotFound
// if there is no such account.
Status set_password_hash(store::Transaction& tx, int64_t id, const std::string& password_hash);
// Replaces a resident's profile (the JSON object forms::prefill_from_profile reads). NotFound
// if there is no such account.
Status set_profile(store::Transaction& tx, int64_t id, const nlohmann::json& profile);
// Disables (or re-enables) account `id`. Disabling ends every session of the account in the
// same transaction, so a disabled account is signed out at once on every node; load_session
// also refuses a disabled account's session, should one be created in a race. Returns how many
// sessions ended. NotFound if there is no such account.
Result<int64_t> set_disabled(store::Transaction& tx, int64_t id, bool disabled);
// The account whose login is `login`, whatever its kind. NotFound when there is none.
Result<Account> find_account_by_login(store::Transaction& tx, const std::string& login);
// Remembers the language a resident last used to submit, so notices written later by staff
// actions (a correction request, a decision) reach them in that language.
Status set_locale(store::Transaction& tx, int64_t account_id, const std::string& locale);

struct Session {
  std::string token_hash;
  std::optional<int64_t> account_id;
  std::string csrf;
  int64_t last_seen = 0;
  int64_t expires_at = 0;  // unix seconds; pages tell the browser how long is left
  std::string flash;  // JSON set by set_flash, "" when none
};
// How stale last_seen may get before the expiry slides (one write per session per period).
constexpr int64_t kSessionTouchSeconds = 300;

// How stale last_seen may get before a request slides the expiry: kSessionTouchSeconds, or a
// quarter of the lifetime when that is shorter, so short sessions still slide on activity.
int64_t touch_period(std::chrono::seconds lifetime);

// How long a session lives. `idle`: without a request (the expiry slides on activity).
// `absolute`: since the session was created (signing in creates a new one), whatever the
// activity — a stolen cookie stops working then even if it is used all the time; 0 = no limit.
// Staff sessions use `staff_absolute` (shorter: staff see many residents' data).
struct Lifetimes {
  std::chrono::seconds idle;
  std::chrono::seconds absolute{0};
  std::chrono::seconds staff_absolute{0};
};

// A new session (guest when account_id is empty); *token receives the cookie value.
Result<Session> create_session(store::Transaction& tx, std::optional<int64_t> account_id,
                               int64_t now, std::chrono::seconds lifetime, std::string* token);
inline Result<Session> create_session(store::Transaction& tx, std::optional<int64_t> account_id,
                                      int64_t now, int hours, std::string* token) {
  return create_session(tx, account_id, now, std::chrono::hours(hours), token);
}
// The live session for a cookie value, sliding its expiry (written at most every
// touch_period, never past the absolute limit) unless `slide` is false, which makes it a pure
// read that can run in a read transaction. NotFound when unknown, idle too long, past its
// absolute lifetime, or belonging to a disabled account.
Result<Session> load_session(store::Transaction& tx, const std::string& token, int64_t now,
                             const Lifetimes& lifetimes, bool slide = true);
inline Result<Session> load_session(store::Transaction& tx, const std::string& token, int64_t now,
                                    std::chrono::seconds lifetime, bool slide = true) {
  return load_session(tx, token, now, Lifetimes{lifetime}, slide);
}
inline Result<Session> load_session(store::Transaction& tx, const std::string& token, int64_t now,
                                    int hours, bool slide = true) {
  return load_session(tx, token, now, std::chrono::hours(hours), slide);
}
// Slides a live session's expiry to now + lifetime at once, whatever touch_period says (the
// resident asked to keep the session: "Continue" on the timeout warning), but never past its
// absolute limit. NotFound when the session is unknown, already expired or its account is
// disabled.
Result<Session> extend_session(store::Transaction& tx, const std::string& token_hash, int64_t now,
                               const Lifetimes& lifetimes);
inline Result<Session> extend_session(store::Transaction& tx, const std::string& token_hash, int64_t now,
                                      std::chrono::seconds lifetime) {
  return extend_session(tx, token_hash, now, Lifetimes{lifetime});
}
Status delete_session(store::Transaction& tx, const std::string& token_hash);
// Ends every session of account `id` (after its password was reset, a stolen session must not
// outlive it); returns how many.
Result<int64_t> delete_sessions_of(store::Transaction& tx, int64_t account_id);
// Keeps a small JSON value with the session until replaced (the last receipt shown).
Status set_flash(store::Transaction& tx, const std::string& token_hash, const std::string& json);
// Moves a guest session's drafts to a new session (on sign-in, which rotates the token).
Status move_drafts(store::Transaction& tx, const std::string& from_hash, const std::string& to_hash,
                   std::optional<int64_t> account_id);

}  // namespace madoguchi::auth
