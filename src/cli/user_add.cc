// `madoguchi user add`: creates a resident or staff account. The password is read from
// standard input so it never appears in the process list or shell history.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "auth/accounts.h"
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
}

}  // namespace madoguchi::cli
