// The catalogue over HTTP: browse by life event and by category, a search that ignores
// width and hiragana/katakana differences, and a procedure's page telling what it is, who
// can apply, what to prepare, the fee, the period and the channel, with a start button only
// where the procedure can be started online at the visitor's identity level.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "http/http.h"
#include "support/madoguchi_fixture.h"

namespace madoguchi::test {
namespace {

namespace fs = std::filesystem;

bool lists(const Reply& r, const std::string& id) {
  return r.body.find("href=\"/procedures/" + id + "\"") != std::string::npos;
}

TEST(Catalogue, BrowseByLifeEventAndByCategory) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply home = c.get("/");
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("href=\"/?event=moving\""), std::string::npos) << "life events are offered";
  EXPECT_NE(home.body.find("href=\"/?category=disaster\""), std::string::npos) << "categories are offered";

  Reply moving = c.get("/?event=moving");
  EXPECT_TRUE(lists(moving, "juminhyo"));
  EXPECT_TRUE(lists(moving, "jidou-teate"));
  EXPECT_FALSE(lists(moving, "risai"));
  EXPECT_NE(moving.body.find("href=\"/?event=moving\" aria-current=\"true\""), std::string::npos);
  Reply disaster = c.get("/?event=disaster");
  EXPECT_TRUE(lists(disaster, "risai"));
  EXPECT_FALSE(lists(disaster, "juminhyo"));
  EXPECT_FALSE(lists(disaster, "jidou-teate"));

  Reply childcare = c.get("/?category=childcare");
  EXPECT_TRUE(lists(childcare, "jidou-teate"));
  EXPECT_FALSE(lists(childcare, "juminhyo"));
  EXPECT_FALSE(lists(childcare, "risai"));
  Reply nothing = c.get("/?event=no-such-event");
  EXPECT_EQ(nothing.status, 200);
  EXPECT_FALSE(lists(nothing, "juminhyo"));
  EXPECT_FALSE(lists(nothing, "risai"));
}

TEST(Catalogue, SearchIgnoresWidthAndKanaDifferences) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  auto search = [&](const std::string& q) { return c.get("/?q=" + http::percent_encode(q), {{"Accept-Language", "ja"}}); };
  // The reading りさい is in the procedure's text; katakana and half-width katakana find it too.
  for (const char* q : {"りさい", "リサイ", "ﾘｻｲ"}) {
    Reply r = search(q);
    EXPECT_TRUE(lists(r, "risai")) << q;
    EXPECT_FALSE(lists(r, "juminhyo")) << q;
  }
  // Half-width katakana with a voiced mark is one letter: ｼﾞﾄﾞｳ is じどう.
  EXPECT_TRUE(lists(search("ｼﾞﾄﾞｳ"), "jidou-teate"));
  // Readings are matched across the spaces between words: じどうてあて is じどう てあて.
  EXPECT_TRUE(lists(search("じどうてあて"), "jidou-teate"));
  EXPECT_TRUE(lists(search("じゅうみんひょう"), "juminhyo"));
  // Full-width digits find the half-width ones in "1通300円".
  Reply fee = search("３００円");
  EXPECT_TRUE(lists(fee, "juminhyo"));
  EXPECT_FALSE(lists(fee, "risai"));
  // Nothing found says so.
  Reply none = search("存在しない手続");
  EXPECT_FALSE(lists(none, "juminhyo"));
  EXPECT_FALSE(lists(none, "risai"));
  EXPECT_FALSE(lists(none, "jidou-teate"));
}

// The language switch shows the same page in another language: a search or a filter is
// kept, only ?lang= changes (the e2e suite follows every link on every page it visits).
TEST(Catalogue, LanguageLinksKeepTheSearchAndTheFilter) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  const std::string q = http::percent_encode("りさい");
  Reply ja = c.get("/?q=" + q + "&lang=ja");
  ASSERT_EQ(ja.status, 200);
  const std::string en_link = "href=\"/?q=" + q + "&amp;lang=en\"";
  ASSERT_NE(ja.body.find(en_link), std::string::npos) << ja.body;
  EXPECT_NE(ja.body.find("href=\"/?q=" + q + "&amp;lang=ko\""), std::string::npos);
  Reply en = c.get("/?q=" + q + "&lang=en");
  EXPECT_NE(en.body.find("<html lang=\"en\""), std::string::npos);
  EXPECT_TRUE(lists(en, "risai"));
  EXPECT_FALSE(lists(en, "juminhyo"));
  // A filter too, and the page's own ?lang= is not repeated.
  Reply childcare = c.get("/?category=childcare&lang=en");
  EXPECT_NE(childcare.body.find("href=\"/?category=childcare&amp;lang=ja-easy\""), std::string::npos);
  EXPECT_EQ(childcare.body.find("lang=en&amp;lang"), std::string::npos);
}

