// Which address a request comes from, for per-address limits (ratelimit.h). Behind a load
// balancer every connection comes from the balancer; X-Forwarded-For says who it forwarded, but
// anyone can send that header, so it is believed only from configured proxies, and only for
// the hops they appended: walking from the right, the first hop that is not a trusted proxy.
#include <spdlog/spdlog.h>

#include "web/app.h"

namespace madoguchi::web {

std::string client_address(const App& app, const http::Request& req) {
  if (app.config.trusted_proxies.empty()) return req.remote_addr;
  auto trusted = http::AddressList::parse(app.config.trusted_proxies);
  if (!trusted.ok()) {
    spdlog::error("trusted_proxies: {}; X-Forwarded-For is ignored", trusted.status().message());
    return req.remote_addr;
  }
  if (!trusted->contains(req.remote_addr)) return req.remote_addr;
  // All X-Forwarded-For fields, in order, as one comma-separated list (RFC 9110 §5.3).
  std::vector<std::string> hops;
  for (const auto& [name, value] : req.headers) {
    if (name != "x-forwarded-for") continue;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string hop = value.substr(start, comma - start);
      const size_t b = hop.find_first_not_of(" \t"), e = hop.find_last_not_of(" \t");
      hops.push_back(b == std::string::npos ? "" : hop.substr(b, e - b + 1));
      start = comma + 1;
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!trusted->contains(*it)) return *it;
  }
  return hops.empty() ? req.remote_addr : hops.front();
}

}  // namespace madoguchi::web
