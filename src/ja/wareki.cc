#include "ja/wareki.h"

#include <array>

#include "ja/text.h"

namespace madoguchi {

namespace {

struct Era {
  std::string_view name;
  char letter;
  Date start;
};

// Newest first, so the first era whose start is not after a date is that date's era.
constexpr std::array<Era, 5> kEras = {{
    {"令和", 'R', {2019, 5, 1}},
    {"平成", 'H', {1989, 1, 8}},
    {"昭和", 'S', {1926, 12, 25}},
    {"大正", 'T', {1912, 7, 30}},
    {"明治", 'M', {1868, 1, 25}},
}};

// Japan adopted the Gregorian calendar on 明治6年1月1日; earlier dates are lunisolar.
constexpr Date kGregorianAdoption{1873, 1, 1};

// "<year>年4月1日": the year is given as text so that it can be 元.
std::string japanese_date(const std::string& year, const Date& d) {
  return year + "年" + std::to_string(d.month) + "月" + std::to_string(d.day) + "日";
}

// A cursor over the normalised input; every take_* consumes only on success.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return s_.empty(); }
  bool take(std::string_view lit) {
    if (!s_.starts_with(lit)) return false;
    s_.remove_prefix(lit.size());
    return true;
  }
  // 1..max_len decimal digits.
  std::optional<int> take_number(size_t max_len) {
    size_t n = 0;
    int v = 0;
    while (n < s_.size() && n < max_len && s_[n] >= '0' && s_[n] <= '9') {
      v = v * 10 + (s_[n++] - '0');
    }
    if (n == 0 || (n < s_.size() && s_[n] >= '0' && s_[n] <= '9')) return std::nullopt;
    s_.remove_prefix(n);
    return v;
  }
  std::optional<char> take_separator() {
    if (s_.empty() || (s_[0] != '-' && s_[0] != '/' && s_[0] != '.')) return std::nullopt;
    const char c = s_[0];
    s_.remove_prefix(1);
    return c;
  }
  std::string_view rest() const { return s_; }

 private:
  std::string_view s_;
};

// The month and day after a year: "4月1日" or, with the same separator twice, "/4/1".
std::optional<std::pair<int, int>> month_and_day(Scanner& sc) {
  if (sc.take("年")) {
    const auto m = sc.take_number(2);
    if (!m || !sc.take("月")) return std::nullopt;
    const auto d = sc.take_number(2);
    if (!d || !sc.take("日") || !sc.done()) return std::nullopt;
    return std::pair{*m, *d};
  }
  const auto sep = sc.take_separator();
  if (!sep) return std::nullopt;
  const auto m = sc.take_number(2);
  if (!m || sc.take_separator() != sep) return std::nullopt;
  const auto d = sc.take_number(2);
  if (!d || !sc.done()) return std::nullopt;
  return std::pair{*m, *d};
}

const Era* take_era(Scanner& sc) {
  for (const Era& era : kEras) {
    const char lower = static_cast<char>(era.letter - 'A' + 'a');
    if (sc.take(era.name) || sc.take({&era.letter, 1}) || sc.take({&lower, 1})) return &era;
  }
  return nullptr;
}

std::optional<Date> parse_era_date(const Era& era, Scanner& sc) {
  std::optional<int> year;
  if (sc.take("元")) {
    year = 1;
  } else {
    year = sc.take_number(3);
  }
  if (!year || *year < 1) return std::nullopt;
  const auto md = month_and_day(sc);
  if (!md) return std::nullopt;
  const int y = era.start.year + *year - 1;
  if (!Date::valid(y, md->first, md->second)) return std::nullopt;
  const Date date{y, md->first, md->second};
  // The era must really be the one in force that day: 平成31年5月1日 does not exist.
  const auto w = to_wareki(date);
  if (!w || w->era != era.name) return std::nullopt;
  return date;
}

std::optional<Date> parse_gregorian(Scanner& sc) {
  const std::string_view all = sc.rest();
  if (all.size() == 8 && all.find_first_not_of("0123456789") == std::string_view::npos) {
    const int y = std::stoi(std::string(all.substr(0, 4)));
    const int m = std::stoi(std::string(all.substr(4, 2)));
    const int d = std::stoi(std::string(all.substr(6, 2)));
    if (!Date::valid(y, m, d)) return std::nullopt;
    return Date{y, m, d};
  }
  if (all.size() < 4 ||
      all.substr(0, 4).find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const auto y = sc.take_number(4);
  if (!y) return std::nullopt;
  const auto md = month_and_day(sc);
  if (!md || !Date::valid(*y, md->first, md->second)) return std::nullopt;
  return Date{*y, md->first, md->second};
}

}  // namespace

std::optional<Wareki> to_wareki(const Date& date) {
  if (date < kGregorianAdoption) return std::nullopt;
  for (const Era& era : kEras) {
    if (date >= era.start) return Wareki{std::string(era.name), date.year - era.start.year + 1};
  }
  return std::nullopt;
}

std::string format_wareki(const Date& date) {
  const auto w = to_wareki(date);
  if (!w) return "";
  return w->era + japanese_date(w->year == 1 ? "元" : std::to_string(w->year), date);
}

std::string format_both(const Date& date) {
  std::string out = japanese_date(std::to_string(date.year), date);
  // Before 1873 there is no 和暦 form we can vouch for; the Gregorian date stands alone.
  const std::string wareki = format_wareki(date);
  if (!wareki.empty()) out += "(" + wareki + ")";
  return out;
}

std::optional<Date> parse_date_input(std::string_view text) {
  std::string t = ja::normalize_ascii_input(text);
  // "令和 7年 4月 1日" is typed too; no accepted form needs a space.
  std::erase(t, ' ');
  Scanner sc(t);
  if (const Era* era = take_era(sc)) return parse_era_date(*era, sc);
  return parse_gregorian(sc);
}

}  // namespace madoguchi
