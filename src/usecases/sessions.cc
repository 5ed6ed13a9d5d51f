#include "usecases/sessions.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "auth/second_factor.h"
#include "core/date.h"
#include "ja/text.h"
#include "ratelimit/ratelimit.h"

namespace madoguchi::usecases {
namespace {

auth::Lifetimes lifetime(const Env& env) {
  return auth::Lifetimes{std::chrono::seconds(env.config.session_lifetime_seconds()),
                         std::chrono::hours(env.config.session_absolute_hours),
                         std::chrono::hours(env.config.staff_session_absolute_hours)};
}

// How a failed sign-in names its target in the audit log: the account when the login exists,
// else a mark of the typed name (the first 12 hex digits of its SHA-256) — never the name
// itself, which for residents is an e-mail address, and never the password.
Result<std::string> audit_target(store::Transaction& tx, const std::string& login) {
  auto a = auth::find_account_by_login(tx, login);
  if (a.ok()) return "account:" + std::to_string(a->id);
  if (a.status().code() != Status::Code::kNotFound) return a.status();
  return "login:" + auth::sha256_hex(login).substr(0, 12);
}

std::string audit_actor(const auth::Account& a) { return a.kind + ":" + std::to_string(a.id); }

}  // namespace

std::string login_limit_key(const std::string& login) {
  std::string key = "login:";
  for (char c : login) key += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return key;
}

Visit resume_session(const Env& env, const std::string& token) {
  Visit v;
  if (token.empty()) return v;
  const int64_t now = unix_now();
  bool stale = false;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto session = auth::load_session(tx, token, now, lifetime(env), /*slide=*/false);
    if (!session.ok()) return Status::Ok();  // unknown or expired: a visitor without a session
    v.session = *session;
    stale = now - session->last_seen > auth::touch_period(lifetime(env).idle);
    if (session->account_id) {
      auto a = auth::find_account(tx, *session->account_id);
      if (a.ok()) v.account = *a;
      // A deleted account signs its sessions out; any other failure is the store's, logged below.
      else if (a.status().code() != Status::Code::kNotFound)
        return a.status();
    }
    return Status::Ok();
  });
  if (!s.ok()) spdlog::error("reading a session failed: {}", s.message());
  if (stale) {
    Status slid = store::with_write(env.store, [&](store::Transaction& tx) {
      auto session = auth::load_session(tx, token, now, lifetime(env));
      // The page tells the browser how long is left, so it must see the slid expiry.
      if (session.ok() && v.session) v.session->expires_at = session->expires_at;
      return session.status();
    });
    if (!slid.ok() && slid.code() != Status::Code::kNotFound) {
      spdlog::error("sliding a session's expiry failed: {}", slid.message());
    }
  }
  return v;
}

