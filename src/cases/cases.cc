#include <algorithm>
#include <array>

#include "audit/audit.h"
#include "cases/cases.h"

namespace madoguchi::cases {
namespace {

// A message of only spaces (ASCII or the full-width U+3000 a Japanese IME types) tells the
// resident nothing, so it counts as missing.
bool blank(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
      ++i;
    } else if (s.compare(i, 3, "\xE3\x80\x80") == 0) {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

constexpr const char* kOpenStatuses = "('received', 'in_review', 'correction')";

// Lifecycle order, so that a dashboard lists counts the way a case moves.
constexpr std::array<const char*, 7> kAllStatuses = {"received", "in_review", "correction", "approved",
                                                     "rejected", "completed", "withdrawn"};

}  // namespace

Status act(store::Transaction& tx, int64_t application_id, int64_t expected_row_version,
           Action action, const Actor& actor, const std::vector<std::string>& route,
           const std::string& message, int64_t now) {
  auto app = applications::find_by_id(tx, application_id);
  if (!app.ok()) return app.status();
  if (actor.department.empty() || actor.department != app->department) {
    return Status::PermissionDenied("the application belongs to another department");
  }
  // Checked before the transition so that a stale page gets "reload", not a verdict about a
  // state the staff member never saw.
  if (app->row_version != expected_row_version) {
    return Status::Conflict("the application changed since it was shown");
  }
  const State from{app->status, app->step};
  auto to = transition(from, action, route, actor.role);
  if (!to.ok()) return to.status();
  if ((action == Action::kRequestCorrection || action == Action::kReject) && blank(message)) {
    return Status::Invalid("a message to the resident is required");
  }

  std::optional<int64_t> assignee = app->assignee;
  if (action == Action::kAssign) assignee = actor.id;
  auto changed = tx.exec(
      "UPDATE applications SET status = ?, step = ?, assignee = ?, updated_at = ?, "
      "row_version = row_version + 1 WHERE id = ? AND row_version = ?",
      {to->status, int64_t{to->step},
       assignee ? store::Value(*assignee) : store::Value(nullptr), now, application_id,
       expected_row_version});
  if (!changed.ok()) return changed.status();
  // The guard repeats the version check because the caller's transaction need not hold the
  // row locked since the read (e.g. PostgreSQL at read committed); this is what makes the
  // two-staff race safe on every backend.
  if (*changed != 1) return Status::Conflict("the application changed meanwhile");

  // The event's step is the one acted on, so the history says which reviewer decided.
  applications::Event e{now, "staff", actor.name, action_name(action), message, from.step};
  if (Status s = applications::add_event(tx, application_id, e, actor.id); !s.ok()) return s;

  // The detail must stay free of personal data: the message goes to the event, not here.
  std::string detail = from.status + "/" + std::to_string(from.step) + " -> " + to->status + "/" +
                       std::to_string(to->step);
  if (action == Action::kAssign) detail += " assignee=staff:" + std::to_string(actor.id);
  return audit::record(tx,
                       audit::Entry{"staff:" + std::to_string(actor.id),
                                    std::string("case.") + action_name(action),
                                    "application:" + std::to_string(application_id), detail},
                       now);
}

Result<std::vector<QueueRow>> queue(store::Transaction& tx, const QueueFilter& f) {
  // Without a department the query would show every department's residents.
  if (f.department.empty()) return Status::Invalid("the queue needs a department");
  std::string sql =
      "SELECT id, receipt, procedure_id, status, step, assignee, submitted_at, due_date "
      "FROM applications WHERE department = ?";
  std::vector<store::Value> params{f.department};
  if (!f.procedure_id.empty()) {
    sql += " AND procedure_id = ?";
    params.emplace_back(f.procedure_id);
  }
  if (f.status.empty()) {
    sql += std::string(" AND status IN ") + kOpenStatuses;
  } else {
    sql += " AND status = ?";
    params.emplace_back(f.status);
  }
  // Oldest first either way: first come, first served, or the nearest deadline. ISO dates
  // sort correctly as text; id breaks ties so paging stays stable.
  sql += f.sort == QueueFilter::Sort::kDue ? " ORDER BY due_date, id" : " ORDER BY submitted_at, id";

  auto rows = tx.query(sql, params);
  if (!rows.ok()) return rows.status();
  std::vector<QueueRow> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    QueueRow q;
    q.id = r.i64(0);
    q.receipt = r.str(1);
    q.procedure_id = r.str(2);
    q.status = r.str(3);
    q.step = static_cast<int>(r.i64(4));
    if (!r.is_null(5)) q.assignee = r.i64(5);
    q.submitted_at = r.i64(6);
    q.due_date = r.str(7);
    out.push_back(std::move(q));
  }
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> counts(store::Transaction& tx,
                                                            const std::string& department) {
  if (department.empty()) return Status::Invalid("counts need a department");
  auto rows = tx.query(
      "SELECT status, COUNT(*) FROM applications WHERE department = ? GROUP BY status ORDER BY status",
      {department});
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<std::string, int64_t>> found;
  for (const auto& r : *rows) found.emplace_back(r.str(0), r.i64(1));

  std::vector<std::pair<std::string, int64_t>> out;
  for (const char* status : kAllStatuses) {
    auto it = std::find_if(found.begin(), found.end(), [&](const auto& p) { return p.first == status; });
    out.emplace_back(status, it == found.end() ? 0 : it->second);
    if (it != found.end()) found.erase(it);
  }
  // A status this code does not know still shows, rather than silently vanishing.
  for (auto& p : found) out.push_back(std::move(p));
  return out;
}

}  // namespace madoguchi::cases
