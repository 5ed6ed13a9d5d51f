// What happens when a resident submits: the draft is checked page by page once more, then in
// ONE write transaction the definition version is remembered, the application is created with
// its 受付番号 (or, for a correction, the new answers version is stored), the procedure's steps
// hear of it (the e-mail notice), and the receipt is put in the session's flash for the
// receipt page. The caller shows the receipt number only after this returned ok, i.e. after
// the commit.
#pragma once

#include <optional>
#include <string>

#include "applications/applications.h"
#include "auth/accounts.h"
#include "core/date.h"
#include "forms/form.h"
#include "procedures/procedure.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

// Who submits: their session, and their account when signed in.
struct Submitter {
  std::string session_hash;
  std::optional<auth::Account> account;
  std::string locale;  // later notices go out in this language
};

struct SubmitOutcome {
  enum class Kind {
    kIncomplete,   // nothing stored: `page_id` must be finished first
    kSubmitted,    // a new application: `receipt`; the flash holds what the receipt page shows
    kResubmitted,  // a correction of application `receipt` was stored
  };
  Kind kind = Kind::kIncomplete;
  std::string page_id;       // kIncomplete: the first visible page that is not complete
  bool show_errors = false;  // kIncomplete: the page fails validation (false: a stop page)
  std::string receipt;
};

// The receipt page's flash, as submit_draft stores it in the session: {"receipt", "code" (a
// guest's access code, shown once), "procedure", "due" (ISO), "fee", "guest"}.
//
// Submits `draft` (hidden answers pruned first). Conflict or NotFound when the draft or the
// application being corrected changed or went away meanwhile (the caller answers 409); any
// other error is the store's.
Result<SubmitOutcome> submit_draft(const Env& env, const Submitter& who, applications::Draft draft,
                                   const procedures::Procedure& proc, const forms::Context& ctx);

// The receipt page shows a guest's access code once: this stores the flash without it
// (`flash_without_code`). A lazy write (store::Mode::kWriteLazy): lost in a power cut, the
// code would only be shown once more to the same session.
Status forget_access_code(const Env& env, const std::string& session_hash, const std::string& flash_without_code);

}  // namespace madoguchi::usecases
