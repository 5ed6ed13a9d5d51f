// Demo data for trying Madoguchi: one resident and, for every department, a staff member for
// every role of the organisation file. Passwords are generated now and printed once; none is
// in the repository.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "procedures/catalog.h"
#include "store/store.h"

namespace madoguchi::demo {

// Creates the demo accounts, or, when they exist already (a second `serve --demo` on the same
// store), gives them new passwords, since the old ones were only ever printed. Accounts that
// are not demo accounts are never touched. Returns the lines to print
// ("demo resident  login: … password: …").
Result<std::vector<std::string>> load(store::Store& store, const procedures::Catalog& catalog);

}  // namespace madoguchi::demo
