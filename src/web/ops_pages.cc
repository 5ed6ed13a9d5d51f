// Operations endpoints: /healthz (the store answers) and /metrics (Prometheus text).
#include <spdlog/spdlog.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "auth/crypto.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {
namespace {

// Shorter tokens are refused: the token is the only lock on /metrics from outside.
constexpr size_t kMinMetricsToken = 16;

// Who may read /metrics, worked out once at start from the settings.
struct MetricsAccess {
  http::AddressList allow;
  std::string token;  // "" = no token opens it
};

std::string trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

// A misconfiguration opens nothing (and says so in the log): /metrics shows per-department
// queue sizes, so a mistake must not make it public.
std::shared_ptr<const MetricsAccess> metrics_access(const Config& config) {
  auto access = std::make_shared<MetricsAccess>();
  auto allow = http::AddressList::parse(config.metrics_allow);
  if (allow.ok()) {
    access->allow = std::move(*allow);
  } else {
    spdlog::error("metrics_allow: {}; /metrics is open to no address", allow.status().message());
  }
  std::string token;
  if (!config.metrics_token_file.empty()) {
    std::ifstream in(config.metrics_token_file);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) spdlog::error("metrics_token_file {} cannot be read; no token opens /metrics", config.metrics_token_file);
    token = in ? trimmed(text.str()) : "";
  } else if (const char* env = std::getenv("MADOGUCHI_METRICS_TOKEN")) {
    token = trimmed(env);
  }
  if (!token.empty() && token.size() < kMinMetricsToken) {
    spdlog::error("the metrics token is shorter than {} characters; no token opens /metrics", kMinMetricsToken);
    token.clear();
  }
  access->token = std::move(token);
  return access;
}

bool came_through_proxy(const http::Request& req) {
  return !req.header("x-forwarded-for").empty() || !req.header("forwarded").empty() || !req.header("x-real-ip").empty();
}

bool may_read_metrics(const MetricsAccess& access, const http::Request& req) {
  const std::string auth = req.header("authorization");
  static constexpr std::string_view kBearer = "Bearer ";
  if (!access.token.empty() && auth.size() > kBearer.size() && auth.compare(0, kBearer.size(), kBearer) == 0) {
    return auth::constant_time_equal(auth.substr(kBearer.size()), access.token);
  }
  return !came_through_proxy(req) && access.allow.contains(req.remote_addr);
}

}  // namespace

void register_ops_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/healthz", kStateless, [&app](Call&) {
    Status s = app.store->ping();
    http::Response res = http::Response::text(s.ok() ? 200 : 503, s.ok() ? "ok\n" : "store unavailable\n");
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });
  add_route(r, app, "GET", "/metrics", kStateless, [&app, access = metrics_access(app.config)](Call& c) {
    if (!may_read_metrics(*access, c.req)) {
      http::Response res = http::Response::text(403, "forbidden\n");
      res.headers.emplace_back("Cache-Control", "no-store");
      return res;
    }
    http::Response res = http::Response::text(200, app.metrics ? app.metrics->render() : "");
    res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace madoguchi::web
