// Issue 20's HTTP reproductions against the real binary: an upload whose name is 1,000
// characters long and hides its extension behind U+202E, as staff see and download it; a
// request line that names another host; /metrics from an address outside metrics_allow.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

const std::string kRlo = "\xE2\x80\xAE";  // U+202E RIGHT-TO-LEFT OVERRIDE

// Reproduced: the header for a 1,000-character name was too long, the server dropped it and
// the browser showed the file inline; and "evil<U+202E>gpj.exe" reached the staff case page
// looking like "evilexe.jpg".
TEST(HttpHardening, StaffSeeAndDownloadHostileFileNamesSafely) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_staff("tanto", "staff-password-01", "防災 担当", "bousai", "tanto"));
  ASSERT_TRUE(server.start()) << server.output();

  std::string long_name = "evil" + kRlo + "gpj.exe-";
  for (int i = 0; i < 1000; ++i) long_name += "写";
  long_name += ".png";
  HttpClient guest(server.port());
  Reply proc = guest.get("/procedures/risai");
  Reply start = guest.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303) << start.body;
  Answers answers = risai_guest_answers();
  answers.files[0].filename = long_name;
  std::string trace, body;
  std::string check = walk_to_check(guest, location_of(start), answers, &trace, &body);
  ASSERT_FALSE(check.empty()) << trace << "\n" << body;
  Reply summary = guest.get(check);
  EXPECT_EQ(summary.body.find(kRlo), std::string::npos) << "the check page shows the raw U+202E";
  EXPECT_NE(summary.body.find("evilgpj.exe-写写"), std::string::npos);
  Reply posted = guest.post_form(post_action_of(summary.body), {{"csrf", csrf_of(summary.body)}});
  Reply done = guest.get(location_of(posted));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(done.body, m, std::regex(R"re(id="receipt-number">([^<]+)<)re"))) << done.body;
  const std::string receipt = m[1];

  HttpClient staff(server.port());
  ASSERT_TRUE(sign_in(staff, "tanto", "staff-password-01"));
  const std::string case_path = staff_case_path(staff, receipt);
  ASSERT_FALSE(case_path.empty());
  Reply page = staff.get(case_path);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find(kRlo), std::string::npos) << "the case page shows the raw U+202E";
  EXPECT_NE(page.body.find("evilgpj.exe-写写"), std::string::npos);

  std::string href;
  const std::regex link(R"re(<a href="(/staff/cases/[0-9]+/attachments/[^"]+)">([^<]*)</a>)re");
  for (std::sregex_iterator it(page.body.begin(), page.body.end(), link), end; it != end; ++it) {
    if ((*it)[2].str().rfind("evil", 0) == 0) href = (*it)[1];
  }
  ASSERT_FALSE(href.empty()) << page.body;
  Reply file = staff.get(href);
  ASSERT_EQ(file.status, 200);
  const std::string disposition = file.header("content-disposition");
  EXPECT_EQ(disposition.rfind("attachment; ", 0), 0u) << "no Content-Disposition: the browser shows it inline";
  EXPECT_LE(disposition.size(), 1024u);
  EXPECT_EQ(disposition.find("%E2%80%AE"), std::string::npos) << disposition;
  EXPECT_EQ(disposition.substr(disposition.size() < 4 ? 0 : disposition.size() - 4), ".png") << disposition;
  EXPECT_EQ(file.header("x-content-type-options"), "nosniff");
}

// Reproduced: "GET //evil.example/x" rendered a page whose language links pointed there.
TEST(HttpHardening, LanguageLinksOfAnOffSiteLookingPathStayOnTheSite) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply r = c.get("//evil.example/x?utm=1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("href=\"//evil.example"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("href=\"/?lang=en\""), std::string::npos) << r.body;
}

// Reproduced: /metrics, with per-department queue sizes, answered anyone.
TEST(HttpHardening, MetricsOnlyForConfiguredAddressesOrTheToken) {
  const auto token_file =
      std::filesystem::temp_directory_path() / ("madoguchi-metrics-token-" + std::to_string(::getpid()));
  std::ofstream(token_file) << "integration-metrics-token-42\n";
  MadoguchiServer server("metrics_allow = \"192.0.2.0/24\"\nmetrics_token_file = \"" + token_file.string() + "\"");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/metrics").status, 403) << "127.0.0.1 is not in metrics_allow here";
  Reply scraped = c.get("/metrics", {{"Authorization", "Bearer integration-metrics-token-42"}});
  EXPECT_EQ(scraped.status, 200);
  EXPECT_NE(scraped.body.find("madoguchi_queue_size"), std::string::npos) << scraped.body.substr(0, 300);
  EXPECT_EQ(c.get("/metrics", {{"Authorization", "Bearer integration-metrics-token-43"}}).status, 403);
  std::filesystem::remove(token_file);

  MadoguchiServer defaults;
  ASSERT_TRUE(defaults.start()) << defaults.output();
  HttpClient local(defaults.port());
  EXPECT_EQ(local.get("/metrics").status, 200) << "127.0.0.1 may by default";
  EXPECT_EQ(local.get("/metrics", {{"X-Forwarded-For", "203.0.113.7"}}).status, 403) << "through a proxy";
}

}  // namespace
}  // namespace madoguchi::test
