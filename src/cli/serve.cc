// `madoguchi serve [--demo]`: loads what the pages need, binds, prints "listening on", starts
// the background work (housekeeping jobs, e-mail delivery) and serves until SIGTERM/SIGINT.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

#include "auth/sealed.h"
#include "cli/cli.h"
#include "demo/demo.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "notify/delivery.h"
#include "notify/mailer.h"
#include "notify/outbox.h"
#include "payments/sandbox/sandbox.h"
#include "usecases/pay.h"
#include "web/app.h"

namespace madoguchi::cli {
namespace {

// Fills `app` from the configured folders and files. A broken procedure definition is logged
// and skipped (the others still serve); a missing postal table only turns the lookup off.
Status load_app(const Config& config, web::App* app) {
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(config.procedures, &problems);
  for (const auto& p : problems) spdlog::warn("definition skipped: {}:{}: {}", p.file, p.line, p.message);
  if (!catalog.ok()) return catalog.status();
  // A step a definition names but this build lacks (a typo, or a payment step of a newer
  // version) would let applications pass a gate unnoticed: refuse to start instead.
  for (const auto& p : app->steps.check(*catalog)) {
    return Status::Invalid(p.file + ":" + std::to_string(p.line) + ": " + p.message);
  }
  app->catalog = std::move(*catalog);
  auto locales = Locales::load(config.locales);
  if (!locales.ok()) return locales.status();
  app->locales = std::move(*locales);
  auto holidays = Holidays::load(config.holidays);
  if (!holidays.ok()) return Status::Invalid(holidays.status().message() + " (run scripts/setup to generate it)");
  app->holidays = std::move(*holidays);
  if (!config.postal.empty()) {
    auto postal = ja::PostalTable::open(config.postal);
    if (postal.ok()) {
      app->postal = std::move(*postal);
    } else if (postal.status().code() == Status::Code::kNotFound) {
      spdlog::warn("{}; postal code lookup off (run scripts/setup to generate it)", postal.status().message());
    } else {
      return postal.status();
    }
  }
  auto templates = web::Templates::load(config.templates);
  if (!templates.ok()) return templates.status();
  app->templates = std::move(*templates);
  web::share_locales(*app);
  return Status::Ok();
}

using GaugeRows = std::vector<std::pair<std::map<std::string, std::string>, double>>;

// A gauge read from the store at each scrape. A failed read is logged and gives no rows, so
// one bad scrape does not stop the others.
void add_store_gauge(Metrics& metrics, store::Store& st, const std::string& name, const std::string& help,
                     std::function<Status(store::Transaction&, GaugeRows*)> read) {
  metrics.add_gauge(name, help, [&st, name, read] {
    GaugeRows out;
    if (Status s = store::with_read(st, [&](store::Transaction& tx) { return read(tx, &out); }); !s.ok()) {
      spdlog::error("metric {} not read: {}", name, s.message());
      out.clear();
    }
    return out;
  });
}

void add_gauges(Metrics& metrics, store::Store& st) {
  add_store_gauge(metrics, st, "madoguchi_queue_size", "Applications by department and status.",
                  [](store::Transaction& tx, GaugeRows* out) {
                    auto rows =
                        tx.query("SELECT department, status, COUNT(*) FROM applications GROUP BY department, status");
                    if (!rows.ok()) return rows.status();
                    for (const auto& r : *rows) {
                      out->push_back({{{"department", r.str(0)}, {"status", r.str(1)}}, static_cast<double>(r.i64(2))});
                    }
                    return Status::Ok();
                  });
  add_store_gauge(metrics, st, "madoguchi_outbox_waiting", "E-mail notices not yet sent (and not given up).",
                  [](store::Transaction& tx, GaugeRows* out) {
                    auto n = notify::waiting(tx);
                    if (!n.ok()) return n.status();
                    out->push_back({{}, static_cast<double>(*n)});
                    return Status::Ok();
                  });
}

http::ServerOptions server_options(const Config& config) {
  http::ServerOptions opts;
  opts.listen = config.listen;
  opts.threads = config.threads;
  opts.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  opts.read_timeout_seconds = config.read_timeout_seconds;
  opts.idle_timeout_seconds = config.idle_timeout_seconds;
  opts.drain_timeout_seconds = config.drain_timeout_seconds;
  return opts;
}

// One line per request; the route pattern, never the path (which may carry a receipt).
http::RequestObserver request_log(Metrics& metrics) {
  return [&metrics](const http::Request& req, int status, double seconds, size_t bytes) {
    std::string route = req.route.empty() ? "unmatched" : req.route;
    metrics.observe_request(route, req.method, status, seconds);
    spdlog::info(R"({{"method":"{}","route":"{}","status":{},"ms":{:.2f},"bytes":{},"request_id":"{}"}})", req.method,
                 route, status, seconds * 1000, bytes, req.request_id);
  };
}

// The work a node does beside answering requests, for as long as it lives. Every node runs
// it: job_schedule makes each job run once per period across all nodes, and leases make each
// notice go out from one of them.
class Background {
 public:
  // `node` names this node ("host:port") in job_schedule and the outbox leases.
  Background(const Config& config, web::App& app, const std::string& node) {
    if (config.housekeeping_minutes > 0) {
      runner_.emplace(*app.store, node);
      const std::chrono::seconds period = std::chrono::minutes(config.housekeeping_minutes);
      // The periods are read from the definitions this node loaded; a procedure no longer
      // defined keeps the deployment's default.
      jobs::RetentionYears years_for = [&app, fallback = config.retention_years](const std::string& id) {
        const procedures::Procedure* p = app.catalog.find(id);
        return p && p->retention_years > 0 ? p->retention_years : fallback;
      };
      for (auto& job :
           jobs::housekeeping_jobs(period, std::chrono::hours(24) * config.draft_retention_days, years_for)) {
        runner_->add(std::move(job));
      }
      for (auto& job : usecases::payment_jobs(web::env(app), period)) runner_->add(std::move(job));
      ticker_.emplace(*runner_, std::min<std::chrono::seconds>(period, std::chrono::seconds(60)));
    }
    if (!config.mail_smtp.empty()) {
      mailer_ = notify::smtp_mailer({config.mail_smtp, config.mail_from, config.mail_from_name});
      notify::DeliveryOptions options;
      options.node = node;
      const auto at = config.mail_from.find('@');
      if (at != std::string::npos) options.domain = config.mail_from.substr(at + 1);
      delivery_.emplace(*app.store, *mailer_, options, std::chrono::seconds(config.mail_interval_seconds));
    }
  }

