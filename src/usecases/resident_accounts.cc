#include "usecases/resident_accounts.h"

#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "auth/account_links.h"
#include "auth/crypto.h"
#include "core/date.h"
#include "ja/text.h"
#include "notify/outbox.h"
#include "ratelimit/ratelimit.h"
#include "usecases/sessions.h"

namespace madoguchi::usecases {
namespace {

using procedures::Field;
using procedures::FieldType;

constexpr size_t kMaxDisplayName = 100;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::string mail_locale(const std::string& locale) { return Locales::supported(locale) ? locale : "ja"; }

// Where residents reach the site, for links in e-mail (as the notices do).
std::string base_url(const Env& env) {
  std::string base = env.config.public_url.empty() ? "http://" + env.config.listen : env.config.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// The key counting e-mails to one address: its login form, so the case of the letters does not
// give an address more e-mails.
std::string mail_limit_key(const std::string& email) { return "account-mail:" + auth::login_for_email(email); }

// A short, stable mark of a link for the audit log: enough to match a request with its use, not
// enough to use it (the token is not derivable from its hash).
std::string link_mark(const std::string& token_hash) { return "link " + token_hash.substr(0, 12); }

Status queue_mail(store::Transaction& tx, const Env& env, const std::string& kind, const std::string& to,
                  const std::string& locale, const std::map<std::string, std::string>& params, int64_t now) {
  notify::Message m;
  m.kind = kind;
  m.recipient = to;
  m.subject = env.locales.t(locale, "mail." + kind + ".subject", params);
  m.body = env.locales.t(locale, "mail." + kind + ".body", params) + "\n\n" + env.locales.t(locale, "mail.footer");
  return notify::enqueue(tx, m, now);
}

std::optional<std::string> check_email(const std::string& typed, std::vector<InputProblem>* problems) {
  if (trim(typed).empty()) {
    problems->push_back({"email", "account.error.email_missing", {}});
    return std::nullopt;
  }
  auto email = ja::normalize_email(typed);
  if (!email) problems->push_back({"email", "account.error.email_invalid", {}});
  return email;
}

void check_password(const std::string& password, std::vector<InputProblem>* problems) {
  if (!auth::password_long_enough(password)) {
    problems->push_back(
        {"password", "account.error.password_short", {{"min", std::to_string(auth::kMinPasswordCharacters)}}});
  }
}

// Counts one e-mail to `email`; *wait > 0 when the address has had its share (nothing counted).
Status count_mail(store::Transaction& tx, const std::string& email, int64_t now, int64_t* wait) {
  const std::string key = mail_limit_key(email);
  auto blocked = ratelimit::blocked_for(tx, key, ratelimit::kAccountMail, now);
  if (!blocked.ok()) return blocked.status();
  *wait = *blocked;
  if (*wait > 0) return Status::Ok();
  return ratelimit::record_failure(tx, key, ratelimit::kAccountMail, now);
}

// Opens a session for `account_id`, ending the current one; a guest's drafts come along.
Status open_session(store::Transaction& tx, const Env& env, int64_t account_id, const std::string& current_hash,
                    bool current_is_guest, int64_t now, std::string* token) {
  auto session =
      auth::create_session(tx, account_id, now, std::chrono::seconds(env.config.session_lifetime_seconds()), token);
  if (!session.ok()) return session.status();
  if (!current_hash.empty()) {
    // Only a guest's drafts move: a session of another account keeps its drafts with that
    // account (they stay under "My applications" there).
    if (current_is_guest) {
      if (Status s = auth::move_drafts(tx, current_hash, session->token_hash, account_id); !s.ok()) return s;
    }
    if (Status s = auth::delete_session(tx, current_hash); !s.ok()) return s;
  }
  return Status::Ok();
}

Field profile_field(const Locales& locales, const std::string& id, FieldType type, const std::string& autocomplete) {
  Field f;
  f.id = id;
  f.type = type;
  f.autocomplete = autocomplete;
  for (const std::string& locale : Locales::ids()) {
    f.label.by_locale[locale] = locales.t(locale, "account.profile." + id);
    if (locales.has(locale, "account.profile." + id + "_help")) {
      f.help.by_locale[locale] = locales.t(locale, "account.profile." + id + "_help");
    }
  }
  return f;
}

}  // namespace

bool resident_accounts_offered(const Env& env) { return !env.config.mail_smtp.empty(); }

Result<MailAsked> request_sign_up(const Env& env, const SignUpForm& form) {
  MailAsked out;
  // In the page's order, as the error summary lists them.
  const std::string display_name = trim(form.display_name);
  if (display_name.empty()) {
    out.problems.push_back({"display_name", "account.error.name_missing", {}});
  } else if (ja::char_count(display_name) > kMaxDisplayName) {
    out.problems.push_back({"display_name", "account.error.name_long", {{"max", std::to_string(kMaxDisplayName)}}});
  }
  auto email = check_email(form.email, &out.problems);
  check_password(form.password, &out.problems);
  if (!out.problems.empty()) return out;

  const std::string locale = mail_locale(form.locale);
  // Hashed whether or not the address has an account (timing), and before the write
  // transaction, so argon2id never holds the store's write lock.
  const std::string password_hash = auth::hash_password(form.password);
  const int64_t now = unix_now();
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    if (Status c = count_mail(tx, *email, now, &out.wait_seconds); !c.ok() || out.wait_seconds > 0) return c;
    auto existing = auth::find_resident_by_login(tx, auth::login_for_email(*email));
    if (existing.ok()) {
      const std::string base = base_url(env);
      if (Status m = queue_mail(tx, env, "signup_exists", *email, locale,
                                {{"login_link", base + "/login"}, {"reset_link", base + "/account/reset"}}, now);
          !m.ok()) {
        return m;
      }
      return audit::record(
          tx, {"guest", "account.signup", "account:" + std::to_string(existing->id), "address already has an account"},
          now);
    }
    if (existing.status().code() != Status::Code::kNotFound) return existing.status();
    auth::AccountLink link;
    link.purpose = auth::LinkPurpose::kSignUp;
    link.email = *email;
    link.display_name = display_name;
    link.password_hash = password_hash;
    link.locale = locale;
    const int64_t lifetime = int64_t{env.config.signup_link_hours} * 3600;
    auto token = auth::issue_link(tx, link, now, lifetime);
    if (!token.ok()) return token.status();
    if (Status m = queue_mail(tx, env, "signup", *email, locale,
                              {{"link", base_url(env) + "/signup/verify/" + *token},
                               {"hours", std::to_string(env.config.signup_link_hours)}},
                              now);
        !m.ok()) {
      return m;
    }
    return audit::record(tx, {"guest", "account.signup", "signup", link_mark(auth::sha256_hex(*token))}, now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::string> sign_up_link_address(const Env& env, const std::string& token) {
  std::string address;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto link = auth::find_link(tx, auth::LinkPurpose::kSignUp, token, unix_now());
    if (!link.ok()) return link.status();
    address = link->email;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return address;
}

Result<LinkSignIn> verify_sign_up(const Env& env, const std::string& token, const std::string& current_session_hash,
                                  bool current_is_guest) {
  LinkSignIn out;
  bool taken = false;
  const int64_t now = unix_now();
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto link = auth::use_link(tx, auth::LinkPurpose::kSignUp, token, now);
    if (!link.ok()) return link.status();
    if (Status r = auth::retire_links_like(tx, *link, now); !r.ok()) return r;
    auth::NewAccount a;
    a.kind = "resident";
    a.login = auth::login_for_email(link->email);
    // Two sign-ups of one address, the other verified first: this link is spent (committed),
    // and the resident is told to sign in instead. Asked before inserting because a failed
    // INSERT ends a PostgreSQL transaction, and the link's use must still commit.
    auto existing = auth::find_resident_by_login(tx, a.login);
    if (existing.ok()) {
      taken = true;
      return Status::Ok();
    }
    if (existing.status().code() != Status::Code::kNotFound) return existing.status();
    a.display_name = link->display_name;
    a.profile = {{"email", link->email}};
    auto id = auth::create_account_with_hash(tx, a, link->password_hash, link->locale, now);
    if (!id.ok()) return id.status();  // Conflict: a staff login equal to the address; nothing kept
    if (Status r = audit::record(tx,
                                 {"resident:" + std::to_string(*id), "account.verify", "account:" + std::to_string(*id),
                                  link_mark(link->token_hash)},
                                 now);
        !r.ok()) {
      return r;
    }
    if (Status r = open_session(tx, env, *id, current_session_hash, current_is_guest, now, &out.session_token);
        !r.ok()) {
      return r;
    }
    auto account = auth::find_account(tx, *id);
    if (!account.ok()) return account.status();
    out.account = *account;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (taken) return Status::Conflict("the address already has an account");
  return out;
}

Result<MailAsked> request_password_reset(const Env& env, const std::string& email_typed, const std::string& locale_in) {
  MailAsked out;
  auto email = check_email(email_typed, &out.problems);
  if (!out.problems.empty()) return out;
  const std::string locale = mail_locale(locale_in);
  const int64_t now = unix_now();
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    if (Status c = count_mail(tx, *email, now, &out.wait_seconds); !c.ok() || out.wait_seconds > 0) return c;
    auto account = auth::find_resident_by_login(tx, auth::login_for_email(*email));
    if (!account.ok()) {
      if (account.status().code() != Status::Code::kNotFound) return account.status();
      // Nothing is sent to an address without an account; the asker sees the same page.
      return audit::record(tx, {"guest", "account.reset_request", "account:none", ""}, now);
    }
    auth::AccountLink link;
    link.purpose = auth::LinkPurpose::kReset;
    link.account_id = account->id;
    link.locale = locale;
    auto token = auth::issue_link(tx, link, now, int64_t{env.config.reset_link_minutes} * 60);
    if (!token.ok()) return token.status();
    // The e-mail goes to the address the resident typed, which is the account's login; the
    // profile's address is the same one (it changes only with the login).
    if (Status m = queue_mail(tx, env, "reset", *email, locale,
                              {{"link", base_url(env) + "/account/reset/" + *token},
                               {"minutes", std::to_string(env.config.reset_link_minutes)}},
                              now);
        !m.ok()) {
      return m;
    }
    return audit::record(tx,
                         {"guest", "account.reset_request", "account:" + std::to_string(account->id),
                          link_mark(auth::sha256_hex(*token))},
                         now);
  });
  if (!s.ok()) return s;
  return out;
}

Status check_reset_link(const Env& env, const std::string& token) {
  return store::with_read(env.store, [&](store::Transaction& tx) {
    return auth::find_link(tx, auth::LinkPurpose::kReset, token, unix_now()).status();
  });
}

Result<PasswordReset> reset_password(const Env& env, const std::string& token, const std::string& password,
                                     const std::string& current_session_hash, bool current_is_guest) {
  PasswordReset out;
  check_password(password, &out.problems);
  if (!out.problems.empty()) {
    // A short password must not spend the link, but a dead link is said before the password.
    if (Status c = check_reset_link(env, token); !c.ok()) return c;
    return out;
  }
  const std::string password_hash = auth::hash_password(password);
  const int64_t now = unix_now();
  LinkSignIn signed_in;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto link = auth::use_link(tx, auth::LinkPurpose::kReset, token, now);
    if (!link.ok()) return link.status();
    if (!link->account_id) return Status::Internal("a reset link without an account");
    const int64_t id = *link->account_id;
    auto account = auth::find_account(tx, id);
    if (!account.ok()) return account.status();  // deleted meanwhile: NotFound, a dead link
    if (Status r = auth::set_password_hash(tx, id, password_hash); !r.ok()) return r;
    if (Status r = auth::retire_links_like(tx, *link, now); !r.ok()) return r;
    // Whoever held a session of the account (a thief who knew the old password) loses it.
    auto ended = auth::delete_sessions_of(tx, id);
    if (!ended.ok()) return ended.status();
    if (Status r = ratelimit::clear(tx, login_limit_key(account->login)); !r.ok()) return r;
    if (Status r = audit::record(tx,
                                 {"resident:" + std::to_string(id), "account.reset", "account:" + std::to_string(id),
                                  link_mark(link->token_hash) + ", sessions ended: " + std::to_string(*ended)},
                                 now);
        !r.ok()) {
      return r;
    }
    if (Status r = open_session(tx, env, id, current_session_hash, current_is_guest, now, &signed_in.session_token);
        !r.ok()) {
      return r;
    }
    signed_in.account = *account;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  out.signed_in = std::move(signed_in);
  return out;
}

procedures::Procedure profile_form(const Locales& locales) {
  procedures::Procedure p;
  p.id = "profile";
  for (const std::string& locale : Locales::ids())
    p.title.by_locale[locale] = locales.t(locale, "account.profile.heading");
  procedures::Page page;
  page.id = "profile";
  page.title = p.title;
  page.fields.push_back(profile_field(locales, "name", FieldType::kPersonName, "name"));
  Field birth = profile_field(locales, "birth", FieldType::kDate, "bday");
  birth.max_date = "today";
  page.fields.push_back(birth);
  page.fields.push_back(profile_field(locales, "address", FieldType::kPostalAddress, "address"));
  page.fields.push_back(profile_field(locales, "phone", FieldType::kPhone, "tel"));
  p.pages.push_back(std::move(page));
  return p;
}

forms::Json profile_answers(const procedures::Procedure& form, const forms::Json& profile) {
  return forms::prefill_from_profile(form, profile);
}

namespace {

// The profile values the form's answers stand for: the reverse of the autocomplete tokens
// forms::prefill_from_profile reads. Empty answers remove the value, so an emptied phone
// number no longer fills a form.
void put_profile_values(const forms::Json& answers, forms::Json* profile) {
  auto put = [&](const std::string& key, const forms::Json& value) {
    const bool empty = value.is_null() || (value.is_string() && value.get<std::string>().empty());
    if (empty) {
      profile->erase(key);
    } else {
      (*profile)[key] = value;
    }
  };
  const forms::Json name = answers.value("name", forms::Json::object());
  for (const char* part : {"family", "given", "family_kana", "given_kana"}) {
    put(part, name.is_object() ? name.value(part, forms::Json("")) : forms::Json(""));
  }
  const forms::Json birth = answers.value("birth", forms::Json(""));
  put("birth", birth.is_string() ? birth : forms::Json(""));
  const forms::Json address = answers.value("address", forms::Json::object());
  bool any = false;
  if (address.is_object()) {
    for (const auto& [k, v] : address.items()) any |= v.is_string() && !v.get<std::string>().empty();
  }
  put("address", any ? address : forms::Json(""));
  put("phone", answers.value("phone", forms::Json("")));
}

}  // namespace

Result<ProfileSaved> save_profile(const Env& env, int64_t account_id, const forms::Posted& posted,
                                  const forms::Context& ctx) {
  ProfileSaved out;
  const procedures::Procedure form = profile_form(env.locales);
  const int64_t now = unix_now();
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto account = auth::find_account(tx, account_id);
    if (!account.ok()) return account.status();
    out.answers = profile_answers(form, account->profile);
    out.errors = forms::apply_page(form, form.pages.front(), posted, {}, &out.answers, ctx);
    if (!out.errors.empty()) return Status::Ok();
    forms::Json profile = account->profile;
    put_profile_values(out.answers, &profile);
    std::string changed;
    for (const char* key : {"family", "given", "family_kana", "given_kana", "birth", "address", "phone"}) {
      if (profile.value(key, forms::Json()) != account->profile.value(key, forms::Json())) {
        changed += changed.empty() ? key : std::string(",") + key;
      }
    }
    if (changed.empty()) return Status::Ok();  // nothing to record
    if (Status r = auth::set_profile(tx, account_id, profile); !r.ok()) return r;
    return audit::record(tx,
                         {"resident:" + std::to_string(account_id), "profile.update",
                          "account:" + std::to_string(account_id), "changed: " + changed},
                         now);
  });
  if (!s.ok()) return s;
  return out;
}

Result<int64_t> sign_out_everywhere(const Env& env, int64_t account_id) {
  int64_t ended = 0;
  const int64_t now = unix_now();
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto n = auth::delete_sessions_of(tx, account_id);
    if (!n.ok()) return n.status();
    ended = *n;
    const std::string who = std::to_string(account_id);
    return audit::record(tx,
                         {"resident:" + who, "account.sign_out_everywhere", "account:" + who,
                          "sessions ended: " + std::to_string(ended)},
                         now);
  });
  if (!s.ok()) return s;
  return ended;
}

}  // namespace madoguchi::usecases
