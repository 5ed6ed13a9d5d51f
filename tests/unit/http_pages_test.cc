// The web layer's answers to requests built to turn its pages against their visitors (issue
// 20, "HTTP"): links and redirects that leave the site, query strings cached for everyone, bidi
// control characters in what residents typed, HSTS, and who may read /metrics. The real routes
// and templates on a test store, driven through the router as the server would.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "core/date.h"
#include "test_store.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {
namespace {

const std::string kSource = MADOGUCHI_SOURCE_DIR;
const std::string kRlo = "\xE2\x80\xAE";  // U+202E RIGHT-TO-LEFT OVERRIDE

std::string header(const http::Response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return "";
}

// The href of every language link on a page, HTML-unescaped.
std::vector<std::string> language_links(const std::string& html) {
  std::vector<std::string> out;
  static const std::regex link(R"re(<a href="([^"]*)" lang="[^"]*" hreflang=)re");
  for (std::sregex_iterator it(html.begin(), html.end(), link), end; it != end; ++it) {
    std::string href = (*it)[1];
    for (size_t at = href.find("&amp;"); at != std::string::npos; at = href.find("&amp;", at + 1)) {
      href.replace(at, 5, "&");
    }
    out.push_back(href);
  }
  return out;
}

class HttpPages : public test::MigratedStoreTest {
 protected:
  void SetUp() override {
    MigratedStoreTest::SetUp();
    app_.store = store_.get();
    app_.config.postal = "";
    std::vector<procedures::Problem> problems;
    auto catalog = procedures::Catalog::load(kSource + "/procedures", &problems);
    ASSERT_TRUE(catalog.ok());
    app_.catalog = std::move(*catalog);
    auto locales = Locales::load(kSource + "/locales");
    ASSERT_TRUE(locales.ok());
    app_.locales = std::move(*locales);
    auto templates = Templates::load(kSource + "/templates");
    ASSERT_TRUE(templates.ok());
    app_.templates = std::move(*templates);
    share_locales(app_);
  }
  void TearDown() override {
    ::unsetenv("MADOGUCHI_METRICS_TOKEN");
    MigratedStoreTest::TearDown();
  }

  // Registers the routes with the configuration as the test left it.
  void start() { register_routes(router_, app_); }

  // `target` as the server would hand it over: the raw target, the decoded path and query.
  http::Response get(const std::string& target, const http::Fields& headers = {}) {
    http::Request req;
    req.method = "GET";
    req.target = target;
    const size_t q = target.find('?');
    req.path = http::percent_decode(target.substr(0, q), false).value();
    if (q != std::string::npos) req.query = http::parse_urlencoded(target.substr(q + 1)).value();
    req.headers = headers;
    req.remote_addr = "127.0.0.1";
    return router_.dispatch(req);
  }

  App app_;
  http::Router router_;
};

// Reproduced: "GET //evil.example/x" rendered a page whose language links were
// "//evil.example/x?lang=en", a link to another host.
TEST_F(HttpPages, LanguageLinksNeverLeaveTheSite) {
  start();
  for (const std::string target : {"//evil.example/x", "///evil.example/x", "/\\evil.example/x", "/%2F/evil.example/x",
                                   "/%5Cevil.example", "/%09/evil.example"}) {
    http::Response res = get(target);
    EXPECT_EQ(res.status, 404) << target;
    auto links = language_links(res.body);
    ASSERT_EQ(links.size(), 4u) << target << "\n" << res.body;
    for (const auto& href : links) {
      EXPECT_EQ(href.rfind("/?lang=", 0), 0u) << target << " -> " << href;
    }
  }
  // An ordinary page keeps its own path.
  auto links = language_links(get("/procedures/juminhyo").body);
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links[0].rfind("/procedures/juminhyo?lang=", 0), 0u) << links[0];
}

// Reproduced: extra query parameters were copied into the cached home page's language links,
// and so shown to every later visitor.
TEST_F(HttpPages, CachedPagesCarryNoQueryParametersOfTheirFirstVisitor) {
  start();
  http::Response first = get("/?utm_source=MARKER&next=%2F%2Fevil.example");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body.find("MARKER"), std::string::npos);
  EXPECT_EQ(first.body.find("evil.example"), std::string::npos);
  http::Response later = get("/");
  ASSERT_EQ(later.status, 200);
  EXPECT_EQ(later.body.find("MARKER"), std::string::npos);
  for (const auto& href : language_links(later.body)) EXPECT_EQ(href.rfind("/?lang=", 0), 0u) << href;
  // What the page reads (and caches by) is kept.
  auto links = language_links(get("/?q=%E3%82%8A&category=childcare&x=1").body);
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links[0].rfind("/?q=%E3%82%8A&category=childcare&lang=", 0), 0u) << links[0];
  // The login page keeps where it returns to, but not what it does not read.
  links = language_links(get("/login?next=%2Fapplications&utm=1").body);
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links[0].rfind("/login?next=%2Fapplications&lang=", 0), 0u) << links[0];
}

