// What src/http makes safe to send back (issue 20, "HTTP"): same-origin paths, download
// headers, address lists, and headers the router adds to every response. No socket here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/http.h"

namespace madoguchi::http {
namespace {

const std::string kRlo = "\xE2\x80\xAE";  // U+202E RIGHT-TO-LEFT OVERRIDE

TEST(SameOriginPath, KeepsPathsOfThisSite) {
  EXPECT_EQ(same_origin_path("/").value_or("refused"), "/");
  EXPECT_EQ(same_origin_path("/procedures/juminhyo").value_or("refused"), "/procedures/juminhyo");
  EXPECT_EQ(same_origin_path("/?q=%E3%82%8A&lang=en").value_or("refused"), "/?q=%E3%82%8A&lang=en");
  EXPECT_EQ(same_origin_path("/applications/R-1").value_or("refused"), "/applications/R-1");
  // What may not stand in a URL as it is comes back encoded (a Location header stays ASCII).
  EXPECT_EQ(same_origin_path("/a b/\"x\"/山").value_or("refused"), "/a%20b/%22x%22/%E5%B1%B1");
}

// Reproduced: /login?next=%2F%09%2Fevil.example sent "Location: /<TAB>/evil.example", which a
// browser reads as //evil.example.
TEST(SameOriginPath, RefusesWhatABrowserReadsAsAnotherHost) {
  const std::vector<std::string> refused = {"",
                                            "evil.example",
                                            "https://evil.example/",
                                            "//evil.example/x",
                                            "/\\evil.example",
                                            "/\t/evil.example",
                                            "/\n/evil.example",
                                            "/\r\n/evil.example",
                                            "/a\\b",
                                            std::string("/\0/evil.example", 16),
                                            "/%2F/evil.example",
                                            "/%2f%2fevil.example",
                                            "/%09/evil.example",
                                            "/%5Cevil.example",
                                            "/x%0D%0ASet-Cookie:%20a=b",
                                            "/%zz",
                                            "/%7F",
                                            "///evil.example"};
  for (const std::string& bad : refused) {
    EXPECT_FALSE(same_origin_path(bad).has_value()) << "accepted: " << bad;
  }
}

// Reproduced: a 1,000-character name made the header longer than the server sends (it was
// dropped, and the browser showed the file inline).
TEST(AttachmentDisposition, LongNamesAreShortenedWithTheirExtension) {
  std::string long_name;
  for (int i = 0; i < 1000; ++i) long_name += "あ";
  const std::string h = attachment_disposition(long_name + ".pdf");
  EXPECT_LE(h.size(), 1024u) << h.size();
  EXPECT_EQ(h.rfind("attachment; ", 0), 0u) << h;
  EXPECT_EQ(h.substr(h.size() - 4), ".pdf") << h;
  EXPECT_NE(h.find("filename=\"attachment.pdf\""), std::string::npos) << h;
  const std::string encoded = h.substr(h.find("filename*=UTF-8''") + 17);
  auto name = percent_decode(encoded, false);
  ASSERT_TRUE(name.ok());
  EXPECT_LE(name->size(), kMaxDownloadNameBytes);
  EXPECT_EQ(name->rfind("あああ", 0), 0u);
  EXPECT_EQ(name->substr(name->size() - 4), ".pdf");
  EXPECT_EQ(name->size() % 3, 4 % 3) << "a character was cut in half";

  const std::string ascii = attachment_disposition(std::string(1000, 'a') + ".png");
  EXPECT_LE(ascii.size(), 1024u);
  EXPECT_NE(ascii.find(".png\"; filename*="), std::string::npos) << ascii;
}

TEST(AttachmentDisposition, DropsControlsBidiAndSeparators) {
  // Reproduced: "evil<U+202E>gpj.exe" reached staff looking like "evilexe.jpg".
  const std::string h = attachment_disposition("evil" + kRlo + "gpj.exe");
  EXPECT_EQ(h, "attachment; filename=\"evilgpj.exe\"; filename*=UTF-8''evilgpj.exe");
  EXPECT_EQ(attachment_disposition("a\"b\r\nSet-Cookie: x=1;\\..\\/c.pdf"),
            "attachment; filename=\"abSet-Cookie: x=1_..c.pdf\"; filename*=UTF-8''abSet-Cookie%3A%20x%3D1%3B..c.pdf");
  EXPECT_EQ(attachment_disposition("kenkou-hoken.png"),
            "attachment; filename=\"kenkou-hoken.png\"; filename*=UTF-8''kenkou-hoken.png");
  EXPECT_EQ(attachment_disposition("写真.JPG"),
            "attachment; filename=\"attachment.JPG\"; filename*=UTF-8''%E5%86%99%E7%9C%9F.JPG");
  EXPECT_EQ(attachment_disposition(""), "attachment; filename=\"attachment\"; filename*=UTF-8''attachment");
  EXPECT_EQ(attachment_disposition(kRlo + "\x01"), "attachment; filename=\"attachment\"; filename*=UTF-8''attachment");
  EXPECT_EQ(attachment_disposition("\xFF\xFEok.txt"), "attachment; filename=\"ok.txt\"; filename*=UTF-8''ok.txt");
}

TEST(AttachmentDisposition, ResponseIsAlwaysADownloadThatIsNotSniffed) {
  Response r;
  r.as_attachment("a.pdf");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0].first, "Content-Disposition");
  EXPECT_EQ(r.headers[0].second.rfind("attachment;", 0), 0u);
  EXPECT_EQ(r.headers[1], (std::pair<std::string, std::string>{"X-Content-Type-Options", "nosniff"}));
}

