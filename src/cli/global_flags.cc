// The global flags: --config and one flag per row of the settings table.
#include <CLI/CLI.hpp>
#include <filesystem>

#include "cli/cli.h"
#include "core/settings.h"

namespace madoguchi::cli {
namespace {

// The flag's placeholder in --help, from the kind of setting.
std::string type_name(const Setting& s) {
  return std::visit(Overloaded{[](const TextSetting&) { return "TEXT"; },
                               [](const BoolSetting&) { return "true|false"; }, [](const auto&) { return "INT"; }},
                    s.type);
}

}  // namespace

GlobalFlags::GlobalFlags(CLI::App& app) : app_(app) {
  // Inherited by the subcommands added after this: an option a subcommand does not know is
  // offered to its parent, so `serve --listen X` means `--listen X serve`.
  app.fallthrough();
  app.add_option("--config", config_file_, "madoguchi.toml to read (flags override it)");
  for (const Setting& s : settings()) {
    // Values are kept as text and checked in config(), by the same rules as the file's.
    std::string& value = values_[std::string(s.key)];
    app.add_option(s.flag(), value, std::string(s.doc))
        ->type_name(type_name(s))
        ->group("Settings (docs/configuration.md; a flag wins over madoguchi.toml)");
  }
}

Result<Config> GlobalFlags::config() const {
  Config config;
  std::string file = config_file_;
  if (file.empty() && std::filesystem::exists("madoguchi.toml")) file = "madoguchi.toml";
  if (!file.empty()) {
    if (Status s = load_config_file(file, &config); !s.ok()) return s;
  }
  for (const Setting& s : settings()) {
    // count(), not emptiness: `--postal ""` is a value (no postal lookup), not an absent flag.
    if (app_.count(s.flag()) == 0) continue;
    if (Status st = s.set_from_text(values_.find(s.key)->second, &config); !st.ok()) {
      return Status::Invalid(s.flag() + ": " + st.message());
    }
  }
  return config;
}

}  // namespace madoguchi::cli
