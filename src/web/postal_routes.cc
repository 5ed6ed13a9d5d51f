// GET /postal/{code}: the address of a postal code, for the address enhancement in
// static/madoguchi.js (the lookup itself lives in ja/postal.h, which says why it is a server
// lookup). 200 with JSON, 404 for a code not in the table, 400 for anything but 7 ASCII
// digits (the script normalises 全角 digits and hyphens before asking). The route exists
// only when a table was loaded: without one, nothing is faked.
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {

namespace {

http::Response json_response(int status, const Json& body) {
  http::Response res = http::Response::text(status, body.dump() + "\n");
  res.content_type = "application/json; charset=utf-8";
  return res;
}

// The parts every town of the code shares; the town is "" when they differ (one code can
// cover dozens of towns, e.g. 452-0961): the resident then types it.
Json postal_json(const std::string& code, const std::vector<ja::PostalAddress>& found) {
  const ja::PostalAddress& first = found.front();
  Json out = {{"postal_code", code.substr(0, 3) + "-" + code.substr(3)},
              {"prefecture", first.prefecture}, {"city", first.city}, {"town", first.town},
              {"kana", {{"prefecture", first.prefecture_kana}, {"city", first.city_kana}, {"town", first.town_kana}}}};
  Json all = Json::array();
  for (const auto& a : found) {
    if (a.prefecture != first.prefecture) out["prefecture"] = "", out["kana"]["prefecture"] = "";
    if (a.city != first.city) out["city"] = "", out["kana"]["city"] = "";
    if (a.town != first.town) out["town"] = "", out["kana"]["town"] = "";
    all.push_back({{"prefecture", a.prefecture}, {"city", a.city}, {"town", a.town},
                   {"kana", {{"prefecture", a.prefecture_kana}, {"city", a.city_kana}, {"town", a.town_kana}}}});
  }
  out["addresses"] = std::move(all);
  return out;
}

}  // namespace

void register_postal_routes(http::Router& r, App& app) {
  if (app.postal.empty()) return;
  add_route(r, app, "GET", "/postal/{code}", kStateless, [&app](Call& c) {
    const std::string code = c.req.params["code"];
    if (!ja::is_postal_code_digits(code)) return json_response(400, {{"error", "malformed"}});
    auto found = app.postal.find(code);
    if (found.empty()) return json_response(404, {{"error", "unknown"}});
    http::Response res = json_response(200, postal_json(code, found));
    // The table changes only when the server is set up again; a day's caching is harmless.
    res.headers.emplace_back("Cache-Control", "public, max-age=86400");
    return res;
  });
}

}  // namespace madoguchi::web
