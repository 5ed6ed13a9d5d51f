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

// Creates the demo accounts when the store has no accounts yet. Returns the lines to print
// ("resident  login: … password: …"); a single explanatory line when data already exists.
Result<std::vector<std::string>> load_if_empty(store::Store& store, const procedures::Catalog& catalog);

}  // namespace madoguchi::demo
