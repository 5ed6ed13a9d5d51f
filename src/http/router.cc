// Routing "METHOD /literal/{param}" patterns. Routes are few (tens), so a linear scan with
// a per-segment comparison is clearer than a trie and fast enough.
#include <algorithm>
#include <cctype>
#include <exception>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "http/internal.h"

namespace madoguchi::http {

struct Router::Route {
  struct Segment {
    std::string text;  // literal text, or the parameter name
    bool param = false;
    bool id = false;  // "{name:id}": digits only, also parsed into Request::ids
  };
  std::string method;
  std::string pattern;
  std::string label;  // the pattern without parameter kinds ("{draft}"), for logs and metrics
  std::vector<Segment> segments;
  Handler handler;
};

namespace {

// "/a/b/" → {"a", "b", ""}; "/" → {}.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path == "/") return out;
  path.remove_prefix(1);
  for (;;) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// A "{name:id}" segment: 1 to 18 ASCII digits (fits int64_t without overflow checks).
bool is_id_segment(std::string_view seg) {
  if (seg.empty() || seg.size() > 18) return false;
  return std::all_of(seg.begin(), seg.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int64_t id_value(std::string_view seg) {
  int64_t n = 0;
  for (char c : seg) n = n * 10 + (c - '0');
  return n;
}

bool method_matches(const std::string& route_method, const std::string& method) {
  return route_method == method || (method == "HEAD" && route_method == "GET");
}

Response default_error_page(const Request&, int status) {
  switch (status) {
    case 404:
      return Response::text(404, "Not Found\n");
    case 405:
      return Response::text(405, "Method Not Allowed\n");
    default:
      return Response::text(status, "Internal Server Error\n");
  }
}

}  // namespace

void Router::add(std::string method, std::string pattern, Handler handler) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  }
  auto route = std::make_shared<Route>();
  for (std::string_view seg : split_path(pattern)) {
    Route::Segment s;
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      s.text = std::string(seg.substr(1, seg.size() - 2));
      s.param = true;
      if (s.text.size() > 3 && s.text.ends_with(":id")) {
        s.text.resize(s.text.size() - 3);
        s.id = true;
      } else if (s.text.find(':') != std::string::npos) {
        throw std::invalid_argument("unknown parameter kind in " + pattern);
      }
      if (s.text.empty()) throw std::invalid_argument("empty parameter name in " + pattern);
    } else {
      s.text = std::string(seg);
    }
    route->segments.push_back(std::move(s));
  }
  for (const auto& r : routes_) {
    if (r->method == method && r->pattern == pattern) {
      throw std::invalid_argument("duplicate route: " + method + " " + pattern);
    }
  }
  route->method = std::move(method);
  for (const auto& s : route->segments) route->label += "/" + (s.param ? "{" + s.text + "}" : s.text);
  if (route->label.empty()) route->label = "/";
  route->pattern = std::move(pattern);
  route->handler = std::move(handler);
  routes_.push_back(std::move(route));
}

void Router::add_static(std::string prefix, std::string dir) {
  if (prefix.empty() || prefix.front() != '/') prefix.insert(prefix.begin(), '/');
  if (prefix.back() != '/') prefix.push_back('/');
  static_dirs_.emplace_back(std::move(prefix), std::move(dir));
}

void Router::set_error_page(std::function<Response(const Request&, int status)> make) {
  error_page_ = std::move(make);
}

void Router::add_response_header(std::string name, std::string value) {
  response_headers_.emplace_back(std::move(name), std::move(value));
}

Response Router::with_response_headers(Response r) const {
  for (const auto& [name, value] : response_headers_) {
    bool set = false;
    for (const auto& [have, _] : r.headers) {
      set = set || std::equal(have.begin(), have.end(), name.begin(), name.end(), [](char a, char b) {
              return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            });
    }
    if (!set) r.headers.emplace_back(name, value);
  }
  return r;
}

Response Router::error_response(const Request& req, int status) const {
  Response r;
  try {
    r = error_page_ ? error_page_(req, status) : default_error_page(req, status);
  } catch (const std::exception& e) {
    spdlog::error("request {}: error page {} failed: {}", req.request_id, status, e.what());
    r = default_error_page(req, status);
  }
  r.status = status;
  return with_response_headers(std::move(r));
}

Response Router::dispatch(Request& req) const { return with_response_headers(dispatch_unheaded(req)); }

Response Router::dispatch_unheaded(Request& req) const {
  auto error = [&](int status) { return error_response(req, status); };

  const std::vector<std::string_view> segs = split_path(req.path);
  const Route* best = nullptr;
  std::vector<std::string> allowed;  // methods of routes whose pattern matches, for 405
  auto add_allowed = [&](const std::string& m) {
    if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) allowed.push_back(m);
  };
  for (const auto& route : routes_) {
    if (route->segments.size() != segs.size()) continue;
    bool match = true;
    for (size_t i = 0; i < segs.size() && match; ++i) {
      const auto& s = route->segments[i];
      match = s.id ? is_id_segment(segs[i]) : s.param ? !segs[i].empty() : s.text == segs[i];
    }
    if (!match) continue;
    if (!method_matches(route->method, req.method)) {
      add_allowed(route->method);
      if (route->method == "GET") add_allowed("HEAD");
      continue;
    }
    // Literal beats parameter at the first segment where the two patterns differ; between
    // equal shapes an explicit HEAD route beats the GET one serving HEAD.
    if (best == nullptr) {
      best = route.get();
      continue;
    }
    bool differ = false;
    for (size_t i = 0; i < segs.size() && !differ; ++i) {
      bool a = best->segments[i].param, b = route->segments[i].param;
      differ = a != b;
      if (a && !b) best = route.get();
    }
    if (!differ && route->method == req.method && best->method != req.method) best = route.get();
  }

  if (best != nullptr) {
    req.route = best->label;
    req.params.clear();
    req.ids.clear();
    for (size_t i = 0; i < segs.size(); ++i) {
      const auto& s = best->segments[i];
      if (s.param) req.params[s.text] = std::string(segs[i]);
      if (s.id) req.ids[s.text] = id_value(segs[i]);
    }
    try {
      return best->handler(req);
    } catch (const std::exception& e) {
      spdlog::error("request {}: {} {} failed: {}", req.request_id, req.method, req.route,
                    e.what());
    } catch (...) {
      spdlog::error("request {}: {} {} failed with a non-standard exception", req.request_id,
                    req.method, req.route);
    }
    return error(500);
  }

  if (!allowed.empty()) {
    std::string allow;
    for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    Response r = error(405);
    r.headers.emplace_back("Allow", allow);
    return r;
  }

  for (const auto& [prefix, dir] : static_dirs_) {
    if (req.path.compare(0, prefix.size(), prefix) != 0) continue;
    req.route = prefix + "*";  // one metrics label for all files
    if (req.method != "GET" && req.method != "HEAD") {
      Response r = error(405);
      r.headers.emplace_back("Allow", "GET, HEAD");
      return r;
    }
    try {
      std::string_view rel = std::string_view(req.path).substr(prefix.size());
      if (auto file = internal::serve_static_file(dir, rel)) {
        return std::move(*file);
      }
    } catch (const std::exception& e) {
      spdlog::error("request {}: static file {} failed: {}", req.request_id, req.path, e.what());
      return error(500);
    }
    return error(404);
  }
  return error(404);
}

}  // namespace madoguchi::http
