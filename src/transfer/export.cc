#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>

#include "core/date.h"
#include "store/migrations.h"
#include "transfer/internal.h"
#include "transfer/transfer.h"

namespace madoguchi::transfer {
namespace {

using internal::Json;

// Rows per query. Small enough that a page of attachments (up to max_file_bytes each) stays a
// modest amount of memory; large enough that a big audit log is not a query per row.
constexpr int kPageRows = 64;

std::string join(const std::vector<std::string>& names, const std::string& sep) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : sep) + n;
  return out;
}

// Writes the rows of `table` in key order, a page at a time: keyset paging ("key > last key")
// reads each row once whatever the table's size, and inside one read transaction every page
// comes from the same snapshot.
Result<int64_t> export_table(store::Transaction& tx, const store::Table& table,
                             const std::function<void(const std::string&)>& write_line) {
  std::vector<size_t> key_at;
  for (const auto& k : table.key) {
    auto it = std::find(table.columns.begin(), table.columns.end(), k);
    if (it == table.columns.end()) return Status::Internal("key column " + k + " is not a column of " + table.name);
    key_at.push_back(static_cast<size_t>(it - table.columns.begin()));
  }
  const std::string select = "SELECT " + join(table.columns, ", ") + " FROM " + table.name;
  const std::string order = " ORDER BY " + join(table.key, ", ") + " LIMIT " + std::to_string(kPageRows);
  // Row values "(a, b) > (?, ?)": SQLite and PostgreSQL both compare them lexicographically.
  std::string placeholders;
  for (size_t i = 0; i < table.key.size(); ++i) placeholders += i ? ", ?" : "?";
  const std::string after = " WHERE (" + join(table.key, ", ") + ") > (" + placeholders + ")";
  int64_t count = 0;
  std::vector<store::Value> last;
  for (;;) {
    auto rows = last.empty() ? tx.query(select + order) : tx.query(select + after + order, last);
    if (!rows.ok()) return rows.status();
    for (const store::Row& row : *rows) {
      Json values = Json::object();
      for (size_t c = 0; c < table.columns.size(); ++c) {
        auto v = internal::to_json(row.cols.at(c));
        if (!v.ok()) return Status::Invalid(table.name + "." + table.columns[c] + ": " + v.status().message());
        values[table.columns[c]] = std::move(*v);
      }
      Json line = Json::object();
      line["table"] = table.name;
      line["row"] = std::move(values);
      try {
        write_line(line.dump());
      } catch (const nlohmann::json::type_error&) {
        // dump() refuses text that is not UTF-8; PostgreSQL would refuse it too.
        return Status::Invalid("table " + table.name + ", row " + std::to_string(count + 1) +
                               ": a text value is not valid UTF-8");
      }
      ++count;
    }
    if (rows->size() < static_cast<size_t>(kPageRows)) return count;
    last.clear();
    for (size_t k : key_at) last.push_back(rows->back().cols.at(k));
  }
}

}  // namespace

Result<Summary> export_store(store::Store& store, std::ostream& out, int64_t now) {
  Summary summary;
  internal::Checksum checksum;
  auto write_line = [&](const std::string& line) {
    checksum.add_line(line);
    out << line << '\n';
  };
  Status s = store::with_read(store, [&](store::Transaction& tx) -> Status {
    auto version = schema_version(tx);
    if (!version.ok()) return version.status();
    if (*version != store::latest_schema_version()) {
      return Status::Invalid("the store is at schema version " + std::to_string(*version) + ", this madoguchi knows " +
                             std::to_string(store::latest_schema_version()) +
                             "; export with the madoguchi that last ran on it");
    }
    summary.schema_version = *version;
    Json header = Json::object();
    header["format"] = internal::kFormat;
    header["format_version"] = internal::kFormatVersion;
    header["schema_version"] = *version;
    header["exported_at"] = jst_timestamp(now);
    header["source_backend"] = store.backend();
    header["tables"] = Json::array();
    for (const auto& t : store::tables()) header["tables"].push_back({{"name", t.name}, {"columns", t.columns}});
    write_line(header.dump());
    for (const auto& t : store::tables()) {
      auto n = export_table(tx, t, write_line);
      if (!n.ok()) return n.status();
      summary.rows.emplace_back(t.name, *n);
      if (!out) return Status::Io("write failed");
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  Json counts = Json::object();
  for (const auto& [table, n] : summary.rows) counts[table] = n;
  Json trailer = {{"end", {{"rows", counts}, {"sha256", checksum.hex()}}}};
  out << trailer.dump() << '\n';
  out.flush();
  if (!out) return Status::Io("write failed");
  return summary;
}

Result<Summary> export_to_path(store::Store& store, const std::string& path, int64_t now) {
  if (path == "-") return export_store(store, std::cout, now);
  const std::string tmp = path + ".partial";
  auto io_error = [&](const std::string& what) {
    Status s = Status::Io(what + " " + tmp + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
    return s;
  };
  // Owner-only from the first byte: the export holds personal data and password hashes.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Io("cannot create " + tmp + ": " + std::strerror(errno));
  if (::fchmod(fd, 0600) != 0) {
    ::close(fd);
    return io_error("cannot restrict");
  }
  Result<Summary> result = Status::Internal("not run");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      ::close(fd);
      return io_error("cannot open");
    }
    result = export_store(store, out, now);
    out.close();
    if (result.ok() && !out) result = Status::Io("cannot write " + tmp);
  }
  // The data must be on disk before the rename makes it the file an operator will import.
  if (result.ok() && ::fsync(fd) != 0) result = Status::Io("cannot fsync " + tmp + ": " + std::strerror(errno));
  ::close(fd);
  if (!result.ok()) {
    ::unlink(tmp.c_str());
    return result;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error("cannot rename");
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);  // best effort: the rename itself is durable on most file systems
    ::close(dfd);
  }
  return result;
}

}  // namespace madoguchi::transfer
