// Commands that need no store: check-procedures and settings-doc.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "core/settings_doc.h"
#include "procedures/catalog.h"
#include "steps/step.h"

namespace madoguchi::cli {
namespace {

// Prints "file:line: problem" for each problem and a summary; 1 when there is any problem.
int check_procedures(const std::string& dir) {
  std::vector<procedures::Problem> problems;
  auto catalog = procedures::Catalog::load(dir, &problems);
  if (catalog.ok()) {
    // Whether each `steps:` entry names a step of this build (steps/step.h).
    auto unknown = steps::Registry::builtin().check(*catalog);
    problems.insert(problems.end(), unknown.begin(), unknown.end());
  }
  for (const auto& p : problems) std::printf("%s:%d: %s\n", p.file.c_str(), p.line, p.message.c_str());
  if (!catalog.ok()) {
    std::printf("%s\n", catalog.status().message().c_str());
    return 1;
  }
  std::printf("%zu procedure(s) checked, %zu problem(s)\n", catalog->all().size(), problems.size());
  return problems.empty() ? 0 : 1;
}

// Without `path`, prints the settings table; with it, rewrites the table inside that file
// (docs/configuration.md) in place.
int settings_doc(const std::string& path) {
  if (path.empty()) {
    std::fputs(settings_markdown_table().c_str(), stdout);
    return 0;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto updated = with_settings_table(text.str());
  if (!updated.ok()) return fail(path + ": " + updated.status().message());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << *updated;
  out.close();
  if (!out) return fail("cannot write " + path);
  return 0;
}

}  // namespace

void add_tool_commands(CLI::App& app, Command* chosen) {
  auto* check_cmd = app.add_subcommand("check-procedures", "check procedure definitions");
  auto dir = std::make_shared<std::string>();
  check_cmd->add_option("dir", *dir, "folder to check")->required();
  on_chosen(check_cmd, chosen, [dir](const Config&) { return check_procedures(*dir); });

  auto* doc_cmd = app.add_subcommand("settings-doc",
                                     "print the settings table of docs/configuration.md, or with "
                                     "FILE rewrite it there (for maintainers)");
  auto file = std::make_shared<std::string>();
  doc_cmd->add_option("file", *file, "Markdown file whose settings table to rewrite");
  on_chosen(doc_cmd, chosen, [file](const Config&) { return settings_doc(*file); });
}

}  // namespace madoguchi::cli
