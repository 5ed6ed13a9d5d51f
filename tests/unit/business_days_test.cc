#include "ja/business_days.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace madoguchi {
namespace {

Holidays holidays_of(std::initializer_list<Date> days) {
  Holidays h;
  for (const Date& d : days) h.add(d);
  return h;
}

// The real 2025–2026 holidays the cases below run into.
Holidays real_holidays() {
  return holidays_of({
      {2025, 4, 29},  // 昭和の日
      {2025, 5, 3},   // 憲法記念日 (Saturday)
      {2025, 5, 4},   // みどりの日 (Sunday)
      {2025, 5, 5},   // こどもの日
      {2025, 5, 6},   // 振替休日
      {2026, 1, 1},   // 元日
      {2026, 1, 12},  // 成人の日
      {2026, 9, 21},  // 敬老の日
      {2026, 9, 22},  // 国民の休日 (between two holidays)
      {2026, 9, 23},  // 秋分の日
  });
}

TEST(BusinessDaysTest, WeekendsAreClosed) {
  const Holidays none;
  EXPECT_TRUE(is_business_day({2025, 4, 4}, none));   // Friday
  EXPECT_FALSE(is_business_day({2025, 4, 5}, none));  // Saturday
  EXPECT_FALSE(is_business_day({2025, 4, 6}, none));  // Sunday
  EXPECT_TRUE(is_business_day({2025, 4, 7}, none));   // Monday
}

TEST(BusinessDaysTest, YearEndClosureNeedsNoData) {
  const Holidays none;
  EXPECT_TRUE(is_business_day({2025, 12, 26}, none));
  EXPECT_FALSE(is_business_day({2025, 12, 29}, none));  // Monday, but 年末年始
  EXPECT_FALSE(is_business_day({2025, 12, 31}, none));
  EXPECT_FALSE(is_business_day({2026, 1, 2}, none));  // Friday, but 年末年始
  EXPECT_TRUE(is_business_day({2026, 12, 28}, none));
  EXPECT_FALSE(is_business_day({2027, 1, 1}, none));
  EXPECT_FALSE(is_business_day({2027, 1, 3}, none));
  EXPECT_TRUE(is_business_day({2027, 1, 4}, none));
}

TEST(BusinessDaysTest, HolidaysAreClosed) {
  const Holidays h = real_holidays();
  EXPECT_FALSE(is_business_day({2025, 4, 29}, h));
  EXPECT_FALSE(is_business_day({2025, 5, 6}, h));
  EXPECT_FALSE(is_business_day({2026, 9, 22}, h));
  EXPECT_TRUE(is_business_day({2025, 4, 30}, h));
  EXPECT_TRUE(is_business_day({2025, 5, 7}, h));
}

TEST(BusinessDaysTest, ZeroDaysIsFirstOpenDayOnOrAfterStart) {
  const Holidays h = real_holidays();
  EXPECT_EQ(add_business_days({2025, 4, 1}, 0, h), (Date{2025, 4, 1}));
  EXPECT_EQ(add_business_days({2025, 4, 5}, 0, h), (Date{2025, 4, 7}));
  EXPECT_EQ(add_business_days({2025, 5, 3}, 0, h), (Date{2025, 5, 7}));
  EXPECT_EQ(add_business_days({2025, 12, 27}, 0, h), (Date{2026, 1, 5}));
}

TEST(BusinessDaysTest, StartDayIsNotCounted) {
  const Holidays none;
  EXPECT_EQ(add_business_days({2025, 4, 1}, 1, none), (Date{2025, 4, 2}));
  EXPECT_EQ(add_business_days({2025, 4, 4}, 1, none), (Date{2025, 4, 7}));    // over a weekend
  EXPECT_EQ(add_business_days({2025, 4, 1}, 10, none), (Date{2025, 4, 15}));  // two weeks
}

TEST(BusinessDaysTest, SubmissionOnClosedDayCountsFromNextOpenDay) {
  const Holidays none;
  // Received Saturday = received Monday; three days after Monday is Thursday.
  EXPECT_EQ(add_business_days({2025, 4, 5}, 3, none), (Date{2025, 4, 10}));
  EXPECT_EQ(add_business_days({2025, 4, 6}, 1, none), (Date{2025, 4, 8}));
}

TEST(BusinessDaysTest, GoldenWeek2025) {
  const Holidays h = real_holidays();
  EXPECT_EQ(add_business_days({2025, 4, 28}, 1, h), (Date{2025, 4, 30}));
  EXPECT_EQ(add_business_days({2025, 5, 2}, 1, h), (Date{2025, 5, 7}));
  // 4/30, 5/1, 5/2, then 5/3–5/6 closed, 5/7, 5/8.
  EXPECT_EQ(add_business_days({2025, 4, 28}, 5, h), (Date{2025, 5, 8}));
  EXPECT_EQ(add_business_days({2025, 5, 4}, 1, h), (Date{2025, 5, 8}));
}

TEST(BusinessDaysTest, SilverWeek2026WithKokuminNoKyujitsu) {
  const Holidays h = real_holidays();
  EXPECT_EQ(add_business_days({2026, 9, 18}, 1, h), (Date{2026, 9, 24}));
  EXPECT_EQ(add_business_days({2026, 9, 17}, 2, h), (Date{2026, 9, 24}));
  EXPECT_EQ(add_business_days({2026, 9, 21}, 0, h), (Date{2026, 9, 24}));
}

TEST(BusinessDaysTest, NewYearHolidays) {
  const Holidays h = real_holidays();
  // Friday 12/26; closed 12/27–1/4 (weekend, 年末年始, Sunday 1/4): 1/5, 1/6, 1/7.
  EXPECT_EQ(add_business_days({2025, 12, 26}, 3, h), (Date{2026, 1, 7}));
  EXPECT_EQ(add_business_days({2025, 12, 26}, 1, h), (Date{2026, 1, 5}));
  EXPECT_EQ(add_business_days({2025, 12, 26}, 5, h), (Date{2026, 1, 9}));
  EXPECT_EQ(add_business_days({2025, 12, 26}, 6, h), (Date{2026, 1, 13}));  // 1/12 成人の日
  EXPECT_EQ(add_business_days({2025, 12, 30}, 1, h), (Date{2026, 1, 6}));
}

TEST(BusinessDaysTest, NegativeCountMeansNoTime) {
  const Holidays none;
  EXPECT_EQ(add_business_days({2025, 4, 5}, -3, none), (Date{2025, 4, 7}));
}

TEST(BusinessDaysTest, CoveredUntil) {
  EXPECT_EQ(Holidays().covered_until(), (Date{1970, 1, 1}));
  EXPECT_EQ(real_holidays().covered_until(), (Date{2026, 12, 31}));
  EXPECT_EQ(real_holidays().size(), 10u);
}

class HolidaysFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "holidays_test_" + std::to_string(::getpid()) + ".tsv";
  }
  void TearDown() override { std::remove(path_.c_str()); }
  void write(const std::string& text) { std::ofstream(path_, std::ios::binary) << text; }
  std::string path_;
};

