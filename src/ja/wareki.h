// 和暦 (Japanese era) dates: conversion both ways and parsing of what residents type.
// Eras and their first days: 明治 1868-01-25 (dates before 1873-01-01 used the old lunisolar
// calendar and are refused), 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和 2019-05-01.
// The first year of an era is written 元年.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"

namespace madoguchi {

struct Wareki {
  std::string era;  // "令和", "平成", "昭和", "大正", "明治"
  int year = 0;     // 1 = 元年
};

// The era and era-year of a Gregorian date. nullopt before 1873-01-01.
std::optional<Wareki> to_wareki(const Date& date);

// "令和7年4月1日", with 元年 for year 1. Empty before 1873-01-01.
std::string format_wareki(const Date& date);

// "2025年4月1日(令和7年4月1日)" — both calendars, as JAPANESE.md asks dates to be shown.
std::string format_both(const Date& date);

// Parses what a resident types as a date, after width normalisation (全角 digits accepted):
//   "2025-04-01", "2025/4/1", "2025年4月1日", "20250401",
//   "令和7年4月1日", "令和元年5月1日", "R7.4.1", "R7/4/1", "H31.4.30", "S64.1.7", "昭和64年1月7日".
// Letters M/T/S/H/R (either case) stand for the eras. Returns nullopt when the text is not a date,
// the day does not exist, or an era date lies outside its era (平成31年5月1日, 昭和64年1月8日).
std::optional<Date> parse_date_input(std::string_view text);

}  // namespace madoguchi