TEST(AddressList, AddressesAndBlocks) {
  auto list = AddressList::parse("127.0.0.1, ::1 10.0.5.0/24,fd00::/8");
  ASSERT_TRUE(list.ok()) << list.status().message();
  for (const char* in :
       {"127.0.0.1", "::1", "10.0.5.0", "10.0.5.255", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.5.9"}) {
    EXPECT_TRUE(list->contains(in)) << in;
  }
  for (const char* out : {"127.0.0.2", "10.0.6.1", "::2", "fe80::1", "", "localhost", "127.0.0.1 ", "0.0.0.0",
                          "::ffff:127.0.0.2", "::"}) {
    EXPECT_FALSE(list->contains(out)) << out;
  }
  auto odd = AddressList::parse("10.1.2.3/13, ::ffff:192.168.0.0/112, ::/0");
  ASSERT_TRUE(odd.ok()) << odd.status().message();
  EXPECT_TRUE(odd->contains("10.7.255.255"));
  EXPECT_FALSE(odd->contains("10.8.0.0"));
  EXPECT_TRUE(odd->contains("192.168.3.4"));
  EXPECT_FALSE(odd->contains("192.169.0.0"));
  EXPECT_TRUE(odd->contains("2001:db8::1"));  // ::/0: every IPv6 client
  EXPECT_TRUE(AddressList::parse("").value().empty());
  EXPECT_TRUE(AddressList::parse(" , ").value().empty());
  for (const char* bad :
       {"localhost", "127.0.0.1/33", "::1/129", "10.0.0.0/", "10.0.0.0/x", "1.2.3", "10.0.0.0/-1", "127.0.0.1,evil"}) {
    EXPECT_FALSE(AddressList::parse(bad).ok()) << bad;
  }
}

TEST(RouterResponseHeaders, EveryAnswerCarriesThemUnlessTheHandlerSetItsOwn) {
  Router r;
  r.add("GET", "/page", [](Request&) { return Response::text(200, "page"); });
  r.add("GET", "/own", [](Request&) {
    Response res = Response::text(200, "own");
    res.headers.emplace_back("strict-transport-security", "max-age=0");
    return res;
  });
  r.add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("boom"); });
  r.add_response_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  auto count = [](const Response& res, std::string& value) {
    int n = 0;
    for (const auto& [k, v] : res.headers) {
      if (k == "Strict-Transport-Security" || k == "strict-transport-security") ++n, value = v;
    }
    return n;
  };
  for (const char* path : {"/page", "/missing", "/boom", "/own"}) {
    Request req;
    req.method = "GET";
    req.path = req.target = path;
    Response res = r.dispatch(req);
    std::string value;
    EXPECT_EQ(count(res, value), 1) << path;
    EXPECT_EQ(value, path == std::string("/own") ? "max-age=0" : "max-age=31536000; includeSubDomains") << path;
  }
  Request post;
  post.method = "POST";
  post.path = post.target = "/page";
  std::string value;
  EXPECT_EQ(count(r.dispatch(post), value), 1) << "405";
  EXPECT_EQ(count(r.error_response(post, 413), value), 1) << "413 before routing";
}

}  // namespace
}  // namespace madoguchi::http
