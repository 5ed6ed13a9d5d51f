#include "core/date.h"

#include <gtest/gtest.h>

namespace madoguchi {
namespace {

TEST(DateTest, DaysSinceEpochKnownValues) {
  EXPECT_EQ((Date{1970, 1, 1}.days_since_epoch()), 0);
  EXPECT_EQ((Date{1969, 12, 31}.days_since_epoch()), -1);
  EXPECT_EQ((Date{2025, 4, 1}.days_since_epoch()), 20179);
  EXPECT_EQ((Date{1868, 1, 25}.days_since_epoch()), -37231);
  EXPECT_EQ((Date{1, 1, 1}.days_since_epoch()), -719162);
  EXPECT_EQ((Date{9999, 12, 31}.days_since_epoch()), 2932896);
}

TEST(DateTest, RoundTripAndConsecutiveDays) {
  // Every day from year 1 to 9999 must follow the one before it with no gap or repeat.
  Date prev = Date::from_days_since_epoch(-719162);
  EXPECT_EQ(prev, (Date{1, 1, 1}));
  for (int64_t n = -719161; n <= 2932896; ++n) {
    const Date d = Date::from_days_since_epoch(n);
    ASSERT_TRUE(Date::valid(d.year, d.month, d.day)) << n;
    ASSERT_EQ(d.days_since_epoch(), n);
    ASSERT_LT(prev, d);
    const bool next_day_same_month =
        d.year == prev.year && d.month == prev.month && d.day == prev.day + 1;
    const bool first_of_month = d.day == 1;
    ASSERT_TRUE(next_day_same_month || first_of_month) << d.iso();
    prev = d;
  }
}

TEST(DateTest, Weekday) {
  EXPECT_EQ((Date{1970, 1, 1}.weekday()), 4);    // Thursday
  EXPECT_EQ((Date{1969, 12, 28}.weekday()), 0);  // Sunday, before the epoch
  EXPECT_EQ((Date{2025, 4, 1}.weekday()), 2);    // Tuesday
  EXPECT_EQ((Date{1926, 12, 25}.weekday()), 6);  // Saturday
  EXPECT_EQ((Date{2026, 1, 4}.weekday()), 0);
}

TEST(DateTest, PlusDaysCrossesMonthsYearsAndLeapDays) {
  EXPECT_EQ((Date{2024, 2, 28}.plus_days(1)), (Date{2024, 2, 29}));
  EXPECT_EQ((Date{2025, 2, 28}.plus_days(1)), (Date{2025, 3, 1}));
  EXPECT_EQ((Date{2025, 12, 31}.plus_days(1)), (Date{2026, 1, 1}));
  EXPECT_EQ((Date{2026, 1, 1}.plus_days(-1)), (Date{2025, 12, 31}));
  EXPECT_EQ((Date{2000, 1, 1}.plus_days(366)), (Date{2001, 1, 1}));
}

TEST(DateTest, Iso) {
  EXPECT_EQ((Date{2025, 4, 1}.iso()), "2025-04-01");
  EXPECT_EQ((Date{912, 12, 31}.iso()), "0912-12-31");
}

TEST(DateTest, Valid) {
  EXPECT_TRUE(Date::valid(2024, 2, 29));
  EXPECT_FALSE(Date::valid(2025, 2, 29));
  EXPECT_TRUE(Date::valid(2000, 2, 29));
  EXPECT_FALSE(Date::valid(1900, 2, 29));
  EXPECT_FALSE(Date::valid(2025, 4, 31));
  EXPECT_TRUE(Date::valid(2025, 12, 31));
  EXPECT_FALSE(Date::valid(2025, 13, 1));
  EXPECT_FALSE(Date::valid(2025, 0, 1));
  EXPECT_FALSE(Date::valid(2025, 1, 0));
  EXPECT_FALSE(Date::valid(0, 1, 1));
  EXPECT_FALSE(Date::valid(10000, 1, 1));
}

TEST(DateTest, ParseIso) {
  EXPECT_EQ(Date::parse_iso("2025-04-01"), (Date{2025, 4, 1}));
  EXPECT_EQ(Date::parse_iso("2024-02-29"), (Date{2024, 2, 29}));
  EXPECT_EQ(Date::parse_iso("2025-02-29"), std::nullopt);
  EXPECT_EQ(Date::parse_iso("2025-4-01"), std::nullopt);
  EXPECT_EQ(Date::parse_iso("2025/04/01"), std::nullopt);
  EXPECT_EQ(Date::parse_iso("2025-04-01 "), std::nullopt);
  EXPECT_EQ(Date::parse_iso("20250401"), std::nullopt);
  EXPECT_EQ(Date::parse_iso("2025-0a-01"), std::nullopt);
  EXPECT_EQ(Date::parse_iso("+025-04-01"), std::nullopt);
  EXPECT_EQ(Date::parse_iso(""), std::nullopt);
}

TEST(DateTest, JstDateOf) {
  EXPECT_EQ(jst_date_of(0), (Date{1970, 1, 1}));
  // 15:00 UTC is already the next day in Japan.
  EXPECT_EQ(jst_date_of(15 * 3600 - 1), (Date{1970, 1, 1}));
  EXPECT_EQ(jst_date_of(15 * 3600), (Date{1970, 1, 2}));
  // Before the epoch, the day boundary is still 15:00 UTC.
  EXPECT_EQ(jst_date_of(-9 * 3600), (Date{1970, 1, 1}));
  EXPECT_EQ(jst_date_of(-9 * 3600 - 1), (Date{1969, 12, 31}));
}

TEST(DateTest, JstTimestamp) {
  EXPECT_EQ(jst_timestamp(1795413346), "2026-11-23T14:55:46+09:00");
  EXPECT_EQ(jst_timestamp(0), "1970-01-01T09:00:00+09:00");
  EXPECT_EQ(jst_timestamp(-9 * 3600 - 1), "1969-12-31T23:59:59+09:00");
}

TEST(DateTest, TodayMatchesClock) {
  const int64_t before = unix_now();
  const Date today = today_jst();
  const int64_t after = unix_now();
  EXPECT_GT(before, 1700000000);  // The clock is not stuck in the past.
  EXPECT_TRUE(today == jst_date_of(before) || today == jst_date_of(after));
}

}  // namespace
}  // namespace madoguchi
