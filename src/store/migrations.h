// The schema, as numbered migrations in portable SQL. A migration may use these tokens, which
// each backend replaces: {{id}} (an auto-increment integer primary key), {{blob}} (a byte
// string column type). Migrations are append-only: never edit one that has shipped.
#pragma once

#include <string>
#include <vector>

namespace madoguchi::store {

struct Migration {
  int version;
  std::string sql;  // one or more statements separated by ';' at line ends
};

const std::vector<Migration>& migrations();

// The version the last migration brings a store to.
int latest_schema_version();

// One table of the schema as `madoguchi export`/`import` move it: every column, and the
// primary key (the export reads each table in key order, a page at a time).
struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::string> key;
};

// Every table holding data, in an order where a table comes after any table it references,
// so rows can be inserted in this order with foreign keys enforced. A migration that adds a
// table or a column must add it here too (tests/unit/transfer_test.cc compares this list with
// the real schema on both backends and fails otherwise).
//
// schema_migrations is deliberately absent: it describes the schema, not the deployment's
// data. The target of an import writes its own rows when migrate() runs, and the export file
// carries the schema version instead, which must equal the target's.
const std::vector<Table>& tables();

}  // namespace madoguchi::store