TEST_F(HolidaysFileTest, LoadsLinesSkippingCommentsAndBlanks) {
  write(
      "# test holidays\n"
      "\n"
      "2025-05-05\tこどもの日\n"
      "2025-05-06\tこどもの日 振替休日\r\n"
      "2025-04-29\t昭和の日\n"
      "2025-05-03\t憲法記念日\n"
      "2025-05-04\tみどりの日");
  const auto h = Holidays::load(path_);
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->size(), 5u);
  EXPECT_TRUE(h->is_holiday({2025, 5, 6}));
  EXPECT_TRUE(h->is_holiday({2025, 5, 4}));
  EXPECT_FALSE(h->is_holiday({2025, 5, 7}));
  EXPECT_EQ(add_business_days({2025, 5, 2}, 1, *h), (Date{2025, 5, 7}));
  EXPECT_EQ(h->covered_until(), (Date{2025, 12, 31}));
}

TEST_F(HolidaysFileTest, RefusesMalformedLines) {
  for (const char* bad :
       {"2025-5-5\tこどもの日\n", "2025-02-30\tx\n", "2025-05-05 こどもの日\n", "garbage\n"}) {
    write(std::string("2025-04-29\t昭和の日\n") + bad);
    const auto h = Holidays::load(path_);
    ASSERT_FALSE(h.ok()) << bad;
    EXPECT_EQ(h.status().code(), Status::Code::kInvalid);
    EXPECT_NE(h.status().message().find(":2:"), std::string::npos) << h.status().message();
  }
}

TEST_F(HolidaysFileTest, MissingFileIsAnIoError) {
  const auto h = Holidays::load(path_ + ".missing");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), Status::Code::kIo);
}

}  // namespace
}  // namespace madoguchi
