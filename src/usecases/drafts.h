// Opening and loading a resident's draft. A draft belongs to a session (guests) or an account
// (signed in); nobody else can load it — a stranger's draft id looks like a missing one.
#pragma once

#include <cstdint>

#include "applications/applications.h"
#include "procedures/procedure.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

// The owner's open draft of `proc` (not a correction), created with `prefill` (answers the
// ward already knows, forms::prefill_from_profile) when there is none.
Result<applications::Draft> open_draft(const Env& env, const applications::Owner& owner,
                                       const procedures::Procedure& proc, const Json& prefill);

// Draft `id` when it belongs to `owner`; NotFound otherwise.
Result<applications::Draft> load_draft(const Env& env, const applications::Owner& owner, int64_t id);

}  // namespace madoguchi::usecases
