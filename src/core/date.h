// Calendar dates and the Japan clock. Madoguchi runs in JST (UTC+9, no daylight saving),
// whatever the machine's time zone is, because deadlines are counted in the ward's days.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace madoguchi {

struct Date {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  auto operator<=>(const Date&) const = default;

  // Days since 1970-01-01 (negative before). Exact for the proleptic Gregorian calendar.
  int64_t days_since_epoch() const;
  static Date from_days_since_epoch(int64_t days);
  // 0 = Sunday … 6 = Saturday.
  int weekday() const;
  Date plus_days(int64_t n) const { return from_days_since_epoch(days_since_epoch() + n); }
  // "2025-04-01".
  std::string iso() const;
  // Parses exactly "YYYY-MM-DD" and checks the day exists.
  static std::optional<Date> parse_iso(std::string_view s);
  static bool valid(int y, int m, int d);
};

// Seconds since the Unix epoch, now.
int64_t unix_now();
// Today's date in JST.
Date today_jst();
// The JST date of a Unix time.
Date jst_date_of(int64_t unix_seconds);
// "2026-11-23T14:55:46+09:00" for a Unix time.
std::string jst_timestamp(int64_t unix_seconds);

}  // namespace madoguchi
