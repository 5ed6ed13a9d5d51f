#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <set>
#include <sstream>

#include "cli/cli.h"
#include "core/config.h"
#include "core/settings.h"
#include "core/settings_doc.h"

namespace madoguchi {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "config_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = (dir_ / "madoguchi.toml").string();
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Status load(const std::string& toml, Config* c) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << toml;
    return load_config_file(path_, c);
  }
  // The error for `toml`, which must fail.
  std::string error(const std::string& toml) {
    Config c;
    Status s = load(toml, &c);
    EXPECT_FALSE(s.ok()) << toml;
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << toml;
    return s.message();
  }
  fs::path dir_;
  std::string path_;
};

TEST(ConfigDefaults, EveryKeyHasADefault) {
  Config c;
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.store, "sqlite:data/madoguchi.db");
  EXPECT_EQ(c.procedures, "procedures");
  EXPECT_EQ(c.templates, "templates");
  EXPECT_EQ(c.locales, "locales");
  EXPECT_EQ(c.static_dir, "static");
  EXPECT_EQ(c.holidays, "generated/holidays.tsv");
  EXPECT_EQ(c.threads, 0);
  EXPECT_EQ(c.max_body_bytes, 32LL << 20);
  EXPECT_EQ(c.max_file_bytes, 10LL << 20);
  EXPECT_EQ(c.max_application_bytes, 30LL << 20);
  EXPECT_EQ(c.read_timeout_seconds, 30);
  EXPECT_EQ(c.session_hours, 8);
  EXPECT_FALSE(c.secure_cookies);
  // One file fits in a body, and a body's worth of files in an application.
  EXPECT_LE(c.max_file_bytes, c.max_application_bytes);
  EXPECT_LE(c.max_application_bytes, c.max_body_bytes);
}

TEST_F(ConfigTest, EmptyFileKeepsDefaults) {
  Config c;
  ASSERT_TRUE(load("", &c).ok());
  Config d;
  EXPECT_EQ(c.listen, d.listen);
  EXPECT_EQ(c.store, d.store);
  EXPECT_EQ(c.session_hours, d.session_hours);
  ASSERT_TRUE(load("# comments only\n\n", &c).ok());
  EXPECT_EQ(c.listen, d.listen);
}

TEST_F(ConfigTest, FileOverridesTheKeysItHas) {
  Config c;
  Status s = load(R"(# madoguchi.toml for the test ward
listen = "0.0.0.0:9000"
store = "sqlite:/var/lib/madoguchi/madoguchi.db"
static = "/srv/static"
threads = 4
max_file_bytes = 5_242_880
session_hours = 2
secure_cookies = true
)",
                  &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_EQ(c.store, "sqlite:/var/lib/madoguchi/madoguchi.db");
  EXPECT_EQ(c.static_dir, "/srv/static");
  EXPECT_EQ(c.threads, 4);
  EXPECT_EQ(c.max_file_bytes, 5 * 1024 * 1024);
  EXPECT_EQ(c.session_hours, 2);
  EXPECT_TRUE(c.secure_cookies);
  // Untouched keys keep their defaults.
  EXPECT_EQ(c.procedures, "procedures");
  EXPECT_EQ(c.templates, "templates");
  EXPECT_EQ(c.max_body_bytes, 32LL << 20);
  EXPECT_EQ(c.read_timeout_seconds, 30);
}

TEST_F(ConfigTest, EveryKeyCanBeSet) {
  Config c;
  Status s = load(R"(listen = "l"
store = "s"
procedures = "p"
templates = "t"
locales = "lo"
static = "st"
holidays = "h"
threads = 3
max_body_bytes = 300
max_file_bytes = 100
max_application_bytes = 200
read_timeout_seconds = 5
idle_timeout_seconds = 7
drain_timeout_seconds = 0
session_hours = 1
secure_cookies = false
)",
                  &c);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(c.listen, "l");
  EXPECT_EQ(c.store, "s");
  EXPECT_EQ(c.procedures, "p");
  EXPECT_EQ(c.templates, "t");
  EXPECT_EQ(c.locales, "lo");
  EXPECT_EQ(c.static_dir, "st");
  EXPECT_EQ(c.holidays, "h");
  EXPECT_EQ(c.threads, 3);
  EXPECT_EQ(c.max_body_bytes, 300);
  EXPECT_EQ(c.max_file_bytes, 100);
  EXPECT_EQ(c.max_application_bytes, 200);
  EXPECT_EQ(c.read_timeout_seconds, 5);
  EXPECT_EQ(c.idle_timeout_seconds, 7);
  EXPECT_EQ(c.drain_timeout_seconds, 0);
  EXPECT_EQ(c.session_hours, 1);
  EXPECT_FALSE(c.secure_cookies);
}

