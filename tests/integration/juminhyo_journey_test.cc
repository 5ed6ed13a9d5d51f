// A resident asks for three copies of part of their household's 住民票: the fee (300円 a
// copy) follows the number of copies on the check page, the receipt and the case page; the
// optional items chosen (本籍, マイナンバー) and the household members listed reach staff.
#include <gtest/gtest.h>

#include <regex>

#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

TEST(JuminhyoJourney, FeeFollowsTheNumberOfCopiesAndChosenItemsReachStaff) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_resident("misaki", "resident-password-1", "佐藤 美咲"));
  ASSERT_TRUE(server.add_staff("kumin1", "staff-password-01", "区民 担当", "kuminka", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();

  HttpClient c(server.port());
  ASSERT_TRUE(sign_in(c, "misaki", "resident-password-1"));
  Reply proc = c.get("/procedures/juminhyo");
  ASSERT_EQ(proc.status, 200);
  EXPECT_NE(proc.body.find("1通300円"), std::string::npos) << "the fee per copy on the procedure page";
  Reply start = c.post_form("/procedures/juminhyo/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303) << start.body;

  // Zero copies is refused next to the field, with every other answer kept.
  std::string trace, body;
  EXPECT_TRUE(walk_to_check(c, location_of(start), juminhyo_answers("0"), &trace, &body).empty());
  ASSERT_NE(trace.find("/pages/kind POST -> 200"), std::string::npos) << trace;
  EXPECT_NE(body.find("href=\"#f-copies\""), std::string::npos) << body;

  trace.clear();
  std::string check = walk_to_check(c, location_of(start), juminhyo_answers("３"), &trace, &body);
  ASSERT_FALSE(check.empty()) << trace << "\n" << body;
  Reply summary = c.get(check);
  ASSERT_EQ(summary.status, 200);
  EXPECT_NE(summary.body.find("900円"), std::string::npos) << summary.body;
  EXPECT_NE(summary.body.find("陽菜"), std::string::npos);
  EXPECT_NE(summary.body.find("個人番号(マイナンバー)"), std::string::npos);
  EXPECT_NE(summary.body.find("本籍・筆頭者"), std::string::npos);

  Reply posted = c.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
  ASSERT_EQ(posted.status, 303) << posted.body;
  Reply done = c.get(location_of(posted));
  ASSERT_EQ(done.status, 200);
  EXPECT_NE(done.body.find("900円"), std::string::npos) << done.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re")));
  const std::string receipt = m[1];

  HttpClient staff(server.port());
  ASSERT_TRUE(sign_in(staff, "kumin1", "staff-password-01"));
  std::string case_path = staff_case_path(staff, receipt);
  ASSERT_FALSE(case_path.empty());
  Reply case_page = staff.get(case_path);
  EXPECT_NE(case_page.body.find("900円"), std::string::npos);
  EXPECT_NE(case_page.body.find("個人番号(マイナンバー)"), std::string::npos);
  EXPECT_NE(case_page.body.find("旅券センター"), std::string::npos);
  EXPECT_NE(case_page.body.find("サトウ"), std::string::npos);
  // 世帯全員 was not chosen: the members listed are the ones asked for.
  EXPECT_NE(case_page.body.find("健"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test
