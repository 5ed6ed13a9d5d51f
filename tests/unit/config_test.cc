#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/config.h"

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

}  // namespace
}  // namespace madoguchi
