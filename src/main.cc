// madoguchi: one binary, subcommands serve, migrate, check-procedures, user add, demo,
// audit verify, export, import.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "audit/audit.h"
#include "auth/accounts.h"
#include "auth/crypto.h"
#include "core/config.h"
#include "notify/delivery.h"
#include "notify/mailer.h"
#include "core/date.h"
#include "demo/demo.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "procedures/catalog.h"
#include "store/store.h"
#include "transfer/transfer.h"
#include "web/app.h"

using namespace madoguchi;

namespace {

int fail(const std::string& msg) {
  std::fprintf(stderr, "madoguchi: %s\n", msg.c_str());
  return 1;
}

Result<std::unique_ptr<store::Store>> open_store(const Config& c) {
  auto s = store::Store::open(c.store);
  if (!s.ok()) return s.status();
  if (Status m = (*s)->migrate(); !m.ok()) return m;
  return s;
}

int check_procedures(const std::string& dir) {
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(dir, &problems);
  for (const auto& p : problems) std::printf("%s:%d: %s\n", p.file.c_str(), p.line, p.message.c_str());
  if (!catalog.ok()) {
    std::printf("%s\n", catalog.status().message().c_str());
    return 1;
  }
  std::printf("%zu procedure(s) checked, %zu problem(s)\n", catalog->all().size(), problems.size());
  return problems.empty() ? 0 : 1;
}

int serve(const Config& config, bool demo) {
  auto store = open_store(config);
  if (!store.ok()) return fail(store.status().message());
  web::App app;
  app.config = config;
  app.store = store->get();
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(config.procedures, &problems);
  // A broken definition is logged and skipped; the others still serve.
  for (const auto& p : problems) spdlog::warn("definition skipped: {}:{}: {}", p.file, p.line, p.message);
  if (!catalog.ok()) return fail(catalog.status().message());
  app.catalog = std::move(*catalog);
  auto locales = Locales::load(config.locales);
  if (!locales.ok()) return fail(locales.status().message());
  app.locales = std::move(*locales);
  auto holidays = Holidays::load(config.holidays);
  if (!holidays.ok()) return fail(holidays.status().message() + " (run scripts/setup to generate it)");
  app.holidays = std::move(*holidays);
  if (!config.postal.empty()) {
    // Optional: without the table the server runs, and pages simply offer no address lookup.
    auto postal = ja::PostalTable::open(config.postal);
    if (postal.ok()) {
      app.postal = std::move(*postal);
    } else if (postal.status().code() == Status::Code::kNotFound) {
      spdlog::warn("{}; postal code lookup off (run scripts/setup to generate it)", postal.status().message());
    } else {
      return fail(postal.status().message());
    }
  }
  auto templates = web::Templates::load(config.templates);
  if (!templates.ok()) return fail(templates.status().message());
  app.templates = std::move(*templates);
  web::share_locales(app);
  Metrics metrics;
  app.metrics = &metrics;
  store::Store* st = app.store;
  metrics.add_gauge("madoguchi_queue_size", "Applications by department and status.", [st] {
    std::vector<std::pair<std::map<std::string, std::string>, double>> out;
    store::with_read(*st, [&](store::Transaction& tx) {
      auto rows = tx.query("SELECT department, status, COUNT(*) FROM applications GROUP BY department, status");
      if (!rows.ok()) return rows.status();
      for (const auto& r : *rows) {
        out.push_back({{{"department", r.str(0)}, {"status", r.str(1)}}, static_cast<double>(r.i64(2))});
      }
      return Status::Ok();
    });
    return out;
  });
  metrics.add_gauge("madoguchi_outbox_waiting", "E-mail notices not yet sent (and not given up).", [st] {
    std::vector<std::pair<std::map<std::string, std::string>, double>> out;
    store::with_read(*st, [&](store::Transaction& tx) {
      auto n = notify::waiting(tx);
      if (!n.ok()) return n.status();
      out.push_back({{}, static_cast<double>(*n)});
      return Status::Ok();
    });
    return out;
  });
  if (demo) {
    auto accounts = demo::load(*app.store, app.catalog);
    if (!accounts.ok()) return fail(accounts.status().message());
    for (const auto& line : *accounts) std::printf("%s\n", line.c_str());
  }
  http::Router router;
  web::register_routes(router, app);
  http::ServerOptions opts;
  opts.listen = config.listen;
  opts.threads = config.threads;
  opts.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  opts.read_timeout_seconds = config.read_timeout_seconds;
  opts.idle_timeout_seconds = config.idle_timeout_seconds;
  opts.drain_timeout_seconds = config.drain_timeout_seconds;
  http::Server server(opts, router, [&metrics](const http::Request& req, int status, double seconds, size_t bytes) {
    std::string route = req.route.empty() ? "unmatched" : req.route;
    metrics.observe_request(route, req.method, status, seconds);
    // One line per request; the route pattern, never the path (which may carry a receipt).
    spdlog::info(R"({{"method":"{}","route":"{}","status":{},"ms":{:.2f},"bytes":{},"request_id":"{}"}})",
                 req.method, route, status, seconds * 1000, bytes, req.request_id);
  });
  auto port = server.bind();
  if (!port.ok()) return fail(port.status().message());
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::printf("madoguchi: listening on http://%s:%d/\n", host.c_str(), *port);
  std::fflush(stdout);
  // Every node ticks; job_schedule makes each job run once per period across all of them.
  std::optional<jobs::Runner> runner;
  std::optional<jobs::Ticker> ticker;
  if (config.housekeeping_minutes > 0) {
    runner.emplace(*app.store, host + ":" + std::to_string(*port));
    const std::chrono::seconds period = std::chrono::minutes(config.housekeeping_minutes);
    // The periods are read from the definitions this node loaded; a procedure no longer
    // defined keeps the deployment's default.
    jobs::RetentionYears years_for = [&app, fallback = config.retention_years](const std::string& id) {
      const procedures::Procedure* p = app.catalog.find(id);
      return p && p->retention_years > 0 ? p->retention_years : fallback;
    };
    for (auto& job : jobs::housekeeping_jobs(period, std::chrono::hours(24) * config.draft_retention_days, years_for)) {
      runner->add(std::move(job));
    }
    ticker.emplace(*runner, std::min<std::chrono::seconds>(period, std::chrono::seconds(60)));
  }
  // E-mail notices: every node sends; leases make each notice go out from one of them.
  std::unique_ptr<notify::Mailer> mailer;
  std::optional<notify::DeliveryLoop> delivery;
  if (!config.mail_smtp.empty()) {
    mailer = notify::smtp_mailer({config.mail_smtp, config.mail_from, config.mail_from_name});
    notify::DeliveryOptions delivery_options;
    delivery_options.node = host + ":" + std::to_string(*port);
    const auto at = config.mail_from.find('@');
    if (at != std::string::npos) delivery_options.domain = config.mail_from.substr(at + 1);
    delivery.emplace(*app.store, *mailer, delivery_options, std::chrono::seconds(config.mail_interval_seconds));
  }
  server.run();
  delivery.reset();
  ticker.reset();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Madoguchi (窓口): online procedures for a municipality"};
  cli.require_subcommand(1);
  std::string config_file;
  Config config;
  std::string listen, store_url, procedures_dir;
  cli.add_option("--config", config_file, "madoguchi.toml to read (flags override it)");
  cli.add_option("--listen", listen, "host:port to listen on (default 127.0.0.1:8080)");
  cli.add_option("--store", store_url, "sqlite:PATH (default sqlite:data/madoguchi.db) or postgresql://…?pool_size=N");
  cli.add_option("--procedures", procedures_dir, "folder of procedure definitions (default procedures)");
  // Every other setting of madoguchi.toml has a flag too; a flag given wins over the file.
  std::map<std::string, std::string> text_flags;
  std::map<std::string, long long> number_flags;
  for (const char* key : {"templates", "locales", "static", "holidays", "postal", "mail-smtp", "mail-from",
                          "mail-from-name", "public-url"}) {
    cli.add_option(std::string("--") + key, text_flags[key], std::string("overrides '") + key + "' (docs/configuration.md)");
  }
  for (const char* key : {"threads", "max-body-bytes", "max-file-bytes", "max-application-bytes",
                          "read-timeout-seconds", "idle-timeout-seconds", "drain-timeout-seconds", "session-hours", "session-seconds", "session-warning-seconds",
                          "housekeeping-minutes", "draft-retention-days", "mail-interval-seconds", "retention-years"}) {
    cli.add_option(std::string("--") + key, number_flags[key], std::string("overrides the setting of that name"));
  }
  std::optional<bool> secure_cookies_flag;
  cli.add_option("--secure-cookies", secure_cookies_flag, "overrides 'secure_cookies' (true/false)");

  auto* serve_cmd = cli.add_subcommand("serve", "run the web server");
  bool demo = false;
  serve_cmd->add_flag("--demo", demo, "create the demo accounts (or renew their passwords) and print them");
  auto* migrate_cmd = cli.add_subcommand("migrate", "apply database migrations");
  auto* check_cmd = cli.add_subcommand("check-procedures", "check procedure definitions");
  std::string check_dir = "procedures";
  check_cmd->add_option("dir", check_dir, "folder to check")->required();
  auto* demo_cmd = cli.add_subcommand("demo", "load demo data and print the demo accounts");
  auto* audit_cmd = cli.add_subcommand("audit", "audit log tools");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "check the audit log's hash chain");
  std::string anchor_text;
  verify_cmd->add_option("--anchor", anchor_text,
                         "ID:HASH printed by an earlier verify and kept outside the store: that entry must "
                         "still be in the chain (finds entries deleted from the end)");
  // fallthrough: `export --store URL` reads naturally; --store is the global flag.
  auto* export_cmd = cli.add_subcommand("export", "write every table of the store to one file")->fallthrough();
  std::string export_out;
  export_cmd->add_option("--out", export_out, "file to write (- for standard output)")->required();
  auto* import_cmd = cli.add_subcommand("import", "load an export file into a new, empty store")->fallthrough();
  std::string import_file;
  import_cmd->add_option("file", import_file, "file written by export (- for standard input)")->required();
  auto* user_cmd = cli.add_subcommand("user", "manage accounts");
  user_cmd->require_subcommand(1);
  auto* add_cmd = user_cmd->add_subcommand("add", "create a resident or staff account");
  auth::NewAccount na;
  bool staff = false;
  add_cmd->add_option("login", na.login, "login name")->required();
  add_cmd->add_option("--name", na.display_name, "display name")->required();
  add_cmd->add_flag("--staff", staff, "a staff account (needs --department and --role)");
  add_cmd->add_option("--department", na.department, "department id from procedures/organisation.yaml");
  add_cmd->add_option("--role", na.role, "role id from procedures/organisation.yaml");
  std::string profile_json;
  add_cmd->add_option("--profile", profile_json,
                      "resident's known data as JSON (family, given, family_kana, given_kana, birth, address, phone, email)");

