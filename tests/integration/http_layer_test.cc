// The http layer in-process: a Router with test handlers behind a real Server on
// 127.0.0.1:0, driven through HttpClient and raw sockets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "http/http.h"
#include "support/http_client.h"

namespace madoguchi::http {
namespace {

using namespace std::chrono_literals;
using test::HttpClient;
using test::RawConnection;
using test::Reply;

struct Observed {
  std::string route;
  std::string method;
  int status;
};

class HttpLayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("madoguchi-http-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "static" / "sub");
    write(dir_ / "static" / "site.css", "body { color: black; }\n");
    write(dir_ / "static" / "sub" / "data.json", "{\"a\":1}");
    write(dir_ / "secret.txt", "top secret");

    router_.add("GET", "/hello", [](Request&) { return Response::text(200, "hello"); });
    router_.add("GET", "/items/{id}", [](Request& req) {
      return Response::text(200, "item " + req.params.at("id") + " q=" + req.query_param("q"));
    });
    router_.add("GET", "/items/new", [](Request&) { return Response::text(200, "new item"); });
    router_.add("POST", "/echo", [](Request& req) {
      return Response::text(200, req.header("content-type") + "|" + req.body);
    });
    router_.add("POST", "/upload", [](Request& req) {
      auto parts = parse_multipart(req.header("content-type"), req.body);
      if (!parts.ok()) return Response::text(400, parts.status().message());
      std::string out;
      for (const auto& p : *parts) out += p.name + ":" + p.filename + ":" + p.data + ";";
      return Response::text(200, out);
    });
    router_.add("POST", "/login", [](Request&) {
      Response r = Response::redirect("/home");
      r.set_cookie("sid", "s3cret");
      return r;
    });
    router_.add("GET", "/whoami",
                [](Request& req) { return Response::text(200, "sid=" + req.cookie("sid")); });
    router_.add("GET", "/slow", [this](Request&) {
      slow_entered_.set_value();
      std::this_thread::sleep_for(500ms);
      return Response::text(200, "slow done");
    });
    router_.add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
    router_.add("GET", "/inject", [](Request&) {
      Response r = Response::text(200, "ok");
      r.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: evil=1");
      return r;
    });
    router_.add_static("/static/", (dir_ / "static").string());
  }

