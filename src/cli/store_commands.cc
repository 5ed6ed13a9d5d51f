// Commands that open the configured store (applying its migrations), do one thing and exit:
// migrate, demo, audit verify, export, import.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <optional>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/date.h"
#include "demo/demo.h"
#include "procedures/catalog.h"
#include "transfer/transfer.h"

namespace madoguchi::cli {
namespace {

int migrate(const Config& config) {
  auto s = open_store(config);
  if (!s.ok()) return fail(s.status().message());
  std::printf("migrations applied\n");
  return 0;
}

int load_demo(const Config& config) {
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

// `anchor_text` is "" or the "ID:HASH" an earlier run printed.
int audit_verify(const Config& config, const std::string& anchor_text) {
  std::optional<audit::Anchor> anchor;
  if (!anchor_text.empty()) {
    auto a = audit::parse_anchor(anchor_text);
    if (!a.ok()) return fail(a.status().message());
    anchor = *a;
  }
  auto s = open_store(config);
  if (!s.ok()) return fail(s.status().message());
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

// export (to `path`) or import (from `path`); "-" is standard output or input.
int transfer_store(const Config& config, bool exporting, const std::string& path) {
  auto s = open_store(config);
  if (!s.ok()) return fail(s.status().message());
  auto r = exporting ? transfer::export_to_path(**s, path, unix_now()) : transfer::import_from_path(**s, path);
  if (!r.ok()) return fail((exporting ? "export failed: " : "import failed: ") + r.status().message());
  // To stderr: with --out - standard output is the export itself.
  std::fprintf(stderr, "%s %lld rows of %zu tables (schema version %d)\n", exporting ? "exported" : "imported",
               static_cast<long long>(r->total_rows()), r->rows.size(), r->schema_version);
  return 0;
}

}  // namespace

void add_store_commands(CLI::App& app, Command* chosen) {
  on_chosen(app.add_subcommand("migrate", "apply database migrations"), chosen, migrate);
  on_chosen(app.add_subcommand("demo", "load demo data and print the demo accounts"), chosen, load_demo);

  auto* audit_cmd = app.add_subcommand("audit", "audit log tools");
  audit_cmd->require_subcommand(1);
  auto* verify_cmd = audit_cmd->add_subcommand("verify", "check the audit log's hash chain");
  auto anchor = std::make_shared<std::string>();
  verify_cmd->add_option("--anchor", *anchor,
                         "ID:HASH printed by an earlier verify and kept outside the store: that entry must "
                         "still be in the chain (finds entries deleted from the end)");
  on_chosen(verify_cmd, chosen, [anchor](const Config& c) { return audit_verify(c, *anchor); });

  auto* export_cmd = app.add_subcommand("export", "write every table of the store to one file");
  auto out = std::make_shared<std::string>();
  export_cmd->add_option("--out", *out, "file to write (- for standard output)")->required();
  on_chosen(export_cmd, chosen, [out](const Config& c) { return transfer_store(c, true, *out); });

  auto* import_cmd = app.add_subcommand("import", "load an export file into a new, empty store");
  auto in = std::make_shared<std::string>();
  import_cmd->add_option("file", *in, "file written by export (- for standard input)")->required();
  on_chosen(import_cmd, chosen, [in](const Config& c) { return transfer_store(c, false, *in); });
}

}  // namespace madoguchi::cli
