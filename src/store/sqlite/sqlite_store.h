// The embedded SQLite backend: WAL mode, a small pool of connections, BEGIN IMMEDIATE for
// writers, and group commit: a write transaction's commit() returns only after an fsync of
// the WAL that started after its COMMIT (wal_sync.h), shared with concurrent committers.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "store/store.h"

namespace madoguchi::store {

// Opens (creating if needed) the database file at `path`. `wal_sync` replaces the fsync of
// the WAL file (tests count or fail it); empty means the real one.
Result<std::unique_ptr<Store>> open_sqlite(const std::string& path,
                                           std::function<Status()> wal_sync = {});

}  // namespace madoguchi::store
