// Bad input gets a clear 4xx in the page's language and loses nothing already saved.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "store/store.h"
#include "support/madoguchi_fixture.h"
#include "support/pg_test_database.h"

namespace madoguchi::test {
namespace {

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<MadoguchiServer>("max_file_bytes = 2000\nmax_body_bytes = 200000");
    ASSERT_TRUE(server_->start()) << server_->output();
    c_ = std::make_unique<HttpClient>(server_->port());
    Reply proc = c_->get("/procedures/risai");
    Reply start = c_->post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
    ASSERT_EQ(start.status, 303);
    first_page_ = location_of(start);
    // Answer the first page so there is something saved to lose.
    Reply page = c_->get(first_page_);
    Reply next = c_->post_multipart(post_action_of(page.body),
                                    {{"csrf", csrf_of(page.body)}, {"action", "next"}, {"f.relationship", "head"}}, {});
    ASSERT_EQ(next.status, 303);
    second_page_ = location_of(next);
  }
  // The first page still shows the saved answer.
  bool saved_answer_intact() {
    Reply page = c_->get(first_page_);
    return page.body.find("value=\"head\" checked") != std::string::npos;
  }
  std::unique_ptr<MadoguchiServer> server_;
  std::unique_ptr<HttpClient> c_;
  std::string first_page_, second_page_;
};

TEST_F(BadInput, InvalidUtf8Is400AndNothingIsLost) {
  Reply page = c_->get(first_page_);
  Reply r = c_->post_multipart(first_page_, {{"csrf", csrf_of(page.body)}, {"f.relationship", std::string("\xff\xfe", 2)}}, {});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("送信された内容を読み取れませんでした"), std::string::npos);
  EXPECT_TRUE(saved_answer_intact());
}

TEST_F(BadInput, OversizedBodyIs413) {
  Reply page = c_->get(second_page_);
  Reply r = c_->post_multipart(second_page_, {{"csrf", csrf_of(page.body)}}, {{"f.photos", "big.png", "image/png", std::string(300000, 'x')}});
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("送信できる大きさを超えています"), std::string::npos) << r.body;
  HttpClient fresh(server_->port());  // the server closes after a 413; a new connection works
  fresh.set_cookie("sid", c_->cookie("sid"));
  EXPECT_EQ(fresh.get(first_page_).status, 200);
}

TEST_F(BadInput, MalformedMultipartIs400) {
  Reply r = c_->request("POST", first_page_, "--nope\r\ngarbage", "multipart/form-data; boundary=xyz");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(saved_answer_intact());
}

TEST_F(BadInput, UnknownRoutesAndProceduresAre404) {
  EXPECT_EQ(c_->get("/no/such/page").status, 404);
  Reply r = c_->get("/procedures/no-such-procedure");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("その手続は見つかりませんでした"), std::string::npos);
  EXPECT_EQ(c_->get("/drafts/999999/pages/relationship").status, 404);
  std::string missing_page = first_page_.substr(0, first_page_.rfind('/')) + "/nonexistent";
  EXPECT_EQ(c_->get(missing_page).status, 404);
  // Posting to a page the form does not have is a client error.
  Reply page = c_->get(first_page_);
  EXPECT_EQ(c_->post_multipart(missing_page, {{"csrf", csrf_of(page.body)}}, {}).status, 400);
}

TEST_F(BadInput, FieldNotOnThePageIs400) {
  Reply page = c_->get(first_page_);
  Reply r = c_->post_multipart(first_page_, {{"csrf", csrf_of(page.body)}, {"f.relationship", "owner"}, {"f.admin", "1"}}, {});
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(saved_answer_intact());
}

TEST_F(BadInput, MissingOrWrongCsrfIs403) {
  Reply r = c_->post_multipart(first_page_, {{"f.relationship", "owner"}}, {});
  EXPECT_EQ(r.status, 403);
  r = c_->post_multipart(first_page_, {{"csrf", "forged"}, {"f.relationship", "owner"}}, {});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(saved_answer_intact());
}

// A guest's draft belongs to the session that started it: another browser that learns its
// address can neither read nor change it.
TEST_F(BadInput, AStrangerCannotReadOrChangeAGuestsDraft) {
  // The stranger has a session of their own (with a draft), so the refusal is about ownership.
  HttpClient stranger(server_->port());
  Reply proc = stranger.get("/procedures/risai");
  Reply own = stranger.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(own.status, 303);
  Reply home = stranger.get(location_of(own));
  ASSERT_EQ(home.status, 200);
  ASSERT_FALSE(csrf_of(home.body).empty());
  EXPECT_EQ(stranger.get(first_page_).status, 404);
  EXPECT_EQ(stranger.get(second_page_).status, 404);
  std::string draft = first_page_.substr(0, first_page_.find("/pages/"));
  EXPECT_EQ(stranger.get(draft + "/check").status, 404);
  EXPECT_EQ(stranger.get(draft + "/resume").status, 404);
  // With the stranger's own valid CSRF token, posting is still refused.
  Reply r = stranger.post_multipart(first_page_, {{"csrf", csrf_of(home.body)}, {"action", "next"}, {"f.relationship", "owner"}}, {});
  EXPECT_EQ(r.status, 404);
  r = stranger.post_form(draft + "/submit", {{"csrf", csrf_of(home.body)}});
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(saved_answer_intact());
}