  void TearDown() override {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  static void write(const std::filesystem::path& p, const std::string& content) {
    std::ofstream(p, std::ios::binary) << content;
  }

  void start(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    server_ = std::make_unique<Server>(options, router_,
                                       [this](const Request& req, int status, double, size_t) {
                                         std::lock_guard lock(mu_);
                                         observed_.push_back({req.route, req.method, status});
                                       });
    auto port = server_->bind();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
  }

  // Stops the server; true when run() returned within `limit`.
  bool stop(std::chrono::milliseconds limit = 10s) {
    if (!thread_.joinable()) return true;
    server_->stop();
    auto done = std::async(std::launch::async, [this] { thread_.join(); });
    return done.wait_for(limit) == std::future_status::ready;
  }

  std::vector<Observed> observed() {
    std::lock_guard lock(mu_);
    return observed_;
  }

  bool wait_observed(size_t n) {
    for (int i = 0; i < 200; ++i) {
      if (observed().size() >= n) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  std::filesystem::path dir_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::promise<void> slow_entered_;
  std::mutex mu_;
  std::vector<Observed> observed_;
};

void expect_security_headers(const Reply& r) {
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("referrer-policy"), "same-origin");
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("content-security-policy"),
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'");
  std::string id = r.header("x-request-id");
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
}

TEST_F(HttpLayerTest, KeepAliveReusesOneConnection) {
  start();
  HttpClient client(port_);
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    Reply r = client.get("/hello");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(r.header("content-type"), "text/plain; charset=utf-8");
    ids.insert(r.header("x-request-id"));
  }
  EXPECT_EQ(client.connections_opened(), 1);
  EXPECT_EQ(ids.size(), 5u);
}

TEST_F(HttpLayerTest, RoutesParamsQueryAndLiteralPriority) {
  start();
  HttpClient client(port_);
  EXPECT_EQ(client.get("/items/%E5%B1%B1?q=a+b%21").body, "item 山 q=a b!");
  EXPECT_EQ(client.get("/items/new").body, "new item");
  EXPECT_EQ(client.get("/items/x?q=%zz").status, 400);  // bad query encoding
}

TEST_F(HttpLayerTest, NotFoundAndMethodNotAllowed) {
  start();
  HttpClient client(port_);
  Reply r = client.get("/nope");
  EXPECT_EQ(r.status, 404);
  expect_security_headers(r);
  r = client.request("POST", "/hello", "x", "text/plain");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");
  r = client.request("DELETE", "/echo");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(client.get("/hello").status, 200);  // still the same, healthy connection
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(HttpLayerTest, OversizedBodyGets413AndClose) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  start(o);
  HttpClient client(port_);
  Reply ok = client.request("POST", "/echo", std::string(1024, 'a'), "text/plain");
  EXPECT_EQ(ok.status, 200);
  Reply r = client.request("POST", "/echo", std::string(200 * 1024, 'a'), "text/plain");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(r.header("connection"), "close");
  expect_security_headers(r);
  EXPECT_EQ(client.get("/hello").status, 200);  // on a new connection
  EXPECT_EQ(client.connections_opened(), 2);

  // Chunked bodies are held to the same limit.
  RawConnection raw(port_);
  ASSERT_TRUE(raw.connected());
  std::string chunk(2000, 'b');
  raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + chunk +
           "\r\n0\r\n\r\n");
  bool closed = false;
  std::string reply = raw.read_until_close(5s, &closed);
  EXPECT_EQ(reply.rfind("HTTP/1.1 413", 0), 0u) << reply;
  EXPECT_TRUE(closed);
}

TEST_F(HttpLayerTest, MalformedRequestsGet400AndClose) {
  start();
  for (std::string bad :
       {"GARBAGE\r\n\r\n", "GET /hello HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /hello HTTP/1.1\r\nNo colon here\r\n\r\n", "GET hello HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /echo HTTP/1.1\r\nContent-Length: zz\r\n\r\n"}) {
    RawConnection raw(port_);
    ASSERT_TRUE(raw.connected());
    raw.send(bad);
    bool closed = false;
    std::string reply = raw.read_until_close(5s, &closed);
    EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << bad << " → " << reply;
    EXPECT_NE(reply.find("X-Content-Type-Options: nosniff"), std::string::npos);
    EXPECT_TRUE(closed) << bad;
  }
  HttpClient client(port_);
  EXPECT_EQ(client.get("/hello").status, 200);
}

TEST_F(HttpLayerTest, OversizedHeadersGet431) {
  ServerOptions o;
  o.max_header_bytes = 1024;
  start(o);
  HttpClient client(port_);
  Reply r = client.get("/hello", {{"X-Big", std::string(4096, 'x')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(client.get("/hello").status, 200);
}

TEST_F(HttpLayerTest, ExpectContinueGetsTheGoAhead) {
  start();
  RawConnection raw(port_);
  ASSERT_TRUE(raw.connected());
  raw.send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
      "Content-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = raw.read_until("\r\n\r\n", 5s);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  raw.send("hello");
  std::string reply = raw.read_until("text/plain|hello", 5s);
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply;
}

TEST_F(HttpLayerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  RawConnection raw(port_);
  ASSERT_TRUE(raw.connected());
  raw.send(
      "GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /items/2 HTTP/1.1\r\nHost: x\r\n"
      "Connection: close\r\n\r\n");
  std::string reply = raw.read_until_close(5s);
  size_t first = reply.find("item 1");
  size_t second = reply.find("item 2");
  ASSERT_NE(first, std::string::npos) << reply;
  ASSERT_NE(second, std::string::npos) << reply;
  EXPECT_LT(first, second);
}

TEST_F(HttpLayerTest, SlowClientIsCutAfterReadTimeout) {
  ServerOptions o;
  o.read_timeout_seconds = 1;
  start(o);
  RawConnection raw(port_);
  ASSERT_TRUE(raw.connected());
  auto t0 = std::chrono::steady_clock::now();
  raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n");  // and never the blank line
  bool closed = false;
  std::string reply = raw.read_until_close(10s, &closed);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(closed);
  EXPECT_EQ(reply, "");
  EXPECT_GE(elapsed, 800ms);
  EXPECT_LT(elapsed, 6s);
}

TEST_F(HttpLayerTest, IdleKeepAliveConnectionIsClosed) {
  ServerOptions o;
  o.idle_timeout_seconds = 1;
  start(o);
  RawConnection raw(port_);
  ASSERT_TRUE(raw.connected());
  raw.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(raw.read_until("hello", 5s).find("hello"), std::string::npos);
  bool closed = false;
  auto t0 = std::chrono::steady_clock::now();
  raw.read_until_close(10s, &closed);
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 6s);

  // The client notices the close and reconnects by itself.
  HttpClient client(port_);
  EXPECT_EQ(client.get("/hello").status, 200);
  std::this_thread::sleep_for(2500ms);  // well past the 1 s idle timeout
  EXPECT_EQ(client.get("/hello").status, 200);
  EXPECT_EQ(client.connections_opened(), 2);
}

TEST_F(HttpLayerTest, GracefulStopFinishesInFlightRequest) {
  start();
  HttpClient idle(port_);  // a keep-alive connection that must not hold up the shutdown
  ASSERT_EQ(idle.get("/hello").status, 200);

  auto entered = slow_entered_.get_future();
  auto slow = std::async(std::launch::async, [this] { return HttpClient(port_).get("/slow"); });
  ASSERT_EQ(entered.wait_for(5s), std::future_status::ready);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(stop());
  auto took = std::chrono::steady_clock::now() - t0;

  Reply r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "slow done");
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_LT(took, 5s);  // not the 20 s drain timeout: the idle connection was closed
  EXPECT_FALSE(RawConnection(port_).connected());  // no longer accepting
}

TEST_F(HttpLayerTest, StopWithoutTrafficReturnsPromptly) {
  start();
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(stop());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(HttpLayerTest, HeadHasHeadersButNoBody) {
  start();
  HttpClient client(port_);
  Reply r = client.request("HEAD", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.header("content-length"), "5");
  expect_security_headers(r);
  EXPECT_EQ(client.get("/hello").body, "hello");  // the connection is still in sync
  r = client.request("HEAD", "/static/site.css");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
}

TEST_F(HttpLayerTest, StaticFilesAndTraversalRefusal) {
  start();
  HttpClient client(port_);
  Reply r = client.get("/static/site.css");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "body { color: black; }\n");
  EXPECT_EQ(r.header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "public, max-age=3600");
  expect_security_headers(r);
  r = client.get("/static/sub/data.json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");

  EXPECT_EQ(client.get("/static/missing.css").status, 404);
  EXPECT_EQ(client.get("/static/sub").status, 404);  // a directory
  EXPECT_EQ(client.get("/static/").status, 404);
  for (const char* evil :
       {"/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/sub/..%2f..%2fsecret.txt",
        "/static/sub%5c..%5c..%5csecret.txt", "/static/..%5csecret.txt"}) {
    Reply e = client.get(evil);
    EXPECT_EQ(e.status, 404) << evil;
    EXPECT_EQ(e.body.find("top secret"), std::string::npos) << evil;
  }
  EXPECT_EQ(client.get("/static/site.css%00.txt").status, 400);
  EXPECT_EQ(client.request("POST", "/static/site.css", "x", "text/plain").status, 405);
}

TEST_F(HttpLayerTest, HandlerExceptionGives500AndServerKeepsServing) {
  start();
  HttpClient client(port_);
  for (int i = 0; i < 3; ++i) {
    Reply r = client.get("/boom");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.find("boom"), std::string::npos);  // no internals leak to the client
    expect_security_headers(r);
    EXPECT_EQ(client.get("/hello").status, 200);
  }
}

TEST_F(HttpLayerTest, ResponseHeaderInjectionIsNeutralised) {
  start();
  HttpClient client(port_);
  Reply r = client.get("/inject");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.headers_named("set-cookie").empty());
  EXPECT_EQ(client.cookie("evil"), "");
}

