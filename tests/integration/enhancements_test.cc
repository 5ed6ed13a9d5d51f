// The server side of the JavaScript enhancements (issue 5): the postal code lookup route, the
// session extension route, the group row template, and that rows added in the browser without
// a round trip are accepted exactly like rows added by the Add button.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <regex>
#include <thread>

#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

TEST(PostalRoute, AnswersJsonForKnownCodes404ForUnknownAnd400ForMalformed) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());

  Reply r = c.get("/postal/1600023");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.header("content-type").find("application/json"), std::string::npos);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["postal_code"], "160-0023");
  EXPECT_EQ(j["prefecture"], "東京都");
  EXPECT_EQ(j["city"], "新宿区");
  EXPECT_EQ(j["town"], "西新宿");
  EXPECT_EQ(j["kana"]["town"], "ニシシンジュク");
  EXPECT_EQ(j["addresses"].size(), 1u);

  j = nlohmann::json::parse(c.get("/postal/1000001").body);
  EXPECT_EQ(j["city"], "千代田区");
  EXPECT_EQ(j["town"], "千代田");

  // One code, many towns: the shared parts are given, the town is left to the resident.
  r = c.get("/postal/4520961");
  ASSERT_EQ(r.status, 200);
  j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["prefecture"], "愛知県");
  EXPECT_EQ(j["city"], "清須市");
  EXPECT_EQ(j["town"], "");
  EXPECT_GT(j["addresses"].size(), 10u);
  // One code, two cities.
  j = nlohmann::json::parse(c.get("/postal/0040000").body);
  EXPECT_EQ(j["prefecture"], "北海道");
  EXPECT_EQ(j["city"], "");
  EXPECT_EQ(j["addresses"].size(), 2u);

  EXPECT_EQ(c.get("/postal/9999999").status, 404);
  EXPECT_EQ(c.get("/postal/0000000").status, 404);
  for (const char* bad : {"160-0023", "160002", "16000233", "abcdefg", "%EF%BC%91%EF%BC%96%EF%BC%90%EF%BC%90%EF%BC%90%EF%BC%92%EF%BC%93"}) {
    EXPECT_EQ(c.get(std::string("/postal/") + bad).status, 400) << bad;
  }
  // Form pages offer the lookup only because the table is there.
  Reply proc = c.get("/procedures/risai");
  Reply start = c.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303);
  EXPECT_NE(c.get(location_of(start)).body.find("data-m-postal=\"/postal/\""), std::string::npos);
}

TEST(PostalRoute, AbsentWithoutTable) {
  MadoguchiServer server("postal = \"\"");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/postal/1600023").status, 404);
  Reply proc = c.get("/procedures/risai");
  Reply start = c.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  EXPECT_EQ(c.get(location_of(start)).body.find("data-m-postal"), std::string::npos);
}

TEST(PostalRoute, MissingTableOnlyTurnsTheLookupOff) {
  MadoguchiServer server("postal = \"/nonexistent/postal.tsv\"");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/postal/1600023").status, 404);
  EXPECT_NE(server.output().find("postal code lookup off"), std::string::npos) << server.output();
}

int remaining_of(const std::string& html) {
  std::smatch m;
  static const std::regex re(R"re(id="m-session-warning" data-remaining="([0-9]+)" data-warn="([0-9]+)")re");
  return std::regex_search(html, m, re) ? std::stoi(m[1]) : -1;
}

TEST(SessionExtend, MovesTheExpirySoTheSessionOutlivesItsOriginalEnd) {
  MadoguchiServer server("session_seconds = 6\nsession_warning_seconds = 4");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient kept(server.port()), idle(server.port());
  Reply a = kept.get("/procedures/risai");
  Reply b = idle.get("/procedures/risai");
  ASSERT_FALSE(kept.cookie("sid").empty());
  ASSERT_FALSE(idle.cookie("sid").empty());
  // The page carries the remaining lifetime and the warning time; no session, no timer.
  int left = remaining_of(a.body);
  EXPECT_GE(left, 5);
  EXPECT_LE(left, 6);
  EXPECT_NE(a.body.find("data-warn=\"4\""), std::string::npos);
  HttpClient stranger(server.port());
  Reply home = stranger.get("/");
  EXPECT_EQ(home.body.find("m-session-warning"), std::string::npos);

  // A wrong or missing token changes nothing.
  EXPECT_EQ(kept.post_form("/session/extend", {{"csrf", "wrong"}}).status, 403);
  EXPECT_EQ(kept.post_form("/session/extend", {}).status, 403);
  EXPECT_EQ(stranger.post_form("/session/extend", {{"csrf", csrf_of(a.body)}}).status, 403);
  EXPECT_EQ(kept.get("/session/extend").status, 405);

  std::this_thread::sleep_for(std::chrono::seconds(4));
  Reply ext = kept.post_form("/session/extend", {{"csrf", csrf_of(a.body)}});
  ASSERT_EQ(ext.status, 204) << ext.body;
  EXPECT_EQ(ext.header("x-session-remaining"), "6");
  EXPECT_EQ(ext.header("cache-control"), "no-store");

  // 8 s after both began: past the original end. The extended session is the same one (same
  // CSRF token, no new cookie); the idle one has expired and a new one is handed out. (With
  // 6 s the extension request slides the session by itself too; the next test isolates
  // extend_session.)
  std::this_thread::sleep_for(std::chrono::seconds(4));
  std::string kept_sid = kept.cookie("sid"), idle_sid = idle.cookie("sid");
  Reply a2 = kept.get("/procedures/risai");
  Reply b2 = idle.get("/procedures/risai");
  EXPECT_EQ(csrf_of(a2.body), csrf_of(a.body)) << "the extended session expired";
  EXPECT_EQ(kept.cookie("sid"), kept_sid);
  EXPECT_NE(csrf_of(b2.body), csrf_of(b.body)) << "the idle session should have expired";
  EXPECT_NE(idle.cookie("sid"), idle_sid);
  // An expired session cannot be extended back to life.
  idle.set_cookie("sid", idle_sid);
  EXPECT_EQ(idle.post_form("/session/extend", {{"csrf", csrf_of(b.body)}}).status, 403);
}

