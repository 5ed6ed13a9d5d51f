// The web layer: page handlers that glue HTTP to the domain modules. Each handler works out
// who is asking (session, account, locale), calls the domain inside one store transaction,
// and renders a template. Domain modules never see these types.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/accounts.h"
#include "ja/business_days.h"
#include "core/config.h"
#include "i18n/i18n.h"
#include "core/metrics.h"
#include "http/http.h"
#include "ja/postal.h"
#include "payments/provider.h"
#include "procedures/catalog.h"
#include "steps/step.h"
#include "store/store.h"
#include "usecases/env.h"
#include "web/page_cache.h"
#include "web/templates.h"

namespace madoguchi::web {

using Json = nlohmann::json;

// A declared route and its guards (web/route.h), as the access-matrix test enumerates them.
struct RouteDecl {
  std::string method;
  std::string pattern;
  unsigned guards = 0;
};

struct App {
  Config config;
  store::Store* store = nullptr;
  procedures::Catalog catalog;
  Locales locales;
  Holidays holidays;
  ja::PostalTable postal;  // empty when no table is configured: no lookup route, no JS lookup
  Templates templates;
  Metrics* metrics = nullptr;
  PageCache public_pages;  // catalogue pages for visitors without a session
  steps::Registry steps = steps::Registry::builtin();
  payments::Providers payments;  // filled by serve from the configuration
  std::vector<RouteDecl> routes;  // every route register_routes() declared, with its guards
};

// The use cases' view of the app (usecases/env.h).
inline usecases::Env env(App& app) {
  return usecases::Env{*app.store, app.catalog, app.locales, app.holidays, app.config, app.steps, &app.payments};
}

// Everything a handler needs to know about the asker.
struct Visitor {
  std::string locale = "ja";
  std::optional<auth::Session> session;  // loaded or created on demand
  std::string new_session_token;         // set when a session was created in this request
  std::optional<auth::Account> account;
};

// Adds every route of the product to the router.
void register_routes(http::Router& router, App& app);
// Hands each locale's strings to app.templates once, as the data every page() looks up
// {{t.key}} and {{t_html.key}} in. Call after loading locales and templates, before serving.
void share_locales(App& app);

// --- shared helpers for the page files (web/*.cc) ---

// Locale from ?lang=, then the "lang" cookie, then Accept-Language, else ja.
std::string pick_locale(const http::Request& req);
// Loads the session (and account) from the cookie, if any. Does not create one.
Visitor identify(App& app, const http::Request& req);
// Makes sure the visitor has a session (creating a guest session) — needed before any form.
Status ensure_session(App& app, Visitor* v);
// True when the posted "csrf" field matches the session's token.
bool csrf_ok(const Visitor& v, const http::Fields& posted);
// The base view every page template gets: locale, html_lang, csrf, visitor info, language
// switch links for `path` (the strings, t and t_html, come from share_locales()).
Json base_view(App& app, const Visitor& v, const http::Request& req);
// Renders `name` inside the layout, sets cookies for a new session / a chosen language.
http::Response page(App& app, const Visitor& v, const http::Request& req, int status,
                    const std::string& name, Json view, const std::string& title_key = "",
                    const std::string& title_text = "");
// Sets what every HTML answer carries: a new session's cookie, the chosen language's cookie,
// Cache-Control. page() calls it; a handler answering from PageCache calls it too.
void finish_html(App& app, const Visitor& v, const http::Request& req, http::Response* res);
// A localised error page (404, 400, 403, 409, 413, 500) with a message key.
http::Response error_page(App& app, const Visitor& v, const http::Request& req, int status,
                          const std::string& message_key);
// The client's address for per-address limits: Request::remote_addr, or, when that is one of
// config.trusted_proxies, the nearest X-Forwarded-For hop that is not a trusted proxy.
std::string client_address(const App& app, const http::Request& req);
// First value of a posted field, or "".
std::string field(const http::Fields& f, const std::string& name);

void register_resident_routes(http::Router& r, App& app);
void register_account_routes(http::Router& r, App& app);
// Sign-up, password reset and the profile (resident_account_pages.cc); register_account_routes
// adds them.
void register_resident_account_routes(http::Router& r, App& app);
void register_staff_routes(http::Router& r, App& app);
void register_ops_routes(http::Router& r, App& app);
void register_postal_routes(http::Router& r, App& app);
void register_session_routes(http::Router& r, App& app);
// Paying fees, the sandbox gateway's page and the staff's payments (payment_pages.cc).
void register_payment_routes(http::Router& r, App& app);
// The fee panel of application `receipt` for a page the asker may see (its status page, the
// receipt page): amount, state, deadline and — for its owner, or a guest with `access_code` —
// the pay button. Null when the application owes nothing.
Json payment_panel(App& app, const Visitor& v, const std::string& receipt, bool owner,
                   const std::string& access_code);

}  // namespace madoguchi::web
