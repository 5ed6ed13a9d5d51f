// Moving a whole deployment between stores (`madoguchi export` / `madoguchi import`), e.g.
// from the embedded SQLite file to PostgreSQL, with nothing lost.
//
// The file is JSON Lines, UTF-8, one JSON object a line:
//   1. a header: {"format":"madoguchi-export","format_version":1,"schema_version":N,
//      "exported_at":"…+09:00","source_backend":"sqlite","tables":[{"name":…,"columns":[…]},…]}
//   2. one line per row, tables in the order of store::tables():
//      {"table":"accounts","row":{"id":1,"login":"…","department":null,…}}
//      Integers are JSON integers (exact to 64 bits), text is a JSON string ("" and null stay
//      apart), blobs are {"base64":"…"} (standard alphabet, padded).
//   3. a trailer: {"end":{"rows":{"accounts":3,…},"sha256":"<hex>"}}, the SHA-256 of every
//      byte before the trailer line, so a truncated or edited file is refused as a whole.
// Ids are kept as they are: references between tables and the audit log's hash chain stay
// valid. schema_migrations is not in the file (see store::tables()); the schema version is.
//
// The file holds personal data and password hashes: export_to_path creates it readable by its
// owner only.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace madoguchi::transfer {

// What was moved: rows per table in store::tables() order.
struct Summary {
  int schema_version = 0;
  std::vector<std::pair<std::string, int64_t>> rows;
  int64_t total_rows() const;
};

// Writes every table of `store` to `out` in the format above, from one read transaction (a
// consistent snapshot while the server may keep running). Rows are read a page at a time in
// primary key order, so memory stays bounded by a page, not a table. `now` (Unix seconds)
// becomes "exported_at". Fails with Invalid when the store's schema version is not the one
// this program knows (its table list would not match), or when a value cannot be written
// (text that is not UTF-8, a float that is not finite); with the store's error otherwise.
// On failure `out` holds a partial file without trailer, which import refuses.
Result<Summary> export_store(store::Store& store, std::ostream& out, int64_t now);

// Reads a file written by export_store into `store`, which must be migrated and empty (no
// row in any table of store::tables()). Everything happens in one write transaction that
// commits only after the trailer's row counts and SHA-256 matched: on any failure the store
// is left as it was. Before commit it calls store.after_import() so new ids continue after
// the imported ones. Fails with Invalid when: the input is not such a file; its schema
// version differs from the store's; its tables or columns differ from this program's; the
// store is not empty; a row is malformed; the file is truncated or its checksum differs.
// Failures of the store itself (e.g. PostgreSQL refusing text with a NUL byte) come back as
// the store reports them.
Result<Summary> import_store(store::Store& store, std::istream& in);

// export_store into the file `path` ("-": standard output). A file is written under a
// temporary name, fsync'd and renamed, so `path` either holds a complete export or is not
// touched; it is created with mode 0600. An existing `path` is replaced.
Result<Summary> export_to_path(store::Store& store, const std::string& path, int64_t now);

// import_store from the file `path` ("-": standard input).
Result<Summary> import_from_path(store::Store& store, const std::string& path);

// The schema version a store is at (the highest applied migration; 0 when none).
Result<int> schema_version(store::Transaction& tx);

}  // namespace madoguchi::transfer
