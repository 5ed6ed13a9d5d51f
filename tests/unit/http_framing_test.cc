// How the server frames request bodies (RFC 9112 §6): a body is framed by Content-Length or
// by exactly "Transfer-Encoding: chunked", never both and never by another coding. A request
// that a proxy in front could frame differently from this server is refused with 400 and the
// connection closed, so nothing after it is read as a request of its own (request smuggling).
// A real Server on 127.0.0.1:0, spoken to over a plain socket.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "http/http.h"

namespace madoguchi::http {
namespace {

using namespace std::chrono_literals;

// Sends `raw` on a new connection and returns everything the server answers until it closes
// the connection or two seconds pass.
std::string send_and_read(int port, const std::string& raw) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return "connect failed";
  }
  for (size_t sent = 0; sent < raw.size();) {
    ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// How many responses a transcript holds.
int responses(const std::string& transcript) {
  int n = 0;
  for (size_t at = transcript.find("HTTP/1.1 "); at != std::string::npos; at = transcript.find("HTTP/1.1 ", at + 1)) {
    ++n;
  }
  return n;
}

class HttpFraming : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("POST", "/echo", [](Request& req) { return Response::text(200, "body=[" + req.body + "]"); });
    router_.add("GET", "/smuggled", [](Request&) { return Response::text(200, "smuggled"); });
    router_.add("GET", "/download", [](Request&) {
      std::string name;
      for (int i = 0; i < 1000; ++i) name += "あ";
      Response res = Response::text(200, "%PDF-1.4");
      res.content_type = "application/pdf";
      res.as_attachment(name + ".pdf");
      return res;
    });
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    server_ = std::make_unique<Server>(options, router_, nullptr);
    auto port = server_->bind();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = *port;
    thread_ = std::thread([this] { server_->run(); });
  }
  void TearDown() override {
    if (!thread_.joinable()) return;
    server_->stop();
    thread_.join();
  }

  // A POST /echo with these framing headers and this body, followed by a GET /smuggled that
  // only a server framing the body wrongly would see as a request of its own.
  std::string post(const std::string& framing, const std::string& body, const std::string& version = "1.1") {
    return send_and_read(port_, "POST /echo HTTP/" + version + "\r\nHost: x\r\n" + framing + "\r\n" + body +
                                    "GET /smuggled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

// Reproduced: "Transfer-Encoding: xchunked" (or "chunked, identity") with a Content-Length
// was accepted and its body read by the Content-Length.
TEST_F(HttpFraming, TransferEncodingOtherThanChunkedIsRefused) {
  for (const std::string te : {"xchunked", "chunked, identity", "identity", "gzip, chunked", "chunked, chunked",
                               "chunkedx", "chunked;q=1", "\"chunked\""}) {
    for (const std::string& length : {std::string("Content-Length: 5\r\n"), std::string()}) {
      std::string out = post("Transfer-Encoding: " + te + "\r\n" + length, "0\r\n\r\n");
      EXPECT_EQ(out.rfind("HTTP/1.1 400 ", 0), 0u) << te << " / " << length << ":\n" << out;
      EXPECT_EQ(responses(out), 1) << te << " / " << length << ":\n" << out;
      EXPECT_EQ(out.find("smuggled"), std::string::npos) << te << " / " << length;
      EXPECT_EQ(out.find("body=["), std::string::npos) << te << " / " << length;
    }
  }
}

TEST_F(HttpFraming, TransferEncodingWithContentLengthOrTwiceIsRefused) {
  // Either order, and even with the one coding that is allowed (RFC 9112 §6.1).
  for (const std::string& framing : {std::string("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n"),
                                    std::string("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"),
                                    std::string("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"),
                                    std::string("Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n")}) {
    std::string out = post(framing, "0\r\n\r\n");
    EXPECT_EQ(out.rfind("HTTP/1.1 400 ", 0), 0u) << framing << out;
    EXPECT_EQ(responses(out), 1) << framing << out;
    EXPECT_EQ(out.find("smuggled"), std::string::npos) << framing;
  }
}

TEST_F(HttpFraming, HttpOneZeroHasNoTransferCodings) {
  std::string out = post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n", "1.0");
  EXPECT_NE(out.find(" 400 "), std::string::npos) << out;
  EXPECT_EQ(out.find("body=["), std::string::npos) << out;
}

TEST_F(HttpFraming, ChunkedAloneAndContentLengthAloneStillWork) {
  std::string chunked = post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 200 ", 0), 0u) << chunked;
  EXPECT_NE(chunked.find("body=[hello]"), std::string::npos) << chunked;
  EXPECT_EQ(responses(chunked), 2) << "the next request on the connection is served" << chunked;
  std::string upper = post("Transfer-Encoding: Chunked\r\n", "2\r\nhi\r\n0\r\n\r\n");
  EXPECT_NE(upper.find("body=[hi]"), std::string::npos) << "codings are case-insensitive: " << upper;
  std::string length = post("Content-Length: 5\r\n", "hello");
  EXPECT_NE(length.find("body=[hello]"), std::string::npos) << length;
  EXPECT_EQ(responses(length), 2) << length;
}

// Reproduced: the header for a 1,000-character name was longer than the server sends, so it
// was dropped and the browser showed the file inline. Through a real server, the download
// keeps its Content-Disposition.
TEST_F(HttpFraming, LongDownloadNamesKeepTheirContentDisposition) {
  std::string out = send_and_read(port_, "GET /download HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_EQ(out.rfind("HTTP/1.1 200 ", 0), 0u) << out.substr(0, 200);
  size_t at = out.find("Content-Disposition: attachment; ");
  ASSERT_NE(at, std::string::npos) << out.substr(0, out.find("\r\n\r\n"));
  std::string line = out.substr(at, out.find("\r\n", at) - at);
  EXPECT_LE(line.size(), 1024u);
  EXPECT_EQ(line.substr(line.size() - 4), ".pdf") << line;
  EXPECT_NE(out.find("X-Content-Type-Options: nosniff"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::http
