#include "auth/account_links.h"

#include "auth/accounts.h"
#include "auth/crypto.h"

namespace madoguchi::auth {
namespace {

const char* purpose_name(LinkPurpose p) { return p == LinkPurpose::kSignUp ? "signup" : "reset"; }

constexpr const char* kLinkColumns =
    "SELECT token_hash, email, display_name, password_hash, locale, account_id, expires_at FROM account_links ";

AccountLink from_row(LinkPurpose purpose, const store::Row& r) {
  AccountLink l;
  l.purpose = purpose;
  l.token_hash = r.str(0);
  l.email = r.str(1);
  l.display_name = r.str(2);
  l.password_hash = r.str(3);
  l.locale = r.str(4);
  if (!r.is_null(5)) l.account_id = r.i64(5);
  l.expires_at = r.i64(6);
  return l;
}

}  // namespace

Result<std::string> issue_link(store::Transaction& tx, AccountLink link, int64_t now, int64_t lifetime_seconds) {
  const std::string token = random_token();
  link.token_hash = sha256_hex(token);
  link.expires_at = now + lifetime_seconds;
  store::Value account = nullptr;
  if (link.account_id) account = *link.account_id;
  auto r = tx.exec(
      "INSERT INTO account_links (token_hash, purpose, email, display_name, password_hash, locale, account_id, "
      "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {link.token_hash, purpose_name(link.purpose), link.email, link.display_name, link.password_hash, link.locale,
       account, now, link.expires_at});
  if (!r.ok()) return r.status();
  return token;
}

Result<AccountLink> find_link(store::Transaction& tx, LinkPurpose purpose, const std::string& token, int64_t now) {
  // A token is 43 characters; anything much longer is not one and is not hashed for nothing.
  if (token.empty() || token.size() > 100) return Status::NotFound("no such link");
  auto rows = tx.query(
      std::string(kLinkColumns) + "WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
      {sha256_hex(token), purpose_name(purpose), now});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no such link");
  return from_row(purpose, rows->at(0));
}

Result<AccountLink> use_link(store::Transaction& tx, LinkPurpose purpose, const std::string& token, int64_t now) {
  auto link = find_link(tx, purpose, token, now);
  if (!link.ok()) return link.status();
  // The condition repeats find_link's, so the row changes only while it is still unused even if
  // another writer got there first (writers are serialised, but this does not rely on it).
  auto r =
      tx.exec("UPDATE account_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", {now, link->token_hash});
  if (!r.ok()) return r.status();
  if (*r != 1) return Status::NotFound("no such link");
  return link;
}

Status retire_links_like(store::Transaction& tx, const AccountLink& used, int64_t now) {
  if (used.purpose == LinkPurpose::kSignUp) {
    return tx
        // Addresses differing only in case sign up one account (login_for_email), so they share links.
        .exec("UPDATE account_links SET used_at = ? WHERE purpose = 'signup' AND used_at IS NULL AND LOWER(email) = ?",
              {now, login_for_email(used.email)})
        .status();
  }
  if (!used.account_id) return Status::Ok();
  return tx
      .exec("UPDATE account_links SET used_at = ? WHERE purpose = 'reset' AND used_at IS NULL AND account_id = ?",
            {now, *used.account_id})
      .status();
}

Result<int64_t> expire_links(store::Transaction& tx, int64_t now) {
  return tx.exec("DELETE FROM account_links WHERE expires_at <= ?", {now});
}

}  // namespace madoguchi::auth