  CLI11_PARSE(cli, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S%z %l %v");
  if (!config_file.empty()) {
    if (Status s = load_config_file(config_file, &config); !s.ok()) return fail(s.message());
  } else if (std::filesystem::exists("madoguchi.toml")) {
    if (Status s = load_config_file("madoguchi.toml", &config); !s.ok()) return fail(s.message());
  }
  if (!listen.empty()) config.listen = listen;
  if (!store_url.empty()) config.store = store_url;
  if (!procedures_dir.empty()) config.procedures = procedures_dir;
  if (!text_flags["templates"].empty()) config.templates = text_flags["templates"];
  if (!text_flags["locales"].empty()) config.locales = text_flags["locales"];
  if (!text_flags["static"].empty()) config.static_dir = text_flags["static"];
  if (!text_flags["holidays"].empty()) config.holidays = text_flags["holidays"];
  if (cli.count("--postal")) config.postal = text_flags["postal"];  // --postal "" turns the lookup off
  if (cli.count("--mail-smtp")) config.mail_smtp = text_flags["mail-smtp"];
  if (!text_flags["mail-from"].empty()) config.mail_from = text_flags["mail-from"];
  if (!text_flags["mail-from-name"].empty()) config.mail_from_name = text_flags["mail-from-name"];
  if (!text_flags["public-url"].empty()) config.public_url = text_flags["public-url"];
  auto number = [&](const char* flag, auto* field) {
    if (cli.count(std::string("--") + flag)) *field = static_cast<std::remove_pointer_t<decltype(field)>>(number_flags[flag]);
  };
  number("threads", &config.threads);
  number("max-body-bytes", &config.max_body_bytes);
  number("max-file-bytes", &config.max_file_bytes);
  number("max-application-bytes", &config.max_application_bytes);
  number("read-timeout-seconds", &config.read_timeout_seconds);
  number("idle-timeout-seconds", &config.idle_timeout_seconds);
  number("drain-timeout-seconds", &config.drain_timeout_seconds);
  number("session-hours", &config.session_hours);
  number("session-seconds", &config.session_seconds);
  number("session-warning-seconds", &config.session_warning_seconds);
  number("housekeeping-minutes", &config.housekeeping_minutes);
  number("draft-retention-days", &config.draft_retention_days);
  number("mail-interval-seconds", &config.mail_interval_seconds);
  number("retention-years", &config.retention_years);
  if (secure_cookies_flag) config.secure_cookies = *secure_cookies_flag;

  if (*serve_cmd) return serve(config, demo);
  if (*check_cmd) return check_procedures(check_dir);
  if (*migrate_cmd) {
    auto s = open_store(config);
    if (!s.ok()) return fail(s.status().message());
    std::printf("migrations applied\n");
    return 0;
  }
  if (*demo_cmd) {
    auto s = open_store(config);
    if (!s.ok()) return fail(s.status().message());
    std::vector<procedures::Problem> problems;
    auto catalog = procedures::Catalog::load(config.procedures, &problems);
    if (!catalog.ok()) return fail(catalog.status().message());
    auto lines = demo::load(**s, *catalog);
    if (!lines.ok()) return fail(lines.status().message());
    for (const auto& l : *lines) std::printf("%s\n", l.c_str());
    return 0;
  }
  if (*verify_cmd) {
    auto s = open_store(config);
    if (!s.ok()) return fail(s.status().message());
    std::optional<audit::Anchor> anchor;
    if (!anchor_text.empty()) {
      auto a = audit::parse_anchor(anchor_text);
      if (!a.ok()) return fail(a.status().message());
      anchor = *a;
    }
    auto tx = (*s)->begin(store::Store::Mode::kRead);
    if (!tx.ok()) return fail(tx.status().message());
    auto n = audit::verify(**tx);
    if (!n.ok()) return fail("audit log broken: " + n.status().message());
    auto head = audit::verify_against(**tx, anchor);
    if (!head.ok()) return fail("audit log broken: " + head.status().message());
    std::printf("audit log intact: %lld entries\n", static_cast<long long>(*n));
    // Keep this line outside the store; pass it back with --anchor to detect truncation.
    if (head->id > 0) std::printf("anchor: %lld:%s\n", static_cast<long long>(head->id), head->hash.c_str());
    return 0;
  }
  if (*export_cmd || *import_cmd) {
    auto s = open_store(config);
    if (!s.ok()) return fail(s.status().message());
    auto r = *export_cmd ? transfer::export_to_path(**s, export_out, unix_now()) : transfer::import_from_path(**s, import_file);
    if (!r.ok()) return fail((*export_cmd ? "export failed: " : "import failed: ") + r.status().message());
    // To stderr: with --out - standard output is the export itself.
    std::fprintf(stderr, "%s %lld rows of %zu tables (schema version %d)\n", *export_cmd ? "exported" : "imported",
                 static_cast<long long>(r->total_rows()), r->rows.size(), r->schema_version);
    return 0;
  }
  if (*add_cmd) {
    na.kind = staff ? "staff" : "resident";
    if (!profile_json.empty()) {
      na.profile = nlohmann::json::parse(profile_json, nullptr, false);
      if (!na.profile.is_object()) return fail("--profile must be a JSON object");
    }
    if (staff && (na.department.empty() || na.role.empty())) return fail("--staff needs --department and --role");
    // The password comes from stdin so it never appears in the process list or shell history.
    std::getline(std::cin, na.password);
    std::vector<procedures::Problem> problems;
    if (staff) {
      auto catalog = procedures::Catalog::load(config.procedures, &problems);
      if (!catalog.ok()) return fail(catalog.status().message());
      const auto& org = catalog->organisation();
      if (!org.departments.count(na.department)) return fail("unknown department " + na.department);
      if (!org.roles.count(na.role)) return fail("unknown role " + na.role);
    }
    auto s = open_store(config);
    if (!s.ok()) return fail(s.status().message());
    int64_t id = 0;
    Status st = store::with_write(**s, [&](store::Transaction& tx) {
      auto r = auth::create_account(tx, na, unix_now());
      if (!r.ok()) return r.status();
      id = *r;
      return Status::Ok();
    });
    if (!st.ok()) return fail(st.message());
    std::printf("account %lld created: %s\n", static_cast<long long>(id), na.login.c_str());
    return 0;
  }
  return 0;
}
