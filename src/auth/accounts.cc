#include "auth/accounts.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "auth/crypto.h"

namespace madoguchi::auth {
namespace {
// Characters, not bytes: "山田花子" is 12 bytes of UTF-8 but a 4-character password.
size_t count_characters(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;  // every byte but a continuation byte starts a character
  }
  return n;
}
}  // namespace

bool password_long_enough(std::string_view password) {
  return count_characters(password) >= kMinPasswordCharacters;
}

Result<int64_t> create_account(store::Transaction& tx, const NewAccount& a, int64_t now) {
  if (!password_long_enough(a.password)) return Status::Invalid("password must be at least 10 characters");
  return create_account_with_hash(tx, a, hash_password(a.password), "", now);
}

Result<int64_t> create_account_with_hash(store::Transaction& tx, const NewAccount& a,
                                         const std::string& password_hash, const std::string& locale,
                                         int64_t now) {
  if (a.kind != "resident" && a.kind != "staff") return Status::Invalid("unknown account kind");
  store::Value loc = nullptr;  // NULL = no language chosen yet, as for accounts made by `user add`
  if (!locale.empty()) loc = locale;
  auto rows = tx.query(
      "INSERT INTO accounts (kind, login, password_hash, display_name, department, role, profile, created_at, "
      "locale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {a.kind, a.login, password_hash, a.display_name, a.department, a.role, a.profile.dump(), now, loc});
  if (!rows.ok()) {
    if (rows.status().code() == Status::Code::kConflict) return Status::Conflict("login already exists: " + a.login);
    return rows.status();
  }
  return rows->at(0).i64(0);
}

namespace {
constexpr const char* kAccountColumns =
    "SELECT id, kind, login, display_name, department, role, profile, password_hash, disabled, locale FROM accounts ";

// Fails (Internal) when the stored profile is not a JSON object. Profiles are only stored by
// dump() of an object, so such text was damaged outside madoguchi; an empty profile instead
// would quietly stop notices (no e-mail address) and prefill until someone noticed.
Result<Account> to_account(const store::Row& r) {
  Account a;
  a.id = r.i64(0);
  a.kind = r.str(1);
  a.login = r.str(2);
  a.display_name = r.str(3);
  a.department = r.str(4);
  a.role = r.str(5);
  a.profile = nlohmann::json::parse(r.str(6), nullptr, false);
  if (a.profile.is_discarded() || !a.profile.is_object()) {
    return Status::Internal("corrupt stored data: the profile of account " + std::to_string(a.id) +
                            " is not a JSON object");
  }
  a.locale = r.is_null(9) ? "" : r.str(9);
  a.disabled = r.i64(8) != 0;
  return a;
}

// With the account's kind and whether it is disabled (NULL for a guest's session, or when the
// account is gone), which decide the absolute limit and whether the session still counts.
constexpr const char* kSessionColumns =
    "SELECT s.account_id, s.csrf, s.last_seen, s.expires_at, s.flash, s.created_at, a.kind, a.disabled "
    "FROM sessions s LEFT JOIN accounts a ON a.id = s.account_id ";

Session session_from_row(const std::string& token_hash, const store::Row& r) {
  Session s;
  s.token_hash = token_hash;
  if (!r.is_null(0)) s.account_id = r.i64(0);
  s.csrf = r.str(1);
  s.last_seen = r.i64(2);
  s.expires_at = r.i64(3);
  s.flash = r.str(4);
  return s;
}

// When the session of row `r` (kSessionColumns) ends whatever its activity: created_at plus
// the absolute lifetime of its kind; INT64_MAX without one.
int64_t absolute_end(const store::Row& r, const Lifetimes& l) {
  const bool staff = !r.is_null(6) && r.str(6) == "staff";
  const int64_t limit = (staff ? l.staff_absolute : l.absolute).count();
  return limit > 0 ? r.i64(5) + limit : std::numeric_limits<int64_t>::max();
}

// True when row `r` is a session that counts at `now`: not idle past its expiry, not past its
// absolute end, and not of a disabled account.
bool live(const store::Row& r, const Lifetimes& l, int64_t now) {
  if (r.i64(3) <= now || absolute_end(r, l) <= now) return false;
  return r.is_null(7) || r.i64(7) == 0;
}
}  // namespace

Result<Account> authenticate(store::Transaction& tx, const std::string& login,
                             const std::string& password) {
  auto rows = tx.query(std::string(kAccountColumns) + "WHERE login = ?", {login});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    // Spend the same time as a real check so timing does not reveal which logins exist.
    static const std::string dummy = hash_password("madoguchi-timing-equaliser");
    verify_password(dummy, password);
    return Status::NotFound("unknown login");
  }
  const store::Row& r = rows->at(0);
  if (!verify_password(r.str(7), password) || r.i64(8) != 0) {
    return Status::PermissionDenied("wrong password");
  }
  return to_account(r);
}

