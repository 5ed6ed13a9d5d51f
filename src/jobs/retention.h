// Retention (文書保存期間): a closed application (rejected or completed) is
// deleted with everything it holds — answers, earlier versions, history,
// attachments, correction drafts — once its retention period has ended.
// Municipal document rules count the period from the April 1 after the fiscal
// year (April–March, JST) in which the case was closed, so a case closed on
// 2026-12-06 with 5 years is kept through 2032-03-31 and deleted from
// 2032-04-01.
//
// Each deletion leaves an audit entry ("application.purge", actor "system")
// naming the application id and the procedure, never the resident.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/date.h"
#include "core/status.h"
#include "store/store.h"

namespace madoguchi::jobs {

// The number of years a procedure's closed applications are kept; 0 = kept
// until a period is set. From the definition's retention_years, else the
// deployment's configured default.
using RetentionYears = std::function<int(const std::string& procedure_id)>;

// The first JST date on which a case closed at `closed_at` (unix seconds) may
// be deleted under a period of `years` (> 0).
Date retention_ends(int64_t closed_at, int years);

// Deletes at most `limit` applications whose retention ended on or before
// `now`'s JST date; returns how many. A write transaction.
Result<int64_t> apply_retention(store::Transaction& tx, const RetentionYears& years_for, int64_t now, int limit);

}  // namespace madoguchi::jobs