// With a 40 s lifetime requests slide the expiry only every 10 s (auth::touch_period), so an
// extension 4 s after the start moves it through extend_session alone: a page shown just after
// tells 39 s or so are left, not the 35 s left of the original lifetime.
TEST(SessionExtend, ExtendsWithinTheTouchPeriodToo) {
  MadoguchiServer server("session_seconds = 40");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply a = c.get("/procedures/risai");
  int first = remaining_of(a.body);
  ASSERT_GE(first, 39);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  ASSERT_EQ(c.post_form("/session/extend", {{"csrf", csrf_of(a.body)}}).status, 204);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  int after = remaining_of(c.get("/procedures/risai").body);
  EXPECT_GE(after, 38) << "the expiry did not move";
  EXPECT_LE(after, 40);
}

void add_child(Fields& f, int i, const std::string& given, const std::string& kana) {
  std::string row = "f.children." + std::to_string(i);
  f.emplace_back(row + "._row", "1");
  f.emplace_back(row + ".child_name.family", "髙橋");
  f.emplace_back(row + ".child_name.given", given);
  f.emplace_back(row + ".child_name.family_kana", "タカハシ");
  f.emplace_back(row + ".child_name.given_kana", kana);
  f.emplace_back(row + ".child_birth.era", "");
  f.emplace_back(row + ".child_birth.year", std::to_string(2020 + i));
  f.emplace_back(row + ".child_birth.month", "4");
  f.emplace_back(row + ".child_birth.day", "10");
  f.emplace_back(row + ".child_relation", "child");
  f.emplace_back(row + ".child_lives_together", "yes");
}

// What the script posts after "Add" without a round trip: the rows it cloned, numbered on.
TEST(GroupRows, RowsAddedInTheBrowserAreAcceptedLikeRoundTripRows) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_resident("hanako", "resident-password-1", "髙橋 一郎"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  ASSERT_TRUE(sign_in(c, "hanako", "resident-password-1"));
  Reply proc = c.get("/procedures/jidou-teate");
  Reply start = c.post_form("/procedures/jidou-teate/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303);
  std::string draft = location_of(start).substr(0, location_of(start).find("/pages/"));
  Reply page = c.get(draft + "/pages/children");
  ASSERT_EQ(page.status, 200);
  // The empty row template: the definition's labels and the placeholders the script fills.
  size_t tpl = page.body.find("<template class=\"m-group__template\">");
  ASSERT_NE(tpl, std::string::npos);
  std::string tpl_html = page.body.substr(tpl, page.body.find("</template>", tpl) - tpl);
  EXPECT_NE(tpl_html.find("name=\"f.children.__row__.child_name.family\""), std::string::npos);
  EXPECT_NE(tpl_html.find("id=\"f-children-__row__-child_name-family\""), std::string::npos);
  EXPECT_NE(tpl_html.find("for=\"f-children-__row__-child_name-family\""), std::string::npos);
  EXPECT_NE(tpl_html.find("子ども(__n__件目)"), std::string::npos);
  EXPECT_NE(tpl_html.find("value=\"remove:children:__row__\""), std::string::npos);
  EXPECT_NE(tpl_html.find("子どもの氏名"), std::string::npos);
  EXPECT_NE(page.body.find("data-m-min=\"1\" data-m-max=\"10\""), std::string::npos);
  EXPECT_NE(page.body.find("data-m-added=\"{row}を追加しました。\""), std::string::npos);
  // The template is never posted (it is not part of the form), so its names are not accepted.
  Fields bad = {{"csrf", csrf_of(page.body)}, {"action", "next"}, {"f.children.__row__.child_relation", "child"}};
  EXPECT_EQ(c.post_multipart(draft + "/pages/children", bad, {}).status, 400);

  // Two rows posted at once, as the script posts them after Add (no "add:children" round trip).
  Fields f = {{"csrf", csrf_of(page.body)}, {"action", "next"}};
  add_child(f, 0, "花子", "ハナコ");
  add_child(f, 1, "次郎", "ジロウ");
  Reply next = c.post_multipart(draft + "/pages/children", f, {});
  ASSERT_EQ(next.status, 303) << next.body;
  EXPECT_EQ(location_of(next).find("/pages/children"), std::string::npos) << "the page was not accepted";
  Reply again = c.get(draft + "/pages/children");
  EXPECT_NE(again.body.find("name=\"f.children.1.child_name.given\" value=\"次郎\""), std::string::npos);
  EXPECT_EQ(again.body.find("name=\"f.children.2."), std::string::npos);
  Reply check = c.get(draft + "/check");
  EXPECT_NE(check.body.find("花子"), std::string::npos);
  EXPECT_NE(check.body.find("次郎"), std::string::npos);

  // More rows than max_items cannot be posted: the eleventh row's index is refused.
  Fields over = {{"csrf", csrf_of(again.body)}, {"action", "next"}};
  for (int i = 0; i < 11; ++i) add_child(over, i, "子" + std::to_string(i), "コ");
  EXPECT_EQ(c.post_multipart(draft + "/pages/children", over, {}).status, 400);
}

}  // namespace
}  // namespace madoguchi::test
