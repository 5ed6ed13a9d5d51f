#include "core/date.h"

#include <chrono>
#include <cstdio>

namespace madoguchi {

namespace {

constexpr int64_t kJstOffsetSeconds = 9 * 3600;
constexpr int64_t kSecondsPerDay = 86400;

// Division that rounds towards negative infinity, so that times before the epoch land on
// the right day.
int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

// Howard Hinnant's days_from_civil: eras of 400 years make the arithmetic exact without
// tables or loops.
int64_t Date::days_since_epoch() const {
  const int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t mp = (month + 9) % 12;  // March = 0, so the leap day is the year's last.
  const int64_t doy = (153 * mp + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date Date::from_days_since_epoch(int64_t days) {
  const int64_t z = days + 719468;
  const int64_t era = floor_div(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Date d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  return d;
}

int Date::weekday() const {
  // 1970-01-01 was a Thursday.
  const int64_t w = (days_since_epoch() + 4) % 7;
  return static_cast<int>(w < 0 ? w + 7 : w);
}

std::string Date::iso() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::optional<Date> Date::parse_iso(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](size_t pos, size_t len) -> int {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (y < 0 || m < 0 || d < 0 || !valid(y, m, d)) return std::nullopt;
  return Date{y, m, d};
}

// Years are limited to 1..9999 so that every valid date has a four-digit ISO form.
bool Date::valid(int y, int m, int d) {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= days_in_month(y, m);
}

int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

Date today_jst() { return jst_date_of(unix_now()); }

Date jst_date_of(int64_t unix_seconds) {
  return Date::from_days_since_epoch(floor_div(unix_seconds + kJstOffsetSeconds, kSecondsPerDay));
}

std::string jst_timestamp(int64_t unix_seconds) {
  const int64_t local = unix_seconds + kJstOffsetSeconds;
  const Date d = jst_date_of(unix_seconds);
  const int64_t sod = local - floor_div(local, kSecondsPerDay) * kSecondsPerDay;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d+09:00", d.iso().c_str(),
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60));
  return buf;
}

}  // namespace madoguchi