TEST_F(HttpLayerTest, FormsMultipartCookiesAndRedirects) {
  start();
  HttpClient client(port_);
  Reply r = client.post_form("/echo", {{"name", "山田 太郎"}, {"a&b", "1=2"}});
  EXPECT_EQ(r.body,
            "application/x-www-form-urlencoded|name=%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E"
            "&a%26b=1%3D2");

  r = client.post_multipart("/upload", {{"title", "申請"}},
                            {{"doc", "a.pdf", "application/pdf", std::string("%PDF\0x", 6)}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "title::申請;doc:a.pdf:" + std::string("%PDF\0x", 6) + ";");

  r = client.request("POST", "/login");
  EXPECT_EQ(r.status, 303);  // not followed
  EXPECT_EQ(r.header("location"), "/home");
  EXPECT_EQ(client.cookie("sid"), "s3cret");
  EXPECT_EQ(client.get("/whoami").body, "sid=s3cret");
}

TEST_F(HttpLayerTest, ObserverSeesRouteAndStatus) {
  start();
  HttpClient client(port_);
  client.get("/items/7");
  client.get("/nope");
  client.get("/static/site.css");
  client.get("/boom");
  ASSERT_TRUE(wait_observed(4));
  auto seen = observed();
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].route, "/items/{id}");
  EXPECT_EQ(seen[0].status, 200);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[1].route, "");
  EXPECT_EQ(seen[1].status, 404);
  EXPECT_EQ(seen[2].route, "/static/*");
  EXPECT_EQ(seen[3].route, "/boom");
  EXPECT_EQ(seen[3].status, 500);
}

TEST_F(HttpLayerTest, BindFailsOnABusyPort) {
  start();
  ServerOptions o;
  o.listen = "127.0.0.1:" + std::to_string(port_);
  Server other(o, router_, nullptr);
  EXPECT_FALSE(other.bind().ok());
  ServerOptions bad;
  bad.listen = "nonsense";
  EXPECT_FALSE(Server(bad, router_, nullptr).bind().ok());
}

}  // namespace
}  // namespace madoguchi::http
