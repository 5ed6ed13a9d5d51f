#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include "store/migrations.h"
#include "transfer/internal.h"
#include "transfer/transfer.h"

namespace madoguchi::transfer {
namespace {

using internal::Json;

Status bad(int64_t line_no, const std::string& what) {
  return Status::Invalid("line " + std::to_string(line_no) + ": " + what);
}

// Checks the header line against this program's format and table list.
Result<int> check_header(const std::string& line) {
  Json h = Json::parse(line, nullptr, false);
  if (h.is_discarded() || !h.is_object() || h.value("format", "") != internal::kFormat) {
    return Status::Invalid("not a madoguchi export file (its first line is not an export header)");
  }
  if (h.value("format_version", 0) != internal::kFormatVersion) {
    return Status::Invalid("export format version " + h["format_version"].dump() + " is not supported (this madoguchi reads " +
                           std::to_string(internal::kFormatVersion) + ")");
  }
  if (!h.contains("schema_version") || !h["schema_version"].is_number_integer() || !h.contains("tables") ||
      !h["tables"].is_array()) {
    return Status::Invalid("the export header has no schema_version or tables");
  }
  // Same version should mean the same tables; a mismatch means an edited file or a bug, and
  // importing it would silently drop what has no place in the target.
  const auto& ours = store::tables();
  const Json& theirs = h["tables"];
  bool same = theirs.size() == ours.size();
  for (size_t i = 0; same && i < ours.size(); ++i) {
    same = theirs[i].is_object() && theirs[i].value("name", "") == ours[i].name && theirs[i].contains("columns") &&
           theirs[i]["columns"] == Json(ours[i].columns);
  }
  if (!same) return Status::Invalid("the file's tables and columns differ from this madoguchi's schema");
  return h["schema_version"].get<int>();
}

// Decodes one row line into parameters for `table`'s INSERT, in store::tables() column order.
Status decode_row(const Json& row, const store::Table& table, std::vector<store::Value>* params) {
  if (!row.is_object() || row.size() != table.columns.size()) return Status::Invalid("wrong number of columns");
  params->clear();
  for (const auto& column : table.columns) {
    auto it = row.find(column);
    if (it == row.end()) return Status::Invalid("column " + column + " is missing");
    auto v = internal::from_json(*it);
    if (!v.ok()) return Status::Invalid("column " + column + ": " + v.status().message());
    params->push_back(std::move(*v));
  }
  return Status::Ok();
}

// `s` with `where` in front of its message, same code.
Status in_context(const Status& s, const std::string& where) {
  std::string msg = where + s.message();
  switch (s.code()) {
    case Status::Code::kInvalid: return Status::Invalid(msg);
    case Status::Code::kConflict: return Status::Conflict(msg);
    case Status::Code::kIo: return Status::Io(msg);
    default: return Status::Internal(msg);
  }
}

Status check_empty(store::Transaction& tx) {
  for (const auto& t : store::tables()) {
    auto r = tx.query("SELECT 1 FROM " + t.name + " LIMIT 1");
    if (!r.ok()) return r.status();
    if (!r->empty()) {
      return Status::Invalid("the target store is not empty (table " + t.name +
                             " has rows); import only into a new, empty store");
    }
  }
  return Status::Ok();
}

Result<Summary> import_lines(store::Store& store, std::istream& in) {
  internal::Checksum checksum;
  std::string line;
  int64_t line_no = 1;
  if (!std::getline(in, line)) return Status::Invalid("the file is empty: not a madoguchi export");
  auto file_version = check_header(line);
  if (!file_version.ok()) return file_version.status();
  checksum.add_line(line);

  // Table name → its place in store::tables(), and the INSERT for it.
  const auto& tables = store::tables();
  std::map<std::string, size_t, std::less<>> index;
  std::vector<std::string> inserts;
  std::vector<std::string> names;
  for (size_t i = 0; i < tables.size(); ++i) {
    index[tables[i].name] = i;
    names.push_back(tables[i].name);
    std::string cols, qs;
    for (const auto& c : tables[i].columns) {
      cols += (cols.empty() ? "" : ", ") + c;
      qs += qs.empty() ? "?" : ", ?";
    }
    inserts.push_back("INSERT INTO " + tables[i].name + " (" + cols + ") VALUES (" + qs + ")");
  }
  std::vector<int64_t> counts(tables.size(), 0);

  auto tx = store.begin(store::Store::Mode::kWrite);
  if (!tx.ok()) return tx.status();
  auto target_version = schema_version(**tx);
  if (!target_version.ok()) return target_version.status();
  if (*file_version != *target_version) {
    return Status::Invalid("the file is at schema version " + std::to_string(*file_version) +
                           " but the target store is at " + std::to_string(*target_version) +
                           "; export and import with the same madoguchi version");
  }
  if (Status s = check_empty(**tx); !s.ok()) return s;

  bool ended = false;
  std::vector<store::Value> params;
  while (std::getline(in, line)) {
    ++line_no;
    if (ended) return bad(line_no, "data after the trailer");
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return bad(line_no, "not a JSON object (the file is damaged)");
    if (auto end = j.find("end"); end != j.end()) {
      // The trailer: every line before it must hash to its checksum, every table's count match.
      if (!end->is_object() || end->value("sha256", "") != checksum.hex()) {
        return Status::Invalid("the file's checksum does not match its content: it was changed or damaged");
      }
      for (size_t i = 0; i < tables.size(); ++i) {
        const Json& rows = (*end)["rows"];
        if (!rows.is_object() || !rows.contains(tables[i].name) || rows[tables[i].name] != Json(counts[i])) {
          return Status::Invalid("the row count of table " + tables[i].name + " does not match the trailer");
        }
      }
      ended = true;
      continue;
    }
    checksum.add_line(line);
    auto t = index.find(j.value("table", ""));
    if (t == index.end() || !j.contains("row")) return bad(line_no, "not a row of a known table");
    if (Status s = decode_row(j["row"], tables[t->second], &params); !s.ok()) {
      return bad(line_no, "table " + t->first + ": " + s.message());
    }
    auto r = (*tx)->exec(inserts[t->second], params);
    if (!r.ok()) return in_context(r.status(), "line " + std::to_string(line_no) + ", table " + t->first + ": ");
    ++counts[t->second];
  }
  if (in.bad()) return Status::Io(std::string("read failed: ") + std::strerror(errno));
  if (!ended) return Status::Invalid("the file ends before its trailer: it is truncated (nothing was imported)");
  if (Status s = store.after_import(**tx, names); !s.ok()) return s;
  if (Status s = (*tx)->commit(); !s.ok()) return s;

  Summary summary;
  summary.schema_version = *file_version;
  for (size_t i = 0; i < tables.size(); ++i) summary.rows.emplace_back(tables[i].name, counts[i]);
  return summary;
}

}  // namespace

Result<Summary> import_store(store::Store& store, std::istream& in) {
  try {
    return import_lines(store, in);
  } catch (const nlohmann::json::exception& e) {
    // A value of the wrong JSON type where the format wants another (value() and get<>()
    // throw); the transaction has rolled back as the stack unwound.
    return Status::Invalid(std::string("the file is damaged: ") + e.what());
  }
}

Result<Summary> import_from_path(store::Store& store, const std::string& path) {
  if (path == "-") return import_store(store, std::cin);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot open " + path + ": " + std::strerror(errno));
  return import_store(store, in);
}

}  // namespace madoguchi::transfer
