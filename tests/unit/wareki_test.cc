#include "ja/wareki.h"

#include <gtest/gtest.h>

namespace madoguchi {
namespace {

std::string era_of(const Date& d) {
  const auto w = to_wareki(d);
  return w ? w->era + std::to_string(w->year) : "none";
}

TEST(WarekiTest, EraBoundaries) {
  EXPECT_EQ(era_of({2019, 4, 30}), "平成31");
  EXPECT_EQ(era_of({2019, 5, 1}), "令和1");
  EXPECT_EQ(era_of({1989, 1, 7}), "昭和64");
  EXPECT_EQ(era_of({1989, 1, 8}), "平成1");
  EXPECT_EQ(era_of({1926, 12, 24}), "大正15");
  EXPECT_EQ(era_of({1926, 12, 25}), "昭和1");
  EXPECT_EQ(era_of({1912, 7, 29}), "明治45");
  EXPECT_EQ(era_of({1912, 7, 30}), "大正1");
  EXPECT_EQ(era_of({1873, 1, 1}), "明治6");
  EXPECT_EQ(era_of({2025, 4, 1}), "令和7");
}

TEST(WarekiTest, BeforeGregorianAdoptionIsRefused) {
  EXPECT_EQ(to_wareki({1872, 12, 31}), std::nullopt);
  EXPECT_EQ(to_wareki({1868, 1, 25}), std::nullopt);
  EXPECT_EQ(to_wareki({1800, 1, 1}), std::nullopt);
  EXPECT_EQ(format_wareki({1872, 12, 31}), "");
}

TEST(WarekiTest, FormatWithGannen) {
  EXPECT_EQ(format_wareki({2025, 4, 1}), "令和7年4月1日");
  EXPECT_EQ(format_wareki({2019, 5, 1}), "令和元年5月1日");
  EXPECT_EQ(format_wareki({2019, 4, 30}), "平成31年4月30日");
  EXPECT_EQ(format_wareki({1989, 1, 8}), "平成元年1月8日");
  EXPECT_EQ(format_wareki({1989, 1, 7}), "昭和64年1月7日");
  EXPECT_EQ(format_wareki({1926, 12, 25}), "昭和元年12月25日");
  EXPECT_EQ(format_wareki({1926, 12, 24}), "大正15年12月24日");
  EXPECT_EQ(format_wareki({1912, 7, 30}), "大正元年7月30日");
  EXPECT_EQ(format_wareki({1912, 7, 29}), "明治45年7月29日");
  EXPECT_EQ(format_wareki({2030, 12, 31}), "令和12年12月31日");
}

TEST(WarekiTest, FormatBoth) {
  EXPECT_EQ(format_both({2025, 4, 1}), "2025年4月1日(令和7年4月1日)");
  EXPECT_EQ(format_both({2019, 5, 1}), "2019年5月1日(令和元年5月1日)");
  EXPECT_EQ(format_both({1872, 12, 31}), "1872年12月31日");
}

TEST(WarekiTest, ParsesEveryDocumentedForm) {
  const Date d{2025, 4, 1};
  for (const char* s :
       {"2025-04-01", "2025/4/1", "2025年4月1日", "20250401", "令和7年4月1日", "R7.4.1", "R7/4/1",
        "r7.4.1", "R07.04.01", "２０２５年４月１日", "令和７年４月１日", "Ｒ７．４．１",
        "２０２５－０４－０１", "  2025-04-01 ", "令和 7年 4月 1日", "2025.4.1", "R7-4-1"}) {
    EXPECT_EQ(parse_date_input(s), d) << s;
  }
  EXPECT_EQ(parse_date_input("令和元年5月1日"), (Date{2019, 5, 1}));
  EXPECT_EQ(parse_date_input("R元.5.1"), (Date{2019, 5, 1}));
  EXPECT_EQ(parse_date_input("H31.4.30"), (Date{2019, 4, 30}));
  EXPECT_EQ(parse_date_input("S64.1.7"), (Date{1989, 1, 7}));
  EXPECT_EQ(parse_date_input("昭和64年1月7日"), (Date{1989, 1, 7}));
  EXPECT_EQ(parse_date_input("平成元年1月8日"), (Date{1989, 1, 8}));
  EXPECT_EQ(parse_date_input("h1.1.8"), (Date{1989, 1, 8}));
  EXPECT_EQ(parse_date_input("大正15年12月24日"), (Date{1926, 12, 24}));
  EXPECT_EQ(parse_date_input("昭和元年12月25日"), (Date{1926, 12, 25}));
  EXPECT_EQ(parse_date_input("T15.12.24"), (Date{1926, 12, 24}));
  EXPECT_EQ(parse_date_input("明治45年7月29日"), (Date{1912, 7, 29}));
  EXPECT_EQ(parse_date_input("大正元年7月30日"), (Date{1912, 7, 30}));
  EXPECT_EQ(parse_date_input("M45.7.29"), (Date{1912, 7, 29}));
  EXPECT_EQ(parse_date_input("明治6年1月1日"), (Date{1873, 1, 1}));
  // The one-character era symbols are width compatibility characters; NFKC spells them out.
  EXPECT_EQ(parse_date_input("㍻31年4月30日"), (Date{2019, 4, 30}));
}

TEST(WarekiTest, RefusesDatesOutsideTheirEra) {
  for (const char* s :
       {"平成31年5月1日", "H31.5.1", "昭和64年1月8日", "S64.1.8", "令和元年4月30日", "R1.4.30",
        "平成元年1月7日", "大正15年12月25日", "昭和元年12月24日", "明治45年7月30日",
        "大正元年7月29日", "令和0年5月1日", "R0.5.1", "明治5年12月31日", "明治元年1月25日"}) {
    EXPECT_EQ(parse_date_input(s), std::nullopt) << s;
  }
}

TEST(WarekiTest, RefusesNonexistentDates) {
  for (const char* s : {"2025-02-29", "2025/2/29", "20250229", "令和7年2月29日", "2025-13-01",
                        "2025-04-31", "20250431", "2025年0月1日", "2025年1月0日"}) {
    EXPECT_EQ(parse_date_input(s), std::nullopt) << s;
  }
}

TEST(WarekiTest, RefusesMalformedDates) {
  for (const char* s : {"", "abc", "2025/04-01", "2025-04", "2025年4月1", "2025年4月1日です",
                        "R7.4", "X7.4.1", "令和7.4.1.", "R7.4.1.", "R.5.1", "元年5月1日"}) {
    EXPECT_EQ(parse_date_input(s), std::nullopt) << s;
  }
  for (const char* s : {"202504011", "2025041", "25-04-01", "20250-4-1", "2025-004-01",
                        "令和七年四月一日", "2025-04-01T00:00"}) {
    EXPECT_EQ(parse_date_input(s), std::nullopt) << s;
  }
}

TEST(WarekiTest, RoundTripThroughFormat) {
  // Whatever we print, we must read back: every day from 1873 to 2100.
  for (Date d{1873, 1, 1}; d <= Date{2100, 12, 31}; d = d.plus_days(1)) {
    ASSERT_EQ(parse_date_input(format_wareki(d)), d) << d.iso();
  }
}

}  // namespace
}  // namespace madoguchi