// Reproduced: /login?next=%2F%09%2Fevil.example signed in and sent "Location: /<TAB>/evil.example".
TEST_F(HttpPages, SignInReturnsOnlyToPathsOfThisSite) {
  start();
  std::string token, csrf;
  Status s = store::with_write(*store_, [&](store::Transaction& tx) {
    auth::NewAccount a{"resident", "hanako", "correct horse battery", "花子", "", ""};
    auto id = auth::create_account(tx, a, unix_now());
    if (!id.ok()) return id.status();
    auto session = auth::create_session(tx, std::nullopt, unix_now(), std::chrono::hours(1), &token);
    if (!session.ok()) return session.status();
    csrf = session->csrf;
    return Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  auto sign_in = [&](const std::string& next) {
    http::Request req;
    req.method = "POST";
    req.path = req.target = "/login";
    req.headers = {{"cookie", "sid=" + token}, {"content-type", "application/x-www-form-urlencoded"}};
    req.body = "csrf=" + http::percent_encode(csrf) +
               "&login=hanako&password=correct+horse+battery&next=" + http::percent_encode(next);
    http::Response res = router_.dispatch(req);
    // A successful sign-in hands out a new session: sign in from the new one next time.
    for (const auto& [k, v] : res.headers) {
      if (k == "Set-Cookie" && v.rfind("sid=", 0) == 0) token = v.substr(4, v.find(';') - 4);
    }
    auto refreshed = store::with_read(*store_, [&](store::Transaction& tx) -> Status {
      auto session = auth::load_session(tx, token, unix_now(), std::chrono::hours(1), false);
      if (!session.ok()) return session.status();
      csrf = session->csrf;
      return Status::Ok();
    });
    EXPECT_TRUE(refreshed.ok()) << refreshed.message();
    EXPECT_EQ(res.status, 303) << next << "\n" << res.body.substr(0, 300);
    return header(res, "Location");
  };
  for (const std::string bad : {"/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example",
                                "/%2F/evil.example", "/%09/evil.example", "https://evil.example", "/"}) {
    EXPECT_EQ(sign_in(bad), "/applications") << "next=" << bad;
  }
  EXPECT_EQ(sign_in("/procedures/juminhyo"), "/procedures/juminhyo");
}

TEST_F(HttpPages, HstsOnlyWhenServedOverHttps) {
  start();
  EXPECT_EQ(header(get("/"), "Strict-Transport-Security"), "");
  router_ = http::Router();
  app_.routes.clear();
  app_.config.secure_cookies = true;
  start();
  for (const std::string target : {"/", "/login", "/nowhere", "/healthz", "/static/tokens.css"}) {
    EXPECT_EQ(header(get(target), "Strict-Transport-Security"), "max-age=31536000; includeSubDomains") << target;
  }
}

// Reproduced: /metrics, which shows per-department queue sizes, answered anyone.
TEST_F(HttpPages, MetricsOnlyForAllowedAddressesOrTheToken) {
  const auto token_file = std::filesystem::path(dir_.empty() ? "/tmp" : dir_.string()) / "metrics-token";
  std::ofstream(token_file) << "s3cret-token-for-prometheus\n";
  app_.config.metrics_allow = "127.0.0.1, 10.0.5.0/24";
  app_.config.metrics_token_file = token_file.string();
  start();
  auto status = [&](const std::string& from, const http::Fields& headers) {
    http::Request req;
    req.method = "GET";
    req.path = req.target = "/metrics";
    req.headers = headers;
    req.remote_addr = from;
    return router_.dispatch(req).status;
  };
  EXPECT_EQ(status("127.0.0.1", {}), 200);
  EXPECT_EQ(status("10.0.5.7", {}), 200);
  EXPECT_EQ(status("::ffff:10.0.5.7", {}), 200);
  EXPECT_EQ(status("203.0.113.9", {}), 403);
  EXPECT_EQ(status("::1", {}), 403);
  // Behind a proxy on this host every request comes from 127.0.0.1: its address proves nothing.
  EXPECT_EQ(status("127.0.0.1", {{"x-forwarded-for", "203.0.113.9"}}), 403);
  EXPECT_EQ(status("127.0.0.1", {{"forwarded", "for=203.0.113.9"}}), 403);
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Bearer s3cret-token-for-prometheus"}}), 200);
  EXPECT_EQ(status("127.0.0.1",
                   {{"x-forwarded-for", "203.0.113.9"}, {"authorization", "Bearer s3cret-token-for-prometheus"}}),
            200);
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Bearer wrong-token-for-prometheus"}}), 403);
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Bearer "}}), 403);
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Basic s3cret-token-for-prometheus"}}), 403);
  std::filesystem::remove(token_file);
}

TEST_F(HttpPages, MetricsTokenFromTheEnvironmentAndNothingOpenOnAMistake) {
  ::setenv("MADOGUCHI_METRICS_TOKEN", "environment-token-0123456789", 1);
  app_.config.metrics_allow = "not-an-address";  // refused entirely: the token still works
  start();
  auto status = [&](const std::string& from, const http::Fields& headers) {
    http::Request req;
    req.method = "GET";
    req.path = req.target = "/metrics";
    req.headers = headers;
    req.remote_addr = from;
    return router_.dispatch(req).status;
  };
  EXPECT_EQ(status("127.0.0.1", {}), 403);
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Bearer environment-token-0123456789"}}), 200);

  // A token too short to be a secret, or a token file that cannot be read, opens nothing.
  ::setenv("MADOGUCHI_METRICS_TOKEN", "short", 1);
  router_ = http::Router();
  app_.routes.clear();
  start();
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Bearer short"}}), 403);
  app_.config.metrics_token_file = "/nonexistent/metrics-token";
  router_ = http::Router();
  app_.routes.clear();
  start();
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Bearer "}}), 403);
  EXPECT_EQ(status("203.0.113.9", {{"authorization", "Bearer short"}}), 403);
}

// Reproduced: U+202E in a file name reached the staff case page as "‮gpj.exe" (shown as
// "exe.jpg"). Every {{value}} goes through one escape (web/templates.cc), which drops bidi
// control characters; this renders the real staff case and check page templates with them.
TEST_F(HttpPages, BidiControlsInAnswersAndFileNamesAreNotRendered) {
  const std::string all_bidi =
      "\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD\xE2\x80\xAE\xE2\x81\xA6\xE2\x81\xA7"
      "\xE2\x81\xA8\xE2\x81\xA9\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C";
  Json view = base_view(app_, Visitor{}, http::Request{});
  view["attachments"] = Json::array({{{"href", "/staff/cases/1/attachments/a"},
                                      {"name", "evil" + kRlo + "gpj.exe"},
                                      {"type", "image/png"},
                                      {"kb", 1}}});
  view["sections"] = Json::array(
      {{{"title", "t"}, {"rows", Json::array({{{"label", "氏名"}, {"value", "山田" + all_bidi + "太郎"}}})}}});
  view["pages"] = view["sections"];
  view["answers"] = view["sections"];
  view["rows"] = view["sections"][0]["rows"];
  for (const std::string name : {"staff/case", "check", "application"}) {
    ASSERT_TRUE(app_.templates.has(name)) << name;
    std::string html = app_.templates.render_in_layout("layout", name, view, "ja");
    EXPECT_NE(html.find("山田太郎"), std::string::npos) << name << ": the answer is shown\n" << html;
    for (const std::string bidi :
         {"\xE2\x80\xAA", "\xE2\x80\xAB", "\xE2\x80\xAC", "\xE2\x80\xAD", "\xE2\x80\xAE", "\xE2\x81\xA6",
          "\xE2\x81\xA7", "\xE2\x81\xA8", "\xE2\x81\xA9", "\xE2\x80\x8E", "\xE2\x80\x8F", "\xD8\x9C"}) {
      EXPECT_EQ(html.find(bidi), std::string::npos) << name;
    }
  }
  std::string html = app_.templates.render_in_layout("layout", "staff/case", view, "ja");
  EXPECT_NE(html.find(">evilgpj.exe</a>"), std::string::npos) << html;
  // Other characters, Japanese and escaping stay as they were.
  Json plain = base_view(app_, Visitor{}, http::Request{});
  plain["message"] = "山田 <b>&\"'" + kRlo;
  plain["status"] = 400;
  std::string error = app_.templates.render_in_layout("layout", "error", plain, "ja");
  EXPECT_NE(error.find("山田 &lt;b&gt;&amp;&quot;&apos;<"), std::string::npos) << error;
}

}  // namespace
}  // namespace madoguchi::web
