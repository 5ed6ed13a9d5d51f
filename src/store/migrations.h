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

}  // namespace madoguchi::store
