#include "usecases/sessions.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "core/date.h"
#include "ja/text.h"
#include "ratelimit/ratelimit.h"

namespace madoguchi::usecases {
namespace {

std::chrono::seconds lifetime(const Env& env) { return std::chrono::seconds(env.config.session_lifetime_seconds()); }

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
    stale = now - session->last_seen > auth::touch_period(lifetime(env));
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
    auto session = auth::create_session(tx, std::nullopt, unix_now(), lifetime(env), token);
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
                       const std::string& password) {
  // Residents who signed up sign in with their address, whatever the case or width they type
  // it in (their login is auth::login_for_email of it).
  std::string login = typed_login;
  if (auto email = ja::normalize_email(typed_login)) login = auth::login_for_email(*email);
  SignIn out;
  const int64_t now = unix_now();
  const std::string key = login_limit_key(login);
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto blocked = ratelimit::blocked_for(tx, key, ratelimit::kLogin, now);
    if (!blocked.ok()) return blocked.status();
    out.wait_seconds = *blocked;
    if (out.wait_seconds > 0) return Status::Ok();
    auto a = auth::authenticate(tx, login, password);
    if (a.ok()) out.account = *a;
    // An unknown login and a wrong password are the same failure to the asker; a store error
    // or a corrupt profile is not a wrong password, and is not counted as one.
    const auto code = a.status().code();
    if (!a.ok() && code != Status::Code::kNotFound && code != Status::Code::kPermissionDenied) return a.status();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (out.wait_seconds > 0) return out;
  s = store::with_write(env.store, [&](store::Transaction& tx) {
    if (!out.account) return ratelimit::record_failure(tx, key, ratelimit::kLogin, now);
    if (Status c = ratelimit::clear(tx, key); !c.ok()) return c;
    auto session = auth::create_session(tx, out.account->id, now, lifetime(env), &out.token);
    if (!session.ok()) return session.status();
    if (Status st = auth::move_drafts(tx, guest_session_hash, session->token_hash, out.account->id); !st.ok()) {
      return st;
    }
    return auth::delete_session(tx, guest_session_hash);
  });
  if (!s.ok()) return s;
  return out;
}

Status sign_out(const Env& env, const std::string& session_hash) {
  return store::with_write(env.store, [&](store::Transaction& tx) { return auth::delete_session(tx, session_hash); });
}

}  // namespace madoguchi::usecases
