// Every row of a table as comparable text, for tests that check two stores hold the same
// data (tests/unit/transfer_test.cc, tests/integration/transfer_test.cc). Each value is
// tagged with its type, so 1 and "1", "" and NULL, text and blob stay apart.
// Header-only so that both test binaries can use it without a shared test library.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "store/migrations.h"
#include "store/store.h"

namespace madoguchi::test {

inline std::string tagged(const store::Value& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return "NULL";
  if (auto* n = std::get_if<int64_t>(&v)) return "int:" + std::to_string(*n);
  if (auto* d = std::get_if<double>(&v)) return "real:" + std::to_string(*d);
  if (auto* s = std::get_if<std::string>(&v)) return "text:\"" + *s + "\"";
  std::string hex = "blob:";
  for (unsigned char c : std::get<store::Blob>(v)) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", c);
    hex += buf;
  }
  return hex;
}

// The rows of `table` in `store`, one string each, sorted (so that backends whose text
// collations differ still compare equal); adds a test failure if the query fails.
inline std::vector<std::string> table_rows(store::Store& store, const store::Table& table) {
  std::string cols;
  for (const auto& c : table.columns) cols += (cols.empty() ? "" : ", ") + c;
  std::vector<std::string> out;
  Status s = store::with_read(store, [&](store::Transaction& tx) {
    auto rows = tx.query("SELECT " + cols + " FROM " + table.name);
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) {
      std::string line;
      for (size_t i = 0; i < r.cols.size(); ++i) line += table.columns[i] + "=" + tagged(r.cols[i]) + " ";
      out.push_back(std::move(line));
    }
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << table.name << ": " << s.message();
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace madoguchi::test
