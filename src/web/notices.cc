#include "web/notices.h"

#include "auth/accounts.h"
#include "ja/text.h"
#include "notify/outbox.h"
#include "web/views.h"

namespace madoguchi::web {

std::string notice_after_action(const std::string& new_status) {
  if (new_status == "correction") return "correction";
  if (new_status == "approved" || new_status == "rejected") return "decided";
  return "";
}

Status queue_notice(App& app, store::Transaction& tx, const applications::Application& a, const std::string& kind,
                    int64_t now) {
  if (app.config.mail_smtp.empty() || !a.account_id) return Status::Ok();
  auto account = auth::find_account(tx, *a.account_id);
  if (!account.ok()) return account.status().code() == Status::Code::kNotFound ? Status::Ok() : account.status();
  const auto email = account->profile.find("email");
  if (email == account->profile.end() || !email->is_string()) return Status::Ok();
  auto address = ja::normalize_email(email->get<std::string>());
  if (!address) return Status::Ok();

  const std::string locale = Locales::supported(account->locale) ? account->locale : "ja";
  const procedures::Procedure* proc = app.catalog.find(a.procedure_id);
  std::string base = app.config.public_url.empty() ? "http://" + app.config.listen : app.config.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::map<std::string, std::string> params = {
      {"procedure", proc ? localized(proc->title, locale)["text"].get<std::string>() : a.procedure_id},
      {"receipt", a.receipt},
      {"status", status_text(app, locale, a.status)},
      {"due", format_date(app, locale, a.due_date)},
      {"link", base + "/applications/" + a.receipt},
  };
  notify::Message m;
  m.kind = kind;
  m.recipient = *address;
  m.subject = app.locales.t(locale, "mail." + kind + ".subject", params);
  m.body = app.locales.t(locale, "mail." + kind + ".body", params) + "\n\n" + app.locales.t(locale, "mail.footer");
  return notify::enqueue(tx, m, now);
}

}  // namespace madoguchi::web