Result<Account> find_account(store::Transaction& tx, int64_t id) {
  auto rows = tx.query(std::string(kAccountColumns) + "WHERE id = ?", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no account");
  return to_account(rows->at(0));
}

Status set_password(store::Transaction& tx, const std::string& login, const std::string& password) {
  if (!password_long_enough(password)) return Status::Invalid("password must be at least 10 characters");
  auto r = tx.exec("UPDATE accounts SET password_hash = ? WHERE login = ?", {hash_password(password), login});
  if (!r.ok()) return r.status();
  return *r == 1 ? Status::Ok() : Status::NotFound("no account " + login);
}

std::string login_for_email(std::string_view email) {
  std::string login(email);
  for (char& c : login) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return login;
}

Result<Account> find_resident_by_login(store::Transaction& tx, const std::string& login) {
  auto rows = tx.query(std::string(kAccountColumns) + "WHERE login = ? AND kind = 'resident'", {login});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no resident account");
  return to_account(rows->at(0));
}

Status set_password_hash(store::Transaction& tx, int64_t id, const std::string& password_hash) {
  auto r = tx.exec("UPDATE accounts SET password_hash = ? WHERE id = ?", {password_hash, id});
  if (!r.ok()) return r.status();
  return *r == 1 ? Status::Ok() : Status::NotFound("no account");
}

Status set_profile(store::Transaction& tx, int64_t id, const nlohmann::json& profile) {
  if (!profile.is_object()) return Status::Invalid("a profile is a JSON object");
  auto r = tx.exec("UPDATE accounts SET profile = ? WHERE id = ?", {profile.dump(), id});
  if (!r.ok()) return r.status();
  return *r == 1 ? Status::Ok() : Status::NotFound("no account");
}

Result<int64_t> set_disabled(store::Transaction& tx, int64_t id, bool disabled) {
  auto r = tx.exec("UPDATE accounts SET disabled = ? WHERE id = ?", {int64_t{disabled ? 1 : 0}, id});
  if (!r.ok()) return r.status();
  if (*r != 1) return Status::NotFound("no account");
  if (!disabled) return int64_t{0};
  return delete_sessions_of(tx, id);
}

Result<Account> find_account_by_login(store::Transaction& tx, const std::string& login) {
  auto rows = tx.query(std::string(kAccountColumns) + "WHERE login = ?", {login});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no account " + login);
  return to_account(rows->at(0));
}

Result<int64_t> delete_sessions_of(store::Transaction& tx, int64_t account_id) {
  return tx.exec("DELETE FROM sessions WHERE account_id = ?", {account_id});
}

int64_t touch_period(std::chrono::seconds lifetime) {
  return std::max<int64_t>(1, std::min<int64_t>(kSessionTouchSeconds, lifetime.count() / 4));
}

Result<Session> create_session(store::Transaction& tx, std::optional<int64_t> account_id,
                               int64_t now, std::chrono::seconds lifetime, std::string* token) {
  *token = random_token();
  Session s;
  s.token_hash = sha256_hex(*token);
  s.account_id = account_id;
  s.csrf = random_token();
  store::Value acc = nullptr;  // a guest's session
  if (account_id) acc = *account_id;
  auto r = tx.exec(
      "INSERT INTO sessions (token_hash, account_id, csrf, created_at, last_seen, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {s.token_hash, acc, s.csrf, now, now, now + int64_t{lifetime.count()}});
  if (!r.ok()) return r.status();
  s.last_seen = now;
  s.expires_at = now + int64_t{lifetime.count()};
  return s;
}

Result<Session> load_session(store::Transaction& tx, const std::string& token, int64_t now,
                             const Lifetimes& lifetimes, bool slide) {
  if (token.empty() || token.size() > 100) return Status::NotFound("no session");
  std::string hash = sha256_hex(token);
  auto rows = tx.query(std::string(kSessionColumns) + "WHERE s.token_hash = ?", {hash});
  if (!rows.ok()) return rows.status();
  if (rows->empty() || !live(rows->at(0), lifetimes, now)) return Status::NotFound("no session");
  const int64_t end = absolute_end(rows->at(0), lifetimes);
  Session s = session_from_row(hash, rows->at(0));
  s.expires_at = std::min(s.expires_at, end);
  if (slide && now - s.last_seen > touch_period(lifetimes.idle)) {
    const int64_t expires = std::min(now + int64_t{lifetimes.idle.count()}, end);
    auto r = tx.exec("UPDATE sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?", {now, expires, hash});
    if (!r.ok()) return r.status();
    s.last_seen = now;
    s.expires_at = expires;
  }
  return s;
}

Result<Session> extend_session(store::Transaction& tx, const std::string& token_hash, int64_t now,
                               const Lifetimes& lifetimes) {
  // Only a live session is extended: an expired one stays expired, so a stolen old cookie
  // cannot be revived through this door, and never past its absolute end.
  auto rows = tx.query(std::string(kSessionColumns) + "WHERE s.token_hash = ?", {token_hash});
  if (!rows.ok()) return rows.status();
  if (rows->empty() || !live(rows->at(0), lifetimes, now)) return Status::NotFound("no session");
  const int64_t expires = std::min(now + int64_t{lifetimes.idle.count()}, absolute_end(rows->at(0), lifetimes));
  auto r = tx.exec("UPDATE sessions SET last_seen = ?, expires_at = ? WHERE token_hash = ?", {now, expires, token_hash});
  if (!r.ok()) return r.status();
  if (*r == 0) return Status::NotFound("no session");
  Session s = session_from_row(token_hash, rows->at(0));
  s.last_seen = now;
  s.expires_at = expires;
  return s;
}

Status set_flash(store::Transaction& tx, const std::string& token_hash, const std::string& json) {
  return tx.exec("UPDATE sessions SET flash = ? WHERE token_hash = ?", {json, token_hash}).status();
}

Status delete_session(store::Transaction& tx, const std::string& token_hash) {
  return tx.exec("DELETE FROM sessions WHERE token_hash = ?", {token_hash}).status();
}

Status move_drafts(store::Transaction& tx, const std::string& from_hash, const std::string& to_hash,
                   std::optional<int64_t> account_id) {
  store::Value acc = nullptr;  // a guest's session
  if (account_id) acc = *account_id;
  return tx.exec("UPDATE drafts SET session_hash = ?, account_id = COALESCE(?, account_id) WHERE session_hash = ?",
                 {to_hash, acc, from_hash})
      .status();
}

Status set_locale(store::Transaction& tx, int64_t account_id, const std::string& locale) {
  return tx.exec("UPDATE accounts SET locale = ? WHERE id = ?", {locale, account_id}).status();
}

}  // namespace madoguchi::auth
