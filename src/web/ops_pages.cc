// Operations endpoints: /healthz (the store answers) and /metrics (Prometheus text).
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {

void register_ops_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/healthz", kStateless, [&app](Call&) {
    Status s = app.store->ping();
    http::Response res = http::Response::text(s.ok() ? 200 : 503, s.ok() ? "ok\n" : "store unavailable\n");
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });
  add_route(r, app, "GET", "/metrics", kStateless, [&app](Call&) {
    http::Response res = http::Response::text(200, app.metrics ? app.metrics->render() : "");
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return res;
  });
}

}  // namespace madoguchi::web
