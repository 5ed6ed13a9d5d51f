// The issue_document step: when an application is decided and granted, Madoguchi issues the
// document its definition names (`document:`): rendered, signed and stored in the deciding
// transaction (usecases/documents.h issue_document). On by default; it does nothing for a
// definition without `document:`. check-procedures reports a definition whose `document:`
// would never be issued because its `steps:` leaves this step out (procedures/parse_document.cc).
#pragma once

#include <memory>

#include "steps/step.h"

namespace madoguchi::steps::issue_document {

std::unique_ptr<Step> make_step();

}  // namespace madoguchi::steps::issue_document
