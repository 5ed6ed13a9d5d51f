#include "demo/demo.h"

#include "auth/accounts.h"
#include "auth/crypto.h"
#include "core/date.h"

namespace madoguchi::demo {

Result<std::vector<std::string>> load_if_empty(store::Store& store, const procedures::Catalog& catalog) {
  std::vector<std::string> lines;
  Status s = store::with_write(store, [&](store::Transaction& tx) {
    auto n = tx.query("SELECT COUNT(*) FROM accounts");
    if (!n.ok()) return n.status();
    if (n->at(0).i64(0) > 0) {
      lines.push_back("demo: the store already has accounts; no demo data loaded");
      return Status::Ok();
    }
    int64_t now = unix_now();
    auto add = [&](auth::NewAccount a) -> Status {
      a.password = auth::random_token().substr(0, 16);
      auto r = auth::create_account(tx, a, now);
      if (!r.ok()) return r.status();
      std::string who = a.kind == "staff" ? "staff    " + a.department + "/" + a.role : "resident";
      lines.push_back("demo " + who + "  login: " + a.login + "  password: " + a.password);
      return Status::Ok();
    };
    auth::NewAccount resident;
    resident.kind = "resident";
    resident.login = "resident";
    resident.display_name = "窓口 花子";
    resident.profile = {{"family", "窓口"}, {"given", "花子"}, {"family_kana", "マドグチ"}, {"given_kana", "ハナコ"}};
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
        if (Status st = add(staff); !st.ok()) return st;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return lines;
}

}  // namespace madoguchi::demo
