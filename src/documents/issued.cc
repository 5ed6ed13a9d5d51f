#include "documents/issued.h"

#include <cstdio>

namespace madoguchi::documents {
namespace {

constexpr const char* kIssuedColumns =
    "id, number, application_id, procedure_id, kind, issuer, department, check_value, sha256, issued_at";

Issued issued_from_row(const store::Row& r) {
  Issued d;
  d.id = r.i64(0);
  d.number = r.str(1);
  d.application_id = r.i64(2);
  d.procedure_id = r.str(3);
  d.kind = r.str(4);
  d.issuer = r.str(5);
  d.department = r.str(6);
  d.check_value = r.str(7);
  d.sha256 = r.str(8);
  d.issued_at = r.i64(9);
  if (r.cols.size() > 10) {
    const store::Blob b = r.blob(10);
    d.pdf.assign(b.begin(), b.end());
  }
  return d;
}

Result<std::optional<Issued>> find_one_issued(store::Transaction& tx, const std::string& where, const store::Value& key,
                                              bool with_pdf) {
  auto rows = tx.query(std::string("SELECT ") + kIssuedColumns + (with_pdf ? ", pdf" : "") +
                           " FROM issued_documents WHERE " + where + " ORDER BY id DESC LIMIT 1",
                       {key});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Issued>();
  return std::optional<Issued>(issued_from_row(rows->front()));
}

}  // namespace

Result<std::string> next_number(store::Transaction& tx, int year) {
  const std::string prefix = std::to_string(year) + "-";
  auto rows = tx.query("SELECT COUNT(*) FROM issued_documents WHERE number LIKE ?", {prefix + "%"});
  if (!rows.ok()) return rows.status();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%06lld", prefix.c_str(), static_cast<long long>(rows->front().i64(0) + 1));
  return std::string(buf);
}

Status insert(store::Transaction& tx, Issued* d) {
  auto rows = tx.query(
      "INSERT INTO issued_documents (number, application_id, procedure_id, kind, issuer, department, check_value, "
      "sha256, pdf, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {d->number, d->application_id, d->procedure_id, d->kind, d->issuer, d->department, d->check_value, d->sha256,
       store::Blob(d->pdf.begin(), d->pdf.end()), d->issued_at});
  if (!rows.ok()) return rows.status();
  d->id = rows->front().i64(0);
  return Status::Ok();
}

Result<std::optional<Issued>> for_application(store::Transaction& tx, int64_t application_id, bool with_pdf) {
  return find_one_issued(tx, "application_id = ?", application_id, with_pdf);
}

Result<std::optional<Issued>> by_number(store::Transaction& tx, const std::string& number) {
  return find_one_issued(tx, "number = ?", number, false);
}

Result<std::optional<Issued>> by_sha256(store::Transaction& tx, const std::string& sha256) {
  return find_one_issued(tx, "sha256 = ?", sha256, false);
}

}  // namespace madoguchi::documents
