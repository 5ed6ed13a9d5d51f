#include "usecases/second_factor.h"

#include "audit/audit.h"
#include "auth/sealed.h"
#include "auth/second_factor.h"
#include "auth/totp.h"
#include "core/date.h"
#include "ratelimit/ratelimit.h"
#include "usecases/sessions.h"

namespace madoguchi::usecases {
namespace {

Result<std::string> secrets_key(const Env& env) { return auth::load_or_create_key(env.config.totp_key_file); }

Enrolment enrolment_of(const Env& env, const auth::Account& a, const std::string& secret) {
  return Enrolment{auth::totp_base32(secret), auth::otpauth_uri(env.config.totp_issuer, a.login, secret)};
}

std::string totp_actor(const auth::Account& a) { return a.kind + ":" + std::to_string(a.id); }

// Counts the attempt, checks the code, audits; on a wrong code the count stays. Runs in the
// caller's write transaction. *right tells the outcome; *wait > 0 when nothing was checked.
Status check_code(store::Transaction& tx, const std::string& key, const auth::Account& a,
                  const std::string& code, bool enrolling, const std::string& client, int64_t now, bool* right,
                  int64_t* wait) {
  const std::string login_key = login_limit_key(a.login);
  const std::string addr_key = ratelimit::address_key(client);
  auto w = ratelimit::take_attempt(tx, {{login_key, ratelimit::kLogin}, {addr_key, ratelimit::kLoginAddress}}, now);
  if (!w.ok()) return w.status();
  *wait = *w;
  if (*wait > 0) return Status::Ok();
  auto n = ratelimit::failures(tx, login_key, ratelimit::kLogin, now);
  if (!n.ok()) return n.status();
  const bool locks = *n >= ratelimit::kLogin.max_failures;
  auto ok = auth::totp_check(tx, key, a.id, code, now, enrolling);
  if (!ok.ok()) return ok.status();
  *right = *ok;
  const std::string target = "account:" + std::to_string(a.id);
  const std::string where = "addr=" + client;
  if (!*right) {
    if (Status s = audit::record(tx, {"guest", "auth.code_failed", target, where}, now); !s.ok()) return s;
    if (!locks) return Status::Ok();
    return audit::record(
        tx, {"guest", "auth.lockout", target, where + " until=" + std::to_string(now + ratelimit::kLogin.window.count())},
        now);
  }
  if (Status s = ratelimit::clear(tx, login_key); !s.ok()) return s;
  if (Status s = ratelimit::refund(tx, addr_key); !s.ok()) return s;
  if (enrolling) {
    if (Status s = audit::record(tx, {totp_actor(a), "auth.totp_enrol", target, ""}, now); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> pending_stage(const Env& env, const std::string& session_hash) {
  std::string stage;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto p = auth::pending_sign_in(tx, session_hash, unix_now());
    if (!p.ok()) return p.status();
    if (*p) stage = (*p)->stage;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return stage;
}

Result<Enrolment> pending_enrolment(const Env& env, const std::string& session_hash) {
  auto key = secrets_key(env);
  if (!key.ok()) return key.status();
  std::optional<Enrolment> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto p = auth::pending_sign_in(tx, session_hash, unix_now());
    if (!p.ok()) return p.status();
    if (!*p || (*p)->stage != "enrol") return Status::NotFound("no enrolment waiting");
    auto a = auth::find_account(tx, (*p)->account_id);
    if (!a.ok()) return a.status();
    auto secret = auth::totp_enrolment_secret(tx, *key, a->id);
    if (!secret.ok()) return secret.status();
    out = enrolment_of(env, *a, *secret);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<Enrolment> staff_enrolment(const Env& env, const auth::Account& staff) {
  auto key = secrets_key(env);
  if (!key.ok()) return key.status();
  std::optional<Enrolment> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto secret = auth::totp_enrolment_secret(tx, *key, staff.id);
    if (!secret.ok()) return secret.status();
    out = enrolment_of(env, staff, *secret);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<CodeOutcome> submit_code(const Env& env, const std::string& session_hash, const std::string& code,
                                const std::string& client_address) {
  auto key = secrets_key(env);
  if (!key.ok()) return key.status();
  CodeOutcome out;
  const int64_t now = unix_now();
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto p = auth::pending_sign_in(tx, session_hash, now);
    if (!p.ok()) return p.status();
    if (!*p) {
      out.expired = true;
      return Status::Ok();
    }
    auto a = auth::find_account(tx, (*p)->account_id);
    if (!a.ok() && a.status().code() != Status::Code::kNotFound) return a.status();
    if (!a.ok() || a->disabled) {
      out.expired = true;
      return auth::clear_pending_sign_in(tx, session_hash);
    }
    bool right = false;
    if (Status c = check_code(tx, *key, *a, code, (*p)->stage == "enrol", client_address, now, &right,
                              &out.wait_seconds);
        !c.ok() || !right) {
      return c;
    }
    if (Status c = auth::clear_pending_sign_in(tx, session_hash); !c.ok()) return c;
    auto session = auth::create_session(tx, a->id, now, std::chrono::seconds(env.config.session_lifetime_seconds()),
                                        &out.token);
    if (!session.ok()) return session.status();
    if (Status m = auth::move_drafts(tx, session_hash, session->token_hash, a->id); !m.ok()) return m;
    if (Status d = auth::delete_session(tx, session_hash); !d.ok()) return d;
    out.account = *a;
    return audit::record(tx, {totp_actor(*a), "auth.sign_in", "account:" + std::to_string(a->id),
                              "addr=" + client_address + " totp"},
                         now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<CodeOutcome> confirm_staff_enrolment(const Env& env, const auth::Account& staff, const std::string& code,
                                            const std::string& client_address) {
  auto key = secrets_key(env);
  if (!key.ok()) return key.status();
  CodeOutcome out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    bool right = false;
    Status c = check_code(tx, *key, staff, code, true, client_address, unix_now(), &right, &out.wait_seconds);
    if (c.ok() && right) out.account = staff;
    return c;
  });
  if (!s.ok()) return s;
  return out;
}

Result<bool> has_second_factor(const Env& env, int64_t account_id) {
  bool enrolled = false;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto e = auth::totp_enrolled(tx, account_id);
    if (!e.ok()) return e.status();
    enrolled = *e;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return enrolled;
}

}  // namespace madoguchi::usecases
