// "{name:id}" route segments: ids in paths are parsed once, by the router, and strictly.
#include <gtest/gtest.h>

#include "http/http.h"

namespace madoguchi::http {
namespace {

Response dispatch(const Router& r, const std::string& path, Request* out) {
  Request req;
  req.method = "GET";
  req.path = path;
  req.target = path;
  Response res = r.dispatch(req);
  *out = req;
  return res;
}

Router drafts_router() {
  Router r;
  r.add("GET", "/drafts/{draft:id}/pages/{page}", [](Request& req) {
    return Response::text(200, std::to_string(req.ids.at("draft")) + " " + req.params.at("page"));
  });
  return r;
}

TEST(RouterIds, DigitsMatchAndAreParsedOnce) {
  Router r = drafts_router();
  Request req;
  Response res = dispatch(r, "/drafts/0042/pages/applicant", &req);
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "42 applicant");
  EXPECT_EQ(req.ids.at("draft"), 42);
  EXPECT_EQ(req.params.at("draft"), "0042");
  EXPECT_EQ(req.route, "/drafts/{draft}/pages/{page}");  // logs and metrics keep their labels
  EXPECT_EQ(dispatch(r, "/drafts/999999999999999999/pages/a", &req).status, 200);
}

// std::stoll read "12abc" as 12 and " 12" as 12: such paths now find no route at all.
TEST(RouterIds, AnythingButDigitsFindsNoRoute) {
  Router r = drafts_router();
  Request req;
  for (const char* bad : {"12abc", "-1", "+1", " 12", "1e3", "0x10", "1.0", "1000000000000000000", "１２"}) {
    EXPECT_EQ(dispatch(r, std::string("/drafts/") + bad + "/pages/a", &req).status, 404) << bad;
    EXPECT_TRUE(req.ids.empty()) << bad;
  }
}

TEST(RouterIds, UnknownParameterKindIsRefusedAtRegistration) {
  Router r;
  EXPECT_THROW(r.add("GET", "/x/{id:int}", [](Request&) { return Response::text(200, ""); }), std::invalid_argument);
}

}  // namespace
}  // namespace madoguchi::http
