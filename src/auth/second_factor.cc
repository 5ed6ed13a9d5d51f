#include "auth/second_factor.h"

#include "auth/sealed.h"
#include "auth/totp.h"

namespace madoguchi::auth {
namespace {

std::string associated(int64_t account_id) { return "totp:" + std::to_string(account_id); }

}  // namespace

Result<bool> totp_enrolled(store::Transaction& tx, int64_t account_id) {
  auto rows = tx.query("SELECT totp_confirmed_at FROM accounts WHERE id = ?", {account_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no account");
  return !rows->at(0).is_null(0);
}

Result<std::string> totp_enrolment_secret(store::Transaction& tx, const std::string& key, int64_t account_id) {
  auto rows = tx.query("SELECT totp_secret, totp_confirmed_at FROM accounts WHERE id = ?", {account_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no account");
  if (!rows->at(0).is_null(1)) return Status::Conflict("a second factor is already set up");
  if (!rows->at(0).is_null(0)) return unseal(key, rows->at(0).str(0), associated(account_id));
  std::string secret = new_totp_secret();
  auto r = tx.exec("UPDATE accounts SET totp_secret = ?, totp_last_step = NULL WHERE id = ?",
                   {seal(key, secret, associated(account_id)), account_id});
  if (!r.ok()) return r.status();
  return secret;
}

Result<bool> totp_check(store::Transaction& tx, const std::string& key, int64_t account_id, const std::string& code,
                        int64_t now, bool enrolling) {
  auto rows =
      tx.query("SELECT totp_secret, totp_confirmed_at, totp_last_step FROM accounts WHERE id = ?", {account_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->at(0).is_null(0)) return false;
  const store::Row& r = rows->at(0);
  if (r.is_null(1) != enrolling) return false;  // a confirmed secret is not enrolled again, nor the reverse
  auto secret = unseal(key, r.str(0), associated(account_id));
  if (!secret.ok()) return secret.status();
  auto step = totp_step_of(*secret, code, now);
  if (!step) return false;
  if (!r.is_null(2) && *step <= r.i64(2)) return false;  // replayed, or older than one already used
  auto u = enrolling ? tx.exec("UPDATE accounts SET totp_last_step = ?, totp_confirmed_at = ? WHERE id = ?",
                               {*step, now, account_id})
                     : tx.exec("UPDATE accounts SET totp_last_step = ? WHERE id = ?", {*step, account_id});
  if (!u.ok()) return u.status();
  return true;
}

Status totp_reset(store::Transaction& tx, int64_t account_id) {
  auto r = tx.exec("UPDATE accounts SET totp_secret = NULL, totp_confirmed_at = NULL, totp_last_step = NULL "
                   "WHERE id = ?",
                   {account_id});
  if (!r.ok()) return r.status();
  return *r == 1 ? Status::Ok() : Status::NotFound("no account");
}

Status set_pending_sign_in(store::Transaction& tx, const std::string& session_hash, const PendingSignIn& p) {
  if (Status s = clear_pending_sign_in(tx, session_hash); !s.ok()) return s;
  return tx
      .exec("INSERT INTO pending_sign_ins (session_hash, account_id, stage, created_at) VALUES (?, ?, ?, ?)",
            {session_hash, p.account_id, p.stage, p.created_at})
      .status();
}

Result<std::optional<PendingSignIn>> pending_sign_in(store::Transaction& tx, const std::string& session_hash,
                                                     int64_t now) {
  auto rows = tx.query("SELECT account_id, stage, created_at FROM pending_sign_ins WHERE session_hash = ?",
                       {session_hash});
  if (!rows.ok()) return rows.status();
  if (rows->empty() || rows->at(0).i64(2) + kPendingSignInSeconds <= now) return std::optional<PendingSignIn>{};
  return std::optional<PendingSignIn>{PendingSignIn{rows->at(0).i64(0), rows->at(0).str(1), rows->at(0).i64(2)}};
}

Status clear_pending_sign_in(store::Transaction& tx, const std::string& session_hash) {
  return tx.exec("DELETE FROM pending_sign_ins WHERE session_hash = ?", {session_hash}).status();
}

}  // namespace madoguchi::auth
