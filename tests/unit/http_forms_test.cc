// Form decoding, multipart parsing and routing: the parts of src/http that need no socket.
#include <gtest/gtest.h>

#include "http/http.h"

namespace madoguchi::http {
namespace {

TEST(PercentDecode, DecodesEscapesAndPlus) {
  EXPECT_EQ(percent_decode("a%20b%2Fc", false).value(), "a b/c");
  EXPECT_EQ(percent_decode("a+b", false).value(), "a+b");
  EXPECT_EQ(percent_decode("a+b", true).value(), "a b");
  EXPECT_EQ(percent_decode("%E5%B1%B1%e7%94%b0", false).value(), "山田");
  EXPECT_EQ(percent_decode("", false).value(), "");
}

TEST(PercentDecode, RejectsBadEscapes) {
  EXPECT_FALSE(percent_decode("%", false).ok());
  EXPECT_FALSE(percent_decode("abc%2", false).ok());
  EXPECT_FALSE(percent_decode("%zz", false).ok());
  EXPECT_FALSE(percent_decode("%G0", false).ok());
  EXPECT_EQ(percent_decode("%zz", false).status().code(), Status::Code::kInvalid);
}

TEST(PercentEncode, RoundTrips) {
  std::string s = "山田 太郎/&=?%+~._-";
  EXPECT_EQ(percent_decode(percent_encode(s), false).value(), s);
  EXPECT_EQ(percent_encode("a b&c"), "a%20b%26c");
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
}

TEST(ParseUrlencoded, KeepsOrderAndDuplicates) {
  auto f = parse_urlencoded("name=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&tag=a&tag=b&empty=&flag");
  ASSERT_TRUE(f.ok());
  Fields want = {{"name", "山田 太郎"}, {"tag", "a"}, {"tag", "b"}, {"empty", ""}, {"flag", ""}};
  EXPECT_EQ(f.value(), want);
}

TEST(ParseUrlencoded, EmptyBodyAndStraySeparators) {
  EXPECT_TRUE(parse_urlencoded("").value().empty());
  auto f = parse_urlencoded("&a=1&&b=2&");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f.value(), (Fields{{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(parse_urlencoded("a=1=2").value(), (Fields{{"a", "1=2"}}));
}

TEST(ParseUrlencoded, RejectsBadEncoding) {
  EXPECT_FALSE(parse_urlencoded("a=%2").ok());
  EXPECT_FALSE(parse_urlencoded("a%zz=1").ok());
}

constexpr char kCt[] = "multipart/form-data; boundary=XyZ";

std::string part(const std::string& disposition, const std::string& data,
                 const std::string& extra_headers = "") {
  return "--XyZ\r\nContent-Disposition: " + disposition + "\r\n" + extra_headers + "\r\n" + data +
         "\r\n";
}

TEST(ParseMultipart, FieldsAndFiles) {
  std::string body = part("form-data; name=\"name\"", "山田") +
                     part("form-data; name=\"doc\"; filename=\"a b.pdf\"", "%PDF\r\n--XyZ-ish\r\n",
                          "Content-Type: application/pdf\r\n") +
                     part("form-data; name=\"empty\"", "") + "--XyZ--\r\n";
  auto parts = parse_multipart(kCt, body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "name");
  EXPECT_EQ((*parts)[0].data, "山田");
  EXPECT_EQ((*parts)[0].filename, "");
  EXPECT_EQ((*parts)[1].name, "doc");
  EXPECT_EQ((*parts)[1].filename, "a b.pdf");
  EXPECT_EQ((*parts)[1].content_type, "application/pdf");
  EXPECT_EQ((*parts)[1].data, "%PDF\r\n--XyZ-ish\r\n");
  EXPECT_EQ((*parts)[2].name, "empty");
  EXPECT_EQ((*parts)[2].data, "");
}

TEST(ParseMultipart, QuotedBoundaryPreambleEpilogueAndCaseInsensitiveHeaders) {
  std::string body =
      "preamble\r\n--a'b(c)\r\ncontent-disposition: FORM-DATA; NAME=x\r\n\r\n1\r\n"
      "--a'b(c)--\r\nepilogue";
  auto parts = parse_multipart("Multipart/Form-Data; charset=utf-8; boundary=\"a'b(c)\"", body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "x");
  EXPECT_EQ((*parts)[0].data, "1");
}

TEST(ParseMultipart, FilenameQuirks) {
  // Windows paths come unescaped; filename* is ignored; an escaped quote is unescaped.
  std::string body = part("form-data; name=\"f\"; filename=\"C:\\dir\\a.txt\"", "x") +
                     part(
                         "form-data; name=\"g\"; filename*=UTF-8''%E5%B1%B1.txt; "
                         "filename=\"say \\\"hi\\\".txt\"",
                         "y") +
                     "--XyZ--";
  auto parts = parse_multipart(kCt, body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].filename, "C:\\dir\\a.txt");
  EXPECT_EQ((*parts)[1].filename, "say \"hi\".txt");
}

TEST(ParseMultipart, DelimiterLookalikesAreContent) {
  // "--XyZjunk" is preamble, "--XyZ-not" is data, "--XyZ  " (padding) is a real delimiter.
  std::string body =
      "--XyZjunk\r\n--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
      "x\r\n--XyZ-not\r\n--XyZ  \r\nContent-Disposition: form-data; name=b\r\n\r\n"
      "\r\n--XyZ--";
  auto parts = parse_multipart(kCt, body);
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].name, "a");
  EXPECT_EQ((*parts)[0].data, "x\r\n--XyZ-not");
  EXPECT_EQ((*parts)[1].name, "b");
  EXPECT_EQ((*parts)[1].data, "");
}

TEST(ParseMultipart, EmptyFormIsJustTheCloseDelimiter) {
  auto parts = parse_multipart(kCt, "--XyZ--\r\n");
  ASSERT_TRUE(parts.ok());
  EXPECT_TRUE(parts->empty());
}

TEST(ParseMultipart, RejectsMalformedBodies) {
  const std::string good = part("form-data; name=\"a\"", "1") + "--XyZ--\r\n";
  ASSERT_TRUE(parse_multipart(kCt, good).ok());
  struct Case {
    const char* what;
    std::string content_type;
    std::string body;
  };
  const Case cases[] = {
      {"missing boundary param", "multipart/form-data", good},
      {"empty boundary", "multipart/form-data; boundary=", good},
      {"unterminated quoted boundary", "multipart/form-data; boundary=\"XyZ", good},
      {"boundary too long", "multipart/form-data; boundary=" + std::string(71, 'a'), good},
      {"bad char in boundary", "multipart/form-data; boundary=\"a\rb\"", good},
      {"not multipart", "application/x-www-form-urlencoded; boundary=XyZ", good},
      {"boundary not found", kCt, "no delimiters at all"},
      {"empty body", kCt, ""},
      {"part without name", kCt, part("form-data; filename=\"a\"", "1") + "--XyZ--"},
      {"empty name", kCt, part("form-data; name=\"\"", "1") + "--XyZ--"},
      {"no content-disposition", kCt, "--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--"},
      {"no headers at all", kCt, "--XyZ\r\n\r\n1\r\n--XyZ--"},
      {"not form-data", kCt, part("attachment; name=\"a\"", "1") + "--XyZ--"},
      {"missing final boundary", kCt, part("form-data; name=\"a\"", "1")},
      {"final boundary without dashes", kCt, part("form-data; name=\"a\"", "1") + "--XyZ\r\n"},
      {"truncated data", kCt, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12"},
      {"truncated part headers", kCt, "--XyZ\r\nContent-Disposition: form-data; na"},
      {"headers without blank line", kCt, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n"},
      {"header line without colon", kCt,
       "--XyZ\r\nContent-Disposition: form-data; name=a\r\nbogus\r\n\r\n1\r\n--XyZ--"},
      {"oversized part headers", kCt,
       "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: " + std::string(20000, 'p') +
           "\r\n\r\n1\r\n--XyZ--"},
  };
  for (const auto& c : cases) {
    auto r = parse_multipart(c.content_type, c.body);
    EXPECT_FALSE(r.ok()) << c.what;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalid) << c.what;
    }
  }
}

TEST(ParseMultipart, HostileInputStaysLinear) {
  // Many almost-delimiters: a quadratic scan would take minutes here.
  std::string body = "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n";
  for (int i = 0; i < 200000; ++i) body += "\r\n--XyZ-\r\n--Xy";
  auto parts = parse_multipart(kCt, body);
  EXPECT_FALSE(parts.ok());
  std::string many;
  for (int i = 0; i < 20000; ++i)
    many += "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n";
  many += "--XyZ--";
  auto r = parse_multipart(kCt, many);
  ASSERT_TRUE(r.ok() || r.status().code() == Status::Code::kInvalid);
}

Handler reply(std::string text) {
  return [text](Request& req) {
    std::string params;
    for (const auto& [k, v] : req.params) params += " " + k + "=" + v;
    return Response::text(200, text + params);
  };
}

Response dispatch(const Router& r, const std::string& method, const std::string& path,
                  Request* out = nullptr) {
  Request req;
  req.method = method;
  req.path = path;
  req.target = path;
  Response res = r.dispatch(req);
  if (out) *out = req;
  return res;
}

TEST(Router, LiteralBeatsParam) {
  Router r;
  r.add("GET", "/procedures/{id}", reply("show"));
  r.add("GET", "/procedures/new", reply("new"));
  r.add("GET", "/procedures/{id}/pages/{page}", reply("page"));
  r.add("GET", "/procedures/{id}/pages/summary", reply("summary"));
  r.add("GET", "/", reply("home"));

  Request req;
  EXPECT_EQ(dispatch(r, "GET", "/procedures/new", &req).body, "new");
  EXPECT_EQ(req.route, "/procedures/new");
  EXPECT_EQ(dispatch(r, "GET", "/procedures/p1", &req).body, "show id=p1");
  EXPECT_EQ(req.route, "/procedures/{id}");
  EXPECT_EQ(dispatch(r, "GET", "/procedures/p1/pages/2").body, "page id=p1 page=2");
  EXPECT_EQ(dispatch(r, "GET", "/procedures/p1/pages/summary").body, "summary id=p1");
  EXPECT_EQ(dispatch(r, "GET", "/").body, "home");
}

TEST(Router, EarlierLiteralSegmentWins) {
  Router r;
  r.add("GET", "/{a}/x", reply("param-first"));
  r.add("GET", "/lit/{b}", reply("literal-first"));
  EXPECT_EQ(dispatch(r, "GET", "/lit/x").body, "literal-first b=x");
  EXPECT_EQ(dispatch(r, "GET", "/other/x").body, "param-first a=other");
}

TEST(Router, ExplicitHeadRouteBeatsGet) {
  Router r;
  r.add("GET", "/x", reply("get"));
  r.add("HEAD", "/x", reply("head"));
  EXPECT_EQ(dispatch(r, "HEAD", "/x").body, "head");
  EXPECT_EQ(dispatch(r, "GET", "/x").body, "get");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router r;
  r.add("GET", "/a/{id}", reply("a"));
  r.add("POST", "/a/{id}", reply("post"));
  r.add("DELETE", "/b", reply("b"));
  Request req;
  EXPECT_EQ(dispatch(r, "GET", "/nope", &req).status, 404);
  EXPECT_EQ(req.route, "");
  EXPECT_EQ(dispatch(r, "GET", "/a").status, 404);
  EXPECT_EQ(dispatch(r, "GET", "/a/").status, 404);  // a parameter is never empty
  EXPECT_EQ(dispatch(r, "GET", "/a/1/2").status, 404);
  EXPECT_EQ(dispatch(r, "POST", "/a/1").body, "post id=1");
  Response res = dispatch(r, "GET", "/b");
  EXPECT_EQ(res.status, 405);
  bool allow = false;
  for (const auto& [k, v] : res.headers) allow = allow || (k == "Allow" && v == "DELETE");
  EXPECT_TRUE(allow);
  EXPECT_EQ(dispatch(r, "HEAD", "/a/1").body, "a id=1");  // HEAD runs the GET handler
}

TEST(Router, HandlerExceptionBecomes500AndErrorPageIsUsed) {
  Router r;
  r.add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
  r.set_error_page([](const Request&, int status) {
    return Response::html(status, "<p>error " + std::to_string(status) + "</p>");
  });
  Response res = dispatch(r, "GET", "/boom");
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(res.body, "<p>error 500</p>");
  EXPECT_EQ(dispatch(r, "GET", "/missing").body, "<p>error 404</p>");
}

TEST(Router, RejectsBadPatterns) {
  Router r;
  EXPECT_THROW(r.add("GET", "no-slash", reply("x")), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "/{}", reply("x")), std::invalid_argument);
  r.add("GET", "/dup", reply("x"));
  EXPECT_THROW(r.add("GET", "/dup", reply("x")), std::invalid_argument);
}

TEST(RequestAccessors, HeadersCookiesQuery) {
  Request req;
  req.headers = {{"content-type", "text/plain"}, {"cookie", "a=1; sid=\"abc\""}, {"cookie", "b=2"}};
  req.query = {{"q", "x"}, {"q", "y"}};
  EXPECT_EQ(req.header("Content-Type"), "text/plain");
  EXPECT_EQ(req.header("missing"), "");
  EXPECT_EQ(req.cookie("sid"), "abc");
  EXPECT_EQ(req.cookie("b"), "2");
  EXPECT_EQ(req.cookie("c"), "");
  EXPECT_EQ(req.query_param("q"), "x");
}

TEST(ResponseHelpers, CookiesAndRedirect) {
  Response res = Response::redirect("/done");
  EXPECT_EQ(res.status, 303);
  res.set_cookie("sid", "v", 0, true);
  ASSERT_EQ(res.headers.size(), 2u);
  EXPECT_EQ(res.headers[0], (std::pair<std::string, std::string>{"Location", "/done"}));
  const std::string& c = res.headers[1].second;
  EXPECT_NE(c.find("sid=v"), std::string::npos);
  EXPECT_NE(c.find("HttpOnly"), std::string::npos);
  EXPECT_NE(c.find("SameSite=Lax"), std::string::npos);
  EXPECT_NE(c.find("Path=/"), std::string::npos);
  EXPECT_NE(c.find("Max-Age=0"), std::string::npos);
  EXPECT_NE(c.find("Secure"), std::string::npos);
  Response session;
  session.set_cookie("s", "1");
  EXPECT_EQ(session.headers[0].second.find("Max-Age"), std::string::npos);
}

}  // namespace
}  // namespace madoguchi::http