TEST_F(ConfigTest, ValuesAlreadySetSurviveWhenTheFileLacksThem) {
  Config c;
  c.listen = "from-before:1";
  ASSERT_TRUE(load("threads = 2\n", &c).ok());
  EXPECT_EQ(c.listen, "from-before:1");
  EXPECT_EQ(c.threads, 2);
}

TEST_F(ConfigTest, UnknownKeyIsAnErrorNamingTheLine) {
  std::string msg = error("listen = \"127.0.0.1:8080\"\n\nsesion_hours = 4\n");
  EXPECT_NE(msg.find(path_ + ":3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("sesion_hours"), std::string::npos) << msg;
}

TEST_F(ConfigTest, UnknownTableIsAnError) {
  std::string msg = error("threads = 2\n[server]\nlisten = \"x\"\n");
  EXPECT_NE(msg.find("server"), std::string::npos) << msg;
  EXPECT_NE(msg.find(":2:"), std::string::npos) << msg;
}

TEST_F(ConfigTest, BadTomlIsAnErrorWithALine) {
  std::string msg = error("listen = \"127.0.0.1:8080\"\nthreads = = 4\n");
  EXPECT_EQ(msg.rfind(path_ + ":2:", 0), 0u) << msg;
  msg = error("listen = \"unterminated\nthreads = 4\n");
  EXPECT_EQ(msg.rfind(path_ + ":1:", 0), 0u) << msg;
  msg = error("threads = 1\nthreads = 2\n");  // a key twice is invalid TOML
  EXPECT_EQ(msg.rfind(path_ + ":2:", 0), 0u) << msg;
}

TEST_F(ConfigTest, WrongTypeIsAnErrorNamingTheLine) {
  std::string msg = error("# ports are strings with the host\nlisten = 8080\n");
  EXPECT_NE(msg.find(path_ + ":2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("listen"), std::string::npos) << msg;
  msg = error("threads = \"4\"\n");
  EXPECT_NE(msg.find(":1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("threads"), std::string::npos) << msg;
  msg = error("session_hours = 1.5\n");
  EXPECT_NE(msg.find("session_hours"), std::string::npos) << msg;
  msg = error("secure_cookies = \"yes\"\n");
  EXPECT_NE(msg.find("secure_cookies"), std::string::npos) << msg;
  msg = error("store = [\"sqlite:a.db\"]\n");
  EXPECT_NE(msg.find("store"), std::string::npos) << msg;
}

TEST_F(ConfigTest, OutOfRangeNumbersAreErrors) {
  // A negative byte limit would turn into "no limit" once converted to size_t.
  EXPECT_NE(error("max_body_bytes = -1\n").find("max_body_bytes"), std::string::npos);
  EXPECT_NE(error("max_file_bytes = 0\n").find("max_file_bytes"), std::string::npos);
  EXPECT_NE(error("threads = -2\n").find("threads"), std::string::npos);
  EXPECT_NE(error("session_hours = 0\n").find("session_hours"), std::string::npos);
  EXPECT_NE(error("read_timeout_seconds = 0\n").find("read_timeout_seconds"), std::string::npos);
  EXPECT_NE(error("idle_timeout_seconds = 0\n").find("idle_timeout_seconds"), std::string::npos);
  EXPECT_NE(error("drain_timeout_seconds = -1\n").find("drain_timeout_seconds"), std::string::npos);
  // Does not fit an int.
  EXPECT_NE(error("session_hours = 4294967297\n").find("session_hours"), std::string::npos);
  Config c;
  ASSERT_TRUE(load("threads = 0\nmax_body_bytes = 4294967297\n", &c).ok());
  EXPECT_EQ(c.threads, 0);
  EXPECT_EQ(c.max_body_bytes, 4294967297LL);
}

TEST_F(ConfigTest, MissingFileIsAnError) {
  Config c;
  Status s = load_config_file((dir_ / "absent.toml").string(), &c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("absent.toml"), std::string::npos) << s.message();
}

// --- The settings table drives the reader, the flags and the documentation ---

// A value for `s` other than its default, as a flag's text and as TOML.
std::pair<std::string, std::string> other_value(const Setting& s) {
  return std::visit(Overloaded{[](const TextSetting& t) {
                                 std::string v = "other-" + std::string(t.default_value);
                                 return std::pair{v, "\"" + v + "\""};
                               },
                               [](const BoolSetting& b) {
                                 std::string v = b.default_value ? "false" : "true";
                                 return std::pair{v, v};
                               },
                               [](const auto& n) {
                                 std::string v = std::to_string(n.default_value == n.min ? n.min + 1 : n.min);
                                 return std::pair{v, v};
                               }},
                    s.type);
}

// True when the field `s` describes holds the same value in both.
bool same_field(const Setting& s, const Config& a, const Config& b) {
  return std::visit([&](const auto& t) { return a.*t.field == b.*t.field; }, s.type);
}

TEST(SettingsTable, KeysFlagsAndFieldsAreEachUsedOnce) {
  std::set<std::string> keys, flags;
  Config probe;
  for (const Setting& s : settings()) {
    EXPECT_TRUE(keys.insert(std::string(s.key)).second) << s.key;
    EXPECT_TRUE(flags.insert(s.flag()).second) << s.flag();
    EXPECT_FALSE(s.doc.empty()) << s.key;
    // Changing this row's field changes no other row's: no two rows share a field.
    Config changed;
    ASSERT_TRUE(s.set_from_text(other_value(s).first, &changed).ok()) << s.key;
    EXPECT_FALSE(same_field(s, changed, probe)) << s.key;
    for (const Setting& t : settings()) {
      if (&t != &s) {
        EXPECT_TRUE(same_field(t, changed, probe)) << s.key << " also changed " << t.key;
      }
    }
  }
  EXPECT_EQ(settings().size(), 44u);
  EXPECT_EQ(find_setting("max_file_bytes")->flag(), "--max-file-bytes");
  EXPECT_EQ(find_setting("nope"), nullptr);
}

TEST_F(ConfigTest, EveryKeyOfTheTableIsReadFromTheFile) {
  for (const Setting& s : settings()) {
    Config c;
    Status st = load(std::string(s.key) + " = " + other_value(s).second + "\n", &c);
    ASSERT_TRUE(st.ok()) << s.key << ": " << st.message();
    EXPECT_FALSE(same_field(s, c, Config())) << s.key;
  }
}

TEST_F(ConfigTest, EveryNumberOutOfItsRangeIsRefusedNamingKeyAndRange) {
  for (const Setting& s : settings()) {
    std::visit(
        Overloaded{[](const TextSetting&) {}, [](const BoolSetting&) {},
                   [&](const auto& n) {
                     const std::string msg = error(std::string(s.key) + " = " + std::to_string(n.min - 1) + "\n");
                     EXPECT_NE(msg.find(path_ + ":1: setting '" + std::string(s.key) + "' must be an integer from " +
                                        std::to_string(n.min) + " to " + std::to_string(n.max)),
                               std::string::npos)
                         << msg;
                   }},
        s.type);
  }
}

// Parses `args` (argv[1..]) as the madoguchi binary would (every subcommand added) and returns
// the configuration; *chosen says whether a command was picked. `--config` of an empty file is
// added so that a madoguchi.toml in the working directory cannot interfere.
Result<Config> parse_command_line(std::vector<std::string> args, bool* chosen, const std::string& empty_toml) {
  CLI::App app;
  app.require_subcommand(1);
  cli::GlobalFlags flags(app);
  cli::Command command;
  cli::add_serve_command(app, &command);
  cli::add_store_commands(app, &command);
  cli::add_user_commands(app, &command);
  cli::add_tool_commands(app, &command);
  args.insert(args.begin(), {"--config", empty_toml});
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector of arguments last first
  try {
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    return Status::Invalid(std::string("parse error: ") + e.what());
  }
  *chosen = static_cast<bool>(command);
  return flags.config();
}

// `args` split at spaces.
std::vector<std::string> words(const std::string& args) {
  std::vector<std::string> out;
  std::istringstream in(args);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

class CommandLineTest : public ConfigTest {
 protected:
  Result<Config> parse(const std::vector<std::string>& args) {
    std::ofstream(path_, std::ios::trunc) << "";
    bool chosen = false;
    auto c = parse_command_line(args, &chosen, path_);
    if (c.ok()) {
      EXPECT_TRUE(chosen) << ::testing::PrintToString(args);
    }
    return c;
  }
  Result<Config> parse(const std::string& args) { return parse(words(args)); }
};

TEST_F(CommandLineTest, GlobalFlagsAreTheSameBeforeAndAfterTheSubcommand) {
  const std::string flags =
      "--listen 127.0.0.1:9999 --store sqlite:x.db --max-file-bytes 5000000 --secure-cookies true";
  for (const std::string command : {"serve --demo", "migrate", "demo", "audit verify --anchor 1:ab", "export --out -",
                                     "import f", "check-procedures d", "user add bob --name Bob", "settings-doc"}) {
    auto before = parse(flags + " " + command);
    auto after = parse(command + " " + flags);
    ASSERT_TRUE(before.ok()) << command << ": " << before.status().message();
    ASSERT_TRUE(after.ok()) << command << ": " << after.status().message();
    for (const Config* c : {&*before, &*after}) {
      EXPECT_EQ(c->listen, "127.0.0.1:9999") << command;
      EXPECT_EQ(c->store, "sqlite:x.db") << command;
      EXPECT_EQ(c->max_file_bytes, 5000000) << command;
      EXPECT_TRUE(c->secure_cookies) << command;
    }
  }
}

TEST_F(CommandLineTest, EveryFlagOfTheTableSetsItsSetting) {
  for (const Setting& s : settings()) {
    auto c = parse("migrate " + s.flag() + " " + other_value(s).first);
    ASSERT_TRUE(c.ok()) << s.flag() << ": " << c.status().message();
    EXPECT_FALSE(same_field(s, *c, Config())) << s.flag();
  }
  // "" is a value, not an absent flag: it turns the postal lookup off.
  auto c = parse(std::vector<std::string>{"serve", "--postal", ""});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->postal, "");
}

TEST_F(CommandLineTest, OutOfRangeOrMalformedFlagIsRefusedNamingTheSetting) {
  auto c = parse("serve --max-file-bytes 0");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "--max-file-bytes: setting 'max_file_bytes' must be an integer from 1 to 9223372036854775807");
  c = parse("--session-hours 4294967297 serve");  // does not fit an int
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("setting 'session_hours' must be an integer from 1 to 2147483647"),
            std::string::npos);
  for (const std::string bad : {"--threads 4x", "--threads 0x10", "--threads +4", "--threads -1",
                                 "--secure-cookies yes", "--secure-cookies 1"}) {
    c = parse("migrate " + bad);
    EXPECT_FALSE(c.ok()) << bad;
  }
}

TEST_F(CommandLineTest, FlagsWinOverTheFile) {
  std::ofstream(path_, std::ios::trunc) << "threads = 3\nlisten = \"file:1\"\n";
  bool chosen = false;
  auto c = parse_command_line(words("serve --listen flag:2"), &chosen, path_);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->listen, "flag:2");
  EXPECT_EQ(c->threads, 3);
}

TEST(SettingsDoc, CommittedDocumentMatchesTheTable) {
  const std::string path = std::string(MADOGUCHI_SOURCE_DIR) + "/docs/configuration.md";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  auto expected = with_settings_table(text.str());
  ASSERT_TRUE(expected.ok()) << expected.status().message();
  EXPECT_EQ(text.str(), *expected) << "docs/configuration.md differs from the settings table in src/core/settings.cc; "
                                      "run: build/madoguchi settings-doc docs/configuration.md";
  // Each key with its default, in the table's order.
  size_t at = 0;
  for (const Setting& s : settings()) {
    at = text.str().find("| `" + std::string(s.key) + "` | `" + s.default_text() + "`", at);
    EXPECT_NE(at, std::string::npos) << s.key;
  }
}

TEST(SettingsDoc, TableIsReplacedBetweenTheMarkersOnly) {
  const std::string doc =
      "intro\n" + std::string(kSettingsTableBegin) + "\nold table\n" + std::string(kSettingsTableEnd) + "\noutro\n";
  auto out = with_settings_table(doc);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "intro\n" + std::string(kSettingsTableBegin) + "\n" + settings_markdown_table() +
                      std::string(kSettingsTableEnd) + "\noutro\n");
  EXPECT_EQ(*with_settings_table(*out), *out);
  EXPECT_FALSE(with_settings_table("intro\n" + std::string(kSettingsTableBegin) + "\nno end\n").ok());
  EXPECT_FALSE(with_settings_table("no markers\n").ok());
}

}  // namespace
}  // namespace madoguchi