Result<auth::Session> start_guest_session(const Env& env, std::string* token) {
  std::optional<auth::Session> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto session = auth::create_session(tx, std::nullopt, unix_now(), lifetime(env).idle, token);
    if (!session.ok()) return session.status();
    out = *session;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<auth::Session> extend_session(const Env& env, const std::string& session_hash) {
  std::optional<auth::Session> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto ext = auth::extend_session(tx, session_hash, unix_now(), lifetime(env));
    if (!ext.ok()) return ext.status();
    out = *ext;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<SignIn> sign_in(const Env& env, const std::string& guest_session_hash, const std::string& typed_login,
                       const std::string& password, const std::string& client_address) {
  // Residents who signed up sign in with their address, whatever the case or width they type
  // it in (their login is auth::login_for_email of it).
  std::string login = typed_login;
  if (auto email = ja::normalize_email(typed_login)) login = auth::login_for_email(*email);
  SignIn out;
  const int64_t now = unix_now();
  const std::string key = login_limit_key(login);
  const std::string addr_key = ratelimit::address_key(client_address);
  // 1. Check and count the attempt against both limits in one write transaction, so parallel
  // requests cannot all pass the check before any of them is counted.
  // Whether this attempt brought the login's (or the address's) counter to its limit: if it
  // fails, the key is locked, and that is audited once, here, not for every refused attempt.
  bool locks_login = false, locks_address = false;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto wait = ratelimit::take_attempt(tx, {{key, ratelimit::kLogin}, {addr_key, ratelimit::kLoginAddress}}, now);
    if (!wait.ok()) return wait.status();
    out.wait_seconds = *wait;
    if (out.wait_seconds > 0) return Status::Ok();
    auto n = ratelimit::failures(tx, key, ratelimit::kLogin, now);
    if (!n.ok()) return n.status();
    locks_login = *n >= ratelimit::kLogin.max_failures;
    n = ratelimit::failures(tx, addr_key, ratelimit::kLoginAddress, now);
    if (!n.ok()) return n.status();
    locks_address = *n >= ratelimit::kLoginAddress.max_failures;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (out.wait_seconds > 0) return out;
  // 2. The password, in a read transaction (argon2id takes time; no write lock is held).
  Status checked = store::with_read(env.store, [&](store::Transaction& tx) {
    auto a = auth::authenticate(tx, login, password);
    if (a.ok()) out.account = *a;
    // Staff with a second factor (or who must enrol one) are not signed in by the password.
    if (a.ok() && a->is_staff()) {
      auto enrolled = auth::totp_enrolled(tx, a->id);
      if (!enrolled.ok()) return enrolled.status();
      out.needs_code = *enrolled;
      out.needs_enrolment = !*enrolled && env.config.staff_totp;
    }
    // An unknown login and a wrong password are the same failure to the asker; a store error
    // or a corrupt profile is not a wrong password, and is not counted as one.
    const auto code = a.status().code();
    if (!a.ok() && code != Status::Code::kNotFound && code != Status::Code::kPermissionDenied) return a.status();
    return Status::Ok();
  });
  // 3. A failure stays counted; a success (or an attempt the store could not check) is not.
  s = store::with_write(env.store, [&](store::Transaction& tx) {
    if (!checked.ok() || out.account) {
      if (Status r = ratelimit::refund(tx, addr_key); !r.ok()) return r;
    }
    if (!checked.ok()) return ratelimit::refund(tx, key);
    const std::string where = "addr=" + client_address;
    if (!out.account) {
      auto target = audit_target(tx, login);
      if (!target.ok()) return target.status();
      if (Status a = audit::record(tx, {"guest", "auth.sign_in_failed", *target, where}, now); !a.ok()) return a;
      if (locks_login) {
        const std::string until = "until=" + std::to_string(now + ratelimit::kLogin.window.count());
        if (Status a = audit::record(tx, {"guest", "auth.lockout", *target, where + " " + until}, now); !a.ok()) {
          return a;
        }
      }
      if (locks_address) {
        if (Status a = audit::record(tx, {"guest", "auth.lockout", "address:" + client_address, ""}, now); !a.ok()) {
          return a;
        }
      }
      return Status::Ok();
    }
    if (out.needs_code || out.needs_enrolment) {
      // The password was right: take its attempt back, but keep the login's earlier failures,
      // which the code's failures add to (clearing them here would let a thief who has the
      // password try ten codes per password).
      if (Status r = ratelimit::refund(tx, key); !r.ok()) return r;
      return auth::set_pending_sign_in(tx, guest_session_hash,
                                       {out.account->id, out.needs_code ? "code" : "enrol", now});
    }
    if (Status a = audit::record(tx, {audit_actor(*out.account), "auth.sign_in", "account:" + std::to_string(out.account->id), where}, now); !a.ok()) {
      return a;
    }
    if (Status c = ratelimit::clear(tx, key); !c.ok()) return c;
    auto session = auth::create_session(tx, out.account->id, now, lifetime(env).idle, &out.token);
    if (!session.ok()) return session.status();
    if (Status st = auth::move_drafts(tx, guest_session_hash, session->token_hash, out.account->id); !st.ok()) {
      return st;
    }
    return auth::delete_session(tx, guest_session_hash);
  });
  if (!checked.ok()) return checked;
  if (!s.ok()) return s;
  if (out.needs_code || out.needs_enrolment) out.account.reset();  // not signed in yet
  return out;
}

Status sign_out(const Env& env, const std::string& session_hash) {
  return store::with_write(env.store, [&](store::Transaction& tx) { return auth::delete_session(tx, session_hash); });
}

}  // namespace madoguchi::usecases
