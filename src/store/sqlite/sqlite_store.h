// The embedded SQLite backend: WAL mode, synchronous=FULL (a commit is fsync'd before it
// returns), a small pool of connections, BEGIN IMMEDIATE for writers.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace madoguchi::store {

// Opens (creating if needed) the database file at `path`.
Result<std::unique_ptr<Store>> open_sqlite(const std::string& path);

}  // namespace madoguchi::store
