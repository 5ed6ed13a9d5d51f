// 開庁日 (days the ward office is open) and 標準処理期間 deadlines.
// Closed: Saturdays, Sundays, national holidays (国民の祝日, 振替休日, 国民の休日 — all from the
// holidays data file, never from code) and 12/29–1/3 (年末年始).
#pragma once

#include <set>
#include <string>

#include "core/date.h"
#include "core/status.h"

namespace madoguchi {

class Holidays {
 public:
  Holidays() = default;
  // Reads a file of lines "YYYY-MM-DD<TAB>name"; '#' lines and blank lines are skipped.
  // scripts/setup generates generated/holidays.tsv from npm @holiday-jp/holiday_jp.
  static Result<Holidays> load(const std::string& path);
  void add(const Date& d) { days_.insert(d); }
  bool is_holiday(const Date& d) const { return days_.count(d) != 0; }
  // The last date the data covers (a deadline past it cannot be trusted). 1970-01-01 when empty.
  Date covered_until() const;
  size_t size() const { return days_.size(); }

 private:
  std::set<Date> days_;
};

// True when the ward office is open on `d`.
bool is_business_day(const Date& d, const Holidays& holidays);

// The date `n` business days after `start` (start itself not counted; a submission on a
// closed day starts counting from the next open day). n = 0 gives the first open day on or
// after start.
Date add_business_days(const Date& start, int n, const Holidays& holidays);

}  // namespace madoguchi
