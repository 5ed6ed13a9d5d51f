#include "usecases/submit.h"

#include "steps/step.h"

namespace madoguchi::usecases {
namespace {

// A correction: the new answers become the application's next version.
Status store_correction(store::Transaction& tx, const Submitter& who, const applications::Draft& draft,
                        const std::string& actor, int64_t now, SubmitOutcome* out) {
  auto app_row = applications::find_by_id(tx, *draft.application_id);
  if (!app_row.ok()) return app_row.status();
  out->receipt = app_row->receipt;
  if (Status st = applications::save_draft(tx, draft, now); !st.ok()) return st;
  if (who.account) {
    if (Status st = auth::set_locale(tx, who.account->id, who.locale); !st.ok()) return st;
  }
  return applications::resubmit(tx, draft, actor, now);
}

}  // namespace

Result<SubmitOutcome> submit_draft(const Env& env, const Submitter& who, applications::Draft draft,
                                   const procedures::Procedure& proc, const forms::Context& ctx) {
  SubmitOutcome out;
  forms::prune_hidden(proc, &draft.answers);
  for (const auto& page : proc.pages) {
    if (!forms::page_visible(page, draft.answers)) continue;
    if (page.stop || !forms::validate_page(proc, page, draft.answers, ctx).empty()) {
      out.page_id = page.id;
      out.show_errors = !page.stop;
      return out;
    }
  }
  const Date due = add_business_days(ctx.today, proc.processing_days, env.holidays);
  const long long fee = forms::fee_for(proc, draft.answers);
  const std::string actor = who.account ? who.account->display_name : env.locales.t("ja", "actor.guest");
  draft.procedure_version = proc.version;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    const int64_t now = unix_now();
    if (Status st = applications::remember_version(tx, proc.id, proc.version, proc.text, now); !st.ok()) return st;
    if (draft.application_id) {
      out.kind = SubmitOutcome::Kind::kResubmitted;
      return store_correction(tx, who, draft, actor, now, &out);
    }
    auto r = applications::submit(tx, draft, proc.department, fee, due, actor, now);
    if (!r.ok()) return r.status();
    out.kind = SubmitOutcome::Kind::kSubmitted;
    out.receipt = r->receipt;
    if (who.account) {
      // Later notices (a correction request, the decision) go out in the language used now.
      if (Status st = auth::set_locale(tx, who.account->id, who.locale); !st.ok()) return st;
    }
    auto submitted = applications::find_by_id(tx, r->application_id);
    if (!submitted.ok()) return submitted.status();
    if (Status st = env.steps.run(steps::Moment::kSubmitted, proc, {env, tx, *submitted, now}); !st.ok()) return st;
    // Committed together with the application: the receipt page shows it to this session only.
    nlohmann::json flash = {{"receipt", r->receipt},
                            {"code", r->access_code},
                            {"procedure", proc.id},
                            {"due", due.iso()},
                            {"fee", fee},
                            {"guest", !who.account.has_value()}};
    return auth::set_flash(tx, who.session_hash, flash.dump());
  });
  if (!s.ok()) return s;
  return out;
}

Status forget_access_code(const Env& env, const std::string& session_hash, const std::string& flash_without_code) {
  return store::with_lazy_write(
      env.store, [&](store::Transaction& tx) { return auth::set_flash(tx, session_hash, flash_without_code); });
}

}  // namespace madoguchi::usecases
