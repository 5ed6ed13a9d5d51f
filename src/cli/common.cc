// Helpers every command uses.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/cli.h"

namespace madoguchi::cli {

void on_chosen(CLI::App* cmd, Command* chosen, Command run) {
  cmd->callback([chosen, run = std::move(run)] { *chosen = run; });
}

int fail(const std::string& message) {
  std::fprintf(stderr, "madoguchi: %s\n", message.c_str());
  return 1;
}

Result<std::unique_ptr<store::Store>> open_store(const Config& c) {
  auto s = store::Store::open(c.store);
  if (!s.ok()) return s.status();
  if (Status m = (*s)->migrate(); !m.ok()) return m;
  return s;
}

}  // namespace madoguchi::cli
