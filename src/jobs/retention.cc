#include "jobs/retention.h"

#include "audit/audit.h"

namespace madoguchi::jobs {

Date retention_ends(int64_t closed_at, int years) {
  const Date closed = jst_date_of(closed_at);
  const int fiscal_year = closed.month >= 4 ? closed.year : closed.year - 1;
  return Date{fiscal_year + 1 + years, 4, 1};
}

Result<int64_t> apply_retention(store::Transaction& tx, const RetentionYears& years_for, int64_t now, int limit) {
  // Closed cases, oldest first. The status filter is in SQL; the period per
  // procedure in C++, since it comes from the definitions, not the store.
  // updated_at is when the case was closed: nothing changes a rejected, completed,
  // withdrawn or expired (never paid) case afterwards. No period ends within a year of closing (one
  // year counts from the next April 1), which bounds what is read.
  auto rows = tx.query(
      "SELECT id, procedure_id, updated_at FROM applications "
      "WHERE status IN ('rejected', 'completed', 'withdrawn', 'expired') "
      "AND updated_at < ? ORDER BY updated_at, id",
      {now - int64_t{365} * 86400});
  if (!rows.ok()) return rows.status();
  const Date today = jst_date_of(now);
  int64_t deleted = 0;
  for (const store::Row& r : *rows) {
    if (deleted >= limit) break;
    const int years = years_for(r.str(1));
    if (years <= 0 || retention_ends(r.i64(2), years) > today) continue;
    const int64_t id = r.i64(0);
    for (const char* sql :
         {"DELETE FROM attachments WHERE application_id = ?",
          "DELETE FROM attachments WHERE draft_id IN (SELECT id FROM drafts "
          "WHERE application_id = ?)",
          "DELETE FROM drafts WHERE application_id = ?", "DELETE FROM application_versions WHERE application_id = ?",
          "DELETE FROM events WHERE application_id = ?", "DELETE FROM decisions WHERE application_id = ?",
          // The issued PDF holds the answers it certifies: it goes with them (/verify then
          // knows the number no more).
          "DELETE FROM issued_documents WHERE application_id = ?", "DELETE FROM applications WHERE id = ?"}) {
      auto d = tx.exec(sql, {id});
      if (!d.ok()) return d.status();
    }
    audit::Entry e{"system", "application.purge", "application:" + std::to_string(id),
                   r.str(1) + ", " + std::to_string(years) + " years"};
    if (Status s = audit::record(tx, e, now); !s.ok()) return s;
    ++deleted;
  }
  return deleted;
}

}  // namespace madoguchi::jobs
