#include "demo/demo.h"

#include "auth/accounts.h"
#include "auth/crypto.h"
#include "core/date.h"

#include <nlohmann/json.hpp>

namespace madoguchi::demo {

Result<std::vector<std::string>> load(store::Store& store, const procedures::Catalog& catalog) {
  std::vector<std::string> lines;
  Status s = store::with_write(store, [&](store::Transaction& tx) {
    int64_t now = unix_now();
    auto add = [&](auth::NewAccount a) -> Status {
      a.password = auth::random_token().substr(0, 16);
      auto existing = tx.query("SELECT profile FROM accounts WHERE login = ?", {a.login});
      if (!existing.ok()) return existing.status();
      if (!existing->empty()) {
        auto profile = nlohmann::json::parse(existing->at(0).str(0), nullptr, false);
        // Damaged: whether it is a demo account cannot be told, so its password is left alone
        // and the operator hears of it.
        if (profile.is_discarded() || !profile.is_object()) {
          return Status::Internal("corrupt stored data: the profile of login " + a.login + " is not a JSON object");
        }
        if (!profile.value("demo", false)) return Status::Ok();  // a real account
        if (Status st = auth::set_password(tx, a.login, a.password); !st.ok()) return st;
      } else if (auto r = auth::create_account(tx, a, now); !r.ok()) {
        return r.status();
      }
      std::string who = a.kind == "staff" ? "staff    " + a.department + "/" + a.role : "resident";
      lines.push_back("demo " + who + "  login: " + a.login + "  password: " + a.password);
      return Status::Ok();
    };
    auth::NewAccount resident;
    resident.kind = "resident";
    resident.login = "resident";
    resident.display_name = "窓口 花子";
    resident.profile = {{"demo", true},
                        {"family", "窓口"},
                        {"given", "花子"},
                        {"family_kana", "マドグチ"},
                        {"given_kana", "ハナコ"},
                        {"birth", "1988-05-01"},
                        {"address", {{"postal_code", "110-8615"}, {"prefecture", "東京都"}, {"city", "台東区"},
                                     {"town", "東上野"}, {"street", "4-5-6"}, {"building", ""}}},
                        {"phone", "03-5246-1111"},
                        {"email", "hanako@example.jp"}};
    if (Status st = add(resident); !st.ok()) return st;
    const auto& org = catalog.organisation();
    for (const auto& [dept, dept_title] : org.departments) {
      for (const auto& [role, r] : org.roles) {
        auth::NewAccount staff;
        staff.kind = "staff";
        staff.login = dept + "-" + role;
        staff.display_name = dept_title.get("ja") + " " + r.title.get("ja");
        staff.department = dept;
        staff.role = role;
        staff.profile = {{"demo", true}};
        if (Status st = add(staff); !st.ok()) return st;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return lines;
}

}  // namespace madoguchi::demo
