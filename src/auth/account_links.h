// One-time links e-mailed to residents: verifying a sign-up's address and resetting a
// password. The link carries a random 256-bit token; the store keeps only its SHA-256, so a
// copy of the database opens no account. A link expires, and works once: using it marks it
// used in the same write transaction as what it does, so two clicks (or two tabs) never both
// succeed.
//
// A sign-up link holds what the resident typed (address, display name, the argon2id hash of
// the password) until it is used; the account exists only from then on. So nobody can take an
// address by signing up with it: without the mailbox the link never arrives.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::auth {

enum class LinkPurpose { kSignUp, kReset };

struct AccountLink {
  LinkPurpose purpose = LinkPurpose::kSignUp;
  std::string token_hash;
  std::string email;                  // sign-up: the address as normalised (ja::normalize_email)
  std::string display_name;           // sign-up
  std::string password_hash;          // sign-up: argon2id (hash_password)
  std::string locale;                 // the page's language when it was asked for
  std::optional<int64_t> account_id;  // reset: the account whose password it resets
  int64_t expires_at = 0;
};

// Stores a new link for `link` (token_hash and expires_at are set here from `now` and
// `lifetime_seconds`) and returns the token to put in the e-mailed URL. A write transaction.
Result<std::string> issue_link(store::Transaction& tx, AccountLink link, int64_t now, int64_t lifetime_seconds);

// The unused, unexpired link of `purpose` for `token`, without using it (to show the page the
// link opens). NotFound for an unknown, used, expired or other-purpose token — one answer for
// all, so the page cannot be used to learn which. Any transaction.
Result<AccountLink> find_link(store::Transaction& tx, LinkPurpose purpose, const std::string& token, int64_t now);

// As find_link, and marks the link used at `now` so it never works again. Must run in the
// write transaction that does what the link is for. NotFound as for find_link.
Result<AccountLink> use_link(store::Transaction& tx, LinkPurpose purpose, const std::string& token, int64_t now);

// Marks every other unused link of the same kind for the same address (sign-up) or account
// (reset) used: once one has worked, older ones in the mailbox must not. A write transaction.
Status retire_links_like(store::Transaction& tx, const AccountLink& used, int64_t now);

// Deletes links that expired before `now` (housekeeping); returns how many.
Result<int64_t> expire_links(store::Transaction& tx, int64_t now);

}  // namespace madoguchi::auth