TEST(Catalogue, ProcedurePageSaysWhatItIsAndWhoCanStartIt) {
  MadoguchiServer server;
  ASSERT_TRUE(server.add_resident("misaki", "resident-password-1", "佐藤 美咲"));
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply p = c.get("/procedures/juminhyo", {{"Accept-Language", "ja"}});
  ASSERT_EQ(p.status, 200);
  for (const char* what : {"住民票の写し等の交付請求",                       // what it is
                           "本人、同じ世帯の方、委任を受けた代理人",          // who can apply
                           "用意するもの", "委任状",                          // what to prepare
                           "1通300円",                                         // fee per copy
                           "標準処理期間", "3開庁日",                          // the period
                           "オンライン", "窓口"}) {                            // the channels
    EXPECT_NE(p.body.find(what), std::string::npos) << what;
  }
  // identity: account — guests are asked to sign in first; signed in, they can start.
  EXPECT_EQ(p.body.find("action=\"/procedures/juminhyo/start\""), std::string::npos);
  EXPECT_NE(p.body.find("/login?next="), std::string::npos);
  ASSERT_TRUE(sign_in(c, "misaki", "resident-password-1"));
  EXPECT_NE(c.get("/procedures/juminhyo").body.find("action=\"/procedures/juminhyo/start\""), std::string::npos);
  // identity: none — a guest can start 罹災証明書 at once.
  HttpClient guest(server.port());
  EXPECT_NE(guest.get("/procedures/risai").body.find("action=\"/procedures/risai/start\""), std::string::npos);
}

// A folder holding the shipped definitions plus two more: one only at the counter, one that
// needs a verified signature (which no online journey offers yet).
struct ExtraProcedures {
  fs::path dir;
  ExtraProcedures() {
    std::string tmpl = (fs::temp_directory_path() / "madoguchi_procs_XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return;
    dir = tmpl;
    for (const auto& e : fs::directory_iterator(fs::path(MADOGUCHI_SOURCE_DIR) / "procedures")) {
      fs::copy_file(e.path(), dir / e.path().filename());
    }
    std::ifstream in(fs::path(MADOGUCHI_SOURCE_DIR) / "procedures" / "risai.yaml");
    std::string risai((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    write("counter-only.yaml", variant(risai, "counter-only", "channels: [counter]", "identity: none"));
    write("verified.yaml", variant(risai, "verified-only", "channels: [online, counter]", "identity: verified"));
  }
  ~ExtraProcedures() {
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
  static std::string variant(std::string text, const std::string& id, const std::string& channels,
                             const std::string& identity) {
    auto swap_line = [&](const std::string& key, const std::string& line) {
      size_t at = text.find("\n" + key + ":");
      size_t end = text.find('\n', at + 1);
      text.replace(at + 1, end - at - 1, line);
    };
    swap_line("id", "id: " + id);
    swap_line("channels", channels);
    swap_line("identity", identity);
    return text;
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }
};

TEST(Catalogue, CounterOnlyAndVerifiedProceduresOfferNoOnlineStart) {
  ExtraProcedures extra;
  ASSERT_FALSE(extra.dir.empty());
  MadoguchiServer server("procedures = \"" + extra.dir.string() + "\"");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply counter = c.get("/procedures/counter-only", {{"Accept-Language", "ja"}});
  ASSERT_EQ(counter.status, 200) << server.output();
  EXPECT_NE(counter.body.find("この手続は窓口で申請してください。"), std::string::npos);
  EXPECT_EQ(counter.body.find("/procedures/counter-only/start"), std::string::npos);
  Reply verified = c.get("/procedures/verified-only", {{"Accept-Language", "ja"}});
  ASSERT_EQ(verified.status, 200);
  EXPECT_EQ(verified.body.find("/procedures/verified-only/start"), std::string::npos);
  // Posting the start anyway is refused, as for a page that does not exist.
  Reply risai = c.get("/procedures/risai");
  EXPECT_EQ(c.post_form("/procedures/counter-only/start", {{"csrf", csrf_of(risai.body)}}).status, 404);
  EXPECT_EQ(c.post_form("/procedures/verified-only/start", {{"csrf", csrf_of(risai.body)}}).status, 404);
}

}  // namespace
}  // namespace madoguchi::test
