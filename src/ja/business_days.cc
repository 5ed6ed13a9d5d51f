#include "ja/business_days.h"

#include <fstream>

namespace madoguchi {

Result<Holidays> Holidays::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Io("cannot open holidays file " + path);
  Holidays h;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    // A line we cannot read could be a missing holiday, and a deadline that silently skips
    // a holiday is wrong; so refuse the whole file rather than guess.
    const auto d = Date::parse_iso(std::string_view(line).substr(0, 10));
    if (!d || (line.size() > 10 && line[10] != '\t')) {
      return Status::Invalid(path + ":" + std::to_string(line_no) +
                             ": expected YYYY-MM-DD<TAB>name");
    }
    h.add(*d);
  }
  if (in.bad()) return Status::Io("error reading holidays file " + path);
  return h;
}

// Holiday data is published by calendar year, and no year has a holiday after late
// November, so the year of the last holiday is covered to its end.
Date Holidays::covered_until() const {
  if (days_.empty()) return Date{};
  return Date{days_.rbegin()->year, 12, 31};
}

bool is_business_day(const Date& d, const Holidays& holidays) {
  const int wd = d.weekday();
  if (wd == 0 || wd == 6) return false;
  if ((d.month == 12 && d.day >= 29) || (d.month == 1 && d.day <= 3)) return false;
  return !holidays.is_holiday(d);
}

Date add_business_days(const Date& start, int n, const Holidays& holidays) {
  // A submission on a closed day counts as received on the next open day; n business days
  // are then counted after that day. A negative n means no time at all.
  Date d = start;
  while (!is_business_day(d, holidays)) d = d.plus_days(1);
  for (int i = 0; i < n; ++i) {
    do {
      d = d.plus_days(1);
    } while (!is_business_day(d, holidays));
  }
  return d;
}

}  // namespace madoguchi
