// The madoguchi command line. main() builds one CLI11 app: first the global flags (GlobalFlags),
// then each group of subcommands (add_*_commands). Parsing picks one subcommand, which leaves
// the code that runs it in a Command; main() then reads the configuration and runs it.
//
// Every command returns the process's exit status: 0 when it did its work, 1 when it failed,
// after printing "madoguchi: <why>" on standard error (fail()). Commands print their results on
// standard output, except export (whose output may be standard output itself).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/config.h"
#include "core/status.h"
#include "store/store.h"

namespace CLI {
class App;
}

namespace madoguchi::cli {

// Runs a chosen subcommand with the final configuration; returns the exit status.
using Command = std::function<int(const Config& config)>;

// The global flags: --config FILE and one flag per setting (core/settings.h), e.g.
// --max-file-bytes 5000000, --secure-cookies true. They are accepted before and after the
// subcommand: constructing GlobalFlags makes every subcommand added to `app` afterwards fall
// through to `app` for the options it does not know, so construct it before adding any.
class GlobalFlags {
 public:
  explicit GlobalFlags(CLI::App& app);
  GlobalFlags(const GlobalFlags&) = delete;  // CLI11 keeps pointers into the members
  GlobalFlags& operator=(const GlobalFlags&) = delete;

  // After parsing: the defaults, overridden by the file (--config FILE, else ./madoguchi.toml
  // when it exists), overridden by each flag given. A file or flag value of the wrong type or
  // out of range is Invalid, naming the setting ("--threads: setting 'threads' must be …").
  Result<Config> config() const;

 private:
  CLI::App& app_;
  std::string config_file_;
  std::map<std::string, std::string, std::less<>> values_;  // setting key → the flag's text
};

// Each adds its subcommands to `app`. When the command line chooses one of them, parsing sets
// *chosen to the code that runs it, arguments included.
//   serve [--demo]                      — the web server (cli/serve.cc)
void add_serve_command(CLI::App& app, Command* chosen);
//   migrate, demo, audit verify [--anchor ID:HASH], export --out FILE, import FILE
//                                       — work on the store, then exit (cli/store_commands.cc)
void add_store_commands(CLI::App& app, Command* chosen);
//   user add LOGIN --name NAME [--staff --department D --role R] [--profile JSON]
//                                       — creates an account; password on stdin (cli/user_add.cc)
//   user disable LOGIN, user enable LOGIN — disabling ends the account's sessions at once
//   user reset-totp LOGIN               — removes a staff member's second factor
void add_user_commands(CLI::App& app, Command* chosen);
//   check-procedures DIR, settings-doc [FILE]
//                                       — checks and generated text, no store (cli/tool_commands.cc)
void add_tool_commands(CLI::App& app, Command* chosen);
//   keys create-dev --out DIR, keys check
//                                       — document-signing keys (cli/keys_commands.cc)
void add_keys_commands(CLI::App& app, Command* chosen);
// For serve: checks that the configured document-signing key and certificates load (Invalid
// otherwise: refuse to start rather than fail at the first approval); with `demo` and no key
// configured, uses development keys in dev-keys/ beside a SQLite store (else data/dev-keys),
// made when missing.
Status set_up_documents(bool demo, Config* config);

// Makes parsing set *chosen to `run` when the command line chooses the subcommand `cmd`.
void on_chosen(CLI::App* cmd, Command* chosen, Command run);
// Prints "madoguchi: <message>" on standard error and returns 1, the failure exit status.
int fail(const std::string& message);
// Opens the configured store and applies its migrations.
Result<std::unique_ptr<store::Store>> open_store(const Config& config);

}  // namespace madoguchi::cli
