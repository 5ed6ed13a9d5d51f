// madoguchi: one binary, subcommands serve, migrate, check-procedures, user add, demo,
// audit verify, export, import, keys (and settings-doc for maintainers). The commands live in
// src/cli (contracts in cli/cli.h); this file only assembles and dispatches them.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "cli/cli.h"

int main(int argc, char** argv) {
  using namespace madoguchi;
  CLI::App app{"Madoguchi (窓口): online procedures for a municipality"};
  app.require_subcommand(1);
  cli::GlobalFlags flags(app);  // before the subcommands, which then accept them too
  cli::Command command;
  cli::add_serve_command(app, &command);
  cli::add_store_commands(app, &command);
  cli::add_user_commands(app, &command);
  cli::add_tool_commands(app, &command);
  cli::add_keys_commands(app, &command);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S%z %l %v");
  auto config = flags.config();
  if (!config.ok()) return cli::fail(config.status().message());
  return command(*config);
}
