// `madoguchi user add`: creates a resident or staff account. The password is read from
// standard input so it never appears in the process list or shell history.
// `madoguchi user disable|enable LOGIN`: disabling ends every session of the account at once.
// `madoguchi user reset-totp LOGIN`: forgets a staff member's second factor (a lost phone); they
// enrol again after their next password.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "audit/audit.h"
#include "auth/accounts.h"
#include "auth/second_factor.h"
#include "cli/cli.h"
#include "core/date.h"
#include "procedures/catalog.h"

namespace madoguchi::cli {
namespace {

struct UserAddArgs {
  auth::NewAccount account;
  bool staff = false;
  std::string profile_json;
};

// A staff member's department and role must exist in the configured organisation.yaml.
Status check_staff_place(const Config& config, const auth::NewAccount& a) {
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(config.procedures, &problems);
  if (!catalog.ok()) return catalog.status();
  const auto& org = catalog->organisation();
  if (!org.departments.count(a.department)) return Status::Invalid("unknown department " + a.department);
  if (!org.roles.count(a.role)) return Status::Invalid("unknown role " + a.role);
  return Status::Ok();
}

int user_add(const Config& config, UserAddArgs args) {
  auth::NewAccount& na = args.account;
  na.kind = args.staff ? "staff" : "resident";
  if (!args.profile_json.empty()) {
    na.profile = nlohmann::json::parse(args.profile_json, nullptr, false);
    if (!na.profile.is_object()) return fail("--profile must be a JSON object");
  }
  if (args.staff && (na.department.empty() || na.role.empty())) return fail("--staff needs --department and --role");
  std::getline(std::cin, na.password);
  if (args.staff) {
    if (Status s = check_staff_place(config, na); !s.ok()) return fail(s.message());
  }
  auto s = open_store(config);
  if (!s.ok()) return fail(s.status().message());
  int64_t id = 0;
  Status st = store::with_write(**s, [&](store::Transaction& tx) {
    auto r = auth::create_account(tx, na, unix_now());
    if (!r.ok()) return r.status();
    id = *r;
    return Status::Ok();
  });
  if (!st.ok()) return fail(st.message());
  std::printf("account %lld created: %s\n", static_cast<long long>(id), na.login.c_str());
  return 0;
}

// Disables or re-enables LOGIN; disabling ends its sessions in the same transaction and both
// are audited ("system" is the actor: the operator at the command line).
int user_set_disabled(const Config& config, const std::string& login, bool disabled) {
  auto s = open_store(config);
  if (!s.ok()) return fail(s.status().message());
  int64_t ended = 0;
  Status st = store::with_write(**s, [&](store::Transaction& tx) {
    auto a = auth::find_account_by_login(tx, login);
    if (!a.ok()) return a.status();
    auto n = auth::set_disabled(tx, a->id, disabled);
    if (!n.ok()) return n.status();
    ended = *n;
    return audit::record(tx,
                         {"system", disabled ? "account.disable" : "account.enable", "account:" + std::to_string(a->id),
                          disabled ? "sessions ended: " + std::to_string(ended) : ""},
                         unix_now());
  });
  if (!st.ok()) return fail(st.message());
  if (disabled) {
    std::printf("account %s disabled; %lld session(s) ended\n", login.c_str(), static_cast<long long>(ended));
  } else {
    std::printf("account %s enabled\n", login.c_str());
  }
  return 0;
}

int user_reset_totp(const Config& config, const std::string& login) {
  auto s = open_store(config);
  if (!s.ok()) return fail(s.status().message());
  Status st = store::with_write(**s, [&](store::Transaction& tx) {
    auto a = auth::find_account_by_login(tx, login);
    if (!a.ok()) return a.status();
    if (Status r = auth::totp_reset(tx, a->id); !r.ok()) return r;
    // A session opened with the old factor stays valid only until it ends; end it now, as the
    // phone may be in someone else's hands.
    auto n = auth::delete_sessions_of(tx, a->id);
    if (!n.ok()) return n.status();
    return audit::record(tx, {"system", "auth.totp_reset", "account:" + std::to_string(a->id),
                              "sessions ended: " + std::to_string(*n)},
                         unix_now());
  });
  if (!st.ok()) return fail(st.message());
  std::printf("second factor of %s removed; it is set up again at the next sign-in\n", login.c_str());
  return 0;
}

}  // namespace

void add_user_commands(CLI::App& app, Command* chosen) {
  auto* user_cmd = app.add_subcommand("user", "manage accounts");
  user_cmd->require_subcommand(1);
  auto* add_cmd = user_cmd->add_subcommand("add", "create a resident or staff account");
  auto args = std::make_shared<UserAddArgs>();
  auth::NewAccount& na = args->account;
  add_cmd->add_option("login", na.login, "login name")->required();
  add_cmd->add_option("--name", na.display_name, "display name")->required();
  add_cmd->add_flag("--staff", args->staff, "a staff account (needs --department and --role)");
  add_cmd->add_option("--department", na.department, "department id from procedures/organisation.yaml");
  add_cmd->add_option("--role", na.role, "role id from procedures/organisation.yaml");
  add_cmd->add_option("--profile", args->profile_json,
                      "resident's known data as JSON (family, given, family_kana, given_kana, birth, address, "
                      "phone, email)");
  on_chosen(add_cmd, chosen, [args](const Config& c) { return user_add(c, *args); });

  for (bool disable : {true, false}) {
    auto* cmd = user_cmd->add_subcommand(disable ? "disable" : "enable",
                                         disable ? "disable an account and end its sessions at once"
                                                 : "let a disabled account sign in again");
    auto login = std::make_shared<std::string>();
    cmd->add_option("login", *login, "login name")->required();
    on_chosen(cmd, chosen, [login, disable](const Config& c) { return user_set_disabled(c, *login, disable); });
  }
  auto* reset = user_cmd->add_subcommand("reset-totp", "remove a staff member's second factor (a lost phone)");
  auto reset_login = std::make_shared<std::string>();
  reset->add_option("login", *reset_login, "login name")->required();
  on_chosen(reset, chosen, [reset_login](const Config& c) { return user_reset_totp(c, *reset_login); });
}

}  // namespace madoguchi::cli
