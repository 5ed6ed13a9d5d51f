#include "steps/email_notice/email_notice.h"

#include "auth/accounts.h"
#include "decisions/decisions.h"
#include "i18n/format.h"
#include "ja/text.h"

namespace madoguchi::steps::email_notice {
namespace {

class EmailNotice : public Step {
 public:
  std::string_view id() const override { return "email_notice"; }

  Status on(Moment moment, const Occasion& o) const override {
    auto m = compose(o.env, o.tx, o.application, kind_of(moment));
    if (!m.ok()) return m.status();
    if (!*m) return Status::Ok();
    return notify::enqueue(o.tx, **m, o.now);
  }
};

}  // namespace

std::unique_ptr<Step> make_step() { return std::make_unique<EmailNotice>(); }

std::string kind_of(Moment moment) {
  switch (moment) {
    case Moment::kSubmitted:
      return "received";
    case Moment::kCorrectionRequested:
      return "correction";
    case Moment::kDecided:
      return "decided";
  }
  return "";  // unreachable: the switch names every Moment, and -Wswitch says when one is added
}

Result<std::optional<notify::Message>> compose(const usecases::Env& env, store::Transaction& tx,
                                               const applications::Application& a, const std::string& kind) {
  if (env.config.mail_smtp.empty() || !a.account_id) return std::optional<notify::Message>();
  auto account = auth::find_account(tx, *a.account_id);
  if (!account.ok()) {
    if (account.status().code() == Status::Code::kNotFound) return std::optional<notify::Message>();
    return account.status();
  }
  const auto email = account->profile.find("email");
  if (email == account->profile.end() || !email->is_string()) return std::optional<notify::Message>();
  auto address = ja::normalize_email(email->get<std::string>());
  if (!address) return std::optional<notify::Message>();

  const std::string locale = Locales::supported(account->locale) ? account->locale : "ja";
  const procedures::Procedure* proc = env.catalog.find(a.procedure_id);
  std::string base = env.config.public_url.empty() ? "http://" + env.config.listen : env.config.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  // The outcome in words: the recorded decision's when the definition declares one, else the
  // status ("決定", "却下").
  std::string outcome = env.locales.t(locale, "status." + a.status);
  if (kind == "decided" && a.status == "approved" && proc && proc->decision) {
    auto d = decisions::find(tx, a.id);
    if (!d.ok()) return d.status();
    if (*d) {
      if (const auto* o = decisions::outcome_of(*proc->decision, **d)) outcome = o->label.get(locale);
    }
  }
  const std::map<std::string, std::string> params = {
      {"outcome", outcome},
      {"procedure", proc ? proc->title.get(locale) : a.procedure_id},
      {"receipt", a.receipt},
      {"status", env.locales.t(locale, "status." + a.status)},
      {"due", i18n::format_date(env.locales, locale, a.due_date)},
      {"link", base + "/applications/" + a.receipt},
  };
  notify::Message m;
  m.kind = kind;
  m.recipient = *address;
  m.subject = env.locales.t(locale, "mail." + kind + ".subject", params);
  m.body = env.locales.t(locale, "mail." + kind + ".body", params) + "\n\n" + env.locales.t(locale, "mail.footer");
  return std::optional<notify::Message>(std::move(m));
}

}  // namespace madoguchi::steps::email_notice