TEST_F(BadInput, FileCheckedByContentNotName) {
  // Walk to the documents page with self-assessment chosen, so photos are asked for.
  Answers a = risai_guest_answers();
  a.files.clear();
  std::string trace, body;
  std::string check = walk_to_check(*c_, second_page_, a, &trace, &body);
  ASSERT_TRUE(check.empty());  // stops at the documents page: photos are required
  ASSERT_NE(trace.find("/pages/documents POST -> 200"), std::string::npos) << trace;
  std::string documents = trace.substr(0, trace.find(" POST"));
  documents = documents.substr(documents.rfind(' ') + 1);
  Reply page = c_->get(documents);
  // A text file named .png is refused by its content, in the page's language, next to the field.
  Reply r = c_->post_multipart(documents, {{"csrf", csrf_of(page.body)}, {"action", "next"}},
                               {{"f.photos", "photo.png", "image/png", "this is not an image"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("受け付けられない種類のファイルです"), std::string::npos);
  EXPECT_NE(r.body.find("href=\"#f-photos\""), std::string::npos);
  // Too large (limit set to 2000 bytes for this test).
  std::string big = tiny_png() + std::string(3000, '\0');
  r = c_->post_multipart(documents, {{"csrf", csrf_of(page.body)}, {"action", "next"}}, {{"f.photos", "big.png", "image/png", big}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("MBを超えています"), std::string::npos);
  // The same page in English says it in English.
  c_->get(documents + "?lang=en");
  r = c_->post_multipart(documents, {{"csrf", csrf_of(page.body)}, {"action", "next"}},
                         {{"f.photos", "photo.png", "image/png", "this is not an image"}});
  EXPECT_NE(r.body.find("is not a file type we accept"), std::string::npos);
  EXPECT_TRUE(saved_answer_intact());
}

// All files of one application together have a limit too (max_application_bytes): the file
// that would pass it is refused next to its field, and the files already attached stay.
TEST(ApplicationSizeLimit, TheFileThatPassesTheTotalIsRefusedAndEarlierOnesStay) {
  MadoguchiServer server("max_file_bytes = 2000\nmax_application_bytes = 3500");
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply proc = c.get("/procedures/risai");
  Reply start = c.post_form("/procedures/risai/start", {{"csrf", csrf_of(proc.body)}});
  ASSERT_EQ(start.status, 303);
  Answers a = risai_guest_answers();
  a.files.clear();
  std::string trace;
  ASSERT_TRUE(walk_to_check(c, location_of(start), a, &trace).empty());
  ASSERT_NE(trace.find("/pages/documents POST -> 200"), std::string::npos) << trace;
  std::string documents = trace.substr(0, trace.find("/pages/documents POST") + std::string("/pages/documents").size());
  documents = documents.substr(documents.rfind(' ') + 1);
  const std::string photo = tiny_png() + std::string(1500 - tiny_png().size(), '\0');
  Reply page = c.get(documents);
  // Two files of 1500 bytes fit under 3500; the third would pass it.
  Reply r = c.post_multipart(documents, {{"csrf", csrf_of(page.body)}, {"action", "next"}},
                             {{"f.photos", "one.png", "image/png", photo}, {"f.photos", "two.png", "image/png", photo},
                              {"f.photos", "three.png", "image/png", photo}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("添付ファイルの合計が"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("href=\"#f-photos\""), std::string::npos);
  EXPECT_NE(r.body.find("one.png"), std::string::npos);
  EXPECT_NE(r.body.find("two.png"), std::string::npos);
  // Later requests count what is already attached.
  page = c.get(documents);
  EXPECT_NE(page.body.find("two.png"), std::string::npos);
  r = c.post_multipart(documents, {{"csrf", csrf_of(page.body)}, {"action", "next"}},
                       {{"f.photos", "four.png", "image/png", photo}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("添付ファイルの合計が"), std::string::npos);
  EXPECT_EQ(c.get(documents).body.find("four.png"), std::string::npos);
}

// /healthz answers 503 while the store cannot be reached, and 200 again once it can. Only a
// database server can go away under a running node: SQLite lives in the process, so the
// plain run skips this and integration_tests_postgres runs it.
TEST(Operations, HealthzIs503WhileTheDatabaseRefusesConnections) {
  MadoguchiServer server;
  if (server.store_url().rfind("postgresql", 0) != 0) GTEST_SKIP() << "SQLite is in-process";
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  ASSERT_EQ(c.get("/healthz").status, 200);
  // From another database: PostgreSQL will not close the one a session is connected to.
  const std::string& url = server.store_url();
  size_t name_at = url.rfind('/') + 1;
  const std::string db = url.substr(name_at, url.find('?', name_at) - name_at);
  auto admin = store::Store::open(postgres_url_with_database(url, "postgres"));
  ASSERT_TRUE(admin.ok()) << admin.status().message();
  auto run = [&](const std::string& sql) {
    Status s = store::with_write(**admin, [&](store::Transaction& tx) { return tx.query(sql).status(); });
    ASSERT_TRUE(s.ok()) << sql << ": " << s.message();
  };
  // No new connections to the node's database, and the node's open ones are cut.
  run("ALTER DATABASE \"" + db + "\" ALLOW_CONNECTIONS false");
  run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
  // The cut backends exit asynchronously; the node notices at its next use of each.
  Reply down;
  for (int i = 0; i < 50; ++i) {
    down = c.get("/healthz");
    if (down.status == 503) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_EQ(down.body, "store unavailable\n");
  run("ALTER DATABASE \"" + db + "\" ALLOW_CONNECTIONS true");
  EXPECT_EQ(c.get("/healthz").status, 200);
  EXPECT_EQ(c.get("/").status, 200);
}

TEST(Operations, HealthMetricsAndRequestLogs) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  Reply h = c.get("/healthz");
  EXPECT_EQ(h.status, 200);
  std::string receipt = submit_risai_as_guest(c);
  ASSERT_FALSE(receipt.empty());
  Reply m = c.get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("http_requests_total{"), std::string::npos);
  EXPECT_NE(m.body.find("route=\"/drafts/{draft}/pages/{page}\""), std::string::npos);
  EXPECT_NE(m.body.find("http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("madoguchi_submissions_total 1"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("madoguchi_queue_size"), std::string::npos);
  EXPECT_EQ(server.stop(), 0);
  std::string log = server.output();
  EXPECT_NE(log.find("\"route\":\"/drafts/{draft}/submit\""), std::string::npos);
  EXPECT_NE(log.find("\"request_id\":\""), std::string::npos);
  // No personal data in logs: not the name typed, not the receipt number.
  EXPECT_EQ(log.find("𠮷田"), std::string::npos);
  EXPECT_EQ(log.find(receipt), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test

namespace madoguchi::test {
namespace {

TEST(Operations, CachedCataloguePagesStayPerLanguageAndQuery) {
  MadoguchiServer server;
  ASSERT_TRUE(server.start()) << server.output();
  HttpClient c(server.port());
  for (int round = 0; round < 2; ++round) {  // the second round is served from the cache
    Reply ja = c.get("/", {{"Accept-Language", "ja"}});
    EXPECT_NE(ja.body.find("オンラインでできる手続"), std::string::npos);
    Reply en = c.get("/", {{"Accept-Language", "en-GB,en;q=0.8"}});
    EXPECT_NE(en.body.find("Procedures you can do online"), std::string::npos);
    EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
    Reply search = c.get("/?q=" + http::percent_encode("児童"), {{"Accept-Language", "ja"}});
    EXPECT_NE(search.body.find("/procedures/jidou-teate"), std::string::npos);
    EXPECT_EQ(search.body.find("/procedures/risai\""), std::string::npos);
  }
  // Dates are written in the page's language, with the era's name in that language.
  Reply en_proc = c.get("/procedures/risai", {{"Accept-Language", "en"}});
  EXPECT_TRUE(std::regex_search(en_proc.body, std::regex(R"re([0-9]{1,2} [A-Z][a-z]+ 20[0-9]{2} \(Reiwa [0-9]+\))re"))) << en_proc.body;
  Reply ja_proc = c.get("/procedures/risai", {{"Accept-Language", "ja"}});
  EXPECT_NE(ja_proc.body.find("(令和"), std::string::npos);
  // Width- and kana-insensitive: half-width katakana finds the same as full-width.
  Reply kana = c.get("/?q=" + http::percent_encode("ﾘｻｲ"), {{"Accept-Language", "ja"}});
  Reply full = c.get("/?q=" + http::percent_encode("りさい"), {{"Accept-Language", "ja"}});
  EXPECT_NE(kana.body.find("/procedures/risai\""), std::string::npos);
  EXPECT_NE(full.body.find("/procedures/risai\""), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::test