 private:
  // Destroyed in reverse: delivery stops before its mailer, the ticker before its runner.
  std::optional<jobs::Runner> runner_;
  std::optional<jobs::Ticker> ticker_;
  std::unique_ptr<notify::Mailer> mailer_;
  std::optional<notify::DeliveryLoop> delivery_;
};

// The payment providers of this deployment (docs/payments.md). The sandbox signs its
// notifications with a key from sandbox_key_file; when the sandbox is the configured provider
// and there is no key yet, one is made (as `serve --demo` must work on a fresh checkout, and a
// node of a plain `serve` would otherwise refuse to start). Without the configured provider a
// procedure that takes payments would strand its applications: refuse to start then.
Status set_up_payments(const Config& config, web::App& app) {
  auto key = payments::sandbox::load_key(config.sandbox_key_file);
  if (!key.ok() && key.status().code() == Status::Code::kNotFound && config.payment_provider == "sandbox") {
    key = payments::sandbox::create_key(config.sandbox_key_file);
    if (key.ok()) {
      std::printf("madoguchi: created the sandbox payment key %s\n", config.sandbox_key_file.c_str());
    } else if (key.status().code() == Status::Code::kConflict) {
      key = payments::sandbox::load_key(config.sandbox_key_file);  // another node made it meanwhile
    }
  }
  if (key.ok()) {
    app.payments.add(std::make_unique<payments::sandbox::Gateway>(*app.store, *key));
  } else if (key.status().code() != Status::Code::kNotFound) {
    return key.status();
  }
  const bool active = app.payments.set_active(config.payment_provider);
  if (active && config.payment_provider == "sandbox") {
    spdlog::warn("payments go to the sandbox provider: no real money is taken (set payment_provider)");
  }
  for (const auto& p : app.catalog.all()) {
    for (const steps::Step* s : app.steps.for_procedure(p)) {
      if (s->id() == "payment" && !active) {
        return Status::Invalid(p.file + ": takes payments, but payment provider '" + config.payment_provider +
                               "' is not available");
      }
    }
  }
  return Status::Ok();
}

int serve(const Config& config, bool demo) {
  auto store = open_store(config);
  if (!store.ok()) return fail(store.status().message());
  web::App app;
  app.config = config;
  if (Status s = set_up_documents(demo, &app.config); !s.ok()) return fail(s.message());
  // The demo's staff sign in with the printed password alone (docs/security.md); staff may still
  // enrol a second factor at /staff/totp, and are then asked for it.
  if (demo) app.config.staff_totp = false;
  // With the second factor mandatory, its key must be there (or be made) before staff sign in:
  // a key file others can read is a refusal to start, not a failure at the first sign-in.
  if (app.config.staff_totp) {
    if (auto key = auth::load_or_create_key(app.config.totp_key_file); !key.ok()) {
      return fail("totp_key_file: " + key.status().message());
    }
  }
  app.store = store->get();
  if (Status s = load_app(config, &app); !s.ok()) return fail(s.message());
  if (Status s = set_up_payments(config, app); !s.ok()) return fail(s.message());
  Metrics metrics;
  app.metrics = &metrics;
  add_gauges(metrics, *app.store);
  if (demo) {
    auto accounts = demo::load(*app.store, app.catalog);
    if (!accounts.ok()) return fail(accounts.status().message());
    for (const auto& line : *accounts) std::printf("%s\n", line.c_str());
  }
  http::Router router;
  web::register_routes(router, app);
  http::Server server(server_options(config), router, request_log(metrics));
  auto port = server.bind();
  if (!port.ok()) return fail(port.status().message());
  const std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::printf("madoguchi: listening on http://%s:%d/\n", host.c_str(), *port);
  std::fflush(stdout);
  {
    Background background(config, app, host + ":" + std::to_string(*port));
    server.run();
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Command* chosen) {
  auto* cmd = app.add_subcommand("serve", "run the web server");
  auto demo = std::make_shared<bool>(false);
  cmd->add_flag("--demo", *demo, "create the demo accounts (or renew their passwords) and print them");
  cmd->callback([chosen, demo] { *chosen = [demo](const Config& config) { return serve(config, *demo); }; });
}

}  // namespace madoguchi::cli
